//! The metric catalogue: which Prometheus metric holds each logical MCP metric.
//!
//! Two profiles exist. "seed" uses the names MCP servers export with the classic Python
//! client (`mcp_http_requests_total`, `mcp_tool_calls_total`, ...). "otel" follows the
//! OpenTelemetry MCP semantic conventions as Prometheus receives them: requests and tool
//! calls are both counted by `mcp_server_operation_duration_seconds` (labels
//! `mcp_method_name`, `gen_ai_tool_name`, `error_type`), sessions by
//! `mcp_server_session_duration_seconds`; families without a convention keep seed names.
//! Either can be adjusted per metric with `metricOverrides` (logical key -> metric name).

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use crate::promql::{is_valid_metric_name, Selector};

/// A bad `metricProfile` or `metricOverrides` setting.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    /// `metricProfile` names no profile.
    #[error("setting metricProfile has value {0:?}: use \"seed\" or \"otel\"")]
    UnknownProfile(String),
    /// An override key is not a logical metric.
    #[error("setting metricOverrides has key {key:?}, which is not a metric this datasource reads; use one of: {known}")]
    UnknownMetric {
        /// The key as given.
        key: String,
        /// The keys that exist.
        known: String,
    },
    /// An override value is not a metric name.
    #[error(
        "setting metricOverrides.{key} has value {value:?}, which is not a Prometheus metric name"
    )]
    InvalidName {
        /// The logical key.
        key: String,
        /// The name as given.
        value: String,
    },
}

/// How a metric family is exposed, which decides the series name health checks look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A counter; its name ends in `_total`.
    Counter,
    /// A gauge.
    Gauge,
    /// A histogram; series are `<name>_bucket`, `_sum`, `_count`.
    Histogram,
}

macro_rules! families {
    ($($variant:ident => $key:literal, $kind:ident $seed:literal, $otel_kind:ident $otel:literal;)*) => {
        /// A logical MCP metric.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Family { $(#[doc = $seed] $variant),* }

        impl Family {
            /// Every family.
            pub const ALL: &'static [Family] = &[$(Family::$variant),*];

            /// The key used in `metricOverrides`.
            pub fn key(self) -> &'static str {
                match self { $(Family::$variant => $key),* }
            }

            /// How the family is exposed under `profile`'s convention.
            pub fn kind(self, profile: ProfileKind) -> Kind {
                match profile {
                    ProfileKind::Seed => match self { $(Family::$variant => Kind::$kind),* },
                    ProfileKind::Otel => match self { $(Family::$variant => Kind::$otel_kind),* },
                }
            }

            /// The metric name under `profile`'s convention, before any override (for
            /// histograms, without `_bucket`). The simulator exports these names.
            pub fn name(self, profile: ProfileKind) -> &'static str {
                match profile {
                    ProfileKind::Seed => match self { $(Family::$variant => $seed),* },
                    ProfileKind::Otel => match self { $(Family::$variant => $otel),* },
                }
            }
        }
    };
}

families! {
    HttpRequests => "httpRequests", Counter "mcp_http_requests_total", Counter "mcp_server_operation_duration_seconds_count";
    HttpDuration => "httpDuration", Histogram "mcp_http_request_duration_seconds", Histogram "mcp_server_operation_duration_seconds";
    HttpInProgress => "httpInProgress", Gauge "mcp_http_requests_in_progress", Gauge "mcp_http_requests_in_progress";
    ToolCalls => "toolCalls", Counter "mcp_tool_calls_total", Counter "mcp_server_operation_duration_seconds_count";
    ToolDuration => "toolDuration", Histogram "mcp_tool_duration_seconds", Histogram "mcp_server_operation_duration_seconds";
    ToolsRegistered => "toolsRegistered", Gauge "mcp_tools_registered", Gauge "mcp_tools_registered";
    AgentTasks => "agentTasks", Counter "agent_tasks_total", Counter "agent_tasks_total";
    AgentTaskDuration => "agentTaskDuration", Histogram "agent_task_duration_seconds", Histogram "agent_task_duration_seconds";
    PoolWorkers => "poolWorkers", Gauge "pool_workers_active", Gauge "pool_workers_active";
    Workflows => "workflows", Counter "mahavishnu_workflows_executed_total", Counter "mahavishnu_workflows_executed_total";
    MemorySyncs => "memorySyncs", Counter "memory_syncs_total", Counter "memory_syncs_total";
    MemoriesStored => "memoriesStored", Gauge "memories_stored", Gauge "memories_stored";
    Embeddings => "embeddings", Gauge "embeddings_generated", Gauge "embeddings_generated";
    SessionsActive => "sessionsActive", Gauge "sessions_active", Gauge "sessions_active";
    SessionOperations => "sessionOperations", Counter "session_operations_total", Counter "session_operations_total";
    SessionDuration => "sessionDuration", Gauge "session_duration_active", Histogram "mcp_server_session_duration_seconds";
    CpuPercent => "cpuPercent", Gauge "mahavishnu_cpu_usage_percent", Gauge "mahavishnu_cpu_usage_percent";
    MemoryBytes => "memoryBytes", Gauge "mahavishnu_memory_usage_bytes", Gauge "mahavishnu_memory_usage_bytes";
    OpenFiles => "openFiles", Gauge "mahavishnu_open_files", Gauge "mahavishnu_open_files";
    DiskPercent => "diskPercent", Gauge "system_disk_usage_percent", Gauge "system_disk_usage_percent";
    CacheHits => "cacheHits", Counter "mahavishnu_cache_hits_total", Counter "mahavishnu_cache_hits_total";
    CacheMisses => "cacheMisses", Counter "mahavishnu_cache_misses_total", Counter "mahavishnu_cache_misses_total";
    OtlpOperations => "otlpOperations", Counter "operations_total", Counter "operations_total";
    OtlpOperationDuration => "otlpOperationDuration", Histogram "operation_duration", Histogram "operation_duration";
    OtlpActiveConnections => "otlpActiveConnections", Gauge "active_connections", Gauge "active_connections";
}

