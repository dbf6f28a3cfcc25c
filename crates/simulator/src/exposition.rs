//! Exposition: each server's families registered in a `fastmetrics` registry as views over
//! the server's [`ServerState`], and content negotiation between OpenMetrics text (with
//! exemplars) and Prometheus text 0.0.4. The library writes both formats; this module only
//! says which series exist and with which labels.

use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use fastmetrics::encoder::{
    EncodeExemplar, EncodeLabelSet, EncodeMetric, ExemplarEncoder, LabelSetEncoder, MetricEncoder,
};
use fastmetrics::error::Result as FmResult;
use fastmetrics::format::text::{self, EscapingScheme, TextProfile};
use fastmetrics::raw::bucket::Bucket;
use fastmetrics::raw::{MetricLabelSet, MetricType, TypedMetric};
use fastmetrics::registry::Registry;

use mcp_model::{Family, ProfileKind};

use crate::catalog::Role;
use crate::histogram::{Exemplar, Histogram};
use crate::model::{Outcomes, ServerState};

/// A server's state as shared between the HTTP handler (which advances it) and the registry.
pub type SharedState = Arc<RwLock<ServerState>>;

/// The exposition format chosen for one scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/openmetrics-text; version=1.0.0`, with exemplars.
    OpenMetrics,
    /// `text/plain; version=0.0.4`, without exemplars (the format has none).
    PrometheusText,
}

impl Format {
    pub fn text_profile(self) -> TextProfile {
        match self {
            Format::OpenMetrics => TextProfile::OpenMetricsV1_0_0 {
                escaping_scheme: EscapingScheme::Underscores,
            },
            Format::PrometheusText => TextProfile::PrometheusV0_0_4,
        }
    }

    pub fn content_type(self) -> &'static str {
        self.text_profile().content_type()
    }
}

/// Picks the format an `Accept` header prefers: OpenMetrics when it ranks
/// `application/openmetrics-text` at least as high as anything else we serve, Prometheus
/// text otherwise (also when the header is missing or names nothing we know).
pub fn negotiate(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::PrometheusText;
    };
    let mut best: Option<(f32, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let mut q = 1.0_f32;
        for p in parts {
            if let Some(v) = p.strip_prefix("q=") {
                q = v.parse().unwrap_or(0.0);
            }
        }
        let format = match media.as_str() {
            "application/openmetrics-text" => Format::OpenMetrics,
            "text/plain" | "text/*" | "*/*" => Format::PrometheusText,
            _ => continue,
        };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bf)) => q > bq || (q == bq && format == Format::OpenMetrics && bf != format),
        };
        if better {
            best = Some((q, format));
        }
    }
    best.map_or(Format::PrometheusText, |(_, f)| f)
}

/// Encodes a registry in the given format.
pub fn encode(registry: &Registry, format: Format) -> FmResult<String> {
    let mut out = String::with_capacity(64 * 1024);
    text::encode(&mut out, registry, format.text_profile())?;
    Ok(out)
}

