//! The panel in words, for screen readers: counts first, then what needs action.

use std::fmt::Write;

use mcp_model::Status;

use crate::format;
use crate::summary::Summary;

/// How many non-ok services, tools and pools are named before "and N more".
const NAMED: usize = 10;

/// A text alternative of the panel.
pub fn describe(s: &Summary) -> String {
    let mut out = String::new();
    let [ok, warn, critical] = s.counts();
    let n = s.services.len();
    let _ = write!(
        out,
        "MCP ecosystem: {n} {}, {critical} critical, {warn} warn, {ok} ok.",
        format::noun(n, ("service", "services"))
    );
    for status in [Status::Critical, Status::Warn] {
        let bad: Vec<_> = s.services.iter().filter(|x| x.status == status).collect();
        if bad.is_empty() {
            continue;
        }
        let _ = write!(out, " {}:", capitalised(status.as_str()));
        for (i, svc) in bad.iter().take(NAMED).enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            let _ = write!(out, "{sep}{}", svc.name);
            if !svc.reasons.is_empty() {
                let _ = write!(out, " ({})", svc.reasons.join(", "));
            }
        }
        more(&mut out, bad.len());
    }
    let failing: Vec<_> = s.tools.iter().filter(|t| t.status != Status::Ok).collect();
    if !failing.is_empty() {
        out.push_str(" Tools below their success band:");
        for (i, t) in failing.iter().take(NAMED).enumerate() {
            let _ = write!(
                out,
                "{}{} on {} at ",
                if i == 0 { " " } else { ", " },
                t.name,
                t.service
            );
            format::percent(&mut out, t.success);
        }
        more(&mut out, failing.len());
    }
    let exhausted: Vec<_> = s.pools.iter().filter(|p| p.exhausted()).collect();
    if !exhausted.is_empty() {
        out.push_str(" Pools without active workers:");
        for (i, p) in exhausted.iter().take(NAMED).enumerate() {
            let _ = write!(
                out,
                "{}{}/{}",
                if i == 0 { " " } else { ", " },
                p.service,
                p.name
            );
        }
        more(&mut out, exhausted.len());
    }
    latest_latency(&mut out, s);
    let e = &s.exemplars;
    if !e.is_empty() {
        let failed = e.failing.iter().filter(|&&f| f).count();
        let n = e.len();
        let noun = format::noun(n, ("exemplar", "exemplars"));
        let _ = write!(out, " {n} {noun}, {failed} of failed requests");
        let slowest = (0..e.len())
            .filter(|&i| e.value[i].is_finite())
            .max_by(|&a, &b| e.value[a].total_cmp(&e.value[b]));
        if let Some(i) = slowest {
            out.push_str("; the slowest took ");
            format::seconds(&mut out, e.value[i]);
            let _ = write!(out, ", trace {}", e.trace_id(i));
        }
        out.push('.');
    }
    out
}

/// The strip in words: for each percentile, the highest of the lines' latest values inside
/// the strip's time span, and whose it is ([`Summary::highest_latest`]).
fn latest_latency(out: &mut String, s: &Summary) {
    let newest = s.newest_latency();
    let mut said = false;
    for &p in &s.percentiles {
        let Some(highest) = s.highest_latest(p, newest) else {
            continue;
        };
        out.push_str(if said {
            ", "
        } else {
            " Request latency, latest: "
        });
        said = true;
        format::percentile(out, p);
        out.push(' ');
        format::seconds(out, highest.value);
        let service = &s.latency[highest.line].service;
        if !service.is_empty() {
            let _ = write!(out, " ({service})");
        }
    }
    if said {
        out.push('.');
    }
}

fn more(out: &mut String, n: usize) {
    if n > NAMED {
        let _ = write!(out, " and {} more", n - NAMED);
    }
    out.push('.');
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn the_text_names_counts_problems_and_the_slowest_trace() {
        let s = sample::ecosystem(12, 6, 50, 200);
        let text = describe(&s);
        let [ok, warn, critical] = s.counts();
        assert!(
            text.starts_with(&format!(
                "MCP ecosystem: 12 services, {critical} critical, {warn} warn, {ok} ok."
            )),
            "{text}"
        );
        assert!(text.contains("Critical: "), "{text}");
        assert!(text.contains("akosha (target down)"), "{text}");
        assert!(text.contains("deploy on mahavishnu at 62.5 %"), "{text}");
        assert!(text.contains("mahavishnu/io"), "{text}");
        assert!(text.contains("200 exemplars"), "{text}");
        assert!(text.contains("the slowest took"), "{text}");
    }

    #[test]
    fn the_text_gives_each_percentiles_highest_latest_latency_and_whose_it_is() {
        let mut s = sample::ecosystem(3, 2, 10, 0);
        let time: std::rc::Rc<[f64]> = vec![1_000.0, 2_000.0, 3_000.0].into();
        let line = |service: &str, percentile: f64, value: Vec<f64>| crate::summary::Series {
            service: service.to_owned(),
            percentile,
            time: time.clone(),
            value,
        };
        s.latency = vec![
            line("akosha", 95.0, vec![0.9, 0.2, f64::NAN]),
            line("mahavishnu", 95.0, vec![0.1, 0.3, 0.25]),
            line("akosha", 99.0, vec![0.5, 0.5, 2.0]),
            // Down since the first sample: its 5 s is not the latest.
            line("session-buddy", 99.0, vec![5.0, f64::NAN, f64::NAN]),
        ];
        s.percentiles = vec![95.0, 99.0];
        s.time_range = (0.0, 3_000.0);
        let text = describe(&s);
        // akosha's p95 ends in a one-step gap: its latest is 200 ms, under mahavishnu's 250.
        assert!(
            text.contains(" Request latency, latest: p95 250 ms (mahavishnu), p99 2 s (akosha)."),
            "{text}"
        );
        // A sample after the strip's span is not its latest.
        s.time_range = (0.0, 2_500.0);
        let text = describe(&s);
        assert!(text.contains("p99 500 ms (akosha)"), "{text}");
        s.latency.clear();
        assert!(!describe(&s).contains("Request latency"));
    }

    #[test]
    fn one_service_and_one_exemplar_are_singular() {
        let text = describe(&sample::ecosystem(1, 2, 10, 1));
        assert!(text.starts_with("MCP ecosystem: 1 service, "), "{text}");
        assert!(text.contains(" 1 exemplar, "), "{text}");
    }
}
