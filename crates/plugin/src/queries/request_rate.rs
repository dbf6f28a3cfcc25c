//! `requestRate`: requests per second per job.

use mcp_frames::Frame;
use mcp_model::promql::{self, Selector};
use mcp_model::{Family, Query};

use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let window = ctx.rate_window(query, &step);
    let metric = ctx.settings.profile.metric(Family::HttpRequests);
    let selector = Selector::new(metric).one_of("job", &query.filters.services);
    let expr = promql::sum_rate(&selector, "job", &window);
    timeseries::run(ctx, vec![RangeQuery::new(expr, "reqps", "{{job}}")]).await
}
