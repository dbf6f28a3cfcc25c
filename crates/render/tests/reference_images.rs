//! Reference images of the panel, written to `test-artifacts/panel/` (git-ignored), and
//! what they must show: status colours where the statuses are, the theme's background.
//! Text needs Debian's fonts-inter (or MCP_RENDER_FONT_DIR); without it the images have
//! none and the test says so.

use std::path::PathBuf;

use mcp_render::{
    draw, draw_background, sample, tool_cell_width, Bitmap, Colour, Layout, Scratch, Summary,
    Theme, View,
};

fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts/panel")
}

fn render(summary: &Summary, theme: &Theme, w: f32, h: f32) -> (Bitmap, Layout) {
    let mut bitmap = Bitmap::new(w, h, 1.0);
    if let Some(problem) = bitmap.font_problem() {
        eprintln!("reference images: {problem}");
    }
    let mut layout = Layout {
        tool_cell_w: tool_cell_width(&mut bitmap),
        ..Layout::default()
    };
    layout.compute(summary, w, h);
    let view = View {
        dpr: 1.0,
        ..View::default()
    };
    draw(
        &mut bitmap,
        &layout,
        summary,
        theme,
        &view,
        &mut Scratch::default(),
    );
    (bitmap, layout)
}

fn near(a: Colour, b: Colour) -> bool {
    let d = |x: u8, y: u8| (i16::from(x) - i16::from(y)).abs();
    d(a.r, b.r) <= 2 && d(a.g, b.g) <= 2 && d(a.b, b.b) <= 2
}

#[test]
fn tiles_show_their_status_colours_in_both_themes() {
    for (count, w, h) in [(50, 1920.0, 1080.0), (6, 1000.0, 560.0)] {
        let summary = sample::ecosystem(count, 8, 2_000, if count > 10 { 10_000 } else { 400 });
        for theme in [Theme::dark(), Theme::light()] {
            let (bitmap, layout) = render(&summary, &theme, w, h);
            let name = format!("overview-{count}-{:?}.png", theme.mode).to_lowercase();
            bitmap
                .write_png(&artifacts().join(&name))
                .expect("write PNG");
            assert!(
                near(bitmap.pixel(1, 1), theme.background),
                "{name}: background"
            );
            for (svc, tile) in summary.services.iter().zip(&layout.tiles) {
                // The tile's left strip is its status colour.
                let c = bitmap.pixel(tile.x as u32 + 1, (tile.y + tile.h / 2.0) as u32);
                assert!(
                    near(c, theme.status(svc.status)),
                    "{name}: {} is {} but its strip is {c:?}",
                    svc.name,
                    svc.status
                );
            }
            let cell = layout.tool_cells[0];
            let c = bitmap.pixel((cell.x + 1.0) as u32, (cell.y + 1.0) as u32);
            assert!(
                near(c, theme.status(summary.tools[0].status)),
                "{name}: worst tool cell"
            );
        }
    }
}

#[test]
fn latency_lines_run_to_both_edges_of_a_dashboard_range_between_samples() {
    // A sample every 30 s; the dashboard's range starts 20 s after one and ends 10 s after
    // another, as a range query's start aligned down to its step leaves it. Eighteen lines
    // are stroked, fifty services' as pixels.
    const MINUTE: f64 = 60_000.0;
    let (from, to) = (
        sample::START_MS + 20_000.0,
        sample::START_MS + 50.0 * MINUTE + 10_000.0,
    );
    for (count, w, h) in [(6, 1000.0, 560.0), (50, 1920.0, 1080.0)] {
        let mut frames = sample::frames(count, 8, 120, 0);
        frames.time_range(from, to);
        let summary = Summary::from_frames(frames).expect("a summary");
        let theme = Theme::dark();
        let (bitmap, layout) = render(&summary, &theme, w, h);
        let name = format!("strip-edges-{count}.png");
        bitmap
            .write_png(&artifacts().join(&name))
            .expect("write PNG");
        let plot = layout.plot;
        let line_in = |x: f32| {
            (plot.y as u32..plot.bottom() as u32).any(|y| {
                let c = bitmap.pixel(x as u32, y);
                !near(c, theme.background) && !near(c, theme.border)
            })
        };
        assert!(line_in(plot.x), "{name}: the plot's first column");
        assert!(
            line_in(plot.right() - 1.0),
            "{name}: the plot's last column"
        );
        assert!(!line_in(plot.right()), "{name}: nothing past the plot");
    }
}

