//! The plugin's own metrics, served through `Diagnostics.CollectMetrics` in Prometheus text
//! format 0.0.4 (what Grafana's `/api/plugins/<id>/metrics` passes on to its scraper).
//!
//! One registry per process, reached through [`global`]: the query path records into it
//! from [`crate::service`] (queries, in flight, queued) and [`crate::upstream`] (upstream
//! latency and response bytes); [`Metrics::encode`] renders it.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `mcp_plugin_queries_total` | counter | `query_type`, `outcome` ([`Outcome`]) |
//! | `mcp_plugin_query_duration_seconds` | histogram | `query_type` |
//! | `mcp_plugin_queries_in_flight` | gauge | |
//! | `mcp_plugin_queries_queued` | gauge | (waiting for the datasource's `maxConcurrentQueries`) |
//! | `mcp_plugin_upstream_request_duration_seconds` | histogram | `endpoint`, `outcome` (`ok`, `error`) |
//! | `mcp_plugin_upstream_response_bytes_total` | counter | `endpoint` |
//! | `mcp_plugin_process_resident_memory_bytes` | gauge | |
//! | `mcp_plugin_heap_live_bytes` | gauge | (allocated and not yet freed, [`crate::heap`]) |
//! | `mcp_plugin_heap_malloc_held_bytes` | gauge | (glibc only: what `malloc` has from the system) |
//! | `mcp_plugin_heap_malloc_free_bytes` | gauge | (glibc only: of those, free chunks kept for reuse) |
//! | `mcp_plugin_tasks_alive` | gauge | (tokio tasks of the process's runtime not yet finished) |
//! | `mcp_plugin_memory_budget_bytes` | gauge | (the process's `memory_budget_mib`, [`crate::budget`]) |
//! | `mcp_plugin_memory_budget_held_bytes` | gauge | |
//! | `mcp_plugin_memory_budget_waiting` | gauge | (queries waiting for room in the budget) |
//! | `mcp_plugin_memory_budget_refusals_total` | counter | |
//! | `mcp_plugin_memory_budget_restarts_total` | counter | (queries stopped to let others finish, then run again) |

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fastmetrics::encoder::{EncodeLabelSet, LabelSetEncoder};
use fastmetrics::format::text::{self, TextProfile};
use fastmetrics::metrics::counter::Counter;
use fastmetrics::metrics::family::Family;
use fastmetrics::metrics::gauge::{Gauge, LazyGauge};
use fastmetrics::metrics::histogram::Histogram;
use fastmetrics::raw::LabelSetSchema;
use fastmetrics::registry::Registry;

/// Latency buckets, seconds: 5 ms to 60 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0,
];

/// How a query ended, as counted in `mcp_plugin_queries_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Frames were returned.
    Ok,
    /// The query JSON or the query type was wrong (the user's to fix).
    BadQuery,
    /// The datasource settings could not be used.
    Settings,
    /// The upstream did not answer in time.
    Timeout,
    /// The upstream refused the query or answered badly.
    Upstream,
    /// Grafana cancelled the query before it finished.
    Cancelled,
    /// The query did not fit in the process's memory budget.
    MemoryBudget,
    /// The plugin failed to build the answer.
    Internal,
}

impl Outcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::BadQuery => "bad_query",
            Outcome::Settings => "settings_error",
            Outcome::Timeout => "timeout",
            Outcome::Upstream => "upstream_error",
            Outcome::Cancelled => "cancelled",
            Outcome::MemoryBudget => "memory_budget",
            Outcome::Internal => "internal_error",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct QueryLabels {
    query_type: String,
    outcome: Outcome,
}

impl LabelSetSchema for QueryLabels {
    fn names() -> Option<&'static [&'static str]> {
        Some(&["query_type", "outcome"])
    }
}

