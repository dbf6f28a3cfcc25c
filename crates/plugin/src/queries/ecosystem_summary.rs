//! `ecosystemSummary`: one row per service (every job that is a target in `up` or exports
//! an MCP metric family, so a server whose target is down still has its row) with up,
//! request rate, 5xx %, p95 latency, tool success %, tool call rate, active workers,
//! active sessions, CPU %, memory, a status and its reasons; and a second frame, `worst`,
//! with the worst tools (by success %) and pools (by active workers). A tool's success is
//! judged, and ranked among the worst, only over enough calls in the rate window that one
//! failure cannot make it warn by itself (`table::enough_calls`).
//!
//! Two instant queries at the range end, run concurrently, each a set of parts joined by
//! `or` and tagged with the part they answer (`CALLS`); tool call rates come split by
//! outcome, successes in one call and failures in the other. Shares and sums are computed
//! here, so Prometheus scans each tool series once and the round costs about its slowest
//! call (docs/PERFORMANCE.md, "Ecosystem summary").

use std::collections::BTreeMap;

use futures::future::try_join;
use mcp_frames::{Frame, Notice};
use mcp_model::columns::{self, summary, worst};
use mcp_model::promql::{quantile, Selector};
use mcp_model::{Band, Family, Query, Status, Thresholds};

use super::plan::{Call, CallKind};
use super::table::{
    bytes, enough_calls, low_success, percent, seconds, too_high, Cells, Column, Fetched, Key, Row,
    Table, Verdict,
};
use super::{Context, Plan, QueryFailure};
use crate::upstream::InstantSample;

/// The label tagging each branch of a call with the part it answers.
const PART: &str = "mcp_summary_part";

/// What one branch of a call answers, per job unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Up,
    P95,
    Sessions,
    Cpu,
    Memory,
    Requests,
    Errors,
    /// Per (job, pool).
    Workers,
    /// Per (job, tool).
    ToolSuccesses,
    /// Per (job, tool).
    ToolFailures,
    /// Jobs exporting only families no column reads.
    Presence,
}

/// The parts each concurrent call answers, split so that both cost Prometheus about the
/// same (measured on the simulator, docs/PERFORMANCE.md): the tool series, most of the
/// work, go half to each (successes, and every other status), and each tool series is
/// selected once.
const CALLS: [&[Part]; 2] = [
    &[
        Part::Up,
        Part::Sessions,
        Part::Cpu,
        Part::Memory,
        Part::Requests,
        Part::Errors,
        Part::Workers,
        Part::ToolSuccesses,
    ],
    &[Part::ToolFailures, Part::P95, Part::Presence],
];

impl Part {
    /// Every part, in call order.
    fn all() -> impl Iterator<Item = Part> {
        CALLS.into_iter().flatten().copied()
    }

    fn tag(self) -> &'static str {
        match self {
            Part::Up => "up",
            Part::P95 => "p95",
            Part::Sessions => "sessions",
            Part::Cpu => "cpu",
            Part::Memory => "memory",
            Part::Requests => "requests",
            Part::Errors => "errors",
            Part::Workers => "workers",
            Part::ToolSuccesses => "tool_successes",
            Part::ToolFailures => "tool_failures",
            Part::Presence => "presence",
        }
    }

    fn of(tag: &str) -> Option<Part> {
        Part::all().find(|p| p.tag() == tag)
    }
}

/// The PromQL of every part, and the settings the rows are judged by.
pub struct Summary {
    parts: Vec<(Part, String)>,
    thresholds: Thresholds,
    /// The rate window, in seconds: calls/s times this is the calls a share rests on.
    window_s: f64,
}

impl Summary {
    fn expr(&self, part: Part) -> &str {
        self.parts
            .iter()
            .find(|(p, _)| *p == part)
            .map_or("", |(_, e)| e.as_str())
    }

