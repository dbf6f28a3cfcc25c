//! Legend templates, `{{job}} p{{percentile}}`, as Grafana's Prometheus datasource fills them.

use std::collections::BTreeMap;

/// Fills `{{label}}` placeholders from `labels`; a missing label becomes the empty string.
pub fn render(template: &str, labels: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..open + 2 + close].trim();
        if let Some(v) = labels.get(name) {
            out.push_str(v);
        }
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_trims_and_leaves_unknown_empty() {
        let labels: BTreeMap<String, String> = [("job".to_string(), "akosha".to_string())]
            .into_iter()
            .collect();
        assert_eq!(render("{{job}} p{{ percentile }}", &labels), "akosha p");
        assert_eq!(render("plain", &labels), "plain");
        assert_eq!(render("{{job", &labels), "{{job");
    }
}
