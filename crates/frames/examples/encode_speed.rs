//! Times frame encoding for series of several sizes: `cargo run -p mcp-frames --example
//! encode_speed` (add `--release` for the figures that matter).

use std::time::{Duration, Instant};

use mcp_frames::{Field, FieldConfig, Frame, FrameMeta, FrameType};

fn frame(points: usize, dense: bool) -> Frame {
    let times = (0..points as i64)
        .map(|i| 1_700_000_000_000 + i * 15_000)
        .collect();
    let values: Vec<f64> = (0..points).map(|i| i as f64 * 0.5).collect();
    let value = if dense {
        Field::nullable_f64_dense("Value", values)
    } else {
        Field::nullable_f64("Value", values.into_iter().map(Some).collect())
    };
    Frame::new("series")
        .with_ref_id("A")
        .with_meta(FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1]).with_executed_query("up"))
        .with_field(Field::time("Time", times))
        .with_field(
            value
                .with_labels([("job", "mahavishnu")])
                .with_config(FieldConfig::with_unit("reqps")),
        )
}

fn main() -> Result<(), mcp_frames::FrameError> {
    for (points, dense) in [1_000, 100_000, 1_000_000]
        .into_iter()
        .flat_map(|p| [(p, false), (p, true)])
    {
        let runs = (10_000_000 / points).clamp(5, 200);
        let (mut best, mut bytes) = (Duration::MAX, 0);
        for _ in 0..runs {
            let f = frame(points, dense);
            let start = Instant::now();
            bytes = f.into_arrow_ipc()?.len();
            best = best.min(start.elapsed());
        }
        let per_point = best.as_nanos() as f64 / points as f64;
        let form = if dense { "dense   " } else { "optional" };
        println!(
            "{points:>9} points, {form}: best {best:?} ({per_point:.1} ns/point), {bytes} bytes"
        );
    }
    Ok(())
}
