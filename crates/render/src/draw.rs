//! Drawing: the [`Surface`] a backend implements (a bitmap natively, a canvas in the
//! browser) and [`draw`], which paints a [`Layout`] of a [`Summary`] on it. Steady redraws
//! allocate nothing: text is formatted into the [`Scratch`] buffers and line decimation
//! reuses its column buffer.

use std::hint::select_unpredictable;
use std::rc::Rc;

use mcp_model::Status;

use crate::decimate::{self, Column};
use crate::format::{self, Clock, Zone};
use crate::hit::Target;
use crate::layout::{shows_tool_name, Detail, Layout, Rect, Scale};
use crate::summary::{Bands, Service, StatusBand, Summary};
use crate::theme::{contrast, Colour, Theme, TileTexts};

/// Font weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Regular.
    Regular,
    /// Semi-bold, for names and headlines.
    Bold,
}

impl Weight {
    /// The CSS `font-weight`.
    pub fn css(self) -> u16 {
        match self {
            Weight::Regular => 400,
            Weight::Bold => 600,
        }
    }
}

/// A font: size in CSS pixels and weight (the family is the backend's: Inter).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Font {
    /// Size, CSS pixels.
    pub size: f32,
    /// Weight.
    pub weight: Weight,
}

const SMALL: Font = Font {
    size: 11.0,
    weight: Weight::Regular,
};
const BODY_BOLD: Font = Font {
    size: 12.0,
    weight: Weight::Bold,
};
const NAME: Font = Font {
    size: 13.0,
    weight: Weight::Bold,
};
const PILL: Font = Font {
    size: 10.0,
    weight: Weight::Bold,
};

/// Every font the panel draws in: a backend may load them before its first draw.
pub const FONTS: [Font; 4] = [SMALL, BODY_BOLD, NAME, PILL];

/// Horizontal text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `x` is the left edge.
    Left,
    /// `x` is the centre.
    Center,
    /// `x` is the right edge.
    Right,
}

/// What a drawing backend offers, in CSS pixels (the backend scales by the device pixel
/// ratio). Paths follow the Canvas 2D model: begin, add segments and circles, then stroke
/// or fill.
pub trait Surface {
    /// Fills a rectangle.
    fn fill_rect(&mut self, r: Rect, colour: Colour);
    /// Outlines a rectangle.
    fn stroke_rect(&mut self, r: Rect, colour: Colour, width: f32);
    /// Starts a new path.
    fn begin_path(&mut self);
    /// Starts a subpath at `(x, y)`.
    fn move_to(&mut self, x: f32, y: f32);
    /// Adds a segment to `(x, y)`.
    fn line_to(&mut self, x: f32, y: f32);
    /// Adds a circle as its own subpath.
    fn circle(&mut self, x: f32, y: f32, r: f32);
    /// Adds a square of side `2 * half` centred at `(x, y)` as its own subpath: a dot too
    /// small for its corners to show, which the canvas fills several times faster than a
    /// circle.
    fn square(&mut self, x: f32, y: f32, half: f32);
    /// Starts drawing lines as pixels over `area`: `span`s and the squares of `fill` may be
    /// kept by the backend until [`Surface::end_pixels`] (the browser's canvas rasterises
    /// a hundred stroked lines several times slower than it blits their pixels).
    fn begin_pixels(&mut self, _area: Rect) {}
    /// The pixels opened by [`Surface::begin_pixels`], for the drawing to write straight
    /// into; `None` when none are open.
    fn pixels(&mut self) -> Option<Pixels<'_>>;
    /// Shows what was drawn since [`Surface::begin_pixels`].
    fn end_pixels(&mut self) {}
    /// Strokes the path's segments.
    fn stroke(&mut self, colour: Colour, width: f32);
    /// Fills the path's circles.
    fn fill(&mut self, colour: Colour);
    /// Draws `text` with its vertical middle at `y`.
    fn text(&mut self, text: &str, x: f32, y: f32, font: Font, colour: Colour, align: Align);
    /// The width `text` takes.
    fn text_width(&mut self, text: &str, font: Font) -> f32;
    /// Draws `texts` left-aligned, each at its offset from `(x, y)`, in one font and
    /// colour. The same group recurs tile after tile (the values' labels): a backend may
    /// keep it drawn once and stamp it.
    fn text_group(
        &mut self,
        texts: &[(&str, f32, f32)],
        x: f32,
        y: f32,
        font: Font,
        colour: Colour,
    ) {
        texts_one_by_one(self, texts, x, y, font, colour);
    }
}

/// [`Surface::text_group`] as texts drawn one by one.
pub(crate) fn texts_one_by_one<S: Surface + ?Sized>(
    s: &mut S,
    texts: &[(&str, f32, f32)],
    x: f32,
    y: f32,
    font: Font,
    colour: Colour,
) {
    for &(text, dx, dy) in texts {
        s.text(text, x + dx, y + dy, font, colour, Align::Left);
    }
}

/// Device pixels a backend lets the drawing write, row after row, each an RGBA colour
/// (red in the low byte, as `u32::from_le_bytes([r, g, b, a])`).
pub struct Pixels<'a> {
    /// `w * h` pixels.
    pub rgba: &'a mut [u32],
    /// The device pixel of `rgba[0]`.
    pub x: i32,
    /// The device row of `rgba[0]`.
    pub y: i32,
    /// Columns.
    pub w: i32,
    /// Rows.
    pub h: i32,
}

impl Pixels<'_> {
    /// `c` opaque, as a pixel.
    pub fn opaque(c: Colour) -> u32 {
        u32::from_le_bytes([c.r, c.g, c.b, 255])
    }

    /// Blends `c` at `coverage` (0 to 1) over pixel `i`, source over, the pixels' colours
    /// not premultiplied.
    #[inline(always)]
    fn blend(&mut self, i: usize, c: Colour, coverage: f32) {
        // Each channel a weighted mean of two bytes (`sa + da` is `oa`), below 256 once
        // rounded half up, as the alpha: `byte` takes them as `as u8` does.
        #[inline(always)]
        fn mix(s: u8, d: u8, sa: f32, da: f32, oa: f32) -> u8 {
            byte((f32::from(s) * sa + f32::from(d) * da) / oa + 0.5)
        }
        // As `coverage.min(1.0)` (a NaN also gives 1), without the branches V8 makes of a
        // float's `min` for NaNs and signed zeros.
        let coverage = if coverage < 1.0 { coverage } else { 1.0 };
        let sa = coverage * f32::from(c.a) / 255.0;
        let Some(px) = self.rgba.get_mut(i) else {
            return;
        };
        if sa >= 1.0 {
            *px = Pixels::opaque(c);
        } else if sa > 0.0 {
            let [r, g, b, a] = px.to_le_bytes();
            let da = f32::from(a) / 255.0 * (1.0 - sa);
            let oa = sa + da;
            *px = u32::from_le_bytes([
                mix(c.r, r, sa, da, oa),
                mix(c.g, g, sa, da, oa),
                mix(c.b, b, sa, da, oa),
                byte(oa * 255.0 + 0.5),
            ]);
        }
    }

    /// Fills the squares of `path` (`[kind, x, y, half]` each, CSS pixels at `dpr`),
    /// pixel-aligned, as one path fills them: a pixel under several is covered once, in
    /// `colour`. Over the opaque pixels of a line they blend, and the result is marked by an
    /// alpha of 254 so that it is covered once too.
    pub fn squares(&mut self, path: &[f32], dpr: f32, colour: Colour) {
        // Functions, not closures: these run 80,000 times, and a function is inlined for sure.
        #[inline(always)]
        fn clip(v: i32, end: i32) -> usize {
            v.max(0).min(end) as usize
        }
        #[inline(always)]
        fn mix(over: u32, under: u32, a: u32, shift: u32) -> u32 {
            let (s, u) = ((over >> shift) & 255, (under >> shift) & 255);
            ((s * a + u * (255 - a) + 127) / 255) << shift
        }
        let rgba = u32::from_le_bytes([colour.r, colour.g, colour.b, colour.a]);
        let a = u32::from(colour.a);
        let blend = |under: u32| {
            mix(rgba, under, a, 0) | mix(rgba, under, a, 8) | mix(rgba, under, a, 16) | 254 << 24
        };
        // Which of the three a pixel under a square is (transparent, a line's, already
        // blended) is what a predictor cannot learn, and the blend's three divisions cost
        // more than the rest of a square: every pixel takes its new value by selects, the
        // blend looked up in a few slots by a hash of the pixel under. The opaque pixels
        // under squares are a few lines' colours, so after the first of each, every
        // lookup finds its blend.
        let mut kept = [(0u32, blend(0)); 64];
        let slot = |under: u32| (under.wrapping_mul(0x9e37_79b1) >> 26) as usize;
        let (x0, y0, w, h) = (self.x, self.y, self.w, self.h);
        let stride = w as usize;
        let Some(pixels) = self.rgba.get_mut(..stride * h as usize) else {
            return;
        };
        for p in path.chunks_exact(4) {
            let (l, r) = (
                clip(device(p[1] - p[3], dpr) - x0, w),
                clip(device(p[1] + p[3], dpr) - x0, w),
            );
            let (t, b) = (
                clip(device(p[2] - p[3], dpr) - y0, h),
                clip(device(p[2] + p[3], dpr) - y0, h),
            );
            if l >= r {
                continue;
            }
            for row in pixels
                .chunks_exact_mut(stride)
                .skip(t)
                .take(b.saturating_sub(t))
            {
                for px in &mut row[l..r] {
                    let under = *px;
                    let alpha = under >> 24;
                    // Only opaque pixels are looked up (any other as 0): fewer values
                    // to share a slot.
                    let key = if alpha == 255 { under } else { 0 };
                    let k = &mut kept[slot(key)];
                    if k.0 != key {
                        *k = (key, blend(key));
                    }
                    let blended = k.1;
                    let kept_or_new = select_unpredictable(alpha == 254, under, rgba);
                    *px = select_unpredictable(alpha == 255, blended, kept_or_new);
                }
            }
        }
    }

    /// The device pixels `x0..x1`, `y0..y1` the squares of `path` cover at `dpr`.
    pub fn squares_bounds(path: &[f32], dpr: f32) -> (i32, i32, i32, i32) {
        let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
        for p in path.chunks_exact(4) {
            x0 = x0.min(device(p[1] - p[3], dpr));
            y0 = y0.min(device(p[2] - p[3], dpr));
            x1 = x1.max(device(p[1] + p[3], dpr));
            y1 = y1.max(device(p[2] + p[3], dpr));
        }
        (x0, y0, x1, y1)
    }

    /// Fills the circle of radius `r` centred at `(x, y)`, in device pixels, antialiased
    /// as the canvas does: a pixel is covered by as much as its centre lies inside the
    /// circle's edge plus half a pixel.
    pub fn circle(&mut self, x: f32, y: f32, r: f32, c: Colour) {
        let (cx, cy) = (x - self.x as f32, y - self.y as f32);
        let span = |centre: f32, end: i32| {
            (
                ((centre - r - 0.5).floor() as i32).clamp(0, end),
                ((centre + r + 0.5).ceil() as i32).clamp(0, end),
            )
        };
        let ((x0, x1), (y0, y1)) = (span(cx, self.w), span(cy, self.h));
        for row in y0..y1 {
            let dy = row as f32 + 0.5 - cy;
            for col in x0..x1 {
                let dx = col as f32 + 0.5 - cx;
                let coverage = r + 0.5 - (dx * dx + dy * dy).sqrt();
                if coverage > 0.0 {
                    self.blend((row * self.w + col) as usize, c, coverage);
                }
            }
        }
    }
}

/// A square's edge `v` (CSS pixels) in device pixels at `dpr`: `floor` is an instruction,
/// `round` a call.
#[inline(always)]
fn device(v: f32, dpr: f32) -> i32 {
    (v * dpr + 0.5).floor() as i32
}

/// `x`, from 0 to below 256, rounded down as `x as u8` does, without the check V8 makes of
/// that conversion (converting the integer back and comparing): a whole number below 2^23
/// plus 2^23 holds it in its low bits.
#[inline(always)]
fn byte(x: f32) -> u8 {
    (x.trunc() + 8_388_608.0).to_bits() as u8
}

/// How the panel is looked at: what the pointer and the keyboard point at, the screen's
/// pixel ratio, the dashboard's time zone.
#[derive(Debug, Default)]
pub struct View {
    /// Under the pointer.
    pub hover: Target,
    /// Keyboard focus.
    pub focus: Target,
    /// Device pixels per CSS pixel (lines are decimated per device pixel column).
    pub dpr: f32,
    /// The time zone the axis reads in (UTC unless set).
    pub zone: Zone,
    /// The panel's background is the page's (Grafana's "Transparent background"): it is not
    /// painted, and what shows through is taken to be `Theme::background`, which faint
    /// colours are blended over.
    pub transparent: bool,
}

/// Buffers reused from one redraw to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    text: String,
    fit: String,
    columns: Vec<Column>,
    tiles: Vec<TileParts>,
    samples: Samples,
    gaps: Vec<Rect>,
    runs: Vec<(Rect, Colour)>,
}

/// A line's samples in the pixel layer, worked out by `line_pixels`.
#[derive(Debug, Default)]
struct Samples {
    /// Layer columns.
    columns: Vec<i32>,
    /// The plot's left column in the layer and its width that `columns` were worked out
    /// for: they lie between these.
    span: (i32, u32),
    /// Rows, fixed point.
    rows: Vec<i32>,
}

/// Paints everything: [`draw_content`], then [`draw_highlights`].
pub fn draw(
    s: &mut impl Surface,
    layout: &Layout,
    summary: &Summary,
    theme: &Theme,
    view: &View,
    scratch: &mut Scratch,
) {
    draw_content(s, layout, summary, theme, view, scratch);
    draw_highlights(s, layout, summary, theme, view);
}

/// Paints everything but the hover and focus highlights: what stays the same while the
/// pointer moves, so a backend may keep it and only paint the highlights again.
pub fn draw_content(
    s: &mut impl Surface,
    layout: &Layout,
    summary: &Summary,
    theme: &Theme,
    view: &View,
    scratch: &mut Scratch,
) {
    if !view.transparent {
        s.fill_rect(
            Rect::new(0.0, 0.0, layout.width, layout.height),
            theme.background,
        );
    }
    header(s, layout, summary, theme, scratch);
    tiles(s, layout, summary, theme, scratch);
    tools(s, layout, summary, theme, view, scratch);
    pools(s, layout, summary, theme, scratch);
    strip(s, layout, summary, theme, view, scratch);
}

