//! No filter value, whatever UTF-8 it holds, changes the structure of the PromQL the
//! builders write: the text is parsed back with an independent PromQL parser
//! (`promql-parser`) and compared, node by node and matcher by matcher, with the query
//! the same builders write for harmless values.

use mcp_model::promql::{percent_of, quantile, quote, ratio_percent, sum_rate, Selector};
use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{self, Expr};
use proptest::prelude::*;

/// The shape of an expression: every node and every matcher's operator and label name,
/// without matcher values.
fn skeleton(e: &Expr, out: &mut String) {
    match e {
        Expr::Aggregate(a) => {
            out.push_str(&format!("agg:{}(", a.op));
            if let Some(m) = &a.modifier {
                out.push_str(&format!("by:{:?};", m.labels().labels));
            }
            if let Some(p) = &a.param {
                skeleton(p, out);
                out.push(',');
            }
            skeleton(&a.expr, out);
            out.push(')');
        }
        Expr::Binary(b) => {
            out.push_str(&format!("bin:{}(", b.op));
            skeleton(&b.lhs, out);
            out.push(',');
            skeleton(&b.rhs, out);
            out.push(')');
        }
        Expr::Paren(p) => {
            out.push('(');
            skeleton(&p.expr, out);
            out.push(')');
        }
        Expr::Call(c) => {
            out.push_str(&format!("call:{}(", c.func.name));
            for a in &c.args.args {
                skeleton(a, out);
                out.push(',');
            }
            out.push(')');
        }
        Expr::MatrixSelector(m) => {
            out.push_str(&format!("matrix:{:?}[", m.range));
            selector_skeleton(&m.vs.name, &m.vs.matchers.matchers, out);
            out.push(']');
        }
        Expr::VectorSelector(v) => selector_skeleton(&v.name, &v.matchers.matchers, out),
        Expr::NumberLiteral(n) => out.push_str(&format!("num:{}", n.val)),
        other => out.push_str(&format!("unexpected:{other:?}")),
    }
}

fn selector_skeleton(name: &Option<String>, matchers: &[Matcher], out: &mut String) {
    out.push_str(&format!("sel:{name:?}{{"));
    for m in matchers {
        let op = match m.op {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Re(_) => "=~",
            MatchOp::NotRe(_) => "!~",
        };
        out.push_str(&format!("{}{op},", m.name));
    }
    out.push('}');
}

/// Every vector selector's matchers, in order of appearance.
fn matchers(e: &Expr, out: &mut Vec<Vec<Matcher>>) {
    match e {
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                matchers(p, out);
            }
            matchers(&a.expr, out);
        }
        Expr::Binary(b) => {
            matchers(&b.lhs, out);
            matchers(&b.rhs, out);
        }
        Expr::Paren(p) => matchers(&p.expr, out),
        Expr::Call(c) => c.args.args.iter().for_each(|a| matchers(a, out)),
        Expr::MatrixSelector(m) => out.push(m.vs.matchers.matchers.clone()),
        Expr::VectorSelector(v) => out.push(v.matchers.matchers.clone()),
        _ => {}
    }
}

fn parse(promql: &str) -> Expr {
    parser::parse(promql)
        .unwrap_or_else(|e| panic!("generated PromQL does not parse: {e}\n{promql}"))
}

/// Filter values that try hard: PromQL and regex syntax, quotes, escapes, control
/// characters, and any Unicode at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(
            prop::sample::select(vec![
                "\"",
                "'",
                "`",
                "\\",
                "\\\"",
                "{",
                "}",
                "(",
                ")",
                "[",
                "]",
                "|",
                "=",
                "=~",
                "!~",
                ",",
                " or ",
                " and ",
                "vector(1)",
                ".*",
                ".+",
                "^",
                "$",
                "?",
                "*",
                "+",
                "\n",
                "\r",
                "\t",
                "\u{0}",
                "\u{7}",
                "\u{85}",
                "\u{2028}",
                "\u{feff}",
                "\\u0041",
                "\\x41",
                "\\n",
                "#",
                "a",
                "é",
                "✓",
                "𝄞",
                "job",
                "}[5m]",
                "offset 1h",
                "@ 0",
            ]),
            0..12,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

fn values() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(value(), 0..5)
}

