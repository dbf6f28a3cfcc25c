//! `otlpOperations`: operations/s, p95 and average duration, and active connections per
//! job, from the metrics MCP servers report over OTLP.

use mcp_frames::Frame;
use mcp_model::promql::{quantile, sum_rate, Selector};
use mcp_model::{Family, Format, Query};

use super::table::{self, seconds, too_high, Column, Key, Table, Verdict};
use super::timeseries;
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let filter = |name: String| {
        Selector::new(name)
            .one_of("job", &query.filters.services)
            .one_of("operation", &query.filters.operations)
    };
    let duration = profile.metric(Family::OtlpOperationDuration);
    let ops = sum_rate(
        &filter(profile.metric(Family::OtlpOperations).to_string()),
        "job",
        &w,
    );
    // Without operations in the window there is no duration (a gap), not NaN: the
    // comparison drops the NaN a quantile or an average of nothing gives.
    let p95 = format!(
        "{} >= 0",
        quantile(0.95, &filter(format!("{duration}_bucket")), "job", &w)
    );
    let avg = format!(
        "{} / ({} > 0)",
        sum_rate(&filter(format!("{duration}_sum")), "job", &w),
        sum_rate(&filter(format!("{duration}_count")), "job", &w)
    );
    let conns_sel = Selector::new(profile.metric(Family::OtlpActiveConnections))
        .one_of("job", &query.filters.services);
    let conns = format!("sum by (job) ({conns_sel})");
    let band = ctx.settings.thresholds.p95_latency_seconds;
    let column = |title, metric, unit, expr, band| Column {
        title,
        metric,
        unit,
        expr,
        band,
    };
    let columns = vec![
        column("operations/s", "operations_per_second", "ops", ops, None),
        column("p95", "p95_seconds", "s", p95, Some(band)),
        column("average", "average_seconds", "s", avg, None),
        column("connections", "active_connections", "none", conns, None),
    ];
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(ctx, timeseries::columns_over_time(columns)).await;
    }
    let table = Table {
        keys: vec![Key {
            label: "job",
            title: "service",
        }],
        columns,
    };
    table::run(ctx, "otlpOperations", table, |row| {
        let mut v = Verdict::ok();
        v.judge(band, row.get(1), |x, b| {
            too_high("operations p95", x, b, seconds)
        });
        v
    })
    .await
}
