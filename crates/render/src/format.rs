//! Numbers and times as the panel writes them, appended to a reused `String` (no
//! allocation once the string has grown). A gap (NaN) reads as an en dash. Times read in
//! the dashboard's time zone, a [`Zone`].
//!
//! Numbers are written and read here by hand, not by `{:.N}` and `str::parse`: core's
//! float formatting (Grisu and Dragon4 with their bignums, for f32 and f64), its parsing
//! (`dec2flt`) and libm's `pow` were 26 KB of the renderer's 121 KB of WebAssembly
//! (gzip). [`fixed`] writes what `{:.N}` writes, digit for digit (tested against it);
//! [`parse_decimal`] reads what `str::parse` reads, exactly for the numbers the panel is
//! handed.

use std::fmt::{self, Write};

pub(crate) const GAP: &str = "–";

/// The noun for `n` things: `one` for 1, else `many` ("1 service", "0 services").
pub fn noun<'a>(n: usize, (one, many): (&'a str, &'a str)) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Appends `v` with at most `decimals` decimals, trailing zeros dropped, and thousands
/// shortened (`1.2k`, `3.4M`).
pub fn number(out: &mut String, v: f64, decimals: usize) {
    if v.is_nan() {
        out.push_str(GAP);
        return;
    }
    if v.is_infinite() {
        // A quantile in a histogram's +Inf bucket; no thousands to shorten.
        out.push_str(if v > 0.0 { "∞" } else { "-∞" });
        return;
    }
    let (v, suffix) = match v.abs() {
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e4 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let decimals = if suffix.is_empty() { decimals } else { 1 };
    let start = out.len();
    fixed(out, v, decimals);
    if out[start..].contains('.') {
        let trimmed = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(trimmed);
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
    out.push_str(suffix);
}

/// Appends percentile `p` as a latency line's label: `p95`, `p99.9`, `p99.9999` (as the
/// backend labels it, up to six decimals: [`number`]'s three would make 99.9999 `p100`).
pub fn percentile(out: &mut String, p: f64) {
    out.push('p');
    if !(0.0..=100.0).contains(&p) {
        number(out, p, 3);
        return;
    }
    // Read from a decimal label, p x 10^6 rounds to its digits exactly.
    let millionths = (p * 1e6).round() as u64;
    let _ = write!(out, "{}", millionths / 1_000_000);
    let mut frac = millionths % 1_000_000;
    if frac > 0 {
        let mut width = 6;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// Appends `v` with `decimals` decimals (at most [`MAX_DECIMALS`]) as `format!("{v:.decimals$}")`
/// writes it: every digit of the binary value exact, a tie rounded to even, `-` for every
/// negative value (`-0.0` too), `inf`, `-inf` and `NaN`.
fn fixed(out: &mut String, v: f64, decimals: usize) {
    let decimals = decimals.min(MAX_DECIMALS);
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    if v.is_infinite() {
        out.push_str("inf");
        return;
    }
    // |v| = m x 2^e, m below 2^53.
    let bits = v.to_bits();
    let (biased, fraction) = ((bits >> 52) & 0x7ff, bits & ((1 << 52) - 1));
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased as i32 - 1075)
    };
    let scale = 10u64.pow(decimals as u32);
    if e >= 0 {
        // A whole number, possibly of 309 digits.
        whole(out, m, e as u32);
        if decimals > 0 {
            out.push('.');
            out.extend(std::iter::repeat_n('0', decimals));
        }
        return;
    }
    // |v| x 10^decimals = n / 2^k, rounded to a whole number, a tie to even. n is below
    // 2^53 x 1000 < 2^63, so from k = 64 on the quotient is under one half.
    let (n, k) = (m * scale, e.unsigned_abs());
    let q = if k >= 64 {
        0
    } else {
        let (q, r, half) = (n >> k, n & ((1 << k) - 1), 1 << (k - 1));
        q + u64::from(r > half || (r == half && q & 1 == 1))
    };
    let _ = write!(out, "{}", q / scale);
    if decimals > 0 {
        let _ = write!(out, ".{:0decimals$}", q % scale);
    }
}

/// The most decimals [`fixed`] writes: |v| x 10^decimals stays below 2^63 for |v| below 2^53.
const MAX_DECIMALS: usize = 3;

/// Appends the whole number `m` x 2^`e` in decimal.
fn whole(out: &mut String, m: u64, e: u32) {
    // Base 10^9 digits, least significant first; 2^1024 has 309 decimal digits.
    const BASE: u64 = 1_000_000_000;
    let mut limbs = [0u32; 35];
    let (mut len, mut m) = (0, m);
    while m > 0 || len == 0 {
        limbs[len] = (m % BASE) as u32;
        m /= BASE;
        len += 1;
    }
    let mut e = e;
    while e > 0 {
        let shift = e.min(29);
        e -= shift;
        let mut carry = 0u64;
        for limb in &mut limbs[..len] {
            let x = (u64::from(*limb) << shift) + carry;
            *limb = (x % BASE) as u32;
            carry = x / BASE;
        }
        while carry > 0 && len < limbs.len() {
            limbs[len] = (carry % BASE) as u32;
            carry /= BASE;
            len += 1;
        }
    }
    let _ = write!(out, "{}", limbs[len - 1]);
    for limb in limbs[..len - 1].iter().rev() {
        let _ = write!(out, "{limb:09}");
    }
}

/// Reads `s` as `s.parse::<f64>()` does (`95`, `-0.5`, `+.5`, `1e-3`, `inf`, `NaN`, ...;
/// no spaces). Exact, as std's, for up to 15 significant digits and exponents to +-22 once
/// the point is moved (Clinger's fast path: a Grafana theme's numbers, the percentiles the
/// backend writes as labels); beyond, close (relative error under 1e-14).
pub fn parse_decimal(s: &str) -> Option<f64> {
    let d = Written::read(s)?;
    if let Some(v) = d.special {
        return Some(v);
    }
    // Clinger's fast path when both factors are exact: one rounding, as std's.
    let v = scaled(d.digits as f64, d.exp);
    Some(if d.negative { -v } else { v })
}

/// [`parse_decimal`] to `f32`, as `s.parse::<f32>()` reads it: exact for up to 7
/// significant digits and exponents to +-10 (a theme's `rgba(204, 204, 220, 0.65)`).
pub fn parse_decimal_f32(s: &str) -> Option<f32> {
    let d = Written::read(s)?;
    if d.special.is_some() || !d.exact || d.digits > 1 << 24 || d.exp.unsigned_abs() > 10 {
        return parse_decimal(s).map(|v| v as f32);
    }
    let digits = d.digits as f32;
    let v = if d.exp < 0 {
        digits / POW10[d.exp.unsigned_abs() as usize] as f32
    } else {
        digits * POW10[d.exp as usize] as f32
    };
    Some(if d.negative { -v } else { v })
}

/// 10^`n`: exact (or, below 1, rounded once) for `n` within +-22, as `10f64.powf(n)`;
/// beyond, close (relative error under 1e-14).
pub fn pow10(n: i32) -> f64 {
    scaled(1.0, n)
}

/// `v` x 10^`n`, rounded once for `n` within +-22.
fn scaled(mut v: f64, n: i32) -> f64 {
    let mut n = n.clamp(-400, 400);
    while n > 22 {
        v *= 1e22;
        n -= 22;
    }
    while n < -22 {
        v /= 1e22;
        n += 22;
    }
    if n < 0 {
        v / POW10[n.unsigned_abs() as usize]
    } else {
        v * POW10[n as usize]
    }
}

/// The powers of ten that are exact in an `f64`: 10^0 to 10^22.
const POW10: [f64; 23] = {
    let mut t = [1.0; 23];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10.0;
        i += 1;
    }
    t
};

/// A number as written: +-`digits` x 10^`exp`, or a special value.
struct Written {
    negative: bool,
    /// The first 19 significant digits.
    digits: u64,
    exp: i32,
    /// No nonzero digit was dropped.
    exact: bool,
    /// Infinity or NaN, signed.
    special: Option<f64>,
}

impl Written {
    /// What std's float parsing accepts: a sign, then `inf`, `infinity` or `nan` (any case),
    /// or digits with at most one point (a digit on at least one side) and an exponent.
    fn read(s: &str) -> Option<Written> {
        let (negative, s) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let mut d = Written {
            negative,
            digits: 0,
            exp: 0,
            exact: true,
            special: None,
        };
        let sign = if negative { -1.0 } else { 1.0 };
        if s.eq_ignore_ascii_case("inf") || s.eq_ignore_ascii_case("infinity") {
            d.special = Some(sign * f64::INFINITY);
            return Some(d);
        }
        if s.eq_ignore_ascii_case("nan") {
            d.special = Some(f64::NAN);
            return Some(d);
        }
        let bytes = s.as_bytes();
        let (mut i, mut seen, mut point, mut kept) = (0, false, false, 0);
        while let Some(&b) = bytes.get(i) {
            match b {
                b'0'..=b'9' => {
                    seen = true;
                    let digit = u64::from(b - b'0');
                    if (d.digits == 0 && digit == 0) || kept < 19 {
                        // Kept: a leading zero, or one of the first 19 significant digits.
                        kept += usize::from(d.digits > 0 || digit > 0);
                        d.digits = d.digits * 10 + digit;
                        d.exp -= i32::from(point);
                    } else {
                        d.exact &= digit == 0;
                        d.exp += i32::from(!point);
                    }
                }
                b'.' if !point => point = true,
                _ => break,
            }
            i += 1;
        }
        if !seen {
            return None;
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            i += 1;
            let minus = bytes.get(i) == Some(&b'-');
            i += usize::from(matches!(bytes.get(i), Some(b'-' | b'+')));
            let (mut e, start) = (0i32, i);
            while let Some(b @ b'0'..=b'9') = bytes.get(i) {
                e = e.saturating_mul(10).saturating_add(i32::from(b - b'0'));
                i += 1;
            }
            if i == start {
                return None;
            }
            d.exp = d.exp.saturating_add(if minus { -e } else { e });
        }
        (i == bytes.len()).then_some(d)
    }
}

/// `12.5 %`.
pub fn percent(out: &mut String, v: f64) {
    let decimals = if v.is_finite() && v.abs() < 10.0 {
        2
    } else {
        1
    };
    number(out, v, decimals);
    if !v.is_nan() {
        out.push_str(" %");
    }
}

/// `45 ms`, `1.25 s`.
pub fn seconds(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str(GAP);
    } else if v.abs() < 1.0 {
        number(out, v * 1000.0, if v.abs() < 0.01 { 2 } else { 0 });
        out.push_str(" ms");
    } else {
        number(out, v, 2);
        out.push_str(" s");
    }
}

