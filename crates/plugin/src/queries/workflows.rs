//! `workflows`: workflow executions per adapter; the table adds success %.

use mcp_frames::Frame;
use mcp_model::promql::{percent_of, sum_rate, Selector};
use mcp_model::{Family, Format, Query};

use super::table::{self, low_success, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let runs = Selector::new(ctx.settings.profile.metric(Family::Workflows))
        .one_of("job", &query.filters.services)
        .one_of("adapter", &query.filters.adapters);
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(
            ctx,
            vec![RangeQuery::new(
                sum_rate(&runs, "adapter", &w),
                "ops",
                "{{adapter}}",
            )],
        )
        .await;
    }
    let band = ctx.settings.thresholds.tool_success_percent;
    let table = Table {
        keys: vec![Key {
            label: "adapter",
            title: "adapter",
        }],
        columns: vec![
            Column {
                title: "runs/s",
                metric: "runs_per_second",
                unit: "ops",
                expr: sum_rate(&runs, "adapter", &w),
                band: None,
            },
            Column {
                title: "success %",
                metric: "success_percent",
                unit: "percent",
                expr: percent_of(&runs.clone().eq("status", "success"), &runs, "adapter", &w),
                band: Some(band),
            },
        ],
    };
    table::run(ctx, "workflows", table, |row| {
        let adapter = &row.key[0];
        let mut v = Verdict::ok();
        v.judge(band, row.get(1), |x, bound| {
            low_success(&format!("{adapter} workflows"), x, bound)
        });
        v
    })
    .await
}
