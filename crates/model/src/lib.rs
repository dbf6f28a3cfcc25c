//! The MCP ecosystem datasource's vocabulary, shared by the backend plugin and the panel.
//!
//! This crate turns what a user asks for into what Prometheus is asked, without doing any
//! I/O, so it builds for `wasm32-unknown-unknown` as well as for the plugin:
//!
//! - [`Query`] is one Grafana query of this datasource, parsed from its JSON with
//!   [`Query::from_json`]; a wrong field gives a [`QueryError`] naming the field and value.
//! - [`Profile`] is the metric catalogue: which Prometheus metric and label names hold each
//!   logical MCP metric ("seed" names, or the OpenTelemetry MCP semantic conventions).
//! - [`promql`] builds selectors whose label values are always escaped, so no filter value
//!   can change the structure of a query.
//! - [`columns`] names the frames and columns the query types write and the panel reads.
//! - [`limits`] bounds the work of one query (percentiles, filter values, `expr` length,
//!   upstream calls, the time range), refused before any upstream call.
//! - [`Step`] fixes the step and aligned range of a range query the way Grafana's
//!   Prometheus datasource does, and the `auto` rate window.
//!
//! ```
//! use mcp_model::{promql::Selector, Query};
//!
//! let q = Query::from_json(br#"{"queryType":"requestRate","services":["a\"b"]}"#).unwrap();
//! let sel = Selector::new("mcp_http_requests_total").one_of("job", &q.filters.services);
//! assert_eq!(sel.to_string(), r#"mcp_http_requests_total{job="a\"b"}"#);
//! ```

pub mod columns;
pub mod duration;
pub mod legend;
pub mod limits;
pub mod profile;
pub mod promql;
pub mod query;
pub mod status;
pub mod step;

pub use duration::{format_duration, parse_duration, DurationError};
pub use profile::{Family, Kind, Profile, ProfileError, ProfileKind};
pub use query::{
    ExemplarSource, Filters, Format, Query, QueryError, QueryField, QueryType, RateWindow,
};
pub use status::{Band, Direction, Status, ThresholdError, Thresholds};
pub use step::Step;
