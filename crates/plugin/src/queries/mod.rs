//! One file per query type: each turns a [`Query`] into PromQL, runs it, and shapes frames.
//!
//! [`run`] dispatches on the query type; [`timeseries`] holds what the time series types share.

mod agent_tasks;
mod cache;
mod ecosystem_summary;
mod error_rate;
mod exemplars;
mod memory;
mod otlp_operations;
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

use mcp_frames::Frame;
use mcp_model::{format_duration, Format, Query, QueryError, QueryType, RateWindow, Step};

use crate::settings::Settings;
use crate::upstream::{Prometheus, UpstreamError};

/// Everything one query of a request runs against.
pub struct Context<'a> {
    /// The datasource's settings.
    pub settings: &'a Settings,
    /// Its upstream.
    pub prometheus: &'a Prometheus,
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
}

impl Context<'_> {
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

    /// The shape to answer in: alerting always gets numbers, others what they asked or
    /// the type's default.
    pub fn format(&self, query: &Query, default: Format) -> Format {
        query.format.unwrap_or(default)
    }

    /// The panel's whole range as PromQL duration text (for `*_over_time`).
    pub fn range(&self) -> String {
        format_duration((self.to_ms - self.from_ms).max(1) as u64)
    }

    /// The `rate()` window of `query` at `step`, as PromQL duration text.
    pub fn rate_window(&self, query: &Query, step: &Step) -> String {
        let ms = match query.rate_window {
            RateWindow::Auto => step.rate_window_ms(self.settings.scrape_interval_ms) as u64,
            RateWindow::Fixed(ms) => ms,
        };
        format_duration(ms)
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
}

impl QueryFailure {
    /// The HTTP-like status Grafana records for the failed query.
    pub fn status(&self) -> i32 {
        match self {
            QueryFailure::Query(_) | QueryFailure::Unsupported(_) => 400,
            QueryFailure::Settings(_) => 500,
            QueryFailure::Upstream(UpstreamError::Timeout { .. }) => 504,
            QueryFailure::Upstream(UpstreamError::Api { .. }) => 400,
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
            QueryFailure::Unsupported(e) => write!(f, "{e}"),
        }
    }
}

impl From<UpstreamError> for QueryFailure {
    fn from(e: UpstreamError) -> Self {
        QueryFailure::Upstream(e)
    }
}

/// Runs one query and returns its frames (refId not yet set).
pub async fn run(ctx: &Context<'_>, query: &Query) -> Result<Vec<Frame>, QueryFailure> {
    match query.query_type {
        QueryType::RequestRate => request_rate::run(ctx, query).await,
        QueryType::RequestLatency => request_latency::run(ctx, query).await,
        QueryType::ErrorRate => error_rate::run(ctx, query).await,
        QueryType::Promql => promql::run(ctx, query).await,
        QueryType::ToolHealth => tool_health::run(ctx, query).await,
        QueryType::PoolCapacity => pool_capacity::run(ctx, query).await,
        QueryType::AgentTasks => agent_tasks::run(ctx, query).await,
        QueryType::Workflows => workflows::run(ctx, query).await,
        QueryType::Sessions => sessions::run(ctx, query).await,
        QueryType::Memory => memory::run(ctx, query).await,
        QueryType::Cache => cache::run(ctx, query).await,
        QueryType::System => system::run(ctx, query).await,
        QueryType::OtlpOperations => otlp_operations::run(ctx, query).await,
        QueryType::EcosystemSummary => ecosystem_summary::run(ctx, query).await,
        QueryType::Exemplars => exemplars::run(ctx, query).await,
    }
}
