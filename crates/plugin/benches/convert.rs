//! The converter harness: a Prometheus `query_range` answer read from a file as a stream
//! (64 KiB reads), parsed by the plugin's streaming parser into sample vectors, shaped
//! into `timeseries-multi` frames as the plugin shapes them, and encoded as Arrow IPC.
//! Its Go twin is `bench/peer` (`peer convert`), which runs Grafana's own converter.
//!
//! ```text
//! cargo bench -p mcp-plugin --bench convert -- FILE [--reps N] [--out FRAMES] [--chunk BYTES]
//!     [--parse-only]
//! ```
//!
//! `--parse-only` stops after the parser (no frames, no Arrow), to split the cost.
//!
//! Prints one JSON line: bytes, series, points, the best and median wall time of `reps`
//! runs, throughput in MB/s (1e6 bytes) from the median wall time and from the median CPU
//! time (robust on a shared machine), and the process's peak RSS (`VmHWM`). `--out` writes every frame as `u64 LE length + Arrow IPC file`, the format
//! `peer compare` reads.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use mcp_frames::{Field, FieldConfig, Frame, FrameMeta, FrameType};
use mcp_plugin::upstream::{MatrixParser, Series};

struct Args {
    file: String,
    reps: usize,
    out: Option<String>,
    chunk: usize,
    parse_only: bool,
}

fn args() -> Result<Args, String> {
    let mut file = None;
    let mut reps = 1;
    let mut out = None;
    let mut chunk = 64 * 1024;
    let mut parse_only = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--bench" => {}
            "--reps" => {
                reps = value("--reps")?
                    .parse()
                    .map_err(|e| format!("--reps: {e}"))?
            }
            "--chunk" => {
                chunk = value("--chunk")?
                    .parse()
                    .map_err(|e| format!("--chunk: {e}"))?
            }
            "--out" => out = Some(value("--out")?),
            "--parse-only" => parse_only = true,
            other if !other.starts_with('-') => file = Some(other.to_string()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Args {
        file: file.ok_or("usage: convert FILE [--reps N] [--out FRAMES] [--chunk BYTES]")?,
        reps: reps.max(1),
        out,
        chunk: chunk.max(1),
        parse_only,
    })
}

/// What one conversion read and wrote.
struct Converted {
    bytes: u64,
    series: usize,
    points: usize,
    frames: Vec<Vec<u8>>,
}

/// One conversion: the file streamed through the parser, then frames and Arrow IPC.
fn convert(path: &str, chunk: usize, parse_only: bool) -> Result<Converted, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut buf = vec![0u8; chunk];
    let mut parser = MatrixParser::new();
    loop {
        let n = file.read(&mut buf).map_err(|e| format!("{path}: {e}"))?;
        if n == 0 {
            break;
        }
        parser.feed(&buf[..n]).map_err(|e| e.to_string())?;
    }
    let bytes = parser.bytes_read();
    let answer = parser.finish().map_err(|e| e.to_string())?;
    let series = answer.data.map(|d| d.result).unwrap_or_default();
    let count = series.len();
    let points = series.iter().map(|s| s.timestamps.len()).sum();
    if parse_only {
        return Ok(Converted {
            bytes,
            series: count,
            points,
            frames: Vec::new(),
        });
    }
    let mut frames = Vec::with_capacity(count);
    for s in series {
        frames.push(frame(s).into_arrow_ipc().map_err(|e| e.to_string())?);
    }
    Ok(Converted {
        bytes,
        series: count,
        points,
        frames,
    })
}

/// The frame the plugin's `promql` query type makes of one series.
fn frame(s: Series) -> Frame {
    let name = labels_text(&s.labels);
    Frame::new(name)
        .with_meta(
            FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
                .with_executed_query("Expr: bench\nStep: 15s"),
        )
        .with_field(Field::time("Time", s.timestamps).with_config(FieldConfig {
            interval: Some(15_000.0),
            ..FieldConfig::default()
        }))
        .with_field(
            Field::nullable_f64_dense("Value", s.values)
                .with_labels(s.labels)
                .with_config(FieldConfig::with_unit("none")),
        )
}

fn labels_text(labels: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// CPU time of this (single-threaded) process, from the scheduler's nanosecond count.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn run() -> Result<(), String> {
    let a = args()?;
    let mut times = Vec::with_capacity(a.reps);
    let mut cpu = Vec::with_capacity(a.reps);
    let mut last = None;
    for _ in 0..a.reps {
        // The previous run's frames are dropped before the next starts, as between queries.
        drop(last.take());
        let started = Instant::now();
        let cpu_started = cpu_seconds();
        let result = convert(&a.file, a.chunk, a.parse_only)?;
        cpu.push(cpu_seconds() - cpu_started);
        times.push(started.elapsed().as_secs_f64());
        last = Some(result);
    }
    let Some(Converted {
        bytes,
        series,
        points,
        frames,
    }) = last
    else {
        return Err("no run".into());
    };
    let ipc_bytes: usize = frames.iter().map(Vec::len).sum();
    if let Some(out) = &a.out {
        let mut w =
            std::io::BufWriter::new(std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?);
        for f in &frames {
            w.write_all(&(f.len() as u64).to_le_bytes())
                .and_then(|()| w.write_all(f))
                .map_err(|e| format!("{out}: {e}"))?;
        }
        w.flush().map_err(|e| format!("{out}: {e}"))?;
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let median_cpu = cpu[cpu.len() / 2];
    println!(
        "{{\"impl\":\"rust\",\"file\":{:?},\"bytes\":{bytes},\"series\":{series},\"points\":{points},\"ipc_bytes\":{ipc_bytes},\"reps\":{},\"best_s\":{:.6},\"median_s\":{median:.6},\"median_cpu_s\":{median_cpu:.6},\"mb_per_s\":{:.1},\"mb_per_cpu_s\":{:.1},\"peak_rss_kb\":{}}}",
        a.file,
        a.reps,
        times[0],
        bytes as f64 / median / 1e6,
        if median_cpu > 0.0 {
            bytes as f64 / median_cpu / 1e6
        } else {
            0.0
        },
        peak_rss_kb()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convert: {e}");
            ExitCode::FAILURE
        }
    }
}
