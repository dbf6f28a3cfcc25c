//! The per-datasource concurrency limit: at most `maxConcurrentQueries` queries of one
//! datasource talk to its upstream at once; the rest wait their turn instead of failing,
//! so a dashboard with many panels (or many users) cannot swamp Prometheus.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::settings::SettingsError;

/// Default of jsonData `maxConcurrentQueries`.
pub const DEFAULT_MAX_CONCURRENT_QUERIES: usize = 16;
/// Largest accepted `maxConcurrentQueries`.
pub const MAX_MAX_CONCURRENT_QUERIES: usize = 1024;

/// A datasource's query slots.
#[derive(Debug, Clone)]
pub struct Limit {
    slots: Arc<Semaphore>,
    max: usize,
}

impl Default for Limit {
    fn default() -> Self {
        Limit::new(DEFAULT_MAX_CONCURRENT_QUERIES)
    }
}

impl Limit {
    /// A limit of `max` queries at once (at least 1).
    pub fn new(max: usize) -> Limit {
        let max = max.clamp(1, MAX_MAX_CONCURRENT_QUERIES);
        Limit {
            slots: Arc::new(Semaphore::new(max)),
            max,
        }
    }

    /// Reads `maxConcurrentQueries` from the datasource's jsonData (absent or null: the
    /// default). jsonData that is not an object is left for the settings reader to report.
    pub fn from_json_data(json_data: &[u8]) -> Result<Limit, SettingsError> {
        let value = match serde_json::from_slice::<Value>(json_data) {
            Ok(Value::Object(mut m)) => m.remove("maxConcurrentQueries"),
            _ => None,
        };
        let invalid = |shown: String| {
            SettingsError {
            setting: "maxConcurrentQueries".to_string(),
            value: shown,
            reason: format!(
                "use a whole number from 1 to {MAX_MAX_CONCURRENT_QUERIES} (default {DEFAULT_MAX_CONCURRENT_QUERIES}); \
                 queries beyond it wait for a free slot"
            ),
        }
        };
        match value {
            None | Some(Value::Null) => Ok(Limit::default()),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if (1..=MAX_MAX_CONCURRENT_QUERIES as u64).contains(&v) => {
                    Ok(Limit::new(v as usize))
                }
                _ => Err(invalid(n.to_string())),
            },
            // Grafana's config forms sometimes store numbers as strings.
            Some(Value::String(s)) if s.trim().is_empty() => Ok(Limit::default()),
            Some(Value::String(s)) => match s.trim().parse::<usize>() {
                Ok(v) if (1..=MAX_MAX_CONCURRENT_QUERIES).contains(&v) => Ok(Limit::new(v)),
                _ => Err(invalid(format!("{s:?}"))),
            },
            Some(other) => Err(invalid(other.to_string())),
        }
    }

    /// The configured number of slots.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Slots free right now.
    pub fn available(&self) -> usize {
        self.slots.available_permits()
    }

    /// Waits for a slot; the slot is held until the permit drops. Dropping the future while
    /// it waits (Grafana cancelled the query) leaves the queue without taking a slot.
    pub async fn acquire(&self) -> SemaphorePermit<'_> {
        loop {
            // The semaphore is never closed, so the error arm cannot be taken; looping
            // keeps this path free of panics all the same.
            if let Ok(permit) = self.slots.acquire().await {
                return permit;
            }
            tokio::task::yield_now().await;
        }
    }

    /// A slot if one is free now, without waiting.
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.slots.try_acquire().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn setting_is_read_with_default_and_checked() {
        assert_eq!(Limit::from_json_data(b"").unwrap().max(), 16);
        assert_eq!(Limit::from_json_data(b"{}").unwrap().max(), 16);
        assert_eq!(
            Limit::from_json_data(br#"{"maxConcurrentQueries":null}"#)
                .unwrap()
                .max(),
            16
        );
        assert_eq!(
            Limit::from_json_data(br#"{"maxConcurrentQueries":3}"#)
                .unwrap()
                .max(),
            3
        );
        assert_eq!(
            Limit::from_json_data(br#"{"maxConcurrentQueries":"5"}"#)
                .unwrap()
                .max(),
            5
        );
        for (json, shown) in [
            (r#"{"maxConcurrentQueries":0}"#, "value 0"),
            (r#"{"maxConcurrentQueries":-2}"#, "value -2"),
            (r#"{"maxConcurrentQueries":2.5}"#, "value 2.5"),
            (r#"{"maxConcurrentQueries":5000}"#, "value 5000"),
            (r#"{"maxConcurrentQueries":"many"}"#, "value \"many\""),
            (r#"{"maxConcurrentQueries":[1]}"#, "value [1]"),
        ] {
            let err = Limit::from_json_data(json.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("setting maxConcurrentQueries has ") && err.contains(shown),
                "{json}: {err}"
            );
            assert!(err.contains("from 1 to 1024"), "{err}");
        }
    }

    #[tokio::test]
    async fn queries_beyond_the_limit_wait_instead_of_failing() {
        let limit = Limit::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (limit, running, peak) = (limit.clone(), running.clone(), peak.clone());
                tokio::spawn(async move {
                    let _slot = limit.acquire().await;
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(limit.available(), 2);
    }

    #[tokio::test]
    async fn a_cancelled_waiter_takes_no_slot() {
        let limit = Limit::new(1);
        let held = limit.try_acquire().unwrap();
        let waiting = tokio::time::timeout(Duration::from_millis(20), limit.acquire()).await;
        assert!(waiting.is_err(), "the only slot is held");
        drop(held);
        assert_eq!(limit.available(), 1);
        assert!(limit.try_acquire().is_some());
    }
}