/// `512 MiB`, `8.5 GiB`.
pub fn bytes(out: &mut String, v: f64) {
    const MIB: f64 = 1024.0 * 1024.0;
    const GIB: f64 = 1024.0 * MIB;
    if v.is_nan() {
        out.push_str(GAP);
    } else if v.abs() >= GIB {
        number(out, v / GIB, 1);
        out.push_str(" GiB");
    } else {
        number(out, v / MIB, 0);
        out.push_str(" MiB");
    }
}

/// `12.3/s`.
pub fn rate(out: &mut String, v: f64) {
    number(out, v, if v.abs() < 10.0 { 2 } else { 1 });
    if !v.is_nan() {
        out.push_str("/s");
    }
}

/// A time zone: how many minutes it is ahead of UTC at an instant (ms since the epoch), so
/// that daylight saving is right at each time written. UTC unless made with [`Zone::new`]:
/// in the browser the panel shell hands over the dashboard's zone.
#[derive(Default)]
pub struct Zone(Option<Box<dyn Fn(f64) -> f64>>);

impl Zone {
    /// The zone `offset(ms)` minutes ahead of UTC at `ms`; an answer that is not a number
    /// of minutes within a day reads as UTC.
    pub fn new(offset: impl Fn(f64) -> f64 + 'static) -> Zone {
        Zone(Some(Box::new(offset)))
    }

