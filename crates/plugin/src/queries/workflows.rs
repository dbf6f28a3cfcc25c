//! `workflows`: workflow executions per adapter; the table adds success %.

use mcp_model::promql::{percent_of, sum_rate};
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

const RUNS: &str = "runs/s";
const SUCCESS: &str = "success %";

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let window_s = ctx.rate_window_s(query, &step);
    let keys = vec![Key::new("adapter", "adapter")];
    let by = table::by(&keys);
    let runs = ctx
        .family(Family::Workflows, query)
        .one_of("adapter", &query.filters.adapters);
    if ctx.format(query) == Format::Timeseries {
        let q = RangeQuery::new(
            "workflow runs per second",
            sum_rate(&runs, &by, &w),
            "ops",
            "{{adapter}}",
        );
        return Plan::lines(ctx, vec![q]);
    }
    let band = ctx.settings.thresholds.tool_success_percent;
    let table = Table {
        columns: vec![
            Column::new(RUNS, "runs_per_second", "ops", sum_rate(&runs, &by, &w)),
            Column::new(
                SUCCESS,
                "success_percent",
                "percent",
                percent_of(&runs.clone().eq("status", "success"), &runs, &by, &w),
            )
            .with_band(band),
        ],
        keys,
    };
    Plan::table("workflows", table, move |row| {
        let adapter = row.key("adapter");
        let mut v = Verdict::ok();
        v.judge_share(
            band,
            &format!("{adapter} workflows"),
            row.get(SUCCESS),
            row.calls(RUNS, window_s),
        );
        v
    })
}
