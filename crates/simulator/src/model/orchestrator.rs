//! The orchestrator role (mahavishnu): agent tasks, worker pools and workflows.

use super::{rated, Outcomes, Rated, Tick};
use crate::catalog::{ADAPTERS, AGENT_TYPES, POOLS};
use crate::histogram::{Histogram, LogNormal, TASK_BUCKETS};
use crate::rng::SimRng;

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
pub struct Orchestrator {
    pub agents: Vec<Agent>,
    pub pools: Vec<Pool>,
    pub workflows: Vec<Rated>,
}

impl Orchestrator {
    /// Every agent type, pool and adapter of the catalogue; pools start half staffed.
    pub fn new(rng: &mut SimRng) -> Self {
        let agents = AGENT_TYPES
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
            .collect();
        let pools = POOLS
            .iter()
            .map(|(p, min, max)| Pool {
                pool_type: p,
                workers: ((min + max) / 2.0).round(),
                min: *min,
                max: *max,
            })
            .collect();
        let workflows = rated(rng, ADAPTERS, (0.1, 0.5), (0.01, 0.04));
        Self {
            agents,
            pools,
            workflows,
        }
    }

    pub fn step(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let dt = tick.dt;
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
        self.exhaust(tick.exhausted_pool);
    }

    /// Empties `pool` (pool-exhaustion); it refills from its minimum on the next step
    /// without the fault.
    pub fn exhaust(&mut self, pool: Option<&str>) {
        for p in &mut self.pools {
            if Some(p.pool_type) == pool {
                p.workers = 0.0;
            }
        }
    }
}
