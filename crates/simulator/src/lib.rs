//! An MCP server ecosystem that Prometheus can scrape, for demos, screenshots, live tests and
//! benchmarks.
//!
//! The simulator runs several MCP servers in one process (mahavishnu, akosha, session-buddy,
//! then `mcp-server-04`, ... with `--extra-servers`), each on its own loopback port with a
//! `/metrics` endpoint. Every server exports the seed guide's families with their label
//! names, named by the model crate's catalogue (`mcp_model::Family`, one name per
//! profile), so the plugin and the simulator cannot disagree on a name; which ones
//! depends on its [`Role`]:
//!
//! | who | families |
//! |---|---|
//! | every server | `mcp_http_requests_total{endpoint,method,status}`, `mcp_http_request_duration_seconds{endpoint,method}`, `mcp_http_requests_in_progress{endpoint,method}`, `mcp_tool_calls_total{tool_name,status}`, `mcp_tool_duration_seconds{tool_name}`, `mcp_tools_registered`, `mahavishnu_cpu_usage_percent`, `mahavishnu_memory_usage_bytes`, `mahavishnu_open_files`, `system_disk_usage_percent`, `mahavishnu_cache_hits_total` / `_misses_total{cache_layer,cache_type}`, `operations_total{operation,status}`, `operation_duration{operation}`, `active_connections` |
//! | mahavishnu | `agent_tasks_total{agent_type,status}`, `agent_task_duration_seconds{agent_type}`, `pool_workers_active{pool_type}`, `mahavishnu_workflows_executed_total{adapter,status}` |
//! | akosha | `memory_syncs_total{source,status}`, `memories_stored`, `embeddings_generated{model}` |
//! | session-buddy | `sessions_active`, `session_operations_total{operation,status}`, `session_duration_active` |
//!
//! Outcome labels are `status="success"` or `status="error"`; HTTP `status` is the code
//! (`"200"`, `"500"`, ...). Label values are fixed per server ([`catalog`]). Under
//! `--profile otel` the `mcp_http_*` and `mcp_tool_*` families give way to the OpenTelemetry
//! MCP semantic conventions as Prometheus receives them:
//! `mcp_server_operation_duration_seconds{mcp_method_name,gen_ai_tool_name,error_type}` and
//! `mcp_server_session_duration_seconds`; the other families stay.
//!
//! A scrape negotiates OpenMetrics text (histogram buckets carry exemplars with W3C
//! `trace_id` and `span_id`) or Prometheus text 0.0.4; the `fastmetrics` client library writes
//! both ([`exposition`]). Traffic follows a seeded model ([`model::ServerState`]) that
//! advances on each scrape by the wall time elapsed, so it is deterministic under `--seed`
//! for a given sequence of ticks; it is split by role (HTTP and tools, orchestrator,
//! memory, sessions, process), each part with its own construction and step. A
//! [`Scenario`] (healthy, tool-failures, pool-exhaustion, service-down, latency-spike,
//! slow-failures) is chosen at start and switched through the control endpoint.
//! Each fault hits one fixed target, named in [`scenario`]: tool-failures drops
//! mahavishnu's `deploy` to about 60 % success, pool-exhaustion empties mahavishnu's `gpu`
//! pool, service-down closes akosha's listener (Prometheus sees `up == 0`), latency-spike
//! lifts session-buddy's request p95 to about 0.95 s. The alert rules in
//! `provisioning/prometheus/rules/alerts.yml` fire on each of them. slow-failures makes
//! akosha's fast `store_memory` fail about 7 % of its calls, each failure taking about
//! 0.9 s: a warning on success, and a p95 over 500 ms, that no alert rule fires on.
//!
//! ```
//! use mcp_simulator::{Config, Ecosystem, Format, Scenario};
//!
//! let eco = Ecosystem::new(&Config::default()).unwrap();
//! eco.set_scenario(Scenario::ToolFailures);
//! let server = eco.server("mahavishnu").unwrap();
//! let text = eco.scrape(server, Format::OpenMetrics).unwrap();
//! assert!(text.contains("# TYPE mcp_tool_calls_total counter"));
//! ```
//!
//! The binary (`mcp-simulator`, see docs/CONTRACTS.md) binds the listeners with [`start`] and
//! prints one JSON line ([`Startup`]) once all of them listen.

pub mod catalog;
pub mod config;
pub mod ecosystem;
pub mod error;
pub mod exposition;
pub mod histogram;
pub mod http;
pub mod model;
pub mod rng;
pub mod scenario;

pub use catalog::Role;
pub use config::{parse_args, Command, Config, USAGE};
pub use ecosystem::{Ecosystem, Server};
pub use error::{ConfigError, SimulatorError};
pub use exposition::{negotiate, Format};
pub use http::{start, ServerAddress, Startup};
pub use scenario::Scenario;
