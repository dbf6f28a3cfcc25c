//! How much work one query may ask for: every limit in one place, each checked before any
//! upstream call, each refusal naming the field, the value, the limit and what to do.
//!
//! [`crate::Query::parse`] applies the field limits, so every query type and every caller
//! of the parser (queries, the PromQL preview) gets them; [`check_range`] and
//! [`check_calls`] are applied where a query is dispatched and where its calls are planned.
//! The README's query section lists them.

use crate::query::QueryError;

/// Percentiles of one latency query: each is one histogram query upstream.
pub const MAX_PERCENTILES: usize = 20;

/// Values of one filter list (`services`, `tools`, ...), once duplicates are removed.
pub const MAX_FILTER_VALUES: usize = 200;

/// Characters of a `promql` query's `expr`.
pub const MAX_EXPR_CHARS: usize = 16 * 1024;

/// Upstream calls one query may fan out to.
pub const MAX_UPSTREAM_CALLS: usize = 32;

/// Entries of `limit` (exemplars kept, rows of top-N tables).
pub const MAX_LIMIT: usize = 10_000;

/// Points of one series of a range query; the step grows to keep under it.
pub use crate::step::MAX_POINTS;

/// Refuses a time range that ends before it starts or has no width, in the plugin's words,
/// before Prometheus is asked (it would answer "invalid parameter end").
pub fn check_range(from_ms: i64, to_ms: i64) -> Result<(), QueryError> {
    if to_ms > from_ms {
        return Ok(());
    }
    Err(QueryError::TimeRange {
        from_ms,
        to_ms,
        problem: if to_ms == from_ms {
            "has no width (from equals to)"
        } else {
            "ends before it starts (from is after to)"
        },
    })
}

/// Refuses a plan of more than [`MAX_UPSTREAM_CALLS`] calls before the first is sent.
pub fn check_calls(calls: usize) -> Result<(), QueryError> {
    if calls <= MAX_UPSTREAM_CALLS {
        Ok(())
    } else {
        Err(QueryError::TooManyCalls {
            calls,
            limit: MAX_UPSTREAM_CALLS,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed_and_empty_ranges_are_refused_with_both_ends() {
        assert!(check_range(1_000, 2_000).is_ok());
        let reversed = check_range(2_000, 1_000).unwrap_err().to_string();
        assert!(
            reversed.contains("from 2000 to 1000") && reversed.contains("ends before it starts"),
            "{reversed}"
        );
        assert!(reversed.contains("end is after its start"), "{reversed}");
        let empty = check_range(5_000, 5_000).unwrap_err().to_string();
        assert!(empty.contains("has no width"), "{empty}");
    }

    #[test]
    fn call_plans_past_the_limit_are_refused() {
        assert!(check_calls(MAX_UPSTREAM_CALLS).is_ok());
        let err = check_calls(MAX_UPSTREAM_CALLS + 1).unwrap_err().to_string();
        assert!(
            err.contains(&format!("{} upstream calls", MAX_UPSTREAM_CALLS + 1))
                && err.contains(&format!("limit of {MAX_UPSTREAM_CALLS}")),
            "{err}"
        );
    }
}
