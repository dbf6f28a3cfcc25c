//! Numbers as the panel writes them, appended to a reused `String` (no allocation once
//! the string has grown). A gap (NaN) reads as an en dash.

use std::fmt::Write;

const GAP: &str = "–";

/// Appends `v` with at most `decimals` decimals, trailing zeros dropped, and thousands
/// shortened (`1.2k`, `3.4M`).
pub fn number(out: &mut String, v: f64, decimals: usize) {
    if v.is_nan() {
        out.push_str(GAP);
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
    let _ = write!(out, "{v:.decimals$}");
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn appends_without_touching_what_is_there() {
        let mut s = String::from("p95 ");
        seconds(&mut s, 0.62);
        assert_eq!(s, "p95 620 ms");
    }
}
