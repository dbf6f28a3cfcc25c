//! `agentTasks`: task rate per agent type; the table adds success % and p95 duration.

use mcp_frames::Frame;
use mcp_model::promql::{percent_of, quantile, sum_rate, Selector};
use mcp_model::{Family, Format, Query};

use super::table::{self, low_success, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let tasks = Selector::new(profile.metric(Family::AgentTasks))
        .one_of("job", &query.filters.services)
        .one_of("agent_type", &query.filters.agent_types);
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(
            ctx,
            vec![RangeQuery::new(
                sum_rate(&tasks, "agent_type", &w),
                "ops",
                "{{agent_type}}",
            )],
        )
        .await;
    }
    let buckets = Selector::new(format!(
        "{}_bucket",
        profile.metric(Family::AgentTaskDuration)
    ))
    .one_of("job", &query.filters.services)
    .one_of("agent_type", &query.filters.agent_types);
    let band = ctx.settings.thresholds.tool_success_percent;
    let table = Table {
        keys: vec![Key {
            label: "agent_type",
            title: "agent type",
        }],
        columns: vec![
            Column {
                title: "tasks/s",
                metric: "tasks_per_second",
                unit: "ops",
                expr: sum_rate(&tasks, "agent_type", &w),
                band: None,
            },
            Column {
                title: "success %",
                metric: "success_percent",
                unit: "percent",
                expr: percent_of(
                    &tasks.clone().eq("status", "success"),
                    &tasks,
                    "agent_type",
                    &w,
                ),
                band: Some(band),
            },
            Column {
                title: "p95",
                metric: "p95_seconds",
                unit: "s",
                expr: quantile(0.95, &buckets, "agent_type", &w),
                band: None,
            },
        ],
    };
    table::run(ctx, "agentTasks", table, |row| {
        let agent = &row.key[0];
        let mut v = Verdict::ok();
        v.judge(band, row.get(1), |x, bound| {
            low_success(&format!("{agent} tasks"), x, bound)
        });
        v
    })
    .await
}