impl EncodeLabelSet for QueryLabels {
    fn encode(&self, encoder: &mut dyn LabelSetEncoder) -> fastmetrics::error::Result<()> {
        encoder.encode(&("query_type", self.query_type.as_str()))?;
        encoder.encode(&("outcome", self.outcome.as_str()))
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct TypeLabels {
    query_type: String,
}

impl LabelSetSchema for TypeLabels {
    fn names() -> Option<&'static [&'static str]> {
        Some(&["query_type"])
    }
}

impl EncodeLabelSet for TypeLabels {
    fn encode(&self, encoder: &mut dyn LabelSetEncoder) -> fastmetrics::error::Result<()> {
        encoder.encode(&("query_type", self.query_type.as_str()))
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct UpstreamLabels {
    endpoint: &'static str,
    outcome: &'static str,
}

impl LabelSetSchema for UpstreamLabels {
    fn names() -> Option<&'static [&'static str]> {
        Some(&["endpoint", "outcome"])
    }
}

impl EncodeLabelSet for UpstreamLabels {
    fn encode(&self, encoder: &mut dyn LabelSetEncoder) -> fastmetrics::error::Result<()> {
        encoder.encode(&("endpoint", self.endpoint))?;
        encoder.encode(&("outcome", self.outcome))
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct EndpointLabels {
    endpoint: &'static str,
}

impl LabelSetSchema for EndpointLabels {
    fn names() -> Option<&'static [&'static str]> {
        Some(&["endpoint"])
    }
}

impl EncodeLabelSet for EndpointLabels {
    fn encode(&self, encoder: &mut dyn LabelSetEncoder) -> fastmetrics::error::Result<()> {
        encoder.encode(&("endpoint", self.endpoint))
    }
}

/// A glibc heap gauge: its name, its help and the field of `mallinfo2` it reads.
type MallocGauge = (&'static str, &'static str, fn(crate::heap::Malloc) -> usize);

/// The plugin's metrics and the registry that renders them.
pub struct Metrics {
    registry: Registry,
    queries: Family<QueryLabels, Counter>,
    query_duration: Family<TypeLabels, Histogram>,
    in_flight: Gauge,
    queued: Gauge,
    upstream_duration: Family<UpstreamLabels, Histogram>,
    upstream_bytes: Family<EndpointLabels, Counter>,
    budget_waiting: Gauge,
    budget_refusals: Counter,
    budget_restarts: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

/// The query types the plugin knows; anything else is counted as `other` so that a
/// client sending random types cannot grow the label set without bound.
fn query_type_label(query_type: &str) -> String {
    match mcp_model::QueryType::from_name(query_type) {
        Some(t) => t.as_str().to_string(),
        None if query_type.is_empty() => "unset".to_string(),
        None => "other".to_string(),
    }
}

/// Names an API path by its endpoint without label names or values.
fn endpoint_label(path: &str) -> &'static str {
    let path = path.trim_start_matches('/');
    match path {
        "api/v1/query_range" => "query_range",
        "api/v1/query" => "query",
        "api/v1/query_exemplars" => "query_exemplars",
        "api/v1/series" => "series",
        "api/v1/labels" => "labels",
        "api/v1/status/buildinfo" => "buildinfo",
        p if p.starts_with("api/v1/label/") => "label_values",
        p if p.starts_with("api/v1/metadata") => "metadata",
        _ => "other",
    }
}

impl Metrics {
    fn new() -> Metrics {
        let queries = Family::<QueryLabels, Counter>::default();
        let query_duration =
            Family::<TypeLabels, Histogram>::new(|| Histogram::new(LATENCY_BUCKETS));
        let in_flight = Gauge::default();
        let queued = Gauge::default();
        let upstream_duration =
            Family::<UpstreamLabels, Histogram>::new(|| Histogram::new(LATENCY_BUCKETS));
        let upstream_bytes = Family::<EndpointLabels, Counter>::default();
        let rss = LazyGauge::new(resident_memory_bytes);
        let budget_waiting = Gauge::default();
        let budget_refusals = Counter::default();
        let budget_restarts = Counter::default();

        let mut registry = Registry::default();
        // Registration only fails for invalid or duplicate names, fixed here and covered by
        // the tests below; a failure leaves that one metric out rather than the plugin down.
        let results = [
            registry
                .register(
                    "mcp_plugin_queries_total",
                    "Queries answered, by query type and outcome.",
                    queries.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_query_duration_seconds",
                    "Time from receiving a query to its answer (queueing included), by query type.",
                    query_duration.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_queries_in_flight",
                    "Queries being answered now.",
                    in_flight.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_queries_queued",
                    "Queries waiting for a slot under their datasource's maxConcurrentQueries.",
                    queued.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_upstream_request_duration_seconds",
                    "Prometheus API calls from sending the request to the last body byte, by endpoint and outcome.",
                    upstream_duration.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_upstream_response_bytes_total",
                    "Body bytes received from the Prometheus API, by endpoint.",
                    upstream_bytes.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_process_resident_memory_bytes",
                    "Resident memory of the plugin process.",
                    rss,
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_heap_live_bytes",
                    "Heap bytes the plugin has allocated and not yet freed.",
                    LazyGauge::new(|| crate::heap::live_bytes() as i64),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_tasks_alive",
                    "Tokio tasks of the plugin's runtime spawned and not yet finished.",
                    LazyGauge::new(tasks_alive),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_memory_budget_bytes",
                    "The memory budget all queries of the process share (setting memory_budget_mib).",
                    LazyGauge::new(|| crate::budget::global().total() as i64),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_memory_budget_held_bytes",
                    "Bytes of the memory budget held by queries in flight.",
                    LazyGauge::new(|| crate::budget::global().held() as i64),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_memory_budget_waiting",
                    "Queries waiting for room in the memory budget.",
                    budget_waiting.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_memory_budget_refusals_total",
                    "Queries refused because they did not fit in the memory budget.",
                    budget_refusals.clone(),
                )
                .map(|_| ()),
            registry
                .register(
                    "mcp_plugin_memory_budget_restarts_total",
                    "Queries stopped so that others could finish in the memory budget, then run again once admitted.",
                    budget_restarts.clone(),
                )
                .map(|_| ()),
        ];
        let malloc_field: [MallocGauge; 2] = [
            (
                "mcp_plugin_heap_malloc_held_bytes",
                "Bytes glibc's malloc has from the system (its arenas and its own mappings).",
                |m| m.held,
            ),
            (
                "mcp_plugin_heap_malloc_free_bytes",
                "Of the bytes glibc's malloc has from the system, those in free chunks it keeps for reuse.",
                |m| m.free,
            ),
        ];
        // Only where the C library reports them: a gauge stuck at 0 would read as nothing held.
        let malloc = crate::heap::malloc().map(|_| {
            malloc_field.map(|(name, help, field)| {
                let read = move || crate::heap::malloc().map_or(0, |m| field(m) as i64);
                registry
                    .register(name, help, LazyGauge::new(read))
                    .map(|_| ())
            })
        });
        for r in results.into_iter().chain(malloc.into_iter().flatten()) {
            if let Err(e) = r {
                tracing::error!(error = %e, "a plugin metric could not be registered");
            }
        }
        Metrics {
            registry,
            queries,
            query_duration,
            in_flight,
            queued,
            upstream_duration,
            upstream_bytes,
            budget_waiting,
            budget_refusals,
            budget_restarts,
        }
    }

