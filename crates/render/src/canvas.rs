//! The browser backend: Canvas 2D calls straight from Rust through web-sys. Styles are
//! set only when they change, and colours are written into a reused string, so a steady
//! redraw allocates nothing on the Rust side. A path's points are gathered into a reused
//! buffer and traced by one call into JavaScript: a call per point across the wasm
//! boundary (each number boxed on the way) cost more than the drawing itself.

use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::draw::{Align, Font, Surface, Weight};
use crate::layout::Rect;
use crate::theme::Colour;

/// Grafana's font stack.
pub const FONT_FAMILY: &str = "Inter, Helvetica, Arial, sans-serif";

#[wasm_bindgen(inline_js = "
export function tracePath(ctx, p) {
  ctx.beginPath();
  for (let i = 0; i < p.length; i += 4) {
    const x = p[i + 1];
    const y = p[i + 2];
    if (p[i] === 0) {
      ctx.moveTo(x, y);
    } else if (p[i] === 1) {
      ctx.lineTo(x, y);
    } else {
      ctx.moveTo(x + p[i + 3], y);
      ctx.arc(x, y, p[i + 3], 0, 2 * Math.PI);
    }
  }
}")]
extern "C" {
    /// Begins a path on `ctx` and adds `path`'s segments: per point `[kind, x, y, r]`,
    /// kind 0 a move, 1 a line, 2 a circle of radius `r`.
    #[wasm_bindgen(js_name = tracePath)]
    fn trace_path(ctx: &CanvasRenderingContext2d, path: &[f32]);
}

const MOVE: f32 = 0.0;
const LINE: f32 = 1.0;
const CIRCLE: f32 = 2.0;

/// A canvas's 2D context with the styles last set on it.
pub struct Canvas {
    ctx: CanvasRenderingContext2d,
    path: Vec<f32>,
    css: String,
    family: String,
    fill: Option<Colour>,
    stroke: Option<Colour>,
    line_width: f32,
    font: Option<Font>,
    align: Option<Align>,
}

impl Canvas {
    /// Wraps `ctx`.
    pub fn new(ctx: CanvasRenderingContext2d) -> Canvas {
        Canvas {
            ctx,
            path: Vec::with_capacity(4096),
            css: String::with_capacity(64),
            family: FONT_FAMILY.to_string(),
            fill: None,
            stroke: None,
            line_width: -1.0,
            font: None,
            align: None,
        }
    }

    /// Sets the font family (Grafana's `theme.typography.fontFamily`).
    pub fn set_family(&mut self, family: &str) {
        self.family.clear();
        self.family.push_str(family);
        self.font = None;
    }

    /// Starts a redraw at `dpr` device pixels per CSS pixel; the canvas may have been
    /// resized, which resets its state, so every style is set again.
    pub fn begin(&mut self, dpr: f64) {
        let _ = self.ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        self.ctx.set_text_baseline("middle");
        self.ctx.set_line_join("round");
        self.fill = None;
        self.stroke = None;
        self.line_width = -1.0;
        self.font = None;
        self.align = None;
    }

    fn set_fill(&mut self, c: Colour) {
        if self.fill != Some(c) {
            c.write_css(&mut self.css);
            self.ctx.set_fill_style_str(&self.css);
            self.fill = Some(c);
        }
    }

    fn set_stroke(&mut self, c: Colour, width: f32) {
        if self.stroke != Some(c) {
            c.write_css(&mut self.css);
            self.ctx.set_stroke_style_str(&self.css);
            self.stroke = Some(c);
        }
        if self.line_width != width {
            self.ctx.set_line_width(f64::from(width));
            self.line_width = width;
        }
    }

    fn set_font(&mut self, font: Font, align: Align) {
        if self.font != Some(font) {
            use std::fmt::Write;
            self.css.clear();
            let weight = match font.weight {
                Weight::Regular => 400,
                Weight::Bold => 600,
            };
            let _ = write!(self.css, "{weight} {}px {}", font.size, self.family);
            self.ctx.set_font(&self.css);
            self.font = Some(font);
        }
        if self.align != Some(align) {
            self.ctx.set_text_align(match align {
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
            self.align = Some(align);
        }
    }
}

impl Surface for Canvas {
    fn fill_rect(&mut self, r: Rect, colour: Colour) {
        self.set_fill(colour);
        self.ctx
            .fill_rect(r.x.into(), r.y.into(), r.w.into(), r.h.into());
    }

    fn stroke_rect(&mut self, r: Rect, colour: Colour, width: f32) {
        self.set_stroke(colour, width);
        let h = f64::from(width) / 2.0;
        self.ctx.stroke_rect(
            f64::from(r.x) + h,
            f64::from(r.y) + h,
            f64::from(r.w) - 2.0 * h,
            f64::from(r.h) - 2.0 * h,
        );
    }

    fn begin_path(&mut self) {
        self.path.clear();
    }

    fn move_to(&mut self, x: f32, y: f32) {
        self.path.extend_from_slice(&[MOVE, x, y, 0.0]);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.path.extend_from_slice(&[LINE, x, y, 0.0]);
    }

    fn circle(&mut self, x: f32, y: f32, r: f32) {
        self.path.extend_from_slice(&[CIRCLE, x, y, r]);
    }

    fn stroke(&mut self, colour: Colour, width: f32) {
        self.set_stroke(colour, width);
        trace_path(&self.ctx, &self.path);
        self.ctx.stroke();
    }

    fn fill(&mut self, colour: Colour) {
        self.set_fill(colour);
        trace_path(&self.ctx, &self.path);
        self.ctx.fill();
    }

    fn text(&mut self, text: &str, x: f32, y: f32, font: Font, colour: Colour, align: Align) {
        self.set_font(font, align);
        self.set_fill(colour);
        let _ = self.ctx.fill_text(text, x.into(), y.into());
    }

    fn text_width(&mut self, text: &str, font: Font) -> f32 {
        let align = self.align.unwrap_or(Align::Left);
        self.set_font(font, align);
        self.ctx
            .measure_text(text)
            .map(|m| m.width() as f32)
            .unwrap_or(0.0)
    }
}
