//! PromQL text built so that no value can change a query's structure.
//!
//! Every label value goes through [`quote`]; a set of values becomes an anchored regex of
//! [`regex_escape`]d alternatives. Metric and label names come from the catalogue or from
//! settings and are checked with [`is_valid_metric_name`] / [`is_valid_label_name`] before use.

use std::fmt;

/// Quotes `value` as a PromQL double-quoted string literal.
///
/// Backslash, quote and every control character are escaped, so the literal always ends
/// where we end it, whatever UTF-8 the value holds.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes RE2 metacharacters so `value` matches only itself inside a regex.
pub fn regex_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `name` is a valid Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub fn is_valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Whether `name` is a valid Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
pub fn is_valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    Eq(String, String),
    Re(String, String),
}

/// A vector selector, `metric{label="value", ...}`, rendered by `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    metric: String,
    matchers: Vec<Matcher>,
}

impl Selector {
    /// A selector for `metric` (a name from the catalogue) with no matchers yet.
    pub fn new(metric: impl Into<String>) -> Selector {
        Selector {
            metric: metric.into(),
            matchers: Vec::new(),
        }
    }

    /// A selector over several metrics: `{__name__=~"a|b"}`.
    pub fn any_of_metrics(names: &[String]) -> Selector {
        Selector::new("").one_of("__name__", names)
    }

    /// Keeps series whose `label` equals `value`.
    pub fn eq(mut self, label: &str, value: &str) -> Selector {
        self.matchers
            .push(Matcher::Eq(label.to_string(), value.to_string()));
        self
    }

    /// Keeps series whose `label` matches `pattern`, a regex written by us, never by a user.
    pub fn matches(mut self, label: &str, pattern: &str) -> Selector {
        self.matchers
            .push(Matcher::Re(label.to_string(), pattern.to_string()));
        self
    }

    /// Keeps series whose `label` is exactly one of `values`; no values keeps all.
    pub fn one_of(self, label: &str, values: &[String]) -> Selector {
        match values {
            [] => self,
            [one] => self.eq(label, one),
            many => {
                let alternatives: Vec<String> = many.iter().map(|v| regex_escape(v)).collect();
                self.matches(label, &alternatives.join("|"))
            }
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.metric)?;
        if self.matchers.is_empty() && !self.metric.is_empty() {
            return Ok(());
        }
        f.write_str("{")?;
        for (i, m) in self.matchers.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match m {
                Matcher::Eq(l, v) => write!(f, "{l}={}", quote(v))?,
                Matcher::Re(l, v) => write!(f, "{l}=~{}", quote(v))?,
            }
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_everything_that_could_end_the_literal() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\u{7}"), r#""x\ny\u0007""#);
        assert_eq!(quote("ünï ✓"), "\"ünï ✓\"");
    }

    #[test]
    fn injection_attempt_stays_one_value() {
        let attack = r#""}) or vector(1) or (up{job=""#;
        let sel = Selector::new("up").one_of("job", &[attack.to_string()]);
        assert_eq!(
            sel.to_string(),
            r#"up{job="\"}) or vector(1) or (up{job=\""}"#
        );
    }

    #[test]
    fn several_values_become_an_escaped_alternation() {
        let sel = Selector::new("m").one_of("job", &["a.b".to_string(), "c|d".to_string()]);
        assert_eq!(sel.to_string(), r#"m{job=~"a\\.b|c\\|d"}"#);
    }

    #[test]
    fn names_are_checked() {
        assert!(is_valid_metric_name("mcp:http_requests:rate5m"));
        assert!(!is_valid_metric_name("1abc"));
        assert!(!is_valid_metric_name("up{job=\"x\"}"));
        assert!(is_valid_label_name("tool_name"));
        assert!(!is_valid_label_name("tool-name"));
        assert!(!is_valid_label_name(""));
    }
}
