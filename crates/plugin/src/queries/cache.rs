//! `cache`: hit ratio per (job, cache layer), hits / (hits + misses) x 100.

use mcp_frames::Frame;
use mcp_model::promql::{sum_rate, Selector};
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

const BY: &str = "job, cache_layer";

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let filter = |s: Selector| {
        s.one_of("job", &query.filters.services)
            .one_of("cache_layer", &query.filters.cache_layers)
    };
    let hits = sum_rate(
        &filter(Selector::new(profile.metric(Family::CacheHits))),
        BY,
        &w,
    );
    let misses = sum_rate(
        &filter(Selector::new(profile.metric(Family::CacheMisses))),
        BY,
        &w,
    );
    // A layer without lookups in the window has no hit ratio (a gap), not NaN.
    let ratio = format!("100 * {hits} / (({hits} + {misses}) > 0)");
    if ctx.format(query, Format::Timeseries) == Format::Timeseries {
        return timeseries::run(
            ctx,
            vec![RangeQuery::new(ratio, "percent", "{{job}} {{cache_layer}}")],
        )
        .await;
    }
    let table = Table {
        keys: vec![
            Key {
                label: "job",
                title: "service",
            },
            Key {
                label: "cache_layer",
                title: "cache layer",
            },
        ],
        columns: vec![
            Column {
                title: "hit %",
                metric: "hit_percent",
                unit: "percent",
                expr: ratio,
                band: None,
            },
            Column {
                title: "hits/s",
                metric: "hits_per_second",
                unit: "ops",
                expr: hits,
                band: None,
            },
            Column {
                title: "misses/s",
                metric: "misses_per_second",
                unit: "ops",
                expr: misses,
                band: None,
            },
        ],
    };
    table::run(ctx, "cache", table, |_| Verdict::ok()).await
}
