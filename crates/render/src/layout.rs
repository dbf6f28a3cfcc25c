//! Where everything goes, in CSS pixels: a header line, a tile per service, the tool grid
//! and the pool bars side by side, and the latency strip. Recomputed on resize and on new
//! data only; drawing and hit-testing read it.

use crate::format;
use crate::summary::Summary;

/// A rectangle, CSS pixels, origin top left.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// A rectangle.
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// Whether `(x, y)` is inside (left and top edges included).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && y >= self.y && x < self.x + self.w && y < self.y + self.h
    }

    /// Nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.w <= 0.0 || self.h <= 0.0
    }

    /// Shrunk by `d` on every side.
    pub fn inset(&self, d: f32) -> Rect {
        Rect::new(
            self.x + d,
            self.y + d,
            (self.w - 2.0 * d).max(0.0),
            (self.h - 2.0 * d).max(0.0),
        )
    }

    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

/// How much a tile shows, by its size: ordered from the most shown to the least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Detail {
    /// Name, status, every value and the first reason.
    #[default]
    Full,
    /// Name (less what other services' names share when it does not fit), a service that
    /// is not ok its first reason, then as many values as rows fit; the status word only
    /// where it fits beside the name.
    Compact,
    /// Colour only (hover for the rest).
    Minimal,
}

/// A titled part of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Section {
    /// The title line.
    pub title: Rect,
    /// What is under it; empty when the section is not shown.
    pub body: Rect,
}

/// One service's row of the tool grid, or its rows when its tools wrap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToolRow {
    /// Index into `Summary::tool_groups`.
    pub group: usize,
    /// Where the service's name goes, beside its first row (empty when rows are too thin
    /// for text).
    pub label: Rect,
    /// How much of the service's name other services share, as its tile's
    /// (`Layout::shared_prefix`); 0 when it has no tile.
    pub shared: usize,
}

/// One pool's bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolRow {
    /// Index into `Summary::pools`.
    pub pool: usize,
    /// The whole row (hit area).
    pub row: Rect,
    /// Where `service/pool` goes.
    pub label: Rect,
    /// The bar's full extent (the busiest pool's most active workers over the range fill
    /// it, as the pools' title says).
    pub bar: Rect,
}

/// Positions of everything drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Panel width.
    pub width: f32,
    /// Panel height.
    pub height: f32,
    /// At most this many tiles, the first services' (the panel's "Maximum tiles"); 0, a
    /// tile per service. Set before [`Layout::compute`].
    pub max_tiles: usize,
    /// The counts line.
    pub header: Rect,
    /// A tile per service shown, in `Summary::services` order.
    pub tiles: Vec<Rect>,
    /// Services past `max_tiles`: counted in the header, not drawn.
    pub tiles_hidden: usize,
    /// What the tiles show.
    pub detail: Detail,
    /// Per service (0 past the tiles), how many bytes at the start of its name another
    /// tile's service's name starts with too, in whole segments (`mcp-server-` of
    /// `mcp-server-04` beside `mcp-server-05`): what a tile too narrow for the whole name
    /// leaves out first.
    pub shared_prefix: Vec<usize>,
    /// The tool grid.
    pub tools: Section,
    /// Visible service rows of the grid.
    pub tool_rows: Vec<ToolRow>,
    /// A cell per tool, in `Summary::tools` order; empty rectangles are not shown.
    pub tool_cells: Vec<Rect>,
    /// Services whose tools did not fit.
    pub tool_groups_hidden: usize,
    /// How wide a tool's cell must be to show a typical tool name whole, as the surface
    /// drawn on measures it ([`crate::tool_cell_width`]); set before [`Layout::compute`].
    /// 0: [`TOOL_CELL_W`], what Inter measures.
    pub tool_cell_w: f32,
    /// The pool bars.
    pub pools: Section,
    /// Visible pool rows.
    pub pool_rows: Vec<PoolRow>,
    /// Pools that did not fit.
    pub pools_hidden: usize,
    /// The latency strip.
    pub strip: Section,
    /// Its plot area (inside the axes).
    pub plot: Rect,
}

/// Outer padding.
pub const PAD: f32 = 8.0;
/// Space between parts.
pub const GAP: f32 = 6.0;
/// Height of the header and of section titles.
pub const TITLE_H: f32 = 18.0;
/// A tile's size when there is room.
pub const TILE_W: f32 = 184.0;
/// See [`TILE_W`].
pub const TILE_H: f32 = 104.0;
const TILE_MAX_W: f32 = 340.0;
/// The tallest a tool grid's or pool list's row grows.
const ROW_MAX_H: f32 = 20.0;
/// [`Layout::tool_cell_w`] when not set: a typical tool name in Inter at 11 px, and the
/// cell's padding.
pub const TOOL_CELL_W: f32 = 84.0;
/// Between two services of a tool grid whose tools wrap, more than between the rows of
/// one: each service's rows read as its own.
const SERVICE_GAP: f32 = 4.0;
/// Between two tool cells side by side, when they are wide enough to spare it.
const CELL_GAP: f32 = 2.0;
const TILE_GAP: f32 = 6.0;
/// The zooms a panel is drawn at ([`Layout::compute_zoomed`]), smallest first.
const ZOOMS: [f32; 7] = [1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0];
/// The latency plot's least height at a zoom, CSS pixels at that zoom (or its height
/// unzoomed, when lower): lines flatter than that read as noise.
const ZOOM_PLOT_H: f32 = 80.0;
/// Left margin of the latency plot, for its value labels.
pub const AXIS_W: f32 = 48.0;
/// Bottom margin of the latency plot, for its time labels.
pub const AXIS_H: f32 = 16.0;

