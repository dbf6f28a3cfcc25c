//! The native backend: an RGB bitmap drawn with plotters' `BitMapBackend`, text set with
//! ab_glyph in Inter, written as PNG. Used for reference images, the README's picture and
//! benchmarks; the browser draws on a canvas instead.
//!
//! Fonts are read at run time, from `$MCP_RENDER_FONT_DIR` or Debian's `fonts-inter`
//! (`/usr/share/fonts/opentype/inter`); without them the bitmap has no text, and
//! [`Bitmap::font_problem`] says what to install.

use std::path::{Path, PathBuf};

use ab_glyph::{Font as _, FontVec, PxScale, ScaleFont};
use plotters::backend::BitMapBackend;
use plotters::prelude::{DrawingBackend, RGBAColor, ShapeStyle};

use crate::draw::{Align, Font, Pixels, Surface, Weight};
use crate::layout::Rect;
use crate::theme::Colour;

/// Where Debian's fonts-inter puts Inter.
pub const DEBIAN_INTER: &str = "/usr/share/fonts/opentype/inter";

/// An RGB bitmap of a panel, `scale` device pixels per CSS pixel.
pub struct Bitmap {
    width: u32,
    height: u32,
    scale: f32,
    rgb: Vec<u8>,
    fonts: Result<[FontVec; 2], String>,
    segments: Vec<(i32, i32)>,
    starts: Vec<usize>,
    circles: Vec<(f32, f32, f32)>,
    squares: Vec<Rect>,
    /// Pixels the drawing writes between `begin_pixels` and `end_pixels`, and where:
    /// `[x, y, w, h]` in device pixels.
    layer_rgba: Vec<u32>,
    layer: Option<[i32; 4]>,
}

impl Bitmap {
    /// A bitmap for a panel of `width` x `height` CSS pixels at `scale`.
    pub fn new(width: f32, height: f32, scale: f32) -> Bitmap {
        let (w, h) = (
            (width * scale).round().max(1.0) as u32,
            (height * scale).round().max(1.0) as u32,
        );
        Bitmap {
            width: w,
            height: h,
            scale,
            rgb: vec![0; (w * h * 3) as usize],
            fonts: load_fonts(),
            segments: Vec::new(),
            starts: Vec::new(),
            circles: Vec::new(),
            squares: Vec::new(),
            layer_rgba: Vec::new(),
            layer: None,
        }
    }

    /// Size in device pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Why text is missing, if it is.
    pub fn font_problem(&self) -> Option<&str> {
        self.fonts.as_ref().err().map(String::as_str)
    }

    /// The colour at device pixel `(x, y)`.
    pub fn pixel(&self, x: u32, y: u32) -> Colour {
        let i = ((y.min(self.height - 1) * self.width + x.min(self.width - 1)) * 3) as usize;
        Colour {
            r: self.rgb[i],
            g: self.rgb[i + 1],
            b: self.rgb[i + 2],
            a: 255,
        }
    }

    /// Writes the bitmap as PNG.
    pub fn write_png(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut enc = png::Encoder::new(file, self.width, self.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut w = enc.write_header().map_err(std::io::Error::other)?;
        w.write_image_data(&self.rgb)
            .map_err(std::io::Error::other)?;
        w.finish().map_err(std::io::Error::other)
    }

    fn backend(&mut self) -> BitMapBackend<'_> {
        BitMapBackend::with_buffer(&mut self.rgb, (self.width, self.height))
    }

    fn px(&self, v: f32) -> i32 {
        (v * self.scale).round() as i32
    }

    /// A path's point: the pixel whose square holds it. The canvas strokes a line one
    /// pixel wide through pixels' middles over these pixels alone; rounding moved a line
    /// through the middle of the plot's first column into the second, and one through its
    /// last past the plot.
    fn point(&self, x: f32, y: f32) -> (i32, i32) {
        (
            (x * self.scale).floor() as i32,
            (y * self.scale).floor() as i32,
        )
    }

