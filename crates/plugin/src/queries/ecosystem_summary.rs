//! `ecosystemSummary`: one row per service (every job that is a target in `up` or exports
//! an MCP metric family, so a server whose target is down still has its row) with up,
//! request rate, 5xx %, p95 latency, tool success %, tool call rate, active workers,
//! active sessions, CPU %, memory, a status and its reasons; and a second frame, `worst`,
//! with the worst tools (by success %) and pools (by active workers).
//!
//! Every PromQL runs in one concurrent round of instant queries at the range end; shares
//! and sums are computed from per-job and per-tool rates here, so Prometheus scans each
//! series once (docs/PERFORMANCE.md, "Ecosystem summary").

use std::collections::BTreeMap;

use futures::future::{try_join, try_join_all};
use mcp_frames::{Frame, Notice};
use mcp_model::promql::{quantile, Selector};
use mcp_model::{Family, Query, Status, Thresholds};

use super::table::{bytes, past, percent, seconds, Column, Fetched, Key, Row, Table, Verdict};
use super::{Context, QueryFailure};
use crate::upstream::{Answer, InstantSample};

/// Column positions of the summary table.
const UP: usize = 0;
const REQUEST_RATE: usize = 1;
const ERROR_PERCENT: usize = 2;
const P95: usize = 3;
const TOOL_SUCCESS: usize = 4;
const TOOL_CALLS: usize = 5;
const WORKERS: usize = 6;
const SESSIONS: usize = 7;
const CPU: usize = 8;
const MEMORY: usize = 9;

/// The summary's instant queries. Shares and sums are computed here from rates per job
/// and per tool rather than asked of Prometheus again: fewer series scanned, so the round
/// costs little more than its slowest call.
struct Plan {
    /// Read straight into their columns, by `Table::fetch`.
    direct: Table,
    requests: String,
    request_errors: String,
    tool_calls: String,
    tool_successes: String,
    pools: String,
    presence: String,
}