    /// Minutes ahead of UTC at `ms`.
    pub fn offset(&self, ms: f64) -> i64 {
        match self.0.as_ref().map(|f| f(ms)) {
            Some(m) if m.abs() < 1440.0 => m.round() as i64,
            _ => 0,
        }
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Zone(..)"
        } else {
            "Zone(UTC)"
        })
    }
}

/// How much of a time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// `23:41:05`.
    Seconds,
    /// `23:41`.
    Minutes,
    /// `11/30 23:41`.
    Date,
    /// `2026-11-30 23:41:05 UTC+01:00` (`UTC` alone where the zone is UTC then): for
    /// tooltips.
    Full,
}

impl Clock {
    /// What axis labels `step` ms apart over `span` ms show, much as Grafana's time axis
    /// chooses: the seconds when they are under five minutes apart (under one, two would
    /// read the same; the labels sit at the strip's first and last times, not on whole
    /// minutes, and cut to the minute they would misstate a short spacing), the date when
    /// the range is a day or longer.
    pub fn for_axis(step: f64, span: f64) -> Clock {
        if step < 300_000.0 {
            Clock::Seconds
        } else if span < 86_400_000.0 {
            Clock::Minutes
        } else {
            Clock::Date
        }
    }
}

/// Appends `ms` since the epoch as a time in `zone`, with the `clock`'s detail.
pub fn time(out: &mut String, ms: f64, zone: &Zone, clock: Clock) {
    if !ms.is_finite() {
        out.push_str(GAP);
        return;
    }
    let offset = zone.offset(ms);
    let secs = ((ms / 1000.0).floor() as i64).saturating_add(offset * 60);
    let (days, s) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let _ = match clock {
        Clock::Full => write!(out, "{y:04}-{m:02}-{d:02} "),
        Clock::Date => write!(out, "{m:02}/{d:02} "),
        _ => Ok(()),
    };
    let _ = write!(out, "{:02}:{:02}", s / 3600, s % 3600 / 60);
    if matches!(clock, Clock::Seconds | Clock::Full) {
        let _ = write!(out, ":{:02}", s % 60);
    }
    if clock == Clock::Full {
        out.push_str(" UTC");
        if offset != 0 {
            out.push_str(if offset < 0 { "-" } else { "+" });
            let a = offset.abs();
            let _ = write!(out, "{:02}:{:02}", a / 60, a % 60);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentiles_read_as_the_backend_labels_them() {
        for (p, label) in [
            (95.0, "p95"),
            (99.9, "p99.9"),
            (99.9999, "p99.9999"),
            (0.0001, "p0.0001"),
            (50.05, "p50.05"),
            (100.0, "p100"),
        ] {
            let mut out = String::new();
            super::percentile(&mut out, p);
            assert_eq!(out, label);
        }
    }

    use super::*;
    use crate::sample::Rng;

    fn with(f: fn(&mut String, f64), v: f64) -> String {
        let mut s = String::new();
        f(&mut s, v);
        s
    }

    #[test]
    fn numbers_read_short_and_exact_enough() {
        assert_eq!(with(percent, 99.5), "99.5 %");
        assert_eq!(with(percent, 100.0), "100 %");
        assert_eq!(with(percent, 0.123), "0.12 %");
        assert_eq!(with(percent, f64::NAN), "–");
        assert_eq!(with(seconds, 0.045), "45 ms");
        assert_eq!(with(seconds, 0.0012), "1.2 ms");
        assert_eq!(with(seconds, 1.25), "1.25 s");
        assert_eq!(with(bytes, 512.0 * 1024.0 * 1024.0), "512 MiB");
        assert_eq!(with(bytes, 8.5 * 1024.0 * 1024.0 * 1024.0), "8.5 GiB");
        assert_eq!(with(rate, 12.34), "12.3/s");
        assert_eq!(with(rate, 0.5), "0.5/s");
        assert_eq!(with(rate, 25_300.0), "25.3k/s");
        assert_eq!(with(rate, -0.0), "0/s");
        assert_eq!(with(seconds, f64::INFINITY), "∞ s");
        assert_eq!(with(percent, f64::NEG_INFINITY), "-∞ %");
        assert_eq!(with(bytes, f64::INFINITY), "∞ GiB");
    }

    /// Values where fixed decimals are hard: ties, near ties, both ends of the range,
    /// subnormals, powers of two and ten, and random bit patterns.
    fn hard_values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            2.675,
            0.045,
            -0.001,
            -0.005,
            9.995,
            99.995,
            0.0049999999999999,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            9_007_199_254_740_992.0,
            9_007_199_254_740_993.0,
            4_503_599_627_370_495.5,
            18_446_744_073_709_551_616.0,
            1e300,
            1e23,
        ];
        for k in 0..4_000 {
            let k = f64::from(k);
            v.extend([
                k / 8.0,
                k / 16.0,
                k / 1000.0,
                k / 200.0,
                k / 2000.0,
                -k / 400.0,
            ]);
            v.extend([
                (k / 1000.0).next_up(),
                (k / 2000.0).next_down(),
                k * 1e6 / 3.0,
            ]);
        }
        for e in -1074..1024 {
            v.extend([2f64.powi(e), -(2f64.powi(e).next_up())]);
        }
        for e in -320..309 {
            v.push(format!("1e{e}").parse().unwrap());
        }
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..40_000 {
            v.push(f64::from_bits(rng.bits()));
            let small = (rng.bits() >> 11) as f64 / (1u64 << 53) as f64;
            v.push(small * [1.0, 100.0, 1e4, 1e9][(rng.bits() % 4) as usize]);
        }
        v
    }

    #[test]
    fn fixed_writes_what_std_writes() {
        let mut out = String::new();
        for v in hard_values() {
            for decimals in 0..=MAX_DECIMALS {
                out.clear();
                fixed(&mut out, v, decimals);
                assert_eq!(out, format!("{v:.decimals$}"), "{v:e} to {decimals}");
            }
        }
    }

    #[test]
    fn numbers_read_as_std_reads_them() {
        // Both read the same number, NaN as NaN, or neither reads one; f32 widened.
        let alike = |ours: Option<f64>, std: Option<f64>, s: &str| match (ours, std) {
            (Some(a), Some(b)) => assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{s:?}: {a:e}, std {b:e}"
            ),
            (a, b) => assert_eq!(a, b, "{s:?}"),
        };
        let same = |s: &str| {
            alike(parse_decimal(s), s.parse().ok(), s);
            let widened = |v: Option<f32>| v.map(f64::from);
            alike(widened(parse_decimal_f32(s)), widened(s.parse().ok()), s);
        };
        for s in [
            "95",
            "99.9",
            "50",
            "0",
            "-0",
            "+0",
            "0.65",
            "204",
            "255",
            "1.",
            ".5",
            "+.5",
            "-.5",
            "1e3",
            "1E-3",
            "1e+3",
            "2.5e-2",
            "0.000123",
            "00012",
            "1e22",
            "1e-22",
            "inf",
            "-INF",
            "+Infinity",
            "infinity",
            "NaN",
            "nan",
            "-nan",
            "",
            "+",
            "-",
            ".",
            "..1",
            "1..",
            "1.2.3",
            "e5",
            "1e",
            "1e+",
            "1e-",
            ".e1",
            " 1",
            "1 ",
            "1_000",
            "0x10",
            "1,5",
            "95%",
            "p95",
            "--1",
            "+-1",
            "infinit",
            "nana",
            "1e99999999999",
            "1e-99999999999",
            "0e99999999999",
            "00000000000000000000000000000.5",
            "0.0000000000000000000001",
        ] {
            same(s);
        }
        // What the backend writes for a percentile (`{p}`) and theme numbers.
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for k in 1..40_000 {
            same(&format!("{}", f64::from(k) / 1000.0));
            same(&format!("{}", f64::from(k % 256)));
            let digits = rng.bits() % 1_000_000_000_000_000;
            let decimals = (rng.bits() % 30) as usize;
            let s = format!("{digits}");
            let at = s.len().saturating_sub(decimals);
            same(&format!("{}.{}", &s[..at], &s[at..]));
            same(&format!("{digits}e{}", (rng.bits() % 45) as i32 - 22));
        }
    }

    #[test]
    fn long_numbers_read_close() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..30_000 {
            let v = f64::from_bits(rng.bits() >> 2);
            if !v.is_finite() || v == 0.0 {
                continue;
            }
            for s in [format!("{v}"), format!("{v:e}"), format!("{v:.30e}")] {
                let (ours, std) = (parse_decimal(&s).unwrap(), s.parse::<f64>().unwrap());
                let close = (ours / std - 1.0).abs() < 1e-14 || std < 1e-300;
                assert!(close, "{s}: {ours:e}, std {std:e}");
            }
        }
    }

    #[test]
    fn powers_of_ten_are_those_of_powf() {
        for n in -22..=22 {
            assert_eq!(pow10(n), 10f64.powf(f64::from(n)), "10^{n}");
        }
        // libm's pow, the WebAssembly build's before the table, is an ulp off at five of
        // them (a latency axis topped at 0.01 or 0.05 ms read its middle label 0 and
        // 0.02 ms in the browser, 0.01 and 0.03 ms natively; now both read the latter).
        let off: Vec<i32> = (-22..=22)
            .filter(|&n| pow10(n) != libm::pow(10.0, f64::from(n)))
            .collect();
        assert_eq!(off, [-21, -20, -17, -11, -5]);
        for n in -300..300 {
            let (ours, std) = (pow10(n), 10f64.powf(f64::from(n)));
            assert!(
                (ours / std - 1.0).abs() < 1e-14,
                "10^{n}: {ours:e}, {std:e}"
            );
        }
    }

    #[test]
    fn appends_without_touching_what_is_there() {
        let mut s = String::from("p95 ");
        seconds(&mut s, 0.62);
        assert_eq!(s, "p95 620 ms");
    }

    /// 2025-11-30 23:31:05 UTC.
    const T: f64 = 1_764_545_465_000.0;
    const MIN: f64 = 60_000.0;

    fn clock_in(ms: f64, zone: &Zone, clock: Clock) -> String {
        let mut s = String::new();
        time(&mut s, ms, zone, clock);
        s
    }

    fn time_in(ms: f64, zone: &Zone) -> String {
        clock_in(ms, zone, Clock::Full)
    }

    /// The axis's three labels over `t0..t1`, as the strip draws them.
    fn axis(t0: f64, t1: f64, zone: &Zone) -> [String; 3] {
        let detail = Clock::for_axis((t1 - t0) / 2.0, t1 - t0);
        [t0, (t0 + t1) / 2.0, t1].map(|t| clock_in(t, zone, detail))
    }

    /// Europe/Berlin in 2026: CET, CEST from 29 March 01:00 UTC to 25 October 01:00 UTC.
    fn berlin() -> Zone {
        Zone::new(|ms| {
            if (1_774_746_000_000.0..1_792_890_000_000.0).contains(&ms) {
                120.0
            } else {
                60.0
            }
        })
    }

    #[test]
    fn times_read_in_utc_by_default() {
        let utc = Zone::default();
        assert_eq!(time_in(T, &utc), "2025-11-30 23:31:05 UTC");
        assert_eq!(clock_in(T, &utc, Clock::Minutes), "23:31");
        assert_eq!(clock_in(T, &utc, Clock::Seconds), "23:31:05");
        assert_eq!(clock_in(T, &utc, Clock::Date), "11/30 23:31");
        assert_eq!(time_in(f64::NAN, &utc), "–");
        assert_eq!(clock_in(f64::INFINITY, &utc, Clock::Minutes), "–");
    }

    #[test]
    fn times_read_in_the_zone_with_its_offset() {
        let at = |minutes: f64| Zone::new(move |_| minutes);
        // Ahead of UTC, into the next day.
        assert_eq!(time_in(T, &at(60.0)), "2025-12-01 00:31:05 UTC+01:00");
        assert_eq!(clock_in(T, &at(60.0), Clock::Date), "12/01 00:31");
        // Behind.
        assert_eq!(time_in(T, &at(-300.0)), "2025-11-30 18:31:05 UTC-05:00");
        assert_eq!(clock_in(T, &at(-300.0), Clock::Minutes), "18:31");
        // Half-hour zones, both ways.
        assert_eq!(time_in(T, &at(330.0)), "2025-12-01 05:01:05 UTC+05:30");
        assert_eq!(time_in(T, &at(-210.0)), "2025-11-30 20:01:05 UTC-03:30");
        assert_eq!(clock_in(T, &at(345.0), Clock::Seconds), "05:16:05");
        // A zone that answers nonsense reads as UTC.
        for nonsense in [f64::NAN, f64::INFINITY, 1e9] {
            assert_eq!(time_in(T, &at(nonsense)), "2025-11-30 23:31:05 UTC");
        }
    }

    #[test]
    fn each_time_takes_the_offset_of_its_own_instant_across_daylight_saving() {
        let zone = berlin();
        // Spring: 01:30 CET, then the clock jumps an hour.
        let spring = 1_774_744_200_000.0; // 2026-03-29 00:30 UTC
        assert_eq!(
            axis(spring, spring + 120.0 * MIN, &zone),
            ["01:30", "03:30", "04:30"]
        );
        // Autumn: 02:40 CEST, then back to 02:00 CET.
        let autumn = 1_792_888_800_000.0; // 2026-10-25 00:40 UTC
        assert_eq!(
            axis(autumn, autumn + 40.0 * MIN, &zone),
            ["02:40", "02:00", "02:20"]
        );
        // The tooltip tells the two 02:20s apart.
        assert_eq!(
            time_in(autumn - 20.0 * MIN, &zone),
            "2026-10-25 02:20:00 UTC+02:00"
        );
        assert_eq!(
            time_in(autumn + 40.0 * MIN, &zone),
            "2026-10-25 02:20:00 UTC+01:00"
        );
    }

    #[test]
    fn short_ranges_show_seconds_and_long_ones_the_date() {
        let utc = Zone::default();
        let t0 = 1_764_516_550_000.0; // 2025-11-30 15:29:10 UTC
        assert_eq!(
            axis(t0, t0 + 40_000.0, &utc),
            ["15:29:10", "15:29:30", "15:29:50"]
        );
        assert_eq!(
            axis(t0, t0 + 3.0 * MIN, &utc),
            ["15:29:10", "15:30:40", "15:32:10"]
        );
        assert_eq!(axis(t0, t0 + 15.0 * MIN, &utc), ["15:29", "15:36", "15:44"]);
        assert_eq!(
            axis(t0, t0 + 23.0 * 60.0 * MIN, &utc),
            ["15:29", "02:59", "14:29"]
        );
        assert_eq!(
            axis(t0, t0 + 24.0 * 60.0 * MIN, &utc),
            ["11/30 15:29", "12/01 03:29", "12/01 15:29"]
        );
        assert_eq!(
            axis(t0, t0 + 3.0 * 24.0 * 60.0 * MIN, &utc),
            ["11/30 15:29", "12/02 03:29", "12/03 15:29"]
        );
        // No two labels read the same, in any zone, from two seconds to months.
        let zones = [-600.0, -210.0, 0.0, 330.0, 765.0].map(|m| Zone::new(move |_| m));
        for zone in &zones {
            let mut span = 2_000.0;
            while span < 300.0 * 24.0 * 60.0 * MIN {
                for start in [t0, t0 + 17_321.0, t0 + 59_999.0] {
                    let [a, b, c] = axis(start, start + span, zone);
                    assert!(a != b && b != c && a != c, "{span} ms: {a}, {b}, {c}");
                }
                span *= 1.3;
            }
        }
    }
}
