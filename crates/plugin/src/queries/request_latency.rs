//! `requestLatency`: request duration percentiles per job, from the duration histogram.

use mcp_frames::Frame;
use mcp_model::columns::latency;
use mcp_model::promql::{self, Selector};
use mcp_model::{ExemplarSource, Family, Query};

use super::exemplars;
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let window = ctx.rate_window(query, &step);
    let metric = format!(
        "{}_bucket",
        ctx.settings.profile.metric(Family::HttpDuration)
    );
    let selector = Selector::new(metric).one_of("job", &query.filters.services);
    let queries = query
        .percentiles
        .iter()
        .map(|p| {
            // 95.0 prints as "95", 99.9 as "99.9".
            let label = format!("{p}");
            let mut q = RangeQuery::new(
                promql::quantile(p / 100.0, &selector, "job", &window),
                "s",
                &format!("{{{{job}}}} p{label}"),
            );
            q.extra_labels
                .push((latency::PERCENTILE_LABEL.to_string(), label));
            q
        })
        .collect();
    exemplars::with_lines(
        ctx,
        query,
        ExemplarSource::Http,
        timeseries::run(ctx, queries),
    )
    .await
}
