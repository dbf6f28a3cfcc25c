//! The step and aligned range of a range query, as Grafana's Prometheus datasource picks them.
//!
//! Grafana's rule: the minimum interval is the panel's `intervalMs` (or the datasource's
//! scrape interval when the panel gives none); the range divided by `maxDataPoints` (1500
//! when unset) is rounded to a "nice" interval and wins when larger; the range divided by
//! 11,000 (Prometheus's resolution limit), also rounded, is a floor. Because that rounding
//! can go down, we add one more floor Grafana lacks: never more than 11,000 points, which
//! Prometheus would refuse.

/// Prometheus refuses range queries with more points per series than this.
pub const MAX_POINTS: i64 = 11_000;
/// Grafana's resolution when a query carries no `maxDataPoints`.
const DEFAULT_RESOLUTION: i64 = 1_500;

/// Step and aligned range of one range query, all in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Step between points.
    pub step_ms: i64,
    /// First evaluation time: `from` rounded down to a multiple of the step.
    pub start_ms: i64,
    /// Last evaluation time: `to` rounded down to a multiple of the step.
    pub end_ms: i64,
}

impl Step {
    /// Picks the step for a query over `[from_ms, to_ms]`.
    ///
    /// `interval_ms` and `max_data_points` come from Grafana's query (0 when unset);
    /// `scrape_interval_ms` is the datasource's `timeInterval`.
    pub fn new(
        from_ms: i64,
        to_ms: i64,
        interval_ms: i64,
        max_data_points: i64,
        scrape_interval_ms: i64,
    ) -> Step {
        let range = (to_ms - from_ms).max(0);
        let min_interval = if interval_ms > 0 {
            interval_ms
        } else if scrape_interval_ms > 0 {
            scrape_interval_ms
        } else {
            15_000
        };
        let resolution = if max_data_points > 0 {
            max_data_points
        } else {
            DEFAULT_RESOLUTION
        };
        let calculated = range / resolution;
        let calculated = if calculated < min_interval {
            min_interval
        } else {
            round_interval(calculated)
        };
        let safe = round_interval(range / MAX_POINTS);
        let mut step = calculated.max(safe).max(1);
        // Rounding down may leave too many points for Prometheus: widen until it fits.
        while points(from_ms, to_ms, step) > MAX_POINTS {
            step = (range + MAX_POINTS - 2) / (MAX_POINTS - 1);
            if points(from_ms, to_ms, step) > MAX_POINTS {
                step += 1;
            }
        }
        Step {
            step_ms: step,
            start_ms: align(from_ms, step),
            end_ms: align(to_ms, step),
        }
    }

    /// Number of evaluation times in the aligned range.
    pub fn points(&self) -> i64 {
        (self.end_ms - self.start_ms) / self.step_ms + 1
    }

    /// The `auto` rate window, Grafana's `$__rate_interval`:
    /// `max(step + scrape interval, 4 x scrape interval)`.
    pub fn rate_window_ms(&self, scrape_interval_ms: i64) -> i64 {
        (self.step_ms + scrape_interval_ms).max(4 * scrape_interval_ms)
    }
}

fn align(t: i64, step: i64) -> i64 {
    t.div_euclid(step) * step
}

fn points(from: i64, to: i64, step: i64) -> i64 {
    (align(to, step) - align(from, step)) / step + 1
}

/// Grafana's table of "nice" intervals (milliseconds in, milliseconds out).
fn round_interval(ms: i64) -> i64 {
    const TABLE: &[(i64, i64)] = &[
        (10, 1),
        (15, 10),
        (35, 20),
        (75, 50),
        (150, 100),
        (350, 200),
        (750, 500),
        (1_500, 1_000),
        (3_500, 2_000),
        (7_500, 5_000),
        (12_500, 10_000),
        (17_500, 15_000),
        (25_000, 20_000),
        (45_000, 30_000),
        (90_000, 60_000),
        (210_000, 120_000),
        (450_000, 300_000),
        (750_000, 600_000),
        (1_050_000, 900_000),
        (1_500_000, 1_200_000),
        (2_700_000, 1_800_000),
        (5_400_000, 3_600_000),
        (9_000_000, 7_200_000),
        (16_200_000, 10_800_000),
        (32_400_000, 21_600_000),
        (86_400_000, 43_200_000),
        (172_800_000, 86_400_000),
        (604_800_000, 86_400_000),
        (1_814_400_000, 604_800_000),
    ];
    for &(upper, nice) in TABLE {
        if ms <= upper {
            return nice;
        }
    }
    if ms < 3_628_800_000 {
        2_592_000_000
    } else {
        31_536_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn panel_interval_wins_over_coarser_resolution_when_larger() {
        // 1 h at 1500 points is 2.4 s; the panel asks for 15 s.
        let s = Step::new(0, HOUR, 15_000, 1500, 15_000);
        assert_eq!(s.step_ms, 15_000);
    }

    #[test]
    fn max_data_points_rounds_to_a_nice_interval() {
        // 24 h over 500 points is 172.8 s, which Grafana rounds to 2 m.
        let s = Step::new(0, 24 * HOUR, 1_000, 500, 15_000);
        assert_eq!(s.step_ms, 120_000);
    }

    #[test]
    fn scrape_interval_is_the_floor_without_a_panel_interval() {
        let s = Step::new(0, HOUR, 0, 0, 30_000);
        assert_eq!(s.step_ms, 30_000);
    }

    #[test]
    fn range_is_aligned_down_to_the_step() {
        let s = Step::new(1_000_007, 1_000_007 + HOUR, 60_000, 1500, 15_000);
        assert_eq!(s.start_ms % 60_000, 0);
        assert_eq!(s.end_ms % 60_000, 0);
        assert!(s.start_ms <= 1_000_007 && s.start_ms > 1_000_007 - 60_000);
    }

    #[test]
    fn never_more_than_prometheus_resolution_limit() {
        for range in [HOUR, 13 * HOUR + 7, 30 * 24 * HOUR, 365 * 24 * HOUR + 123] {
            for from in [0, 1_234_567, 1_700_000_000_123] {
                let s = Step::new(from, from + range, 1, 1_000_000, 1);
                assert!(s.points() <= MAX_POINTS, "{range} {from}: {s:?}");
            }
        }
    }

    #[test]
    fn auto_rate_window_follows_grafana() {
        let s = Step::new(0, HOUR, 15_000, 1500, 15_000);
        assert_eq!(s.rate_window_ms(15_000), 60_000);
        let s = Step::new(0, 24 * HOUR, 0, 100, 15_000);
        assert_eq!(s.rate_window_ms(15_000), s.step_ms + 15_000);
    }
}
