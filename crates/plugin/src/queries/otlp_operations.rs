//! `otlpOperations`: operations/s, p95 and average duration, and active connections per
//! job, from the metrics MCP servers report over OTLP.

use mcp_model::columns;
use mcp_model::promql::{quantile, sum_rate, Selector};
use mcp_model::{Family, Format, Query};

use super::table::{seconds, too_high, Column, Key, Table, Verdict};
use super::timeseries;
use super::{Context, Plan};

const P95: &str = "p95";

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let w = ctx.rate_window(query, &ctx.step());
    let ops_of = |sel: Selector| sel.one_of("operation", &query.filters.operations);
    let duration = |suffix: &str| {
        let name = ctx.settings.profile.metric(Family::OtlpOperationDuration);
        ops_of(Selector::new(format!("{name}_{suffix}")).one_of("job", &query.filters.services))
    };
    let ops = sum_rate(
        &ops_of(ctx.family(Family::OtlpOperations, query)),
        "job",
        &w,
    );
    // Without operations in the window there is no duration (a gap), not NaN: the
    // comparison drops the NaN a quantile or an average of nothing gives.
    let p95 = format!("{} >= 0", quantile(0.95, &duration("bucket"), "job", &w));
    let avg = format!(
        "{} / ({} > 0)",
        sum_rate(&duration("sum"), "job", &w),
        sum_rate(&duration("count"), "job", &w)
    );
    let conns = format!(
        "sum by (job) ({})",
        ctx.family(Family::OtlpActiveConnections, query)
    );
    let band = ctx.settings.thresholds.p95_latency_seconds;
    let columns = vec![
        Column::new("operations/s", "operations_per_second", "ops", ops),
        Column::new(P95, "p95_seconds", "s", p95).with_band(band),
        Column::new("average", "average_seconds", "s", avg),
        Column::new("connections", "active_connections", "none", conns),
    ];
    if ctx.format(query) == Format::Timeseries {
        return Plan::lines(ctx, timeseries::columns_over_time(columns));
    }
    let table = Table {
        keys: vec![Key::new("job", columns::SERVICE)],
        columns,
    };
    Plan::table("otlpOperations", table, move |row| {
        let mut v = Verdict::ok();
        v.judge(band, row.get(P95), |x, b| {
            too_high("operations p95", x, b, seconds)
        });
        v
    })
}
