//! What every server's process exports besides MCP: CPU, memory, open files and disk
//! gauges that follow load, caches, operations reported over OTLP and open connections.

use super::{walk, Outcomes, Tick};
use crate::catalog::{CACHE_LAYERS, CACHE_TYPES};
use crate::histogram::{Histogram, LogNormal, LATENCY_BUCKETS};
use crate::rng::SimRng;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

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

#[derive(Debug, Clone)]
pub struct Process {
    pub cpu_percent: f64,
    pub memory_bytes: f64,
    pub open_files: f64,
    pub disk_percent: f64,
    pub caches: Vec<Cache>,
    pub operations: Vec<Operation>,
    pub active_connections: f64,
    cpu_base: f64,
    memory_base: f64,
    disk_base: f64,
}

impl Process {
    /// `operations` names the OTLP operations (`operations_total{operation}`).
    pub fn new(operations: &[&'static str], rng: &mut SimRng) -> Self {
        let cpu_base = rng.range(18.0, 35.0);
        let memory_base = rng.range(1.2, 2.8) * GIB;
        let disk_base = rng.range(42.0, 62.0);
        let open_files = rng.range(40.0, 160.0).round();
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
        let operations = operations
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
        Self {
            cpu_percent: cpu_base,
            memory_bytes: memory_base,
            open_files,
            disk_percent: disk_base,
            caches,
            operations,
            active_connections: rng.range(5.0, 40.0).round(),
            cpu_base,
            memory_base,
            disk_base,
        }
    }

    /// Gauges walk back towards their base, CPU towards base plus load (and more under a
    /// latency spike); caches, operations and connections follow the request rate.
    pub fn step(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let (dt, rps) = (tick.dt, tick.rps);
        let cpu_target = self.cpu_base + 0.15 * rps + if tick.spiking { 20.0 } else { 0.0 };
        self.cpu_percent = walk(rng, self.cpu_percent, cpu_target, 0.2 * dt, 2.0, 1.0, 99.0);
        self.memory_bytes = walk(
            rng,
            self.memory_bytes,
            self.memory_base,
            0.02 * dt,
            0.01 * GIB,
            0.3 * GIB,
            7.5 * GIB,
        );
        self.open_files = walk(rng, self.open_files, 90.0, 0.05 * dt, 3.0, 10.0, 1000.0).round();
        self.disk_percent = walk(
            rng,
            self.disk_percent,
            self.disk_base,
            0.01 * dt,
            0.05,
            1.0,
            84.0,
        );
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
    }
}
