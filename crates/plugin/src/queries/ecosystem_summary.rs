//! `ecosystemSummary`: one row per service (every job that is a target in `up` or exports
//! an MCP metric family, so a server whose target is down still has its row) with up,
//! request rate, 5xx %, p95 latency, tool success %, tool call rate, active workers,
//! active sessions, CPU %, memory, a status and its reasons; and a second frame, `worst`,
//! with the worst tools (by success %) and pools (by active workers).
//!
//! Every PromQL runs in one concurrent round of instant queries at the range end, so the
//! query costs about as much as the slowest of them.

use std::collections::BTreeMap;

use futures::future::try_join4;
use futures::TryFutureExt;
use mcp_frames::{Frame, Notice};
use mcp_model::promql::{percent_of, quantile, ratio_percent, sum_rate, Selector};
use mcp_model::{Family, Query, Status, Thresholds};

use super::table::{bytes, percent, seconds, Column, Fetched, Key, Row, Table, Verdict};
use super::{Context, QueryFailure};
use crate::upstream::{Answer, InstantSample};

/// Column positions of the summary table.
const UP: usize = 0;
const P95: usize = 3;
const CPU: usize = 8;
const MEMORY: usize = 9;

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let t = ctx.settings.thresholds;
    let jobs = &query.filters.services;

    let requests = Selector::new(profile.metric(Family::HttpRequests)).one_of("job", jobs);
    let buckets = Selector::new(format!("{}_bucket", profile.metric(Family::HttpDuration)))
        .one_of("job", jobs);
    let calls = profile.tool_calls().one_of("job", jobs);
    let by_job = |family: Family, agg: &str| {
        let sel = Selector::new(profile.metric(family)).one_of("job", jobs);
        format!("{agg} by (job) ({sel})")
    };
    let column = |title, metric, unit, expr, band| Column {
        title,
        metric,
        unit,
        expr,
        band,
    };
    let summary = Table {
        keys: vec![Key {
            label: "job",
            title: "service",
        }],
        columns: vec![
            column(
                "up",
                "up",
                "none",
                format!("min by (job) ({})", Selector::new("up").one_of("job", jobs)),
                None,
            ),
            column(
                "request rate",
                "request_rate",
                "reqps",
                sum_rate(&requests, "job", &w),
                None,
            ),
            column(
                "5xx %",
                "error_percent",
                "percent",
                percent_of(
                    &profile.request_errors(requests.clone()),
                    &requests,
                    "job",
                    &w,
                ),
                None,
            ),
            column(
                "p95 latency",
                "p95_seconds",
                "s",
                quantile(0.95, &buckets, "job", &w),
                Some(t.p95_latency_seconds),
            ),
            column(
                "tool success %",
                "tool_success_percent",
                "percent",
                percent_of(&profile.tool_successes(calls.clone()), &calls, "job", &w),
                Some(t.tool_success_percent),
            ),
            column(
                "tool calls/s",
                "tool_calls_per_second",
                "ops",
                sum_rate(&calls, "job", &w),
                None,
            ),
            column(
                "active workers",
                "active_workers",
                "none",
                by_job(Family::PoolWorkers, "sum"),
                None,
            ),
            column(
                "active sessions",
                "active_sessions",
                "none",
                by_job(Family::SessionsActive, "sum"),
                None,
            ),
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
        ],
    };

    // Per tool and per pool, for the reasons and the second frame.
    let tool_calls = calls
        .clone()
        .one_of(profile.tool_label(), &query.filters.tools);
    let per_tool = |sel: Selector| {
        let rate = profile.tool_label_as_seed(format!("rate({sel}[{w}])"));
        format!("sum by (job, tool_name) ({rate})")
    };
    let tools_expr = ratio_percent(
        &per_tool(profile.tool_successes(tool_calls.clone())),
        &per_tool(tool_calls),
    );
    let pools_expr = format!(
        "sum by (job, pool_type) ({})",
        Selector::new(profile.metric(Family::PoolWorkers))
            .one_of("job", jobs)
            .one_of("pool_type", &query.filters.pools)
    );
    // Jobs exporting any MCP family, for those that are no target of this Prometheus
    // (federated or remote-written) and export nothing the columns read.
    let presence_expr = format!(
        "group by (job) ({})",
        Selector::any_of_metrics(&profile.series_names()).one_of("job", jobs)
    );

    let at = ctx.to_ms;
    let (mut fetched, tools, pools, presence) = try_join4(
        summary.fetch(ctx),
        ctx.prometheus.query(&tools_expr, at).err_into(),
        ctx.prometheus.query(&pools_expr, at).err_into(),
        ctx.prometheus.query(&presence_expr, at).err_into(),
    )
    .await?;
    for answer in [&tools, &pools, &presence] {
        fetched
            .notices
            .extend(answer.warnings.iter().map(Notice::warning));
    }
    add_present_jobs(&mut fetched, &presence, summary.columns.len());
    fetched.executed = [
        fetched.executed.as_str(),
        &tools_expr,
        &pools_expr,
        &presence_expr,
    ]
    .join("\n");

    let tools = entities(&tools, "tool_name");
    let pools = entities(&pools, "pool_type");
    let verdicts: Vec<Verdict> = fetched
        .rows
        .iter()
        .map(|row| judge_service(&t, row, &tools, &pools))
        .collect();

    if ctx.from_alert {
        return Ok(summary.alert_frames(&fetched, &verdicts));
    }
    let worst = worst_frame(&t, &tools, &pools, &tools_expr, &pools_expr, query.limit);
    Ok(vec![
        summary.frame("ecosystemSummary", fetched, verdicts),
        worst,
    ])
}