/// Builds the registry of one server: the families its role and the profile call for, each
/// named by the model crate's catalogue ([`Family::name`]).
pub fn registry_for(state: &SharedState) -> FmResult<Registry> {
    let (role, profile) = {
        let s = read(state);
        (s.spec.role, s.profile)
    };
    let mut r = Registry::default();
    let st = || state.clone();
    let seed = |f: Family| f.name(ProfileKind::Seed);
    let otel = |f: Family| f.name(ProfileKind::Otel);
    let named = |f: Family| f.name(profile);
    if profile == ProfileKind::Seed {
        r.register(
            seed(Family::HttpRequests),
            "HTTP requests handled by the MCP server.",
            counter(st(), http_requests),
        )?;
        r.register(
            seed(Family::HttpDuration),
            "HTTP request latency of the MCP server.",
            histogram(st(), http_duration),
        )?;
        r.register(
            seed(Family::HttpInProgress),
            "HTTP requests being handled right now.",
            gauge(st(), http_in_progress),
        )?;
        r.register(
            seed(Family::ToolCalls),
            "MCP tool calls by tool and outcome.",
            counter(st(), tool_calls),
        )?;
        r.register(
            seed(Family::ToolDuration),
            "MCP tool call duration.",
            histogram(st(), tool_duration),
        )?;
        r.register(
            seed(Family::ToolsRegistered),
            "Tools the MCP server offers.",
            gauge(st(), tools_registered),
        )?;
    } else {
        r.register(
            otel(Family::ToolDuration),
            "MCP request duration as seen by the server (OpenTelemetry MCP semantic conventions).",
            histogram(st(), otel_operation_duration),
        )?;
        r.register(
            otel(Family::SessionDuration),
            "MCP session duration as seen by the server (OpenTelemetry MCP semantic conventions).",
            histogram(st(), otel_session_duration),
        )?;
    }
    if role == Role::Orchestrator {
        r.register(
            named(Family::AgentTasks),
            "Agent tasks by agent type and outcome.",
            counter(st(), agent_tasks),
        )?;
        r.register(
            named(Family::AgentTaskDuration),
            "Agent task duration.",
            histogram(st(), agent_duration),
        )?;
        r.register(
            named(Family::PoolWorkers),
            "Active workers per worker pool.",
            gauge(st(), pool_workers),
        )?;
        r.register(
            named(Family::Workflows),
            "Workflows executed by adapter and outcome.",
            counter(st(), workflows),
        )?;
    }
    if role == Role::Memory {
        r.register(
            named(Family::MemorySyncs),
            "Memory syncs by source and outcome.",
            counter(st(), memory_syncs),
        )?;
        r.register(
            named(Family::MemoriesStored),
            "Memories held in the store.",
            gauge(st(), memories_stored),
        )?;
        r.register(
            named(Family::Embeddings),
            "Embeddings generated so far, by model.",
            gauge(st(), embeddings),
        )?;
    }
    if role == Role::Sessions {
        r.register(
            named(Family::SessionsActive),
            "Sessions open right now.",
            gauge(st(), sessions_active),
        )?;
        r.register(
            named(Family::SessionOperations),
            "Session operations by operation and outcome.",
            counter(st(), session_operations),
        )?;
        // The seed gauge stays under otel, beside the convention's histogram.
        r.register(
            seed(Family::SessionDuration),
            "Mean age of the open sessions, in seconds.",
            gauge(st(), session_duration_active),
        )?;
    }
    r.register(
        named(Family::CpuPercent),
        "Process CPU usage in percent.",
        gauge(st(), |s, e| plain_gauge(e, s.process.cpu_percent)),
    )?;
    r.register(
        named(Family::MemoryBytes),
        "Process resident memory in bytes.",
        gauge(st(), |s, e| plain_gauge(e, s.process.memory_bytes)),
    )?;
    r.register(
        named(Family::OpenFiles),
        "Open file descriptors of the process.",
        gauge(st(), |s, e| plain_gauge(e, s.process.open_files)),
    )?;
    r.register(
        named(Family::DiskPercent),
        "Disk usage of the data volume in percent.",
        gauge(st(), |s, e| plain_gauge(e, s.process.disk_percent)),
    )?;
    r.register(
        named(Family::CacheHits),
        "Cache hits by layer and cache type.",
        counter(st(), cache_hits),
    )?;
    r.register(
        named(Family::CacheMisses),
        "Cache misses by layer and cache type.",
        counter(st(), cache_misses),
    )?;
    r.register(
        named(Family::OtlpOperations),
        "Operations reported over OTLP, by operation and outcome.",
        counter(st(), operations),
    )?;
    r.register(
        named(Family::OtlpOperationDuration),
        "Duration of operations reported over OTLP, in seconds.",
        histogram(st(), operation_duration),
    )?;
    r.register(
        named(Family::OtlpActiveConnections),
        "Client connections open right now.",
        gauge(st(), |s, e| plain_gauge(e, s.process.active_connections)),
    )?;
    Ok(r)
}

fn read(state: &SharedState) -> std::sync::RwLockReadGuard<'_, ServerState> {
    // A panic while advancing leaves counters as they were; reading them is still sound.
    state
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---- views ---------------------------------------------------------------------------------

