//! `requestLatency`: request duration percentiles per job, from the duration histogram.

use mcp_model::columns::latency;
use mcp_model::promql;
use mcp_model::{ExemplarSource, Family, Query};

use super::exemplars;
use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let buckets = ctx.buckets(Family::HttpDuration, query);
    let queries = query
        .percentiles
        .iter()
        .map(|p| {
            // 95.0 prints as "95", 99.9 as "99.9".
            let label = format!("{p}");
            let mut q = RangeQuery::new(
                &format!("p{label} request duration"),
                promql::quantile(p / 100.0, &buckets, "job", &w),
                "s",
                &format!("{{{{job}}}} p{label}"),
            );
            q.extra_labels
                .push((latency::PERCENTILE_LABEL.to_string(), label));
            q
        })
        .collect();
    Plan::Lines {
        step,
        queries,
        exemplars: exemplars::beside_lines(ctx, query, ExemplarSource::Http),
    }
}
