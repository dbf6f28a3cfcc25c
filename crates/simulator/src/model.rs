//! The traffic model of one server: counters, gauges and histograms that evolve with time.
//!
//! [`ServerState::advance`] moves the state forward by `dt` seconds under a scenario. It is a
//! pure function of the seed, the server's spec and the sequence of `(dt, scenario)` ticks, so
//! two runs with the same seed and ticks export identical metrics. Rates vary slowly (a
//! sinusoid per server plus noise), request counts are Poisson, error counts binomial, latencies
//! log-normal, and gauges random-walk inside realistic bounds.

use crate::catalog::{
    Role, ServerSpec, ADAPTERS, AGENT_TYPES, CACHE_LAYERS, CACHE_TYPES, EMBEDDING_MODELS,
    HTTP_ROUTES, MCP_METHODS, MEMORY_SOURCES, POOLS, SESSION_OPERATIONS,
};
use crate::config::Profile;
use crate::histogram::{Histogram, LogNormal, LATENCY_BUCKETS, TASK_BUCKETS};
use crate::rng::SimRng;
use crate::scenario::{
    Scenario, LATENCY_SPIKE_TARGET, POOL_EXHAUSTION_TARGET, TOOL_FAILURE_TARGET,
};

/// Longest single step; longer ticks are split so gauges walk realistically.
const MAX_STEP: f64 = 5.0;
/// Longest gap advanced at once (a server scraped after a long pause catches up this far).
const MAX_GAP: f64 = 3600.0;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// A counter split by `status` ("success" / "error").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub success: u64,
    pub error: u64,
}

impl Outcomes {
    fn add(&mut self, rng: &mut SimRng, n: u64, error_rate: f64) -> u64 {
        let err = rng.binomial(n, error_rate);
        self.error += err;
        self.success += n - err;
        err
    }
}

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

#[derive(Debug, Clone)]
pub struct Agent {
    pub agent_type: &'static str,
    pub tasks: Outcomes,
    pub duration: Histogram,
    rate: f64,
    error_rate: f64,
    latency: LogNormal,
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub pool_type: &'static str,
    pub workers: f64,
    min: f64,
    max: f64,
}

#[derive(Debug, Clone)]
pub struct Rated {
    pub label: &'static str,
    pub outcomes: Outcomes,
    rate: f64,
    error_rate: f64,
}