type Visit = fn(&ServerState, &mut dyn MetricEncoder) -> FmResult<()>;

struct CounterKind;
struct GaugeKind;
struct HistogramKind;

/// One family: the server's state and how to walk its series.
struct View<K> {
    state: SharedState,
    visit: Visit,
    kind: PhantomData<fn() -> K>,
}

fn counter(state: SharedState, visit: Visit) -> View<CounterKind> {
    View {
        state,
        visit,
        kind: PhantomData,
    }
}

fn gauge(state: SharedState, visit: Visit) -> View<GaugeKind> {
    View {
        state,
        visit,
        kind: PhantomData,
    }
}

fn histogram(state: SharedState, visit: Visit) -> View<HistogramKind> {
    View {
        state,
        visit,
        kind: PhantomData,
    }
}

impl TypedMetric for View<CounterKind> {
    const TYPE: MetricType = MetricType::Counter;
}
impl TypedMetric for View<GaugeKind> {
    const TYPE: MetricType = MetricType::Gauge;
}
impl TypedMetric for View<HistogramKind> {
    const TYPE: MetricType = MetricType::Histogram;
}

impl<K> MetricLabelSet for View<K> {
    type LabelSet = ();
}

impl<K> EncodeMetric for View<K> {
    fn encode(&self, encoder: &mut dyn MetricEncoder) -> FmResult<()> {
        let s = read(&self.state);
        (self.visit)(&s, encoder)
    }
}

/// Label pairs; an empty value leaves the label out (as Prometheus treats it anyway).
struct Labels<'a, const N: usize>([(&'static str, &'a str); N]);

impl<const N: usize> EncodeLabelSet for Labels<'_, N> {
    fn encode(&self, encoder: &mut dyn LabelSetEncoder) -> FmResult<()> {
        for (name, value) in &self.0 {
            if !value.is_empty() {
                encoder.encode(&(*name, *value))?;
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, v)| v.is_empty())
    }
}

struct CounterValue(u64);

impl EncodeMetric for CounterValue {
    fn encode(&self, encoder: &mut dyn MetricEncoder) -> FmResult<()> {
        encoder.encode_counter(&self.0, None, None)
    }
}

struct GaugeValue(f64);

impl EncodeMetric for GaugeValue {
    fn encode(&self, encoder: &mut dyn MetricEncoder) -> FmResult<()> {
        encoder.encode_gauge(&self.0)
    }
}

struct HistogramValue<'a>(&'a Histogram);

struct ExemplarValue<'a>(&'a Exemplar);

impl EncodeExemplar for ExemplarValue<'_> {
    fn encode(&self, encoder: &mut dyn ExemplarEncoder) -> FmResult<()> {
        let e = self.0;
        encoder.encode(
            &Labels([("trace_id", e.trace_id.as_str()), ("span_id", &e.span_id)]),
            e.value,
            None,
        )
    }
}

impl EncodeMetric for HistogramValue<'_> {
    fn encode(&self, encoder: &mut dyn MetricEncoder) -> FmResult<()> {
        let h = self.0;
        let bounds = h.bounds().iter().copied().chain([f64::INFINITY]);
        let buckets: Vec<Bucket> = bounds
            .zip(h.bucket_counts())
            .map(|(b, c)| Bucket::new(b, *c))
            .collect();
        let values: Vec<Option<ExemplarValue<'_>>> = h
            .exemplars()
            .iter()
            .map(|e| e.as_ref().map(ExemplarValue))
            .collect();
        let exemplars: Vec<Option<&dyn EncodeExemplar>> = values
            .iter()
            .map(|v| v.as_ref().map(|v| v as &dyn EncodeExemplar))
            .collect();
        encoder.encode_histogram(&buckets, Some(&exemplars), h.count(), h.sum(), None)
    }
}

fn plain_gauge(e: &mut dyn MetricEncoder, v: f64) -> FmResult<()> {
    e.encode(&(), &GaugeValue(v))
}