/// The intended matcher for a one_of filter: checks the parsed one means exactly that.
fn assert_one_of(parsed: &Matcher, label: &str, wanted: &[String], probe: &str) {
    assert_eq!(parsed.name, label);
    match wanted {
        [] => unreachable!("no matcher is written for an empty filter"),
        [one] => {
            assert!(matches!(parsed.op, MatchOp::Equal), "{parsed:?}");
            assert_eq!(&parsed.value, one, "the value came back changed");
        }
        many => {
            assert!(matches!(parsed.op, MatchOp::Re(_)), "{parsed:?}");
            for v in many {
                assert!(
                    parsed.is_match(v),
                    "{v:?} not matched by {:?}",
                    parsed.value
                );
            }
            if !many.iter().any(|v| v == probe) {
                assert!(
                    !parsed.is_match(probe),
                    "{probe:?} matched by {:?} although not among {many:?}",
                    parsed.value
                );
            }
        }
    }
}

/// Harmless stand-ins with the same count, for the reference structure.
fn benign(values: &[String], prefix: &str) -> Vec<String> {
    (0..values.len()).map(|i| format!("{prefix}{i}")).collect()
}

fn selector(jobs: &[String], tools: &[String], status: &str) -> Selector {
    Selector::new("mcp_tool_calls_total")
        .one_of("job", jobs)
        .one_of("tool_name", tools)
        .not_eq("status", status)
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=100000 for a deep run.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn a_quoted_value_reads_back_unchanged(v in value()) {
        let e = parse(&format!("up{{job={}}}", quote(&v)));
        let mut got = Vec::new();
        matchers(&e, &mut got);
        prop_assert_eq!(got.len(), 1);
        prop_assert_eq!(&got[0][0].value, &v);
    }

    #[test]
    fn filter_values_never_change_the_query_structure(
        jobs in values(),
        tools in values(),
        status in value(),
        probe in value(),
    ) {
        let attacked = selector(&jobs, &tools, &status);
        let reference = selector(&benign(&jobs, "j"), &benign(&tools, "t"), "s");
        let all = Selector::new("mcp_tool_calls_total").one_of("job", &jobs);
        let all_ref = Selector::new("mcp_tool_calls_total").one_of("job", &benign(&jobs, "j"));
        let buckets = Selector::new("mcp_tool_duration_seconds_bucket").one_of("tool_name", &tools);
        let buckets_ref =
            Selector::new("mcp_tool_duration_seconds_bucket").one_of("tool_name", &benign(&tools, "t"));

        let cases = [
            (attacked.to_string(), reference.to_string()),
            (sum_rate(&attacked, "job, tool_name", "1m"), sum_rate(&reference, "job, tool_name", "1m")),
            (percent_of(&attacked, &all, "job", "5m"), percent_of(&reference, &all_ref, "job", "5m")),
            (quantile(0.95, &buckets, "job", "5m"), quantile(0.95, &buckets_ref, "job", "5m")),
            (
                ratio_percent(&sum_rate(&attacked, "job", "1m"), &sum_rate(&all, "job", "1m")),
                ratio_percent(&sum_rate(&reference, "job", "1m"), &sum_rate(&all_ref, "job", "1m")),
            ),
        ];
        for (text, reference_text) in &cases {
            let (got, want) = (parse(text), parse(reference_text));
            let (mut a, mut b) = (String::new(), String::new());
            skeleton(&got, &mut a);
            skeleton(&want, &mut b);
            prop_assert_eq!(&a, &b, "structure changed:\n{}\nvs\n{}", text, reference_text);
            prop_assert!(!a.contains("unexpected"), "{}", a);

            let mut sels = Vec::new();
            matchers(&got, &mut sels);
            for sel in &sels {
                for m in sel {
                    match m.name.as_str() {
                        "job" => assert_one_of(m, "job", &jobs, &probe),
                        "tool_name" => assert_one_of(m, "tool_name", &tools, &probe),
                        "status" => {
                            prop_assert!(matches!(m.op, MatchOp::NotEqual));
                            prop_assert_eq!(&m.value, &status);
                        }
                        "__name__" => {}
                        other => prop_assert!(false, "matcher on unexpected label {}", other),
                    }
                }
            }
        }
    }
}

#[test]
fn known_attacks_stay_values() {
    for attack in [
        r#""}) or vector(1) or (up{job=""#,
        "a\"} or on() vector(1) #",
        "\\\"}",
        ".*",
        "x|.*",
        "\u{0}\"}",
    ] {
        let one = Selector::new("up").one_of("job", &[attack.to_string()]);
        let many = Selector::new("up").one_of("job", &[attack.to_string(), "b".to_string()]);
        for text in [one.to_string(), many.to_string()] {
            let mut got = Vec::new();
            matchers(&parse(&text), &mut got);
            assert_eq!(got.len(), 1, "{text}");
            assert_eq!(got[0].len(), 1, "{text}");
            assert!(got[0][0].is_match(attack), "{text}");
            assert!(!got[0][0].is_match("anything-else"), "{text}");
        }
    }
}
