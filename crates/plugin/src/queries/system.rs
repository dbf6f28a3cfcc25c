//! `system`: CPU %, memory bytes, open files and disk % per job, with CPU, memory and
//! disk statuses in the table.

use mcp_frames::Frame;
use mcp_model::promql::Selector;
use mcp_model::{Family, Format, Query};

use super::table::{self, bytes, percent, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let profile = &ctx.settings.profile;
    let by_job = |family: Family, agg: &str| {
        let sel = Selector::new(profile.metric(family)).one_of("job", &query.filters.services);
        format!("{agg} by (job) ({sel})")
    };
    let t = ctx.settings.thresholds;
    // (title, metric label, unit, PromQL, band)
    let metrics = [
        (
            "CPU %",
            "cpu_percent",
            "percent",
            by_job(Family::CpuPercent, "max"),
            Some(t.cpu_percent),
        ),
        (
            "memory",
            "memory_bytes",
            "bytes",
            by_job(Family::MemoryBytes, "sum"),
            Some(t.memory_bytes),
        ),
        (
            "open files",
            "open_files",
            "none",
            by_job(Family::OpenFiles, "sum"),
            None,
        ),
        (
            "disk %",
            "disk_percent",
            "percent",
            by_job(Family::DiskPercent, "max"),
            Some(t.disk_percent),
        ),
    ];
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        let queries = metrics
            .into_iter()
            .map(|(title, metric, unit, expr, _)| RangeQuery {
                expr,
                unit,
                legend: format!("{{{{job}}}} {title}"),
                extra_labels: vec![("metric".to_string(), metric.to_string())],
            })
            .collect();
        return timeseries::run(ctx, queries).await;
    }
    let table = Table {
        keys: vec![Key {
            label: "job",
            title: "service",
        }],
        columns: metrics
            .into_iter()
            .map(|(title, metric, unit, expr, band)| Column {
                title,
                metric,
                unit,
                expr,
                band,
            })
            .collect(),
    };
    table::run(ctx, "system", table, |row| {
        let mut v = Verdict::ok();
        v.judge(t.cpu_percent, row.get(0), |x, b| {
            format!("CPU at {}, over {}", percent(x), percent(b))
        });
        v.judge(t.memory_bytes, row.get(1), |x, b| {
            format!("memory at {}, over {}", bytes(x), bytes(b))
        });
        v.judge(t.disk_percent, row.get(3), |x, b| {
            format!("disk at {}, over {}", percent(x), percent(b))
        });
        v
    })
    .await
}