/// A counter split by status, with one identifying label.
fn outcomes(
    e: &mut dyn MetricEncoder,
    name: &'static str,
    value: &str,
    o: &Outcomes,
) -> FmResult<()> {
    for (status, n) in [("success", o.success), ("error", o.error)] {
        e.encode(
            &Labels([(name, value), ("status", status)]),
            &CounterValue(n),
        )?;
    }
    Ok(())
}

fn http_requests(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for r in &s.requests.routes {
        for (status, n) in &r.statuses {
            e.encode(
                &Labels([
                    ("endpoint", r.endpoint),
                    ("method", r.method),
                    ("status", status),
                ]),
                &CounterValue(*n),
            )?;
        }
    }
    Ok(())
}

fn http_duration(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for r in &s.requests.routes {
        e.encode(
            &Labels([("endpoint", r.endpoint), ("method", r.method)]),
            &HistogramValue(&r.duration),
        )?;
    }
    Ok(())
}

fn http_in_progress(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for r in &s.requests.routes {
        e.encode(
            &Labels([("endpoint", r.endpoint), ("method", r.method)]),
            &GaugeValue(r.in_progress),
        )?;
    }
    Ok(())
}

fn tool_calls(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for t in &s.requests.tools {
        outcomes(e, "tool_name", t.name.as_str(), &t.calls)?;
    }
    Ok(())
}

fn tool_duration(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for t in &s.requests.tools {
        e.encode(
            &Labels([("tool_name", t.name.as_str())]),
            &HistogramValue(&t.duration),
        )?;
    }
    Ok(())
}

fn tools_registered(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    plain_gauge(e, s.requests.tools.len() as f64)
}

fn otel_operation_duration(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for m in &s.requests.methods {
        e.encode(
            &Labels([
                ("mcp_method_name", m.name),
                ("gen_ai_tool_name", ""),
                ("error_type", ""),
            ]),
            &HistogramValue(&m.ok),
        )?;
        e.encode(
            &Labels([
                ("mcp_method_name", m.name),
                ("gen_ai_tool_name", ""),
                ("error_type", "-32603"),
            ]),
            &HistogramValue(&m.err),
        )?;
    }
    for t in &s.requests.tools {
        e.encode(
            &Labels([
                ("mcp_method_name", "tools/call"),
                ("gen_ai_tool_name", t.name.as_str()),
                ("error_type", ""),
            ]),
            &HistogramValue(&t.otel_ok),
        )?;
        e.encode(
            &Labels([
                ("mcp_method_name", "tools/call"),
                ("gen_ai_tool_name", t.name.as_str()),
                ("error_type", "tool_error"),
            ]),
            &HistogramValue(&t.otel_err),
        )?;
    }
    Ok(())
}

fn otel_session_duration(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    e.encode(
        &Labels([("network_transport", "tcp")]),
        &HistogramValue(&s.requests.session_duration),
    )
}

fn agent_tasks(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for a in s.orchestrator.iter().flat_map(|o| &o.agents) {
        outcomes(e, "agent_type", a.agent_type, &a.tasks)?;
    }
    Ok(())
}

fn agent_duration(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for a in s.orchestrator.iter().flat_map(|o| &o.agents) {
        e.encode(
            &Labels([("agent_type", a.agent_type)]),
            &HistogramValue(&a.duration),
        )?;
    }
    Ok(())
}

fn pool_workers(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for p in s.orchestrator.iter().flat_map(|o| &o.pools) {
        e.encode(
            &Labels([("pool_type", p.pool_type)]),
            &GaugeValue(p.workers),
        )?;
    }
    Ok(())
}

fn workflows(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for w in s.orchestrator.iter().flat_map(|o| &o.workflows) {
        outcomes(e, "adapter", w.label, &w.outcomes)?;
    }
    Ok(())
}

fn memory_syncs(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for m in s.memory.iter().flat_map(|m| &m.syncs) {
        outcomes(e, "source", m.label, &m.outcomes)?;
    }
    Ok(())
}

fn memories_stored(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    match &s.memory {
        Some(m) => plain_gauge(e, m.memories_stored),
        None => Ok(()),
    }
}

