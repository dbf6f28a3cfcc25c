//! `sessions`: active sessions per job and session operations per operation and outcome;
//! the table gives operations/s and success % per (job, operation).

use mcp_frames::Frame;
use mcp_model::promql::{percent_of, sum_rate, Selector};
use mcp_model::{Family, Format, Query};

use super::table::{self, low_success, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let active = Selector::new(profile.metric(Family::SessionsActive))
        .one_of("job", &query.filters.services);
    let ops = Selector::new(profile.metric(Family::SessionOperations))
        .one_of("job", &query.filters.services)
        .one_of("operation", &query.filters.operations);
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(
            ctx,
            vec![
                RangeQuery::new(
                    format!("sum by (job) ({active})"),
                    "none",
                    "{{job}} active sessions",
                )
                .metric("sessions_active"),
                RangeQuery::new(
                    sum_rate(&ops, "operation, status", &w),
                    "ops",
                    "{{operation}} {{status}}",
                )
                .metric("operations_per_second"),
            ],
        )
        .await;
    }
    let band = ctx.settings.thresholds.tool_success_percent;
    let by = "job, operation";
    let table = Table {
        keys: vec![
            Key {
                label: "job",
                title: "service",
            },
            Key {
                label: "operation",
                title: "operation",
            },
        ],
        columns: vec![
            Column {
                title: "operations/s",
                metric: "operations_per_second",
                unit: "ops",
                expr: sum_rate(&ops, by, &w),
                band: None,
            },
            Column {
                title: "success %",
                metric: "success_percent",
                unit: "percent",
                expr: percent_of(&ops.clone().eq("status", "success"), &ops, by, &w),
                band: Some(band),
            },
        ],
    };
    table::run(ctx, "sessions", table, |row| {
        let op = &row.key[1];
        let mut v = Verdict::ok();
        v.judge(band, row.get(1), |x, bound| {
            low_success(&format!("{op} operations"), x, bound)
        });
        v
    })
    .await
}