#[derive(Debug, Clone)]
pub struct Cache {
    pub layer: &'static str,
    pub cache_type: &'static str,
    pub hits: u64,
    pub misses: u64,
    hit_ratio: f64,
    share: f64,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub name: &'static str,
    pub outcomes: Outcomes,
    pub duration: Histogram,
    rate_share: f64,
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

#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub syncs: Vec<Rated>,
    pub memories_stored: f64,
    /// (model, embeddings generated so far)
    pub embeddings: Vec<(&'static str, f64)>,
    embedding_rates: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct Sessions {
    pub active: f64,
    pub operations: Vec<Rated>,
    pub duration_active: f64,
}

#[derive(Debug, Clone)]
pub struct Process {
    pub cpu_percent: f64,
    pub memory_bytes: f64,
    pub open_files: f64,
    pub disk_percent: f64,
    cpu_base: f64,
    memory_base: f64,
    disk_base: f64,
}

/// Everything one server exports, and the random stream that drives it.
#[derive(Debug, Clone)]
pub struct ServerState {
    pub spec: ServerSpec,
    pub profile: Profile,
    /// Seconds of simulated time so far.
    pub elapsed: f64,
    pub http: Vec<HttpRoute>,
    pub tools: Vec<Tool>,
    pub agents: Vec<Agent>,
    pub pools: Vec<Pool>,
    pub workflows: Vec<Rated>,
    pub memory: Option<Memory>,
    pub sessions: Option<Sessions>,
    pub process: Process,
    pub caches: Vec<Cache>,
    pub operations: Vec<Operation>,
    pub active_connections: f64,
    pub methods: Vec<Method>,
    pub session_duration: Histogram,
    rng: SimRng,
    phase: f64,
    period: f64,
}

impl ServerState {
    /// A fresh server; `stream` is its index in the ecosystem (each gets its own random stream).
    pub fn new(spec: ServerSpec, profile: Profile, seed: u64, stream: u64) -> Self {
        let mut rng = SimRng::new(seed, stream);
        let http = HTTP_ROUTES
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
        let raw: Vec<f64> = (0..spec.tools.len())
            .map(|i| 1.0 / ((i + 1) as f64).powf(0.8))
            .collect();
        let total: f64 = raw.iter().sum();
        let tools = spec
            .tools
            .iter()
            .zip(raw)
            .map(|(name, w)| {
                let median = if name == "deploy" {
                    1.2
                } else {
                    rng.range(0.01, 0.25)
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
        let orchestrator = spec.role == Role::Orchestrator;
        let agents = if orchestrator {
            AGENT_TYPES
                .iter()
                .map(|a| Agent {
                    agent_type: a,
                    tasks: Outcomes::default(),
                    duration: Histogram::new(TASK_BUCKETS),
                    rate: rng.range(0.3, 1.5),
                    error_rate: rng.range(0.005, 0.03),
                    latency: LogNormal {
                        median: rng.range(5.0, 60.0),
                        sigma: 0.8,
                    },
                })
                .collect()
        } else {
            Vec::new()
        };
        let pools = if orchestrator {
            POOLS
                .iter()
                .map(|(p, min, max)| Pool {
                    pool_type: p,
                    workers: ((min + max) / 2.0).round(),
                    min: *min,
                    max: *max,
                })
                .collect()
        } else {
            Vec::new()
        };
        let workflows = if orchestrator {
            rated(&mut rng, ADAPTERS, (0.1, 0.5), (0.01, 0.04))
        } else {
            Vec::new()
        };
        let memory = (spec.role == Role::Memory).then(|| Memory {
            syncs: rated(&mut rng, MEMORY_SOURCES, (0.2, 0.8), (0.01, 0.04)),
            memories_stored: rng.range(100_000.0, 150_000.0).round(),
            embeddings: EMBEDDING_MODELS.iter().map(|m| (*m, 0.0)).collect(),
            embedding_rates: EMBEDDING_MODELS
                .iter()
                .map(|_| rng.range(3.0, 12.0))
                .collect(),
        });
        let sessions = (spec.role == Role::Sessions).then(|| Sessions {
            active: rng.range(8.0, 16.0).round(),
            operations: rated(&mut rng, SESSION_OPERATIONS, (0.2, 1.5), (0.005, 0.02)),
            duration_active: rng.range(600.0, 1200.0),
        });
        let cpu_base = rng.range(18.0, 35.0);
        let memory_base = rng.range(1.2, 2.8) * GIB;
        let disk_base = rng.range(42.0, 62.0);
        let process = Process {
            cpu_percent: cpu_base,
            memory_bytes: memory_base,
            open_files: rng.range(40.0, 160.0).round(),
            disk_percent: disk_base,
            cpu_base,
            memory_base,
            disk_base,
        };
        let caches = CACHE_LAYERS
            .iter()
            .flat_map(|l| CACHE_TYPES.iter().map(move |t| (*l, *t)))
            .map(|(layer, cache_type)| Cache {
                layer,
                cache_type,
                hits: 0,
                misses: 0,
                hit_ratio: if layer == "l1" {
                    rng.range(0.82, 0.92)
                } else {
                    rng.range(0.55, 0.7)
                },
                share: rng.range(0.1, 0.3),
            })
            .collect();
        let operations = spec
            .operations
            .iter()
            .map(|name| Operation {
                name,
                outcomes: Outcomes::default(),
                duration: Histogram::new(LATENCY_BUCKETS),
                rate_share: rng.range(0.05, 0.2),
                latency: LogNormal {
                    median: rng.range(0.02, 0.3),
                    sigma: 0.7,
                },
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
        let phase = rng.range(0.0, std::f64::consts::TAU);
        let period = rng.range(600.0, 1200.0);
        Self {
            spec,
            profile,
            elapsed: 0.0,
            http,
            tools,
            agents,
            pools,
            workflows,
            memory,
            sessions,
            process,
            caches,
            operations,
            active_connections: rng.range(5.0, 40.0).round(),
            methods,
            session_duration: Histogram::new(TASK_BUCKETS),
            rng,
            phase,
            period,
        }
    }

    pub fn job(&self) -> &str {
        &self.spec.job
    }

    /// Moves the state `dt` seconds forward under `scenario`.
    pub fn advance(&mut self, dt: f64, scenario: Scenario) {
        let mut left = dt.clamp(0.0, MAX_GAP);
        while left > 0.0 {
            let step = left.min(MAX_STEP);
            self.step(step, scenario);
            left -= step;
        }
        // Pool exhaustion shows at once, not a step later.
        self.apply_pool_scenario(scenario);
    }

    /// Mean POST /mcp rate (req/s) at the current simulated time.
    pub fn request_rate(&self) -> f64 {
        let wave = (std::f64::consts::TAU * self.elapsed / self.period + self.phase).sin();
        self.spec.base_rps * (1.0 + 0.35 * wave)
    }

    fn step(&mut self, dt: f64, scenario: Scenario) {
        self.elapsed += dt;
        let job_is = |job: &str| self.spec.job == job;
        let spiking = scenario == Scenario::LatencySpike && job_is(LATENCY_SPIKE_TARGET);
        let failing_tool = (scenario == Scenario::ToolFailures && job_is(TOOL_FAILURE_TARGET.0))
            .then_some(TOOL_FAILURE_TARGET.1);
        let noise = (0.1 * self.rng.normal()).exp();
        let rps = self.request_rate() * noise;
        let otel = self.profile == Profile::Otel;
        let rng = &mut self.rng;

        // HTTP
        for route in &mut self.http {
            let (rate, latency) = match (route.endpoint, route.method) {
                ("/mcp", "POST") => (
                    rps,
                    if spiking {
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
                let p = if spiking && route.statuses[i].0 == "503" {
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
            if !otel {
                route.duration.observe_many(n, latency, rng, true);
            }
            // Little's law: requests in flight = rate x mean latency, with noise.
            route.in_progress = rng.poisson(rate * latency.mean()) as f64;
        }

        // Tools
        let tool_rps = rps * 0.7;
        for tool in &mut self.tools {
            let n = rng.poisson(tool_rps * tool.weight * dt);
            let error_rate = if failing_tool == Some(tool.name.as_str()) {
                0.4
            } else {
                tool.error_rate
            };
            let err = tool.calls.add(rng, n, error_rate);
            let latency = if spiking {
                LogNormal {
                    median: tool.latency.median * 6.0,
                    ..tool.latency
                }
            } else {
                tool.latency
            };
            if otel {
                tool.otel_ok.observe_many(n - err, latency, rng, true);
                tool.otel_err.observe_many(err, latency, rng, true);
            } else {
                tool.duration.observe_many(n, latency, rng, true);
            }
        }
        if otel {
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

        // Agents, pools, workflows
        for a in &mut self.agents {
            let n = rng.poisson(a.rate * dt);
            a.tasks.add(rng, n, a.error_rate);
            a.duration.observe_many(n, a.latency, rng, true);
        }
        for p in &mut self.pools {
            if p.workers < p.min {
                p.workers = p.min;
            }
            let moves = rng.poisson(0.3 * dt);
            for _ in 0..moves {
                let up = rng.uniform() < 0.5;
                p.workers = (p.workers + if up { 1.0 } else { -1.0 }).clamp(p.min, p.max);
            }
        }
        for w in &mut self.workflows {
            let n = rng.poisson(w.rate * dt);
            w.outcomes.add(rng, n, w.error_rate);
        }

        // Memory
        if let Some(m) = &mut self.memory {
            for s in &mut m.syncs {
                let n = rng.poisson(s.rate * dt);
                let err = s.outcomes.add(rng, n, s.error_rate);
                m.memories_stored += ((n - err) as f64 * rng.range(5.0, 20.0)).round();
            }
            for ((_, total), rate) in m.embeddings.iter_mut().zip(&m.embedding_rates) {
                *total += rng.poisson(rate * dt) as f64;
            }
        }

        // Sessions
        if let Some(s) = &mut self.sessions {
            let target = 12.0 * rps / self.spec.base_rps.max(1.0);
            s.active = walk(rng, s.active, target, 0.05 * dt, 1.0 * dt.sqrt(), 0.0, 60.0).round();
            for op in &mut s.operations {
                let n = rng.poisson(op.rate * dt);
                op.outcomes.add(rng, n, op.error_rate);
            }
            s.duration_active = walk(rng, s.duration_active, 900.0, 0.01 * dt, 20.0, 60.0, 3600.0);
        }

        // Process gauges follow load.
        let p = &mut self.process;
        let cpu_target = p.cpu_base + 0.15 * rps + if spiking { 20.0 } else { 0.0 };
        p.cpu_percent = walk(rng, p.cpu_percent, cpu_target, 0.2 * dt, 2.0, 1.0, 99.0);
        p.memory_bytes = walk(
            rng,
            p.memory_bytes,
            p.memory_base,
            0.02 * dt,
            0.01 * GIB,
            0.3 * GIB,
            7.5 * GIB,
        );
        p.open_files = walk(rng, p.open_files, 90.0, 0.05 * dt, 3.0, 10.0, 1000.0).round();
        p.disk_percent = walk(rng, p.disk_percent, p.disk_base, 0.01 * dt, 0.05, 1.0, 84.0);

        for c in &mut self.caches {
            let n = rng.poisson(rps * c.share * dt);
            let hits = rng.binomial(n, c.hit_ratio);
            c.hits += hits;
            c.misses += n - hits;
        }
        for op in &mut self.operations {
            let n = rng.poisson(rps * op.rate_share * dt);
            op.outcomes.add(rng, n, 0.01);
            op.duration.observe_many(n, op.latency, rng, true);
        }
        self.active_connections = walk(
            rng,
            self.active_connections,
            rps * 0.6,
            0.1 * dt,
            1.5,
            1.0,
            500.0,
        )
        .round();
        self.apply_pool_scenario(scenario);
    }

    fn apply_pool_scenario(&mut self, scenario: Scenario) {
        if scenario == Scenario::PoolExhaustion && self.spec.job == POOL_EXHAUSTION_TARGET.0 {
            for p in &mut self.pools {
                if p.pool_type == POOL_EXHAUSTION_TARGET.1 {
                    p.workers = 0.0;
                }
            }
        }
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

fn rated(
    rng: &mut SimRng,
    labels: &[&'static str],
    rate: (f64, f64),
    error: (f64, f64),
) -> Vec<Rated> {
    labels
        .iter()
        .map(|label| Rated {
            label,
            outcomes: Outcomes::default(),
            rate: rng.range(rate.0, rate.1),
            error_rate: rng.range(error.0, error.1),
        })
        .collect()
}

/// One mean-reverting random-walk step, kept inside [lo, hi].
fn walk(rng: &mut SimRng, x: f64, target: f64, pull: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    (x + (target - x) * pull.min(1.0) + sd * rng.normal()).clamp(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ecosystem;

    fn server(job: &str, profile: Profile, seed: u64) -> ServerState {
        let specs = ecosystem(0, None);
        let (i, spec) = specs
            .into_iter()
            .enumerate()
            .find(|(_, s)| s.job == job)
            .unwrap();
        ServerState::new(spec, profile, seed, i as u64)
    }

    fn run(s: &mut ServerState, seconds: usize, scenario: Scenario) {
        for _ in 0..seconds {
            s.advance(1.0, scenario);
        }
    }

    fn tool<'a>(s: &'a ServerState, name: &str) -> &'a Tool {
        s.tools.iter().find(|t| t.name == name).unwrap()
    }

    fn success_ratio(o: &Outcomes) -> f64 {
        o.success as f64 / (o.success + o.error) as f64
    }

    #[test]
    fn same_seed_and_ticks_give_identical_state() {
        let mut a = server("mahavishnu", Profile::Seed, 9);
        let mut b = server("mahavishnu", Profile::Seed, 9);
        for dt in [0.5, 1.0, 15.0, 0.01, 7.3] {
            a.advance(dt, Scenario::Healthy);
            b.advance(dt, Scenario::Healthy);
        }
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let mut c = server("mahavishnu", Profile::Seed, 10);
        for dt in [0.5, 1.0, 15.0, 0.01, 7.3] {
            c.advance(dt, Scenario::Healthy);
        }
        assert_ne!(
            a.tools[0].calls, c.tools[0].calls,
            "another seed, other traffic"
        );
    }

    #[test]
    fn healthy_tools_stay_above_ninety_five_percent() {
        let mut s = server("mahavishnu", Profile::Seed, 1);
        run(&mut s, 600, Scenario::Healthy);
        for t in &s.tools {
            assert!(success_ratio(&t.calls) > 0.95, "{} {:?}", t.name, t.calls);
        }
    }

    #[test]
    fn tool_failures_push_deploy_under_ninety_percent() {
        let mut s = server("mahavishnu", Profile::Seed, 1);
        run(&mut s, 600, Scenario::ToolFailures);
        let r = success_ratio(&tool(&s, "deploy").calls);
        assert!(r < 0.9 && r > 0.5, "deploy success {r}");
        assert!(success_ratio(&tool(&s, "list_agents").calls) > 0.95);
    }

    #[test]
    fn pool_exhaustion_empties_the_gpu_pool_only() {
        let mut s = server("mahavishnu", Profile::Seed, 1);
        run(&mut s, 30, Scenario::PoolExhaustion);
        for p in &s.pools {
            if p.pool_type == "gpu" {
                assert_eq!(p.workers, 0.0);
            } else {
                assert!(p.workers >= 1.0, "{} {}", p.pool_type, p.workers);
            }
        }
        run(&mut s, 1, Scenario::Healthy);
        assert!(
            s.pools.iter().all(|p| p.workers >= 1.0),
            "recovers when healthy"
        );
    }

    fn http_p95(s: &ServerState) -> f64 {
        // p95 by linear interpolation inside the bucket, as histogram_quantile does.
        let h = &s.http[0].duration;
        let rank = 0.95 * h.count() as f64;
        let mut cum = 0.0;
        let mut lower = 0.0;
        for (i, c) in h.bucket_counts().iter().enumerate() {
            let upper = h.bounds().get(i).copied().unwrap_or(f64::INFINITY);
            if cum + *c as f64 >= rank {
                return lower + (upper - lower) * (rank - cum) / *c as f64;
            }
            cum += *c as f64;
            lower = upper;
        }
        f64::INFINITY
    }

    #[test]
    fn latency_spike_puts_p95_over_half_a_second_on_its_target() {
        let mut calm = server("session-buddy", Profile::Seed, 1);
        run(&mut calm, 300, Scenario::Healthy);
        assert!(http_p95(&calm) < 0.1, "healthy p95 {}", http_p95(&calm));
        let mut spiky = server("session-buddy", Profile::Seed, 1);
        run(&mut spiky, 300, Scenario::LatencySpike);
        assert!(http_p95(&spiky) > 0.5, "spike p95 {}", http_p95(&spiky));
        let mut other = server("mahavishnu", Profile::Seed, 1);
        run(&mut other, 300, Scenario::LatencySpike);
        assert!(http_p95(&other) < 0.1, "other servers unaffected");
    }

    #[test]
    fn request_counts_follow_the_rate() {
        let mut s = server("mahavishnu", Profile::Seed, 4);
        run(&mut s, 600, Scenario::Healthy);
        let total: u64 = s.http[0].statuses.iter().map(|(_, c)| c).sum();
        let per_second = total as f64 / 600.0;
        assert!(per_second > 30.0 && per_second < 90.0, "{per_second} req/s");
        let errors: u64 = s.http[0]
            .statuses
            .iter()
            .filter(|(st, _)| st.starts_with('5'))
            .map(|(_, c)| c)
            .sum();
        let share = errors as f64 / total as f64;
        assert!(share > 0.001 && share < 0.02, "5xx share {share}");
    }

    #[test]
    fn roles_decide_the_role_families() {
        let m = server("mahavishnu", Profile::Seed, 1);
        assert!(!m.agents.is_empty() && !m.pools.is_empty() && !m.workflows.is_empty());
        assert!(m.memory.is_none() && m.sessions.is_none());
        let a = server("akosha", Profile::Seed, 1);
        assert!(a.memory.is_some() && a.agents.is_empty());
        let s = server("session-buddy", Profile::Seed, 1);
        assert!(s.sessions.is_some() && s.pools.is_empty());
    }

    #[test]
    fn otel_profile_feeds_the_semconv_histograms() {
        let mut s = server("mahavishnu", Profile::Otel, 1);
        run(&mut s, 120, Scenario::ToolFailures);
        let deploy = tool(&s, "deploy");
        assert!(deploy.otel_err.count() > 0 && deploy.otel_ok.count() > 0);
        assert_eq!(
            deploy.duration.count(),
            0,
            "seed histogram unused under otel"
        );
        assert!(s.methods.iter().all(|m| m.ok.count() > 0));
    }
}