    /// One call's PromQL: its parts joined by `or`, each tagged, so Prometheus pays the
    /// per-call overhead once.
    fn call(&self, parts: &[Part]) -> String {
        parts
            .iter()
            .map(|&p| {
                format!(
                    "label_replace({}, \"{PART}\", \"{}\", \"\", \"\")",
                    self.expr(p),
                    p.tag()
                )
            })
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let w = ctx.rate_window(query, &ctx.step());
    let profile = &ctx.settings.profile;
    let jobs = &query.filters.services;
    let by_job =
        |family: Family, agg: &str| format!("{agg} by (job) ({})", ctx.family(family, query));
    let requests = ctx.family(Family::HttpRequests, query);
    let rate_by_job = |sel: Selector| format!("sum by (job) (rate({sel}[{w}]))");
    let calls = ctx.tools(profile.tool_calls(), query);
    let buckets = ctx.buckets(Family::HttpDuration, query);
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

    let rate_by_tool = |sel: Selector| {
        let rate = profile.tool_label_as_seed(format!("rate({sel}[{w}])"));
        format!("sum by (job, tool_name) ({rate})")
    };
    let parts = Part::all()
        .map(|part| {
            let expr = match part {
                Part::Up => format!("min by (job) ({})", Selector::new("up").one_of("job", jobs)),
                Part::P95 => quantile(0.95, &buckets, "job", &w),
                Part::Sessions => by_job(Family::SessionsActive, "sum"),
                Part::Cpu => by_job(Family::CpuPercent, "max"),
                Part::Memory => by_job(Family::MemoryBytes, "sum"),
                Part::Requests => rate_by_job(requests.clone()),
                Part::Errors => rate_by_job(profile.request_errors(requests.clone())),
                Part::Workers => format!(
                    "sum by (job, pool_type) ({})",
                    ctx.family(Family::PoolWorkers, query)
                        .one_of("pool_type", &query.filters.pools)
                ),
                Part::ToolSuccesses => rate_by_tool(profile.tool_successes(calls.clone())),
                Part::ToolFailures => rate_by_tool(profile.tool_failures(calls.clone())),
                Part::Presence => format!(
                    "group by (job) ({})",
                    Selector::any_of_metrics(&others).one_of("job", jobs)
                ),
            };
            (part, expr)
        })
        .collect();
    Plan::Summary(Box::new(Summary {
        parts,
        thresholds: ctx.settings.thresholds,
        window_s: ctx.rate_window_s(query, &ctx.step()),
    }))
}

impl Summary {
    /// The concurrent calls, each its parts joined by `or`.
    pub fn calls(&self) -> Vec<Call> {
        CALLS
            .iter()
            .map(|parts| Call {
                expr: self.call(parts),
                kind: CallKind::Instant,
                step_ms: None,
                purpose: parts.iter().map(|p| p.tag()).collect::<Vec<_>>().join(", "),
            })
            .collect()
    }

