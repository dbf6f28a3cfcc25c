//! `promql`: the user's own expression, for everything the other types do not cover.
//!
//! The expression is the user's; only the range, step and legend are ours.

use mcp_frames::Frame;
use mcp_model::Query;

use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    timeseries::run(
        ctx,
        vec![RangeQuery::new(query.expr.clone(), "", &query.legend_format).keeping_nan()],
    )
    .await
}
