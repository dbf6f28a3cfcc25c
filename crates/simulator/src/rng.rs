//! Deterministic randomness for the traffic model: one ChaCha stream per server, seeded from
//! `--seed` and the server's position, so a run is reproducible given the seed and the
//! sequence of ticks.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded random source with the few distributions the traffic model needs.
#[derive(Debug, Clone)]
pub struct SimRng {
    inner: ChaCha8Rng,
}

impl SimRng {
    /// A stream for `stream` (a server index) under `seed`; streams never overlap.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut inner = ChaCha8Rng::seed_from_u64(seed);
        inner.set_stream(stream);
        Self { inner }
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.inner.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal (Box-Muller; one of the pair is dropped to keep the state simple).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Poisson with mean `lambda`: exact for small means, normal approximation above 30.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        if lambda > 30.0 {
            let x = lambda + lambda.sqrt() * self.normal();
            return x.round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut k = 0u64;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    /// Binomial(n, p): exact for small n, normal approximation above 64 trials.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        let p = p.clamp(0.0, 1.0);
        if n == 0 || p == 0.0 {
            return 0;
        }
        if p == 1.0 {
            return n;
        }
        if n <= 64 {
            return (0..n).filter(|_| self.uniform() < p).count() as u64;
        }
        let mean = n as f64 * p;
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * self.normal()).round().clamp(0.0, n as f64) as u64
    }

    /// `round(x)` up or down at random in proportion to the fraction, so sums stay unbiased.
    pub fn round_stochastic(&mut self, x: f64) -> u64 {
        if x <= 0.0 || !x.is_finite() {
            return 0;
        }
        let floor = x.floor();
        floor as u64 + u64::from(self.uniform() < x - floor)
    }

    /// `n` random bytes as lowercase hex, never all zero (W3C trace context forbids that).
    pub fn hex_id(&mut self, bytes: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(bytes * 2);
        let mut any = false;
        for _ in 0..bytes {
            let b = (self.inner.next_u32() & 0xff) as u8;
            any |= b != 0;
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        if !any {
            out.replace_range(out.len() - 1.., "1");
        }
        out
    }
}

/// Standard normal CDF via the complementary error function (Numerical Recipes' erfc, with
/// a relative error below 1.2e-7: ample for spreading observations over buckets).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_stream_give_the_same_sequence() {
        let mut a = SimRng::new(7, 3);
        let mut b = SimRng::new(7, 3);
        let xs: Vec<u64> = (0..20).map(|_| a.poisson(12.0)).collect();
        let ys: Vec<u64> = (0..20).map(|_| b.poisson(12.0)).collect();
        assert_eq!(xs, ys);
        let mut c = SimRng::new(7, 4);
        let zs: Vec<u64> = (0..20).map(|_| c.poisson(12.0)).collect();
        assert_ne!(xs, zs, "different streams must differ");
    }

    #[test]
    fn poisson_mean_is_close_to_lambda() {
        let mut r = SimRng::new(1, 0);
        for lambda in [0.5, 4.0, 80.0] {
            let n = 20_000;
            let total: u64 = (0..n).map(|_| r.poisson(lambda)).sum();
            let mean = total as f64 / n as f64;
            assert!(
                (mean - lambda).abs() < lambda * 0.05 + 0.02,
                "lambda {lambda} mean {mean}"
            );
        }
    }

    #[test]
    fn normal_cdf_matches_known_points() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.644_853_6) - 0.95).abs() < 1e-6);
        assert!((normal_cdf(-1.959_964) - 0.025).abs() < 1e-6);
    }

    #[test]
    fn hex_ids_have_the_w3c_lengths() {
        let mut r = SimRng::new(1, 0);
        let t = r.hex_id(16);
        let s = r.hex_id(8);
        assert_eq!(t.len(), 32);
        assert_eq!(s.len(), 16);
        assert!(t
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