    /// Runs the calls and derives the rows, the verdicts and the worst tools and pools.
    pub async fn execute(
        &self,
        ctx: &Context<'_>,
        query: &Query,
    ) -> Result<Vec<Frame>, QueryFailure> {
        let t = &self.thresholds;
        let [first, second] = CALLS.map(|parts| self.call(parts));
        let at = ctx.to_ms;
        let answers = try_join(
            ctx.prometheus.query(&first, at),
            ctx.prometheus.query(&second, at),
        )
        .await?;
        let answers = [answers.0, answers.1];
        let executed = format!("{first}\n{second}");
        let notices = answers
            .iter()
            .flat_map(|a| &a.warnings)
            .map(Notice::warning)
            .collect();

        let mut columns = Columns::default();
        let mut requests = BTreeMap::new();
        let mut errors = BTreeMap::new();
        let (mut pools, mut successes, mut failures) =
            (Entities::new(), Entities::new(), Entities::new());
        for sample in answers.iter().flat_map(|a| &a.data) {
            let (Some(job), Some(part)) = (
                sample.labels.get("job"),
                sample.labels.get(PART).and_then(|t| Part::of(t)),
            ) else {
                continue;
            };
            let v = sample.value;
            match part {
                Part::Up => columns.set(job, summary::UP, v),
                Part::P95 => columns.set(job, summary::P95, v),
                Part::Sessions => columns.set(job, summary::SESSIONS, v),
                Part::Cpu => columns.set(job, summary::CPU, v),
                Part::Memory => columns.set(job, summary::MEMORY, v),
                Part::Requests => {
                    requests.insert(job, v);
                }
                Part::Errors => {
                    errors.insert(job, v);
                }
                Part::Workers => add_entity(&mut pools, sample, "pool_type"),
                Part::ToolSuccesses => add_entity(&mut successes, sample, "tool_name"),
                Part::ToolFailures => add_entity(&mut failures, sample, "tool_name"),
                Part::Presence => columns.row(job),
            }
        }
        for (job, total) in &requests {
            columns.set(job, summary::REQUEST_RATE, *total);
            let failed = errors.get(job).copied().unwrap_or(0.0);
            columns.set(job, summary::ERROR_PERCENT, share(failed, *total));
        }
        let calls = tool_calls(&successes, &failures);
        let tools = with_evidence(
            tool_success(&calls, &successes),
            &calls,
            t.tool_success_percent,
            self.window_s,
        );
        for (job, (all, ok)) in sum_per_job(&calls, &successes) {
            columns.set(job, summary::TOOL_CALLS, all);
            columns.set(job, summary::TOOL_SUCCESS, share(ok, all));
        }
        for ((job, _), workers) in &pools {
            columns.add(job, summary::WORKERS, *workers);
        }
        let table = summary_table(t);
        let fetched = Fetched {
            rows: columns.into_rows(&table),
            notices,
            executed: executed.clone(),
        };
        let verdicts: Vec<Verdict> = fetched
            .rows
            .iter()
            .map(|row| judge_service(t, &Cells::new(&table, row), &tools, &pools))
            .collect();
        if ctx.from_alert {
            return Ok(table.alert_frames(&fetched, &verdicts));
        }
        let worst = worst_frame(t, &tools, &pools, executed, query.limit);
        Ok(vec![table.frame(summary::FRAME, fetched, verdicts), worst])
    }
}

/// Every column of the summary, in order. Values come from the tagged calls and are
/// derived here, so no column has PromQL of its own.
fn summary_table(t: &Thresholds) -> Table {
    let column = |title, metric, unit| Column::new(title, metric, unit, String::new());
    Table {
        keys: vec![Key::new("job", columns::SERVICE)],
        columns: vec![
            column(summary::UP, "up", "none"),
            column(summary::REQUEST_RATE, "request_rate", "reqps"),
            column(summary::ERROR_PERCENT, "error_percent", "percent"),
            column(summary::P95, "p95_seconds", "s").with_band(t.p95_latency_seconds),
            column(summary::TOOL_SUCCESS, "tool_success_percent", "percent")
                .with_band(t.tool_success_percent),
            column(summary::TOOL_CALLS, "tool_calls_per_second", "ops"),
            column(summary::WORKERS, "active_workers", "none"),
            column(summary::SESSIONS, "active_sessions", "none"),
            column(summary::CPU, "cpu_percent", "percent").with_band(t.cpu_percent),
            column(summary::MEMORY, "memory_bytes", "bytes").with_band(t.memory_bytes),
        ],
    }
}

/// Summary rows under construction: values by column title, by job.
#[derive(Default)]
struct Columns(BTreeMap<String, BTreeMap<&'static str, f64>>);

impl Columns {
    fn row(&mut self, job: &str) {
        self.0.entry(job.to_string()).or_default();
    }

    fn set(&mut self, job: &str, column: &'static str, value: f64) {
        self.0
            .entry(job.to_string())
            .or_default()
            .insert(column, value);
    }

    fn add(&mut self, job: &str, column: &'static str, value: f64) {
        let cell = self
            .0
            .entry(job.to_string())
            .or_default()
            .entry(column)
            .or_insert(0.0);
        *cell += value;
    }

    /// Rows in the column order of `table`; a value not found is NaN.
    fn into_rows(self, table: &Table) -> Vec<Row> {
        self.0
            .into_iter()
            .map(|(job, values)| Row {
                key: vec![job],
                values: table
                    .columns
                    .iter()
                    .map(|c| values.get(c.title).copied().unwrap_or(f64::NAN))
                    .collect(),
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
fn tool_success<'a>(calls: &Entities<'a>, successes: &Entities<'a>) -> Entities<'a> {
    calls
        .iter()
        .map(|(k, all)| (*k, share(successes.get(k).copied().unwrap_or(0.0), *all)))
        .filter(|(_, v)| !v.is_nan())
        .collect()
}

/// The shares resting on enough calls in the window to be judged ([`enough_calls`]); the
/// others say too little to mark a service or rank a tool among the worst.
fn with_evidence<'a>(
    shares: Entities<'a>,
    calls: &Entities<'a>,
    band: Band,
    window_s: f64,
) -> Entities<'a> {
    shares
        .into_iter()
        .filter(|(k, _)| {
            calls
                .get(k)
                .is_some_and(|per_s| enough_calls(band, per_s * window_s))
        })
        .collect()
}

/// (calls/s, successes/s) per job.
fn sum_per_job<'a>(
    calls: &Entities<'a>,
    successes: &Entities<'a>,
) -> BTreeMap<&'a str, (f64, f64)> {
    let mut out: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for (key, all) in calls {
        let e = out.entry(key.0).or_default();
        e.0 += all;
        e.1 += successes.get(key).copied().unwrap_or(0.0);
    }
    out
}

/// (job, name) -> value of a per-entity instant answer; NaN values are left out.
type Entities<'a> = BTreeMap<(&'a str, &'a str), f64>;

/// Adds a per-entity sample, named by its `job` and `label`; NaN is left out.
fn add_entity<'a>(entities: &mut Entities<'a>, sample: &'a InstantSample, label: &str) {
    if let (Some(job), Some(name)) = (sample.labels.get("job"), sample.labels.get(label)) {
        if !sample.value.is_nan() {
            entities.insert((job, name), sample.value);
        }
    }
}

/// Call rates per (job, tool): successes plus failures.
fn tool_calls<'a>(successes: &Entities<'a>, failures: &Entities<'a>) -> Entities<'a> {
    let mut calls = successes.clone();
    for (k, v) in failures {
        *calls.entry(*k).or_default() += v;
    }
    calls
}

fn of_job<'a>(entities: &'a Entities, job: &'a str) -> impl Iterator<Item = (&'a str, f64)> {
    entities
        .range((job, "")..)
        .take_while(move |((j, _), _)| *j == job)
        .map(|((_, name), v)| (*name, *v))
}

