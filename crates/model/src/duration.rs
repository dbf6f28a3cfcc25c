//! Prometheus durations (`15s`, `1m30s`, `500ms`), in milliseconds.

use thiserror::Error;

/// A text that is not a Prometheus duration.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{value:?} is not a Prometheus duration (examples: 30s, 5m, 1h30m)")]
pub struct DurationError {
    /// The text as given.
    pub value: String,
}

/// Parses a Prometheus duration such as `1h30m` or `250ms` into milliseconds.
///
/// A bare number is taken as seconds, as Grafana does for `timeInterval`.
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    let err = || DurationError {
        value: text.to_string(),
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(err());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return secs.checked_mul(1000).ok_or_else(err);
    }
    let bytes = s.as_bytes();
    let mut total: u64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(err());
        }
        let n: u64 = s[start..i].parse().map_err(|_| err())?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let factor = match &s[unit_start..i] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            "y" => 31_536_000_000,
            _ => return Err(err()),
        };
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(err)?;
    }
    Ok(total)
}

/// Formats milliseconds as the shortest Prometheus duration (`90000` -> `1m30s`).
pub fn format_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let units = [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    let mut rest = ms;
    let mut out = String::new();
    for (name, size) in units {
        if rest >= size {
            out.push_str(&(rest / size).to_string());
            out.push_str(name);
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_and_bare_durations() {
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000);
        assert_eq!(parse_duration("250ms").unwrap(), 250);
        assert_eq!(parse_duration("15").unwrap(), 15_000);
        assert_eq!(parse_duration(" 5m ").unwrap(), 300_000);
    }

    #[test]
    fn rejects_what_prometheus_rejects() {
        for bad in ["", "m5", "5x", "1.5m", "-1m", "5m3"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            parse_duration("5x").unwrap_err().to_string(),
            "\"5x\" is not a Prometheus duration (examples: 30s, 5m, 1h30m)"
        );
    }

    #[test]
    fn formats_round_trip() {
        for ms in [1, 999, 1_000, 15_000, 90_000, 5_400_000, 86_400_000 + 1] {
            assert_eq!(parse_duration(&format_duration(ms)).unwrap(), ms);
        }
        assert_eq!(format_duration(90_000), "1m30s");
    }
}
