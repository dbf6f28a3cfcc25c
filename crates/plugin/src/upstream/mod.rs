//! Talking to the Prometheus-compatible HTTP API: [`Prometheus`] sends the calls a query
//! needs and gives back an [`Answer`] (samples as vectors, with Prometheus's warnings) or
//! an [`UpstreamError`] that says what went wrong and what to check.
//!
//! One path for every answer: a body is read (serde for the small answers, the streaming
//! [`MatrixParser`] for `query_range`, whose body is never held whole), then judged in one
//! place (`verdict.rs`: success, Prometheus's own error, HTTP status, not an API at all).
//! Sample values and times have one definition (`number.rs`).
//!
//! ```
//! use mcp_plugin::upstream::parse_matrix;
//!
//! let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
//!     {"metric":{"job":"a"},"values":[[1700000000,"1.5"]]}]},"warnings":["partial"]}"#;
//! let answer = parse_matrix(body)?;
//! assert_eq!(answer.data[0].labels["job"], "a");
//! assert_eq!(answer.warnings, ["partial"]);
//! # Ok::<(), mcp_plugin::upstream::UpstreamError>(())
//! ```

mod client;
mod error;
mod number;
mod response;
mod stream;
mod tls;
mod verdict;

pub use client::Prometheus;
pub use error::UpstreamError;
pub use response::{BuildInfo, Envelope, Exemplar, ExemplarSeries, InstantSample, Series};
pub use stream::{Matrix, MatrixError, MatrixParser};
pub use verdict::parse_matrix;

/// The serde reader of `query_range` answers that tests, fuzz targets and benchmarks hold
/// the streaming parser to; built only for them (feature `oracle`), never shipped.
#[cfg(feature = "oracle")]
pub mod oracle {
    pub use super::stream::oracle::parse_matrix;
}

/// An answer with the warnings Prometheus attached to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T> {
    /// The payload.
    pub data: T,
    /// Warnings and infos about partial or approximate data.
    pub warnings: Vec<String>,
}