/// Adds a row of empty values for every job of `presence` that has none yet.
fn add_present_jobs(fetched: &mut Fetched, presence: &Answer<Vec<InstantSample>>, columns: usize) {
    let mut added = false;
    for sample in &presence.data {
        let Some(job) = sample.labels.get("job") else {
            continue;
        };
        if !fetched.rows.iter().any(|r| &r.key[0] == job) {
            fetched.rows.push(Row {
                key: vec![job.clone()],
                values: vec![f64::NAN; columns],
            });
            added = true;
        }
    }
    if added {
        fetched.rows.sort_by(|a, b| a.key.cmp(&b.key));
    }
}

/// (job, name) -> value of a per-entity instant answer; NaN values are left out.
type Entities = BTreeMap<(String, String), f64>;

fn entities(answer: &Answer<Vec<InstantSample>>, label: &str) -> Entities {
    answer
        .data
        .iter()
        .filter(|s| !s.value.is_nan())
        .filter_map(|s| {
            let job = s.labels.get("job")?.clone();
            let name = s.labels.get(label)?.clone();
            Some(((job, name), s.value))
        })
        .collect()
}

fn of_job<'a>(entities: &'a Entities, job: &'a str) -> impl Iterator<Item = (&'a str, f64)> {
    entities
        .iter()
        .filter(move |((j, _), _)| j == job)
        .map(|((_, name), v)| (name.as_str(), *v))
}

/// A service's status: critical when its target is down, else the worst of its p95, each
/// tool's success, each pool's workers, CPU and memory.
fn judge_service(t: &Thresholds, row: &Row, tools: &Entities, pools: &Entities) -> Verdict {
    let job = &row.key[0];
    let mut v = Verdict::ok();
    if row.get(UP).is_some_and(|up| up < 1.0) {
        // The other columns are stale or gone once a target stops answering.
        v.status = Status::Critical;
        v.reasons.push("target down".to_string());
        return v;
    }
    v.judge(t.p95_latency_seconds, row.get(P95), |x, b| {
        format!("p95 {}, over {}", seconds(x), seconds(b))
    });
    let mut by_success: Vec<(&str, f64)> = of_job(tools, job).collect();
    by_success.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (tool, success) in by_success {
        v.judge(t.tool_success_percent, Some(success), |x, b| {
            tool_reason(tool, x, b)
        });
    }
    let mut by_workers: Vec<(&str, f64)> = of_job(pools, job).collect();
    by_workers.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (pool, workers) in by_workers {
        v.judge(t.active_workers, Some(workers), |x, b| {
            pool_reason(t, pool, x, b)
        });
    }
    v.judge(t.cpu_percent, row.get(CPU), |x, b| {
        format!("CPU at {}, over {}", percent(x), percent(b))
    });
    v.judge(t.memory_bytes, row.get(MEMORY), |x, b| {
        format!("memory {}, over {}", bytes(x), bytes(b))
    });
    v
}

fn tool_reason(tool: &str, success: f64, bound: f64) -> String {
    format!(
        "{tool} at {} success, under {}",
        percent(success),
        percent(bound)
    )
}

fn pool_reason(t: &Thresholds, pool: &str, workers: f64, bound: f64) -> String {
    let n = if workers.fract() == 0.0 {
        format!("{workers}")
    } else {
        format!("{workers:.1}")
    };
    if workers < 0.5 {
        format!("{pool} pool has no active workers")
    } else if workers < t.active_workers.critical {
        format!("{pool} pool has {n} active workers, under {bound}")
    } else {
        format!("{pool} pool has {n} active workers, {bound} or fewer")
    }
}

