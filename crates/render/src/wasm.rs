//! The JavaScript API (wasm-bindgen): a `Renderer` bound to a canvas. The panel shell
//! hands over each frame's fields as typed arrays, then calls `draw`, `resize`, `hover`,
//! `hit` and `focusNext`; tooltips and links come back as `HitInfo` (for the pointer,
//! only when `hover` says it is on something else). Without a summary the canvas holds
//! the background alone, and `problem` is what the panel says instead, which the shell
//! shows as the page's text.
//!
//! Everything but the hover and focus outlines (the content) is painted only when the
//! frames, the size, the theme or the font changed, and kept on a second canvas, not in the
//! page, before the first outline is drawn over it: a redraw for a pointer that moved copies
//! that canvas back and outlines what the pointer is on, instead of rasterising 150 lines
//! and 10,000 exemplars again. New data costs no copy until the pointer comes.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::canvas::{css_font, new_canvas, Canvas};
use crate::draw::{draw_background, draw_content, draw_highlights, Scratch, View, FONTS};
use crate::format::Zone;
use crate::hit::{self, Info, Target};
use crate::input::{Frames, Kept, Steps, Texts, Values};
use crate::layout::Layout;
use crate::summary::{Problem, Summary};
use crate::theme::{Mode, Theme};

#[wasm_bindgen]
extern "C" {
    /// A text column's rows, kept by the shell: a JavaScript array of strings.
    #[wasm_bindgen(typescript_type = "string[]")]
    #[derive(Debug, Clone, PartialEq)]
    pub type Rows;

    #[wasm_bindgen(method, getter)]
    pub(crate) fn length(this: &Rows) -> u32;

    #[wasm_bindgen(method, indexing_getter)]
    pub(crate) fn get(this: &Rows, i: u32) -> Option<String>;

    /// The dashboard's time zone, kept by the shell: how many minutes it is ahead of UTC
    /// at an instant (ms since the epoch).
    #[wasm_bindgen(typescript_type = "(ms: number) => number")]
    pub type UtcOffset;

    #[wasm_bindgen(method, catch, js_name = call)]
    fn at(this: &UtcOffset, this_arg: &JsValue, ms: f64) -> Result<f64, JsValue>;
}

/// A tooltip and link, as `hit`, `hovered`, `focusNext` and `focused` return them.
#[wasm_bindgen]
pub struct HitInfo {
    kind: &'static str,
    info: Info,
    at: Option<(f32, f32)>,
}

#[wasm_bindgen]
impl HitInfo {
    /// `service`, `tool`, `pool`, `exemplar` or `line` (a latency line, for the pointer only).
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_string()
    }

    /// First tooltip line.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.info.title.clone()
    }

    /// The other tooltip lines, joined by newlines.
    #[wasm_bindgen(getter)]
    pub fn text(&self) -> String {
        self.info.lines.join("\n")
    }

    /// Where a click goes (the service's drill-down, the exemplar's trace), if anywhere.
    #[wasm_bindgen(getter)]
    pub fn link(&self) -> Option<String> {
        self.info.link.clone()
    }

    /// Where its tooltip hangs when no pointer says (keyboard focus): CSS pixels from the
    /// canvas's left edge; none when it is not drawn.
    #[wasm_bindgen(getter)]
    pub fn x(&self) -> Option<f32> {
        self.at.map(|(x, _)| x)
    }

    /// See [`HitInfo::x`]: from the canvas's top edge.
    #[wasm_bindgen(getter)]
    pub fn y(&self) -> Option<f32> {
        self.at.map(|(_, y)| y)
    }
}

/// The overview panel's renderer, bound to one canvas.
#[wasm_bindgen]
pub struct Renderer {
    canvas: HtmlCanvasElement,
    surface: Canvas,
    /// The content without the outlines, as of the last change: made at the first
    /// outline, which a panel's first paint has none of.
    layer: Option<(HtmlCanvasElement, Canvas)>,
    /// The content no longer shows the frames, the size or the theme.
    stale: bool,
    /// The layer holds the content as last painted; until then the canvas holds it alone.
    kept: bool,
    theme: Theme,
    frames: Frames,
    /// The numbers the shell is writing through `numbersBuffer`'s view.
    numbers: Vec<f64>,
    summary: Result<Summary, Problem>,
    layout: Layout,
    view: View,
    scratch: Scratch,
    drilldown: String,
    width: f32,
    height: f32,
    /// The screen's device pixels per CSS pixel.
    dpr: f32,
    /// How many times as large as its layout the panel is drawn
    /// ([`Layout::compute_zoomed`]): the layout is of the canvas's size divided by it, and
    /// drawn at `dpr` times it (`view.dpr`); the pointer's coordinates are divided by it,
    /// the tooltips' anchors multiplied.
    zoom: f32,
}

