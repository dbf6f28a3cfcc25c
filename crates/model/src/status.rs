//! Health statuses and the threshold bands that decide them.
//!
//! Defaults come from the seed guide; a datasource overrides any band through its
//! `thresholds` setting, e.g. `{"toolSuccessPercent": {"warn": 97, "critical": 92}}`.
//! Boundaries belong to the warn band on both sides: with p95 bands 100 ms and 500 ms,
//! 100 ms and 500 ms are both "warn", 500.1 ms is "critical".

use std::fmt;

use serde_json::{Map, Value};
use thiserror::Error;

/// How healthy an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Within bounds.
    Ok,
    /// Needs a look.
    Warn,
    /// Needs action now.
    Critical,
}

impl Status {
    /// The word shown in tables: `ok`, `warn`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Critical => "critical",
        }
    }

    /// The status a word of [`Status::as_str`] names.
    pub fn from_word(word: &str) -> Option<Status> {
        [Status::Ok, Status::Warn, Status::Critical]
            .into_iter()
            .find(|s| s.as_str() == word)
    }

    /// A number for alerting and colour: 0 ok, 1 warn, 2 critical.
    pub fn level(self) -> f64 {
        match self {
            Status::Ok => 0.0,
            Status::Warn => 1.0,
            Status::Critical => 2.0,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way a value goes bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Latency, CPU, memory, disk: bad when high.
    HigherIsWorse,
    /// Success share, workers: bad when low.
    LowerIsWorse,
}

/// Two bounds splitting values into ok, warn and critical.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Where ok ends.
    pub warn: f64,
    /// Where warn ends.
    pub critical: f64,
    /// Which way is bad.
    pub direction: Direction,
}

impl Band {
    /// The status of `value`; NaN (no data) is ok, as there is nothing to act on.
    ///
    /// A value within a relative 1e-12 of a bound counts as the bound: ratios that
    /// are exactly 90 % on paper arrive as 89.99999999999999 from floating point.
    pub fn status(&self, value: f64) -> Status {
        if value.is_nan() {
            return Status::Ok;
        }
        let above = |bound: f64| value > bound && !Band::is_at(value, bound);
        let below = |bound: f64| value < bound && !Band::is_at(value, bound);
        match self.direction {
            Direction::HigherIsWorse if above(self.critical) => Status::Critical,
            Direction::HigherIsWorse if !below(self.warn) => Status::Warn,
            Direction::LowerIsWorse if below(self.critical) => Status::Critical,
            Direction::LowerIsWorse if !above(self.warn) => Status::Warn,
            _ => Status::Ok,
        }
    }

    /// Whether `value` sits on `bound`, within a relative 1e-12.
    pub fn is_at(value: f64, bound: f64) -> bool {
        (value - bound).abs() <= 1e-12 * bound.abs().max(1.0)
    }

    /// The bound a non-ok value crossed, for the reason text.
    pub fn crossed(&self, status: Status) -> f64 {
        match status {
            Status::Critical => self.critical,
            _ => self.warn,
        }
    }
}

/// A threshold setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("setting thresholds.{key} has value {value}: {reason}")]
pub struct ThresholdError {
    /// Key under `thresholds`.
    pub key: String,
    /// Value as given.
    pub value: String,
    /// What is allowed.
    pub reason: String,
}

