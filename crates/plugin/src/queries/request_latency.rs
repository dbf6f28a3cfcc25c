//! `requestLatency`: request duration percentiles per job, from the duration histogram.

use mcp_frames::Frame;
use mcp_model::promql::Selector;
use mcp_model::{Family, Query};

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
            let label = percentile_label(*p);
            RangeQuery {
                expr: format!(
                    "histogram_quantile({}, sum by (le, job) (rate({selector}[{window}])))",
                    p / 100.0
                ),
                unit: "s",
                legend: format!("{{{{job}}}} p{label}"),
                extra_labels: vec![("percentile".to_string(), label)],
            }
        })
        .collect();
    timeseries::run(ctx, queries).await
}

/// `95` for 95.0, `99.9` for 99.9: the shortest text that reads back as the same number.
fn percentile_label(p: f64) -> String {
    format!("{p}")
}
