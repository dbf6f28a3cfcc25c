//! The Prometheus alert rules users get (`provisioning/prometheus/rules/alerts.yml`) judge
//! shares as the plugin's status does: a success share alerts under the critical bound of
//! the default `toolSuccessPercent` band, and every share only over the fewest calls the
//! plugin judges a share over ([`enough_calls`]).

use mcp_model::{Band, Direction, Thresholds};

use super::table::enough_calls;

const ALERTS: &str = include_str!("../../../../provisioning/prometheus/rules/alerts.yml");

/// The text of alert `name`'s rule, up to the next rule.
fn rule(name: &str) -> &'static str {
    let header = format!("- alert: {name}\n");
    let start = ALERTS
        .find(&header)
        .unwrap_or_else(|| panic!("alerts.yml has no alert {name}"))
        + header.len();
    let end = ALERTS[start..]
        .find("- alert:")
        .map_or(ALERTS.len(), |i| start + i);
    &ALERTS[start..end]
}

/// The `expr` of alert `name` with its lines joined by single spaces.
fn expr(name: &str) -> String {
    let mut lines = rule(name).lines().map(str::trim);
    let first = lines
        .find(|l| l.starts_with("expr:"))
        .unwrap_or_else(|| panic!("alert {name} has no expr"));
    let mut words: Vec<&str> = first["expr:".len()..]
        .split_whitespace()
        .filter(|w| *w != "|")
        .collect();
    for line in lines.take_while(|l| !l.starts_with("for:")) {
        words.extend(line.split_whitespace());
    }
    words.join(" ")
}

/// The fewest calls over which the plugin judges a share in `band`.
fn fewest_calls(band: Band) -> u32 {
    let n = (1..=10_000)
        .find(|&n| enough_calls(band, f64::from(n)))
        .unwrap_or_else(|| panic!("no count of calls is enough under {band:?}"));
    assert!(
        !enough_calls(band, f64::from(n) - 0.001),
        "under {band:?} the plugin judges shares over fewer than {n} calls"
    );
    n
}

#[test]
fn success_alerts_fire_where_the_plugin_says_critical_over_as_many_calls() {
    let band = Thresholds::default().tool_success_percent;
    let (bound, calls) = (band.critical / 100.0, fewest_calls(band));
    for (alert, share, rate, by) in [
        (
            "MCPToolSuccessLow",
            "mcp:tool_success:ratio5m",
            "mcp:tool_calls:rate5m",
            "job, tool_name",
        ),
        (
            "MCPOtelToolSuccessLow",
            "mcp:otel_tool_success:ratio5m",
            "mcp:otel_tool_calls:rate5m",
            "job, gen_ai_tool_name",
        ),
        (
            "MCPAgentTaskSuccessLow",
            "mcp:agent_success:ratio5m",
            "mcp:agent_tasks:rate5m",
            "job, agent_type",
        ),
        (
            "MCPWorkflowSuccessLow",
            "mcp:workflow_success:ratio5m",
            "mcp:workflows:rate5m",
            "job, adapter",
        ),
    ] {
        assert_eq!(
            expr(alert),
            format!("{share} < {bound} - 1e-12 and on ({by}) {rate} * 300 >= {calls} - 1e-12"),
            "{alert}"
        );
        let said = format!("under {} %", band.critical);
        assert!(rule(alert).contains(&said), "{alert} should say {said}");
    }
}

/// The plugin has no band for the 5xx share; the alert waits, as the plugin waits for a
/// success share, until one failure cannot by itself pass its bound of 5 %.
#[test]
fn the_error_alert_waits_for_as_many_requests_as_a_share_at_its_bound() {
    let bound = 0.05;
    let band = Band {
        warn: 100.0 * (1.0 - bound),
        critical: 100.0 * (1.0 - bound),
        direction: Direction::LowerIsWorse,
    };
    let requests = fewest_calls(band);
    assert_eq!(
        expr("MCPHighErrorRate"),
        format!(
            "mcp:http_errors:ratio5m > {bound} + 1e-12 and on (job) \
             mcp:http_requests:rate5m * 300 >= {requests} - 1e-12"
        )
    );
}
