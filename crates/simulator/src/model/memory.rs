//! The memory role (akosha): memory syncs, stored memories and embeddings.

use super::{rated, Rated, Tick};
use crate::catalog::{EMBEDDING_MODELS, MEMORY_SOURCES};
use crate::rng::SimRng;

#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub syncs: Vec<Rated>,
    pub memories_stored: f64,
    /// (model, embeddings generated so far)
    pub embeddings: Vec<(&'static str, f64)>,
    embedding_rates: Vec<f64>,
}

impl Memory {
    pub fn new(rng: &mut SimRng) -> Self {
        Self {
            syncs: rated(rng, MEMORY_SOURCES, (0.2, 0.8), (0.01, 0.04)),
            memories_stored: rng.range(100_000.0, 150_000.0).round(),
            embeddings: EMBEDDING_MODELS.iter().map(|m| (*m, 0.0)).collect(),
            embedding_rates: EMBEDDING_MODELS
                .iter()
                .map(|_| rng.range(3.0, 12.0))
                .collect(),
        }
    }

    /// Each successful sync stores a handful of memories.
    pub fn step(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let dt = tick.dt;
        for s in &mut self.syncs {
            let n = rng.poisson(s.rate * dt);
            let err = s.outcomes.add(rng, n, s.error_rate);
            self.memories_stored += ((n - err) as f64 * rng.range(5.0, 20.0)).round();
        }
        for ((_, total), rate) in self.embeddings.iter_mut().zip(&self.embedding_rates) {
            *total += rng.poisson(rate * dt) as f64;
        }
    }
}
