//! HTTP and tools: the MCP front of a server. Requests per route with their statuses,
//! latency and in-flight count; tool calls with their outcomes and durations; under the
//! otel profile, the operation histograms of the other MCP methods and of ended sessions.

use super::{Outcomes, Tick};
use crate::catalog::{HTTP_ROUTES, MCP_METHODS};
use crate::histogram::{Histogram, LogNormal, LATENCY_BUCKETS, TASK_BUCKETS};
use crate::rng::SimRng;
use crate::scenario::SLOW_FAILURE_TARGET;

/// The tool the tool-failures scenario breaks succeeds this often.
const FAILING_TOOL_ERROR_RATE: f64 = 0.4;
/// The tool the slow-failures scenario hits fails this often, each failure this slow.
const SLOW_FAILURE_ERROR_RATE: f64 = 0.07;
const SLOW_FAILURE_LATENCY: LogNormal = LogNormal {
    median: 0.9,
    sigma: 0.2,
};

/// `mcp_http_requests_total` series of one route.
#[derive(Debug, Clone)]
pub struct HttpRoute {
    pub endpoint: &'static str,
    pub method: &'static str,
    /// (status, count)
    pub statuses: Vec<(&'static str, u64)>,
    pub duration: Histogram,
    pub in_progress: f64,
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub name: String,
    pub calls: Outcomes,
    pub duration: Histogram,
    /// otel profile: durations of successful and failed `tools/call`.
    pub otel_ok: Histogram,
    pub otel_err: Histogram,
    weight: f64,
    error_rate: f64,
    latency: LogNormal,
}

/// otel profile: `mcp_server_operation_duration_seconds` of a non-tool method.
#[derive(Debug, Clone)]
pub struct Method {
    pub name: &'static str,
    pub ok: Histogram,
    pub err: Histogram,
    share: f64,
    latency: LogNormal,
}

/// Everything a server answers over MCP.
#[derive(Debug, Clone)]
pub struct Requests {
    pub routes: Vec<HttpRoute>,
    pub tools: Vec<Tool>,
    /// otel profile only.
    pub methods: Vec<Method>,
    /// otel profile only: `mcp_server_session_duration_seconds`.
    pub session_duration: Histogram,
}

impl Requests {
    /// Routes at zero, and `tools` with call shares falling off by rank (the first tool is
    /// the busiest).
    pub fn new(tools: &[String], rng: &mut SimRng) -> Self {
        let routes = HTTP_ROUTES
            .iter()
            .map(|(endpoint, method)| HttpRoute {
                endpoint,
                method,
                statuses: statuses_of(endpoint, method)
                    .iter()
                    .map(|(s, _)| (*s, 0))
                    .collect(),
                duration: Histogram::new(LATENCY_BUCKETS),
                in_progress: 0.0,
            })
            .collect();
        let raw: Vec<f64> = (0..tools.len())
            .map(|i| 1.0 / ((i + 1) as f64).powf(0.8))
            .collect();
        let total: f64 = raw.iter().sum();
        let tools = tools
            .iter()
            .zip(raw)
            .map(|(name, w)| {
                // deploy is slow by nature; the slow-failures target is fast, so its p95
                // under that scenario comes from its failures alone.
                let median = match name.as_str() {
                    "deploy" => 1.2,
                    n if n == SLOW_FAILURE_TARGET.1 => 0.03,
                    _ => rng.range(0.01, 0.25),
                };
                Tool {
                    name: name.clone(),
                    calls: Outcomes::default(),
                    duration: Histogram::new(LATENCY_BUCKETS),
                    otel_ok: Histogram::new(LATENCY_BUCKETS),
                    otel_err: Histogram::new(LATENCY_BUCKETS),
                    weight: w / total,
                    error_rate: rng.range(0.002, 0.025),
                    latency: LogNormal { median, sigma: 0.6 },
                }
            })
            .collect();
        let methods = MCP_METHODS
            .iter()
            .filter(|m| **m != "tools/call")
            .map(|name| Method {
                name,
                ok: Histogram::new(LATENCY_BUCKETS),
                err: Histogram::new(LATENCY_BUCKETS),
                share: match *name {
                    "initialize" => 0.01,
                    "tools/list" => 0.08,
                    "resources/read" => 0.1,
                    _ => 0.04,
                },
                latency: LogNormal {
                    median: rng.range(0.003, 0.02),
                    sigma: 0.5,
                },
            })
            .collect();
        Self {
            routes,
            tools,
            methods,
            session_duration: Histogram::new(TASK_BUCKETS),
        }
    }

