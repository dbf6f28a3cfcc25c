//! The traffic model of one server: counters, gauges and histograms that evolve with time.
//!
//! A server is split by role, each part with its own construction and step:
//! [`Requests`] (HTTP and tools, every server), [`Orchestrator`], [`Memory`] and
//! [`Sessions`] (one role each) and [`Process`] (every server). [`ServerState::advance`]
//! moves them forward by `dt` seconds under a scenario, in that order, from one random
//! stream. It is a pure function of the seed, the server's spec and the sequence of
//! `(dt, scenario)` ticks, so two runs with the same seed and ticks export identical
//! metrics. Rates vary slowly (a sinusoid per server plus noise), request counts are
//! Poisson, error counts binomial, latencies log-normal, and gauges random-walk inside
//! realistic bounds.

mod memory;
mod orchestrator;
mod process;
mod requests;
mod sessions;

pub use memory::Memory;
pub use orchestrator::{Agent, Orchestrator, Pool};
pub use process::{Cache, Operation, Process};
pub use requests::{HttpRoute, Method, Requests, Tool};
pub use sessions::Sessions;

use mcp_model::ProfileKind;

use crate::catalog::{Role, ServerSpec};
use crate::rng::SimRng;
use crate::scenario::{
    Scenario, LATENCY_SPIKE_TARGET, POOL_EXHAUSTION_TARGET, SLOW_FAILURE_TARGET,
    TOOL_FAILURE_TARGET,
};

/// Longest single step; longer ticks are split so gauges walk realistically.
const MAX_STEP: f64 = 5.0;
/// Longest gap advanced at once (a server scraped after a long pause catches up this far).
const MAX_GAP: f64 = 3600.0;

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

/// A counter by one label and outcome, at a steady rate (workflows, syncs, operations).
#[derive(Debug, Clone)]
pub struct Rated {
    pub label: &'static str,
    pub outcomes: Outcomes,
    rate: f64,
    error_rate: f64,
}

/// What one step brings to every part of a server: its length, the request rate, and what
/// the scenario does to this server.
#[derive(Debug, Clone, Copy)]
pub struct Tick<'a> {
    /// Seconds.
    pub dt: f64,
    /// POST /mcp requests per second in this step.
    pub rps: f64,
    /// `rps` relative to the server's mean rate.
    pub load: f64,
    /// Whether the otel profile's histograms are fed.
    pub otel: bool,
    /// latency-spike hits this server.
    pub spiking: bool,
    /// The tool tool-failures breaks on this server.
    pub failing_tool: Option<&'a str>,
    /// The tool slow-failures hits on this server.
    pub slow_failing_tool: Option<&'a str>,
    /// The pool pool-exhaustion empties on this server.
    pub exhausted_pool: Option<&'a str>,
}

/// Everything one server exports, and the random stream that drives it.
#[derive(Debug, Clone)]
pub struct ServerState {
    pub spec: ServerSpec,
    pub profile: ProfileKind,
    /// Seconds of simulated time so far.
    pub elapsed: f64,
    pub requests: Requests,
    /// Orchestrator role only.
    pub orchestrator: Option<Orchestrator>,
    /// Memory role only.
    pub memory: Option<Memory>,
    /// Sessions role only.
    pub sessions: Option<Sessions>,
    pub process: Process,
    rng: SimRng,
    phase: f64,
    period: f64,
}

