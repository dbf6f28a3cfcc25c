//! `toolHealth`: per (job, tool) calls/s, success %, errors/s, p50 and p95 duration and a
//! status; as time series, success % per tool. Labels read `tool_name` under every profile.
//! A tool's success is judged only over enough calls in the rate window
//! (`table::enough_calls`).

use mcp_model::columns::{self, tool_health as col};
use mcp_model::promql::{quantile, ratio_percent, Selector};
use mcp_model::{ExemplarSource, Format, Profile, Query};

use super::exemplars;
use super::table::{self, seconds, too_high, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let window_s = ctx.rate_window_s(query, &step);
    let profile = &ctx.settings.profile;
    let keys = vec![
        Key::new("job", columns::SERVICE),
        Key::new("tool_name", col::TOOL),
    ];
    let by = table::by(&keys);
    let calls = ctx.tools(profile.tool_calls(), query);
    let sum = |sel: Selector| {
        let rate = profile.tool_label_as_seed(format!("rate({sel}[{w}])"));
        format!("sum by ({by}) ({rate})")
    };
    // A tool without calls in the window has no success share (a gap), not NaN.
    let success = ratio_percent(
        &sum(profile.tool_successes(calls.clone())),
        &format!("({} > 0)", sum(calls.clone())),
    );

    if ctx.format(query) == Format::Timeseries {
        return Plan::Lines {
            step,
            queries: vec![RangeQuery::new(
                "success % per tool",
                success,
                "percent",
                "{{job}} {{tool_name}}",
            )],
            exemplars: exemplars::beside_lines(ctx, query, ExemplarSource::Tool),
        };
    }

    let buckets = ctx.tools(profile.tool_duration_buckets(), query);
    let q = |p: f64| quantile_relabelled(profile, p, &buckets, &by, &w);
    let t = ctx.settings.thresholds;
    let failures = sum(profile.tool_failures(calls.clone()));
    let table = Table {
        keys,
        columns: vec![
            Column::new(col::CALLS, "calls_per_second", "ops", sum(calls.clone())),
            Column::new(col::SUCCESS, "success_percent", "percent", success)
                .with_band(t.tool_success_percent),
            Column::new(
                col::ERRORS,
                "errors_per_second",
                "ops",
                format!("{failures} or 0 * {}", sum(calls)),
            ),
            Column::new(col::P50, "p50_seconds", "s", q(0.5)),
            Column::new(col::P95, "p95_seconds", "s", q(0.95))
                .with_band(t.tool_p95_latency_seconds),
        ],
    };
    Plan::table(col::FRAME, table, move |row| {
        let tool = row.key("tool_name");
        let mut v = Verdict::ok();
        v.judge_share(
            t.tool_success_percent,
            tool,
            row.get(col::SUCCESS),
            row.calls(col::CALLS, window_s),
        );
        // Tools are judged on latency only once a user sets their band.
        if let Some(band) = t.tool_p95_latency_seconds {
            v.judge(band, row.get(col::P95), |x, bound| {
                too_high(&format!("{tool} p95"), x, bound, seconds)
            });
        }
        v
    })
}

fn quantile_relabelled(profile: &Profile, p: f64, buckets: &Selector, by: &str, w: &str) -> String {
    if profile.tool_label() == "tool_name" {
        return quantile(p, buckets, by, w);
    }
    let rate = profile.tool_label_as_seed(format!("rate({buckets}[{w}])"));
    format!("histogram_quantile({p}, sum by (le, {by}) ({rate}))")
}
