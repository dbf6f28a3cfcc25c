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

/// `sum by (<by>) (rate(<selector>[<window>]))`.
pub fn sum_rate(selector: &Selector, by: &str, window: &str) -> String {
    format!("sum by ({by}) (rate({selector}[{window}]))")
}

/// The share of `part` in `all`, in percent, per `by`: 0 where `part` has no series but
/// `all` has (no failures is 0 % failures, not a gap); NaN where `all` is 0.
pub fn percent_of(part: &Selector, all: &Selector, by: &str, window: &str) -> String {
    ratio_percent(&sum_rate(part, by, window), &sum_rate(all, by, window))
}

/// `100 * (part or 0 * total) / total`, for two aggregations with the same labels.
pub fn ratio_percent(part: &str, total: &str) -> String {
    format!("100 * ({part} or 0 * {total}) / {total}")
}

/// `histogram_quantile(q, sum by (le, <by>) (rate(<buckets>[<window>])))`, `q` in 0..1.
pub fn quantile(q: f64, buckets: &Selector, by: &str, window: &str) -> String {
    format!("histogram_quantile({q}, sum by (le, {by}) (rate({buckets}[{window}])))")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    Eq(String, String),
    Ne(String, String),
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

    /// Keeps series whose `label` differs from `value`.
    pub fn not_eq(mut self, label: &str, value: &str) -> Selector {
        self.matchers
            .push(Matcher::Ne(label.to_string(), value.to_string()));
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
                Matcher::Ne(l, v) => write!(f, "{l}!={}", quote(v))?,
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
    fn builders_compose_escaped_selectors() {
        let all = Selector::new("c").one_of("job", &["a".to_string()]);
        let bad = all.clone().not_eq("status", "success");
        assert_eq!(
            sum_rate(&all, "job", "1m"),
            r#"sum by (job) (rate(c{job="a"}[1m]))"#
        );
        assert_eq!(
            percent_of(&bad, &all, "job", "1m"),
            r#"100 * (sum by (job) (rate(c{job="a", status!="success"}[1m])) or 0 * sum by (job) (rate(c{job="a"}[1m]))) / sum by (job) (rate(c{job="a"}[1m]))"#
        );
        assert_eq!(
            quantile(0.95, &Selector::new("h_bucket"), "job", "5m"),
            "histogram_quantile(0.95, sum by (le, job) (rate(h_bucket[5m])))"
        );
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