impl Layout {
    /// Lays `summary` out on a panel of `width` x `height` CSS pixels, reusing this
    /// layout's buffers.
    pub fn compute(&mut self, summary: &Summary, width: f32, height: f32) {
        self.width = width;
        self.height = height;
        self.tiles.clear();
        self.tool_rows.clear();
        self.tool_cells.clear();
        self.pool_rows.clear();
        self.tools = Section::default();
        self.pools = Section::default();
        self.strip = Section::default();
        self.plot = Rect::default();
        self.tool_groups_hidden = 0;
        self.pools_hidden = 0;

        let inner_w = (width - 2.0 * PAD).max(0.0);
        self.header = Rect::new(PAD, PAD, inner_w, TITLE_H);
        let top = PAD + TITLE_H + GAP;
        let avail = (height - top - PAD).max(0.0);

        let has_mid = !summary.tools.is_empty() || !summary.pools.is_empty();
        let has_strip = !summary.latency.is_empty() || !summary.exemplars.is_empty();
        let all = summary.services.len();
        let n = if self.max_tiles > 0 {
            all.min(self.max_tiles)
        } else {
            all
        };
        self.tiles_hidden = all - n;
        let per_row = (((inner_w + TILE_GAP) / (TILE_W + TILE_GAP)).floor() as usize).max(1);
        let rows = n.div_ceil(per_row).max(1) as f32;
        let want = rows * TILE_H + (rows - 1.0) * TILE_GAP;
        let others = [(has_mid, 120.0), (has_strip, 110.0)]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, h)| h + GAP)
            .sum::<f32>();
        let tiles_h = if others == 0.0 {
            avail
        } else {
            want.min((avail - others).max(avail * 0.4))
        };
        let tiles_area = Rect::new(PAD, top, inner_w, tiles_h);
        self.detail = grid(&mut self.tiles, tiles_area, n);
        self.shared_prefixes(summary);
        let used = self.tiles.iter().map(|t| t.bottom()).fold(top, f32::max);

        let rest = Rect::new(
            PAD,
            used + GAP,
            inner_w,
            (top + avail - used - GAP).max(0.0),
        );
        let (mid, strip) = match (has_mid, has_strip) {
            (true, true) => {
                // The tools and pools take at most what their rows fill at their tallest,
                // the latency strip the rest: a few services' rows leave it room to read.
                let rows = summary.tool_groups.len().max(summary.pools.len()) as f32;
                let mid_h = (rest.h * 0.55).min(TITLE_H + rows * ROW_MAX_H).round();
                (
                    Rect::new(rest.x, rest.y, rest.w, mid_h),
                    Rect::new(rest.x, rest.y + mid_h + GAP, rest.w, rest.h - mid_h - GAP),
                )
            }
            (true, false) => (rest, Rect::default()),
            (false, true) => (Rect::default(), rest),
            (false, false) => (Rect::default(), Rect::default()),
        };
        if has_mid {
            let (tools, pools) = match (summary.tools.is_empty(), summary.pools.is_empty()) {
                (false, false) => {
                    let tw = ((mid.w - GAP) * 0.6).round();
                    (
                        Rect::new(mid.x, mid.y, tw, mid.h),
                        Rect::new(mid.x + tw + GAP, mid.y, mid.w - tw - GAP, mid.h),
                    )
                }
                (false, true) => (mid, Rect::default()),
                _ => (Rect::default(), mid),
            };
            self.tools = section(tools);
            self.pools = section(pools);
            self.tool_grid(summary);
            self.pool_bars(summary);
        }
        if has_strip {
            self.strip = section(strip);
            let b = self.strip.body;
            self.plot = Rect::new(
                b.x + AXIS_W,
                b.y + 4.0,
                (b.w - AXIS_W - 8.0).max(0.0),
                (b.h - AXIS_H - 4.0).max(0.0),
            );
        }
    }

    /// Lays `summary` out on a panel of `width` x `height` CSS pixels as
    /// [`Layout::compute`] does, at `width / z` x `height / z` for the largest `z` of
    /// `ZOOMS` (1 to 3) that shows all that `z = 1` shows: the panel is then drawn `z`
    /// times as large. Returns `z`.
    pub fn compute_zoomed(&mut self, summary: &Summary, width: f32, height: f32) -> f32 {
        self.compute(summary, width, height);
        let unzoomed = Shown::of(self);
        if !unzoomed.roomy() {
            // A crowded panel has no room to zoom into: laid out once, not once a zoom, at
            // every new data (fifty services' layout is most of a hand-over's).
            return 1.0;
        }
        for &z in ZOOMS[1..].iter().rev() {
            self.compute(summary, width / z, height / z);
            if Shown::of(self).keeps(&unzoomed) {
                return z;
            }
        }
        self.compute(summary, width, height);
        1.0
    }

    /// How wide a tool's cell must be to show a typical tool name whole.
    fn name_cell_w(&self) -> f32 {
        if self.tool_cell_w > 0.0 {
            self.tool_cell_w
        } else {
            TOOL_CELL_W
        }
    }

    /// Every pair of names compared (sorting them would cost the module more code than
    /// the comparisons cost time, on new data only).
    fn shared_prefixes(&mut self, summary: &Summary) {
        self.shared_prefix.clear();
        self.shared_prefix.resize(summary.services.len(), 0);
        // The services with a tile: a name is shortened only beside the names shown.
        let services = &summary.services[..self.tiles.len().min(summary.services.len())];
        for (i, a) in services.iter().enumerate() {
            for (j, b) in services.iter().enumerate().skip(i + 1) {
                let shared = segment_prefix(&a.name, &b.name);
                for (k, name) in [(i, &a.name), (j, &b.name)] {
                    // A name that is all prefix (`mcp-` beside `mcp-x`) keeps itself whole.
                    if shared < name.len() {
                        self.shared_prefix[k] = self.shared_prefix[k].max(shared);
                    }
                }
            }
        }
    }

    /// A row per service, in as few side-by-side columns as keep rows tall enough to
    /// read (12 px) and cells wide enough to see (12 px). When every service has its row
    /// at its tallest and rows to spare, a service's tools wrap onto rows of their own
    /// under it, for cells as wide as a typical tool name where the rows fit (as wide as
    /// they can otherwise).
    fn tool_grid(&mut self, summary: &Summary) {
        self.tool_cells.resize(summary.tools.len(), Rect::default());
        let body = self.tools.body;
        let groups = summary.tool_groups.len();
        if body.is_empty() || groups == 0 {
            self.tool_groups_hidden = groups;
            return;
        }
        let widest = summary
            .tool_groups
            .iter()
            .map(|g| g.end - g.start)
            .max()
            .unwrap_or(1)
            .max(1);
        let name_w = self.name_cell_w();
        let shape = |k: usize| {
            let per_col = groups.div_ceil(k);
            let row_h = (body.h / per_col as f32).clamp(4.0, ROW_MAX_H).floor();
            let col_w = (body.w - (k - 1) as f32 * GAP * 2.0) / k as f32;
            let label_w = if row_h >= 10.0 {
                (col_w * 0.3).min(130.0)
            } else {
                0.0
            };
            let cell_w = ((col_w - label_w) / widest as f32).min(96f32.max(name_w + CELL_GAP));
            (row_h, col_w, label_w, cell_w)
        };
        // The fewest columns whose rows are tall enough to read; when none are, the
        // columns with the tallest rows (one column of rows 4 px thin read as one block).
        let k = (1..=4)
            .find(|&k| {
                let (row_h, _, _, cell_w) = shape(k);
                row_h >= 12.0 && cell_w >= 12.0
            })
            .or_else(|| {
                (1..=4)
                    .filter(|&k| shape(k).3 >= 12.0)
                    .max_by(|&a, &b| shape(a).0.total_cmp(&shape(b).0).then(b.cmp(&a)))
            })
            .unwrap_or(1);
        let (row_h, col_w, label_w, cell_w) = shape(k);
        let per_col = ((body.h / row_h).floor() as usize).max(1);
        let visible = (per_col * k).min(groups);
        self.tool_groups_hidden = groups - visible;
        // Rows never touch, so that each reads as its own.
        let row_gap = if row_h >= 8.0 { 2.0 } else { 1.0 };
        let cells_w = col_w - label_w;
        let mut wrap = WrapGrid {
            body,
            columns: k,
            col_w,
            row_h,
            service_gap: SERVICE_GAP,
        };
        // Wrapped: the most cells a row that keep names whole (a cell's width less the
        // gap after it), or else the fewest more with which every service still fits;
        // services apart when that fits too.
        let per_row = (visible == groups && row_h >= ROW_MAX_H && cell_w - CELL_GAP < name_w)
            .then(|| {
                let most = ((cells_w / (name_w + CELL_GAP)).floor() as usize).max(1);
                (most..widest).find_map(|n| {
                    [SERVICE_GAP, 0.0].into_iter().find_map(|service_gap| {
                        wrap.service_gap = service_gap;
                        (wrap.fits(summary, n) == groups).then_some((n, service_gap))
                    })
                })
            })
            .flatten();
        let (per_row, cell_w) = match per_row {
            Some((n, service_gap)) => {
                wrap.service_gap = service_gap;
                (n, cells_w / n as f32)
            }
            None => (widest, cell_w),
        };
        let gap = if cell_w >= 8.0 { CELL_GAP } else { 0.0 };
        let mut place = |r: usize, x: f32, y: f32| {
            let g = &summary.tool_groups[r];
            let shared = summary
                .services
                .iter()
                .position(|s| s.name == g.service)
                .and_then(|i| self.shared_prefix.get(i).copied())
                .unwrap_or(0);
            self.tool_rows.push(ToolRow {
                group: r,
                label: Rect::new(x, y, label_w, row_h - row_gap),
                shared,
            });
            for (c, t) in (g.start..g.end).enumerate() {
                self.tool_cells[t] = Rect::new(
                    x + label_w + (c % per_row) as f32 * cell_w,
                    y + (c / per_row) as f32 * row_h,
                    (cell_w - gap).max(1.0),
                    row_h - row_gap,
                );
            }
        };
        if per_row < widest {
            wrap.place(summary, per_row, &mut place);
        } else {
            for r in 0..visible {
                let x = body.x + (r / per_col) as f32 * (col_w + GAP * 2.0);
                let y = body.y + (r % per_col) as f32 * row_h;
                place(r, x, y);
            }
        }
    }

    fn pool_bars(&mut self, summary: &Summary) {
        let body = self.pools.body;
        let n = summary.pools.len();
        if body.is_empty() || n == 0 {
            self.pools_hidden = n;
            return;
        }
        let row_h = (body.h / n as f32).clamp(12.0, ROW_MAX_H).floor();
        let visible = ((body.h / row_h).floor() as usize).min(n);
        self.pools_hidden = n - visible;
        let label_w = (body.w * 0.42).min(170.0);
        let value_w = 34.0;
        for p in 0..visible {
            let y = body.y + p as f32 * row_h;
            let row = Rect::new(body.x, y, body.w, row_h - 2.0);
            self.pool_rows.push(PoolRow {
                pool: p,
                row,
                label: Rect::new(body.x, y, label_w, row_h - 2.0),
                bar: Rect::new(
                    body.x + label_w,
                    y + 2.0,
                    (body.w - label_w - value_w).max(0.0),
                    (row_h - 6.0).max(2.0),
                ),
            });
        }
    }
}

