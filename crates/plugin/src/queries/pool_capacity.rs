//! `poolCapacity`: active workers per (job, pool); as a table current, min and max over
//! the range with a status (0 workers is critical).

use mcp_model::columns::{self, pool_capacity as col};
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let keys = vec![
        Key::new("job", columns::SERVICE),
        Key::new("pool_type", col::POOL),
    ];
    let by = table::by(&keys);
    let sel = ctx
        .family(Family::PoolWorkers, query)
        .one_of("pool_type", &query.filters.pools);
    let current = format!("sum by ({by}) ({sel})");
    if ctx.format(query) == Format::Timeseries {
        let q = RangeQuery::new("active workers", current, "none", "{{job}} {{pool_type}}");
        return Plan::lines(ctx, vec![q]);
    }
    let range = ctx.range();
    let band = ctx.settings.thresholds.active_workers;
    let table = Table {
        keys,
        columns: vec![
            Column::new(col::WORKERS, "workers", "none", current).with_band(band),
            Column::new(
                col::MIN,
                "workers_min",
                "none",
                format!("min by ({by}) (min_over_time({sel}[{range}]))"),
            ),
            Column::new(
                col::MAX,
                "workers_max",
                "none",
                format!("max by ({by}) (max_over_time({sel}[{range}]))"),
            ),
        ],
    };
    Plan::table(col::FRAME, table, move |row| {
        let pool = row.key("pool_type");
        let mut v = Verdict::ok();
        v.judge(band, row.get(col::WORKERS), |x, bound| {
            if x < 1.0 {
                format!("{pool} pool has no active workers")
            } else {
                format!("{pool} pool down to {x} active workers, at or under {bound}")
            }
        });
        v
    })
}