    /// Marks a query as waiting for room in the memory budget until the guard drops.
    pub fn budget_waiting(&self) -> BudgetWaitGuard<'_> {
        self.budget_waiting.inc();
        BudgetWaitGuard(self)
    }

    /// Counts a query refused by the memory budget.
    pub fn budget_refused(&self) {
        self.budget_refusals.inc();
    }

    /// Counts a query stopped to let others finish in the memory budget and run again.
    pub fn budget_restarted(&self) {
        self.budget_restarts.inc();
    }

    /// Starts counting one query; the guard records its outcome when finished or, if it is
    /// dropped first (Grafana cancelled the call), as [`Outcome::Cancelled`].
    pub fn query_started(&self, query_type: &str) -> QueryGuard<'_> {
        self.in_flight.inc();
        QueryGuard {
            metrics: self,
            query_type: query_type_label(query_type),
            started: Instant::now(),
            done: false,
        }
    }

    /// Marks a query as waiting for a concurrency slot until the guard drops.
    pub fn queued(&self) -> QueuedGuard<'_> {
        self.queued.inc();
        QueuedGuard(self)
    }

    /// Records one upstream API call: its path, how long it took, how many body bytes came
    /// back and whether it produced an answer.
    pub fn upstream_call(&self, path: &str, elapsed: Duration, body_bytes: u64, ok: bool) {
        let endpoint = endpoint_label(path);
        let labels = UpstreamLabels {
            endpoint,
            outcome: if ok { "ok" } else { "error" },
        };
        self.upstream_duration
            .with_or_new(&labels, |h| h.observe(elapsed.as_secs_f64()));
        if body_bytes > 0 {
            self.upstream_bytes
                .with_or_new(&EndpointLabels { endpoint }, |c| c.inc_by(body_bytes));
        }
    }

    /// The metrics in Prometheus text format 0.0.4.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        text::encode(&mut out, &self.registry, TextProfile::PrometheusV0_0_4)
            .map_err(|_| std::fmt::Error)?;
        Ok(out)
    }
}

/// One query being answered; see [`Metrics::query_started`].
pub struct QueryGuard<'a> {
    metrics: &'a Metrics,
    query_type: String,
    started: Instant,
    done: bool,
}

impl QueryGuard<'_> {
    /// Names the query type once the query JSON was read (Grafana may send it only there).
    pub fn set_query_type(&mut self, query_type: mcp_model::QueryType) {
        self.query_type = query_type.as_str().to_string();
    }

    /// Records how the query ended.
    pub fn finish(mut self, outcome: Outcome) {
        self.record(outcome);
    }

    fn record(&mut self, outcome: Outcome) {
        if self.done {
            return;
        }
        self.done = true;
        self.metrics.in_flight.dec();
        let labels = QueryLabels {
            query_type: self.query_type.clone(),
            outcome,
        };
        self.metrics.queries.with_or_new(&labels, |c| c.inc());
        let tl = TypeLabels {
            query_type: self.query_type.clone(),
        };
        let secs = self.started.elapsed().as_secs_f64();
        self.metrics
            .query_duration
            .with_or_new(&tl, |h| h.observe(secs));
    }
}

