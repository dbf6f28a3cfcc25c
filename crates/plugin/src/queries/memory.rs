//! `memory`: memory syncs per source and outcome, memories stored per job, embeddings per
//! model; the table gives per job stored memories, syncs/s, sync success % and embeddings.

use mcp_model::columns;
use mcp_model::promql::{percent_of, sum_rate};
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

const SYNCS: &str = "syncs/s";
const SYNC_SUCCESS: &str = "sync success %";

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let window_s = ctx.rate_window_s(query, &step);
    let syncs = ctx.family(Family::MemorySyncs, query);
    let stored = ctx.family(Family::MemoriesStored, query);
    let embeddings = ctx.family(Family::Embeddings, query);
    if ctx.format(query) == Format::Timeseries {
        return Plan::lines(
            ctx,
            vec![
                RangeQuery::new(
                    "memory syncs per second",
                    sum_rate(&syncs, "source, status", &w),
                    "ops",
                    "syncs {{source}} {{status}}",
                )
                .metric("syncs_per_second"),
                RangeQuery::new(
                    "memories stored",
                    format!("sum by (job) ({stored})"),
                    "none",
                    "{{job}} memories stored",
                )
                .metric("memories_stored"),
                RangeQuery::new(
                    "embeddings generated",
                    format!("sum by (model) ({embeddings})"),
                    "none",
                    "embeddings {{model}}",
                )
                .metric("embeddings_generated"),
            ],
        );
    }
    let band = ctx.settings.thresholds.tool_success_percent;
    let keys = vec![Key::new("job", columns::SERVICE)];
    let by = table::by(&keys);
    let table = Table {
        columns: vec![
            Column::new(
                "memories stored",
                "memories_stored",
                "none",
                format!("sum by ({by}) ({stored})"),
            ),
            Column::new(SYNCS, "syncs_per_second", "ops", sum_rate(&syncs, &by, &w)),
            Column::new(
                SYNC_SUCCESS,
                "sync_success_percent",
                "percent",
                percent_of(&syncs.clone().eq("status", "success"), &syncs, &by, &w),
            )
            .with_band(band),
            Column::new(
                "embeddings",
                "embeddings_generated",
                "none",
                format!("sum by ({by}) ({embeddings})"),
            ),
        ],
        keys,
    };
    Plan::table("memory", table, move |row| {
        let mut v = Verdict::ok();
        v.judge_share(
            band,
            "memory syncs",
            row.get(SYNC_SUCCESS),
            row.calls(SYNCS, window_s),
        );
        v
    })
}
