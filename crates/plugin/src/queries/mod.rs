//! One file per query type: each turns a [`Query`] into a [`Plan`] of upstream calls
//! (PromQL, kind, step); [`plan::execute`] runs the plan and shapes frames.
//!
//! [`plan()`] dispatches on the query type, [`run`] plans and executes; [`timeseries`] and
//! [`table`] hold what the time series and table types share.

mod agent_tasks;
#[cfg(test)]
mod alert_rules;
mod cache;
mod ecosystem_summary;
mod error_rate;
mod exemplars;
mod memory;
mod otlp_operations;
pub mod plan;
mod pool_capacity;
mod promql;
mod request_latency;
mod request_rate;
mod sessions;
mod system;
mod table;
mod timeseries;
mod tool_health;
mod workflows;

use std::fmt;

use bytes::Bytes;
use mcp_frames::{Frame, FrameError, FrameMeta};
use mcp_model::limits;
use mcp_model::promql::Selector;
use mcp_model::{format_duration, Family, Format, Query, QueryError, QueryType, RateWindow, Step};

pub use plan::{Call, CallKind, Plan};

use crate::budget;
use crate::engine::{Identity, Known};
use crate::settings::Settings;
use crate::upstream::{Prometheus, UpstreamError};

/// Everything one query of a request runs against.
pub struct Context<'a> {
    /// The datasource's settings.
    pub settings: &'a Settings,
    /// Its upstream.
    pub prometheus: &'a Prometheus,
    /// The engine behind it, identified when a query first needs its name.
    pub engine: &'a Known,
    /// Start of the panel's range, ms.
    pub from_ms: i64,
    /// End of the panel's range, ms.
    pub to_ms: i64,
    /// Grafana's interval for the panel, ms (0 when unset).
    pub interval_ms: i64,
    /// Grafana's point budget for the panel (0 when unset).
    pub max_data_points: i64,
    /// The query comes from alerting (header `FromAlert: true`): numeric frames only.
    pub from_alert: bool,
    /// The query's refId, which every frame carries.
    pub ref_id: &'a str,
}

impl Context<'_> {
    /// The engine behind the datasource's URL.
    pub async fn engine(&self) -> Identity {
        self.engine.get(self.prometheus).await
    }

    /// Step and aligned range of range queries.
    pub fn step(&self) -> Step {
        Step::new(
            self.from_ms,
            self.to_ms,
            self.interval_ms,
            self.max_data_points,
            self.settings.scrape_interval_ms,
        )
    }

    /// The shape to answer in: what the query asked, else its type's default.
    pub fn format(&self, query: &Query) -> Format {
        query
            .format
            .unwrap_or_else(|| query.query_type.default_format())
    }

    /// The series of `family` within the query's services: the one place the services
    /// filter is applied.
    pub fn family(&self, family: Family, query: &Query) -> Selector {
        Selector::new(self.settings.profile.metric(family)).one_of("job", &query.filters.services)
    }

    /// Tool series `tool_series` (such as [`mcp_model::Profile::tool_calls`]) within the
    /// query's services and tools.
    pub fn tools(&self, tool_series: Selector, query: &Query) -> Selector {
        tool_series
            .one_of("job", &query.filters.services)
            .one_of(self.settings.profile.tool_label(), &query.filters.tools)
    }

    /// The `_bucket` series of histogram `family` within the query's services.
    pub fn buckets(&self, family: Family, query: &Query) -> Selector {
        Selector::new(format!("{}_bucket", self.settings.profile.metric(family)))
            .one_of("job", &query.filters.services)
    }

    /// The panel's whole range as PromQL duration text (for `*_over_time`).
    pub fn range(&self) -> String {
        format_duration((self.to_ms - self.from_ms).max(1) as u64)
    }

    /// The `rate()` window of `query` at `step`, as PromQL duration text.
    pub fn rate_window(&self, query: &Query, step: &Step) -> String {
        format_duration(self.rate_window_ms(query, step))
    }

    /// The `rate()` window of `query` at `step`, in seconds: a rate times this is the
    /// calls a success share rests on ([`table::enough_calls`]).
    pub fn rate_window_s(&self, query: &Query, step: &Step) -> f64 {
        self.rate_window_ms(query, step) as f64 / 1000.0
    }

    /// The `rate()` window of `query` at `step`, in milliseconds.
    pub fn rate_window_ms(&self, query: &Query, step: &Step) -> u64 {
        match query.rate_window {
            RateWindow::Auto => step.rate_window_ms(self.settings.scrape_interval_ms) as u64,
            RateWindow::Fixed(ms) => ms,
        }
    }
}

