//! `system`: CPU %, memory bytes, open files and disk % per job, with CPU, memory and
//! disk statuses in the table.

use mcp_frames::Frame;
use mcp_model::promql::Selector;
use mcp_model::{Family, Format, Query};

use super::table::{self, bytes, percent, too_high, Column, Key, Table, Verdict};
use super::timeseries;
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let profile = &ctx.settings.profile;
    let by_job = |family: Family, agg: &str| {
        let sel = Selector::new(profile.metric(family)).one_of("job", &query.filters.services);
        format!("{agg} by (job) ({sel})")
    };
    let t = ctx.settings.thresholds;
    let column = |title, metric, unit, expr, band| Column {
        title,
        metric,
        unit,
        expr,
        band,
    };
    let columns = vec![
        column(
            "CPU %",
            "cpu_percent",
            "percent",
            by_job(Family::CpuPercent, "max"),
            Some(t.cpu_percent),
        ),
        column(
            "memory",
            "memory_bytes",
            "bytes",
            by_job(Family::MemoryBytes, "sum"),
            Some(t.memory_bytes),
        ),
        column(
            "open files",
            "open_files",
            "none",
            by_job(Family::OpenFiles, "sum"),
            None,
        ),
        column(
            "disk %",
            "disk_percent",
            "percent",
            by_job(Family::DiskPercent, "max"),
            Some(t.disk_percent),
        ),
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
    table::run(ctx, "system", table, |row| {
        let mut v = Verdict::ok();
        v.judge(t.cpu_percent, row.get(0), |x, b| {
            too_high("CPU at", x, b, percent)
        });
        v.judge(t.memory_bytes, row.get(1), |x, b| {
            too_high("memory at", x, b, bytes)
        });
        v.judge(t.disk_percent, row.get(3), |x, b| {
            too_high("disk at", x, b, percent)
        });
        v
    })
    .await
}