    fn blend(&mut self, x: i32, y: i32, c: Colour, coverage: f32) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 {
            return;
        }
        let a = coverage.clamp(0.0, 1.0) * f32::from(c.a) / 255.0;
        let i = ((y as u32 * self.width + x as u32) * 3) as usize;
        for (k, v) in [c.r, c.g, c.b].into_iter().enumerate() {
            let old = f32::from(self.rgb[i + k]);
            self.rgb[i + k] = (old + (f32::from(v) - old) * a).round() as u8;
        }
    }

    /// Blends the layer's pixels onto the bitmap and clears them, so that what is drawn
    /// next goes over them.
    fn flush_pixels(&mut self) {
        let Some([x0, y0, w, _]) = self.layer else {
            return;
        };
        let mut rgba = std::mem::take(&mut self.layer_rgba);
        for (i, p) in rgba.iter_mut().enumerate() {
            if *p >> 24 != 0 {
                let [r, g, b, a] = p.to_le_bytes();
                let (x, y) = (x0 + i as i32 % w, y0 + i as i32 / w);
                self.blend(x, y, Colour { r, g, b, a }, 1.0);
            }
            *p = 0;
        }
        self.layer_rgba = rgba;
    }

    fn font(&self, font: Font) -> Option<(&FontVec, PxScale)> {
        let fonts = self.fonts.as_ref().ok()?;
        let f = &fonts[usize::from(font.weight == Weight::Bold)];
        let em = f.units_per_em()?;
        let px = font.size * self.scale * f.height_unscaled() / em;
        Some((f, PxScale::from(px)))
    }
}

fn style(c: Colour, width: f32, filled: bool) -> ShapeStyle {
    ShapeStyle {
        color: RGBAColor(c.r, c.g, c.b, f64::from(c.a) / 255.0),
        filled,
        stroke_width: width.round().max(1.0) as u32,
    }
}

fn load_fonts() -> Result<[FontVec; 2], String> {
    let dir = std::env::var_os("MCP_RENDER_FONT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEBIAN_INTER));
    let read = |name: &str| -> Result<FontVec, String> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "text is not drawn: cannot read the font {} ({e}); install Debian's \
                 fonts-inter or set MCP_RENDER_FONT_DIR to a folder holding {name}",
                path.display()
            )
        })?;
        FontVec::try_from_vec(bytes)
            .map_err(|e| format!("text is not drawn: {} is not a font ({e})", path.display()))
    };
    Ok([read("Inter-Regular.otf")?, read("Inter-SemiBold.otf")?])
}

impl Surface for Bitmap {
    /// The pixels from `r`'s rounded left and top to its rounded right and bottom, these
    /// not included: plotters' filled rectangle stops short of its second corner, so that
    /// corner is the one past the last pixel.
    fn fill_rect(&mut self, r: Rect, colour: Colour) {
        let (x0, y0, x1, y1) = (
            self.px(r.x),
            self.px(r.y),
            self.px(r.right()),
            self.px(r.bottom()),
        );
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let _ = self
            .backend()
            .draw_rect((x0, y0), (x1, y1), &style(colour, 1.0, true), true);
    }

    fn stroke_rect(&mut self, r: Rect, colour: Colour, width: f32) {
        let w = width;
        for edge in [
            Rect::new(r.x, r.y, r.w, w),
            Rect::new(r.x, r.bottom() - w, r.w, w),
            Rect::new(r.x, r.y + w, w, r.h - 2.0 * w),
            Rect::new(r.right() - w, r.y + w, w, r.h - 2.0 * w),
        ] {
            self.fill_rect(edge, colour);
        }
    }

    fn begin_path(&mut self) {
        self.segments.clear();
        self.starts.clear();
        self.circles.clear();
        self.squares.clear();
    }

    fn move_to(&mut self, x: f32, y: f32) {
        self.starts.push(self.segments.len());
        let p = self.point(x, y);
        self.segments.push(p);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let p = self.point(x, y);
        if self.segments.last() != Some(&p) {
            self.segments.push(p);
        }
    }

