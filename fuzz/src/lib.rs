//! Fuzz targets of the MCP ecosystem datasource, one function per target.
//!
//! Each takes the fuzzer's bytes, feeds them to a public entry point of the plugin that
//! reads untrusted input, and asserts what must hold for any input (beyond not panicking):
//!
//! - [`query_model`]: a query's JSON ([`mcp_model::Query::parse`]) and the step rule
//!   ([`mcp_model::Step::new`]) over Grafana's time-range fields.
//! - [`settings`]: a datasource's URL, jsonData and secrets
//!   ([`mcp_plugin::settings::Settings::from_instance`], [`mcp_plugin::limit::Limit`]).
//! - [`prometheus_matrix`]: a `query_range` answer body through
//!   [`mcp_plugin::upstream::MatrixParser`], the push parser `query_range` uses, checked
//!   against itself fed in chunks and against [`mcp_plugin::upstream::oracle`], serde's
//!   reading, under the same verdict.
//!
//! `fuzz_targets/*.rs` wrap them for `cargo +nightly fuzz run <target>`; `tests/corpus.rs`
//! runs every seed and every crash reproducer in `regressions/` through the same functions
//! on stable with `cargo test`.

use grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings;
use mcp_model::{limits, Query, QueryType, Step};
use mcp_plugin::limit::Limit;
use mcp_plugin::settings::Settings;
use mcp_plugin::upstream::{oracle, parse_matrix, Envelope, Matrix, MatrixError, MatrixParser};

/// A secret no output may show.
pub const SENTINEL: &str = "fuzz-s3ntinel-SECRET";

/// Query JSON: the first byte picks the query type Grafana sends beside the JSON (or
/// none), the rest is the JSON. The last 40 bytes, when there are that many, also give
/// the five time fields of the step rule.
pub fn query_model(data: &[u8]) {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let types = QueryType::ALL;
    let sent_type = types
        .get(pick as usize % (types.len() + 1))
        .map_or("", |t| t.as_str());
    match Query::parse(json, sent_type) {
        Ok(q) => {
            if !sent_type.is_empty() {
                assert_eq!(q.query_type.as_str(), sent_type);
            }
            assert!(!q.percentiles.is_empty() || q.query_type != QueryType::RequestLatency);
            for p in &q.percentiles {
                assert!(*p > 0.0 && *p < 100.0, "percentile {p} accepted");
            }
            assert!(q.percentiles.len() <= limits::MAX_PERCENTILES);
            assert!(q.expr.chars().count() <= limits::MAX_EXPR_CHARS);
            assert!(q.filters.services.len() <= limits::MAX_FILTER_VALUES);
            assert!(
                (1..=limits::MAX_LIMIT).contains(&q.limit),
                "limit {} accepted",
                q.limit
            );
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }

    if data.len() >= 40 {
        let tail = &data[data.len() - 40..];
        let n = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&tail[i * 8..i * 8 + 8]);
            i64::from_le_bytes(b)
        };
        step(n(0), n(1), n(2), n(3), n(4));
    }
}

/// The step rule over the time fields Grafana can send. Grafana's times are epoch
/// milliseconds; the plugin takes them as they come, so the rule must hold for any
/// range within ±10,000 years of the epoch and any interval and point budget.
fn step(from: i64, to: i64, interval: i64, max_points: i64, scrape: i64) {
    const SPAN: i64 = 10_000 * 365 * 24 * 3600 * 1000;
    let clamp = |v: i64| v.clamp(-SPAN, SPAN);
    let (from, to) = (clamp(from), clamp(to));
    let (interval, max_points, scrape) = (clamp(interval), clamp(max_points), clamp(scrape));
    if to < from {
        return;
    }
    let s = Step::new(from, to, interval, max_points, scrape);
    assert!(s.step_ms > 0, "{s:?}");
    assert!(s.start_ms <= from && s.end_ms <= to, "{s:?}");
    assert!(
        s.points() <= mcp_model::step::MAX_POINTS,
        "{s:?} has {} points",
        s.points()
    );
}

