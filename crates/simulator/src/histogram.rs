//! A classic Prometheus histogram fed in bulk: a tick adds `n` observations drawn from a
//! log-normal latency distribution by spreading them over the buckets with the
//! distribution's CDF (cost per tick is the bucket count, not the request count), and keeps
//! one exemplar per bucket carrying a W3C trace id and span id.

use crate::rng::{normal_cdf, SimRng};

/// Bucket bounds (seconds) for request, tool and operation latencies.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Bucket bounds (seconds) for long-running work: agent tasks, sessions.
pub const TASK_BUCKETS: &[f64] = &[
    0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0,
];

/// A latency distribution: log-normal with the given median (seconds) and log-space sigma.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal {
    pub median: f64,
    pub sigma: f64,
}

impl LogNormal {
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        normal_cdf((x / self.median).ln() / self.sigma)
    }

    pub fn mean(&self) -> f64 {
        self.median * (self.sigma * self.sigma / 2.0).exp()
    }

    /// The q-quantile (0 < q < 1) by bisection on the CDF; used by tests and docs.
    pub fn quantile(&self, q: f64) -> f64 {
        let (mut lo, mut hi) = (0.0_f64, self.median * 1e3);
        for _ in 0..200 {
            let mid = (lo + hi) / 2.0;
            if self.cdf(mid) < q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo + hi) / 2.0
    }

    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        self.median * (self.sigma * rng.normal()).exp()
    }
}

/// One exemplar: the observed value and the trace it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    pub value: f64,
    pub trace_id: String,
    pub span_id: String,
}

/// Bucket counts (not cumulative; the last bucket is +Inf), sum, count and exemplars.
#[derive(Debug, Clone)]
pub struct Histogram {
    bounds: &'static [f64],
    counts: Vec<u64>,
    count: u64,
    sum: f64,
    exemplars: Vec<Option<Exemplar>>,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: vec![0; bounds.len() + 1],
            count: 0,
            sum: 0.0,
            exemplars: vec![None; bounds.len() + 1],
        }
    }

    pub fn bounds(&self) -> &'static [f64] {
        self.bounds
    }

    /// Per-bucket counts, the last one for +Inf.
    pub fn bucket_counts(&self) -> &[u64] {
        &self.counts
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn sum(&self) -> f64 {
        self.sum
    }

    pub fn exemplars(&self) -> &[Option<Exemplar>] {
        &self.exemplars
    }

    /// Adds `n` observations from `dist`; when `with_exemplar`, one of them (sampled) becomes
    /// the exemplar of the bucket it falls in.
    pub fn observe_many(&mut self, n: u64, dist: LogNormal, rng: &mut SimRng, with_exemplar: bool) {
        if n == 0 {
            return;
        }
        let mut prev_cdf = 0.0;
        let mut added = 0u64;
        for (i, bound) in self.bounds.iter().enumerate() {
            let cdf = dist.cdf(*bound);
            let k = rng.round_stochastic(n as f64 * (cdf - prev_cdf));
            self.counts[i] += k;
            added += k;
            prev_cdf = cdf;
        }
        let tail = rng.round_stochastic(n as f64 * (1.0 - prev_cdf));
        let last = self.bounds.len();
        self.counts[last] += tail;
        added += tail;
        self.count += added;
        // The sum follows the distribution's mean with a little sampling noise.
        let noise = 1.0 + 0.05 * rng.normal().clamp(-3.0, 3.0);
        self.sum += added as f64 * dist.mean() * noise;
        if with_exemplar && added > 0 {
            let value = dist.sample(rng);
            let bucket = self.bounds.iter().position(|b| value <= *b).unwrap_or(last);
            self.exemplars[bucket] = Some(Exemplar {
                value,
                trace_id: rng.hex_id(16),
                span_id: rng.hex_id(8),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_observations_follow_the_distribution() {
        let mut rng = SimRng::new(3, 0);
        let mut h = Histogram::new(LATENCY_BUCKETS);
        let dist = LogNormal {
            median: 0.04,
            sigma: 0.5,
        };
        for _ in 0..100 {
            h.observe_many(1000, dist, &mut rng, true);
        }
        let total: u64 = h.bucket_counts().iter().sum();
        assert_eq!(total, h.count());
        assert!((h.count() as f64 - 100_000.0).abs() < 1000.0);
        // Share at or below 0.05 s should be the CDF there.
        let below: u64 = h.bucket_counts()[..4].iter().sum();
        let share = below as f64 / h.count() as f64;
        assert!((share - dist.cdf(0.05)).abs() < 0.01, "share {share}");
        assert!((h.sum() / h.count() as f64 - dist.mean()).abs() < dist.mean() * 0.05);
    }

    #[test]
    fn exemplars_sit_in_the_bucket_of_their_value() {
        let mut rng = SimRng::new(5, 0);
        let mut h = Histogram::new(LATENCY_BUCKETS);
        let dist = LogNormal {
            median: 0.2,
            sigma: 1.0,
        };
        for _ in 0..200 {
            h.observe_many(10, dist, &mut rng, true);
        }
        let mut seen = 0;
        for (i, ex) in h.exemplars().iter().enumerate() {
            if let Some(ex) = ex {
                seen += 1;
                let upper = h.bounds().get(i).copied().unwrap_or(f64::INFINITY);
                let lower = if i == 0 { 0.0 } else { h.bounds()[i - 1] };
                assert!(
                    ex.value <= upper && ex.value > lower,
                    "{ex:?} in bucket {i}"
                );
                assert_eq!(ex.trace_id.len(), 32);
                assert_eq!(ex.span_id.len(), 16);
            }
        }
        assert!(seen >= 5, "exemplars spread over buckets, got {seen}");
    }

    #[test]
    fn quantile_inverts_the_cdf() {
        let d = LogNormal {
            median: 0.4,
            sigma: 0.5,
        };
        let p95 = d.quantile(0.95);
        assert!((d.cdf(p95) - 0.95).abs() < 1e-6);
        assert!(
            p95 > 0.5,
            "latency-spike distribution must put p95 above 500 ms"
        );
    }
}