impl ServerState {
    /// A fresh server; `stream` is its index in the ecosystem (each gets its own random stream).
    pub fn new(spec: ServerSpec, profile: ProfileKind, seed: u64, stream: u64) -> Self {
        let mut rng = SimRng::new(seed, stream);
        let requests = Requests::new(&spec.tools, &mut rng);
        let role = spec.role;
        let orchestrator = (role == Role::Orchestrator).then(|| Orchestrator::new(&mut rng));
        let memory = (role == Role::Memory).then(|| Memory::new(&mut rng));
        let sessions = (role == Role::Sessions).then(|| Sessions::new(&mut rng));
        let process = Process::new(&spec.operations, &mut rng);
        let phase = rng.range(0.0, std::f64::consts::TAU);
        let period = rng.range(600.0, 1200.0);
        Self {
            spec,
            profile,
            elapsed: 0.0,
            requests,
            orchestrator,
            memory,
            sessions,
            process,
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
        let pool = self.target(scenario, Scenario::PoolExhaustion, POOL_EXHAUSTION_TARGET);
        if let Some(o) = &mut self.orchestrator {
            o.exhaust(pool);
        }
    }

    /// Mean POST /mcp rate (req/s) at the current simulated time.
    pub fn request_rate(&self) -> f64 {
        let wave = (std::f64::consts::TAU * self.elapsed / self.period + self.phase).sin();
        self.spec.base_rps * (1.0 + 0.35 * wave)
    }

    /// The entity `fault` hits when it is the scenario and `target` is on this server.
    fn target(
        &self,
        scenario: Scenario,
        fault: Scenario,
        target: (&str, &'static str),
    ) -> Option<&'static str> {
        (scenario == fault && self.spec.job == target.0).then_some(target.1)
    }

    fn step(&mut self, dt: f64, scenario: Scenario) {
        self.elapsed += dt;
        let noise = (0.1 * self.rng.normal()).exp();
        let rps = self.request_rate() * noise;
        let tick = Tick {
            dt,
            rps,
            load: rps / self.spec.base_rps.max(1.0),
            otel: self.profile == ProfileKind::Otel,
            spiking: scenario == Scenario::LatencySpike && self.spec.job == LATENCY_SPIKE_TARGET,
            failing_tool: self.target(scenario, Scenario::ToolFailures, TOOL_FAILURE_TARGET),
            slow_failing_tool: self.target(scenario, Scenario::SlowFailures, SLOW_FAILURE_TARGET),
            exhausted_pool: self.target(scenario, Scenario::PoolExhaustion, POOL_EXHAUSTION_TARGET),
        };
        let rng = &mut self.rng;
        self.requests.step(&tick, rng);
        if let Some(o) = &mut self.orchestrator {
            o.step(&tick, rng);
        }
        if let Some(m) = &mut self.memory {
            m.step(&tick, rng);
        }
        if let Some(s) = &mut self.sessions {
            s.step(&tick, rng);
        }
        self.process.step(&tick, rng);
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
    use crate::histogram::Histogram;

    fn server(job: &str, profile: ProfileKind, seed: u64) -> ServerState {
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
        s.requests.tools.iter().find(|t| t.name == name).unwrap()
    }

    fn pools(s: &ServerState) -> Vec<Pool> {
        s.orchestrator
            .as_ref()
            .map(|o| o.pools.clone())
            .unwrap_or_default()
    }

    fn success_ratio(o: &Outcomes) -> f64 {
        o.success as f64 / (o.success + o.error) as f64
    }

    #[test]
    fn same_seed_and_ticks_give_identical_state() {
        let mut a = server("mahavishnu", ProfileKind::Seed, 9);
        let mut b = server("mahavishnu", ProfileKind::Seed, 9);
        for dt in [0.5, 1.0, 15.0, 0.01, 7.3] {
            a.advance(dt, Scenario::Healthy);
            b.advance(dt, Scenario::Healthy);
        }
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let mut c = server("mahavishnu", ProfileKind::Seed, 10);
        for dt in [0.5, 1.0, 15.0, 0.01, 7.3] {
            c.advance(dt, Scenario::Healthy);
        }
        assert_ne!(
            a.requests.tools[0].calls, c.requests.tools[0].calls,
            "another seed, other traffic"
        );
    }

    #[test]
    fn healthy_tools_stay_above_ninety_five_percent() {
        let mut s = server("mahavishnu", ProfileKind::Seed, 1);
        run(&mut s, 600, Scenario::Healthy);
        for t in &s.requests.tools {
            assert!(success_ratio(&t.calls) > 0.95, "{} {:?}", t.name, t.calls);
        }
    }

    #[test]
    fn tool_failures_push_deploy_under_ninety_percent() {
        let mut s = server("mahavishnu", ProfileKind::Seed, 1);
        run(&mut s, 600, Scenario::ToolFailures);
        let r = success_ratio(&tool(&s, "deploy").calls);
        assert!(r < 0.9 && r > 0.5, "deploy success {r}");
        assert!(success_ratio(&tool(&s, "list_agents").calls) > 0.95);
    }

    #[test]
    fn pool_exhaustion_empties_the_gpu_pool_only() {
        let mut s = server("mahavishnu", ProfileKind::Seed, 1);
        run(&mut s, 30, Scenario::PoolExhaustion);
        for p in &pools(&s) {
            if p.pool_type == "gpu" {
                assert_eq!(p.workers, 0.0);
            } else {
                assert!(p.workers >= 1.0, "{} {}", p.pool_type, p.workers);
            }
        }
        run(&mut s, 1, Scenario::Healthy);
        assert!(
            pools(&s).iter().all(|p| p.workers >= 1.0),
            "recovers when healthy"
        );
    }

    fn http_p95(s: &ServerState) -> f64 {
        p95(&[&s.requests.routes[0].duration])
    }

    /// p95 of the histograms together, by linear interpolation inside the bucket, as
    /// histogram_quantile does.
    fn p95(hs: &[&Histogram]) -> f64 {
        let bounds = hs[0].bounds();
        let counts: Vec<u64> = (0..=bounds.len())
            .map(|i| hs.iter().map(|h| h.bucket_counts()[i]).sum())
            .collect();
        let rank = 0.95 * counts.iter().sum::<u64>() as f64;
        let mut cum = 0.0;
        let mut lower = 0.0;
        for (i, c) in counts.iter().enumerate() {
            let upper = bounds.get(i).copied().unwrap_or(f64::INFINITY);
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
        let mut calm = server("session-buddy", ProfileKind::Seed, 1);
        run(&mut calm, 300, Scenario::Healthy);
        assert!(http_p95(&calm) < 0.1, "healthy p95 {}", http_p95(&calm));
        let mut spiky = server("session-buddy", ProfileKind::Seed, 1);
        run(&mut spiky, 300, Scenario::LatencySpike);
        assert!(http_p95(&spiky) > 0.5, "spike p95 {}", http_p95(&spiky));
        let mut other = server("mahavishnu", ProfileKind::Seed, 1);
        run(&mut other, 300, Scenario::LatencySpike);
        assert!(http_p95(&other) < 0.1, "other servers unaffected");
    }

    #[test]
    fn request_counts_follow_the_rate() {
        let mut s = server("mahavishnu", ProfileKind::Seed, 4);
        run(&mut s, 600, Scenario::Healthy);
        let total: u64 = s.requests.routes[0].statuses.iter().map(|(_, c)| c).sum();
        let per_second = total as f64 / 600.0;
        assert!(per_second > 30.0 && per_second < 90.0, "{per_second} req/s");
        let errors: u64 = s.requests.routes[0]
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
        let m = server("mahavishnu", ProfileKind::Seed, 1);
        let o = m.orchestrator.as_ref().expect("mahavishnu orchestrates");
        assert!(!o.agents.is_empty() && !o.pools.is_empty() && !o.workflows.is_empty());
        assert!(m.memory.is_none() && m.sessions.is_none());
        let a = server("akosha", ProfileKind::Seed, 1);
        assert!(a.memory.is_some() && a.orchestrator.is_none() && a.sessions.is_none());
        let s = server("session-buddy", ProfileKind::Seed, 1);
        assert!(s.sessions.is_some() && s.orchestrator.is_none() && s.memory.is_none());
    }

    #[test]
    fn otel_profile_feeds_the_semconv_histograms() {
        let mut s = server("mahavishnu", ProfileKind::Otel, 1);
        run(&mut s, 120, Scenario::ToolFailures);
        let deploy = tool(&s, "deploy");
        assert!(deploy.otel_err.count() > 0 && deploy.otel_ok.count() > 0);
        assert_eq!(
            deploy.duration.count(),
            0,
            "seed histogram unused under otel"
        );
        assert!(s.requests.methods.iter().all(|m| m.ok.count() > 0));
    }

    #[test]
    fn slow_failures_fail_its_tool_seven_percent_of_the_time_each_slowly() {
        for profile in ProfileKind::ALL {
            let (job, name) = SLOW_FAILURE_TARGET;
            let mut s = server(job, profile, 1);
            run(&mut s, 600, Scenario::SlowFailures);
            let t = tool(&s, name);
            let r = success_ratio(&t.calls);
            assert!(r > 0.91 && r < 0.95, "{profile}: {name} success {r}");
            let p = match profile {
                ProfileKind::Seed => p95(&[&t.duration]),
                ProfileKind::Otel => p95(&[&t.otel_ok, &t.otel_err]),
            };
            assert!(p > 0.5 && p < 1.0, "{profile}: p95 {p}");
            if profile == ProfileKind::Seed {
                let mut calm = server(job, profile, 1);
                run(&mut calm, 600, Scenario::Healthy);
                assert!(
                    p95(&[&tool(&calm, name).duration]) < 0.1,
                    "fast when healthy"
                );
            }
        }
    }
}