/// What a layout shows, to compare a zoom's with the panel's unzoomed.
struct Shown {
    detail: Detail,
    /// The smallest tile's width and height.
    tile: (f32, f32),
    hidden: [usize; 3],
    /// Tools' and services' names in the tool grid.
    names: usize,
    /// The narrowest cell with a tool's name, and how wide a typical name needs.
    name_cell: (f32, f32),
    plot_h: f32,
}

impl Shown {
    fn of(l: &Layout) -> Shown {
        let tile = l
            .tiles
            .iter()
            .fold((f32::MAX, f32::MAX), |(w, h), t| (w.min(t.w), h.min(t.h)));
        let named = l.tool_cells.iter().filter(|c| shows_tool_name(c));
        let narrowest = named.clone().fold(f32::MAX, |w, c| w.min(c.w));
        let named = named.count();
        let labelled = l.tool_rows.iter().filter(|r| !r.label.is_empty()).count();
        Shown {
            detail: l.detail,
            tile,
            hidden: [l.tiles_hidden, l.tool_groups_hidden, l.pools_hidden],
            names: named + labelled,
            name_cell: (narrowest, l.name_cell_w()),
            plot_h: l.plot.h,
        }
    }

    /// Whether every tile is at its ideal size or larger, with every value, and nothing
    /// is hidden.
    fn roomy(&self) -> bool {
        self.detail == Detail::Full
            && self.tile.0 >= TILE_W
            && self.tile.1 >= TILE_H
            && self.hidden == [0; 3]
    }

