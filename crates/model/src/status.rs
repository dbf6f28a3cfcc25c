//! Health statuses and the threshold bands that decide them.
//!
//! Defaults come from the seed guide, per metric profile ([`Thresholds::defaults`]); a
//! datasource overrides any band through its `thresholds` setting, e.g.
//! `{"toolSuccessPercent": {"warn": 97, "critical": 92}}`. The p95 band judges request
//! latency only; tools have their own band, `toolP95LatencySeconds`, unset by default, so
//! a tool is judged on its success until a user sets one.
//! Boundaries belong to the warn band on both sides: with p95 bands 100 ms and 500 ms,
//! 100 ms and 500 ms are both "warn", 500.1 ms is "critical".

use std::fmt;

use serde_json::{Map, Value};
use thiserror::Error;

use crate::profile::ProfileKind;

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
    ($($field:ident => $key:literal;)*) => {
        /// Every status band in force for a datasource.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Thresholds {
            $(#[doc = $key] pub $field: Band,)*
            /// toolP95LatencySeconds: tools' own p95 band. Unset by default: tools are
            /// judged on success alone until a user sets one.
            pub tool_p95_latency_seconds: Option<Band>,
        }

        impl Thresholds {
            /// The bands of the `thresholds` setting over `profile`'s defaults.
            pub fn from_settings(
                profile: ProfileKind,
                map: &Map<String, Value>,
            ) -> Result<Thresholds, ThresholdError> {
                let mut t = Thresholds::defaults(profile);
                for (key, value) in map {
                    match key.as_str() {
                        $($key => t.$field = band_override(key, value, Some(t.$field))?
                            .unwrap_or(Thresholds::defaults(profile).$field),)*
                        TOOL_P95 => t.tool_p95_latency_seconds =
                            band_override(key, value, t.tool_p95_latency_seconds)?,
                        other => {
                            return Err(ThresholdError {
                                key: other.to_string(),
                                value: value.to_string(),
                                reason: format!(
                                    "unknown threshold; use one of: {}, {TOOL_P95}",
                                    [$($key),*].join(", ")
                                ),
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
const TOOL_P95: &str = "toolP95LatencySeconds";

thresholds! {
    p95_latency_seconds => "p95LatencySeconds";
    tool_success_percent => "toolSuccessPercent";
    active_workers => "activeWorkers";
    cpu_percent => "cpuPercent";
    memory_bytes => "memoryBytes";
    disk_percent => "diskPercent";
}

/// The `p95LatencySeconds` band of the otel profile. Its p95 is of every MCP operation,
/// tool calls included, so it sits on the tools' time scale rather than HTTP's: in the
/// simulator's healthy ecosystem the orchestrator's p95 is 2.0 to 2.4 s (its `deploy` tool
/// takes about 1.2 s and is a fifth of its operations), the other servers' 0.2 to 0.8 s.
/// Warn starts on a bucket bound shared by Prometheus' and OpenTelemetry's default buckets
/// (2.5, 5, ...): a bound inside the 2.5 to 5 s bucket is read by interpolation, so a few
/// slow calls in a short rate window would flip a healthy server to warn.
const OTEL_P95: Band = Band {
    warn: 5.0,
    critical: 10.0,
    direction: Direction::HigherIsWorse,
};

impl Default for Thresholds {
    /// The seed profile's bands.
    fn default() -> Thresholds {
        Thresholds::defaults(ProfileKind::Seed)
    }
}

impl Thresholds {
    /// The bands of `profile` before any setting: the seed guide's, except the otel
    /// profile's p95 band ([`Thresholds::p95_latency_seconds`] judges HTTP request latency
    /// under seed, every MCP operation under otel).
    pub fn defaults(profile: ProfileKind) -> Thresholds {
        let band = |warn, critical, direction| Band {
            warn,
            critical,
            direction,
        };
        use Direction::{HigherIsWorse, LowerIsWorse};
        Thresholds {
            p95_latency_seconds: match profile {
                ProfileKind::Seed => band(0.1, 0.5, HigherIsWorse),
                ProfileKind::Otel => OTEL_P95,
            },
            tool_p95_latency_seconds: None,
            tool_success_percent: band(95.0, 90.0, LowerIsWorse),
            active_workers: band(2.0, 1.0, LowerIsWorse),
            cpu_percent: band(50.0, 80.0, HigherIsWorse),
            memory_bytes: band(4.0 * GIB, 8.0 * GIB, HigherIsWorse),
            disk_percent: band(70.0, 85.0, HigherIsWorse),
        }
    }
}

/// `value` over `default`: an object with `warn` and/or `critical`, or null for no band.
/// A band without a default needs both bounds.
fn band_override(
    key: &str,
    value: &Value,
    default: Option<Band>,
) -> Result<Option<Band>, ThresholdError> {
    let err = |reason: &str| ThresholdError {
        key: key.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let obj = match value {
        Value::Null => return Ok(None),
        Value::Object(obj) => obj,
        _ => return Err(err("use an object such as {\"warn\": 1, \"critical\": 2}")),
    };
    let (mut warn, mut critical) = (default.map(|b| b.warn), default.map(|b| b.critical));
    for (k, v) in obj {
        let n = v
            .as_f64()
            .ok_or_else(|| err(&format!("{k} must be a number")))?;
        match k.as_str() {
            "warn" => warn = Some(n),
            "critical" => critical = Some(n),
            _ => return Err(err(&format!("{k} is not warn or critical"))),
        }
    }
    let direction = default.map_or(Direction::HigherIsWorse, |b| b.direction);
    let (Some(warn), Some(critical)) = (warn, critical) else {
        return Err(err("this band has no default: give both warn and critical"));
    };
    let band = Band {
        warn,
        critical,
        direction,
    };
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
    Ok(Some(band))
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
        let t = Thresholds::from_settings(ProfileKind::Seed, &map).unwrap();
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
            let err = Thresholds::from_settings(ProfileKind::Seed, &map)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err} lacks {want}");
        }
    }

    fn settings(profile: ProfileKind, json: &str) -> Result<Thresholds, ThresholdError> {
        let map: Map<String, Value> = serde_json::from_str(json).unwrap();
        Thresholds::from_settings(profile, &map)
    }

    #[test]
    fn tools_have_no_latency_band_until_one_is_set() {
        for profile in ProfileKind::ALL {
            assert_eq!(Thresholds::defaults(profile).tool_p95_latency_seconds, None);
            let t = settings(
                profile,
                r#"{"toolP95LatencySeconds":{"warn":0.1,"critical":0.5}}"#,
            )
            .unwrap();
            let band = t.tool_p95_latency_seconds.expect("set");
            assert_eq!(band.status(0.09), Status::Ok);
            assert_eq!(band.status(0.5), Status::Warn);
            assert_eq!(band.status(0.9), Status::Critical);
            // The request band stays the profile's own.
            assert_eq!(
                t.p95_latency_seconds,
                Thresholds::defaults(profile).p95_latency_seconds
            );
        }
        let unset = settings(ProfileKind::Seed, r#"{"toolP95LatencySeconds":null}"#).unwrap();
        assert_eq!(unset.tool_p95_latency_seconds, None);
        for (json, want) in [
            (
                r#"{"toolP95LatencySeconds":{"warn":0.2}}"#,
                "thresholds.toolP95LatencySeconds has value {\"warn\":0.2}: this band has no default: give both warn and critical",
            ),
            (
                r#"{"toolP95LatencySeconds":{"warn":2,"critical":1}}"#,
                "warn must not be above critical",
            ),
            (r#"{"toolP95LatencySeconds":0.5}"#, "use an object"),
            (r#"{"nope":{}}"#, "toolP95LatencySeconds"),
        ] {
            let err = settings(ProfileKind::Seed, json).unwrap_err().to_string();
            assert!(err.contains(want), "{err} lacks {want}");
        }
    }

    #[test]
    fn each_profile_has_its_own_request_latency_band() {
        let seed = Thresholds::defaults(ProfileKind::Seed);
        assert_eq!(seed, Thresholds::default());
        assert_eq!(
            (
                seed.p95_latency_seconds.warn,
                seed.p95_latency_seconds.critical
            ),
            (0.1, 0.5)
        );
        let otel = Thresholds::defaults(ProfileKind::Otel);
        assert_eq!(otel.p95_latency_seconds, OTEL_P95);
        // A healthy orchestrator's operations, tool calls included, run about 2 s at p95.
        assert_eq!(otel.p95_latency_seconds.status(2.0), Status::Ok);
        assert_eq!(seed.p95_latency_seconds.status(2.0), Status::Critical);
        // Every other band is the seed guide's under both.
        assert_eq!(
            Thresholds {
                p95_latency_seconds: seed.p95_latency_seconds,
                ..otel
            },
            seed
        );
        // An override replaces the profile default, and null brings it back.
        let t = settings(ProfileKind::Otel, r#"{"p95LatencySeconds":{"critical":9}}"#).unwrap();
        assert_eq!(
            (t.p95_latency_seconds.warn, t.p95_latency_seconds.critical),
            (OTEL_P95.warn, 9.0)
        );
        let t = settings(ProfileKind::Otel, r#"{"p95LatencySeconds":null}"#).unwrap();
        assert_eq!(t.p95_latency_seconds, OTEL_P95);
    }
}