#[wasm_bindgen]
impl Renderer {
    /// A renderer on `canvas`, in Grafana's dark or light theme.
    #[wasm_bindgen(constructor)]
    pub fn new(canvas: HtmlCanvasElement, dark: bool) -> Result<Renderer, JsError> {
        let ctx = canvas
            .get_context("2d")
            .map_err(|_| JsError::new("the canvas refused a 2d context"))?
            .ok_or_else(|| JsError::new("the canvas has no 2d context"))?
            .dyn_into::<CanvasRenderingContext2d>()
            .map_err(|_| {
                JsError::new("the canvas's 2d context is not a CanvasRenderingContext2d")
            })?;
        let (w, h) = (canvas.client_width() as f32, canvas.client_height() as f32);
        Ok(Renderer {
            canvas,
            surface: Canvas::new(ctx),
            layer: None,
            stale: true,
            kept: false,
            theme: Theme::of(if dark { Mode::Dark } else { Mode::Light }),
            frames: Frames::new(),
            numbers: Vec::new(),
            summary: Err(Problem::NoData),
            layout: Layout::default(),
            view: View {
                dpr: 1.0,
                ..View::default()
            },
            scratch: Scratch::default(),
            drilldown: String::new(),
            width: w,
            height: h,
            dpr: 1.0,
            zoom: 1.0,
        })
    }

    /// Switches to Grafana's dark or light defaults (then `setColour` overrides apply).
    #[wasm_bindgen(js_name = setMode)]
    pub fn set_mode(&mut self, dark: bool) {
        self.theme = Theme::of(if dark { Mode::Dark } else { Mode::Light });
        self.stale = true;
    }