    fn circle(&mut self, x: f32, y: f32, r: f32) {
        self.circles.push((x, y, r));
    }

    fn square(&mut self, x: f32, y: f32, half: f32) {
        self.squares
            .push(Rect::new(x - half, y - half, 2.0 * half, 2.0 * half));
    }

    fn begin_pixels(&mut self, area: Rect) {
        let (x0, y0) = (self.px(area.x).max(0), self.px(area.y).max(0));
        let x1 = self.px(area.right()).min(self.width as i32);
        let y1 = self.px(area.bottom()).min(self.height as i32);
        self.layer = None;
        if x1 > x0 && y1 > y0 {
            self.layer_rgba.clear();
            self.layer_rgba.resize(((x1 - x0) * (y1 - y0)) as usize, 0);
            self.layer = Some([x0, y0, x1 - x0, y1 - y0]);
        }
    }

    fn pixels(&mut self) -> Option<Pixels<'_>> {
        let [x, y, w, h] = self.layer?;
        Some(Pixels {
            rgba: &mut self.layer_rgba,
            x,
            y,
            w,
            h,
        })
    }

    fn end_pixels(&mut self) {
        self.flush_pixels();
        self.layer = None;
    }

    fn stroke(&mut self, colour: Colour, width: f32) {
        let st = style(colour, width * self.scale, false);
        let segments = std::mem::take(&mut self.segments);
        let starts = std::mem::take(&mut self.starts);
        {
            let mut b = self.backend();
            for (k, &s) in starts.iter().enumerate() {
                let end = starts.get(k + 1).copied().unwrap_or(segments.len());
                if end > s + 1 {
                    let _ = b.draw_path(segments[s..end].iter().copied(), &st);
                }
            }
        }
        self.segments = segments;
        self.starts = starts;
    }

    fn fill(&mut self, colour: Colour) {
        self.flush_pixels();
        let st = style(colour, 1.0, true);
        let circles = std::mem::take(&mut self.circles);
        {
            let scale = self.scale;
            let mut b = self.backend();
            for &(x, y, r) in &circles {
                let c = ((x * scale).round() as i32, (y * scale).round() as i32);
                let _ = b.draw_circle(c, (r * scale).round().max(1.0) as u32, &st, true);
            }
        }
        self.circles = circles;
        let squares = std::mem::take(&mut self.squares);
        for &r in &squares {
            self.fill_rect(r, colour);
        }
        self.squares = squares;
    }

    fn text(&mut self, text: &str, x: f32, y: f32, font: Font, colour: Colour, align: Align) {
        let width = self.text_width(text, font);
        let Some((f, scale)) = self.font(font) else {
            return;
        };
        let sf = f.as_scaled(scale);
        let left = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        } * self.scale;
        let baseline = y * self.scale + (sf.ascent() + sf.descent()) / 2.0;
        let mut pen = left;
        let mut prev = None;
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        for ch in text.chars() {
            let id = sf.glyph_id(ch);
            if let Some(p) = prev {
                pen += sf.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(pen, baseline));
            if let Some(outline) = f.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cov| {
                    pixels.push((b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32, cov))
                });
            }
            pen += sf.h_advance(id);
            prev = Some(id);
        }
        for (px, py, cov) in pixels {
            self.blend(px, py, colour, cov);
        }
    }

    fn text_width(&mut self, text: &str, font: Font) -> f32 {
        let Some((f, scale)) = self.font(font) else {
            return text.chars().count() as f32 * font.size * 0.55;
        };
        let sf = f.as_scaled(scale);
        let mut w = 0.0;
        let mut prev = None;
        for ch in text.chars() {
            let id = sf.glyph_id(ch);
            if let Some(p) = prev {
                w += sf.kern(p, id);
            }
            w += sf.h_advance(id);
            prev = Some(id);
        }
        w / self.scale
    }
}