/// Paints the outlines of what the pointer is on and what has the keyboard focus.
pub fn draw_highlights(
    s: &mut impl Surface,
    layout: &Layout,
    summary: &Summary,
    theme: &Theme,
    view: &View,
) {
    for (target, width) in [(view.hover, 1.0), (view.focus, 2.0)] {
        outline(s, layout, summary, target, theme, view, width);
    }
}

/// Paints a panel without a summary (no data, not a summary, the datasource's error): its
/// background alone (nothing when transparent). The shell shows the
/// [`Problem`](crate::Problem)'s message over it as the page's text, which wraps inside any
/// word, can be selected and is read by screen readers as it is.
pub fn draw_background(s: &mut impl Surface, width: f32, height: f32, theme: &Theme, view: &View) {
    if !view.transparent {
        s.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    }
}

/// Draws `text` cut with an ellipsis to `max_w`.
#[allow(clippy::too_many_arguments)]
fn text_fit(
    s: &mut impl Surface,
    text: &str,
    x: f32,
    y: f32,
    max_w: f32,
    font: Font,
    colour: Colour,
    align: Align,
    buf: &mut String,
) {
    if max_w < font.size || text.is_empty() {
        return;
    }
    if fits(s, text, font, max_w) {
        s.text(text, x, y, font, colour, align);
        return;
    }
    // Longest prefix (on a character boundary) that fits with the ellipsis.
    let (mut lo, mut hi) = (0usize, text.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cut = floor_boundary(text, mid);
        buf.clear();
        buf.push_str(&text[..cut]);
        buf.push('…');
        if cut > lo && s.text_width(buf, font) <= max_w {
            lo = cut;
        } else {
            hi = mid - 1;
        }
    }
    buf.clear();
    buf.push_str(&text[..floor_boundary(text, lo)]);
    buf.push('…');
    s.text(buf, x, y, font, colour, align);
}

/// Whether `text` is at most `max_w` wide in `font`, measured only when its widest drawing
/// might not fit: no ASCII glyph of Inter or its fallbacks is wider than 1.1 em, and
/// measuring every text was much of a panel's first draw.
fn fits(s: &mut impl Surface, text: &str, font: Font, max_w: f32) -> bool {
    (text.is_ascii() && text.len() as f32 * font.size * 1.1 <= max_w)
        || s.text_width(text, font) <= max_w
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn header(s: &mut impl Surface, l: &Layout, summary: &Summary, theme: &Theme, sc: &mut Scratch) {
    let r = l.header;
    let y = r.y + r.h / 2.0;
    let [ok, warn, critical] = summary.counts();
    sc.text.clear();
    format::number(&mut sc.text, summary.services.len() as f64, 0);
    sc.text.push_str(format::noun(
        summary.services.len(),
        (" service", " services"),
    ));
    s.text(&sc.text, r.x, y, NAME, theme.text, Align::Left);
    let mut x = r.x + s.text_width(&sc.text, NAME) + 16.0;
    for (n, word, status) in [
        (critical, " critical", Status::Critical),
        (warn, " warn", Status::Warn),
        (ok, " ok", Status::Ok),
    ] {
        // The dot in the status colour, the count in its readable text shade.
        let (dot, text) = if n == 0 {
            (theme.text_weak, theme.text_weak)
        } else {
            let text = theme.status_text(status, theme.background);
            (theme.status(status), text)
        };
        s.begin_path();
        s.circle(x + 4.0, y, 4.0);
        s.fill(dot);
        sc.text.clear();
        format::number(&mut sc.text, n as f64, 0);
        sc.text.push_str(word);
        s.text(&sc.text, x + 12.0, y, BODY_BOLD, text, Align::Left);
        x += 12.0 + s.text_width(&sc.text, BODY_BOLD) + 14.0;
    }
    let nouns = (" more service", " more services");
    more(s, (r, x), l.tiles_hidden, nouns, theme, &mut sc.text);
}

/// The parts of a tile's drawing, each done for every tile before the next: the fills,
/// then the texts of one font after another. The canvas is given a font (which it parses)
/// and a fill style a few times a repaint, not several times a tile; texts never overlap
/// another tile's, so the picture is the same as tile by tile.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TilePass {
    Pills,
    Names,
    Labels,
    Reasons,
    Values,
}

/// Where a tile's pill and texts go, worked out before its fills, for the passes after them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TileParts {
    x: f32,
    right: f32,
    top: f32,
    /// The status pill, when the name leaves it room.
    pill: Option<Rect>,
    /// The width the name is fitted to or cut to.
    name_w: f32,
    reason_first: bool,
    cols: usize,
    col_w: f32,
    rows: usize,
}

fn tiles(s: &mut impl Surface, l: &Layout, summary: &Summary, theme: &Theme, sc: &mut Scratch) {
    // The thresholds the answer carries, overrides included: the legend's bands.
    let t = &summary.bands;
    let tiles = || summary.services.iter().zip(&l.tiles).zip(&l.shared_prefix);
    let mut parts = std::mem::take(&mut sc.tiles);
    parts.clear();
    for ((svc, r), &shared) in tiles() {
        parts.push(tile_parts(s, *r, svc, shared, l.detail, t, sc));
    }
    // The fills by pass, backgrounds then status bars and pills: tiles come worst first,
    // so a fill style changes a few times a repaint rather than three times a tile
    // (about 1.7 µs each in chromium). Tiles do not overlap: the pixels are the same.
    if l.detail == Detail::Minimal {
        for (svc, r) in summary.services.iter().zip(&l.tiles) {
            s.fill_rect(*r, theme.status(svc.status).alpha(0.85));
        }
    } else {
        if theme.surface.a == u8::MAX {
            // One fill, the tint blended over the surface beforehand.
            for (svc, r) in summary.services.iter().zip(&l.tiles) {
                s.fill_rect(*r, theme.tile(svc.status));
            }
        } else {
            for r in &l.tiles {
                s.fill_rect(*r, theme.surface);
            }
            for (svc, r) in summary.services.iter().zip(&l.tiles) {
                s.fill_rect(*r, theme.tint(svc.status));
            }
        }
        for ((svc, r), p) in summary.services.iter().zip(&l.tiles).zip(&parts) {
            let status = theme.status(svc.status);
            s.fill_rect(Rect::new(r.x, r.y, 4.0, r.h), status);
            if let Some(pill) = p.pill {
                s.fill_rect(pill, status);
            }
        }
    }
    if l.detail != Detail::Minimal {
        use TilePass::*;
        let texts = theme.tile_texts();
        for pass in [Pills, Names, Labels, Reasons, Values] {
            for (((svc, r), &shared), p) in tiles().zip(&parts) {
                let colours = (theme, &texts);
                tile_texts(s, pass, *r, svc, shared, p, colours, t, sc);
            }
        }
    }
    sc.tiles = parts;
}

/// The status word of a tile's pill.
fn status_word(svc: &Service) -> &'static str {
    if svc.is_down() {
        return "DOWN";
    }
    match svc.status {
        Status::Ok => "OK",
        Status::Warn => "WARN",
        Status::Critical => "CRITICAL",
    }
}

type Cell<'a> = (
    &'static str,
    fn(&mut String, f64),
    f64,
    Option<&'a StatusBand>,
);

fn cells<'a>(svc: &Service, t: &'a Bands) -> [Cell<'a>; 8] {
    [
        ("req", format::rate, svc.request_rate, None),
        ("5xx", format::percent, svc.error_percent, None),
        ("p95", format::seconds, svc.p95, Some(&t.p95)),
        (
            "tools",
            format::percent,
            svc.tool_success,
            Some(&t.tool_success),
        ),
        ("workers", |o, v| format::number(o, v, 1), svc.workers, None),
        (
            "sessions",
            |o, v| format::number(o, v, 1),
            svc.sessions,
            None,
        ),
        ("CPU", format::percent, svc.cpu, Some(&t.cpu)),
        ("mem", format::bytes, svc.memory, Some(&t.memory)),
    ]
}

/// Where a tile's pill and texts go.
#[allow(clippy::too_many_arguments)]
fn tile_parts(
    s: &mut impl Surface,
    r: Rect,
    svc: &Service,
    shared: usize,
    detail: Detail,
    t: &Bands,
    sc: &mut Scratch,
) -> TileParts {
    if detail == Detail::Minimal {
        return TileParts::default();
    }
    let (x, right) = (r.x + 10.0, r.right() - 8.0);
    let pill_w = s.text_width(status_word(svc), PILL) + 10.0;
    let top = r.y + 13.0;
    let pill = Rect::new(right - pill_w, top - 7.0, pill_w, 14.0);
    // The name beside the status word, else (a compact tile, whose colour says the status
    // and which says an ok one's by colour alone) over the whole width; whole, else without
    // the segments other services share.
    let beside = pill.x - x - 6.0;
    let widths: &[f32] = match detail {
        Detail::Compact if svc.status == Status::Ok => &[right - x],
        Detail::Compact => &[beside, right - x],
        _ => &[beside],
    };
    let fitted = name_fit(s, &svc.name, shared, widths, NAME, &mut sc.text);
    // What fits nowhere is cut to the widest room.
    let name_w = widths[fitted.unwrap_or(widths.len() - 1)];
    let pill = (name_w == beside).then_some(pill);
    // A compact tile has a few lines: why a service is not ok comes first, then its values.
    let reason_first = detail == Detail::Compact && reason(svc).is_some();
    let first_row = usize::from(reason_first);
    // Two columns of label and value when every pair fits in half the tile, else one: a
    // narrow tile shows its first four values whole rather than all eight cut short.
    let cells = cells(svc, t);
    let mut widest = 0.0f32;
    for (label, fmt, v, _) in &cells {
        sc.text.clear();
        fmt(&mut sc.text, *v);
        let pair = s.text_width(label, SMALL) + 6.0 + s.text_width(&sc.text, BODY_BOLD) + 8.0;
        widest = widest.max(pair);
    }
    let cols = if widest <= (right - x) / 2.0 { 2 } else { 1 };
    // Four rows, the fifth line being the first reason (a compact tile's first row, when
    // it has one).
    let rows = cells.len().div_ceil(cols).min(4 - first_row).min(
        (((r.bottom() - 6.0 - top - 18.0) / 15.0 + 1.0).max(0.0) as usize)
            .saturating_sub(first_row),
    );
    TileParts {
        x,
        right,
        top,
        pill,
        name_w,
        reason_first,
        cols,
        col_w: (right - x) / cols as f32,
        rows,
    }
}

/// Why a service is not ok, if it is not.
fn reason(svc: &Service) -> Option<&String> {
    svc.reasons.first().filter(|_| svc.status != Status::Ok)
}