macro_rules! thresholds {
    ($($field:ident => $key:literal, $warn:expr, $critical:expr, $dir:ident;)*) => {
        /// Every status band in force for a datasource.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Thresholds { $(#[doc = $key] pub $field: Band),* }

        impl Default for Thresholds {
            fn default() -> Thresholds {
                Thresholds { $($field: Band { warn: $warn, critical: $critical, direction: Direction::$dir }),* }
            }
        }

        impl Thresholds {
            /// The bands of the `thresholds` setting over the defaults.
            pub fn from_settings(map: &Map<String, Value>) -> Result<Thresholds, ThresholdError> {
                let mut t = Thresholds::default();
                for (key, value) in map {
                    match key.as_str() {
                        $($key => t.$field = band_override(key, value, t.$field)?,)*
                        other => {
                            return Err(ThresholdError {
                                key: other.to_string(),
                                value: value.to_string(),
                                reason: format!("unknown threshold; use one of: {}", [$($key),*].join(", ")),
                            })
                        }
                    }
                }
                Ok(t)
            }
        }
    };
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

thresholds! {
    p95_latency_seconds => "p95LatencySeconds", 0.1, 0.5, HigherIsWorse;
    tool_success_percent => "toolSuccessPercent", 95.0, 90.0, LowerIsWorse;
    active_workers => "activeWorkers", 2.0, 1.0, LowerIsWorse;
    cpu_percent => "cpuPercent", 50.0, 80.0, HigherIsWorse;
    memory_bytes => "memoryBytes", 4.0 * GIB, 8.0 * GIB, HigherIsWorse;
    disk_percent => "diskPercent", 70.0, 85.0, HigherIsWorse;
}

fn band_override(key: &str, value: &Value, default: Band) -> Result<Band, ThresholdError> {
    let err = |reason: &str| ThresholdError {
        key: key.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let Value::Object(obj) = value else {
        return Err(err("use an object such as {\"warn\": 1, \"critical\": 2}"));
    };
    let mut band = default;
    for (k, v) in obj {
        let n = v
            .as_f64()
            .ok_or_else(|| err(&format!("{k} must be a number")))?;
        match k.as_str() {
            "warn" => band.warn = n,
            "critical" => band.critical = n,
            _ => return Err(err(&format!("{k} is not warn or critical"))),
        }
    }
    let ordered = match band.direction {
        Direction::HigherIsWorse => band.warn <= band.critical,
        Direction::LowerIsWorse => band.warn >= band.critical,
    };
    if !ordered {
        return Err(err(match band.direction {
            Direction::HigherIsWorse => "warn must not be above critical (higher values are worse)",
            Direction::LowerIsWorse => "warn must not be below critical (lower values are worse)",
        }));
    }
    Ok(band)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_boundaries() {
        let t = Thresholds::default();
        let s = |b: Band, v: f64| b.status(v);
        assert_eq!(s(t.tool_success_percent, 95.01), Status::Ok);
        assert_eq!(s(t.tool_success_percent, 95.0), Status::Warn);
        assert_eq!(s(t.tool_success_percent, 94.99), Status::Warn);
        assert_eq!(s(t.tool_success_percent, 90.0), Status::Warn);
        assert_eq!(s(t.tool_success_percent, 89.99), Status::Critical);
        assert_eq!(
            s(t.tool_success_percent, 89.999_999_999_999_99),
            Status::Warn
        );
        assert_eq!(
            s(t.tool_success_percent, 95.000_000_000_000_01),
            Status::Warn
        );
        for (w, want) in [
            (0.0, Status::Critical),
            (1.0, Status::Warn),
            (2.0, Status::Warn),
            (3.0, Status::Ok),
        ] {
            assert_eq!(s(t.active_workers, w), want, "workers {w}");
        }
        assert_eq!(s(t.cpu_percent, 49.99), Status::Ok);
        assert_eq!(s(t.cpu_percent, 50.0), Status::Warn);
        assert_eq!(s(t.cpu_percent, 80.0), Status::Warn);
        assert_eq!(s(t.cpu_percent, 80.01), Status::Critical);
        assert_eq!(s(t.memory_bytes, 4.0 * GIB - 1.0), Status::Ok);
        assert_eq!(s(t.memory_bytes, 4.0 * GIB), Status::Warn);
        assert_eq!(s(t.memory_bytes, 8.0 * GIB), Status::Warn);
        assert_eq!(s(t.memory_bytes, 8.0 * GIB + 1.0), Status::Critical);
        assert_eq!(s(t.disk_percent, 70.0), Status::Warn);
        assert_eq!(s(t.disk_percent, 85.0), Status::Warn);
        assert_eq!(s(t.disk_percent, 85.5), Status::Critical);
        assert_eq!(s(t.p95_latency_seconds, 0.0999), Status::Ok);
        assert_eq!(s(t.p95_latency_seconds, 0.5), Status::Warn);
        assert_eq!(s(t.p95_latency_seconds, 0.501), Status::Critical);
        assert_eq!(s(t.p95_latency_seconds, f64::NAN), Status::Ok);
    }

    #[test]
    fn overrides_apply_and_are_checked() {
        let map: Map<String, Value> =
            serde_json::from_str(r#"{"toolSuccessPercent":{"warn":99}}"#).unwrap();
        let t = Thresholds::from_settings(&map).unwrap();
        assert_eq!(t.tool_success_percent.warn, 99.0);
        assert_eq!(t.tool_success_percent.critical, 90.0);
        assert_eq!(t.tool_success_percent.status(98.0), Status::Warn);

        for (json, want) in [
            (r#"{"nope":{}}"#, "thresholds.nope"),
            (r#"{"cpuPercent":5}"#, "thresholds.cpuPercent has value 5"),
            (r#"{"cpuPercent":{"warn":"x"}}"#, "warn must be a number"),
            (
                r#"{"cpuPercent":{"warn":90}}"#,
                "warn must not be above critical",
            ),
        ] {
            let map: Map<String, Value> = serde_json::from_str(json).unwrap();
            let err = Thresholds::from_settings(&map).unwrap_err().to_string();
            assert!(err.contains(want), "{err} lacks {want}");
        }
    }
}
