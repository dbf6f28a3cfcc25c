//! The browser backend: Canvas 2D calls straight from Rust through web-sys. A steady
//! redraw allocates nothing, on either side of the boundary:
//!
//! - styles are set only when they change, each colour and font as a JavaScript string
//!   made once and kept;
//! - every text drawn is kept as a JavaScript string with its width per font, so a redraw
//!   of the same texts passes no string across and measures nothing (text fitting asks for
//!   widths many times a redraw; `measureText` and the strings it took were half the cost
//!   of drawing the tiles);
//! - a path's points are gathered in a reused buffer and traced by one call into
//!   JavaScript, which reads them straight from the module's memory: a call per point
//!   (each number boxed on the way) cost more than the drawing itself, and a typed-array
//!   view per path was garbage every redraw.
//!
//! - many one-pixel lines and small squares are not handed to the canvas: the module draws
//!   them into an RGBA buffer, blitted at once (see [`Surface::begin_pixels`]);
//! - a group of texts that recurs (a tile's labels, tile after tile) is drawn once on a
//!   canvas of its own and stamped with one `drawImage` ([`Surface::text_group`]);
//! - a redraw with the pointer moving (the content copied back, the outlines filled) is
//!   one call into JavaScript, its rectangles read from the module's memory
//!   ([`Canvas::begin_over`]): until V8 has seen an import called a thousand times it
//!   calls it through a generic wrapper that allocates an array for the arguments on
//!   every call (`wasm-to-js.tq`, `--wasm-wrapper-tiering-budget`), which was nine to
//!   fourteen arrays a redraw (a call each) for the first thousand redraws, and is one.
//!
//! The caches are bounded: past [`MAX_CACHED`] entries (texts, colours) or [`MAX_STAMPS`]
//! (groups) they start again.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::draw::{texts_one_by_one, Align, Font, Pixels, Surface};
use crate::format;
use crate::layout::Rect;
use crate::theme::Colour;

/// Grafana's font stack.
pub const FONT_FAMILY: &str = "Inter, Helvetica, Arial, sans-serif";

/// The most texts (and colours) kept as JavaScript strings.
const MAX_CACHED: usize = 8192;

/// `font` in `family` as the canvas's `font` takes it.
pub fn css_font(font: Font, family: &str) -> String {
    let mut css = format!("{} ", font.weight.css());
    // The sizes (FONTS) are whole pixels: written as `{}` writes them, with no float
    // formatting of core's.
    format::number(&mut css, f64::from(font.size), 2);
    css.push_str("px ");
    css.push_str(family);
    css
}