    /// Sets one theme colour from CSS text: `background`, `surface`, `text`, `textWeak`,
    /// `border`, `focus`, `ok`, `warn`, `critical`, `noData`, `exemplar`, and the latency
    /// lines' `lowestPercentile`, `middlePercentile`, `highestPercentile`: the lowest
    /// percentile drawn, those between, the highest (p50, p95, p99 by default).
    #[wasm_bindgen(js_name = setColour)]
    pub fn set_colour(&mut self, name: &str, css: &str) -> Result<(), JsError> {
        self.stale = true;
        self.theme
            .set(name, css)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Paints no background when `transparent` (Grafana's "Transparent background"): the
    /// canvas is cleared and the page shows through; `background` is then the colour that
    /// shows through, which faint colours are blended over.
    #[wasm_bindgen(js_name = setTransparent)]
    pub fn set_transparent(&mut self, transparent: bool) {
        if self.view.transparent != transparent {
            self.view.transparent = transparent;
            self.stale = true;
        }
    }

    /// Sets the font family (Grafana's `theme.typography.fontFamily`).
    #[wasm_bindgen(js_name = setFontFamily)]
    pub fn set_font_family(&mut self, family: &str) {
        self.surface.set_family(family);
        self.stale = true;
    }

    /// Sets the service drill-down link; `${service}` stands for the service's name.
    #[wasm_bindgen(js_name = setDrilldown)]
    pub fn set_drilldown(&mut self, template: &str) {
        self.drilldown = template.to_string();
    }

    /// At most `n` tiles, the first services' (0: all); the header still counts every
    /// service, and says how many more there are.
    #[wasm_bindgen(js_name = setMaxTiles)]
    pub fn set_max_tiles(&mut self, n: u32) {
        if self.layout.max_tiles != n as usize {
            let focused = self.focused_name();
            self.layout.max_tiles = n as usize;
            self.relayout();
            // As a new size: what was pointed at may have no tile now.
            self.view.hover = Target::None;
            self.refocus(focused);
            self.stale = true;
        }
    }

    /// Sets the time zone the axis and the tooltips read in: `offset(ms)` is how many
    /// minutes it is ahead of UTC at `ms` since the epoch. UTC until set.
    #[wasm_bindgen(js_name = setTimeZone)]
    pub fn set_time_zone(&mut self, offset: UtcOffset) {
        // A throw reads as UTC: uncaught, it would unwind through the renderer in use.
        self.view.zone =
            Zone::new(move |ms| offset.at(&JsValue::UNDEFINED, ms).unwrap_or(f64::NAN));
        self.stale = true;
    }

    /// Forgets the frames handed over so far.
    #[wasm_bindgen(js_name = beginFrames)]
    pub fn begin_frames(&mut self) {
        self.frames = Frames::new();
    }

    /// Sets the dashboard's time range the frames answer (`data.timeRange`, ms since the
    /// epoch), between `beginFrames` and `endFrames`: the latency strip's time axis, its
    /// lines and exemplars clipped to it. Without one the strip spans its data.
    #[wasm_bindgen(js_name = setTimeRange)]
    pub fn set_time_range(&mut self, from: f64, to: f64) {
        self.frames.time_range(from, to);
    }

    /// Starts a frame called `name`.
    #[wasm_bindgen(js_name = addFrame)]
    pub fn add_frame(&mut self, name: &str) {
        self.frames.frame(name);
    }

    /// `n` numbers in the renderer's memory, NaN until written, for the field
    /// `addWrittenNumbers` adds next: the shell converts a field's values straight into
    /// them, so that new data makes no array of its own and no copy of it. The view is
    /// valid until the next call into the renderer.
    #[wasm_bindgen(js_name = numbersBuffer)]
    pub fn numbers_buffer(&mut self, n: usize) -> js_sys::Float64Array {
        self.numbers.clear();
        self.numbers.resize(n, f64::NAN);
        // SAFETY: the view is of `self.numbers`, which nothing touches until the next call
        // into the renderer, and which no call before `addWrittenNumbers` reallocates.
        unsafe { js_sys::Float64Array::view(&self.numbers) }
    }

    /// Adds a number (or time, in ms) field to the last frame: the numbers written through
    /// the last `numbersBuffer`.
    #[wasm_bindgen(js_name = addWrittenNumbers)]
    pub fn add_written_numbers(&mut self, name: &str) {
        let values = std::mem::take(&mut self.numbers);
        self.frames.numbers(name, values);
    }

    /// Adds a text field: its rows joined into one string, and each row's end in UTF-16
    /// code units (`Uint32Array`, one per row: the running sum of the rows' lengths).
    #[wasm_bindgen(js_name = addTexts)]
    pub fn add_texts(&mut self, name: &str, text: String, ends: Vec<u32>) -> Result<(), JsError> {
        let texts = Texts::from_joined(text, ends)
            .map_err(|e| JsError::new(&format!("field {name}: {e}")))?;
        self.frames.field(name, Values::Texts(texts));
        Ok(())
    }

    /// Adds a text field the shell keeps (an array of strings, not copied): the renderer
    /// reads a row of it only when a tooltip, a link or the description needs one (the
    /// exemplars' trace ids and services).
    #[wasm_bindgen(js_name = addKept)]
    pub fn add_kept(&mut self, name: &str, rows: Rows) {
        self.frames.field(name, Values::Kept(Kept::new(rows)));
    }

    /// Adds a label to the last field.
    #[wasm_bindgen(js_name = addLabel)]
    pub fn add_label(&mut self, key: &str, value: &str) {
        self.frames.label(key, value);
    }

    /// Sets the last field's link template (`${__value.raw}` stands for the row's value).
    #[wasm_bindgen(js_name = setLink)]
    pub fn set_link(&mut self, url: &str) {
        self.frames.link(url);
    }

    /// Sets the last field's threshold steps: the bounds of every step after the first
    /// (`Float64Array`, ascending) and every step's status, `ok`, `warn` or `critical`,
    /// separated by spaces (one more than the bounds), as the shell reads the field config.
    #[wasm_bindgen(js_name = setSteps)]
    pub fn set_steps(&mut self, bounds: Vec<f64>, statuses: &str) -> Result<(), JsError> {
        let steps = Steps::new(bounds, statuses.split(' '))
            .map_err(|e| JsError::new(&format!("threshold steps: {e}")))?;
        self.frames.steps(steps);
        Ok(())
    }

    /// Reads the frames handed over (what is wrong with them, if anything, is then the
    /// `problem`).
    #[wasm_bindgen(js_name = endFrames)]
    pub fn end_frames(&mut self) {
        let focused = self.focused_name();
        self.summary = Summary::from_frames(std::mem::take(&mut self.frames));
        self.view.hover = Target::None;
        self.stale = true;
        self.relayout();
        // A refresh keeps the keyboard where it was: on the same service, tool, pool or trace.
        self.refocus(focused);
    }

    /// Shows the datasource's error instead of data.
    #[wasm_bindgen(js_name = setError)]
    pub fn set_error(&mut self, message: &str) {
        self.summary = Err(Problem::Datasource(message.to_string()));
        self.view.hover = Target::None;
        self.view.focus = Target::None;
        self.stale = true;
    }

    /// What the panel says instead of the overview (no data, not a summary, no service, the
    /// datasource's error), if anything: the shell shows it as text, over the canvas's
    /// background (`draw` paints nothing else then).
    #[wasm_bindgen(getter)]
    pub fn problem(&self) -> Option<String> {
        self.summary.as_ref().err().map(Problem::to_string)
    }

    /// Sizes the canvas to `width` x `height` CSS pixels at `dpr`. A panel larger than
    /// its content needs is drawn larger ([`Layout::compute_zoomed`]); every coordinate in
    /// and out of the renderer stays in the canvas's CSS pixels.
    pub fn resize(&mut self, width: f64, height: f64, dpr: f64) {
        let dpr = if dpr > 0.0 { dpr } else { 1.0 };
        let size = (width.max(0.0) as f32, height.max(0.0) as f32, dpr as f32);
        let focused = self.focused_name();
        if size != (self.width, self.height, self.dpr) {
            // The things laid out move: what was highlighted is forgotten, as new frames
            // forget it; the keyboard's focus is found again after the layout.
            self.view.hover = Target::None;
        }
        (self.width, self.height, self.dpr) = size;
        // Setting a canvas's size clears it and drops its pixels even when the size is the
        // same (about 0.5 ms at 1920 x 1080), and the shell sizes the panel with every new
        // data: only a new size is set.
        let (w, h) = (
            (width * dpr).round().max(1.0) as u32,
            (height * dpr).round().max(1.0) as u32,
        );
        for canvas in std::iter::once(&self.canvas).chain(self.layer.as_ref().map(|(l, _)| l)) {
            if canvas.width() != w {
                canvas.set_width(w);
            }
            if canvas.height() != h {
                canvas.set_height(h);
            }
        }
        self.stale = true;
        self.relayout();
        self.refocus(focused);
    }

    /// Redraws: the content when it changed since the last draw, then the outlines.
    pub fn draw(&mut self) {
        let dpr = f64::from(self.view.dpr);
        let opaque = !self.view.transparent && self.theme.background.a == u8::MAX;
        if self.stale {
            // An opaque background covers what was drawn before; another is drawn over a
            // cleared canvas (a resize no longer clears it when the size stays).
            self.surface.begin(dpr, !opaque);
            match &self.summary {
                Ok(summary) => draw_content(
                    &mut self.surface,
                    &self.layout,
                    summary,
                    &self.theme,
                    &self.view,
                    &mut self.scratch,
                ),
                // The shell shows the message (`problem`) as text over the background.
                Err(_) => draw_background(
                    &mut self.surface,
                    self.width / self.zoom,
                    self.height / self.zoom,
                    &self.theme,
                    &self.view,
                ),
            }
            self.stale = false;
            self.kept = false;
        }
        let outlined = self.view.hover != Target::None || self.view.focus != Target::None;
        if !self.kept {
            if !outlined {
                // The canvas shows the content alone: nothing to keep yet.
                return;
            }
            let Some((_, layer_surface)) = layer(&mut self.layer, &self.canvas) else {
                // No canvas to keep the content on: outline over it, drawn whole each time.
                self.stale = true;
                return self.draw_outlines(None, opaque, dpr);
            };
            layer_surface.copy(&self.canvas, opaque);
            self.kept = true;
            return self.draw_outlines(None, opaque, dpr);
        }
        // The content copied back and the outlines in one call into JavaScript.
        let layer = self.layer.as_ref().map(|(layer, _)| layer.clone());
        self.draw_outlines(layer, opaque, dpr);
    }

    /// What is at `(x, y)` (CSS pixels from the canvas's top left).
    pub fn hit(&self, x: f32, y: f32) -> Option<HitInfo> {
        let summary = self.summary.as_ref().ok()?;
        self.info(hit::hit(
            &self.layout,
            summary,
            x / self.zoom,
            y / self.zoom,
        ))
    }

    /// Highlights what is at `(x, y)`; true when that is not what was highlighted (by the
    /// last `hover`, before `leave` or new frames): the shell then calls `draw`, and reads
    /// the tooltip with `hovered`. A pointer moving within one thing costs no answer object
    /// and no text: each object answered cost the JavaScript heap about 130 bytes (the
    /// glue's wrapper and its `FinalizationRegistry` entry), where a boolean crosses as it is.
    pub fn hover(&mut self, x: f32, y: f32) -> bool {
        let target = match &self.summary {
            Ok(summary) => hit::hit(&self.layout, summary, x / self.zoom, y / self.zoom),
            Err(_) => Target::None,
        };
        let changed = target != self.view.hover;
        self.view.hover = target;
        changed
    }

    /// The highlighted thing's tooltip and link, as `hover` last found it.
    pub fn hovered(&self) -> Option<HitInfo> {
        self.info(self.view.hover)
    }

    /// Clears the hover highlight: the pointer left the panel, or what is under it is to be
    /// found again (a resize, a new theme).
    pub fn leave(&mut self) {
        self.view.hover = Target::None;
    }

    /// Moves keyboard focus to the next (or previous) service, tool, pool or exemplar
    /// (the slowest and the latest failing).
    #[wasm_bindgen(js_name = focusNext)]
    pub fn focus_next(&mut self, back: bool) -> Option<HitInfo> {
        if let Ok(summary) = &self.summary {
            self.view.focus = hit::next_focus(&self.layout, summary, self.view.focus, back);
        }
        self.info(self.view.focus)
    }

    /// Clears keyboard focus (the panel lost it): its outline goes at the next `draw`.
    pub fn blur(&mut self) {
        self.view.focus = Target::None;
    }

    /// The focused thing, for Enter, and for its tooltip after new frames.
    pub fn focused(&self) -> Option<HitInfo> {
        self.info(self.view.focus)
    }

    /// A text alternative of the whole panel, for screen readers.
    pub fn describe(&self) -> String {
        match &self.summary {
            Ok(s) => crate::describe(s),
            Err(p) => p.to_string(),
        }
    }
}

/// The fonts the renderer draws in, in `family`, as CSS, one a line: what the page can
/// load (and draw once) before a panel's first draw, which otherwise waits for them or
/// draws without.
#[wasm_bindgen(js_name = cssFonts)]
pub fn css_fonts(family: &str) -> String {
    let fonts: Vec<String> = FONTS.iter().map(|&f| css_font(f, family)).collect();
    fonts.join("\n")
}

impl Renderer {
    /// The outlines over the canvas, over a copy of `from` (the kept content) when given.
    fn draw_outlines(&mut self, from: Option<HtmlCanvasElement>, opaque: bool, dpr: f64) {
        self.surface.begin_over(from, opaque, dpr);
        if let Ok(summary) = &self.summary {
            draw_highlights(
                &mut self.surface,
                &self.layout,
                summary,
                &self.theme,
                &self.view,
            );
        }
        self.surface.end_over();
    }

    /// What the keyboard is on, by name, to find again after new frames or a new layout.
    fn focused_name(&self) -> Option<hit::Named> {
        let summary = self.summary.as_ref().ok()?;
        hit::named(summary, self.view.focus)
    }

    /// Focuses `named` where it is now (nothing when it is gone or not shown).
    fn refocus(&mut self, named: Option<hit::Named>) {
        self.view.focus = match (&self.summary, named) {
            (Ok(summary), Some(named)) => hit::refind(&self.layout, summary, &named),
            _ => Target::None,
        };
    }

    /// Lays the frames out on the canvas's size at their zoom, which new frames, a new
    /// size and a new tile limit all decide again; without a summary the zoom stays.
    fn relayout(&mut self) {
        if let Ok(summary) = &self.summary {
            self.layout.tool_cell_w = crate::tool_cell_width(&mut self.surface);
            self.zoom = self.layout.compute_zoomed(summary, self.width, self.height);
        }
        self.view.dpr = self.dpr * self.zoom;
    }

    fn info(&self, target: Target) -> Option<HitInfo> {
        let summary = self.summary.as_ref().ok()?;
        let kind = match target {
            Target::None => return None,
            Target::Service(_) => "service",
            Target::Tool(_) => "tool",
            Target::Pool(_) => "pool",
            Target::Exemplar(_) => "exemplar",
            Target::Line { .. } => "line",
        };
        Some(HitInfo {
            kind,
            info: hit::info(summary, target, &self.drilldown, &self.view.zone)?,
            at: hit::anchor(&self.layout, summary, target)
                .map(|(x, y)| (x * self.zoom, y * self.zoom)),
        })
    }
}

/// The canvas the content is kept on, of `canvas`'s size, made at first use; `None` when
/// the document gives no 2d context for one.
fn layer<'a>(
    kept: &'a mut Option<(HtmlCanvasElement, Canvas)>,
    canvas: &HtmlCanvasElement,
) -> Option<&'a mut (HtmlCanvasElement, Canvas)> {
    if kept.is_none() {
        let layer = new_canvas(canvas);
        layer.set_width(canvas.width());
        layer.set_height(canvas.height());
        let ctx = layer
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())?;
        *kept = Some((layer, Canvas::new(ctx)));
    }
    kept.as_mut()
}
