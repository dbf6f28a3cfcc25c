//! A push parser for the Prometheus `query_range` answer: body chunks go in as they arrive,
//! samples come out in the `Vec<i64>` / `Vec<f64>` pairs that become Arrow buffers.
//!
//! There is no JSON DOM and no allocation per sample. Three layers, one file each:
//! [`lex`] reads JSON tokens across chunk boundaries, [`automaton`] gives them their place
//! in the answer (the envelope and the matrix), and `number` (beside this module) reads
//! sample values and times. The common `[<seconds>,"<value>"]` pair is read by a fast path
//! straight from the chunk; any other spelling (whitespace aside) falls back to the general
//! path, which gives the same answer. Anything that is not well-formed JSON of the expected
//! shape is an error with the byte offset where it was found, never a panic.
//!
//! The parser only reads; what the envelope means (a success, Prometheus's own error, a
//! result of another type) is judged by `verdict`, for this parser and every other answer.

mod automaton;
mod lex;
#[cfg(any(test, feature = "oracle"))]
pub(super) mod oracle;
#[cfg(test)]
mod tests;

use thiserror::Error;

use super::response::Series;

pub use automaton::MatrixParser;

/// Why a body is not a well-formed Prometheus range query answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{reason} at byte {offset}")]
pub struct MatrixError {
    /// Offset of the offending byte from the start of the body.
    pub offset: u64,
    /// What was wrong there.
    pub reason: String,
}

/// `data` of a range query answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// "matrix" for a range query; when it is something else `result` is skipped.
    pub result_type: String,
    /// The series, in the order Prometheus sent them.
    pub result: Vec<Series>,
}
