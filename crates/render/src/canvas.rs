//! The browser backend: Canvas 2D calls straight from Rust through web-sys. Styles are
//! set only when they change, and colours are written into a reused string, so a steady
//! redraw allocates nothing on the Rust side.

use web_sys::CanvasRenderingContext2d;

use crate::draw::{Align, Font, Surface, Weight};
use crate::layout::Rect;
use crate::theme::Colour;

/// Grafana's font stack.
pub const FONT_FAMILY: &str = "Inter, Helvetica, Arial, sans-serif";

/// A canvas's 2D context with the styles last set on it.
pub struct Canvas {
    ctx: CanvasRenderingContext2d,
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
        self.ctx.begin_path();
    }

    fn move_to(&mut self, x: f32, y: f32) {
        self.ctx.move_to(x.into(), y.into());
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.ctx.line_to(x.into(), y.into());
    }

    fn circle(&mut self, x: f32, y: f32, r: f32) {
        self.ctx.move_to(f64::from(x + r), y.into());
        let _ = self
            .ctx
            .arc(x.into(), y.into(), r.into(), 0.0, std::f64::consts::TAU);
    }

    fn stroke(&mut self, colour: Colour, width: f32) {
        self.set_stroke(colour, width);
        self.ctx.stroke();
    }

    fn fill(&mut self, colour: Colour) {
        self.set_fill(colour);
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