    /// Whether this shows all that `unzoomed` does: as much in each tile, tiles no smaller
    /// than their ideal size unless they were, nothing more hidden, every name still
    /// drawn, tool names cut no shorter than they were (their cells no narrower than a
    /// typical name needs, unless they were), and a plot tall enough to read.
    fn keeps(&self, unzoomed: &Shown) -> bool {
        self.detail <= unzoomed.detail
            && self.tile.0 >= unzoomed.tile.0.min(TILE_W)
            && self.tile.1 >= unzoomed.tile.1.min(TILE_H)
            && self
                .hidden
                .iter()
                .zip(&unzoomed.hidden)
                .all(|(z, u)| z <= u)
            && self.names >= unzoomed.names
            && self.name_cell.0 >= unzoomed.name_cell.0.min(unzoomed.name_cell.1)
            && self.plot_h >= unzoomed.plot_h.min(ZOOM_PLOT_H)
    }
}

/// Whether a tool's cell is large enough for its name.
pub(crate) fn shows_tool_name(cell: &Rect) -> bool {
    cell.w >= 40.0 && cell.h >= 14.0
}

/// The tool grid's columns when a service's tools wrap onto several rows.
struct WrapGrid {
    body: Rect,
    columns: usize,
    col_w: f32,
    row_h: f32,
    /// Between a column's services, over the rows' own gap.
    service_gap: f32,
}

impl WrapGrid {
    /// How many services fit, `per_row` tools a row.
    fn fits(&self, summary: &Summary, per_row: usize) -> usize {
        self.place(summary, per_row, |_, _, _| {})
    }

    /// Places the services in reading order, top to bottom then column after column, a
    /// service's rows together in one column: `place(group, x, y)` with its first row's
    /// left and top, for each that fits. Returns how many did.
    fn place(
        &self,
        summary: &Summary,
        per_row: usize,
        mut place: impl FnMut(usize, f32, f32),
    ) -> usize {
        let (mut column, mut y) = (0, self.body.y);
        for (r, g) in summary.tool_groups.iter().enumerate() {
            let h = (g.end - g.start).div_ceil(per_row).max(1) as f32 * self.row_h;
            let mut top = if y > self.body.y {
                y + self.service_gap
            } else {
                y
            };
            if top + h > self.body.bottom() {
                column += 1;
                top = self.body.y;
                if column == self.columns || top + h > self.body.bottom() {
                    return r;
                }
            }
            place(
                r,
                self.body.x + column as f32 * (self.col_w + GAP * 2.0),
                top,
            );
            y = top + h;
        }
        summary.tool_groups.len()
    }
}

/// Whether `b` separates the segments of a service name (`mcp-server-04`, `mcp.tools`).
pub fn is_name_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b' ')
}

/// The bytes `a` and `b` share at their start, up to and including the last separator
/// among them: whole segments only.
fn segment_prefix(a: &str, b: &str) -> usize {
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    a.as_bytes()[..common]
        .iter()
        .rposition(|&c| is_name_separator(c))
        .map_or(0, |i| i + 1)
}

fn section(r: Rect) -> Section {
    if r.is_empty() {
        return Section::default();
    }
    Section {
        title: Rect::new(r.x, r.y, r.w, TITLE_H),
        body: Rect::new(r.x, r.y + TITLE_H, r.w, (r.h - TITLE_H).max(0.0)),
    }
}

