//! Substrings of the few texts the panel takes apart: a link template's variable, a row's
//! reasons. Found byte by byte, not by `str::replace` and `str::split`: their two-way
//! searcher is 2 KB of the renderer's WebAssembly (1 KB gzip), and these texts are short.

/// Where `pattern` first occurs in `text`; never for an empty `pattern`.
fn find(text: &str, pattern: &str) -> Option<usize> {
    let (t, p) = (text.as_bytes(), pattern.as_bytes());
    if p.is_empty() {
        return None;
    }
    // UTF-8 is self-synchronising: bytes equal to a whole character sequence start and
    // end on character boundaries, so the slices around a match are whole texts.
    t.windows(p.len()).position(|w| w == p)
}

/// `text` with each `pattern` (not empty) replaced by `with`, as `str::replace` writes it.
pub fn replace(text: &str, pattern: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find(rest, pattern) {
        out.push_str(&rest[..i]);
        out.push_str(with);
        rest = &rest[i + pattern.len()..];
    }
    out.push_str(rest);
    out
}

/// The parts of `text` between each `separator` (not empty), as `str::split` gives them.
pub fn split<'a>(text: &'a str, separator: &'a str) -> impl Iterator<Item = &'a str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        Some(match find(t, separator) {
            Some(i) => {
                rest = Some(&t[i + separator.len()..]);
                &t[..i]
            }
            None => {
                rest = None;
                t
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_splits_as_str_does() {
        let texts = [
            "",
            "; ",
            "a; b",
            "; a; ; b; ",
            "target down; p95 620 ms, over 500 ms",
            "/d/svc?var-service=${service}&from=${service}",
            "${service}",
            "${servic",
            "aaaa",
            "ünï; cödé; 😀; ",
            "http://tempo/trace/${__value.raw}",
        ];
        for text in texts {
            for pattern in ["; ", "${service}", "${__value.raw}", "aa", "😀", "é"] {
                assert_eq!(
                    replace(text, pattern, "X/y"),
                    text.replace(pattern, "X/y"),
                    "{text} {pattern}"
                );
                assert_eq!(
                    split(text, pattern).collect::<Vec<_>>(),
                    text.split(pattern).collect::<Vec<_>>(),
                    "{text} {pattern}"
                );
            }
        }
    }
}