impl Drop for QueryGuard<'_> {
    fn drop(&mut self) {
        self.record(Outcome::Cancelled);
    }
}

/// A query waiting for a slot; see [`Metrics::queued`].
pub struct QueuedGuard<'a>(&'a Metrics);

impl Drop for QueuedGuard<'_> {
    fn drop(&mut self) {
        self.0.queued.dec();
    }
}

/// A query waiting for room in the memory budget; see [`Metrics::budget_waiting`].
pub struct BudgetWaitGuard<'a>(&'a Metrics);

impl Drop for BudgetWaitGuard<'_> {
    fn drop(&mut self) {
        self.0.budget_waiting.dec();
    }
}

/// Resident set size from `/proc/self/statm` (pages times the page size); 0 where that
/// file does not exist.
fn resident_memory_bytes() -> i64 {
    const PAGE: i64 = 4096;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<i64>().ok())
        .map(|pages| pages * PAGE)
        .unwrap_or(0)
}

/// Tasks alive in the tokio runtime that encodes the metrics (the plugin's one runtime); 0
/// when encoded outside any runtime.
fn tasks_alive() -> i64 {
    tokio::runtime::Handle::try_current()
        .map(|h| h.metrics().num_alive_tasks() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_rendered_as_prometheus_text() {
        let m = Metrics::new();
        m.query_started("requestRate").finish(Outcome::Ok);
        m.query_started("no-such-type").finish(Outcome::BadQuery);
        drop(m.query_started("errorRate"));
        m.upstream_call(
            "api/v1/label/tool_name/values",
            Duration::from_millis(30),
            512,
            true,
        );
        let q = m.queued();
        let w = m.budget_waiting();
        m.budget_refused();
        m.budget_restarted();
        let text = m.encode().unwrap();
        drop(q);
        drop(w);
        for want in [
            "# TYPE mcp_plugin_queries_total counter",
            r#"mcp_plugin_queries_total{query_type="requestRate",outcome="ok"} 1"#,
            r#"mcp_plugin_queries_total{query_type="other",outcome="bad_query"} 1"#,
            r#"mcp_plugin_queries_total{query_type="errorRate",outcome="cancelled"} 1"#,
            "# TYPE mcp_plugin_query_duration_seconds histogram",
            r#"mcp_plugin_query_duration_seconds_count{query_type="requestRate"} 1"#,
            "mcp_plugin_queries_in_flight 0",
            "mcp_plugin_queries_queued 1",
            r#"mcp_plugin_upstream_request_duration_seconds_bucket{endpoint="label_values",outcome="ok",le="0.05"} 1"#,
            r#"mcp_plugin_upstream_response_bytes_total{endpoint="label_values"} 512"#,
            "# TYPE mcp_plugin_process_resident_memory_bytes gauge",
            "mcp_plugin_tasks_alive 0",
            "# TYPE mcp_plugin_heap_live_bytes gauge",
            "mcp_plugin_memory_budget_bytes 536870912",
            "mcp_plugin_memory_budget_held_bytes 0",
            "mcp_plugin_memory_budget_waiting 1",
            "mcp_plugin_memory_budget_refusals_total 1",
            "mcp_plugin_memory_budget_restarts_total 1",
        ] {
            assert!(text.contains(want), "{want:?} missing from\n{text}");
        }
        assert!(!text.contains("# EOF"), "0.0.4 text has no EOF marker");
        for name in [
            "mcp_plugin_heap_malloc_held_bytes",
            "mcp_plugin_heap_malloc_free_bytes",
        ] {
            assert_eq!(
                text.contains(&format!("# TYPE {name} gauge")),
                crate::heap::malloc().is_some(),
                "{name} is rendered exactly where the C library reports it"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tasks_alive_counts_the_runtime_tasks() {
        let m = Metrics::new();
        let before = m.encode().unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(());
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let mut stopped = stopped.clone();
                tokio::spawn(async move { stopped.changed().await })
            })
            .collect();
        let during = m.encode().unwrap();
        drop(stop);
        for t in tasks {
            let _ = t.await;
        }
        let after = m.encode().unwrap();
        let alive = |text: &str| -> i64 {
            text.lines()
                .find_map(|l| l.strip_prefix("mcp_plugin_tasks_alive "))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no mcp_plugin_tasks_alive in\n{text}"))
        };
        assert!(before.contains("# TYPE mcp_plugin_tasks_alive gauge"));
        assert_eq!(alive(&during) - alive(&before), 5, "five tasks spawned");
        assert_eq!(alive(&after), alive(&before), "all five finished");
    }

    #[test]
    fn rss_is_read_from_proc() {
        assert!(resident_memory_bytes() > 1024 * 1024);
    }
}