/// Which naming convention a profile starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProfileKind {
    #[default]
    /// The seed guide's names.
    Seed,
    /// OpenTelemetry MCP semantic conventions.
    Otel,
}

impl ProfileKind {
    /// Every profile.
    pub const ALL: [ProfileKind; 2] = [ProfileKind::Seed, ProfileKind::Otel];

    /// The name used in `metricProfile` and on the simulator's command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Seed => "seed",
            ProfileKind::Otel => "otel",
        }
    }

    /// The profile called `name`, if any.
    pub fn from_name(name: &str) -> Option<ProfileKind> {
        ProfileKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The metric names in force for one datasource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    kind: ProfileKind,
    names: BTreeMap<Family, String>,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::new(ProfileKind::Seed)
    }
}

impl Profile {
    /// A profile with its convention's names and no overrides.
    pub fn new(kind: ProfileKind) -> Profile {
        let names = Family::ALL
            .iter()
            .map(|&f| (f, f.name(kind).to_string()))
            .collect();
        Profile { kind, names }
    }

    /// The profile a datasource's settings ask for: `metricProfile` (empty means seed)
    /// with `metricOverrides` applied.
    pub fn from_settings(
        name: &str,
        overrides: &BTreeMap<String, String>,
    ) -> Result<Profile, ProfileError> {
        let kind = match name {
            "" => ProfileKind::Seed,
            other => ProfileKind::from_name(other)
                .ok_or_else(|| ProfileError::UnknownProfile(other.to_string()))?,
        };
        let mut profile = Profile::new(kind);
        for (key, value) in overrides {
            let family = Family::ALL
                .iter()
                .copied()
                .find(|f| f.key() == key)
                .ok_or_else(|| ProfileError::UnknownMetric {
                    key: key.clone(),
                    known: Family::ALL
                        .iter()
                        .map(|f| f.key())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            if !is_valid_metric_name(value) {
                return Err(ProfileError::InvalidName {
                    key: key.clone(),
                    value: value.clone(),
                });
            }
            profile.names.insert(family, value.clone());
        }
        Ok(profile)
    }

    /// The convention this profile starts from.
    pub fn kind(&self) -> ProfileKind {
        self.kind
    }

    /// The metric name of `family` (for histograms, without `_bucket`).
    pub fn metric(&self, family: Family) -> &str {
        self.names
            .get(&family)
            .map(String::as_str)
            .unwrap_or_else(|| family.name(self.kind))
    }

    /// Keeps the failed requests of `requests`: HTTP 5xx, or a set `error_type` under
    /// OpenTelemetry.
    pub fn request_errors(&self, requests: Selector) -> Selector {
        match self.kind {
            ProfileKind::Seed => requests.matches("status", "5.."),
            ProfileKind::Otel => requests.matches("error_type", ".+"),
        }
    }

    /// The label naming a tool: `tool_name`, or `gen_ai_tool_name` under OpenTelemetry.
    pub fn tool_label(&self) -> &'static str {
        match self.kind {
            ProfileKind::Seed => "tool_name",
            ProfileKind::Otel => "gen_ai_tool_name",
        }
    }

    /// Series counting tool calls: the seed counter, or the OpenTelemetry operation
    /// histogram's `_count` restricted to `tools/call`.
    pub fn tool_calls(&self) -> Selector {
        let s = Selector::new(self.metric(Family::ToolCalls));
        match self.kind {
            ProfileKind::Seed => s,
            ProfileKind::Otel => s.eq("mcp_method_name", "tools/call"),
        }
    }

    /// Buckets of the tool duration histogram.
    pub fn tool_duration_buckets(&self) -> Selector {
        let s = Selector::new(format!("{}_bucket", self.metric(Family::ToolDuration)));
        match self.kind {
            ProfileKind::Seed => s,
            ProfileKind::Otel => s.eq("mcp_method_name", "tools/call"),
        }
    }

    /// Keeps the successful tool calls of `calls`: `status="success"`, or no
    /// `error_type` under OpenTelemetry.
    pub fn tool_successes(&self, calls: Selector) -> Selector {
        match self.kind {
            ProfileKind::Seed => calls.eq("status", "success"),
            ProfileKind::Otel => calls.eq("error_type", ""),
        }
    }

    /// PromQL `expr` with the tool label renamed to `tool_name`, so answers read the
    /// same under every profile.
    pub fn tool_label_as_seed(&self, expr: String) -> String {
        match self.tool_label() {
            "tool_name" => expr,
            other => format!("label_replace({expr}, \"tool_name\", \"$1\", \"{other}\", \"(.*)\")"),
        }
    }

    /// Keeps the failed tool calls of `calls`: any status but `success`, or a set
    /// `error_type` under OpenTelemetry.
    pub fn tool_failures(&self, calls: Selector) -> Selector {
        match self.kind {
            ProfileKind::Seed => calls.not_eq("status", "success"),
            ProfileKind::Otel => calls.matches("error_type", ".+"),
        }
    }

    /// The series name that proves `family` is exported (`_count` for histograms).
    pub fn series_name(&self, family: Family) -> String {
        match family.kind(self.kind) {
            Kind::Histogram => format!("{}_count", self.metric(family)),
            _ => self.metric(family).to_string(),
        }
    }

    /// The distinct series names of every family, for health checks.
    pub fn series_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Family::ALL.iter().map(|&f| self.series_name(f)).collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_the_default() {
        let p = Profile::from_settings("", &BTreeMap::new()).unwrap();
        assert_eq!(p.metric(Family::HttpRequests), "mcp_http_requests_total");
        assert_eq!(
            p.series_name(Family::HttpDuration),
            "mcp_http_request_duration_seconds_count"
        );
    }

    #[test]
    fn otel_uses_semantic_convention_names() {
        let p = Profile::from_settings("otel", &BTreeMap::new()).unwrap();
        assert_eq!(
            p.metric(Family::ToolDuration),
            "mcp_server_operation_duration_seconds"
        );
        assert_eq!(
            p.metric(Family::SessionDuration),
            "mcp_server_session_duration_seconds"
        );
        // A histogram under OpenTelemetry, a gauge under seed: health looks for `_count`.
        assert_eq!(
            p.series_name(Family::SessionDuration),
            "mcp_server_session_duration_seconds_count"
        );
        assert_eq!(
            Profile::default().series_name(Family::SessionDuration),
            "session_duration_active"
        );
    }

    #[test]
    fn profile_names_round_trip() {
        for kind in ProfileKind::ALL {
            assert_eq!(ProfileKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(ProfileKind::from_name("jaeger"), None);
    }

    #[test]
    fn overrides_replace_one_metric_and_are_checked() {
        let mut o = BTreeMap::new();
        o.insert("toolCalls".to_string(), "my_tool_calls_total".to_string());
        let p = Profile::from_settings("seed", &o).unwrap();
        assert_eq!(p.metric(Family::ToolCalls), "my_tool_calls_total");
        assert_eq!(p.metric(Family::HttpRequests), "mcp_http_requests_total");

        o.insert("toolCalls".to_string(), "bad name{}".to_string());
        let err = Profile::from_settings("seed", &o).unwrap_err().to_string();
        assert!(
            err.contains("metricOverrides.toolCalls") && err.contains("bad name{}"),
            "{err}"
        );

        let mut o = BTreeMap::new();
        o.insert("nope".to_string(), "x".to_string());
        assert!(Profile::from_settings("seed", &o)
            .unwrap_err()
            .to_string()
            .contains("\"nope\""));
        assert!(Profile::from_settings("grafana", &BTreeMap::new())
            .unwrap_err()
            .to_string()
            .contains("\"grafana\""));
    }
}