fn plan(ctx: &Context<'_>, query: &Query, t: &Thresholds) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let profile = &ctx.settings.profile;
    let jobs = &query.filters.services;
    let by_job = |family: Family, agg: &str| {
        let sel = Selector::new(profile.metric(family)).one_of("job", jobs);
        format!("{agg} by (job) ({sel})")
    };
    let requests = Selector::new(profile.metric(Family::HttpRequests)).one_of("job", jobs);
    let rate_by_job = |sel: Selector| format!("sum by (job) (rate({sel}[{w}]))");
    let calls = profile
        .tool_calls()
        .one_of("job", jobs)
        .one_of(profile.tool_label(), &query.filters.tools);
    let rate_by_tool = |sel: Selector| {
        let rate = profile.tool_label_as_seed(format!("rate({sel}[{w}])"));
        format!("sum by (job, tool_name) ({rate})")
    };
    let buckets = Selector::new(format!("{}_bucket", profile.metric(Family::HttpDuration)))
        .one_of("job", jobs);
    // Families the columns do not read: a job exporting only those still gets its row.
    let read = [
        Family::HttpRequests,
        Family::HttpDuration,
        Family::ToolCalls,
        Family::ToolDuration,
        Family::PoolWorkers,
        Family::SessionsActive,
        Family::CpuPercent,
        Family::MemoryBytes,
    ];
    let read_names: Vec<String> = read.iter().map(|&f| profile.series_name(f)).collect();
    let mut others: Vec<String> = Family::ALL
        .iter()
        .filter(|f| !read.contains(f))
        .map(|&f| profile.series_name(f))
        .filter(|n| !read_names.contains(n))
        .collect();
    others.sort();
    others.dedup();

    let direct = Table {
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
                "p95 latency",
                "p95_seconds",
                "s",
                quantile(0.95, &buckets, "job", &w),
                Some(t.p95_latency_seconds),
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
    Plan {
        direct,
        requests: rate_by_job(requests.clone()),
        request_errors: rate_by_job(profile.request_errors(requests)),
        tool_successes: rate_by_tool(profile.tool_successes(calls.clone())),
        tool_calls: rate_by_tool(calls),
        pools: format!(
            "sum by (job, pool_type) ({})",
            Selector::new(profile.metric(Family::PoolWorkers))
                .one_of("job", jobs)
                .one_of("pool_type", &query.filters.pools)
        ),
        presence: format!(
            "group by (job) ({})",
            Selector::any_of_metrics(&others).one_of("job", jobs)
        ),
    }
}

fn column(
    title: &'static str,
    metric: &'static str,
    unit: &'static str,
    expr: String,
    band: Option<mcp_model::Band>,
) -> Column {
    Column {
        title,
        metric,
        unit,
        expr,
        band,
    }
}

pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    let t = ctx.settings.thresholds;
    let plan = plan(ctx, query, &t);
    let extra = [
        &plan.requests,
        &plan.request_errors,
        &plan.tool_calls,
        &plan.tool_successes,
        &plan.pools,
        &plan.presence,
    ];
    let at = ctx.to_ms;
    let (direct, answers) = try_join(
        plan.direct.fetch(ctx),
        try_join_all(extra.iter().map(|e| async move {
            ctx.prometheus
                .query(e, at)
                .await
                .map_err(QueryFailure::from)
        })),
    )
    .await?;
    let [requests, request_errors, tool_calls, tool_successes, pools, presence] =
        <[Answer<Vec<InstantSample>>; 6]>::try_from(answers)
            .map_err(|_| QueryFailure::Settings("internal: answers lost".to_string()))?;

    let summary = summary_table(&plan, &t);
    let mut notices = direct.notices;
    for answer in [
        &requests,
        &request_errors,
        &tool_calls,
        &tool_successes,
        &pools,
        &presence,
    ] {
        notices.extend(answer.warnings.iter().map(Notice::warning));
    }
    let executed = std::iter::once(direct.executed.as_str())
        .chain(extra.iter().map(|e| e.as_str()))
        .collect::<Vec<_>>()
        .join("\n");

    let by_job = |a: &Answer<Vec<InstantSample>>| -> BTreeMap<String, f64> {
        a.data
            .iter()
            .filter_map(|s| Some((s.labels.get("job")?.clone(), s.value)))
            .collect()
    };
    let calls = entities(&tool_calls, "tool_name");
    let successes = entities(&tool_successes, "tool_name");
    let tools = tool_success(&calls, &successes);
    let pools = entities(&pools, "pool_type");
    let mut columns = Columns::default();
    for row in &direct.rows {
        let job = row.key[0].clone();
        for (c, at) in [(UP, 0), (P95, 1), (SESSIONS, 2), (CPU, 3), (MEMORY, 4)] {
            columns.set(&job, c, row.values[at]);
        }
    }
    let requests = by_job(&requests);
    let errors = by_job(&request_errors);
    for (job, total) in &requests {
        columns.set(job, REQUEST_RATE, *total);
        columns.set(
            job,
            ERROR_PERCENT,
            share(errors.get(job).copied().unwrap_or(0.0), *total),
        );
    }
    for (job, (all, ok)) in sum_per_job(&calls, &successes) {
        columns.set(&job, TOOL_CALLS, all);
        columns.set(&job, TOOL_SUCCESS, share(ok, all));
    }
    for ((job, _), workers) in &pools {
        columns.add(job, WORKERS, *workers);
    }
    for sample in &presence.data {
        if let Some(job) = sample.labels.get("job") {
            columns.row(job);
        }
    }
    let fetched = Fetched {
        rows: columns.into_rows(),
        notices,
        executed,
    };
    let verdicts: Vec<Verdict> = fetched
        .rows
        .iter()
        .map(|row| judge_service(&t, row, &tools, &pools))
        .collect();

    if ctx.from_alert {
        return Ok(summary.alert_frames(&fetched, &verdicts));
    }
    let worst = worst_frame(
        &t,
        &tools,
        &pools,
        &format!("{}\n{}", plan.tool_successes, plan.tool_calls),
        &plan.pools,
        query.limit,
    );
    Ok(vec![
        summary.frame("ecosystemSummary", fetched, verdicts),
        worst,
    ])
}

/// Every column of the summary, in order; computed columns name the PromQL they come from.
fn summary_table(plan: &Plan, t: &Thresholds) -> Table {
    let mut direct = plan.direct.columns.iter();
    let mut next = || {
        let c = direct.next();
        column(
            c.map(|c| c.title).unwrap_or(""),
            c.map(|c| c.metric).unwrap_or(""),
            c.map(|c| c.unit).unwrap_or(""),
            c.map(|c| c.expr.clone()).unwrap_or_default(),
            c.and_then(|c| c.band),
        )
    };
    let up = next();
    let p95 = next();
    let sessions = next();
    let cpu = next();
    let memory = next();
    Table {
        keys: vec![Key {
            label: "job",
            title: "service",
        }],
        columns: vec![
            up,
            column(
                "request rate",
                "request_rate",
                "reqps",
                plan.requests.clone(),
                None,
            ),
            column(
                "5xx %",
                "error_percent",
                "percent",
                format!("100 * {} / {}", plan.request_errors, plan.requests),
                None,
            ),
            p95,
            column(
                "tool success %",
                "tool_success_percent",
                "percent",
                format!("100 * {} / {}", plan.tool_successes, plan.tool_calls),
                Some(t.tool_success_percent),
            ),
            column(
                "tool calls/s",
                "tool_calls_per_second",
                "ops",
                plan.tool_calls.clone(),
                None,
            ),
            column(
                "active workers",
                "active_workers",
                "none",
                plan.pools.clone(),
                None,
            ),
            sessions,
            cpu,
            memory,
        ],
    }
}