/// A service's status: critical when its target is down, else the worst of its p95, each
/// tool's success, each pool's workers, CPU and memory.
fn judge_service(t: &Thresholds, row: &Cells<'_>, tools: &Entities, pools: &Entities) -> Verdict {
    let job = row.key("job");
    let mut v = Verdict::ok();
    if row.get(summary::UP).is_some_and(|up| up < 1.0) {
        // The other columns are stale or gone once a target stops answering.
        v.status = Status::Critical;
        v.reasons.push("target down".to_string());
        return v;
    }
    v.judge(t.p95_latency_seconds, row.get(summary::P95), |x, b| {
        too_high("p95", x, b, seconds)
    });
    let mut by_success: Vec<(&str, f64)> = of_job(tools, job).collect();
    by_success.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (tool, success) in by_success {
        v.judge(t.tool_success_percent, Some(success), |x, b| {
            low_success(tool, x, b)
        });
    }
    let mut by_workers: Vec<(&str, f64)> = of_job(pools, job).collect();
    by_workers.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (pool, workers) in by_workers {
        v.judge(t.active_workers, Some(workers), |x, b| {
            pool_reason(t, pool, x, b)
        });
    }
    v.judge(t.cpu_percent, row.get(summary::CPU), |x, b| {
        too_high("CPU at", x, b, percent)
    });
    v.judge(t.memory_bytes, row.get(summary::MEMORY), |x, b| {
        too_high("memory", x, b, bytes)
    });
    v
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
/// `executed` is the PromQL of the summary's calls, which the frame is derived from.
fn worst_frame(
    t: &Thresholds,
    tools: &Entities,
    pools: &Entities,
    executed: String,
    limit: usize,
) -> Frame {
    let table = Table {
        keys: vec![
            Key::new("kind", worst::KIND),
            Key::new("job", columns::SERVICE),
            Key::new("name", worst::NAME),
        ],
        columns: vec![
            Column::new(worst::SUCCESS, "success_percent", "percent", String::new())
                .with_band(t.tool_success_percent),
            Column::new(worst::WORKERS, "active_workers", "none", String::new())
                .with_band(t.active_workers),
        ],
    };
    fn lowest<'a>(entities: &Entities<'a>, limit: usize) -> Vec<((&'a str, &'a str), f64)> {
        let mut v: Vec<((&str, &str), f64)> = entities.iter().map(|(k, v)| (*k, *v)).collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1));
        v.truncate(limit);
        v
    }
    let mut rows = Vec::new();
    let mut verdicts = Vec::new();
    for ((job, tool), success) in lowest(tools, limit) {
        let mut v = Verdict::ok();
        v.judge(t.tool_success_percent, Some(success), |x, b| {
            low_success(tool, x, b)
        });
        rows.push(Row {
            key: vec![worst::TOOL.to_string(), job.to_string(), tool.to_string()],
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
            key: vec![worst::POOL.to_string(), job.to_string(), pool.to_string()],
            values: vec![f64::NAN, workers],
        });
        verdicts.push(v);
    }
    let fetched = Fetched {
        rows,
        notices: Vec::new(),
        executed,
    };
    table.frame(worst::FRAME, fetched, verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `job`'s verdict from summary values by column title.
    fn judge(
        job: &str,
        values: &[(&'static str, f64)],
        tools: &Entities,
        pools: &Entities,
    ) -> Verdict {
        let t = Thresholds::default();
        let table = summary_table(&t);
        let mut columns = Columns::default();
        columns.row(job);
        for &(title, v) in values {
            columns.set(job, title, v);
        }
        let rows = columns.into_rows(&table);
        judge_service(&t, &Cells::new(&table, &rows[0]), tools, pools)
    }

    fn ents<'a>(items: &[(&'a str, &'a str, f64)]) -> Entities<'a> {
        items.iter().map(|(j, n, v)| ((*j, *n), *v)).collect()
    }

    #[test]
    fn shares_come_from_rates_and_a_tool_without_successes_is_at_zero() {
        let calls = ents(&[("a", "x", 10.0), ("a", "y", 5.0), ("b", "z", 0.0)]);
        let ok = ents(&[("a", "x", 9.0)]);
        let per_tool = tool_success(&calls, &ok);
        assert_eq!(per_tool[&("a", "x")], 90.0);
        assert_eq!(per_tool[&("a", "y")], 0.0);
        assert!(!per_tool.contains_key(&("b", "z")));
        let per_job = sum_per_job(&calls, &ok);
        assert_eq!(per_job["a"], (15.0, 9.0));
        assert_eq!(share(9.0, 15.0), 60.0);
        assert!(share(0.0, 0.0).is_nan());
    }

    fn sample(labels: &[(&str, &str)], value: f64) -> InstantSample {
        InstantSample {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            timestamp: 0,
            value,
        }
    }

    /// The healthy simulator under the demo's 4 s auto window (1 s scrape interval): one
    /// failure among a quiet tool's five calls reads 80 %, which is no evidence of a fault;
    /// a busy tool failing a quarter of 52 calls is.
    #[test]
    fn a_share_over_too_few_calls_judges_no_service() {
        let band = Thresholds::default().tool_success_percent;
        let window_s = 4.0;
        let successes = ents(&[
            ("session-buddy", "list_sessions", 1.0),
            ("mahavishnu", "deploy", 10.0),
        ]);
        let failures = ents(&[
            ("session-buddy", "list_sessions", 0.25),
            ("mahavishnu", "deploy", 3.0),
        ]);
        let calls = tool_calls(&successes, &failures);
        let tools = with_evidence(tool_success(&calls, &successes), &calls, band, window_s);
        let healthy = judge("session-buddy", &[(summary::UP, 1.0)], &tools, &ents(&[]));
        assert_eq!(healthy, Verdict::ok());
        let failing = judge("mahavishnu", &[(summary::UP, 1.0)], &tools, &ents(&[]));
        assert_eq!(failing.status, Status::Critical);
        assert_eq!(failing.reasons, ["deploy at 76.92 % success, under 90 %"]);
        let worst = worst_frame(&Thresholds::default(), &tools, &ents(&[]), String::new(), 5);
        assert_eq!(worst.fields[2].values.len(), 1, "only deploy is ranked");
    }

    /// The thresholds legend reads the active workers band from the worst frame: its workers
    /// are per pool, as the band judges them; the summary's are a service's total, which no
    /// band judges, so they carry none.
    #[test]
    fn the_workers_band_with_its_override_is_on_the_per_pool_workers_only() {
        let t = Thresholds {
            active_workers: Band {
                warn: 4.0,
                critical: 2.0,
                direction: mcp_model::Direction::LowerIsWorse,
            },
            ..Thresholds::default()
        };
        let steps = |f: &Frame, name: &str| {
            let field = f.fields.iter().find(|x| x.name == name);
            field
                .and_then(|x| x.config.as_ref())
                .and_then(|c| c.thresholds.as_ref())
                .map(|c| {
                    c.steps
                        .iter()
                        .map(|s| (s.value, s.color.clone()))
                        .collect::<Vec<_>>()
                })
        };
        let worst = worst_frame(
            &t,
            &ents(&[]),
            &ents(&[("a", "gpu", 1.0)]),
            String::new(),
            5,
        );
        assert_eq!(
            steps(&worst, worst::WORKERS),
            Some(vec![
                (None, "red".to_string()),
                (Some(2.0), "orange".to_string()),
                (Some(4.0f64.next_up()), "green".to_string()),
            ])
        );
        let table = summary_table(&t);
        let fetched = Fetched {
            rows: Vec::new(),
            notices: Vec::new(),
            executed: String::new(),
        };
        let summary = table.frame(summary::FRAME, fetched, Vec::new());
        assert_eq!(steps(&summary, summary::WORKERS), None);
    }

    #[test]
    fn calls_are_successes_plus_failures_and_nan_is_left_out() {
        let ok = [
            sample(&[("job", "a"), ("tool_name", "x")], 9.0),
            sample(&[("job", "a"), ("tool_name", "z")], f64::NAN),
            sample(&[("tool_name", "y")], 1.0),
        ];
        let failed = [
            sample(&[("job", "a"), ("tool_name", "x")], 1.0),
            sample(&[("job", "a"), ("tool_name", "y")], 2.0),
        ];
        let (mut successes, mut failures) = (Entities::new(), Entities::new());
        for s in &ok {
            add_entity(&mut successes, s, "tool_name");
        }
        for s in &failed {
            add_entity(&mut failures, s, "tool_name");
        }
        assert_eq!(successes, ents(&[("a", "x", 9.0)]));
        let calls = tool_calls(&successes, &failures);
        assert_eq!(calls, ents(&[("a", "x", 10.0), ("a", "y", 2.0)]));
        let per_tool = tool_success(&calls, &successes);
        assert_eq!(per_tool, ents(&[("a", "x", 90.0), ("a", "y", 0.0)]));
    }

    #[test]
    fn every_part_is_in_one_call_tagged_and_found_again_by_its_tag() {
        let plan = Summary {
            parts: Part::all().map(|p| (p, format!("e_{}", p.tag()))).collect(),
            thresholds: Thresholds::default(),
            window_s: 60.0,
        };
        let mut tags: Vec<&str> = Part::all().map(Part::tag).collect();
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), 11, "every part once, with its own tag");
        for parts in CALLS {
            let call = plan.call(parts);
            assert_eq!(call.matches(" or ").count(), parts.len() - 1);
            for &p in parts {
                assert!(call.contains(&format!(
                    "label_replace(e_{0}, \"{PART}\", \"{0}\", \"\", \"\")",
                    p.tag()
                )));
                assert_eq!(Part::of(p.tag()), Some(p));
                assert_eq!(plan.expr(p), format!("e_{}", p.tag()));
            }
        }
        assert_eq!(Part::of("nope"), None);
    }

    #[test]
    fn a_down_target_is_critical_with_that_reason_alone() {
        let v = judge(
            "akosha",
            &[(summary::UP, 0.0), (summary::CPU, 99.0)],
            &Entities::new(),
            &Entities::new(),
        );
        assert_eq!(v.status, Status::Critical);
        assert_eq!(v.reasons, vec!["target down"]);
    }

    #[test]
    fn reasons_name_the_tool_the_pool_and_the_bound_crossed() {
        let tools = ents(&[
            ("mahavishnu", "deploy", 78.0),
            ("mahavishnu", "search", 99.0),
            ("akosha", "deploy", 10.0),
        ]);
        let pools = ents(&[("mahavishnu", "gpu", 0.0), ("mahavishnu", "cpu", 8.0)]);
        let v = judge(
            "mahavishnu",
            &[
                (summary::UP, 1.0),
                (summary::P95, 0.62),
                (summary::CPU, 85.0),
            ],
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
        let v = judge(
            "akosha",
            &[
                (summary::UP, 1.0),
                (summary::P95, 0.05),
                (summary::CPU, 20.0),
                (summary::MEMORY, 1e9),
            ],
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
            low_success("spawn", 95.0, 95.0),
            "spawn at 95 % success, at the bound of 95 %"
        );
        let v = judge(
            "a",
            &[(summary::UP, 1.0), (summary::CPU, 50.0)],
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
        let f = worst_frame(&t, &tools, &pools, "T\nP".to_string(), 1);
        let names: Vec<String> = match &f.fields[2].values {
            mcp_frames::FieldValues::Str(v) => v.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(names, vec!["y", "gpu"]);
    }
}