/// Puts `n` tiles in `area`: the column count whose tiles come closest to the ideal size
/// (the smaller of the width and height ratios, so that no tile is much too narrow or
/// too flat), then what those tiles can show.
fn grid(out: &mut Vec<Rect>, area: Rect, n: usize) -> Detail {
    if n == 0 || area.is_empty() {
        return Detail::Full;
    }
    let size = |cols: usize| {
        let rows = n.div_ceil(cols) as f32;
        let cols = cols as f32;
        let w = ((area.w - (cols - 1.0) * TILE_GAP) / cols).min(TILE_MAX_W);
        let h = ((area.h - (rows - 1.0) * TILE_GAP) / rows).min(TILE_H);
        (w, h)
    };
    let score = |(w, h): (f32, f32)| (w / TILE_W).min(h / TILE_H);
    let best = (1..=n)
        .max_by(|&a, &b| score(size(a)).total_cmp(&score(size(b))).then(b.cmp(&a)))
        .unwrap_or(1);
    let (w, h) = size(best);
    let (w, h) = (w.floor().max(1.0), h.floor().max(1.0));
    for i in 0..n {
        let (r, c) = (i / best, i % best);
        out.push(Rect::new(
            area.x + c as f32 * (w + TILE_GAP),
            area.y + r as f32 * (h + TILE_GAP),
            w,
            h,
        ));
    }
    if w >= 150.0 && h >= 88.0 {
        Detail::Full
    } else if w >= 70.0 && h >= 30.0 {
        Detail::Compact
    } else {
        Detail::Minimal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn overlaps(a: &Rect, b: &Rect) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
    }

    fn inside(outer: &Rect, r: &Rect) -> bool {
        r.x >= outer.x - 0.01
            && r.y >= outer.y - 0.01
            && r.right() <= outer.right() + 0.01
            && r.bottom() <= outer.bottom() + 0.01
    }

    #[test]
    fn fifty_services_fit_a_wall_display_with_full_tiles_and_nothing_overlaps() {
        let s = sample::ecosystem(50, 10, 2_000, 10_000);
        let mut l = Layout::default();
        l.compute(&s, 1920.0, 1080.0);
        assert_eq!(l.tiles.len(), 50);
        assert_eq!(l.detail, Detail::Full);
        let panel = Rect::new(0.0, 0.0, 1920.0, 1080.0);
        for (i, a) in l.tiles.iter().enumerate() {
            assert!(inside(&panel, a), "tile {i} {a:?}");
            for b in &l.tiles[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} {b:?}");
            }
            for part in [l.tools.body, l.pools.body, l.strip.body] {
                assert!(!overlaps(a, &part), "tile {i} over {part:?}");
            }
        }
        assert!(!overlaps(&l.tools.body, &l.pools.body));
        assert!(!overlaps(&l.tools.body, &l.strip.body));
        assert!(l.plot.w > 1500.0 && l.plot.h > 80.0, "{:?}", l.plot);
        for cell in l.tool_cells.iter().filter(|c| !c.is_empty()) {
            assert!(inside(&l.tools.body, cell), "{cell:?}");
        }
        for row in &l.pool_rows {
            assert!(inside(&l.pools.body, &row.bar));
        }
    }

    #[test]
    fn a_few_services_leave_the_latency_strip_what_their_rows_do_not_fill() {
        // Three services, their tools and six pools: rows at their tallest fill 120 px.
        let s = sample::ecosystem(3, 4, 100, 50);
        let mut l = Layout::default();
        l.compute(&s, 1400.0, 600.0);
        let rows = s.tool_groups.len().max(s.pools.len()) as f32;
        assert_eq!(l.tools.body.h, rows * ROW_MAX_H, "{:?}", l.tools);
        assert_eq!(l.pools.body.h, rows * ROW_MAX_H, "{:?}", l.pools);
        assert_eq!((l.tool_groups_hidden, l.pools_hidden), (0, 0));
        assert_eq!(l.strip.body.bottom(), 600.0 - PAD, "{:?}", l.strip);
        assert!(l.plot.h >= 250.0, "{:?}", l.plot);
    }

    #[test]
    fn small_panels_drop_detail_before_dropping_tiles() {
        let s = sample::ecosystem(50, 10, 100, 100);
        let mut l = Layout::default();
        l.compute(&s, 600.0, 400.0);
        assert_eq!(l.tiles.len(), 50, "every service keeps a tile");
        assert_eq!(l.detail, Detail::Minimal);
        assert!(l.tool_groups_hidden > 0 || l.tool_rows.len() == 50);
        assert_eq!(l.pool_rows.len() + l.pools_hidden, s.pools.len());

        let small = sample::ecosystem(3, 4, 100, 50);
        l.compute(&small, 900.0, 500.0);
        assert_eq!(l.detail, Detail::Full);
        assert_eq!(l.tool_groups_hidden, 0);
        assert!(l.tool_cells.iter().all(|c| !c.is_empty()));
    }

    #[test]
    fn many_services_in_a_low_tool_grid_get_columns_of_rows_that_do_not_touch() {
        // The 50-services screenshot's shape: one tool on most services, a grid 100 px high.
        let s = sample::ecosystem(50, 1, 100, 0);
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 600.0);
        assert!(l.tools.body.h < 130.0, "{:?}", l.tools.body);
        let mut columns: Vec<f32> = l.tool_rows.iter().map(|r| r.label.x).collect();
        columns.dedup();
        assert!(
            columns.len() > 1,
            "the rows are set in columns: {columns:?}"
        );
        let cells: Vec<Rect> = l
            .tool_cells
            .iter()
            .copied()
            .filter(|c| !c.is_empty())
            .collect();
        assert!(
            cells.iter().all(|c| c.h >= 6.0),
            "rows at least 6 px: {:?}",
            cells[0]
        );
        for (a, b) in cells.iter().zip(&cells[1..]) {
            if a.x == b.x && b.y > a.y {
                assert!(b.y > a.bottom(), "rows touch: {a:?} {b:?}");
            }
        }
    }

    /// Every shown cell inside the grid's body, none over another or over a service's name.
    fn cells_apart(l: &Layout) {
        let cells: Vec<&Rect> = l.tool_cells.iter().filter(|c| !c.is_empty()).collect();
        for (i, a) in cells.iter().enumerate() {
            assert!(inside(&l.tools.body, a), "{a:?} outside {:?}", l.tools.body);
            for b in &cells[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} {b:?}");
            }
            for row in &l.tool_rows {
                assert!(!overlaps(a, &row.label), "{a:?} over {:?}", row.label);
            }
        }
    }

    /// The rows (distinct tops) each service's shown cells take.
    fn rows_per_service(l: &Layout, s: &Summary) -> Vec<usize> {
        l.tool_rows
            .iter()
            .map(|row| {
                let g = &s.tool_groups[row.group];
                let mut tops: Vec<f32> = l.tool_cells[g.start..g.end].iter().map(|c| c.y).collect();
                tops.dedup();
                tops.len()
            })
            .collect()
    }

    #[test]
    fn a_roomy_tool_grid_wraps_each_services_tools_into_cells_wide_enough_for_names() {
        // Three services of ten tools and nothing else under the tiles: one row each left
        // cells of 65 px ("start_s…") over 300 px of empty body.
        let mut s = sample::ecosystem(3, 10, 0, 0);
        s.pools.clear();
        let mut l = Layout::default();
        l.compute(&s, 800.0, 600.0);
        assert!(l.tools.body.h > 300.0, "{:?}", l.tools.body);
        assert_eq!(l.tool_groups_hidden, 0);
        assert!(
            l.tool_cells.iter().all(|c| c.w >= TOOL_CELL_W),
            "{:?}",
            l.tool_cells[0]
        );
        let rows = rows_per_service(&l, &s);
        assert!(rows.iter().all(|&r| r > 1), "{rows:?}");
        cells_apart(&l);
        // In reading order: a service's tools left to right, row after row, and each
        // service under the one before, its name beside its first row.
        for row in &l.tool_rows {
            let g = &s.tool_groups[row.group];
            let cells = &l.tool_cells[g.start..g.end];
            assert_eq!(row.label.y, cells[0].y);
            for (a, b) in cells.iter().zip(&cells[1..]) {
                assert!(b.y > a.y || (b.y == a.y && b.x > a.x), "{a:?} then {b:?}");
            }
        }
        for (a, b) in l.tool_rows.iter().zip(&l.tool_rows[1..]) {
            let above = &l.tool_cells[s.tool_groups[a.group].start..s.tool_groups[a.group].end];
            let last = above.iter().map(|c| c.bottom()).fold(0.0, f32::max);
            // Further apart than one service's rows.
            assert!(b.label.y - last > 2.0, "{a:?} {b:?}");
        }

        // A surface that measures names wider asks for wider cells.
        l.tool_cell_w = 120.0;
        l.compute(&s, 800.0, 600.0);
        assert!(
            l.tool_cells.iter().all(|c| c.w >= 120.0),
            "{:?}",
            l.tool_cells[0]
        );
        cells_apart(&l);
    }

    #[test]
    fn a_crowded_tool_grid_is_laid_out_as_one_row_per_service() {
        // Fifty services of ten tools in 113 px: rows 8 px high in three columns, cells
        // 15 px wide, as before wrapping (figures of that layout).
        let s = sample::ecosystem(50, 10, 100, 100);
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 800.0);
        assert_eq!(l.tools.body, Rect::new(8.0, 572.0, 707.0, 113.0));
        assert_eq!((l.tool_rows.len(), l.tool_groups_hidden), (50, 0));
        assert!(rows_per_service(&l, &s).iter().all(|&r| r == 1));
        assert!(l.tool_rows.iter().all(|r| r.label.is_empty()));
        assert_eq!(l.tool_cells[0], Rect::new(8.0, 572.0, 14.775, 6.0));
        assert_eq!(l.tool_cells[10], Rect::new(8.0, 580.0, 14.775, 6.0));
        assert_eq!(l.tool_cells[499], Rect::new(698.225, 628.0, 14.775, 6.0));
        cells_apart(&l);
        // On a wall display: one column of rows 14 px apart, names beside them.
        let s = sample::ecosystem(50, 10, 100, 2_000);
        l.compute(&s, 1920.0, 1080.0);
        assert_eq!(l.tools.body, Rect::new(8.0, 600.0, 1139.0, 252.0));
        assert_eq!((l.tool_rows.len(), l.tool_groups_hidden), (50, 0));
        assert_eq!(l.tool_rows[0].label, Rect::new(8.0, 600.0, 111.5, 12.0));
        assert_eq!(l.tool_cells[0], Rect::new(119.5, 600.0, 24.016666, 12.0));
        assert_eq!(l.tool_cells[10], Rect::new(119.5, 614.0, 24.016666, 12.0));
        assert_eq!(
            l.tool_cells[499],
            Rect::new(1120.9833, 782.0, 24.016666, 12.0)
        );
        cells_apart(&l);
    }

    #[test]
    fn wrapping_never_shows_fewer_services_and_keeps_every_cell_apart() {
        for (services, tools, w, h) in [
            (3, 10, 1000.0, 560.0),
            (8, 10, 1000.0, 700.0),
            (12, 7, 700.0, 900.0),
            (20, 3, 500.0, 900.0),
            (50, 10, 600.0, 400.0),
            (2, 40, 900.0, 700.0),
        ] {
            let s = sample::ecosystem(services, tools, 100, 100);
            let mut l = Layout::default();
            l.compute(&s, w, h);
            let wrapped = (l.tool_rows.len(), l.tool_groups_hidden);
            cells_apart(&l);
            // The names measured narrower than any cell: a row per service, as before.
            l.tool_cell_w = 1.0;
            l.compute(&s, w, h);
            let one_row = (l.tool_rows.len(), l.tool_groups_hidden);
            assert!(rows_per_service(&l, &s).iter().all(|&r| r == 1));
            assert!(
                wrapped.0 >= one_row.0,
                "{services} x {tools}: {wrapped:?} {one_row:?}"
            );
            assert_eq!(wrapped.0 + wrapped.1, s.tool_groups.len());
        }
    }

    #[test]
    fn a_summary_alone_takes_the_whole_panel() {
        let mut s = sample::ecosystem(4, 0, 0, 0);
        s.pools.clear();
        let mut l = Layout::default();
        l.compute(&s, 800.0, 300.0);
        assert!(l.tools.body.is_empty() && l.pools.body.is_empty() && l.plot.is_empty());
        assert_eq!(l.tiles.len(), 4);
        assert_eq!(l.tiles[0].h, TILE_H, "tiles keep their ideal height");
    }

    #[test]
    fn names_leave_out_only_whole_segments_another_service_shares() {
        let mut s = sample::ecosystem(6, 0, 0, 0);
        let names = [
            "mahavishnu",
            "mcp-server-04",
            "mcp-server-05",
            "mcp-serverless",
            "mcp-",
            "session-buddy",
        ];
        for (svc, name) in s.services.iter_mut().zip(names) {
            svc.name = name.to_string();
        }
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 600.0);
        let kept: Vec<&str> = s
            .services
            .iter()
            .zip(&l.shared_prefix)
            .map(|(svc, &n)| &svc.name[n..])
            .collect();
        // `mcp-serverless` shares `mcp-server` but not a whole segment of it past `mcp-`;
        // `mcp-` is all shared and keeps itself.
        assert_eq!(
            kept,
            [
                "mahavishnu",
                "04",
                "05",
                "serverless",
                "mcp-",
                "session-buddy"
            ]
        );
    }

    #[test]
    fn fifty_services_on_a_wall_display_are_drawn_unzoomed() {
        let s = sample::ecosystem(50, 10, 2_000, 10_000);
        let mut zoomed = Layout::default();
        assert_eq!(zoomed.compute_zoomed(&s, 1920.0, 1080.0), 1.0);
        let mut l = Layout::default();
        l.compute(&s, 1920.0, 1080.0);
        assert_eq!(zoomed, l);
    }

    #[test]
    fn a_few_services_on_a_wall_display_are_drawn_larger_and_lose_nothing() {
        for services in 3..=5 {
            let s = sample::ecosystem(services, 8, 300, 50);
            let mut l = Layout::default();
            l.compute(&s, 1920.0, 1080.0);
            let (tools, pools) = (l.tool_rows.len(), l.pool_rows.len());
            let z = l.compute_zoomed(&s, 1920.0, 1080.0);
            assert!(z >= 1.75, "{services} services: {z}");
            assert_eq!((l.width, l.height), (1920.0 / z, 1080.0 / z));
            assert_eq!(l.detail, Detail::Full);
            assert!(l.tiles.iter().all(|t| t.w >= TILE_W && t.h >= TILE_H));
            assert_eq!((l.tool_rows.len(), l.pool_rows.len()), (tools, pools));
            assert_eq!((l.tool_groups_hidden, l.pools_hidden), (0, 0));
            let named = l.tool_cells.iter().filter(|c| shows_tool_name(c)).count();
            assert_eq!(named, s.tools.len(), "{services} services");
            assert!(l.plot.h >= ZOOM_PLOT_H, "{services} services: {:?}", l.plot);
        }
    }

    #[test]
    fn tool_names_are_not_cut_shorter_for_a_zoom() {
        // The simulator's three services at 1000 x 520: 1.25 kept every cell but cut the
        // names ("quali…" for "quality_score").
        let s = sample::ecosystem(3, 8, 300, 50);
        let mut l = Layout::default();
        l.compute(&s, 1000.0, 520.0);
        let narrowest = |l: &Layout| {
            l.tool_cells
                .iter()
                .filter(|c| shows_tool_name(c))
                .fold(f32::MAX, |w, c| w.min(c.w))
        };
        let unzoomed = narrowest(&l);
        let z = l.compute_zoomed(&s, 1000.0, 520.0);
        assert!(
            narrowest(&l) >= unzoomed.min(TOOL_CELL_W),
            "zoom {z}: cells {} against {unzoomed}",
            narrowest(&l)
        );
    }

    #[test]
    fn the_simulators_three_services_on_a_1000_x_460_panel_are_drawn_unzoomed() {
        // At 1.25 the latency plot would be 54 px high; larger zooms hide pools too.
        let s = sample::ecosystem(3, 8, 300, 50);
        let mut l = Layout::default();
        assert_eq!(l.compute_zoomed(&s, 1000.0, 460.0), 1.0);
        assert_eq!((l.width, l.height), (1000.0, 460.0));
    }

    #[test]
    fn the_zoom_follows_the_content() {
        let mut l = Layout::default();
        let few = sample::ecosystem(4, 8, 300, 50);
        let many = sample::ecosystem(50, 10, 300, 50);
        let z = l.compute_zoomed(&few, 1920.0, 1080.0);
        assert!(z > 1.0, "{z}");
        assert_eq!(l.compute_zoomed(&many, 1920.0, 1080.0), 1.0);
        assert_eq!(l.compute_zoomed(&few, 1920.0, 1080.0), z);
        // A panel too small for the content at all is drawn as it is.
        assert_eq!(l.compute_zoomed(&few, 360.0, 200.0), 1.0);
    }

    #[test]
    fn relayout_reuses_its_buffers() {
        let s = sample::ecosystem(50, 10, 100, 100);
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 800.0);
        let (a, b) = (l.tiles.as_ptr(), l.tool_cells.as_ptr());
        l.compute(&s, 1000.0, 700.0);
        assert_eq!((l.tiles.as_ptr(), l.tool_cells.as_ptr()), (a, b));
    }
}

