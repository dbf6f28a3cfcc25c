//! `errorRate`: the share of failed requests per job, in percent.
//!
//! A job without a single failure shows 0 %, not a gap: the failure rate falls back to
//! `0 * total` where no failing series exists.

use mcp_frames::Frame;
use mcp_model::promql::Selector;
use mcp_model::{Family, Query};

use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let window = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let metric = profile.metric(Family::HttpRequests);
    let (label, failed) = profile.request_error_matcher();
    let all = Selector::new(metric).one_of("job", &query.filters.services);
    let errors = all.clone().matches(label, failed);
    let total = format!("sum by (job) (rate({all}[{window}]))");
    let expr = format!("100 * (sum by (job) (rate({errors}[{window}])) or 0 * {total}) / {total}");
    timeseries::run(
        ctx,
        vec![RangeQuery {
            expr,
            unit: "percent",
            legend: "{{job}}".to_string(),
            extra_labels: Vec::new(),
        }],
    )
    .await
}