/// The worst `limit` tools by success % and the worst `limit` pools by active workers,
/// each with its status; worst status first.
fn worst_frame(
    t: &Thresholds,
    tools: &Entities,
    pools: &Entities,
    tools_expr: &str,
    pools_expr: &str,
    limit: usize,
) -> Frame {
    let table = Table {
        keys: vec![
            Key {
                label: "kind",
                title: "kind",
            },
            Key {
                label: "job",
                title: "service",
            },
            Key {
                label: "name",
                title: "tool or pool",
            },
        ],
        columns: vec![
            Column {
                title: "success %",
                metric: "success_percent",
                unit: "percent",
                expr: tools_expr.to_string(),
                band: Some(t.tool_success_percent),
            },
            Column {
                title: "active workers",
                metric: "active_workers",
                unit: "none",
                expr: pools_expr.to_string(),
                band: Some(t.active_workers),
            },
        ],
    };
    fn lowest(entities: &Entities, limit: usize) -> Vec<(&(String, String), f64)> {
        let mut v: Vec<(&(String, String), f64)> = entities.iter().map(|(k, v)| (k, *v)).collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1));
        v.truncate(limit);
        v
    }
    let mut rows = Vec::new();
    let mut verdicts = Vec::new();
    for ((job, tool), success) in lowest(tools, limit) {
        let mut v = Verdict::ok();
        v.judge(t.tool_success_percent, Some(success), |x, b| {
            tool_reason(tool, x, b)
        });
        rows.push(Row {
            key: vec!["tool".to_string(), job.clone(), tool.clone()],
            values: vec![success, f64::NAN],
        });
        verdicts.push(v);
    }
    for ((job, pool), workers) in lowest(pools, limit) {
        let mut v = Verdict::ok();
        v.judge(t.active_workers, Some(workers), |x, b| {
            pool_reason(t, pool, x, b)
        });
        rows.push(Row {
            key: vec!["pool".to_string(), job.clone(), pool.clone()],
            values: vec![f64::NAN, workers],
        });
        verdicts.push(v);
    }
    let fetched = Fetched {
        rows,
        notices: Vec::new(),
        executed: format!("{tools_expr}\n{pools_expr}"),
    };
    table.frame("worst", fetched, verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(job: &str, values: &[(usize, f64)]) -> Row {
        let mut v = vec![f64::NAN; 10];
        for &(i, x) in values {
            v[i] = x;
        }
        Row {
            key: vec![job.to_string()],
            values: v,
        }
    }

    fn ents(items: &[(&str, &str, f64)]) -> Entities {
        items
            .iter()
            .map(|(j, n, v)| ((j.to_string(), n.to_string()), *v))
            .collect()
    }

    #[test]
    fn a_down_target_is_critical_with_that_reason_alone() {
        let t = Thresholds::default();
        let v = judge_service(
            &t,
            &row("akosha", &[(UP, 0.0), (CPU, 99.0)]),
            &Entities::new(),
            &Entities::new(),
        );
        assert_eq!(v.status, Status::Critical);
        assert_eq!(v.reasons, vec!["target down"]);
    }

    #[test]
    fn reasons_name_the_tool_the_pool_and_the_bound_crossed() {
        let t = Thresholds::default();
        let tools = ents(&[
            ("mahavishnu", "deploy", 78.0),
            ("mahavishnu", "search", 99.0),
            ("akosha", "deploy", 10.0),
        ]);
        let pools = ents(&[("mahavishnu", "gpu", 0.0), ("mahavishnu", "cpu", 8.0)]);
        let v = judge_service(
            &t,
            &row("mahavishnu", &[(UP, 1.0), (P95, 0.62), (CPU, 85.0)]),
            &tools,
            &pools,
        );
        assert_eq!(v.status, Status::Critical);
        assert_eq!(
            v.reasons,
            vec![
                "p95 620 ms, over 500 ms",
                "deploy at 78 % success, under 90 %",
                "gpu pool has no active workers",
                "CPU at 85 %, over 80 %",
            ]
        );
    }

    #[test]
    fn a_healthy_service_is_ok_without_reasons() {
        let t = Thresholds::default();
        let v = judge_service(
            &t,
            &row(
                "akosha",
                &[(UP, 1.0), (P95, 0.05), (CPU, 20.0), (MEMORY, 1e9)],
            ),
            &ents(&[("akosha", "recall", 99.5)]),
            &ents(&[("akosha", "io", 6.0)]),
        );
        assert_eq!(v, Verdict::ok());
    }

    #[test]
    fn few_workers_warn_and_say_so() {
        let t = Thresholds::default();
        assert_eq!(
            pool_reason(&t, "gpu", 2.0, 2.0),
            "gpu pool has 2 active workers, 2 or fewer"
        );
    }

    #[test]
    fn the_worst_frame_keeps_the_lowest_per_kind_up_to_the_limit() {
        let t = Thresholds::default();
        let tools = ents(&[("a", "x", 99.0), ("a", "y", 50.0), ("b", "z", 97.0)]);
        let pools = ents(&[("a", "gpu", 0.0), ("a", "cpu", 5.0)]);
        let f = worst_frame(&t, &tools, &pools, "T", "P", 1);
        let names: Vec<String> = match &f.fields[2].values {
            mcp_frames::FieldValues::Str(v) => v.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(names, vec!["y", "gpu"]);
    }
}