/// Maps the latency strip's data to its plot: time (ms) to x, seconds to y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The plot.
    pub plot: Rect,
    /// First time shown, ms.
    pub t0: f64,
    /// Last time shown, ms.
    pub t1: f64,
    /// Value at the top edge, seconds.
    pub top: f64,
}

impl Scale {
    /// The scale of `summary`'s latency data on `plot`, over its `time_range` (the
    /// dashboard's, or the data's); `None` without data.
    pub fn of(summary: &Summary, plot: Rect) -> Option<Scale> {
        let (t0, t1) = summary.time_range;
        let no_data = summary.latency.is_empty() && summary.exemplars.is_empty();
        if no_data || plot.is_empty() || t0.is_nan() || t1.is_nan() || t1 < t0 {
            return None;
        }
        let t1 = if t1 > t0 { t1 } else { t0 + 1.0 };
        let top = nice_top(summary.latency_max * 1.05);
        Some(Scale { plot, t0, t1, top })
    }

    /// x of time `t`.
    pub fn x(&self, t: f64) -> f32 {
        self.plot.x + ((t - self.t0) / (self.t1 - self.t0)) as f32 * self.plot.w
    }

    /// Whether time `t` is shown: samples and exemplars outside are clipped.
    pub fn shows(&self, t: f64) -> bool {
        crate::summary::in_span((self.t0, self.t1), t)
    }

