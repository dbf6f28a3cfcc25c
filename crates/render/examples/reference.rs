//! Renders the sample ecosystem to a PNG: `cargo run -p mcp-render --example reference --
//! <out.png> [dark|light] [services] [width] [height] [scale]`. The README's picture is
//! `docs/img/overview-panel.png`, made with the defaults.

use std::path::PathBuf;

use mcp_render::{draw, sample, Bitmap, Layout, Scratch, Theme, View};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let out = PathBuf::from(arg(0, "docs/img/overview-panel.png"));
    let theme = match arg(1, "dark").as_str() {
        "light" => Theme::light(),
        _ => Theme::dark(),
    };
    let services: usize = arg(2, "8").parse()?;
    let (w, h, scale): (f32, f32, f32) = (
        arg(3, "960").parse()?,
        arg(4, "560").parse()?,
        arg(5, "1").parse()?,
    );
    let summary = sample::ecosystem(services, 6, 720, 300);
    let mut layout = Layout::default();
    layout.compute(&summary, w, h);
    let mut bitmap = Bitmap::new(w, h, scale);
    if let Some(problem) = bitmap.font_problem() {
        eprintln!("{problem}");
    }
    let view = View {
        dpr: scale,
        ..View::default()
    };
    draw(
        &mut bitmap,
        &layout,
        &summary,
        &theme,
        &view,
        &mut Scratch::default(),
    );
    bitmap.write_png(&out)?;
    println!("{}", out.display());
    Ok(())
}