#[wasm_bindgen(inline_js = "
let points = new Float32Array(0);
export function tracePath(ctx, memory, ptr, len) {
  if (points.buffer !== memory.buffer) {
    points = new Float32Array(memory.buffer);
  }
  const p = points;
  const end = (ptr >>> 2) + len;
  ctx.beginPath();
  for (let i = ptr >>> 2; i < end; i += 4) {
    const x = p[i + 1];
    const y = p[i + 2];
    if (p[i] === 0) {
      ctx.moveTo(x, y);
    } else if (p[i] === 1) {
      ctx.lineTo(x, y);
    } else if (p[i] === 2) {
      ctx.moveTo(x + p[i + 3], y);
      ctx.arc(x, y, p[i + 3], 0, 2 * Math.PI);
    } else {
      ctx.rect(x - p[i + 3], y - p[i + 3], 2 * p[i + 3], 2 * p[i + 3]);
    }
  }
}
const spares = new WeakMap();
export function blitPixels(ctx, memory, ptr, w, h, x, y) {
  let spare = spares.get(ctx);
  if (!spare) {
    spare = ctx.canvas.ownerDocument.createElement('canvas');
    spares.set(ctx, spare);
  }
  if (spare.width < w || spare.height < h) {
    spare.width = Math.max(spare.width, w);
    spare.height = Math.max(spare.height, h);
  }
  const pixels = new ImageData(new Uint8ClampedArray(memory.buffer, ptr, w * h * 4), w, h);
  spare.getContext('2d').putImageData(pixels, 0, 0);
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(spare, 0, 0, w, h, x, y, w, h);
  ctx.restore();
}
export function newCanvas(canvas) {
  return canvas.ownerDocument.createElement('canvas');
}
export function fontsLoaded(canvas) {
  const fonts = canvas.ownerDocument.fonts;
  return !fonts || fonts.status === 'loaded';
}
export function copyCanvas(ctx, from, clear) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (clear) {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  }
  ctx.drawImage(from, 0, 0);
}
let ints = new Int32Array(0);
export function fillOver(ctx, from, clear, dpr, style, memory, ptr, len) {
  if (ints.buffer !== memory.buffer) {
    ints = new Int32Array(memory.buffer);
  }
  const v = ints;
  if (from) {
    copyCanvas(ctx, from, clear);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (len > 0) {
    ctx.fillStyle = style;
  }
  for (let i = ptr >>> 2; i < (ptr >>> 2) + len; i += 4) {
    ctx.fillRect(v[i], v[i + 1], v[i + 2], v[i + 3]);
  }
}")]
extern "C" {
    /// Begins a path on `ctx` and adds the segments of the `len` `f32`s at byte `ptr` of
    /// `memory`: per point `[kind, x, y, r]`, kind 0 a move, 1 a line, 2 a circle of
    /// radius `r`, 3 a square of side `2 * r` centred at `(x, y)`.
    #[wasm_bindgen(js_name = tracePath)]
    fn trace_path(ctx: &CanvasRenderingContext2d, memory: &JsValue, ptr: u32, len: u32);

    /// Draws the `w` x `h` RGBA pixels at byte `ptr` of `memory` over `ctx`'s canvas at
    /// device pixel `(x, y)`, blended (through a spare canvas kept per context).
    #[wasm_bindgen(js_name = blitPixels)]
    fn blit_pixels(
        ctx: &CanvasRenderingContext2d,
        memory: &JsValue,
        ptr: u32,
        w: u32,
        h: u32,
        x: i32,
        y: i32,
    );

    /// A new canvas in `canvas`'s document, not in the page.
    #[wasm_bindgen(js_name = newCanvas)]
    pub fn new_canvas(canvas: &HtmlCanvasElement) -> HtmlCanvasElement;

    /// No font of `canvas`'s document is loading.
    #[wasm_bindgen(js_name = fontsLoaded)]
    fn fonts_loaded(canvas: &HtmlCanvasElement) -> bool;

    /// Copies `from` onto `ctx`'s canvas pixel for pixel, cleared first if `clear`.
    #[wasm_bindgen(js_name = copyCanvas)]
    fn copy_canvas(ctx: &CanvasRenderingContext2d, from: &HtmlCanvasElement, clear: bool);

    /// Copies `from` (a canvas, or undefined for none) as `copyCanvas` does, sets the
    /// transform to `dpr` device pixels per CSS pixel, then fills in `style` a rectangle
    /// per 4 of the `len` `i32`s at byte `ptr` of `memory`, `[x, y, w, h]`. Whole numbers:
    /// until V8 optimises the function, each number read from a `Float32Array` is a new
    /// heap number, where one from an `Int32Array` is a small integer.
    #[wasm_bindgen(js_name = fillOver)]
    fn fill_over(
        ctx: &CanvasRenderingContext2d,
        from: &JsValue,
        clear: bool,
        dpr: &JsValue,
        style: &JsValue,
        memory: &JsValue,
        ptr: u32,
        len: u32,
    );
}

#[wasm_bindgen]
extern "C" {
    /// `CanvasRenderingContext2D` with the calls that take kept JavaScript strings.
    #[wasm_bindgen(js_name = CanvasRenderingContext2D)]
    type Context;
    #[wasm_bindgen(method, js_name = fillText)]
    fn fill_text_js(this: &Context, text: &JsValue, x: f64, y: f64);
    #[wasm_bindgen(method, setter = fillStyle)]
    fn set_fill_style_js(this: &Context, style: &JsValue);
    #[wasm_bindgen(method, setter = strokeStyle)]
    fn set_stroke_style_js(this: &Context, style: &JsValue);
    #[wasm_bindgen(method, setter = font)]
    fn set_font_js(this: &Context, font: &JsValue);
    #[wasm_bindgen(method, setter = textAlign)]
    fn set_text_align_js(this: &Context, align: &JsValue);
    #[wasm_bindgen(method, setter = textBaseline)]
    fn set_text_baseline_js(this: &Context, baseline: &JsValue);
    #[wasm_bindgen(method, setter = lineJoin)]
    fn set_line_join_js(this: &Context, join: &JsValue);
    #[wasm_bindgen(method, js_name = drawImage)]
    fn draw_image_js(this: &Context, image: &HtmlCanvasElement, x: f64, y: f64, w: f64, h: f64);
    // Not web-sys's: that one catches, and its wrapper allocates on every call.
    #[wasm_bindgen(method, js_name = setTransform)]
    fn set_transform_js(this: &Context, a: f64, b: f64, c: f64, d: f64, e: f64, f: f64);
}

const MOVE: f32 = 0.0;
const LINE: f32 = 1.0;
const CIRCLE: f32 = 2.0;
const SQUARE: f32 = 3.0;

/// FNV-1a: the kept texts are looked up a few thousand times a repaint, and std's SipHash
/// showed in the profile. No one chooses the texts to collide: they are the panel's own.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// A text as a JavaScript string, with its width in each font it was measured in.
struct Text {
    js: JsValue,
    widths: Vec<(Font, f32)>,
}

/// A group of texts drawn once on a canvas of its own, `w` x `h` device pixels, whose top
/// left is `(left, top)` CSS pixels from the group's origin.
struct Stamp {
    canvas: HtmlCanvasElement,
    left: f32,
    top: f32,
    w: u32,
    h: u32,
}

/// The most text groups kept as stamps.
const MAX_STAMPS: usize = 64;

/// A redraw held back to go into JavaScript in one call: the copy of `from` (cleared
/// first if `clear`), the transform, then the fills gathered, all in `colour`.
struct Over {
    from: Option<HtmlCanvasElement>,
    clear: bool,
    colour: Option<Colour>,
}

/// `v` as an `i32` if it is a whole number JavaScript keeps as a small integer.
fn whole(v: f32) -> Option<i32> {
    (v == v.trunc() && v.abs() < 1e9).then_some(v as i32)
}

/// A canvas's 2D context with the styles last set on it.
pub struct Canvas {
    ctx: CanvasRenderingContext2d,
    memory: JsValue,
    path: Vec<f32>,
    /// Device pixels per CSS pixel, as of the last `begin`.
    dpr: f32,
    /// RGBA pixels of many lines and squares, blitted at once, and where they go: device
    /// pixel `(x, y)` of their top left, `w` x `h`; `None` when none are being drawn.
    pixels: Vec<u32>,
    layer: Option<[i32; 4]>,
    family: String,
    texts: Map<String, Text>,
    stamps: Map<u64, Stamp>,
    colours: Map<Colour, JsValue>,
    fonts: Vec<(Font, JsValue)>,
    aligns: [JsValue; 3],
    /// `middle` and `round`, set at every redraw.
    middle: JsValue,
    round: JsValue,
    /// The redraw held back since [`Canvas::begin_over`], if any, and its rectangles.
    over: Option<Over>,
    rects: Vec<i32>,
    /// The ratio of the last `begin_over` as a JavaScript number, made once: a fractional
    /// one crossing as an `f64` would be a new heap number every redraw.
    ratio: (f64, JsValue),
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
            memory: wasm_bindgen::memory(),
            path: Vec::with_capacity(4096),
            dpr: 1.0,
            pixels: Vec::new(),
            layer: None,
            family: FONT_FAMILY.to_string(),
            texts: Map::default(),
            stamps: Map::default(),
            colours: Map::default(),
            fonts: Vec::new(),
            aligns: ["left", "center", "right"].map(JsValue::from_str),
            middle: JsValue::from_str("middle"),
            round: JsValue::from_str("round"),
            over: None,
            rects: Vec::with_capacity(64),
            ratio: (1.0, JsValue::from_f64(1.0)),
            fill: None,
            stroke: None,
            line_width: -1.0,
            font: None,
            align: None,
        }
    }

    /// Sets the font family (Grafana's `theme.typography.fontFamily`).
    pub fn set_family(&mut self, family: &str) {
        self.settle();
        if self.family != family {
            self.family.clear();
            self.family.push_str(family);
            self.fonts.clear();
            self.texts.clear();
            self.stamps.clear();
            self.font = None;
        }
    }

    /// Starts a redraw at `dpr` device pixels per CSS pixel, the canvas cleared first when
    /// `clear` (a background that does not cover what was drawn before); the canvas may
    /// have been resized, which resets its state, so every style is set again.
    pub fn begin(&mut self, dpr: f64, clear: bool) {
        self.end_over();
        let js = self.js();
        if clear {
            js.set_transform_js(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
            if let Some(canvas) = self.ctx.canvas() {
                self.ctx
                    .clear_rect(0.0, 0.0, canvas.width().into(), canvas.height().into());
            }
        }
        js.set_transform_js(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        js.set_text_baseline_js(&self.middle);
        js.set_line_join_js(&self.round);
        self.forget_styles(dpr);
    }

    /// Takes `dpr` as the ratio and forgets the styles set: a resized canvas lost them.
    fn forget_styles(&mut self, dpr: f64) {
        self.dpr = dpr as f32;
        self.fill = None;
        self.stroke = None;
        self.line_width = -1.0;
        self.font = None;
        self.align = None;
    }

    /// Copies `from` (a canvas of the same size in device pixels) over this one; clears
    /// first unless `opaque`.
    pub fn copy(&mut self, from: &HtmlCanvasElement, opaque: bool) {
        self.settle();
        copy_canvas(&self.ctx, from, !opaque);
    }

    /// Starts a redraw as [`Canvas::begin`] does, over a copy of `from` when given (as
    /// [`Canvas::copy`] makes it), held back until [`Canvas::end_over`]: fills of one
    /// colour on whole CSS pixels join it, and it goes into JavaScript in one call;
    /// anything else drawn meanwhile issues it first, then goes as usual.
    pub fn begin_over(&mut self, from: Option<HtmlCanvasElement>, opaque: bool, dpr: f64) {
        self.over = Some(Over {
            from,
            clear: !opaque,
            colour: None,
        });
        if self.ratio.0 != dpr {
            self.ratio = (dpr, JsValue::from_f64(dpr));
        }
        self.rects.clear();
        self.forget_styles(dpr);
    }

    /// Issues the redraw held back since [`Canvas::begin_over`], if any.
    pub fn end_over(&mut self) {
        let Some(over) = self.over.take() else {
            return;
        };
        let none = JsValue::UNDEFINED;
        let style = over
            .colour
            .and_then(|c| self.colours.get(&c))
            .unwrap_or(&none);
        fill_over(
            &self.ctx,
            over.from.as_ref().map_or(&none, |c| c.as_ref()),
            over.clear,
            &self.ratio.1,
            style,
            &self.memory,
            self.rects.as_ptr() as u32,
            self.rects.len() as u32,
        );
        self.fill = over.colour;
        self.rects.clear();
    }

    /// Issues the redraw held back, if any, and sets what [`Canvas::begin`] sets beside the
    /// transform: before anything but a fill is drawn.
    fn settle(&mut self) {
        if self.over.is_some() {
            self.end_over();
            let js = self.js();
            js.set_text_baseline_js(&self.middle);
            js.set_line_join_js(&self.round);
        }
    }

    /// Keeps `c` as a CSS string if it is not yet.
    fn keep_colour(&mut self, c: Colour) {
        if !self.colours.contains_key(&c) {
            if self.colours.len() >= MAX_CACHED {
                self.colours.clear();
            }
            let mut css = String::with_capacity(32);
            c.write_css(&mut css);
            self.colours.insert(c, JsValue::from_str(&css));
        }
    }

    fn set_fill(&mut self, c: Colour) {
        if self.fill != Some(c) {
            self.keep_colour(c);
            if let Some(css) = self.colours.get(&c) {
                self.js().set_fill_style_js(css);
            }
            self.fill = Some(c);
        }
    }

    fn set_stroke(&mut self, c: Colour, width: f32) {
        if self.stroke != Some(c) {
            self.keep_colour(c);
            if let Some(css) = self.colours.get(&c) {
                self.js().set_stroke_style_js(css);
            }
            self.stroke = Some(c);
        }
        if self.line_width != width {
            self.ctx.set_line_width(f64::from(width));
            self.line_width = width;
        }
    }

    fn set_font(&mut self, font: Font, align: Align) {
        if self.font != Some(font) {
            if !self.fonts.iter().any(|(f, _)| *f == font) {
                let css = css_font(font, &self.family);
                self.fonts.push((font, JsValue::from_str(&css)));
            }
            if let Some((_, css)) = self.fonts.iter().find(|(f, _)| *f == font) {
                self.js().set_font_js(css);
            }
            self.font = Some(font);
        }
        if self.align != Some(align) {
            self.js().set_text_align_js(&self.aligns[align as usize]);
            self.align = Some(align);
        }
    }

    /// Keeps `text` as a JavaScript string if it is not yet.
    fn keep(&mut self, text: &str) {
        if !self.texts.contains_key(text) {
            if self.texts.len() >= MAX_CACHED {
                self.texts.clear();
            }
            self.texts.insert(
                text.to_string(),
                Text {
                    js: JsValue::from_str(text),
                    widths: Vec::new(),
                },
            );
        }
    }

    /// Starts a layer of pixels over device pixels `x0..x1`, `y0..y1`, within the canvas.
    fn open(&mut self, x0: i32, y0: i32, x1: i32, y1: i32) {
        let (cw, ch) = self
            .ctx
            .canvas()
            .map_or((0, 0), |c| (c.width() as i32, c.height() as i32));
        let (x0, y0, x1, y1) = (x0.max(0), y0.max(0), x1.min(cw), y1.min(ch));
        self.layer = None;
        if x1 > x0 && y1 > y0 {
            let n = ((x1 - x0) * (y1 - y0)) as usize;
            // A fill of what is kept (a `memory.fill`), then a resize of what is not: the
            // resize's loop alone cost a millisecond a repaint.
            self.pixels.truncate(n);
            self.pixels.fill(0);
            self.pixels.resize(n, 0);
            self.layer = Some([x0, y0, x1 - x0, y1 - y0]);
        }
    }

    /// Fills the path's squares as pixels (`Pixels::squares`), in a layer of their own
    /// when none is open: the canvas fills 10,000 small squares in one path several times
    /// slower than it blits their pixels.
    fn fill_squares(&mut self, colour: Colour) {
        let dpr = self.dpr;
        let opened = self.layer.is_none();
        if opened {
            let (x0, y0, x1, y1) = Pixels::squares_bounds(&self.path, dpr);
            self.open(x0, y0, x1, y1);
        }
        let Some([x, y, w, h]) = self.layer else {
            return;
        };
        let mut px = Pixels {
            rgba: &mut self.pixels,
            x,
            y,
            w,
            h,
        };
        px.squares(&self.path, dpr, colour);
        if opened {
            self.end_pixels();
        }
    }

    /// `texts` drawn on a canvas of their own, sized to them at this canvas's ratio; none
    /// while a font of the page is loading.
    fn stamp(&mut self, texts: &[(&str, f32, f32)], font: Font, colour: Colour) -> Option<Stamp> {
        // Room above and below the middle, and around, for any glyph of the font.
        let (half, pad) = (font.size, 2.0);
        let (mut left, mut top, mut right, mut bottom) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(text, dx, dy) in texts {
            let w = self.text_width(text, font);
            (left, right) = (left.min(dx), right.max(dx + w));
            (top, bottom) = (top.min(dy - half), bottom.max(dy + half));
        }
        // Not while a font loads: the stamp would keep the fallback's glyphs after it.
        let target = self.ctx.canvas()?;
        if left > right || !fonts_loaded(&target) {
            return None;
        }
        let (left, top) = (left - pad, top - pad);
        let dpr = self.dpr;
        let w = ((right + pad - left) * dpr).ceil().max(1.0) as u32;
        let h = ((bottom + pad - top) * dpr).ceil().max(1.0) as u32;
        let canvas = new_canvas(&target);
        canvas.set_width(w);
        canvas.set_height(h);
        let ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let mut c = Canvas::new(ctx);
        c.set_family(&self.family);
        c.begin(f64::from(dpr), false);
        for &(text, dx, dy) in texts {
            c.text(text, dx - left, dy - top, font, colour, Align::Left);
        }
        Some(Stamp {
            canvas,
            left,
            top,
            w,
            h,
        })
    }

    fn js(&self) -> &Context {
        self.ctx.unchecked_ref()
    }

    fn trace(&self) {
        trace_path(
            &self.ctx,
            &self.memory,
            self.path.as_ptr() as u32,
            self.path.len() as u32,
        );
    }
}

impl Surface for Canvas {
    fn fill_rect(&mut self, r: Rect, colour: Colour) {
        if let Some(over) = &self.over {
            let same = over.colour.is_none_or(|c| c == colour);
            match (whole(r.x), whole(r.y), whole(r.w), whole(r.h)) {
                (Some(x), Some(y), Some(w), Some(h)) if same => {
                    self.keep_colour(colour);
                    if let Some(over) = &mut self.over {
                        over.colour = Some(colour);
                    }
                    self.rects.extend_from_slice(&[x, y, w, h]);
                    return;
                }
                _ => self.settle(),
            }
        }
        self.set_fill(colour);
        self.ctx
            .fill_rect(r.x.into(), r.y.into(), r.w.into(), r.h.into());
    }

    /// Four fills on whole CSS pixels rather than a stroke: a stroke's half-pixel
    /// coordinates cross into JavaScript as boxed numbers, an allocation on every redraw
    /// with an outline (the pointer moving), where whole numbers cross as they are.
    fn stroke_rect(&mut self, r: Rect, colour: Colour, width: f32) {
        let (x0, y0) = (r.x.round(), r.y.round());
        let (x1, y1) = (r.right().round(), r.bottom().round());
        let w = width
            .round()
            .max(1.0)
            .min((x1 - x0) / 2.0)
            .min((y1 - y0) / 2.0);
        if w <= 0.0 {
            return;
        }
        let side = y1 - y0 - 2.0 * w;
        for edge in [
            Rect::new(x0, y0, x1 - x0, w),
            Rect::new(x0, y1 - w, x1 - x0, w),
            Rect::new(x0, y0 + w, w, side),
            Rect::new(x1 - w, y0 + w, w, side),
        ] {
            self.fill_rect(edge, colour);
        }
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

    fn square(&mut self, x: f32, y: f32, half: f32) {
        self.path.extend_from_slice(&[SQUARE, x, y, half]);
    }

    fn begin_pixels(&mut self, area: Rect) {
        self.settle();
        let device = |v: f32| (v * self.dpr).round() as i32;
        self.open(
            device(area.x),
            device(area.y),
            device(area.right()),
            device(area.bottom()),
        );
    }

    fn pixels(&mut self) -> Option<Pixels<'_>> {
        let [x, y, w, h] = self.layer?;
        Some(Pixels {
            rgba: &mut self.pixels,
            x,
            y,
            w,
            h,
        })
    }

    fn end_pixels(&mut self) {
        self.settle();
        if let Some([x, y, w, h]) = self.layer.take() {
            blit_pixels(
                &self.ctx,
                &self.memory,
                self.pixels.as_ptr() as u32,
                w as u32,
                h as u32,
                x,
                y,
            );
        }
    }

    fn stroke(&mut self, colour: Colour, width: f32) {
        self.settle();
        self.set_stroke(colour, width);
        self.trace();
        self.ctx.stroke();
    }

    fn fill(&mut self, colour: Colour) {
        self.settle();
        if !self.path.is_empty() && self.path.chunks_exact(4).all(|p| p[0] == SQUARE) {
            self.fill_squares(colour);
            return;
        }
        self.set_fill(colour);
        self.trace();
        self.ctx.fill();
    }

    fn text(&mut self, text: &str, x: f32, y: f32, font: Font, colour: Colour, align: Align) {
        self.settle();
        self.set_font(font, align);
        self.set_fill(colour);
        self.keep(text);
        if let Some(t) = self.texts.get(text) {
            self.js().fill_text_js(&t.js, x.into(), y.into());
        }
    }

    /// Stamps the group, drawn once per look (texts, offsets, font, colour, ratio): the
    /// canvas's `fillText` of each of a tile's labels, tile after tile, cost more than
    /// copying them as an image.
    fn text_group(
        &mut self,
        texts: &[(&str, f32, f32)],
        x: f32,
        y: f32,
        font: Font,
        colour: Colour,
    ) {
        self.settle();
        let mut key = Fnv::default();
        for &(text, dx, dy) in texts {
            key.write(text.as_bytes());
            key.write(&[0]);
            key.write(&dx.to_bits().to_le_bytes());
            key.write(&dy.to_bits().to_le_bytes());
        }
        key.write(&font.size.to_bits().to_le_bytes());
        key.write(&[font.weight as u8, colour.r, colour.g, colour.b, colour.a]);
        key.write(&self.dpr.to_bits().to_le_bytes());
        let key = key.finish();
        if !self.stamps.contains_key(&key) {
            if self.stamps.len() >= MAX_STAMPS {
                self.stamps.clear();
            }
            match self.stamp(texts, font, colour) {
                Some(stamp) => {
                    self.stamps.insert(key, stamp);
                }
                None => return texts_one_by_one(self, texts, x, y, font, colour),
            }
        }
        if let Some(s) = self.stamps.get(&key) {
            // On whole device pixels, so that the image is copied, not resampled.
            let dpr = self.dpr;
            let at = |v: f32| f64::from((v * dpr).round() / dpr);
            self.js().draw_image_js(
                &s.canvas,
                at(x + s.left),
                at(y + s.top),
                f64::from(s.w as f32 / dpr),
                f64::from(s.h as f32 / dpr),
            );
        }
    }

    fn text_width(&mut self, text: &str, font: Font) -> f32 {
        self.settle();
        self.keep(text);
        if let Some(&(_, w)) = self
            .texts
            .get(text)
            .and_then(|t| t.widths.iter().find(|(f, _)| *f == font))
        {
            return w;
        }
        let align = self.align.unwrap_or(Align::Left);
        self.set_font(font, align);
        let w = self
            .ctx
            .measure_text(text)
            .map(|m| m.width() as f32)
            .unwrap_or(0.0);
        if let Some(t) = self.texts.get_mut(text) {
            t.widths.push((font, w));
        }
        w
    }
}
