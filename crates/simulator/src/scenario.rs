//! Scenarios: the healthy baseline, the four faults the bundled alert rules must catch, and
//! slow-failures, a tool that warns without alerting. Each fault hits one fixed target so
//! tests, dashboards and alerts know where to look.

use std::fmt;
use std::str::FromStr;

use crate::error::ConfigError;

/// The ecosystem's condition, chosen at start and switchable at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scenario {
    /// Every server up, tools above 95 % success, p95 under 100 ms, pools staffed.
    #[default]
    Healthy,
    /// One tool ([`TOOL_FAILURE_TARGET`]) drops to about 60 % success.
    ToolFailures,
    /// One pool ([`POOL_EXHAUSTION_TARGET`]) falls to 0 active workers.
    PoolExhaustion,
    /// One server ([`SERVICE_DOWN_TARGET`]) stops answering: its listener closes.
    ServiceDown,
    /// One server's ([`LATENCY_SPIKE_TARGET`]) request p95 rises above 500 ms.
    LatencySpike,
    /// One fast tool ([`SLOW_FAILURE_TARGET`]) fails about 7 % of its calls, each failure
    /// taking about 0.9 s: its success reads warn, its p95 goes over 500 ms.
    SlowFailures,
}

/// (job, tool_name) whose success rate falls under `tool-failures`.
pub const TOOL_FAILURE_TARGET: (&str, &str) = ("mahavishnu", "deploy");
/// (job, pool_type) that empties under `pool-exhaustion`.
pub const POOL_EXHAUSTION_TARGET: (&str, &str) = ("mahavishnu", "gpu");
/// Job that stops answering under `service-down`.
pub const SERVICE_DOWN_TARGET: &str = "akosha";
/// Job whose latency spikes under `latency-spike`.
pub const LATENCY_SPIKE_TARGET: &str = "session-buddy";
/// (job, tool_name) that fails slowly under `slow-failures`.
pub const SLOW_FAILURE_TARGET: (&str, &str) = ("akosha", "store_memory");

impl Scenario {
    pub const ALL: [Scenario; 6] = [
        Scenario::Healthy,
        Scenario::ToolFailures,
        Scenario::PoolExhaustion,
        Scenario::ServiceDown,
        Scenario::LatencySpike,
        Scenario::SlowFailures,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Healthy => "healthy",
            Scenario::ToolFailures => "tool-failures",
            Scenario::PoolExhaustion => "pool-exhaustion",
            Scenario::ServiceDown => "service-down",
            Scenario::LatencySpike => "latency-spike",
            Scenario::SlowFailures => "slow-failures",
        }
    }

    /// Whether `job` stops answering under this scenario.
    pub fn is_down(self, job: &str) -> bool {
        self == Scenario::ServiceDown && job == SERVICE_DOWN_TARGET
    }

    pub fn names() -> String {
        Self::ALL.map(Scenario::as_str).join(", ")
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scenario {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|sc| sc.as_str() == s)
            .ok_or_else(|| ConfigError::UnknownScenario {
                value: s.to_owned(),
                valid: Self::names(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for sc in Scenario::ALL {
            assert_eq!(sc.as_str().parse::<Scenario>().unwrap(), sc);
        }
    }

    #[test]
    fn unknown_name_is_named_in_the_error() {
        let err = "meltdown".parse::<Scenario>().unwrap_err().to_string();
        assert!(
            err.contains("meltdown") && err.contains("latency-spike"),
            "{err}"
        );
    }
}
