//! `memory`: memory syncs per source and outcome, memories stored per job, embeddings per
//! model; the table gives per job stored memories, syncs/s, sync success % and embeddings.

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
    let jobs = &query.filters.services;
    let syncs = Selector::new(profile.metric(Family::MemorySyncs)).one_of("job", jobs);
    let stored = Selector::new(profile.metric(Family::MemoriesStored)).one_of("job", jobs);
    let embeddings = Selector::new(profile.metric(Family::Embeddings)).one_of("job", jobs);
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(
            ctx,
            vec![
                RangeQuery::new(
                    sum_rate(&syncs, "source, status", &w),
                    "ops",
                    "syncs {{source}} {{status}}",
                )
                .metric("syncs_per_second"),
                RangeQuery::new(
                    format!("sum by (job) ({stored})"),
                    "none",
                    "{{job}} memories stored",
                )
                .metric("memories_stored"),
                RangeQuery::new(
                    format!("sum by (model) ({embeddings})"),
                    "none",
                    "embeddings {{model}}",
                )
                .metric("embeddings_generated"),
            ],
        )
        .await;
    }
    let band = ctx.settings.thresholds.tool_success_percent;
    let table = Table {
        keys: vec![Key {
            label: "job",
            title: "service",
        }],
        columns: vec![
            Column {
                title: "memories stored",
                metric: "memories_stored",
                unit: "none",
                expr: format!("sum by (job) ({stored})"),
                band: None,
            },
            Column {
                title: "syncs/s",
                metric: "syncs_per_second",
                unit: "ops",
                expr: sum_rate(&syncs, "job", &w),
                band: None,
            },
            Column {
                title: "sync success %",
                metric: "sync_success_percent",
                unit: "percent",
                expr: percent_of(&syncs.clone().eq("status", "success"), &syncs, "job", &w),
                band: Some(band),
            },
            Column {
                title: "embeddings",
                metric: "embeddings_generated",
                unit: "none",
                expr: format!("sum by (job) ({embeddings})"),
                band: None,
            },
        ],
    };
    table::run(ctx, "memory", table, |row| {
        let mut v = Verdict::ok();
        v.judge(band, row.get(2), |x, bound| {
            low_success("memory syncs", x, bound)
        });
        v
    })
    .await
}
