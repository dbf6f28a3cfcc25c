//! `agentTasks`: task rate per agent type; the table adds success % and p95 duration.

use mcp_model::promql::{percent_of, quantile, sum_rate};
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

const TASKS: &str = "tasks/s";
const SUCCESS: &str = "success %";
const P95: &str = "p95";

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let window_s = ctx.rate_window_s(query, &step);
    let keys = vec![Key::new("agent_type", "agent type")];
    let by = table::by(&keys);
    let agents = &query.filters.agent_types;
    let tasks = ctx
        .family(Family::AgentTasks, query)
        .one_of("agent_type", agents);
    if ctx.format(query) == Format::Timeseries {
        let q = RangeQuery::new(
            "tasks per second",
            sum_rate(&tasks, &by, &w),
            "ops",
            "{{agent_type}}",
        );
        return Plan::lines(ctx, vec![q]);
    }
    let buckets = ctx
        .buckets(Family::AgentTaskDuration, query)
        .one_of("agent_type", agents);
    let band = ctx.settings.thresholds.tool_success_percent;
    let table = Table {
        columns: vec![
            Column::new(TASKS, "tasks_per_second", "ops", sum_rate(&tasks, &by, &w)),
            Column::new(
                SUCCESS,
                "success_percent",
                "percent",
                percent_of(&tasks.clone().eq("status", "success"), &tasks, &by, &w),
            )
            .with_band(band),
            Column::new(P95, "p95_seconds", "s", quantile(0.95, &buckets, &by, &w)),
        ],
        keys,
    };
    Plan::table("agentTasks", table, move |row| {
        let agent = row.key("agent_type");
        let mut v = Verdict::ok();
        v.judge_share(
            band,
            &format!("{agent} tasks"),
            row.get(SUCCESS),
            row.calls(TASKS, window_s),
        );
        v
    })
}
