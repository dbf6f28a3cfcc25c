//! `system`: CPU %, memory bytes, open files and disk % per job, with CPU, memory and
//! disk statuses in the table.

use mcp_model::columns;
use mcp_model::{Family, Format, Query};

use super::table::{bytes, percent, too_high, Column, Key, Table, Verdict};
use super::timeseries;
use super::{Context, Plan};

const CPU: &str = "CPU %";
const MEMORY: &str = "memory";
const DISK: &str = "disk %";

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let by_job =
        |family: Family, agg: &str| format!("{agg} by (job) ({})", ctx.family(family, query));
    let t = ctx.settings.thresholds;
    let columns = vec![
        Column::new(
            CPU,
            "cpu_percent",
            "percent",
            by_job(Family::CpuPercent, "max"),
        )
        .with_band(t.cpu_percent),
        Column::new(
            MEMORY,
            "memory_bytes",
            "bytes",
            by_job(Family::MemoryBytes, "sum"),
        )
        .with_band(t.memory_bytes),
        Column::new(
            "open files",
            "open_files",
            "none",
            by_job(Family::OpenFiles, "sum"),
        ),
        Column::new(
            DISK,
            "disk_percent",
            "percent",
            by_job(Family::DiskPercent, "max"),
        )
        .with_band(t.disk_percent),
    ];
    if ctx.format(query) == Format::Timeseries {
        return Plan::lines(ctx, timeseries::columns_over_time(columns));
    }
    let table = Table {
        keys: vec![Key::new("job", columns::SERVICE)],
        columns,
    };
    Plan::table("system", table, move |row| {
        let mut v = Verdict::ok();
        v.judge(t.cpu_percent, row.get(CPU), |x, b| {
            too_high("CPU at", x, b, percent)
        });
        v.judge(t.memory_bytes, row.get(MEMORY), |x, b| {
            too_high("memory at", x, b, bytes)
        });
        v.judge(t.disk_percent, row.get(DISK), |x, b| {
            too_high("disk at", x, b, percent)
        });
        v
    })
}