/// Datasource settings: the first line is the URL, the rest is jsonData; every secure
/// key holds [`SENTINEL`], and basic auth is on when the URL line ends in `#b`.
pub fn settings(data: &[u8]) {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let url = String::from_utf8_lossy(&data[..split]).into_owned();
    let json = data.get(split + 1..).unwrap_or_default().to_vec();
    let basic_auth = url.ends_with("#b");
    let secure = [
        "basicAuthPassword",
        "httpHeaderValue1",
        "httpHeaderValue2",
        "tlsCACert",
        "tlsClientCert",
        "tlsClientKey",
    ]
    .iter()
    .map(|k| (k.to_string(), SENTINEL.to_string()))
    .collect();
    let ds = DataSourceInstanceSettings {
        id: 1,
        uid: "fuzz".to_string(),
        url,
        basic_auth_enabled: basic_auth,
        basic_auth_user: if basic_auth {
            "u".to_string()
        } else {
            String::new()
        },
        json_data: json.clone(),
        decrypted_secure_json_data: secure,
        last_updated_ms: 1,
        ..Default::default()
    };
    match Settings::from_instance(&ds) {
        Ok(s) => {
            let shown = format!("{s:?}");
            assert!(!shown.contains(SENTINEL), "secret in Debug output: {shown}");
            assert!(s.max_response_bytes >= 1024);
            assert!(!s.timeout.is_zero());
            assert!(s.scrape_interval_ms > 0);
            assert!(s.url.password().is_none(), "credentials kept in the URL");
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(!shown.contains(SENTINEL), "secret in an error: {shown}");
            assert!(shown.starts_with("setting "), "{shown}");
        }
    }
    match Limit::from_json_data(&json) {
        Ok(l) => assert!((1..=1024).contains(&l.max())),
        Err(e) => assert!(e.to_string().contains("maxConcurrentQueries")),
    }
}

/// A `query_range` body through the streaming parser `query_range` uses: the same answer
/// whether the body arrives whole, in small chunks or byte by byte, and the same series as
/// serde's reading whenever both accept it.
pub fn prometheus_matrix(data: &[u8]) {
    if skip_known_crashes() && has_digit_run(data, 19) {
        return;
    }
    let whole = MatrixParser::parse([data]);
    let step = 1 + data.len() % 13;
    let chunked = MatrixParser::parse(data.chunks(step));
    assert_eq!(
        verdict(&whole),
        verdict(&chunked),
        "chunks of {step} bytes change the answer"
    );
    if data.len() <= 4096 {
        let bytewise = MatrixParser::parse(data.chunks(1));
        assert_eq!(
            verdict(&whole),
            verdict(&bytewise),
            "byte-by-byte feeding changes the answer"
        );
    }
    if let Ok(r) = &whole {
        if let Some(m) = &r.data {
            for s in &m.result {
                assert_eq!(s.timestamps.len(), s.values.len());
            }
        }
    }
    if let (Ok(ours), Ok(reference)) = (parse_matrix(data), oracle::parse_matrix(data)) {
        assert_eq!(
            format!("{:?}", ours.data),
            format!("{:?}", reference.data),
            "streaming and serde readings differ"
        );
        assert_eq!(ours.warnings, reference.warnings);
    }
}

/// The answer, or the reason of the error without its byte offset: the offset of an
/// error found after a chunk boundary is not yet the same as for the whole body.
fn verdict(r: &Result<Envelope<Matrix>, MatrixError>) -> String {
    match r {
        Ok(answer) => format!("{answer:?}"),
        Err(e) => format!("error: {}", e.reason),
    }
}

/// With `MCP_FUZZ_SKIP_KNOWN=1`, inputs that reach a crash already recorded in
/// `regressions/` (and still open) are skipped, so a long run explores the rest. Off in
/// `cargo test`, which replays those crashes.
fn skip_known_crashes() -> bool {
    static SKIP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("MCP_FUZZ_SKIP_KNOWN").is_some_and(|v| v == "1"))
}

/// Whether `data` holds `n` ASCII digits in a row (the open timestamp overflow needs 19).
fn has_digit_run(data: &[u8], n: usize) -> bool {
    let mut run = 0;
    for &b in data {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
    }
    false
}
