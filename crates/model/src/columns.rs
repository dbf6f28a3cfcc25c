//! Names of the frames and columns the query types write and the overview panel reads:
//! the one place both sides take them from, so a renamed column cannot leave the panel
//! reading nothing.

/// Key column of every per-service table: the `job` label's value.
pub const SERVICE: &str = "service";
/// Status column of every judged table: [`crate::Status::as_str`] of each row.
pub const STATUS: &str = "status";
/// Why a row is not ok, reasons joined by [`REASONS_SEPARATOR`].
pub const REASONS: &str = "reasons";
/// What joins the reasons of one row.
pub const REASONS_SEPARATOR: &str = "; ";

/// `ecosystemSummary`: a row per service.
pub mod summary {
    /// Frame name.
    pub const FRAME: &str = "ecosystemSummary";
    /// 1 when every target of the job answers its scrape, 0 when one does not.
    pub const UP: &str = "up";
    /// Requests per second.
    pub const REQUEST_RATE: &str = "request rate";
    /// Share of requests answered with a 5xx status, percent.
    pub const ERROR_PERCENT: &str = "5xx %";
    /// p95 of HTTP request latency, seconds.
    pub const P95: &str = "p95 latency";
    /// Share of successful tool calls, percent.
    pub const TOOL_SUCCESS: &str = "tool success %";
    /// Tool calls per second.
    pub const TOOL_CALLS: &str = "tool calls/s";
    /// Active workers over every pool.
    pub const WORKERS: &str = "active workers";
    /// Active sessions.
    pub const SESSIONS: &str = "active sessions";
    /// CPU, percent.
    pub const CPU: &str = "CPU %";
    /// Resident memory, bytes.
    pub const MEMORY: &str = "memory";
}

/// `ecosystemSummary`'s second frame: the worst tools and pools.
pub mod worst {
    /// Frame name.
    pub const FRAME: &str = "worst";
    /// [`TOOL`] or [`POOL`].
    pub const KIND: &str = "kind";
    /// The tool's or the pool's name.
    pub const NAME: &str = "tool or pool";
    /// A tool's success, percent (empty on pool rows).
    pub const SUCCESS: &str = "success %";
    /// A pool's active workers (empty on tool rows).
    pub const WORKERS: &str = "active workers";
    /// [`KIND`] of a tool row.
    pub const TOOL: &str = "tool";
    /// [`KIND`] of a pool row.
    pub const POOL: &str = "pool";
}

/// `toolHealth` as a table: a row per (service, tool).
pub mod tool_health {
    /// Frame name.
    pub const FRAME: &str = "toolHealth";
    /// Tool name.
    pub const TOOL: &str = "tool";
    /// Calls per second.
    pub const CALLS: &str = "calls/s";
    /// Share of successful calls, percent.
    pub const SUCCESS: &str = "success %";
    /// Failed calls per second.
    pub const ERRORS: &str = "errors/s";
    /// Median call duration, seconds.
    pub const P50: &str = "p50";
    /// p95 of call duration, seconds.
    pub const P95: &str = "p95";
}

/// `poolCapacity` as a table: a row per (service, pool).
pub mod pool_capacity {
    /// Frame name.
    pub const FRAME: &str = "poolCapacity";
    /// Pool name.
    pub const POOL: &str = "pool";
    /// Active workers now.
    pub const WORKERS: &str = "workers";
    /// Fewest active workers over the range.
    pub const MIN: &str = "min";
    /// Most active workers over the range.
    pub const MAX: &str = "max";
}

/// `requestLatency`: a `timeseries-multi` frame per (job, percentile).
pub mod latency {
    /// Label of the value field naming the percentile, e.g. `95` or `99.9`.
    pub const PERCENTILE_LABEL: &str = "percentile";
    /// Label of the value field naming the service.
    pub const JOB_LABEL: &str = "job";
}

/// Time and value fields of time series and exemplar frames.
pub const TIME: &str = "Time";
/// See [`TIME`].
pub const VALUE: &str = "Value";

/// The exemplar frame, shaped as Grafana's Prometheus datasource shapes it: `Time`,
/// `Value`, then a text field per label.
pub mod exemplar {
    /// Frame name.
    pub const FRAME: &str = "exemplar";
    /// Heading of the value (the observed duration) when exemplars are asked as a table.
    pub const DURATION_HEADING: &str = "Duration";
    /// Labels holding a trace id, in the order they are tried when the datasource's
    /// `exemplarTraceIdLabel` names none: the plugin links the first an exemplar carries,
    /// the panel reads the first field the frame has.
    pub const TRACE_ID_LABELS: [&str; 2] = ["trace_id", "traceID"];

    /// Whether an exemplar's series counts failed calls, from its `status` and
    /// `error_type` labels: an HTTP 5xx status, a tool status other than success, or a
    /// set OpenTelemetry `error_type`. Series without such labels (the seed histograms
    /// carry none) are judged by their values alone.
    pub fn is_failing(status: Option<&str>, error_type: Option<&str>) -> bool {
        let status_failed = status.is_some_and(|s| {
            let http_5xx =
                s.len() == 3 && s.starts_with('5') && s.bytes().all(|b| b.is_ascii_digit());
            http_5xx || matches!(s, "error" | "failure" | "failed" | "timeout")
        });
        status_failed || error_type.is_some_and(|e| !e.is_empty())
    }

    /// Label holding an exemplar's HTTP or tool status.
    pub const STATUS_LABEL: &str = "status";
    /// Label holding an OpenTelemetry error type.
    pub const ERROR_TYPE_LABEL: &str = "error_type";
}