/// Summary rows under construction, by job.
#[derive(Default)]
struct Columns(BTreeMap<String, Vec<f64>>);

impl Columns {
    fn row(&mut self, job: &str) -> &mut Vec<f64> {
        self.0
            .entry(job.to_string())
            .or_insert_with(|| vec![f64::NAN; MEMORY + 1])
    }

    fn set(&mut self, job: &str, column: usize, value: f64) {
        self.row(job)[column] = value;
    }

    fn add(&mut self, job: &str, column: usize, value: f64) {
        let cell = &mut self.row(job)[column];
        *cell = if cell.is_nan() { value } else { *cell + value };
    }

    fn into_rows(self) -> Vec<Row> {
        self.0
            .into_iter()
            .map(|(job, values)| Row {
                key: vec![job],
                values,
            })
            .collect()
    }
}

/// `100 * part / all`; NaN when nothing happened (no share to judge).
fn share(part: f64, all: f64) -> f64 {
    if all > 0.0 {
        100.0 * part / all
    } else {
        f64::NAN
    }
}

/// Success % per (job, tool) from call and success rates; a tool with calls and no
/// successful series is at 0 %.
fn tool_success(calls: &Entities, successes: &Entities) -> Entities {
    calls
        .iter()
        .map(|(k, all)| {
            (
                k.clone(),
                share(successes.get(k).copied().unwrap_or(0.0), *all),
            )
        })
        .filter(|(_, v)| !v.is_nan())
        .collect()
}

/// (calls/s, successes/s) per job.
fn sum_per_job(calls: &Entities, successes: &Entities) -> BTreeMap<String, (f64, f64)> {
    let mut out: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for ((job, tool), all) in calls {
        let e = out.entry(job.clone()).or_default();
        e.0 += all;
        e.1 += successes
            .get(&(job.clone(), tool.clone()))
            .copied()
            .unwrap_or(0.0);
    }
    out
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
        format!("p95 {}, {} {}", seconds(x), past(x, b, "over"), seconds(b))
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
        format!(
            "CPU at {}, {} {}",
            percent(x),
            past(x, b, "over"),
            percent(b)
        )
    });
    v.judge(t.memory_bytes, row.get(MEMORY), |x, b| {
        format!("memory {}, {} {}", bytes(x), past(x, b, "over"), bytes(b))
    });
    v
}

fn tool_reason(tool: &str, success: f64, bound: f64) -> String {
    format!(
        "{tool} at {} success, {} {}",
        percent(success),
        if success < bound {
            "under"
        } else {
            "at the bound of"
        },
        percent(bound)
    )
}

fn pool_reason(t: &Thresholds, pool: &str, workers: f64, bound: f64) -> String {
    let n = if workers.fract() == 0.0 {
        format!("{workers}")
    } else {
        format!("{workers:.1}")
    };
    let noun = if workers == 1.0 { "worker" } else { "workers" };
    if workers < 0.5 {
        format!("{pool} pool has no active workers")
    } else if workers < t.active_workers.critical {
        format!("{pool} pool has {n} active {noun}, under {bound}")
    } else {
        format!("{pool} pool has {n} active {noun}, {bound} or fewer")
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
    fn shares_come_from_rates_and_a_tool_without_successes_is_at_zero() {
        let calls = ents(&[("a", "x", 10.0), ("a", "y", 5.0), ("b", "z", 0.0)]);
        let ok = ents(&[("a", "x", 9.0)]);
        let per_tool = tool_success(&calls, &ok);
        assert_eq!(per_tool[&("a".to_string(), "x".to_string())], 90.0);
        assert_eq!(per_tool[&("a".to_string(), "y".to_string())], 0.0);
        assert!(!per_tool.contains_key(&("b".to_string(), "z".to_string())));
        let per_job = sum_per_job(&calls, &ok);
        assert_eq!(per_job["a"], (15.0, 9.0));
        assert_eq!(share(9.0, 15.0), 60.0);
        assert!(share(0.0, 0.0).is_nan());
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
    fn values_on_a_bound_read_as_such() {
        let t = Thresholds::default();
        assert_eq!(
            pool_reason(&t, "gpu", 2.0, 2.0),
            "gpu pool has 2 active workers, 2 or fewer"
        );
        assert_eq!(
            pool_reason(&t, "gpu", 1.0, 2.0),
            "gpu pool has 1 active worker, 2 or fewer"
        );
        assert_eq!(
            tool_reason("spawn", 95.0, 95.0),
            "spawn at 95 % success, at the bound of 95 %"
        );
        let v = judge_service(
            &t,
            &row("a", &[(UP, 1.0), (CPU, 50.0)]),
            &Entities::new(),
            &Entities::new(),
        );
        assert_eq!(v.reasons, vec!["CPU at 50 %, at the bound of 50 %"]);
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
