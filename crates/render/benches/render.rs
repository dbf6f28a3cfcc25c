//! The panel renderer's budgets, natively: a full layout and redraw of 50 services, 500
//! tools and 10,000 exemplars (on a surface that draws nothing, so the figure is the
//! renderer's own work, and on the plotters bitmap), and min/max decimation of one line
//! of 1k to 1M points into a 1,600-column plot. Figures: docs/PERFORMANCE.md, "Panel
//! renderer".

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use mcp_render::decimate::{self, Column};
use mcp_render::sample::{self, Tally};
use mcp_render::{draw, Bitmap, Layout, Scratch, Theme, View};

fn redraw(c: &mut Criterion) {
    let summary = sample::ecosystem(50, 10, 1_000, 10_000);
    let theme = Theme::dark();
    let view = View {
        dpr: 1.0,
        ..View::default()
    };
    let mut layout = Layout::default();
    let mut scratch = Scratch::default();
    let mut t = Tally::default();
    let mut g = c.benchmark_group("panel");
    g.bench_function(
        "layout+draw 50 services 500 tools 10k exemplars (no raster)",
        |b| {
            b.iter(|| {
                layout.compute(&summary, 1920.0, 1080.0);
                t.reset();
                draw(&mut t, &layout, &summary, &theme, &view, &mut scratch);
                black_box(&t);
            })
        },
    );
    let mut bitmap = Bitmap::new(1920.0, 1080.0, 1.0);
    g.bench_function(
        "layout+draw 50 services 500 tools 10k exemplars (bitmap)",
        |b| {
            b.iter(|| {
                layout.compute(&summary, 1920.0, 1080.0);
                draw(&mut bitmap, &layout, &summary, &theme, &view, &mut scratch);
            })
        },
    );
    g.finish();
}

fn decimation(c: &mut Criterion) {
    let mut g = c.benchmark_group("decimate min/max into 1600 columns");
    let mut out: Vec<Column> = Vec::new();
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let time: Vec<f64> = (0..n).map(|i| i as f64 * 15_000.0).collect();
        let value: Vec<f64> = (0..n)
            .map(|i| 0.05 + 0.02 * ((i as f64) * 0.01).sin() + 0.001 * (i % 13) as f64)
            .collect();
        let t1 = time[n - 1];
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                decimate::min_max(&time, &value, 0.0, t1, 1600, &mut out);
                black_box(out.len())
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = redraw, decimation
}
criterion_main!(benches);