/// Why a query has no frames; shown on the panel as the query's error.
#[derive(Debug)]
pub enum QueryFailure {
    /// The query JSON was wrong.
    Query(QueryError),
    /// The datasource settings were wrong.
    Settings(String),
    /// Prometheus could not answer.
    Upstream(UpstreamError),
    /// The query type exists but this datasource cannot answer it.
    Unsupported(String),
    /// The plugin failed to build the answer (a bug).
    Internal(String),
}

impl QueryFailure {
    /// The HTTP-like status Grafana records for the failed query.
    pub fn status(&self) -> i32 {
        match self {
            QueryFailure::Query(_) | QueryFailure::Unsupported(_) | QueryFailure::Settings(_) => {
                400
            }
            QueryFailure::Internal(_) => 500,
            QueryFailure::Upstream(UpstreamError::Timeout { .. }) => 504,
            QueryFailure::Upstream(UpstreamError::Api { .. }) => 400,
            QueryFailure::Upstream(UpstreamError::Budget(_)) => 503,
            QueryFailure::Upstream(_) => 502,
        }
    }
}

impl fmt::Display for QueryFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryFailure::Query(e) => write!(f, "{e}"),
            QueryFailure::Settings(e) => write!(f, "datasource settings: {e}"),
            QueryFailure::Upstream(e) => write!(f, "{e}"),
            QueryFailure::Unsupported(e) | QueryFailure::Internal(e) => write!(f, "{e}"),
        }
    }
}

impl From<UpstreamError> for QueryFailure {
    fn from(e: UpstreamError) -> Self {
        QueryFailure::Upstream(e)
    }
}

impl From<crate::budget::BudgetError> for QueryFailure {
    fn from(e: crate::budget::BudgetError) -> Self {
        QueryFailure::Upstream(e.into())
    }
}

/// The upstream calls of one query, planned without I/O; a reversed range or more calls
/// than [`limits`] allows are refused here, before any call (and in the preview alike).
pub fn plan(ctx: &Context<'_>, query: &Query) -> Result<Plan, QueryFailure> {
    limits::check_range(ctx.from_ms, ctx.to_ms).map_err(QueryFailure::Query)?;
    let plan = match query.query_type {
        QueryType::RequestRate => request_rate::plan(ctx, query),
        QueryType::RequestLatency => request_latency::plan(ctx, query),
        QueryType::ErrorRate => error_rate::plan(ctx, query),
        QueryType::Promql => promql::plan(ctx, query),
        QueryType::ToolHealth => tool_health::plan(ctx, query),
        QueryType::PoolCapacity => pool_capacity::plan(ctx, query),
        QueryType::AgentTasks => agent_tasks::plan(ctx, query),
        QueryType::Workflows => workflows::plan(ctx, query),
        QueryType::Sessions => sessions::plan(ctx, query),
        QueryType::Memory => memory::plan(ctx, query),
        QueryType::Cache => cache::plan(ctx, query),
        QueryType::System => system::plan(ctx, query),
        QueryType::OtlpOperations => otlp_operations::plan(ctx, query),
        QueryType::EcosystemSummary => ecosystem_summary::plan(ctx, query),
        QueryType::Exemplars => exemplars::plan(ctx, query)?,
    };
    limits::check_calls(plan.calls().len()).map_err(QueryFailure::Query)?;
    Ok(plan)
}

/// Runs one query and returns its frames as the reply carries them: Arrow IPC with the
/// query's refId, charged to the query's memory budget.
pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Bytes>, QueryFailure> {
    let plan = plan(ctx, query)?;
    plan::execute(ctx, query, plan).await
}

/// Bytes charged to the memory budget for an encoded frame held for the reply: its Arrow
/// IPC, which the reply sends as it is ([`crate::reply`]).
fn charged(bytes: &[u8]) -> u64 {
    bytes.len() as u64
}

