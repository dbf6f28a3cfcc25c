//! The sessions role (session-buddy): open sessions, session operations and their age.

use super::{rated, walk, Rated, Tick};
use crate::catalog::SESSION_OPERATIONS;
use crate::rng::SimRng;

#[derive(Debug, Clone, Default)]
pub struct Sessions {
    pub active: f64,
    pub operations: Vec<Rated>,
    pub duration_active: f64,
}

impl Sessions {
    pub fn new(rng: &mut SimRng) -> Self {
        Self {
            active: rng.range(8.0, 16.0).round(),
            operations: rated(rng, SESSION_OPERATIONS, (0.2, 1.5), (0.005, 0.02)),
            duration_active: rng.range(600.0, 1200.0),
        }
    }

    /// Open sessions follow the server's load (about 12 at its mean request rate).
    pub fn step(&mut self, tick: &Tick<'_>, rng: &mut SimRng) {
        let dt = tick.dt;
        let target = 12.0 * tick.load;
        self.active = walk(
            rng,
            self.active,
            target,
            0.05 * dt,
            1.0 * dt.sqrt(),
            0.0,
            60.0,
        )
        .round();
        for op in &mut self.operations {
            let n = rng.poisson(op.rate * dt);
            op.outcomes.add(rng, n, op.error_rate);
        }
        self.duration_active = walk(
            rng,
            self.duration_active,
            900.0,
            0.01 * dt,
            20.0,
            60.0,
            3600.0,
        );
    }
}