/// A tile's texts of one pass.
#[allow(clippy::too_many_arguments)]
fn tile_texts(
    s: &mut impl Surface,
    pass: TilePass,
    r: Rect,
    svc: &Service,
    shared: usize,
    p: &TileParts,
    (theme, texts): (&Theme, &TileTexts),
    t: &Bands,
    sc: &mut Scratch,
) {
    let status = theme.status(svc.status);
    let (x, top) = (p.x, p.top);
    let first_row = usize::from(p.reason_first);
    let at = |i: usize| {
        (
            x + (i % p.cols) as f32 * p.col_w,
            top + 18.0 + (first_row + i / p.cols) as f32 * 15.0,
        )
    };
    let shown = p.rows * p.cols;
    match pass {
        TilePass::Pills => {
            if let Some(pill) = p.pill {
                s.text(
                    status_word(svc),
                    pill.x + pill.w / 2.0,
                    top,
                    PILL,
                    theme.text_on(status),
                    Align::Center,
                );
            }
        }
        TilePass::Names => {
            let (font, colour) = (NAME, theme.text);
            service_name(s, &svc.name, shared, x, top, p.name_w, font, colour, sc);
        }
        TilePass::Labels => {
            let mut group = [("", 0.0, 0.0); 8];
            let cells = cells(svc, t);
            let n = shown.min(cells.len());
            for (i, (label, ..)) in cells.iter().enumerate().take(n) {
                let (cx, cy) = at(i);
                group[i] = (label, cx - x, cy - top);
            }
            s.text_group(&group[..n], x, top, SMALL, theme.text_weak);
        }
        TilePass::Reasons => {
            let (y, reason) = if p.reason_first {
                (top + 18.0, reason(svc))
            } else {
                (top + 18.0 + 4.0 * 15.0 + 1.0, svc.reasons.first())
            };
            // Status text in its readable shade: the status colour is the stripe's and pill's.
            let colour = texts.on(svc.status, svc.status);
            tile_reason(s, r, x, y, p.right - x, reason, colour, &mut sc.fit);
        }
        TilePass::Values => {
            for (i, (label, fmt, v, band)) in cells(svc, t).into_iter().enumerate().take(shown) {
                let (cx, cy) = at(i);
                sc.text.clear();
                fmt(&mut sc.text, v);
                let colour = match band.map(|b| b.status(v)) {
                    Some(st) if st != Status::Ok && !svc.is_down() => texts.on(svc.status, st),
                    _ => theme.text,
                };
                let label_w = s.text_width(label, SMALL) + 6.0;
                text_fit(
                    s,
                    &sc.text,
                    cx + p.col_w - 8.0,
                    cy,
                    p.col_w - 8.0 - label_w,
                    BODY_BOLD,
                    colour,
                    Align::Right,
                    &mut sc.fit,
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn tile_reason(
    s: &mut impl Surface,
    r: Rect,
    x: f32,
    y: f32,
    max_w: f32,
    reason: Option<&String>,
    colour: Colour,
    buf: &mut String,
) {
    if let Some(reason) = reason.filter(|_| y + 6.0 <= r.bottom()) {
        text_fit(s, reason, x, y, max_w, SMALL, colour, Align::Left, buf);
    }
}

/// Draws a service's name whole, else less the segments other services share, else cut
/// to `max_w`.
#[allow(clippy::too_many_arguments)]
fn service_name(
    s: &mut impl Surface,
    name: &str,
    shared: usize,
    x: f32,
    y: f32,
    max_w: f32,
    font: Font,
    colour: Colour,
    sc: &mut Scratch,
) {
    if name_fit(s, name, shared, &[max_w], font, &mut sc.text).is_some() {
        s.text(&sc.text, x, y, font, colour, Align::Left);
    } else {
        text_fit(s, name, x, y, max_w, font, colour, Align::Left, &mut sc.fit);
    }
}

/// Puts in `out` the first of `name` whole, then `name` less the whole segments of its
/// `shared` start other services share (`…server-04`, `…04`), that fits one of `widths`
/// in `font`, and returns which width; `None` when none fits.
fn name_fit(
    s: &mut impl Surface,
    name: &str,
    shared: usize,
    widths: &[f32],
    font: Font,
    out: &mut String,
) -> Option<usize> {
    let cuts = name.as_bytes()[..shared]
        .iter()
        .enumerate()
        .filter(|(_, &b)| crate::layout::is_name_separator(b))
        .map(|(i, _)| i + 1);
    for cut in std::iter::once(0).chain(cuts) {
        out.clear();
        if cut > 0 {
            out.push('…');
        }
        out.push_str(&name[cut..]);
        if let Some(k) = widths.iter().position(|&max_w| fits(s, out, font, max_w)) {
            return Some(k);
        }
    }
    None
}

/// Draws a section's title; returns where it ends.
fn title(s: &mut impl Surface, r: Rect, text: &str, theme: &Theme) -> f32 {
    s.text(
        text,
        r.x,
        r.y + r.h / 2.0,
        BODY_BOLD,
        theme.text,
        Align::Left,
    );
    r.x + s.text_width(text, BODY_BOLD)
}

/// Says at `r`'s right end how many `nouns` (one, many) are not shown, where that leaves
/// room after `after` (the end of what `r` already says); gives where what it said starts
/// (`r`'s right end when it said nothing).
fn more(
    s: &mut impl Surface,
    (r, after): (Rect, f32),
    hidden: usize,
    (one, many): (&str, &str),
    theme: &Theme,
    buf: &mut String,
) -> f32 {
    if hidden == 0 {
        return r.right();
    }
    buf.clear();
    buf.push('+');
    format::number(buf, hidden as f64, 0);
    buf.push_str(format::noun(hidden, (one, many)));
    let left = r.right() - s.text_width(buf, SMALL);
    if left < after + 8.0 {
        return r.right();
    }
    s.text(
        buf,
        r.right(),
        r.y + r.h / 2.0,
        SMALL,
        theme.text_weak,
        Align::Right,
    );
    left
}

/// A tool's name's distance from its cell's sides.
const TOOL_PAD: f32 = 4.0;
/// A typical tool name: a little longer than the middle one of the simulator's servers.
const TYPICAL_TOOL: &str = "search_history";

/// How wide a tool's cell must be to show a typical tool name whole, as `s` measures it
/// in the grid's font: what [`Layout::tool_cell_w`] is set to.
pub fn tool_cell_width(s: &mut impl Surface) -> f32 {
    (s.text_width(TYPICAL_TOOL, SMALL) + 2.0 * TOOL_PAD).ceil()
}

fn tools(
    s: &mut impl Surface,
    l: &Layout,
    summary: &Summary,
    theme: &Theme,
    view: &View,
    sc: &mut Scratch,
) {
    if l.tools.body.is_empty() {
        return;
    }
    let after = title(s, l.tools.title, "Tool success, worst first", theme);
    more(
        s,
        (l.tools.title, after),
        l.tool_groups_hidden,
        (" more service", " more services"),
        theme,
        &mut sc.text,
    );
    // The cells' fills, then the services' names, then the tools' names: a fill style and
    // a font a few times a repaint rather than two fill styles a cell.
    let colour = |tool: &crate::summary::Tool| {
        if tool.success.is_nan() {
            theme.no_data
        } else {
            theme.status(tool.status)
        }
    };
    let cells = || {
        l.tool_cells
            .iter()
            .zip(&summary.tools)
            .filter(|(cell, _)| !cell.is_empty())
    };
    cell_fills(
        s,
        l,
        summary,
        theme,
        view,
        &colour,
        (&mut sc.runs, &mut sc.gaps),
    );
    for row in l.tool_rows.iter().filter(|row| !row.label.is_empty()) {
        let g = &summary.tool_groups[row.group];
        let (x, y, w) = (
            row.label.x,
            row.label.y + row.label.h / 2.0,
            row.label.w - 6.0,
        );
        let (font, colour) = (SMALL, theme.text_weak);
        service_name(s, &g.service, row.shared, x, y, w, font, colour, sc);
    }
    for (&cell, tool) in cells().filter(|(cell, _)| shows_tool_name(cell)) {
        text_fit(
            s,
            &tool.name,
            cell.x + TOOL_PAD,
            cell.y + cell.h / 2.0,
            cell.w - 2.0 * TOOL_PAD,
            SMALL,
            theme.text_on(colour(tool)),
            Align::Left,
            &mut sc.fit,
        );
    }
}

/// Fills the tool cells: the cells of one colour side by side in a row as one rectangle,
/// then the gaps within these filled back with the background, a column of them at a
/// time. The canvas's raster costs about a microsecond a rectangle whatever its size, and
/// a grid of 500 cells is 60 runs and 30 columns of gaps. The pixels are the cells' own,
/// to a rounding at their antialiased sides: a gap is the background there, and where two
/// rows' gaps meet, between the rows, the background already is. Only rows on whole
/// device pixels are filled so: a row's edge half covered would be blended twice, by the
/// run and by the gap over it. Over a transparent background, which cannot be filled back,
/// each cell is filled alone.
fn cell_fills(
    s: &mut impl Surface,
    l: &Layout,
    summary: &Summary,
    theme: &Theme,
    view: &View,
    colour: &impl Fn(&crate::summary::Tool) -> Colour,
    (runs, gaps): (&mut Vec<(Rect, Colour)>, &mut Vec<Rect>),
) {
    runs.clear();
    gaps.clear();
    let dpr = if view.dpr > 0.0 { view.dpr } else { 1.0 };
    for row in &l.tool_rows {
        let Some(g) = summary.tool_groups.get(row.group) else {
            continue;
        };
        let cells = l.tool_cells.get(g.start..g.end).unwrap_or_default();
        let tools = summary.tools.get(g.start..g.end).unwrap_or_default();
        let device_whole = |v: f32| (v * dpr).fract() == 0.0;
        let whole = !view.transparent
            && cells
                .first()
                .is_some_and(|c| device_whole(c.y) && device_whole(c.bottom()));
        // The run so far: its left, top, right and bottom, and its colour.
        let mut run: Option<([f32; 4], Colour)> = None;
        for (&cell, tool) in cells.iter().zip(tools).filter(|(c, _)| !c.is_empty()) {
            let c = colour(tool);
            if let Some((r, rc)) = &mut run {
                // Cells that touch (the layout's narrow cells, with no gap, which may
                // still be a rounding apart) are drawn apart, as before: a run would
                // cover the seam their edges leave.
                let apart = cell.x - r[2] >= 1.0;
                if *rc == c && apart && cell.y == r[1] && cell.bottom() == r[3] && whole {
                    gaps.push(Rect::new(r[2], r[1], cell.x - r[2], cell.h));
                    r[2] = cell.right();
                    continue;
                }
                runs.push((Rect::new(r[0], r[1], r[2] - r[0], r[3] - r[1]), *rc));
            }
            run = Some(([cell.x, cell.y, cell.right(), cell.bottom()], c));
        }
        if let Some((r, rc)) = run {
            runs.push((Rect::new(r[0], r[1], r[2] - r[0], r[3] - r[1]), rc));
        }
    }
    // The runs a colour at a time: they do not overlap.
    while let Some(&(_, c)) = runs.first() {
        for &(r, _) in runs.iter().filter(|&&(_, rc)| rc == c) {
            s.fill_rect(r, c);
        }
        runs.retain(|&(_, rc)| rc != c);
    }
    // A column's gaps, one under the other, as one fill down the rows: each gap joins
    // the strip it continues (rows come top to bottom), the strips kept where the gaps
    // were.
    let mut strips = 0;
    for i in 0..gaps.len() {
        let gap = gaps[i];
        match gaps[..strips].iter_mut().find(|st| {
            st.x == gap.x && st.w == gap.w && (0.0..=2.0).contains(&(gap.y - st.bottom()))
        }) {
            Some(st) => st.h = gap.bottom() - st.y,
            None => {
                gaps[strips] = gap;
                strips += 1;
            }
        }
    }
    for &st in &gaps[..strips] {
        s.fill_rect(st, theme.background);
    }
}

fn pools(s: &mut impl Surface, l: &Layout, summary: &Summary, theme: &Theme, sc: &mut Scratch) {
    if l.pools.body.is_empty() {
        return;
    }
    let after = title(s, l.pools.title, "Pools, worst first", theme);
    let end = more(
        s,
        (l.pools.title, after),
        l.pools_hidden,
        (" more pool", " more pools"),
        theme,
        &mut sc.text,
    );
    // What a full bar stands for: the frames carry no pool's capacity (poolCapacity's max
    // is the most active over the range), so the bars share one scale, the busiest pool's.
    let full = summary
        .pools
        .iter()
        .map(|p| {
            if p.max.is_nan() {
                p.workers
            } else {
                p.max.max(p.workers)
            }
        })
        .filter(|v| v.is_finite())
        .fold(1.0f64, f64::max);
    sc.text.clear();
    sc.text.push_str("full bar: ");
    format::number(&mut sc.text, full, 1);
    let n = if full == 1.0 { 1 } else { 2 };
    sc.text.push_str(format::noun(n, (" worker", " workers")));
    let short = sc.text.len();
    sc.text.push_str(", the most any pool had");
    let y = l.pools.title.y + l.pools.title.h / 2.0;
    for len in [sc.text.len(), short] {
        let note = &sc.text[..len];
        if after + 10.0 + s.text_width(note, SMALL) + 8.0 <= end {
            s.text(note, after + 10.0, y, SMALL, theme.text_weak, Align::Left);
            break;
        }
    }
    // By pass, names, tracks, bars, marks, values: a fill style and a font a few times
    // a repaint rather than five times a row. Rows do not overlap: the same pixels.
    let rows = || {
        l.pool_rows
            .iter()
            .map(|row| (row, &summary.pools[row.pool]))
    };
    let middle = |row: &crate::layout::PoolRow| row.label.y + row.label.h / 2.0;
    for (row, p) in rows() {
        sc.text.clear();
        sc.text.push_str(&p.service);
        sc.text.push('/');
        sc.text.push_str(&p.name);
        text_fit(
            s,
            &sc.text,
            row.label.x,
            middle(row),
            row.label.w - 6.0,
            SMALL,
            theme.text_weak,
            Align::Left,
            &mut sc.fit,
        );
    }
    for (row, _) in rows() {
        s.fill_rect(row.bar, theme.border);
    }
    for (row, p) in rows() {
        let bar = row.bar;
        let frac = if p.workers.is_finite() {
            (p.workers / full).clamp(0.0, 1.0) as f32
        } else {
            0.0
        };
        s.fill_rect(
            Rect::new(bar.x, bar.y, bar.w * frac, bar.h),
            theme.status(p.status),
        );
    }
    for (row, p) in rows().filter(|(_, p)| !p.min.is_nan() && p.min < p.workers) {
        let bar = row.bar;
        let mx = bar.x + bar.w * (p.min / full).clamp(0.0, 1.0) as f32;
        s.fill_rect(
            Rect::new(mx - 1.0, bar.y - 1.0, 2.0, bar.h + 2.0),
            theme.text_weak,
        );
    }
    for (row, _) in rows().filter(|(_, p)| p.exhausted()) {
        // The exhaustion mark: a red notch at the empty end, visible on an empty bar.
        let bar = row.bar;
        s.fill_rect(
            Rect::new(bar.x, bar.y - 2.0, 3.0, bar.h + 4.0),
            theme.critical,
        );
    }
    for (row, p) in rows() {
        sc.text.clear();
        format::number(&mut sc.text, p.workers, 1);
        s.text(
            &sc.text,
            row.row.right(),
            middle(row),
            BODY_BOLD,
            theme.text,
            Align::Right,
        );
    }
}

fn strip(
    s: &mut impl Surface,
    l: &Layout,
    summary: &Summary,
    theme: &Theme,
    view: &View,
    sc: &mut Scratch,
) {
    let Some(scale) = Scale::of(summary, l.plot) else {
        return;
    };
    let x = title(s, l.strip.title, "Request latency", theme) + 16.0;

    let plot = l.plot;
    for i in 0..=2 {
        let v = scale.top * f64::from(i) / 2.0;
        let gy = scale.y(v);
        s.fill_rect(Rect::new(plot.x, gy, plot.w, 1.0), theme.border);
        sc.text.clear();
        format::seconds(&mut sc.text, v);
        s.text(
            &sc.text,
            plot.x - 6.0,
            gy,
            SMALL,
            theme.text_weak,
            Align::Right,
        );
    }
    let ty = plot.bottom() + 9.0;
    let span = scale.t1 - scale.t0;
    let detail = Clock::for_axis(span / 2.0, span);
    let mut middle = true;
    for (t, align) in [
        (scale.t0, Align::Left),
        (scale.t0 + span / 2.0, Align::Center),
        (scale.t1, Align::Right),
    ] {
        sc.text.clear();
        format::time(&mut sc.text, t, &view.zone, detail);
        if align == Align::Left {
            // The middle label only where three fit side by side.
            middle = 3.0 * s.text_width(&sc.text, SMALL) + 24.0 <= plot.w;
        } else if span < 2_000.0 {
            // A second apart or less, the labels would read the same: one instant, one label.
            break;
        } else if align == Align::Center && !middle {
            continue;
        }
        s.text(&sc.text, scale.x(t), ty, SMALL, theme.text_weak, align);
    }

    let dpr = if view.dpr > 0.0 { view.dpr } else { 1.0 };
    let width = (plot.w * dpr).round().max(1.0) as u32;
    let col_w = plot.w / width as f32;
    // Many services' lines are a band: drawn fainter, so the outliers stand out, and as
    // pixels (one-pixel spans per column, the faint colour blended over the background
    // beforehand, so an overlap needs no coverage kept): past a few lines the canvas's
    // raster of the strokes cost more than the rest of the panel.
    let crowded = summary.latency.len() > 18;
    let alpha = if crowded { 0.35 } else { 1.0 };
    let colour = |series: &crate::summary::Series| line_colour(theme, summary, series).alpha(alpha);
    if crowded {
        s.begin_pixels(plot.inset(-3.0));
    }
    // The lines of one colour are one path, stroked once: the canvas's cost per stroke
    // (the path copied, a draw recorded and rasterised) was paid 150 times, now 3.
    let lines = &summary.latency;
    let mut shared_times: Option<&Rc<[f64]>> = None;
    for (i, first) in lines.iter().enumerate() {
        let c = colour(first);
        if lines[..i].iter().any(|l| colour(l) == c) {
            continue;
        }
        let group = lines[i..].iter().filter(|l| colour(l) == c);
        if crowded {
            let rgba = Pixels::opaque(c.over(theme.background));
            if let Some(mut px) = s.pixels() {
                for series in group {
                    // The lines of one range query share their times: their samples'
                    // columns are worked out once.
                    let same = shared_times.is_some_and(|t| Rc::ptr_eq(t, &series.time));
                    shared_times = Some(&series.time);
                    let buffers = &mut sc.samples;
                    line_pixels(series, &scale, width, dpr, &mut px, rgba, buffers, same);
                }
            }
            continue;
        }
        s.begin_path();
        for series in group {
            line(
                s,
                decimated(series, &scale, width, &mut sc.columns),
                &scale,
                col_w,
            );
        }
        // One pixel wide at a devicePixelRatio of 1 lets the canvas draw the line as a
        // hairline (Skia's fast path); 1.25 made it stroke every one of the up to four
        // points per pixel column with round joins, several times slower.
        s.stroke(c, 1.0);
    }

    let e = &summary.exemplars;
    let (dot, faint) = if e.len() > 2_000 {
        (1.5, 0.5)
    } else {
        (2.5, 1.0)
    };
    let exemplar = theme
        .exemplar
        .alpha(f32::from(theme.exemplar.a) / 255.0 * faint);
    let mut failed_drawn = false;
    for (failing, colour, radius) in [(false, exemplar, dot), (true, theme.critical, 3.0)] {
        // The failing exemplars' circles go over the lines and squares: into their pixels
        // when these are open (the canvas's raster of 300 arcs cost twice the pixels'
        // blit), else filled over them once they are shown.
        let as_pixels = failing && s.pixels().is_some();
        if !as_pixels {
            if failing {
                s.end_pixels();
            }
            s.begin_path();
        }
        for i in 0..e.len() {
            if e.failing[i] == failing && e.value[i].is_finite() && scale.shows(e.time[i]) {
                failed_drawn |= failing;
                let (x, y) = (scale.x(e.time[i]), scale.y(e.value[i]));
                if as_pixels {
                    if let Some(mut px) = s.pixels() {
                        px.circle(x * dpr, y * dpr, radius * dpr, colour);
                    }
                } else if radius < 2.0 {
                    s.square(x, y, radius);
                } else {
                    s.circle(x, y, radius);
                }
            }
        }
        if as_pixels {
            s.end_pixels();
        } else {
            s.fill(colour);
        }
    }
    slowest_label(s, summary, &scale, theme, sc);
    // The legend last: its "failed" entry only once a failed exemplar is drawn.
    strip_legend(s, l.strip.title, x, summary, theme, sc, failed_drawn);
}

/// The name of the service whose line of the highest percentile has the highest latest
/// value ([`Summary::highest_latest`], the text alternative's), written at the right end
/// of the plot just above the line's last drawn point, so that a display without a pointer
/// tells whose it is. Only among lines of more than one service; never for a line that
/// stopped. In the line's colour where that reads at 4.5:1 on the background, else in the
/// text colour. A scan of the lines' last values: nothing per sample.
fn slowest_label(
    s: &mut impl Surface,
    summary: &Summary,
    scale: &Scale,
    theme: &Theme,
    sc: &mut Scratch,
) {
    let Some(&p) = summary.percentiles.last() else {
        return;
    };
    let Some(latest) = summary.highest_latest(p, summary.newest_latency()) else {
        return;
    };
    let line = &summary.latency[latest.line];
    let others = summary
        .latency
        .iter()
        .any(|l| l.percentile == p && l.service != line.service);
    if !others || line.service.is_empty() {
        return;
    }
    // Its last drawn point: the latest sample, or where the line leaves the plot when its
    // next sample lies past the plot's right edge.
    let past = line
        .time
        .get(latest.sample + 1)
        .is_some_and(|&t| t > scale.t1);
    let leave = past
        .then(|| decimate::Window::of(&line.time, &line.value, scale.t0, scale.t1, 1))
        .flatten()
        .and_then(|w| w.leave)
        .filter(|v| v.is_finite());
    let plot = scale.plot;
    let half = SMALL.size / 2.0 + 1.0;
    let y = (scale.y(leave.unwrap_or(latest.value)) - half - 3.0)
        .min(plot.bottom() - half)
        .max(plot.y + half);
    let colour = line_colour(theme, summary, line).over(theme.background);
    let bg = theme.background.luminance();
    let colour = if contrast(colour.luminance(), bg) >= 4.5 {
        colour
    } else {
        theme.text
    };
    let (x, max_w) = (plot.right() - 4.0, plot.w - 8.0);
    let buf = &mut sc.fit;
    text_fit(
        s,
        &line.service,
        x,
        y,
        max_w,
        SMALL,
        colour,
        Align::Right,
        buf,
    );
}

/// The strip's legend in its title row `row` from `x`: the percentiles the lines are of,
/// as the query asked for them, each coloured by its rank, then the exemplars' dots and,
/// when `failed` (a failed exemplar is drawn), the failed ones'. What does not fit before
/// the row's end is counted after the last that does (`+3`).
fn strip_legend(
    s: &mut impl Surface,
    row: Rect,
    mut x: f32,
    summary: &Summary,
    theme: &Theme,
    sc: &mut Scratch,
    failed: bool,
) {
    let y = row.y + row.h / 2.0;
    let count = summary.percentiles.len();
    let dots = [
        ("exemplar", theme.exemplar, 3.0),
        ("failed", theme.critical, 3.5),
    ];
    let exemplars: &[(&str, Colour, f32)] = match (summary.exemplars.is_empty(), failed) {
        (true, _) => &[],
        (false, false) => &dots[..1],
        (false, true) => &dots,
    };
    let entries = count + exemplars.len();
    for k in 0..entries {
        // The entry's mark (a swatch, a dot), then its word.
        let (mark_w, word) = match summary.percentiles.get(k) {
            Some(&p) => {
                sc.text.clear();
                format::percentile(&mut sc.text, p);
                (18.0, sc.text.as_str())
            }
            None => {
                let (word, _, r) = exemplars[k - count];
                (2.0 * r + 4.0, word)
            }
        };
        let w = mark_w + s.text_width(word, SMALL);
        // Room for it, and for the count of those after it unless it is the last.
        let after = entries - k - 1;
        let fit = &mut sc.fit;
        let room = if after == 0 {
            x + w <= row.right()
        } else {
            room_for(s, x + w + 12.0, row, after, fit)
        };
        if !room {
            if room_for(s, x, row, entries - k, fit) {
                s.text(&sc.fit, x, y, SMALL, theme.text_weak, Align::Left);
            }
            return;
        }
        match summary.percentiles.get(k) {
            Some(_) => s.fill_rect(Rect::new(x, y - 1.0, 14.0, 2.0), theme.percentile(k, count)),
            None => {
                let (_, colour, r) = exemplars[k - count];
                s.begin_path();
                s.circle(x + r, y, r);
                s.fill(colour);
            }
        }
        s.text(word, x + mark_w, y, SMALL, theme.text_weak, Align::Left);
        x += w + 12.0;
    }
}

/// Whether the count of `hidden` legend entries (`+3`, put in `buf`) fits in `row` from
/// `x`; none fits anywhere.
fn room_for(s: &mut impl Surface, x: f32, row: Rect, hidden: usize, buf: &mut String) -> bool {
    buf.clear();
    buf.push('+');
    format::number(buf, hidden as f64, 0);
    hidden > 0 && fits(s, buf, SMALL, row.right() - x)
}

/// The colour of a latency line: by its percentile's rank among the lines'.
fn line_colour(theme: &Theme, summary: &Summary, series: &crate::summary::Series) -> Colour {
    let all = &summary.percentiles;
    let rank = all
        .iter()
        .position(|&p| p == series.percentile)
        .unwrap_or(0);
    theme.percentile(rank, all.len())
}

/// `series` decimated into `columns`: per pixel column of the plot, its samples' extremes.
fn decimated<'a>(
    series: &crate::summary::Series,
    scale: &Scale,
    width: u32,
    columns: &'a mut Vec<Column>,
) -> &'a [Column] {
    decimate::min_max(
        &series.time,
        &series.value,
        scale.t0,
        scale.t1,
        width,
        columns,
    );
    columns
}

/// Adds a line to the path, a point or a vertical span per pixel column.
fn line(s: &mut impl Surface, columns: &[Column], scale: &Scale, col_w: f32) {
    let mut started = false;
    for c in columns {
        let x = scale.plot.x + (c.x as f32 + 0.5) * col_w;
        let yf = scale.y(c.first);
        if !started || c.gap_before {
            s.move_to(x, yf);
            started = true;
        } else {
            s.line_to(x, yf);
        }
        // A column of one sample (most of them, below a point per pixel) is one point.
        if c.min != c.max {
            s.line_to(x, scale.y(c.min));
            s.line_to(x, scale.y(c.max));
        }
        if c.min != c.max || c.last != c.first {
            s.line_to(x, scale.y(c.last));
        }
    }
}

/// Covers in `px`, in `rgba`, the pixels of a line drawn one device pixel wide: each
/// pixel column the rows its samples span, joined to the next column by the rows the
/// segment between their middles crosses in each column on the way. Rows are fixed point
/// (16 fractional bits), converted once per sample, the extremes of a column kept as rows,
/// not values, and a column's pixels written when the line leaves it. A segment crossing
/// the plot's left or right edge runs to it: its value there is a sample in the plot's
/// first or last column.
///
/// `samples` holds the samples' layer columns and rows; the columns are worked out again
/// unless `same` says the line's times are those of the line drawn before, on the same
/// scale and layer.
#[allow(clippy::too_many_arguments)]
fn line_pixels(
    series: &crate::summary::Series,
    scale: &Scale,
    width: u32,
    dpr: f32,
    px: &mut Pixels<'_>,
    rgba: u32,
    samples: &mut Samples,
    same: bool,
) {
    let Some(w) = decimate::Window::of(&series.time, &series.value, scale.t0, scale.t1, width)
    else {
        return;
    };
    // Columns and rows from the layer's corner; rows as `scale.y` in device pixels,
    // multiplying where it divides, times 2^16.
    let left = (scale.plot.x * dpr).round() as i32 - px.x;
    let Samples {
        columns,
        span,
        rows,
    } = samples;
    // A segment crossing the plot's left or right edge is a sample more, at its value
    // there, in the plot's first or last column (a NaN, a gap on either side, breaks the
    // line there). Whether there is one depends on the times alone.
    let (enter, leave) = (w.enter.is_some(), w.leave.is_some());
    let n = w.time.len() + usize::from(enter) + usize::from(leave);
    if !same || columns.len() != n || *span != (left, width) {
        // The window is opaque to the compiler, so that its division stays out of the
        // loop: node 20's V8 sank it into it.
        let w = std::hint::black_box(&w);
        columns.clear();
        if enter {
            columns.push(left);
        }
        columns.extend(w.time.iter().map(|&t| left + w.column(t) as i32));
        if leave {
            columns.push(left + w.last() as i32);
        }
        *span = (left, width);
    }
    const ONE: f32 = 65536.0;
    let base = (scale.plot.bottom() * dpr - px.y as f32) * ONE;
    let height = scale.plot.h * dpr * ONE;
    let per = 1.0 / scale.top;
    // Every row a sample or a join can take lies between the plot's top and bottom rows,
    // every column between its first and last: when the layer holds them all, as it does
    // the plot it is opened around, no span needs clipping. The scale is finite: no row
    // is then NaN but a gap's, which takes `GAP`.
    let inside = left >= 0
        && i64::from(left) + i64::from(width) <= i64::from(px.w)
        && height.is_finite()
        && height >= 0.0
        && per.is_finite()
        && per > 0.0
        && (base - height) as i32 >= 0
        && base < 2_147_483_648.0
        && (base as i32 >> 16) < px.h
        && (px.w as usize)
            .checked_mul(px.h as usize)
            .is_some_and(|n| px.rgba.len() >= n);
    // Opaque too, so that V8 keeps them out of the loop (it worked them out again there).
    let (base, height, per) = std::hint::black_box((base, height, per));
    // The rows first, in a loop of their own: with the spans' in one, V8 ran out of
    // registers and kept the layer's bounds on the stack.
    rows.clear();
    let row = |v: f64| base - (v * per).clamp(0.0, 1.0) as f32 * height;
    // A gap is `GAP`, a row no sample takes. The edges' rows are the samples' (their values
    // lie between two samples'), before and after theirs.
    if inside {
        // Every row from 0 to 2^31: truncated as an `f64` and moved into the low bits of
        // one by adding 2^52, the same integer as `as i32` gives, without the check V8
        // makes of that conversion (converting back and comparing, a third of the loop).
        let y = |&v: &f64| {
            let y = (f64::from(row(v)).trunc() + 4_503_599_627_370_496.0).to_bits() as i32;
            if v.is_nan() {
                GAP
            } else {
                y
            }
        };
        rows.extend(w.enter.iter().map(y));
        rows.extend(w.value.iter().map(y));
        rows.extend(w.leave.iter().map(y));
    } else {
        // Clipped, the row above a gap's is the same.
        let y = |&v: &f64| {
            if v.is_nan() {
                GAP
            } else {
                (row(v) as i32).max(GAP + 1)
            }
        };
        rows.extend(w.enter.iter().map(y));
        rows.extend(w.value.iter().map(y));
        rows.extend(w.leave.iter().map(y));
    }
    let layer = (&mut *px.rgba, px.w, px.h, rgba);
    if inside {
        // SAFETY: `inside` is what `line_spans` asks for without `CLIP`; the columns were
        // worked out for this `left` and `width` (`span`).
        unsafe { line_spans::<false>(columns, rows, layer) };
    } else {
        // SAFETY: clipped, every pixel is checked.
        unsafe { line_spans::<true>(columns, rows, layer) };
    }
}

/// A gap's row in `line_spans`.
const GAP: i32 = i32::MIN;

/// `line_pixels`' pass over the samples' columns and rows: without `CLIP`, every span is
/// known to lie within the layer, and its pixels are written without a bounds check.
///
/// # Safety
///
/// Without `CLIP`, `px` holds `w * h` pixels or more, every column is within `0..w` and
/// every row (but `GAP`s) within `0..h << 16`. `line_pixels` checks it so: the layer holds
/// the plot's columns, which hold every sample's (the plot's first plus at most its width
/// less one, the edges' its first and last), and the rows from the plot's bottom to its
/// top, which hold every sample's, the edges' included (a value's share of the plot's
/// height, on a finite scale, clamped to 0 to 1, the rounding monotonic). The
/// spans stay within: a column's covers its samples' rows and the joins' there, and a
/// join from row `a` to row `b` over `dx` columns takes rows `a + slope / 2 + j * slope`
/// for `j` up to `dx - 1`, `|slope|` at most `|b - a| / |dx|`: between `a` and `b`.
#[inline(always)]
unsafe fn line_spans<const CLIP: bool>(
    columns: &[i32],
    rows: &[i32],
    (px, w, h, rgba): (&mut [u32], i32, i32, u32),
) {
    /// Covers rows `a >> 16..=b >> 16` of column `k` (`a <= b`), within the layer.
    #[inline(always)]
    fn cover<const CLIP: bool>(px: &mut [u32], (w, h): (i32, i32), k: i32, a: i32, b: i32, c: u32) {
        let (mut t, mut b) = (a >> 16, b >> 16);
        if CLIP {
            (t, b) = (t.max(0), b.min(h - 1));
            if k < 0 || k >= w || t > b {
                return;
            }
        }
        let stride = w as usize;
        let first = t as usize * stride + k as usize;
        let rows = (b - t) as usize;
        // Most spans are one or two rows long, in no order a branch predictor learns: the
        // first row and the last are written whatever the length (the same pixel for a
        // row alone), and only longer spans loop over the rows between.
        let mut put = |i: usize| {
            if CLIP {
                if let Some(p) = px.get_mut(i) {
                    *p = c;
                }
            } else {
                // SAFETY: `i` is a row from `t` to `b` of column `k`, within the `w * h`
                // pixels of `px` (`line_spans`' contract). The bounds checks, and the
                // registers V8 spent on them, were a tenth of the spans' loop.
                unsafe { *px.get_unchecked_mut(i) = c }
            }
        };
        put(first);
        put(first + rows * stride);
        for r in 1..rows {
            put(first + r * stride);
        }
    }
    let size = (w, h);
    // The column the line is in (none yet, or after a gap: `NONE`), its rows' extremes,
    // its last row.
    const NONE: i32 = i32::MIN;
    let (mut ox, mut ot, mut ob, mut oy) = (NONE, 0, 0, 0);
    for (&x, &y) in columns.iter().zip(rows) {
        if y == GAP {
            // The line breaks: its column so far is covered, and the next sample starts
            // afresh, even in the same column.
            if ox != NONE {
                cover::<CLIP>(px, size, ox, ot, ob, rgba);
                ox = NONE;
            }
            continue;
        }
        if x == ox {
            ot = ot.min(y);
            ob = ob.max(y);
            oy = y;
            continue;
        }
        let (mut top, mut bottom) = (y, y);
        if ox != NONE {
            // From the middle of the last column to the middle of this one: half of it in
            // each of the two, the columns between crossed a slope each.
            let dx = x - ox;
            let d = y - oy;
            // No division for a join to the next column or the one after (most): natively
            // an eighth of the pass was the division's latency. The halving is written as
            // shifts: as `d / 2`, the compiler merged it with the division below, which
            // then ran for every join two columns long.
            let slope = match dx {
                1 => d,
                2 => (d + i32::from(d < 0)) >> 1,
                _ => d / dx,
            };
            let half = slope / 2;
            let out = oy + half;
            cover::<CLIP>(px, size, ox, out.min(ot), out.max(ob), rgba);
            let mut at = out;
            for k in ox + 1..x {
                let next = at + slope;
                cover::<CLIP>(px, size, k, at.min(next), at.max(next), rgba);
                at = next;
            }
            let inn = y - half;
            top = top.min(inn);
            bottom = bottom.max(inn);
        }
        (ox, ot, ob, oy) = (x, top, bottom, y);
    }
    if ox != NONE {
        cover::<CLIP>(px, size, ox, ot, ob, rgba);
    }
}

fn outline(
    s: &mut impl Surface,
    l: &Layout,
    summary: &Summary,
    target: Target,
    theme: &Theme,
    view: &View,
    width: f32,
) {
    let colour = theme.focus;
    let r = match target {
        Target::None => return,
        Target::Service(i) => l.tiles.get(i).copied(),
        Target::Tool(i) => l.tool_cells.get(i).copied(),
        Target::Pool(i) => l.pool_rows.iter().find(|r| r.pool == i).map(|r| r.row),
        Target::Exemplar(i) => {
            if let (Some(scale), Some(t), Some(v)) = (
                Scale::of(summary, l.plot),
                summary.exemplars.time.get(i),
                summary.exemplars.value.get(i),
            ) {
                if !scale.shows(*t) {
                    return;
                }
                let (x, y) = (scale.x(*t), scale.y(*v));
                s.stroke_rect(Rect::new(x - 6.0, y - 6.0, 12.0, 12.0), colour, width);
            }
            return;
        }
        Target::Line { series, sample } => {
            // A dot in the line's own colour (at full strength, where many lines are drawn
            // faint) on a ring of the background (none over a transparent one), at the
            // sample the tooltip reads.
            if let (Some(scale), Some(line)) =
                (Scale::of(summary, l.plot), summary.latency.get(series))
            {
                if let (Some(t), Some(v)) = (line.time.get(sample), line.value.get(sample)) {
                    let (x, y) = (scale.x(*t), scale.y(*v));
                    if !view.transparent {
                        s.begin_path();
                        s.circle(x, y, 4.5);
                        s.fill(theme.background);
                    }
                    s.begin_path();
                    s.circle(x, y, 3.0);
                    s.fill(line_colour(theme, summary, line));
                }
            }
            return;
        }
    };
    if let Some(r) = r.filter(|r| !r.is_empty()) {
        s.stroke_rect(r.inset(-1.0), colour, width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;
    use crate::theme::Mode;

    /// What filling squares must give, written plainly: every pixel any square covers
    /// (its edges at `floor(v * dpr + 0.5)`, as the canvas's pixel grid) takes, once, the
    /// colour over an opaque pixel blended (each channel `(c * a + u * (255 - a) + 127) /
    /// 255`, alpha 254), over another the colour itself; one already blended (254) stays.
    fn squares_plainly(px: &mut Pixels, path: &[f32], dpr: f32, c: Colour) {
        let edge = |v: f32| (v * dpr + 0.5).floor() as i32;
        let covered = |col: i32, row: i32| {
            path.chunks_exact(4).any(|p| {
                (edge(p[1] - p[3])..edge(p[1] + p[3])).contains(&col)
                    && (edge(p[2] - p[3])..edge(p[2] + p[3])).contains(&row)
            })
        };
        for row in 0..px.h {
            for col in 0..px.w {
                if !covered(px.x + col, px.y + row) {
                    continue;
                }
                let under = &mut px.rgba[(row * px.w + col) as usize];
                let [r, g, b, a] = under.to_le_bytes();
                let mix = |over: u8, u: u8| {
                    ((u32::from(over) * u32::from(c.a)
                        + u32::from(u) * (255 - u32::from(c.a))
                        + 127)
                        / 255) as u8
                };
                *under = match a {
                    255 => u32::from_le_bytes([mix(c.r, r), mix(c.g, g), mix(c.b, b), 254]),
                    254 => *under,
                    _ => u32::from_le_bytes([c.r, c.g, c.b, c.a]),
                };
            }
        }
    }

    #[test]
    fn squares_cover_once_and_blend_over_lines_as_written_plainly() {
        let c = Colour {
            r: 200,
            g: 120,
            b: 40,
            a: 128,
        };
        for dpr in [1.0, 1.25, 2.0] {
            // A layer off the canvas's origin: opaque rows in 90 colours (more than the
            // blend's 64 slots, so that slots are taken over), transparent rows, and pixels
            // another fill already blended.
            let (x, y, w, h) = (7, 5, 61, 47);
            let under: Vec<u32> = (0..w * h)
                .map(|i| match (i / w) % 4 {
                    0 | 1 => u32::from_le_bytes([(i % 90) as u8, ((3 * i) % 251) as u8, 90, 255]),
                    2 => 0,
                    _ => u32::from_le_bytes([9, 9, 9, 254]),
                })
                .collect();
            // Squares overlapping one another, across the layer's edges, and at half pixels.
            let mut path = Vec::new();
            for k in 0..40 {
                let (cx, cy) = (2.0 + 1.7 * k as f32, 1.0 + 1.3 * ((k * 7) % 23) as f32);
                path.extend_from_slice(&[3.0, cx, cy, if k % 3 == 0 { 1.5 } else { 2.5 }]);
            }
            let (mut want, mut got) = (under.clone(), under.clone());
            let layer = |rgba| Pixels { rgba, x, y, w, h };
            squares_plainly(&mut layer(&mut want), &path, dpr, c);
            layer(&mut got).squares(&path, dpr, c);
            let changed = want.iter().zip(&under).filter(|(a, b)| a != b).count();
            assert!(
                changed > 200,
                "the squares cover pixels at dpr {dpr}: {changed}"
            );
            assert!(got == want, "the same pixels at dpr {dpr}");
        }
    }

    fn tiles_at(width: f32) -> sample::TextLog {
        let mut summary = sample::ecosystem(3, 2, 10, 0);
        // Values as wide as the simulator's (the narrow screenshot showed "0.43…", "97.…").
        for svc in &mut summary.services {
            (svc.request_rate, svc.error_percent, svc.p95) = (30.9, 0.43, 0.058);
            (svc.tool_success, svc.workers, svc.sessions) = (97.25, 12.0, 7.0);
            (svc.cpu, svc.memory) = (2.31, 1.5e9);
        }
        let mut layout = Layout::default();
        layout.compute(&summary, width, 500.0);
        assert_eq!(
            layout.detail,
            Detail::Full,
            "tiles show their values at {width} px"
        );
        let mut s = sample::TextLog::default();
        let theme = Theme::of(Mode::Dark);
        draw_content(
            &mut s,
            &layout,
            &summary,
            &theme,
            &View::default(),
            &mut Scratch::default(),
        );
        s
    }

    #[test]
    fn narrow_tiles_show_fewer_values_whole_instead_of_every_value_cut() {
        let drawn =
            |s: &sample::TextLog, text: &str| s.texts.iter().filter(|d| d.0 == text).count();
        let narrow = tiles_at(360.0);
        let cut: Vec<_> = narrow
            .texts
            .iter()
            .filter(|(t, _, _, f, _)| *f == BODY_BOLD && t.ends_with('…'))
            .collect();
        assert!(cut.is_empty(), "values cut at 360 x 500 px: {cut:?}");
        // (p95 is also the strip's legend.)
        for label in ["req", "5xx", "tools"] {
            assert_eq!(drawn(&narrow, label), 3, "{label} on each of the 3 tiles");
        }
        assert_eq!(drawn(&narrow, "sessions"), 0);
        let wide = tiles_at(1200.0);
        assert_eq!(
            drawn(&wide, "sessions"),
            3,
            "wide tiles show two columns of values"
        );
    }

    #[test]
    fn tile_values_take_the_colour_of_the_thresholds_the_answer_carries() {
        // p95 overridden to warn from 250 ms: 200 ms is ok, where the default band (warn
        // from 100 ms) would call it warn.
        let mut f = crate::input::Frames::new();
        f.frame(mcp_model::columns::summary::FRAME)
            .texts(mcp_model::columns::SERVICE, ["akosha"])
            .numbers(mcp_model::columns::summary::UP, vec![1.0])
            .numbers(mcp_model::columns::summary::P95, vec![0.2])
            .steps(
                crate::input::Steps::new(
                    vec![0.25, 0.750_000_000_000_01],
                    ["ok", "warn", "critical"],
                )
                .unwrap(),
            )
            .numbers(mcp_model::columns::summary::CPU, vec![60.0])
            .texts(mcp_model::columns::STATUS, ["ok"]);
        let theme = Theme::of(Mode::Dark);
        let colour_of = |summary: &Summary, text: &str| {
            let mut layout = Layout::default();
            layout.compute(summary, 800.0, 400.0);
            let mut s = sample::TextLog::default();
            draw_content(
                &mut s,
                &layout,
                summary,
                &theme,
                &View::default(),
                &mut Scratch::default(),
            );
            s.texts
                .iter()
                .find(|d| d.0 == text)
                .map(|d| d.4)
                .unwrap_or_else(|| panic!("{text} drawn: {:?}", s.texts))
        };
        let mut summary = Summary::from_frames(f).unwrap();
        let warn = theme.tile_texts().on(Status::Ok, Status::Warn);
        assert_eq!(
            colour_of(&summary, "200 ms"),
            theme.text,
            "ok by the override"
        );
        assert_eq!(
            colour_of(&summary, "60 %"),
            warn,
            "a field without steps is judged by the default band"
        );
        summary.bands = crate::summary::Bands::default();
        assert_eq!(colour_of(&summary, "200 ms"), warn, "warn by the default");
    }

    #[test]
    fn a_byte_is_rounded_down_as_a_conversion_does() {
        let below = 256.0f32.to_bits();
        for bits in (0..below).step_by(101).chain(below - 1_000..below) {
            let x = f32::from_bits(bits);
            assert_eq!(byte(x), x as u8, "{x}");
        }
        for x in (0..=512).map(|k| k as f32 / 2.0).filter(|&x| x < 256.0) {
            assert_eq!(byte(x), x as u8, "{x}");
        }
    }

    #[test]
    fn a_circle_as_pixels_is_covered_inside_blended_at_its_edge_and_clipped() {
        let red = Colour::hex(0xf2495c);
        let line = Pixels::opaque(Colour::hex(0x202020));
        let mut rgba = vec![0u32; 20 * 10];
        rgba[5 * 20..6 * 20].fill(line);
        let mut px = Pixels {
            rgba: &mut rgba,
            x: 100,
            y: 50,
            w: 20,
            h: 10,
        };
        // Centred on pixel (5, 5) of the buffer, and one cut by its right edge.
        px.circle(105.5, 55.5, 3.0, red);
        px.circle(119.5, 52.5, 3.0, red);
        let at = |x: usize, y: usize| rgba[y * 20 + x].to_le_bytes();
        assert_eq!(at(5, 5), [0xf2, 0x49, 0x5c, 255], "centre covered");
        assert_eq!(at(3, 5), [0xf2, 0x49, 0x5c, 255], "2 px from the centre");
        assert_eq!(at(5, 1), [0, 0, 0, 0], "4 px from the centre: outside");
        // On the radius, over the transparent buffer: the colour, half covered; over the
        // opaque line: the colours mixed, still opaque.
        let [r, g, b, a] = at(5, 8);
        assert_eq!([r, g, b], [0xf2, 0x49, 0x5c]);
        assert!((120..=135).contains(&a), "edge alpha {a}");
        let [r, _, _, a] = at(8, 5);
        assert_eq!(a, 255);
        assert!(r > 0x20 && r < 0xf2, "edge over the line {r:#x}");
        assert_eq!(at(19, 2)[3], 255, "the clipped circle drawn inside");
    }

    #[test]
    fn circles_as_pixels_blend_as_before_over_every_kind_of_pixel() {
        // The blend as it was, a division per channel and conversions as `as u8`.
        fn blend_before(px: &mut u32, c: Colour, coverage: f32) {
            let sa = coverage.min(1.0) * f32::from(c.a) / 255.0;
            let (s, d) = ([c.r, c.g, c.b], px.to_le_bytes());
            let da = f32::from(d[3]) / 255.0 * (1.0 - sa);
            let oa = sa + da;
            let mix = |k: usize| ((f32::from(s[k]) * sa + f32::from(d[k]) * da) / oa + 0.5) as u8;
            if sa >= 1.0 {
                *px = Pixels::opaque(c);
            } else if sa > 0.0 {
                *px = u32::from_le_bytes([mix(0), mix(1), mix(2), (oa * 255.0 + 0.5) as u8]);
            }
        }
        let mut rng = sample::Rng(11);
        let (w, h) = (40, 30);
        // Transparent, opaque and partly covered pixels, of any colour.
        let mut want: Vec<u32> = (0..w * h)
            .map(|_| match rng.bits() % 4 {
                0 => 0,
                1 => rng.bits() as u32 | 0xff00_0000,
                _ => rng.bits() as u32,
            })
            .collect();
        let mut got = want.clone();
        let mut kinds = [0; 3];
        for _ in 0..300 {
            let [r, g, b, a] = (rng.bits() as u32).to_le_bytes();
            let c = Colour {
                r,
                g,
                b,
                a: if a < 64 { 255 } else { a },
            };
            let (x, y) = (
                rng.next() as f32 * 44.0 + 8.0,
                rng.next() as f32 * 34.0 + 3.0,
            );
            let radius = 0.5 + rng.next() as f32 * 6.0;
            let mut px = Pixels {
                rgba: &mut got,
                x: 10,
                y: 5,
                w,
                h,
            };
            px.circle(x, y, radius, c);
            let (cx, cy) = (x - 10.0, y - 5.0);
            for row in 0..h {
                for col in 0..w {
                    let (dx, dy) = (col as f32 + 0.5 - cx, row as f32 + 0.5 - cy);
                    let coverage = radius + 0.5 - (dx * dx + dy * dy).sqrt();
                    if coverage > 0.0 {
                        let p = &mut want[(row * w + col) as usize];
                        if coverage < 1.0 || c.a < 255 {
                            kinds[usize::from(*p >> 24 != 0) + usize::from(*p >> 24 == 255)] += 1;
                        }
                        blend_before(p, c, coverage);
                    }
                }
            }
        }
        // Blends over transparent, partly covered and opaque pixels.
        assert!(kinds.iter().all(|&n| n > 200), "{kinds:?}");
        assert_eq!(want, got);
    }

    /// What a line covers, written plainly, one sample at a time with no speed taken into
    /// account: the pixels `line_pixels` must give. Each pixel column the rows its samples
    /// span, joined to the next column by the segment between their middles, half of it in
    /// each of the two and a slope in each column between; a gap breaks the line. A
    /// segment across the plot's left or right edge counts as a sample there, in the first
    /// or last column, its value read along it.
    fn line_pixels_one_by_one(
        series: &crate::summary::Series,
        scale: &Scale,
        width: u32,
        dpr: f32,
        px: &mut Pixels<'_>,
        rgba: u32,
    ) {
        /// Covers rows `a >> 16..=b >> 16` of column `k`, within the layer.
        fn cover(px: &mut Pixels<'_>, k: i32, a: i32, b: i32, rgba: u32) {
            let (t, b) = ((a >> 16).max(0), (b >> 16).min(px.h - 1));
            if (0..px.w).contains(&k) {
                for row in t..=b {
                    px.rgba[(row * px.w + k) as usize] = rgba;
                }
            }
        }
        let Some(w) = decimate::Window::of(&series.time, &series.value, scale.t0, scale.t1, width)
        else {
            return;
        };
        // Every sample inside, and where a segment crosses an edge, the edge's time and the
        // segment's value there, in time order.
        let (t0, t1) = (scale.t0, scale.t1);
        let mut points = Vec::new();
        let n = series.time.len().min(series.value.len());
        for i in 0..n {
            let (t, v) = (series.time[i], series.value[i]);
            if i > 0 {
                let (ta, va) = (series.time[i - 1], series.value[i - 1]);
                for edge in [t0, t1] {
                    if ta < edge && edge < t {
                        points.push((edge, va + (v - va) * ((edge - ta) / (t - ta))));
                    }
                }
            }
            if t0 <= t && t <= t1 {
                points.push((t, v));
            }
        }
        // Columns and rows from the layer's corner, rows in device pixels times 2^16.
        let left = (scale.plot.x * dpr).round() as i32 - px.x;
        const ONE: f32 = 65536.0;
        let base = (scale.plot.bottom() * dpr - px.y as f32) * ONE;
        let height = scale.plot.h * dpr * ONE;
        // The column the line is in (none yet: `None`), its rows' extremes, its last row.
        let mut column: Option<(i32, i32, i32, i32)> = None;
        let mut gap = false;
        for (t, v) in points {
            if v.is_nan() {
                gap = true;
                continue;
            }
            let x = left + w.column(t) as i32;
            // Times the top's reciprocal, as the panel's scale works it out.
            let y = (base - (v * (1.0 / scale.top)).clamp(0.0, 1.0) as f32 * height) as i32;
            let (mut top, mut bottom) = (y, y);
            match column {
                Some((ox, ot, ob, _)) if x == ox && !gap => {
                    column = Some((ox, ot.min(y), ob.max(y), y));
                    continue;
                }
                Some((ox, ot, ob, _)) if gap => cover(px, ox, ot, ob, rgba),
                Some((ox, ot, ob, oy)) => {
                    let slope = (y - oy) / (x - ox);
                    let out = oy + slope / 2;
                    cover(px, ox, out.min(ot), out.max(ob), rgba);
                    let mut at = out;
                    for k in ox + 1..x {
                        cover(px, k, at.min(at + slope), at.max(at + slope), rgba);
                        at += slope;
                    }
                    let inn = y - slope / 2;
                    (top, bottom) = (top.min(inn), bottom.max(inn));
                }
                None => {}
            }
            column = Some((x, top, bottom, y));
            gap = false;
        }
        if let Some((ox, ot, ob, _)) = column {
            cover(px, ox, ot, ob, rgba);
        }
    }

    #[test]
    fn lines_as_pixels_are_the_same_sharing_columns_or_not() {
        let mut rng = sample::Rng(7);
        let scale = Scale {
            plot: Rect::new(20.5, 10.0, 300.0, 120.0),
            t0: 1_000.0,
            t1: 61_000.0,
            top: 2.0,
        };
        // Straddling both ends of the range, as a range query's aligned start gives.
        let grid: Rc<[f64]> = (0..410).map(|k| 925.0 + 150.0 * k as f64).collect();
        let mut lines = Vec::new();
        for i in 0..12 {
            // Most lines on one grid, some on another (sparser, or starting later, with
            // samples before the range); values past the top and below zero; gaps.
            let time: Rc<[f64]> = match i % 4 {
                3 if i > 4 => (0..90).map(|k| 400.0 + 700.0 * k as f64).collect(),
                3 => (0..2_000).map(|k| 800.0 + 31.0 * k as f64).collect(),
                _ => Rc::clone(&grid),
            };
            let value = (0..time.len())
                .map(|k| match (i, rng.bits() % 40) {
                    (_, 0) => f64::NAN,
                    (2, _) if (100..140).contains(&k) => f64::NAN,
                    (5, 1) => -0.5,
                    (_, 1) => 2.5,
                    _ => rng.next() * (0.2 + 0.15 * i as f64),
                })
                .collect();
            lines.push(crate::summary::Series {
                service: format!("s{i}"),
                percentile: 50.0,
                time,
                value,
            });
        }
        // A layer around the plot, as the panel opens it, and one cutting it (spans
        // clipped), at two device pixel ratios.
        for dpr in [1.0, 2.0] {
            let width = (scale.plot.w * dpr).round() as u32;
            let around = |d: f32| (d * dpr).round() as i32;
            for (x, y, w, h) in [
                (
                    around(17.5),
                    around(7.0),
                    around(306.0) + 1,
                    around(126.0) + 1,
                ),
                (around(60.0), around(40.0), around(150.0), around(60.0)),
            ] {
                let len = (w * h) as usize;
                let (mut want, mut got) = (vec![0u32; len], vec![0u32; len]);
                let mut buffers = Samples::default();
                let mut previous: Option<&Rc<[f64]>> = None;
                for (i, series) in lines.iter().enumerate() {
                    let c = i as u32 + 1;
                    let layer = |rgba| Pixels { rgba, x, y, w, h };
                    line_pixels_one_by_one(series, &scale, width, dpr, &mut layer(&mut want), c);
                    let same = previous.is_some_and(|t| Rc::ptr_eq(t, &series.time));
                    let b = &mut buffers;
                    line_pixels(series, &scale, width, dpr, &mut layer(&mut got), c, b, same);
                    assert_eq!(same, i % 4 != 0 && i % 4 != 3, "line {i}");
                    previous = Some(&series.time);
                }
                assert!(want.iter().filter(|&&p| p != 0).count() > 1_000);
                let differ = want.iter().zip(&got).filter(|(a, b)| a != b).count();
                assert_eq!(differ, 0, "pixels differ at dpr {dpr}, layer {w} x {h}");
            }
        }
    }

    #[test]
    fn lines_on_scales_that_make_no_rows_are_drawn_as_before() {
        // Infinite values, and a top that makes their share of the plot's height NaN.
        let series = crate::summary::Series {
            service: "a".into(),
            percentile: 50.0,
            time: (0..50).map(f64::from).collect(),
            value: (0..50)
                .map(|k| [0.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e300][k % 5])
                .collect(),
        };
        for top in [f64::INFINITY, f64::MIN_POSITIVE, 1.0] {
            let scale = Scale {
                plot: Rect::new(10.0, 10.0, 80.0, 40.0),
                t0: 0.0,
                t1: 50.0,
                top,
            };
            let (w, h) = (100, 60);
            let (mut want, mut got) = (vec![0u32; w * h], vec![0u32; w * h]);
            let layer = |rgba| Pixels {
                rgba,
                x: 0,
                y: 0,
                w: w as i32,
                h: h as i32,
            };
            line_pixels_one_by_one(&series, &scale, 80, 1.0, &mut layer(&mut want), 3);
            let b = &mut Samples::default();
            line_pixels(&series, &scale, 80, 1.0, &mut layer(&mut got), 3, b, false);
            assert_eq!(want, got, "top {top}");
        }
    }

    /// Fills on whole pixels, a pixel taking a fill's colour when its centre is inside.
    struct Fills {
        log: sample::TextLog,
        w: usize,
        px: Vec<Colour>,
    }

    impl Fills {
        /// The panel of `w` x `h` pixels drawn over pixels of colour `under`.
        fn drawn(
            (w, h): (usize, usize),
            under: Colour,
            layout: &Layout,
            summary: &Summary,
            theme: &Theme,
            view: &View,
        ) -> Fills {
            let log = sample::TextLog::default();
            let mut s = Fills {
                log,
                w,
                px: vec![under; w * h],
            };
            draw_content(
                &mut s,
                layout,
                summary,
                theme,
                view,
                &mut Scratch::default(),
            );
            s
        }
    }

    impl Surface for Fills {
        fn fill_rect(&mut self, r: Rect, colour: Colour) {
            let span = |a: f32, b: f32| {
                ((a - 0.5).ceil().max(0.0) as usize)..((b - 0.5).ceil().max(0.0) as usize)
            };
            for y in span(r.y, r.bottom()) {
                for x in span(r.x, r.right()).filter(|&x| x < self.w) {
                    if let Some(p) = self.px.get_mut(y * self.w + x) {
                        *p = colour;
                    }
                }
            }
        }
        fn stroke_rect(&mut self, _: Rect, _: Colour, _: f32) {}
        fn begin_path(&mut self) {}
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn circle(&mut self, _: f32, _: f32, _: f32) {}
        fn square(&mut self, _: f32, _: f32, _: f32) {}
        fn pixels(&mut self) -> Option<Pixels<'_>> {
            None
        }
        fn stroke(&mut self, _: Colour, _: f32) {}
        fn fill(&mut self, _: Colour) {}
        fn text(&mut self, text: &str, x: f32, y: f32, font: Font, colour: Colour, align: Align) {
            self.log.text(text, x, y, font, colour, align);
        }
        fn text_width(&mut self, text: &str, font: Font) -> f32 {
            self.log.text_width(text, font)
        }
    }

    #[test]
    fn tool_cells_filled_by_runs_show_each_cell_in_its_colour_and_the_gaps_between() {
        let (s, theme) = tool_cells_drawn(false);
        assert!(s.px.contains(&theme.background));
    }

    #[test]
    fn over_a_transparent_background_nothing_paints_the_background_not_even_the_tool_gaps() {
        let (s, theme) = tool_cells_drawn(true);
        assert!(
            !s.px.contains(&theme.background),
            "the background colour painted over a transparent panel"
        );
    }

    #[test]
    fn status_texts_on_the_tiles_and_in_the_header_read_at_4_5_to_1_in_both_themes() {
        // Services ok, warn and critical, each with a reason and values out of their bands.
        let mut summary = sample::ecosystem(6, 0, 0, 0);
        let statuses = [Status::Ok, Status::Warn, Status::Critical];
        for (i, svc) in summary.services.iter_mut().enumerate() {
            svc.up = 1.0;
            svc.status = statuses[i % 3];
            svc.reasons = vec!["p95 latency 0.62 s over 500 ms".into()];
            (svc.p95, svc.cpu, svc.tool_success, svc.memory) = (0.62, 60.0, 97.0, 1e9);
        }
        let (w, h) = (1200, 700);
        let mut layout = Layout::default();
        layout.compute(&summary, w as f32, h as f32);
        assert_eq!(layout.detail, Detail::Full);
        for theme in [Theme::light(), Theme::dark()] {
            let under = theme.background;
            let s = Fills::drawn((w, h), under, &layout, &summary, &theme, &View::default());
            let mut checked = 0;
            for (svc, r) in summary.services.iter().zip(&layout.tiles) {
                // Inside the tile, left of its texts and right of its status stripe.
                let bg = s.px[(r.y + r.h / 2.0) as usize * w + (r.x + 6.0) as usize];
                assert_eq!(bg, theme.tile(svc.status));
                let status_texts = s.log.texts.iter().filter(|(text, x, y, font, _)| {
                    r.contains(*x, *y)
                        && (text.starts_with("p95 latency") || *text == "620 ms" || *text == "60 %")
                        && *font != PILL
                });
                for (text, _, _, _, colour) in status_texts {
                    let ratio = crate::theme::contrast(colour.over(bg).luminance(), bg.luminance());
                    assert!(
                        ratio >= 4.5,
                        "{:?} theme, {:?} tile: {text:?} in {colour:?} reads {ratio:.2}:1",
                        theme.mode,
                        svc.status
                    );
                    checked += 1;
                }
            }
            // Each tile's reason and its two values out of their bands.
            assert_eq!(checked, 3 * summary.services.len(), "{:?}", s.log.texts);
            let bg = theme.background;
            for word in ["2 ok", "2 warn", "2 critical"] {
                let (.., colour) = s.log.texts.iter().find(|d| d.0 == word).unwrap();
                let ratio = crate::theme::contrast(colour.luminance(), bg.luminance());
                assert!(
                    ratio >= 4.5,
                    "{:?} theme: {word} reads {ratio:.2}:1",
                    theme.mode
                );
            }
        }
    }

    #[test]
    fn the_pools_title_says_what_a_full_bar_stands_for_and_that_pool_fills_it() {
        let mut summary = sample::ecosystem(3, 0, 0, 0);
        summary.pools.truncate(2);
        (summary.pools[0].workers, summary.pools[0].min) = (3.0, 3.0);
        (summary.pools[0].max, summary.pools[1].workers) = (4.0, 6.0);
        (summary.pools[1].min, summary.pools[1].max) = (5.0, 12.0);
        let (w, h) = (1000, 600);
        let mut layout = Layout::default();
        layout.compute(&summary, w as f32, h as f32);
        let theme = Theme::dark();
        let under = theme.background;
        let s = Fills::drawn((w, h), under, &layout, &summary, &theme, &View::default());
        let title = layout.pools.title;
        let said: Vec<&str> = s.log.inside(title).map(|(t, _)| t).collect();
        // The busiest pool's most over the range, 12, not a capacity the frames lack.
        assert_eq!(
            said,
            [
                "Pools, worst first",
                "full bar: 12 workers, the most any pool had"
            ]
        );
        // Its bar full at 12: 6 workers fill half of it.
        let row = layout.pool_rows.iter().find(|r| r.pool == 1).unwrap();
        let at = |f: f32| {
            let (x, y) = (row.bar.x + row.bar.w * f, row.bar.y + row.bar.h / 2.0);
            s.px[y as usize * w + x as usize]
        };
        let status = theme.status(summary.pools[1].status);
        assert_eq!((at(0.45), at(0.55)), (status, theme.border));
        // A narrow panel says it shorter.
        layout.compute(&summary, 420.0, h as f32);
        let s = Fills::drawn((420, h), under, &layout, &summary, &theme, &View::default());
        let said: Vec<&str> = s.log.inside(layout.pools.title).map(|(t, _)| t).collect();
        assert_eq!(said, ["Pools, worst first", "full bar: 12 workers"]);
    }

    /// The panel drawn by [`Fills`] over pixels nothing painted, with the tool cells and the
    /// gaps between them checked: each cell in its colour, each gap the background, or
    /// untouched over a transparent one.
    fn tool_cells_drawn(transparent: bool) -> (Fills, Theme) {
        let blank = Colour::hex(0).alpha(0.0);
        let mut summary = sample::ecosystem(50, 10, 10, 0);
        // Runs of each colour, broken by other colours and by cells with no data.
        for (i, tool) in summary.tools.iter_mut().enumerate() {
            tool.status = [Status::Ok, Status::Ok, Status::Ok, Status::Warn][i % 7 % 4];
            if i % 13 == 5 {
                tool.success = f64::NAN;
            }
        }
        let (w, h) = (1920, 1080);
        let mut layout = Layout::default();
        layout.compute(&summary, w as f32, h as f32);
        let theme = Theme::of(Mode::Dark);
        let view = View {
            dpr: 1.0,
            transparent,
            ..View::default()
        };
        let s = Fills::drawn((w, h), blank, &layout, &summary, &theme, &view);
        let colour = |t: &crate::summary::Tool| {
            if t.success.is_nan() {
                theme.no_data
            } else {
                theme.status(t.status)
            }
        };
        let cells: Vec<(Rect, Colour)> = layout
            .tool_cells
            .iter()
            .zip(&summary.tools)
            .filter(|(c, _)| !c.is_empty())
            .map(|(c, t)| (*c, colour(t)))
            .collect();
        assert!(cells.len() > 100, "a grid of {} cells", cells.len());
        let body = layout.tools.body;
        let (mut in_cells, mut in_gaps) = (0, 0);
        for y in body.y as usize..body.bottom() as usize {
            for x in body.x as usize..body.right() as usize {
                let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
                let want = match cells.iter().find(|(c, _)| c.contains(cx, cy)) {
                    Some(&(_, c)) => {
                        in_cells += 1;
                        c
                    }
                    None if layout.tool_rows.iter().any(|r| r.label.contains(cx, cy)) => continue,
                    None => {
                        in_gaps += 1;
                        if transparent {
                            blank
                        } else {
                            theme.background
                        }
                    }
                };
                assert_eq!(s.px[y * w + x], want, "pixel ({x}, {y})");
            }
        }
        assert!(in_cells > 0 && in_gaps > 0);
        (s, theme)
    }

    /// The device pixels `line_pixels` covers of a layer from device pixel (5, 0), 120 x
    /// 110, wider and taller than a plot from (10, 0) 100 px wide and high, from 0 to 1 s
    /// of latency and over `t0..t1`, of a line of `time` and `value`: each column's covered
    /// rows, the columns with none left out.
    fn covered((t0, t1): (f64, f64), time: Rc<[f64]>, value: Vec<f64>) -> Vec<(i32, Vec<i32>)> {
        let scale = Scale {
            plot: Rect::new(10.0, 0.0, 100.0, 100.0),
            t0,
            t1,
            top: 1.0,
        };
        let series = crate::summary::Series {
            service: "a".into(),
            percentile: 50.0,
            time,
            value,
        };
        let (w, h) = (120, 110);
        let mut rgba = vec![0u32; (w * h) as usize];
        let mut px = Pixels {
            rgba: &mut rgba,
            x: 5,
            y: 0,
            w,
            h,
        };
        let b = &mut Samples::default();
        line_pixels(&series, &scale, 100, 1.0, &mut px, 7, b, false);
        assert!(rgba.iter().all(|&p| p == 0 || p == 7));
        (0..w)
            .map(|col| {
                let rows = (0..h).filter(|&r| rgba[(r * w + col) as usize] == 7);
                (col + 5, rows.collect::<Vec<_>>())
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    #[test]
    fn a_line_as_pixels_is_unbroken_and_breaks_at_gaps() {
        let covered = covered(
            (0.0, 100.0),
            // A steep climb over few columns, a wiggle within one, a gap, a last point.
            [0.0, 10.0, 20.0, 20.2, 20.4, 30.0, 40.0].into(),
            vec![0.0, 0.9, 0.5, 0.2, 0.6, f64::NAN, 0.5],
        );
        // Each column's pixels as `[x, top, bottom]`, checked to be one run.
        let mut spans = Vec::new();
        for (col, rows) in covered {
            let (top, bottom) = (rows[0], rows[rows.len() - 1]);
            assert_eq!(
                rows.len() as i32,
                bottom - top + 1,
                "column {col}: {rows:?}"
            );
            spans.push([col, top, bottom]);
        }
        let xs: Vec<i32> = spans.iter().map(|s| s[0]).collect();
        let expected: Vec<i32> = (10..=30).chain([50]).collect();
        assert_eq!(
            xs, expected,
            "each column from the first to the last, not the gap's"
        );
        for pair in spans[..21].windows(2) {
            let ([_, t0, b0], [_, t1, b1]) = (pair[0], pair[1]);
            assert!(t1 <= b0 + 1 && t0 <= b1 + 1, "columns touch: {pair:?}");
        }
        // Column 30 (t = 20 to 20.4) covers its samples' rows, 0.2 to 0.6 (y 80 to 40).
        assert!(spans[20][1] <= 40 && spans[20][2] >= 79, "{:?}", spans[20]);
        // The first point at the plot's bottom edge, with half a column of the climb (9
        // rows a column).
        assert_eq!(spans[0], [10, 95, 100]);
        assert_eq!(spans[21], [50, 50, 50], "the point after the gap alone");
    }

    /// The panel drawn on a bitmap of its layout's size, at the view's pixel ratio.
    fn on_bitmap(layout: &Layout, summary: &Summary, theme: &Theme, view: &View) -> crate::Bitmap {
        let mut b = crate::Bitmap::new(layout.width, layout.height, view.dpr);
        draw(
            &mut b,
            layout,
            summary,
            theme,
            view,
            &mut Scratch::default(),
        );
        b
    }

    /// What `line_pixels` covers ([`covered`]) from t0 = 1 s to t1 = 2 s of a line sampled
    /// every 100 ms from 950 ms to 2,050 ms (a sample before t0 and one after t1, as a
    /// range query's aligned start gives).
    fn edge_columns(value: &[f64]) -> Vec<(i32, Vec<i32>)> {
        let time = (0..12).map(|k| 950.0 + 100.0 * f64::from(k)).collect();
        covered((1_000.0, 2_000.0), time, value.to_vec())
    }

    #[test]
    fn a_line_as_pixels_runs_to_the_plots_first_and_last_columns() {
        // 200 ms before t0, 600 ms at the first sample inside: 400 ms at t0 (row 60). The
        // last sample inside 300 ms, the one after 900 ms: 600 ms at t1 (row 40).
        let mut value = vec![0.5; 12];
        (value[0], value[1]) = (0.2, 0.6);
        (value[10], value[11]) = (0.3, 0.9);
        let columns = edge_columns(&value);
        let xs: Vec<i32> = columns.iter().map(|(x, _)| *x).collect();
        assert_eq!(
            xs,
            (10..=109).collect::<Vec<_>>(),
            "every column of the plot"
        );
        let (first, last) = (&columns[0].1, &columns[99].1);
        assert!(first.contains(&60) && first.iter().all(|r| (55..=61).contains(r)));
        assert!(last.contains(&40) && last.iter().all(|r| (39..=45).contains(r)));
    }

    #[test]
    fn a_gap_just_before_an_edge_draws_nothing_across_it() {
        let mut value = vec![0.5; 12];
        (value[0], value[11]) = (f64::NAN, f64::NAN);
        let xs: Vec<i32> = edge_columns(&value).iter().map(|(x, _)| *x).collect();
        // From the first sample inside (1,050 ms, column 15) to the last (1,950 ms, 105).
        assert_eq!(xs, (15..=105).collect::<Vec<_>>());
        // A gap at the first sample inside ends the segment across t0 too: the line starts
        // at the second.
        (value[0], value[1], value[11]) = (0.5, f64::NAN, 0.5);
        let xs: Vec<i32> = edge_columns(&value).iter().map(|(x, _)| *x).collect();
        assert_eq!(xs.first(), Some(&25), "{xs:?}");
        assert_eq!(xs.last(), Some(&109));
    }

    #[test]
    fn latency_lines_reach_both_edges_of_the_strip_stroked_or_as_pixels() {
        // A sample every 100 ms from 950 ms, the strip from 1 s to 2 s: 300 ms throughout
        // (clear of the grid at 0, 250 and 500 ms).
        let time: Rc<[f64]> = (0..12).map(|k| 950.0 + 100.0 * f64::from(k)).collect();
        let theme = Theme::dark();
        // One line (stroked on the canvas) and twenty (pixels); at two pixel ratios; with
        // the samples outside the range and with gaps there.
        for (lines, dpr, gaps) in [(1, 1.0, false), (20, 1.0, false), (1, 2.0, false)]
            .into_iter()
            .chain([(1, 1.0, true), (20, 2.0, true)])
        {
            let mut value = vec![0.3; 12];
            if gaps {
                (value[0], value[11]) = (f64::NAN, f64::NAN);
            }
            let line = |k: usize| crate::summary::Series {
                service: format!("s{k}"),
                percentile: 50.0,
                time: Rc::clone(&time),
                value: value.clone(),
            };
            let summary = Summary {
                latency: (0..lines).map(line).collect(),
                percentiles: vec![50.0],
                time_range: (1_000.0, 2_000.0),
                latency_max: 0.3,
                ..Summary::default()
            };
            let mut layout = Layout::default();
            layout.compute(&summary, 600.0, 300.0);
            let scale = Scale::of(&summary, layout.plot).unwrap();
            let view = View {
                dpr,
                ..View::default()
            };
            let b = on_bitmap(&layout, &summary, &theme, &view);
            // Whether device column `x` shows the line within a pixel of its row.
            let y = (scale.y(0.3) * dpr) as u32;
            let drawn = |x: f32| (y - 1..=y + 1).any(|y| b.pixel(x as u32, y) != theme.background);
            let (left, right) = (layout.plot.x * dpr, layout.plot.right() * dpr);
            let case = format!("{lines} lines at dpr {dpr}, gaps {gaps}");
            assert!(
                !drawn(left - 1.0) && !drawn(right),
                "nothing outside: {case}"
            );
            // The plot's first and last columns (of CSS pixels: the canvas strokes through
            // a column's middle, its end a butt's).
            let edge = |x: f32| (0..dpr as u32).any(|d| drawn(x + d as f32));
            assert_eq!(edge(left), !gaps, "first column: {case}");
            assert_eq!(edge(right - dpr), !gaps, "last column: {case}");
            // The first sample inside lies 50 ms, a twentieth of the plot, from t0.
            let inside = (right - left) / 20.0;
            for x in [left + inside - 2.0, right - inside + 2.0] {
                assert_eq!(drawn(x), !gaps, "column {x}: {case}");
            }
            assert!(
                drawn(left + inside + 1.0) && drawn(right - inside - 1.0),
                "{case}"
            );
        }
    }

    #[test]
    fn the_time_axis_reads_in_the_views_zone() {
        let summary = sample::ecosystem(3, 2, 200, 20);
        let mut layout = Layout::default();
        layout.compute(&summary, 1000.0, 560.0);
        let scale = Scale::of(&summary, layout.plot).expect("a latency strip");
        let axis = |summary: &Summary, zone: Zone| {
            let mut s = sample::TextLog::default();
            let view = View {
                zone,
                ..View::default()
            };
            let theme = Theme::of(Mode::Dark);
            draw_content(
                &mut s,
                &layout,
                summary,
                &theme,
                &view,
                &mut Scratch::default(),
            );
            let row = layout.plot.bottom() + 9.0;
            s.texts
                .into_iter()
                .filter(|(_, _, y, ..)| *y == row)
                .map(|(t, ..)| t)
                .collect::<Vec<_>>()
        };
        let span = scale.t1 - scale.t0;
        let detail = Clock::for_axis(span / 2.0, span);
        // Newfoundland: three and a half hours behind UTC.
        let behind = -210.0 * 60_000.0;
        let want: Vec<String> = [scale.t0, scale.t0 + span / 2.0, scale.t1]
            .iter()
            .map(|t| {
                let mut s = String::new();
                format::time(&mut s, t + behind, &Zone::default(), detail);
                s
            })
            .collect();
        assert_eq!(axis(&summary, Zone::new(|_| -210.0)), want);
        assert_ne!(axis(&summary, Zone::default()), want, "UTC reads otherwise");

        // Data at one instant: one label, not three the same.
        let mut one = summary.clone();
        one.time_range = (scale.t1, scale.t1);
        assert_eq!(axis(&one, Zone::default()).len(), 1);
    }

    #[test]
    fn a_hovered_line_is_marked_at_its_sample_in_its_colour() {
        let mut summary = sample::ecosystem(3, 0, 200, 0);
        // A flat line: a pixel above the point, the line itself is not drawn (2 px above,
        // another line of its colour is).
        let k = 4;
        summary.latency[k].value.iter_mut().for_each(|v| *v = 0.03);
        let mut layout = Layout::default();
        layout.compute(&summary, 900.0, 500.0);
        let scale = Scale::of(&summary, layout.plot).unwrap();
        let sample = 120;
        let (x, y) = (scale.x(summary.latency[k].time[sample]), scale.y(0.03));
        let theme = Theme::dark();
        let paint_at = |hover: Target, transparent: bool, dy: f32| {
            let view = View {
                dpr: 1.0,
                hover,
                transparent,
                ..View::default()
            };
            let b = on_bitmap(&layout, &summary, &theme, &view);
            b.pixel((x + 0.5) as u32, (y + dy) as u32)
        };
        let paint = |hover: Target| paint_at(hover, false, -1.0);
        let target = crate::hit::hit(&layout, &summary, x, y - 1.0);
        assert_eq!(target, Target::Line { series: k, sample });
        let want = line_colour(&theme, &summary, &summary.latency[k]);
        let close = |c: Colour| {
            [(c.r, want.r), (c.g, want.g), (c.b, want.b)]
                .iter()
                .all(|&(a, b)| a.abs_diff(b) <= 24)
        };
        let (marked, plain) = (paint(target), paint(Target::None));
        assert!(close(marked), "{marked:?}, want {want:?}");
        assert!(!close(plain), "{plain:?}: no mark without the pointer");
        // Over a transparent panel the dot has no ring of the background colour.
        assert!(close(paint_at(target, true, -1.0)));
        assert_ne!(paint_at(target, true, -4.0), theme.background);
        assert_eq!(paint_at(target, false, -4.0), theme.background);
    }

    #[test]
    fn a_legend_of_many_percentiles_in_a_narrow_strip_stays_in_its_row_and_counts_the_rest() {
        use mcp_model::columns::{self, latency};
        let percentiles = ["1", "5", "10", "25", "50", "75", "90", "95", "99", "99.9"];
        let mut f = sample::frames(2, 0, 0, 20);
        for p in percentiles {
            f.frame(&format!("akosha p{p}"))
                .numbers(columns::TIME, vec![1000.0, 2000.0])
                .numbers(columns::VALUE, vec![0.1, 0.2])
                .label(latency::JOB_LABEL, "akosha")
                .label(latency::PERCENTILE_LABEL, p);
        }
        let summary = Summary::from_frames(f).unwrap();
        // Ten percentiles, the exemplars' dot and the failed ones'.
        let entries = percentiles.len() + 2;
        let legend = |width: f32| {
            let mut layout = Layout::default();
            layout.compute(&summary, width, 500.0);
            let mut log = sample::TextLog::default();
            let (theme, view) = (Theme::dark(), View::default());
            draw_content(
                &mut log,
                &layout,
                &summary,
                &theme,
                &view,
                &mut Scratch::default(),
            );
            let row = layout.strip.title;
            let title_end = row.x + log.text_width("Request latency", BODY_BOLD);
            let texts: Vec<(String, f32)> = log
                .texts
                .iter()
                .filter(|(t, _, y, ..)| *y == row.y + row.h / 2.0 && t != "Request latency")
                .map(|(t, x, ..)| (t.clone(), *x))
                .collect();
            for (text, x) in &texts {
                let end = x + log.text_width(text, SMALL);
                assert!(
                    *x > title_end && end <= row.right(),
                    "{text} at {x} to {end} in {width} px"
                );
            }
            texts.into_iter().map(|(t, _)| t).collect::<Vec<_>>()
        };
        for width in [360.0, 500.0] {
            let drawn = legend(width);
            let (last, shown) = drawn.split_last().unwrap();
            let hidden: usize = last.strip_prefix('+').and_then(|n| n.parse().ok()).unwrap();
            assert_eq!(shown.len() + hidden, entries, "{drawn:?} at {width} px");
            assert_eq!(shown.first().map(String::as_str), Some("p1"));
        }
        let all = legend(800.0);
        assert_eq!(all.len(), entries, "every entry in a wide panel: {all:?}");
        assert_eq!(all.last().map(String::as_str), Some("failed"));
        // Not even a count fits beside the title: no legend.
        assert_eq!(legend(150.0), Vec::<String>::new());
    }

    #[test]
    fn the_legend_and_colours_follow_the_percentiles_the_query_asked_for() {
        use mcp_model::columns::{self, latency};
        let mut f = sample::frames(2, 0, 0, 0);
        for job in ["akosha", "mahavishnu"] {
            for p in ["99.9", "90"] {
                f.frame(&format!("{job} p{p}"))
                    .numbers(columns::TIME, vec![1000.0, 2000.0])
                    .numbers(columns::VALUE, vec![0.1, 0.2])
                    .label(latency::JOB_LABEL, job)
                    .label(latency::PERCENTILE_LABEL, p);
            }
        }
        let summary = Summary::from_frames(f).unwrap();
        assert_eq!(summary.percentiles, [90.0, 99.9]);
        let theme = Theme::dark();
        assert_eq!(strip_legend(&summary), ["Request latency", "p90", "p99.9"]);
        // The lowest in the first colour, the highest in the last (not p95's).
        for line in &summary.latency {
            let want = if line.percentile == 90.0 { 0 } else { 2 };
            assert_eq!(
                line_colour(&theme, &summary, line),
                theme.percentiles[want],
                "p{}",
                line.percentile
            );
        }
    }

    /// The texts of `summary` drawn at 900 by 500 in the dark theme, and the layout.
    fn drawn_texts(summary: &Summary) -> (sample::TextLog, Layout) {
        let mut layout = Layout::default();
        layout.compute(summary, 900.0, 500.0);
        let mut log = sample::TextLog::default();
        draw_content(
            &mut log,
            &layout,
            summary,
            &Theme::dark(),
            &View::default(),
            &mut Scratch::default(),
        );
        (log, layout)
    }

    /// The texts of the latency strip's title line: its title and legend.
    fn strip_legend(summary: &Summary) -> Vec<String> {
        let (log, layout) = drawn_texts(summary);
        let title = layout.strip.title.y + layout.strip.title.h / 2.0;
        log.texts
            .into_iter()
            .filter(|(_, _, y, ..)| *y == title)
            .map(|(t, ..)| t)
            .collect()
    }

    #[test]
    fn the_failed_legend_entry_shows_only_when_a_failed_exemplar_is_drawn() {
        let legend = strip_legend;
        let mut summary = sample::ecosystem(3, 0, 60, 300);
        let e = &summary.exemplars;
        assert!(e.failing.iter().any(|&f| f) && !e.failing.iter().all(|&f| f));
        assert!(legend(&summary).ends_with(&["exemplar".into(), "failed".into()]));
        // None failed: no "failed" entry.
        let none = vec![false; summary.exemplars.len()];
        let failing = std::mem::replace(&mut summary.exemplars.failing, none);
        assert_eq!(
            legend(&summary).last().map(String::as_str),
            Some("exemplar")
        );
        // The failed ones outside the strip's span are not drawn: no entry either.
        summary.exemplars.failing = failing;
        let (t0, t1) = summary.time_range;
        let e = &mut summary.exemplars;
        for i in 0..e.len() {
            if e.failing[i] {
                e.time[i] = t1 + (t1 - t0);
            }
        }
        assert_eq!(
            legend(&summary).last().map(String::as_str),
            Some("exemplar")
        );
    }

    /// The texts drawn inside the latency strip's plot (its axes' labels lie outside), with
    /// their anchor and colour, and the plot's scale.
    fn plot_texts(summary: &Summary) -> (Vec<(String, f32, f32, Colour)>, Scale) {
        let (log, layout) = drawn_texts(summary);
        let plot = layout.plot;
        let texts = log
            .texts
            .into_iter()
            .filter(|(_, x, y, ..)| plot.contains(*x, *y))
            .map(|(t, x, y, _, c)| (t, x, y, c))
            .collect();
        (texts, Scale::of(summary, plot).expect("a latency strip"))
    }

    /// Three samples of a line of `service` at `percentile`.
    fn latency_line(service: &str, percentile: f64, value: [f64; 3]) -> crate::summary::Series {
        crate::summary::Series {
            service: service.to_owned(),
            percentile,
            time: vec![1_000.0, 2_000.0, 3_000.0].into(),
            value: value.to_vec(),
        }
    }

    #[test]
    fn the_slowest_service_of_the_highest_percentile_is_named_at_its_lines_end() {
        let mut summary = sample::ecosystem(3, 0, 10, 0);
        summary.latency = vec![
            latency_line("akosha", 50.0, [0.1, 0.1, 0.1]),
            latency_line("akosha", 99.0, [0.5, 0.5, 2.0]),
            latency_line("mahavishnu", 50.0, [3.0, 3.0, 3.0]),
            latency_line("mahavishnu", 99.0, [0.1, 0.3, 1.5]),
            // Down since its first sample: its 5 s is not its latest.
            latency_line("session-buddy", 99.0, [5.0, f64::NAN, f64::NAN]),
        ];
        summary.percentiles = vec![50.0, 99.0];
        summary.time_range = (1_000.0, 3_000.0);
        summary.latency_max = 5.0;
        let (texts, scale) = plot_texts(&summary);
        // One label, the slowest p99's (not the p50 above it), right-aligned at the plot's
        // right edge just above its last point.
        let [(name, x, y, colour)] = texts.as_slice() else {
            panic!("one text inside the plot: {texts:?}");
        };
        assert_eq!(name, "akosha");
        assert!(
            (scale.plot.right() - 8.0..scale.plot.right()).contains(x),
            "{x}"
        );
        let end = scale.y(2.0);
        assert!((end - 14.0..end).contains(y), "{y} above {end}");
        let bg = Theme::dark().background.luminance();
        assert!(contrast(colour.luminance(), bg) >= 4.5, "{colour:?}");
        // The range ends between two samples: the line's last drawn point is where it
        // leaves the plot, 1.25 s (half way from 0.5 to 2), not its latest sample.
        summary.time_range = (1_000.0, 2_500.0);
        let (texts, scale) = plot_texts(&summary);
        let end = scale.y(1.25);
        assert!(
            texts.len() == 1 && (end - 14.0..end).contains(&texts[0].2),
            "{texts:?} above {end}"
        );
        summary.time_range = (1_000.0, 3_000.0);
        // Near the top, it stays inside the plot.
        summary.latency_max = 2.0;
        let (texts, scale) = plot_texts(&summary);
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(texts[0].2 - SMALL.size / 2.0 >= scale.plot.y, "{texts:?}");
        // The highest one stopped: the one still going is named.
        summary.latency[1].value = vec![2.0, f64::NAN, f64::NAN];
        let (texts, _) = plot_texts(&summary);
        let names: Vec<&str> = texts.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(names, ["mahavishnu"]);
    }

    #[test]
    fn no_line_is_named_for_one_service_and_a_stopped_line_never_is() {
        let mut summary = sample::ecosystem(3, 0, 10, 0);
        summary.latency = vec![
            latency_line("akosha", 50.0, [0.1, 0.1, 0.1]),
            latency_line("akosha", 99.0, [0.5, 0.5, 2.0]),
        ];
        summary.percentiles = vec![50.0, 99.0];
        summary.time_range = (1_000.0, 3_000.0);
        summary.latency_max = 2.0;
        assert_eq!(plot_texts(&summary).0, []);
        // A second service, the slower, whose line stopped long ago: the other is named.
        summary.latency = vec![
            latency_line("akosha", 99.0, [0.5, f64::NAN, f64::NAN]),
            latency_line("mahavishnu", 99.0, [0.1, 0.3, 0.2]),
        ];
        summary.percentiles = vec![99.0];
        let (texts, _) = plot_texts(&summary);
        let names: Vec<&str> = texts.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(names, ["mahavishnu"]);
    }
}
