//! `toolHealth`: per (job, tool) calls/s, success %, errors/s, p50 and p95 duration and a
//! status; as time series, success % per tool. Labels read `tool_name` under every profile.

use mcp_frames::Frame;
use mcp_model::columns::{self, tool_health};
use mcp_model::promql::{quantile, ratio_percent, Selector};
use mcp_model::{ExemplarSource, Format, Profile, Query};

use super::exemplars;
use super::table::{self, low_success, seconds, too_high, Column, Key, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{Context, QueryFailure};

const BY: &str = "job, tool_name";

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let calls = profile
        .tool_calls()
        .one_of("job", &query.filters.services)
        .one_of(profile.tool_label(), &query.filters.tools);
    let sum = |sel: Selector| {
        let rate = profile.tool_label_as_seed(format!("rate({sel}[{w}])"));
        format!("sum by ({BY}) ({rate})")
    };
    // A tool without calls in the window has no success share (a gap), not NaN.
    let success = ratio_percent(
        &sum(profile.tool_successes(calls.clone())),
        &format!("({} > 0)", sum(calls.clone())),
    );

    if ctx.format(query, Format::Table) == Format::Timeseries {
        let lines = timeseries::run(
            ctx,
            vec![RangeQuery::new(success, "percent", "{{job}} {{tool_name}}")],
        );
        return exemplars::with_lines(ctx, query, ExemplarSource::Tool, lines).await;
    }

    let buckets = profile
        .tool_duration_buckets()
        .one_of("job", &query.filters.services)
        .one_of(profile.tool_label(), &query.filters.tools);
    let q = |p: f64| quantile_relabelled(profile, p, &buckets, &w);
    let thresholds = ctx.settings.thresholds;
    let failures = sum(profile.tool_failures(calls.clone()));
    let table = Table {
        keys: vec![
            Key {
                label: "job",
                title: columns::SERVICE,
            },
            Key {
                label: "tool_name",
                title: tool_health::TOOL,
            },
        ],
        columns: vec![
            Column {
                title: tool_health::CALLS,
                metric: "calls_per_second",
                unit: "ops",
                expr: sum(calls.clone()),
                band: None,
            },
            Column {
                title: tool_health::SUCCESS,
                metric: "success_percent",
                unit: "percent",
                expr: success,
                band: Some(thresholds.tool_success_percent),
            },
            Column {
                title: tool_health::ERRORS,
                metric: "errors_per_second",
                unit: "ops",
                expr: format!("{failures} or 0 * {}", sum(calls)),
                band: None,
            },
            Column {
                title: tool_health::P50,
                metric: "p50_seconds",
                unit: "s",
                expr: q(0.5),
                band: None,
            },
            Column {
                title: tool_health::P95,
                metric: "p95_seconds",
                unit: "s",
                expr: q(0.95),
                band: thresholds.tool_p95_latency_seconds,
            },
        ],
    };
    table::run(ctx, tool_health::FRAME, table, |row| {
        let tool = &row.key[1];
        let mut v = Verdict::ok();
        v.judge(thresholds.tool_success_percent, row.get(1), |x, bound| {
            low_success(tool, x, bound)
        });
        // Tools are judged on latency only once a user sets their band.
        if let Some(band) = thresholds.tool_p95_latency_seconds {
            v.judge(band, row.get(4), |x, bound| {
                too_high(&format!("{tool} p95"), x, bound, seconds)
            });
        }
        v
    })
    .await
}

fn quantile_relabelled(profile: &Profile, p: f64, buckets: &Selector, w: &str) -> String {
    if profile.tool_label() == "tool_name" {
        return quantile(p, buckets, BY, w);
    }
    let rate = profile.tool_label_as_seed(format!("rate({buckets}[{w}])"));
    format!("histogram_quantile({p}, sum by (le, {BY}) ({rate}))")
}