    /// The time at `x`: the inverse of [`Scale::x`].
    pub fn time(&self, x: f32) -> f64 {
        self.t0 + f64::from((x - self.plot.x) / self.plot.w) * (self.t1 - self.t0)
    }

    /// y of value `v`, clamped to the plot.
    pub fn y(&self, v: f64) -> f32 {
        let f = (v / self.top).clamp(0.0, 1.0) as f32;
        self.plot.bottom() - f * self.plot.h
    }
}

/// The round number at or above `v` (1, 2 or 5 times a power of ten); 1 for nothing.
pub fn nice_top(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = format::pow10(v.log10().floor() as i32);
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&c| c >= v * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod scale_tests {
    use super::*;
    use crate::sample::{self, START_MS};

    const MINUTE: f64 = 60_000.0;

    #[test]
    fn the_strip_spans_the_dashboards_time_range_not_its_data() {
        // An hour of data from START_MS; the dashboard asks for 30 to 80 minutes in: the
        // series stopped 20 minutes before the range's end.
        let (from, to) = (START_MS + 30.0 * MINUTE, START_MS + 80.0 * MINUTE);
        let mut frames = sample::frames(3, 0, 600, 300);
        frames.time_range(from, to);
        let s = Summary::from_frames(frames).unwrap();
        assert_eq!(s.time_range, (from, to));
        let mut l = Layout::default();
        l.compute(&s, 1000.0, 500.0);
        let sc = Scale::of(&s, l.plot).unwrap();
        assert_eq!((sc.t0, sc.t1), (from, to));
        assert_eq!(sc.x(from), l.plot.x);
        // The last sample three fifths of the way: the right two fifths are empty.
        let last = *s.latency[0].time.last().unwrap();
        let at = (sc.x(last) - l.plot.x) / l.plot.w;
        assert!((at - 0.6).abs() < 0.01, "{at}");
        assert!(!sc.shows(START_MS) && sc.shows(last) && !sc.shows(to + 1.0));
        // The top is the highest latency inside the range (service 0's spike, at 62 % of
        // the hour, is in it; the samples before 30 minutes are not looked at).
        let inside = |t: f64| t >= from && t <= to;
        let max_inside = s
            .latency
            .iter()
            .flat_map(|l| l.time.iter().zip(&l.value))
            .filter(|(t, v)| inside(**t) && v.is_finite())
            .map(|(_, v)| *v)
            .chain(
                s.exemplars
                    .time
                    .iter()
                    .zip(&s.exemplars.value)
                    .filter(|(t, _)| inside(**t))
                    .map(|(_, v)| *v),
            )
            .fold(0.0, f64::max);
        assert_eq!(s.latency_max, max_inside);

        // Without a range, or with an empty one, the strip spans its data.
        for range in [None, Some((to, from)), Some((f64::NAN, to))] {
            let mut frames = sample::frames(3, 0, 600, 0);
            frames.range = range;
            let s = Summary::from_frames(frames).unwrap();
            assert_eq!(s.time_range.0, START_MS, "{range:?}");
            assert_eq!(s.time_range.1, last, "{range:?}");
        }
    }

    #[test]
    fn tops_are_round_and_the_scale_maps_ends_to_edges() {
        assert_eq!(nice_top(0.42), 0.5);
        assert_eq!(nice_top(0.5), 0.5);
        assert_eq!(nice_top(1.3), 2.0);
        assert_eq!(nice_top(7.0), 10.0);
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(f64::NAN), 1.0);
        let s = Summary {
            exemplars: crate::summary::Exemplars {
                time: vec![1000.0],
                ..Default::default()
            },
            time_range: (1000.0, 2000.0),
            latency_max: 0.9,
            ..Summary::default()
        };
        let sc = Scale::of(&s, Rect::new(10.0, 20.0, 100.0, 50.0)).unwrap();
        assert_eq!(sc.top, 1.0);
        assert_eq!(sc.x(1000.0), 10.0);
        assert_eq!(sc.x(2000.0), 110.0);
        assert_eq!(sc.y(0.0), 70.0);
        assert_eq!(sc.y(1.0), 20.0);
        assert_eq!(sc.y(5.0), 20.0, "clamped");
        assert!(Scale::of(&Summary::default(), sc.plot).is_none());
    }
}
