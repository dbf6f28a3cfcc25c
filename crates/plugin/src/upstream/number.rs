//! Sample values and times as Prometheus writes them, read exactly: the one definition of
//! a sample value ([`parse_value`]) and of a timestamp ([`seconds_to_ms`]) for every
//! reader of the API, and the allocation-free fast paths the streaming parser takes for
//! the common spellings, which give the same bits.

/// Seconds with at most three decimals as milliseconds, exactly what
/// `(seconds * 1000).round()` gives for them.
#[inline]
pub(super) fn fast_time(chunk: &[u8], mut p: usize) -> Option<(i64, usize)> {
    let start = p;
    let mut whole: i64 = 0;
    // Beyond 12 digits the float path decides; stopping at 13 keeps the sum in range.
    while let Some(&b @ b'0'..=b'9') = chunk.get(p) {
        if p - start == 12 {
            return None;
        }
        whole = whole * 10 + i64::from(b - b'0');
        p += 1;
    }
    let digits = p - start;
    // JSON has no leading zeros.
    if digits == 0 || (digits > 1 && chunk[start] == b'0') {
        return None;
    }
    let mut ms = whole * 1000;
    if chunk.get(p) == Some(&b'.') {
        p += 1;
        let frac_start = p;
        let mut frac: i64 = 0;
        while let Some(&b @ b'0'..=b'9') = chunk.get(p) {
            if p - frac_start == 3 {
                return None;
            }
            frac = frac * 10 + i64::from(b - b'0');
            p += 1;
        }
        ms += match p - frac_start {
            1 => frac * 100,
            2 => frac * 10,
            3 => frac,
            _ => return None,
        };
    }
    // The number must visibly end inside this chunk.
    match chunk.get(p)? {
        b'e' | b'E' | b'.' | b'+' | b'-' => None,
        _ => Some((ms, p)),
    }
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A sample value: the special spellings, and plain decimals of up to 19 digits, computed
/// exactly (the same bits as `str::parse`, which everything else goes through): one
/// division of two exact floats when the digits fit 53 bits (Clinger's fast path), else
/// integer division by the power of ten with round-half-even.
#[inline]
pub(super) fn fast_value(s: &[u8]) -> Option<f64> {
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'N' | b'+' | b'I' => return parse_value(s),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac = 0usize;
    let mut seen_dot = false;
    let mut i = 0;
    while i < digits.len() {
        match digits[i] {
            b @ b'0'..=b'9' => {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                count += 1;
                if seen_dot {
                    frac += 1;
                }
            }
            b'.' if !seen_dot && i > 0 && i + 1 < digits.len() => seen_dot = true,
            _ => return parse_value(s),
        }
        i += 1;
    }
    if count == 0 || count > 19 {
        return parse_value(s);
    }
    let v = if mantissa <= 1u64 << 53 && frac < POW10.len() {
        mantissa as f64 / POW10[frac]
    } else if frac == 0 {
        // u64 to f64 rounds to nearest, ties to even.
        mantissa as f64
    } else if frac < POW10_U64.len() {
        div_pow10(mantissa, frac)
    } else {
        return parse_value(s);
    };
    Some(if negative { -v } else { v })
}

const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `floor(2^128 / 10^f)`; 10^f is never a power of two, so `u128::MAX / 10^f` is that.
const RECIPROCAL: [u128; 20] = {
    let mut t = [0u128; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = u128::MAX / POW10_U64[i] as u128;
        i += 1;
    }
    t
};

/// `m / 10^f` rounded to nearest, ties to even, for `m > 2^53` and `1 <= f <= 19`.
fn div_pow10(m: u64, f: usize) -> f64 {
    let q = u128::from(POW10_U64[f]);
    let lz = m.leading_zeros();
    // n in [2^63, 2^64); the quotient floor(n * 2^64 / q) then has 64 to 124 bits.
    let n = u128::from(m << lz);
    let t = RECIPROCAL[f];
    // floor(n * t / 2^64) is the quotient or one less, since t > 2^128 / q - 1.
    let mut quotient = n * (t >> 64) + ((n * (t & u128::from(u64::MAX))) >> 64);
    let mut rest = (n << 64).wrapping_sub(quotient.wrapping_mul(q));
    if rest >= q {
        quotient += 1;
        rest -= q;
    }
    let bits = 128 - quotient.leading_zeros();
    let shift = bits - 53;
    let mut mantissa = (quotient >> shift) as u64;
    let low = quotient & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if low > half || (low == half && (rest != 0 || mantissa & 1 == 1)) {
        // 2^53 after rounding up is still exact.
        mantissa += 1;
    }
    let exponent = shift as i32 - 64 - lz as i32;
    mantissa as f64 * f64::from_bits(((exponent + 1023) as u64) << 52)
}

/// A sample value as Prometheus writes it: a number, `NaN`, `+Inf`, `Inf` or `-Inf`.
pub(super) fn parse_value(s: &[u8]) -> Option<f64> {
    match s {
        b"NaN" => Some(f64::NAN),
        b"+Inf" | b"Inf" => Some(f64::INFINITY),
        b"-Inf" => Some(f64::NEG_INFINITY),
        _ => parse_f64(s),
    }
}

pub(super) fn parse_f64(s: &[u8]) -> Option<f64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

pub(super) fn seconds_to_ms(seconds: f64) -> i64 {
    // `as` saturates: out-of-range times become i64 bounds, refused later by the frames.
    (seconds * 1000.0).round() as i64
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
pub(super) fn is_json_number(s: &[u8]) -> bool {
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if s.first() == Some(&b'-') {
        i += 1;
    }
    match s.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == s.len()
}
