//! `errorRate`: the share of failed requests per job, in percent.
//!
//! A job without a single failure shows 0 %, not a gap (see [`promql::percent_of`]).

use mcp_frames::Frame;
use mcp_model::promql::{self, Selector};
use mcp_model::{Family, Query};

use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let window = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let metric = profile.metric(Family::HttpRequests);
    let all = Selector::new(metric).one_of("job", &query.filters.services);
    let errors = profile.request_errors(all.clone());
    let expr = promql::percent_of(&errors, &all, "job", &window);
    timeseries::run(ctx, vec![RangeQuery::new(expr, "percent", "{{job}}")]).await
}
