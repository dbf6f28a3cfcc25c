//! `cache`: hit ratio per (job, cache layer), hits / (hits + misses) x 100.

use mcp_model::columns;
use mcp_model::promql::sum_rate;
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let w = ctx.rate_window(query, &ctx.step());
    let keys = vec![
        Key::new("job", columns::SERVICE),
        Key::new("cache_layer", "cache layer"),
    ];
    let by = table::by(&keys);
    let rate = |family: Family| {
        let sel = ctx
            .family(family, query)
            .one_of("cache_layer", &query.filters.cache_layers);
        sum_rate(&sel, &by, &w)
    };
    let hits = rate(Family::CacheHits);
    let misses = rate(Family::CacheMisses);
    // A layer without lookups in the window has no hit ratio (a gap), not NaN.
    let ratio = format!("100 * {hits} / (({hits} + {misses}) > 0)");
    if ctx.format(query) == Format::Timeseries {
        let q = RangeQuery::new("cache hit %", ratio, "percent", "{{job}} {{cache_layer}}");
        return Plan::lines(ctx, vec![q]);
    }
    let table = Table {
        keys,
        columns: vec![
            Column::new("hit %", "hit_percent", "percent", ratio),
            Column::new("hits/s", "hits_per_second", "ops", hits),
            Column::new("misses/s", "misses_per_second", "ops", misses),
        ],
    };
    Plan::table("cache", table, |_| Verdict::ok())
}