fn embeddings(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for (model, n) in s.memory.iter().flat_map(|m| &m.embeddings) {
        e.encode(&Labels([("model", *model)]), &GaugeValue(*n))?;
    }
    Ok(())
}

fn sessions_active(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    match &s.sessions {
        Some(x) => plain_gauge(e, x.active),
        None => Ok(()),
    }
}

fn session_operations(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for op in s.sessions.iter().flat_map(|x| &x.operations) {
        outcomes(e, "operation", op.label, &op.outcomes)?;
    }
    Ok(())
}

fn session_duration_active(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    match &s.sessions {
        Some(x) => plain_gauge(e, x.duration_active),
        None => Ok(()),
    }
}

fn cache_hits(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for c in &s.process.caches {
        e.encode(
            &Labels([("cache_layer", c.layer), ("cache_type", c.cache_type)]),
            &CounterValue(c.hits),
        )?;
    }
    Ok(())
}

fn cache_misses(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for c in &s.process.caches {
        e.encode(
            &Labels([("cache_layer", c.layer), ("cache_type", c.cache_type)]),
            &CounterValue(c.misses),
        )?;
    }
    Ok(())
}

fn operations(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for op in &s.process.operations {
        outcomes(e, "operation", op.name, &op.outcomes)?;
    }
    Ok(())
}

