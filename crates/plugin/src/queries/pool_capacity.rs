//! `poolCapacity`: active workers per (job, pool); as a table current, min and max over
//! the range with a status (0 workers is critical).

use mcp_frames::Frame;
use mcp_model::columns::{self, pool_capacity};
use mcp_model::promql::Selector;
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

const BY: &str = "job, pool_type";

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let sel = Selector::new(ctx.settings.profile.metric(Family::PoolWorkers))
        .one_of("job", &query.filters.services)
        .one_of("pool_type", &query.filters.pools);
    let current = format!("sum by ({BY}) ({sel})");
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(
            ctx,
            vec![RangeQuery::new(current, "none", "{{job}} {{pool_type}}")],
        )
        .await;
    }
    let range = ctx.range();
    let band = ctx.settings.thresholds.active_workers;
    let table = Table {
        keys: vec![
            Key {
                label: "job",
                title: columns::SERVICE,
            },
            Key {
                label: "pool_type",
                title: pool_capacity::POOL,
            },
        ],
        columns: vec![
            Column {
                title: pool_capacity::WORKERS,
                metric: "workers",
                unit: "none",
                expr: current,
                band: Some(band),
            },
            Column {
                title: pool_capacity::MIN,
                metric: "workers_min",
                unit: "none",
                expr: format!("min by ({BY}) (min_over_time({sel}[{range}]))"),
                band: None,
            },
            Column {
                title: pool_capacity::MAX,
                metric: "workers_max",
                unit: "none",
                expr: format!("max by ({BY}) (max_over_time({sel}[{range}]))"),
                band: None,
            },
        ],
    };
    table::run(ctx, pool_capacity::FRAME, table, |row| {
        let pool = &row.key[1];
        let mut v = Verdict::ok();
        v.judge(band, row.get(0), |x, bound| {
            if x < 1.0 {
                format!("{pool} pool has no active workers")
            } else {
                format!("{pool} pool down to {x} active workers, at or under {bound}")
            }
        });
        v
    })
    .await
}