#[test]
fn a_legend_of_many_percentiles_stays_in_a_narrow_strips_title_row() {
    use mcp_model::columns::{latency, TIME, VALUE};
    let mut frames = sample::frames(3, 4, 0, 20);
    for p in ["1", "5", "10", "25", "50", "75", "90", "95", "99", "99.9"] {
        frames
            .frame(&format!("akosha p{p}"))
            .numbers(TIME, vec![sample::START_MS, sample::START_MS + 60_000.0])
            .numbers(VALUE, vec![0.05, 0.08])
            .label(latency::JOB_LABEL, "akosha")
            .label(latency::PERCENTILE_LABEL, p);
    }
    let summary = Summary::from_frames(frames).expect("a summary");
    let theme = Theme::dark();
    let (bitmap, layout) = render(&summary, &theme, 420.0, 560.0);
    bitmap
        .write_png(&artifacts().join("legend-narrow.png"))
        .expect("write PNG");
    // Nothing in the title row past its end (the panel's padding).
    let row = layout.strip.title;
    let past = (row.right() as u32..420)
        .flat_map(|x| (row.y as u32..row.bottom() as u32).map(move |y| (x, y)))
        .filter(|&(x, y)| !near(bitmap.pixel(x, y), theme.background))
        .count();
    assert_eq!(past, 0, "legend-narrow.png: the legend past its row");
}

#[test]
fn a_panel_without_a_summary_is_its_background_alone() {
    // The message (Problem's Display) is the shell's text over it, not pixels: a long URL in
    // the datasource's error wraps inside the word there, and can be selected and read.
    let theme = Theme::dark();
    let mut bitmap = Bitmap::new(300.0, 200.0, 1.0);
    draw_background(&mut bitmap, 300.0, 200.0, &theme, &View::default());
    let other = (0..300)
        .flat_map(|x| (0..200).map(move |y| (x, y)))
        .filter(|&(x, y)| !near(bitmap.pixel(x, y), theme.background))
        .count();
    assert_eq!(other, 0, "only the background is painted");
}

#[test]
fn a_roomy_tool_grid_wraps_each_services_tools_into_cells_its_names_fit() {
    // The simulator's three services, ten tools each, no latency: the grid has the panel's
    // lower half.
    let mut summary = sample::ecosystem(3, 10, 0, 0);
    summary.pools.truncate(3);
    for theme in [Theme::dark(), Theme::light()] {
        let (mut bitmap, layout) = render(&summary, &theme, 900.0, 420.0);
        let name = format!("tools-wrapped-{:?}.png", theme.mode).to_lowercase();
        bitmap
            .write_png(&artifacts().join(&name))
            .expect("write PNG");
        let wide = tool_cell_width(&mut bitmap);
        for (tool, cell) in summary.tools.iter().zip(&layout.tool_cells) {
            assert!(cell.w >= wide, "{name}: {} in {cell:?}", tool.name);
            let c = bitmap.pixel((cell.x + 1.0) as u32, (cell.y + 1.0) as u32);
            assert!(near(c, theme.status(tool.status)), "{name}: {}", tool.name);
        }
        let rows = |g: &mcp_render::ToolGroup| {
            let mut tops: Vec<f32> = layout.tool_cells[g.start..g.end]
                .iter()
                .map(|c| c.y)
                .collect();
            tops.dedup();
            tops.len()
        };
        assert!(summary.tool_groups.iter().all(|g| rows(g) > 1), "{name}");
    }
}
