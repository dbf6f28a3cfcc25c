//! Criterion benchmarks of the streaming matrix parser: throughput per payload size, fed in
//! 16 KiB chunks as the HTTP body arrives, with and without Arrow IPC encoding, and fed the
//! whole body at once, beside the serde reader it replaced (`serde_seed_parse`, the
//! oracle of the tests) on the same whole body, both judged by the same verdict.
//!
//! ```text
//! cargo bench -p mcp-plugin --bench matrix              # full run
//! cargo bench -p mcp-plugin --bench matrix -- --quick   # short
//! MCP_BENCH_SERIES=10,100 cargo bench -p mcp-plugin --bench matrix
//! ```
//!
//! The payloads are synthetic here (1000 points per series, labels of realistic length,
//! values as Prometheus formats them, with NaN and ±Inf); the converter comparison against
//! Grafana's Go converter uses payloads scaled from a real Prometheus answer
//! (`bench/run_converter.sh`).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mcp_frames::{Field, FieldConfig, Frame, FrameMeta, FrameType};
use mcp_plugin::upstream::{oracle, parse_matrix, MatrixParser};

const POINTS: usize = 1000;
const CHUNK: usize = 16 * 1024;

fn payload(series: usize) -> Vec<u8> {
    let mut s = String::from(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..series {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"metric":{{"__name__":"mcp_http_requests_total","instance":"127.0.0.1:{}","job":"mcp-{}","method":"tools/call","status":"200"}},"values":["#,
            9000 + i % 1000,
            i / 1000
        ));
        for p in 0..POINTS {
            if p > 0 {
                s.push(',');
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let value = match x % 1000 {
                0 => "NaN".to_string(),
                1 => "+Inf".to_string(),
                2 => "-Inf".to_string(),
                v => format!("{}", (v as f64) * 0.0137 + (p as f64) * 1.5),
            };
            s.push_str(&format!(
                "[{}.{:03},\"{value}\"]",
                1_700_000_000 + p * 15,
                p % 4 * 250
            ));
        }
        s.push_str("]}");
    }
    s.push_str("]}}");
    s.into_bytes()
}

fn sizes() -> Vec<usize> {
    std::env::var("MCP_BENCH_SERIES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1000])
}

fn bench(c: &mut Criterion) {
    for series in sizes() {
        let body = payload(series);
        let mut group = c.benchmark_group(format!("matrix/{series}x{POINTS}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.sample_size(10);
        group.bench_function("stream_parse", |b| {
            b.iter(|| {
                let mut parser = MatrixParser::new();
                for chunk in body.chunks(CHUNK) {
                    parser.feed(chunk).expect("valid payload");
                }
                black_box(parser.finish().expect("valid payload"))
            })
        });
        group.bench_function("stream_parse_to_arrow", |b| {
            b.iter(|| {
                let mut parser = MatrixParser::new();
                for chunk in body.chunks(CHUNK) {
                    parser.feed(chunk).expect("valid payload");
                }
                let answer = parser.finish().expect("valid payload");
                let mut out = 0usize;
                for s in answer.data.map(|d| d.result).unwrap_or_default() {
                    let frame = Frame::new("")
                        .with_field(Field::time("Time", s.timestamps))
                        .with_field(
                            Field::nullable_f64_dense("Value", s.values).with_labels(s.labels),
                        );
                    out += frame.into_arrow_ipc().expect("encodes").len();
                }
                black_box(out)
            })
        });
        group.bench_function("whole_body_parse", |b| {
            b.iter(|| black_box(parse_matrix(&body).expect("valid payload")))
        });
        group.bench_function("serde_seed_parse", |b| {
            b.iter(|| black_box(oracle::parse_matrix(&body).expect("valid payload")))
        });
        group.finish();
    }
}

/// The per-frame cost of Arrow IPC encoding, apart from parsing: one `timeseries-multi`
/// frame as the plugin shapes it (labels, meta, field config), 240 and 1000 points.
fn frame_ipc(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_ipc");
    for points in [240usize, 1000] {
        let times: Vec<i64> = (0..points as i64)
            .map(|i| 1_700_000_000_000 + i * 15_000)
            .collect();
        let values: Vec<f64> = (0..points).map(|i| i as f64 * 0.37).collect();
        group.bench_function(format!("{points}_points"), |b| {
            b.iter(|| {
                let frame = Frame::new(r#"{instance="10.0.0.1:9100", job="mcp-server-01"}"#)
                    .with_meta(
                        FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
                            .with_executed_query("Expr: bench_1000\nStep: 15s"),
                    )
                    .with_field(Field::time("Time", times.clone()).with_config(FieldConfig {
                        interval: Some(15_000.0),
                        ..FieldConfig::default()
                    }))
                    .with_field(
                        Field::nullable_f64_dense("Value", values.clone())
                            .with_labels([
                                ("instance", "10.0.0.1:9100"),
                                ("job", "mcp-server-01"),
                                ("series", "00001"),
                            ])
                            .with_config(FieldConfig::with_unit("none")),
                    );
                black_box(frame.into_arrow_ipc().expect("encodes"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, frame_ipc);
criterion_main!(benches);
