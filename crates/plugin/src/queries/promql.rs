//! `promql`: the user's own expression, for everything the other types do not cover.
//!
//! The expression is the user's; only the range, step and legend are ours.

use mcp_model::Query;

use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let q = RangeQuery::new(
        "your expression",
        query.expr.clone(),
        "",
        &query.legend_format,
    );
    Plan::lines(ctx, vec![q.keeping_nan()])
}