fn operation_duration(s: &ServerState, e: &mut dyn MetricEncoder) -> FmResult<()> {
    for op in &s.process.operations {
        e.encode(
            &Labels([("operation", op.name)]),
            &HistogramValue(&op.duration),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ecosystem;
    use crate::scenario::Scenario;

    fn shared(job: &str, profile: ProfileKind) -> SharedState {
        let (i, spec) = ecosystem(0, None)
            .into_iter()
            .enumerate()
            .find(|(_, s)| s.job == job)
            .unwrap();
        let mut s = ServerState::new(spec, profile, 1, i as u64);
        for _ in 0..30 {
            s.advance(1.0, Scenario::Healthy);
        }
        Arc::new(RwLock::new(s))
    }

    #[test]
    fn same_seed_and_ticks_expose_the_same_samples() {
        // Family order follows the registry's hash map; the samples themselves are identical.
        let sorted = |st: &SharedState| {
            let out = encode(&registry_for(st).unwrap(), Format::OpenMetrics).unwrap();
            let mut lines: Vec<String> = out.lines().map(str::to_owned).collect();
            lines.sort();
            lines
        };
        let a = sorted(&shared("akosha", ProfileKind::Seed));
        let b = sorted(&shared("akosha", ProfileKind::Seed));
        assert_eq!(a, b);
        assert!(a.iter().any(|l| l.contains("trace_id=")));
    }

    #[test]
    fn prometheus_scrape_header_gets_openmetrics() {
        let prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(negotiate(Some(prom)), Format::OpenMetrics);
        assert_eq!(negotiate(None), Format::PrometheusText);
        assert_eq!(negotiate(Some("*/*")), Format::PrometheusText);
        assert_eq!(
            negotiate(Some("text/plain;version=0.0.4")),
            Format::PrometheusText
        );
        assert_eq!(
            negotiate(Some("text/plain;q=0.9, application/openmetrics-text;q=0.5")),
            Format::PrometheusText
        );
        assert_eq!(negotiate(Some("application/json")), Format::PrometheusText);
    }

    #[test]
    fn openmetrics_carries_exemplars_with_trace_and_span_ids() {
        let st = shared("mahavishnu", ProfileKind::Seed);
        let out = encode(&registry_for(&st).unwrap(), Format::OpenMetrics).unwrap();
        assert!(out.ends_with("# EOF\n"), "OpenMetrics ends with EOF");
        let line = out
            .lines()
            .find(|l| {
                l.starts_with("mcp_http_request_duration_seconds_bucket") && l.contains(" # {")
            })
            .expect("a bucket with an exemplar");
        assert!(line.contains("trace_id=\""), "{line}");
        assert!(line.contains("span_id=\""), "{line}");
        let tool = out
            .lines()
            .any(|l| l.starts_with("mcp_tool_duration_seconds_bucket") && l.contains("trace_id="));
        assert!(tool, "tool histogram carries exemplars too");
    }

    #[test]
    fn prometheus_text_has_no_exemplars_and_no_eof() {
        let st = shared("mahavishnu", ProfileKind::Seed);
        let out = encode(&registry_for(&st).unwrap(), Format::PrometheusText).unwrap();
        assert!(!out.contains("# EOF"));
        assert!(!out.contains("trace_id"));
        assert!(out.contains("# TYPE mcp_http_requests_total counter"));
        assert!(out
            .contains("mcp_http_requests_total{endpoint=\"/mcp\",method=\"POST\",status=\"200\"}"));
    }

    fn families(out: &str) -> Vec<String> {
        out.lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .filter_map(|l| l.split(' ').next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn each_role_exports_its_seed_families() {
        let common = [
            "mcp_http_requests_total",
            "mcp_http_request_duration_seconds",
            "mcp_http_requests_in_progress",
            "mcp_tool_calls_total",
            "mcp_tool_duration_seconds",
            "mcp_tools_registered",
            "mahavishnu_cpu_usage_percent",
            "mahavishnu_memory_usage_bytes",
            "mahavishnu_open_files",
            "system_disk_usage_percent",
            "mahavishnu_cache_hits_total",
            "mahavishnu_cache_misses_total",
            "operations_total",
            "operation_duration",
            "active_connections",
        ];
        let by_role = [
            (
                "mahavishnu",
                &[
                    "agent_tasks_total",
                    "agent_task_duration_seconds",
                    "pool_workers_active",
                    "mahavishnu_workflows_executed_total",
                ][..],
            ),
            (
                "akosha",
                &[
                    "memory_syncs_total",
                    "memories_stored",
                    "embeddings_generated",
                ][..],
            ),
            (
                "session-buddy",
                &[
                    "sessions_active",
                    "session_operations_total",
                    "session_duration_active",
                ][..],
            ),
        ];
        for (job, own) in by_role {
            let st = shared(job, ProfileKind::Seed);
            let out = encode(&registry_for(&st).unwrap(), Format::PrometheusText).unwrap();
            let fams = families(&out);
            for f in common.iter().chain(own) {
                assert!(fams.iter().any(|x| x == f), "{job} lacks {f}");
            }
            assert_eq!(fams.len(), common.len() + own.len(), "{job}: {fams:?}");
        }
    }

    #[test]
    fn the_seed_ecosystem_exports_every_family_of_the_catalogue_and_no_other() {
        let mut exported: Vec<String> = ["mahavishnu", "akosha", "session-buddy"]
            .into_iter()
            .flat_map(|job| {
                let st = shared(job, ProfileKind::Seed);
                families(&encode(&registry_for(&st).unwrap(), Format::PrometheusText).unwrap())
            })
            .collect();
        exported.sort();
        exported.dedup();
        let mut catalogue: Vec<String> = Family::ALL
            .iter()
            .map(|f| f.name(ProfileKind::Seed).to_owned())
            .collect();
        catalogue.sort();
        assert_eq!(exported, catalogue);
    }

    #[test]
    fn otel_profile_serves_semconv_names_and_labels() {
        let st = shared("mahavishnu", ProfileKind::Otel);
        let out = encode(&registry_for(&st).unwrap(), Format::OpenMetrics).unwrap();
        let fams = families(&out);
        assert!(fams.contains(&"mcp_server_operation_duration_seconds".to_owned()));
        assert!(fams.contains(&"mcp_server_session_duration_seconds".to_owned()));
        assert!(!fams
            .iter()
            .any(|f| f.starts_with("mcp_http_") || f.starts_with("mcp_tool")));
        assert!(out.contains(
            "mcp_server_operation_duration_seconds_count{mcp_method_name=\"tools/call\",gen_ai_tool_name=\"deploy\"}"
        ));
        assert!(out.contains("error_type=\"tool_error\""));
        assert!(out.contains(
            "mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/list\",le="
        ));
    }
}