    pub fn step(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        self.step_routes(tick, rng);
        self.step_tools(tick, rng);
        if tick.otel {
            self.step_methods(tick, rng);
        }
    }

    fn step_routes(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let (dt, rps) = (tick.dt, tick.rps);
        for route in &mut self.routes {
            let (rate, latency) = match (route.endpoint, route.method) {
                ("/mcp", "POST") => (
                    rps,
                    if tick.spiking {
                        LogNormal {
                            median: 0.42,
                            sigma: 0.5,
                        }
                    } else {
                        LogNormal {
                            median: 0.022,
                            sigma: 0.55,
                        }
                    },
                ),
                ("/mcp", _) => (
                    rps * 0.02,
                    LogNormal {
                        median: 0.004,
                        sigma: 0.4,
                    },
                ),
                _ => (
                    0.2,
                    LogNormal {
                        median: 0.002,
                        sigma: 0.3,
                    },
                ),
            };
            let n = rng.poisson(rate * dt);
            let mut left = n;
            let probs = statuses_of(route.endpoint, route.method);
            let mut rest = 1.0;
            // Statuses after the first are split off binomially; the first takes the rest.
            for (i, (_, p)) in probs.iter().enumerate().skip(1) {
                let p = if tick.spiking && route.statuses[i].0 == "503" {
                    0.01
                } else {
                    *p
                };
                let k = rng.binomial(left, (p / rest).min(1.0));
                route.statuses[i].1 += k;
                left -= k;
                rest = (rest - p).max(1e-9);
            }
            route.statuses[0].1 += left;
            if !tick.otel {
                route.duration.observe_many(n, latency, rng, true);
            }
            // Little's law: requests in flight = rate x mean latency, with noise.
            route.in_progress = rng.poisson(rate * latency.mean()) as f64;
        }
    }

    fn step_tools(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let tool_rps = tick.rps * 0.7;
        for tool in &mut self.tools {
            let n = rng.poisson(tool_rps * tool.weight * tick.dt);
            let name = Some(tool.name.as_str());
            let latency = if tick.spiking {
                LogNormal {
                    median: tool.latency.median * 6.0,
                    ..tool.latency
                }
            } else {
                tool.latency
            };
            let (error_rate, failure_latency) = if tick.failing_tool == name {
                (FAILING_TOOL_ERROR_RATE, latency)
            } else if tick.slow_failing_tool == name {
                (SLOW_FAILURE_ERROR_RATE, SLOW_FAILURE_LATENCY)
            } else {
                (tool.error_rate, latency)
            };
            let err = tool.calls.add(rng, n, error_rate);
            if tick.otel {
                tool.otel_ok.observe_many(n - err, latency, rng, true);
                tool.otel_err.observe_many(err, failure_latency, rng, true);
            } else if failure_latency == latency {
                tool.duration.observe_many(n, latency, rng, true);
            } else {
                tool.duration.observe_many(n - err, latency, rng, true);
                tool.duration.observe_many(err, failure_latency, rng, true);
            }
        }
    }

    fn step_methods(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let (dt, rps) = (tick.dt, tick.rps);
        for m in &mut self.methods {
            let n = rng.poisson(rps * m.share * dt);
            let err = rng.binomial(n, 0.002);
            m.ok.observe_many(n - err, m.latency, rng, true);
            m.err.observe_many(err, m.latency, rng, true);
        }
        let ended = rng.poisson(0.02 * dt * (1.0 + rps / 20.0));
        self.session_duration.observe_many(
            ended,
            LogNormal {
                median: 600.0,
                sigma: 1.0,
            },
            rng,
            false,
        );
    }
}

/// Statuses of a route and their shares (the first takes whatever the others leave).
fn statuses_of(endpoint: &str, method: &str) -> &'static [(&'static str, f64)] {
    match (endpoint, method) {
        ("/mcp", "POST") => &[
            ("200", 0.0),
            ("202", 0.05),
            ("400", 0.008),
            ("500", 0.004),
            ("503", 0.001),
        ],
        ("/mcp", _) => &[("200", 0.0), ("500", 0.002)],
        _ => &[("200", 0.0)],
    }
}