/// One frame's Arrow IPC with `ref_id`, its buffer no larger than its bytes.
fn encode_frame(frame: Frame, ref_id: &str) -> Result<Bytes, FrameError> {
    let mut bytes = frame.with_ref_id(ref_id).into_arrow_ipc()?;
    bytes.shrink_to_fit();
    Ok(Bytes::from(bytes))
}

/// Encodes `frames` with `ref_id` and charges them.
async fn encode(frames: Vec<Frame>, ref_id: &str) -> Result<Vec<Bytes>, QueryFailure> {
    let mut out = Vec::with_capacity(frames.len());
    for frame in frames {
        let bytes = encode_frame(frame, ref_id).map_err(|e| encoding_failed(ref_id, &e))?;
        budget::charge(charged(&bytes))
            .await
            .map_err(|e| QueryFailure::Upstream(e.into()))?;
        out.push(bytes);
    }
    Ok(out)
}

/// An encoded frame given `meta` (notices known after it was encoded), the growth charged.
async fn with_meta(bytes: &Bytes, meta: &FrameMeta) -> Result<Bytes, QueryFailure> {
    let replaced = mcp_frames::replace_meta(bytes, meta).map_err(|e| encoding_failed("", &e))?;
    budget::charge(charged(&replaced).saturating_sub(charged(bytes)))
        .await
        .map_err(|e| QueryFailure::Upstream(e.into()))?;
    Ok(Bytes::from(replaced))
}

/// A frame the plugin built but could not encode: a bug, logged.
fn encoding_failed(ref_id: &str, e: &FrameError) -> QueryFailure {
    tracing::error!(ref_id, error = %e, "frame encoding failed");
    QueryFailure::Internal(format!(
        "internal error: a frame could not be encoded ({e})"
    ))
}

#[cfg(test)]
mod tests {
    use grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings;
    use mcp_model::Status;

    use super::table::{Cells, Row, Verdict};
    use super::*;
    use crate::testing::context;

    /// The verdict of a one-row table of `query_type` over a 1 m rate window: its rate
    /// column `rate` reads `calls` calls in the window, its share column `share` 80 %.
    fn verdict(query_type: &str, rate: &str, share: &str, calls: f64) -> Verdict {
        let settings = Settings::from_instance(&DataSourceInstanceSettings {
            url: "http://127.0.0.1:9".to_string(),
            ..Default::default()
        })
        .unwrap();
        let prometheus = Prometheus::new(&settings).unwrap();
        let engine = Known::default();
        let ctx = context(&settings, &prometheus, &engine, 0, 3_600_000);
        let json = format!(r#"{{"queryType":"{query_type}","format":"table","rateWindow":"1m"}}"#);
        let query = Query::from_json(json.as_bytes()).unwrap();
        let Plan::Table { table, judge, .. } = plan(&ctx, &query).unwrap() else {
            panic!("{query_type} plans a table");
        };
        let values = table.columns.iter().map(|c| match c.title {
            t if t == rate => calls / 60.0,
            t if t == share => 80.0,
            _ => f64::NAN,
        });
        let row = Row {
            key: table.keys.iter().map(|k| k.label.to_string()).collect(),
            values: values.collect(),
        };
        judge(&Cells::new(&table, &row))
    }

    /// An 80 % share of a tool, agent type, adapter, job's syncs or session operation over
    /// 19 calls in the window says nothing of its status; over 20 the same share is critical.
    #[test]
    fn every_success_share_is_judged_only_over_enough_calls() {
        for (query_type, rate, share) in [
            ("toolHealth", "calls/s", "success %"),
            ("agentTasks", "tasks/s", "success %"),
            ("workflows", "runs/s", "success %"),
            ("sessions", "operations/s", "success %"),
            ("memory", "syncs/s", "sync success %"),
        ] {
            assert_eq!(
                verdict(query_type, rate, share, 19.0),
                Verdict::ok(),
                "{query_type} over 19 calls"
            );
            let judged = verdict(query_type, rate, share, 20.0);
            assert_eq!(
                judged.status,
                Status::Critical,
                "{query_type} over 20 calls"
            );
            assert!(
                judged.reasons[0].ends_with("at 80 % success, under 90 %"),
                "{query_type}: {:?}",
                judged.reasons
            );
        }
    }
}
