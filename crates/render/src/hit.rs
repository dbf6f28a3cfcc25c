//! What is under the pointer or the keyboard focus, and what its tooltip and link say.

use std::fmt::Write;
use std::rc::Rc;

use crate::format::{self, Clock, Zone};
use crate::layout::{Layout, Scale};
use crate::summary::Summary;
use crate::text;

/// Something drawn that the user can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Nothing.
    #[default]
    None,
    /// A service tile: index into `Summary::services`.
    Service(usize),
    /// A tool cell: index into `Summary::tools`.
    Tool(usize),
    /// A pool bar: index into `Summary::pools`.
    Pool(usize),
    /// An exemplar dot: index into `Summary::exemplars`.
    Exemplar(usize),
    /// A latency line (not reached by the keyboard): `series` an index into
    /// `Summary::latency`, `sample` its sample nearest the pointer's time.
    Line {
        /// Index into `Summary::latency`.
        series: usize,
        /// Index into the series' times and values.
        sample: usize,
    },
}

/// How close (CSS pixels) the pointer must come to an exemplar's dot.
pub const EXEMPLAR_RADIUS: f32 = 6.0;

/// How close (CSS pixels, vertically) the pointer must come to a latency line.
pub const LINE_RADIUS: f32 = 4.0;

/// The target at `(x, y)`; allocates nothing.
pub fn hit(layout: &Layout, summary: &Summary, x: f32, y: f32) -> Target {
    if let Some(i) = layout.tiles.iter().position(|r| r.contains(x, y)) {
        return Target::Service(i);
    }
    if layout.tools.body.contains(x, y) {
        if let Some(i) = layout.tool_cells.iter().position(|r| r.contains(x, y)) {
            return Target::Tool(i);
        }
    }
    if layout.pools.body.contains(x, y) {
        if let Some(row) = layout.pool_rows.iter().find(|r| r.row.contains(x, y)) {
            return Target::Pool(row.pool);
        }
    }
    if let Some(scale) = Scale::of(summary, layout.plot) {
        let grow = EXEMPLAR_RADIUS;
        let area = crate::layout::Rect::new(
            layout.plot.x - grow,
            layout.plot.y - grow,
            layout.plot.w + 2.0 * grow,
            layout.plot.h + 2.0 * grow,
        );
        if area.contains(x, y) {
            let e = &summary.exemplars;
            let mut best = (EXEMPLAR_RADIUS * EXEMPLAR_RADIUS, None);
            for i in 0..e.len() {
                let (dx, dy) = (scale.x(e.time[i]) - x, scale.y(e.value[i]) - y);
                let d = dx * dx + dy * dy;
                if d <= best.0 && scale.shows(e.time[i]) {
                    best = (d, Some(i));
                }
            }
            if let Some(i) = best.1 {
                return Target::Exemplar(i);
            }
        }
        if let Some((series, sample)) = line_at(summary, &scale, x, y) {
            return Target::Line { series, sample };
        }
    }
    Target::None
}

/// The latency line nearest `(x, y)` vertically, within [`LINE_RADIUS`], and its sample
/// nearest the pointer's time. A line's value at that time is read between its samples on
/// either side, as it is drawn: a gap (NaN) on either side is no line there. Across the
/// strip's edge, where a line is drawn from a sample outside to the edge, the value is
/// read so too, and the sample named is the nearest inside the strip: the one outside has
/// no place on the plot for its mark and tells a time the strip does not show. (A strip
/// that lies wholly between two samples shows their segment, but names none.) The lines of
/// one range query share their times: one binary search serves them all, and a pointer
/// near no line costs a few steps per line.
fn line_at(summary: &Summary, scale: &Scale, x: f32, y: f32) -> Option<(usize, usize)> {
    if !scale.plot.contains(x, y) {
        return None;
    }
    let t = scale.time(x);
    let mut best = (LINE_RADIUS, None);
    let mut searched: Option<(&Rc<[f64]>, usize)> = None;
    for (k, s) in summary.latency.iter().enumerate() {
        let at = match searched {
            Some((times, at)) if Rc::ptr_eq(times, &s.time) => at,
            _ => {
                let at = s.time.partition_point(|&u| u < t);
                searched = Some((&s.time, at));
                at
            }
        };
        let n = s.time.len().min(s.value.len());
        let (v, sample) = if at < n && s.time[at] == t {
            (s.value[at], at)
        } else if at > 0 && at < n {
            let (ta, tb) = (s.time[at - 1], s.time[at]);
            let (va, vb) = (s.value[at - 1], s.value[at]);
            let near = match (scale.shows(ta), scale.shows(tb)) {
                (true, true) if t - ta <= tb - t => at - 1,
                (true, true) | (false, true) => at,
                (true, false) => at - 1,
                (false, false) => continue,
            };
            (va + (vb - va) * ((t - ta) / (tb - ta)), near)
        } else {
            continue;
        };
        // NaN on either side makes `v` NaN, which is no nearer than anything.
        let d = (scale.y(v) - y).abs();
        if v.is_finite() && d <= best.0 {
            best = (d, Some((k, sample)));
        }
    }
    best.1
}

/// How many of the slowest exemplars, and of the latest failing ones, the keyboard reaches.
pub const EXEMPLARS_FOCUSED: usize = 10;

/// The `N` of `keep` where `key` is greatest, greatest first, and how many there are, by
/// insertion: a keypress's work over the exemplars, with no sort's code in the module (a
/// few KB each).
fn greatest<const N: usize>(
    keep: impl Iterator<Item = usize>,
    key: impl Fn(usize) -> f64,
) -> ([usize; N], usize) {
    let (mut top, mut kept) = ([usize::MAX; N], 0);
    for i in keep {
        let mut at = kept;
        while at > 0 && key(top[at - 1]) < key(i) {
            at -= 1;
        }
        if at < N {
            top.copy_within(at..N - 1, at + 1);
            top[at] = i;
            kept = (kept + 1).min(N);
        }
    }
    (top, kept)
}

/// The exemplars the keyboard reaches, in time order: the [`EXEMPLARS_FOCUSED`] slowest and
/// as many of the latest failing ones, the traces an on-call user opens; none when the
/// strip is not drawn.
fn focusable_exemplars(layout: &Layout, summary: &Summary) -> Vec<usize> {
    let e = &summary.exemplars;
    let Some(scale) = Scale::of(summary, layout.plot) else {
        return Vec::new();
    };
    let on_plot = |i: usize| e.value[i].is_finite() && scale.shows(e.time[i]);
    let all = (0..e.len()).filter(|&i| on_plot(i));
    let (slowest, n) = greatest::<EXEMPLARS_FOCUSED>(all.clone(), |i| e.value[i]);
    let failing = all.filter(|&i| e.failing[i]);
    let (latest, m) = greatest::<EXEMPLARS_FOCUSED>(failing, |i| e.time[i]);
    let mut out: Vec<usize> = Vec::with_capacity(n + m);
    for &i in slowest[..n].iter().chain(&latest[..m]) {
        if !out.contains(&i) {
            // In time order: the exemplars come by series.
            let at = out.partition_point(|&j| e.time[j] <= e.time[i]);
            out.insert(at, i);
        }
    }
    out
}

/// The next target for the keyboard (the arrows, or back): services, then the tools and
/// pools on screen, then the slowest and the latest failing exemplars, wrapping around.
pub fn next_focus(layout: &Layout, summary: &Summary, current: Target, back: bool) -> Target {
    let services = layout.tiles.len();
    let tools: Vec<usize> = layout
        .tool_cells
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(i, _)| i)
        .collect();
    let pools = layout.pool_rows.len();
    let pool = |row: usize| Target::Pool(layout.pool_rows[row].pool);
    let exemplars = focusable_exemplars(layout, summary);
    let total = services + tools.len() + pools + exemplars.len();
    if total == 0 {
        return Target::None;
    }
    let pos = match current {
        Target::Service(i) => Some(i),
        Target::Tool(t) => tools.iter().position(|&x| x == t).map(|p| services + p),
        Target::Pool(p) => layout
            .pool_rows
            .iter()
            .position(|r| r.pool == p)
            .map(|row| services + tools.len() + row),
        Target::Exemplar(e) => exemplars
            .iter()
            .position(|&x| x == e)
            .map(|p| services + tools.len() + pools + p),
        Target::None | Target::Line { .. } => None,
    };
    let next = match (pos, back) {
        (None, false) => 0,
        (None, true) => total - 1,
        (Some(p), false) => (p + 1) % total,
        (Some(p), true) => (p + total - 1) % total,
    };
    if next < services {
        Target::Service(next)
    } else if next < services + tools.len() {
        Target::Tool(tools[next - services])
    } else if next < services + tools.len() + pools {
        pool(next - services - tools.len())
    } else {
        Target::Exemplar(exemplars[next - services - tools.len() - pools])
    }
}

/// A target by what it is rather than where: the same service, tool, pool or trace in new
/// frames or a new layout, whose indices are not the old ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    /// A service.
    Service(String),
    /// A tool: its service and name.
    Tool(String, String),
    /// A pool: its service and name.
    Pool(String, String),
    /// An exemplar: its trace id, time and value (a trace may have several exemplars, and
    /// an answer without trace ids gives them all the same empty one).
    Exemplar {
        /// Trace id.
        trace: String,
        /// Ms since the epoch.
        time: f64,
        /// Seconds.
        value: f64,
    },
}

/// What `target` is, by name.
pub fn named(summary: &Summary, target: Target) -> Option<Named> {
    match target {
        // The keyboard does not reach lines.
        Target::None | Target::Line { .. } => None,
        Target::Service(i) => Some(Named::Service(summary.services.get(i)?.name.clone())),
        Target::Tool(i) => {
            let t = summary.tools.get(i)?;
            Some(Named::Tool(t.service.clone(), t.name.clone()))
        }
        Target::Pool(i) => {
            let p = summary.pools.get(i)?;
            Some(Named::Pool(p.service.clone(), p.name.clone()))
        }
        Target::Exemplar(i) => {
            let e = &summary.exemplars;
            Some(Named::Exemplar {
                time: *e.time.get(i)?,
                value: *e.value.get(i)?,
                trace: e.trace_id(i).into_owned(),
            })
        }
    }
}

/// Where the keyboard reaches `named` now: `Target::None` when it is gone or not shown.
pub fn refind(layout: &Layout, summary: &Summary, named: &Named) -> Target {
    let found = match named {
        Named::Service(name) => summary
            .services
            .iter()
            .position(|s| &s.name == name)
            .map(Target::Service),
        Named::Tool(service, name) => summary
            .tools
            .iter()
            .position(|t| &t.service == service && &t.name == name)
            .map(Target::Tool),
        Named::Pool(service, name) => summary
            .pools
            .iter()
            .position(|p| &p.service == service && &p.name == name)
            .map(Target::Pool),
        // Among those the keyboard reaches (a few): trace ids may be read from the shell.
        Named::Exemplar { trace, time, value } => {
            let e = &summary.exemplars;
            return focusable_exemplars(layout, summary)
                .into_iter()
                .find(|&i| {
                    e.time.get(i) == Some(time)
                        && e.value.get(i) == Some(value)
                        && e.trace_id(i) == trace.as_str()
                })
                .map_or(Target::None, Target::Exemplar);
        }
    };
    found
        .filter(|&t| anchor(layout, summary, t).is_some())
        .unwrap_or(Target::None)
}

/// Where the tooltip of `target` hangs, in CSS pixels from the panel's corner: under the
/// middle of its tile, cell or bar, at its exemplar's dot or line's sample; for the
/// keyboard, which has no pointer to put it by.
pub fn anchor(layout: &Layout, summary: &Summary, target: Target) -> Option<(f32, f32)> {
    let under = |r: &crate::layout::Rect| (r.x + r.w / 2.0, r.bottom());
    match target {
        Target::None => None,
        Target::Service(i) => layout.tiles.get(i).map(under),
        Target::Tool(i) => layout
            .tool_cells
            .get(i)
            .filter(|r| !r.is_empty())
            .map(under),
        Target::Pool(p) => layout
            .pool_rows
            .iter()
            .find(|r| r.pool == p)
            .map(|r| under(&r.bar)),
        Target::Exemplar(i) => {
            let scale = Scale::of(summary, layout.plot)?;
            let e = &summary.exemplars;
            let t = *e.time.get(i).filter(|&&t| scale.shows(t))?;
            Some((scale.x(t), scale.y(*e.value.get(i)?)))
        }
        Target::Line { series, sample } => {
            let scale = Scale::of(summary, layout.plot)?;
            let s = summary.latency.get(series)?;
            Some((
                scale.x(*s.time.get(sample)?),
                scale.y(*s.value.get(sample)?),
            ))
        }
    }
}

/// A tooltip and where a click goes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// First line, e.g. `akosha: critical`.
    pub title: String,
    /// Values and reasons, a line each.
    pub lines: Vec<String>,
    /// Where a click goes: the drill-down link of a service, the trace of an exemplar.
    pub link: Option<String>,
}

/// The tooltip of `target`, its times in `zone`. `drilldown` is the panel's service link
/// option, `${service}` standing for the service's name (percent-encoded); empty for none.
pub fn info(summary: &Summary, target: Target, drilldown: &str, zone: &Zone) -> Option<Info> {
    let mut out = Info::default();
    let line = |out: &mut Info, label: &str, f: &dyn Fn(&mut String)| {
        let mut s = String::from(label);
        f(&mut s);
        out.lines.push(s);
    };
    match target {
        Target::None => return None,
        Target::Service(i) => {
            let s = summary.services.get(i)?;
            out.title = format!("{}: {}", s.name, s.status);
            out.lines.extend(s.reasons.iter().cloned());
            out.lines.push(
                match s.up {
                    u if u.is_nan() => "up: unknown",
                    u if u < 1.0 => "up: no, the target does not answer",
                    _ => "up: yes",
                }
                .to_string(),
            );
            line(&mut out, "requests ", &|o| {
                format::rate(o, s.request_rate);
                o.push_str(", 5xx ");
                format::percent(o, s.error_percent);
            });
            line(&mut out, "p95 latency ", &|o| format::seconds(o, s.p95));
            // Without calls known (a down service), the success alone: "tool success –".
            line(&mut out, "tool success ", &|o| {
                format::percent(o, s.tool_success);
                if !s.tool_calls.is_nan() {
                    o.push_str(" of ");
                    format::rate(o, s.tool_calls);
                    o.push_str(" calls");
                }
            });
            line(&mut out, "active workers ", &|o| {
                format::number(o, s.workers, 1);
                o.push_str(", sessions ");
                format::number(o, s.sessions, 1);
            });
            line(&mut out, "CPU ", &|o| {
                format::percent(o, s.cpu);
                o.push_str(", memory ");
                format::bytes(o, s.memory);
            });
            if !drilldown.is_empty() {
                out.link = Some(text::replace(drilldown, "${service}", &url_encode(&s.name)));
            }
        }
        Target::Tool(i) => {
            let t = summary.tools.get(i)?;
            out.title = format!("{} / {}: {}", t.service, t.name, t.status);
            if !t.reasons.is_empty() {
                out.lines.push(t.reasons.clone());
            }
            line(&mut out, "success ", &|o| format::percent(o, t.success));
            if !t.calls.is_nan() {
                line(&mut out, "calls ", &|o| format::rate(o, t.calls));
            }
            if !t.p95.is_nan() {
                line(&mut out, "p95 ", &|o| format::seconds(o, t.p95));
            }
        }
        Target::Pool(i) => {
            let p = summary.pools.get(i)?;
            out.title = format!("{} / {} pool: {}", p.service, p.name, p.status);
            if !p.reasons.is_empty() {
                out.lines.push(p.reasons.clone());
            }
            line(&mut out, "active workers ", &|o| {
                format::number(o, p.workers, 1)
            });
            if !p.min.is_nan() {
                line(&mut out, "over the range ", &|o| {
                    format::number(o, p.min, 1);
                    o.push_str(" to ");
                    format::number(o, p.max, 1);
                });
            }
            if p.exhausted() {
                out.lines
                    .push("exhausted: no active worker at some point".to_string());
            }
        }
        Target::Exemplar(i) => {
            let e = &summary.exemplars;
            if i >= e.len() {
                return None;
            }
            out.title = format!("trace {}", e.trace_id(i));
            let service = e.service(i);
            if !service.is_empty() {
                out.lines.push(format!("service {service}"));
            }
            line(&mut out, "duration ", &|o| format::seconds(o, e.value[i]));
            line(&mut out, "at ", &|o| {
                format::time(o, e.time[i], zone, Clock::Full)
            });
            if e.failing[i] {
                out.lines.push("failed request".to_string());
            }
            out.link = e.link_of(i);
        }
        Target::Line { series, sample } => {
            let s = summary.latency.get(series)?;
            let (t, v) = (*s.time.get(sample)?, *s.value.get(sample)?);
            if !s.service.is_empty() {
                out.title.push_str(&s.service);
                out.title.push(' ');
            }
            format::percentile(&mut out.title, s.percentile);
            line(&mut out, "latency ", &|o| format::seconds(o, v));
            line(&mut out, "at ", &|o| format::time(o, t, zone, Clock::Full));
        }
    }
    Some(out)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn the_pointer_finds_tiles_cells_bars_and_exemplars() {
        let s = sample::ecosystem(12, 6, 500, 300);
        let mut l = Layout::default();
        l.compute(&s, 1400.0, 900.0);
        let c = |r: &crate::layout::Rect| (r.x + r.w / 2.0, r.y + r.h / 2.0);
        let (x, y) = c(&l.tiles[3]);
        assert_eq!(hit(&l, &s, x, y), Target::Service(3));
        let t = l.tool_cells.iter().position(|r| !r.is_empty()).unwrap();
        let (x, y) = c(&l.tool_cells[t]);
        assert_eq!(hit(&l, &s, x, y), Target::Tool(t));
        let (x, y) = c(&l.pool_rows[1].bar);
        assert_eq!(hit(&l, &s, x, y), Target::Pool(l.pool_rows[1].pool));
        let scale = Scale::of(&s, l.plot).unwrap();
        let e = &s.exemplars;
        let (x, y) = (scale.x(e.time[7]), scale.y(e.value[7]));
        match hit(&l, &s, x + 1.0, y - 1.0) {
            Target::Exemplar(i) => {
                let d = (scale.x(e.time[i]) - x - 1.0).hypot(scale.y(e.value[i]) - y + 1.0);
                assert!(d <= (2.0f32).sqrt() + 1e-3, "the nearest dot, {d} px away");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(hit(&l, &s, 1.0, 1.0), Target::None);
    }

    #[test]
    fn wrapped_tool_cells_are_found_where_they_are_and_focused_in_reading_order() {
        // Three services of ten tools with the grid to themselves: each service's tools
        // on rows under its name.
        let mut s = sample::ecosystem(3, 10, 0, 0);
        s.pools.clear();
        let mut l = Layout::default();
        l.compute(&s, 800.0, 600.0);
        let g = &s.tool_groups[0];
        assert!(
            l.tool_cells[g.end - 1].y > l.tool_cells[g.start].y,
            "wrapped"
        );
        for (t, r) in l.tool_cells.iter().enumerate() {
            assert_eq!(
                hit(&l, &s, r.x + r.w / 2.0, r.y + r.h / 2.0),
                Target::Tool(t)
            );
            // The gap under a cell is no cell's.
            assert_eq!(hit(&l, &s, r.x + r.w / 2.0, r.bottom() + 0.5), Target::None);
        }
        // The keyboard: past the tiles, the tools one after the other, row by row,
        // service by service, as read.
        let mut at = Target::Service(l.tiles.len() - 1);
        for t in 0..s.tools.len() {
            at = next_focus(&l, &s, at, false);
            assert_eq!(at, Target::Tool(t));
        }
    }

    /// A plot 1000 x 100 px from 0 to 10 s and 0 to 1 s of latency: three lines of one
    /// range query (a sample a second), `a` at 200 ms, `b` at 300 ms, `c` at 600 ms with a
    /// gap at 5 s.
    fn lines() -> (Layout, Summary) {
        let time: Rc<[f64]> = (0..=10).map(|i| f64::from(i) * 1000.0).collect();
        let line = |service: &str, p: f64, v: f64| crate::summary::Series {
            service: service.into(),
            percentile: p,
            time: Rc::clone(&time),
            value: (0..=10)
                .map(|i| if v > 0.5 && i == 5 { f64::NAN } else { v })
                .collect(),
        };
        let summary = Summary {
            latency: vec![
                line("a", 50.0, 0.2),
                line("b", 99.9, 0.3),
                line("c", 95.0, 0.6),
            ],
            time_range: (0.0, 10_000.0),
            latency_max: 0.9,
            ..Summary::default()
        };
        let layout = Layout {
            plot: crate::layout::Rect::new(50.0, 20.0, 1000.0, 100.0),
            ..Layout::default()
        };
        (layout, summary)
    }

    #[test]
    fn the_pointer_finds_the_latency_line_nearest_it_at_its_time() {
        let (l, mut s) = lines();
        let scale = Scale::of(&s, l.plot).unwrap();
        let (x, y) = (scale.x(2_600.0), scale.y(0.3));
        // `b` 2 px above, `a` 8 px below: `b`, at its sample nearest the pointer's time.
        assert_eq!(
            hit(&l, &s, x, y + 2.0),
            Target::Line {
                series: 1,
                sample: 3
            }
        );
        assert_eq!(
            hit(&l, &s, x, y + 7.0),
            Target::Line {
                series: 0,
                sample: 3
            },
            "`a`, 3 px away, is nearer than `b`, 7 px"
        );
        // Halfway between the lines, 10 px apart, more than a few pixels from either.
        assert_eq!(hit(&l, &s, x, y + 5.0), Target::None);
        assert_eq!(hit(&l, &s, x, scale.y(0.45)), Target::None);
        // Outside the plot: nothing, even level with a line.
        assert_eq!(hit(&l, &s, l.plot.x - 2.0, y), Target::None);
        // Between two samples the line is read where it is drawn: a line rising from
        // 0.3 to 0.5 s is at 0.4 s halfway.
        let mut rising = s.latency[1].value.clone();
        rising[8] = 0.5;
        s.latency[1].value = rising;
        let mid = (scale.x(7_500.0), scale.y(0.4));
        assert!(matches!(
            hit(&l, &s, mid.0, mid.1),
            Target::Line { series: 1, .. }
        ));

        let line = Target::Line {
            series: 1,
            sample: 3,
        };
        let utc = Zone::default();
        let i = info(&s, line, "", &utc).unwrap();
        assert_eq!(i.title, "b p99.9");
        let mut at = String::from("at ");
        format::time(&mut at, 3_000.0, &utc, Clock::Full);
        assert_eq!(i.lines, ["latency 300 ms".to_string(), at]);
        assert_eq!(i.link, None);
        assert_eq!(anchor(&l, &s, line), Some((scale.x(3_000.0), y)));
        // Not the keyboard's: no name to find again, and the keyboard starts afresh.
        assert_eq!(named(&s, line), None);
        assert_eq!(next_focus(&l, &s, line, false), Target::None);
    }

    #[test]
    fn at_the_strips_edge_a_line_is_read_as_drawn_and_names_its_nearest_sample_inside() {
        let (mut l, mut s) = lines();
        // The strip from 0.5 s to 9.8 s: the first and last samples lie outside. `b` falls
        // from 500 ms at 0 s to 300 ms at 1 s; `c` has a gap at 0 s.
        s.time_range = (500.0, 9_800.0);
        s.latency[1].value[0] = 0.5;
        s.latency[2].value[0] = f64::NAN;
        l.plot = crate::layout::Rect::new(50.0, 20.0, 930.0, 100.0);
        let scale = Scale::of(&s, l.plot).unwrap();
        // At 0.55 s, nearer the sample at 0 s (outside) than the one at 1 s: `b` is read
        // between them (390 ms), as drawn, and named at 1 s, inside.
        let x = scale.x(550.0);
        let b_first = Target::Line {
            series: 1,
            sample: 1,
        };
        assert_eq!(hit(&l, &s, x, scale.y(0.39)), b_first);
        assert_eq!(
            hit(&l, &s, x, scale.y(0.3)),
            Target::None,
            "not at 1 s's value"
        );
        assert_eq!(hit(&l, &s, l.plot.x, scale.y(0.4)), b_first, "at the edge");
        let (ax, _) = anchor(&l, &s, b_first).unwrap();
        assert!(l.plot.contains(ax, scale.y(0.3)), "its mark on the plot");
        // `c`'s segment across the edge starts in a gap: nothing there.
        assert_eq!(hit(&l, &s, x, scale.y(0.6)), Target::None);
        // At 9.7 s, nearer 10 s (outside): `a` named at 9 s.
        assert_eq!(
            hit(&l, &s, scale.x(9_700.0), scale.y(0.2)),
            Target::Line {
                series: 0,
                sample: 9
            }
        );
    }

    #[test]
    fn exemplar_dots_go_before_the_lines_under_them() {
        let (l, mut s) = lines();
        s.exemplars = crate::summary::Exemplars {
            time: vec![4_000.0],
            value: vec![0.3],
            failing: vec![false],
            ..Default::default()
        };
        let scale = Scale::of(&s, l.plot).unwrap();
        let (x, y) = (scale.x(4_000.0), scale.y(0.3));
        assert_eq!(hit(&l, &s, x + 1.0, y), Target::Exemplar(0));
        // Away from the dot, the line again.
        let x = scale.x(6_000.0);
        assert!(matches!(hit(&l, &s, x, y), Target::Line { series: 1, .. }));
    }

    #[test]
    fn exemplars_and_samples_outside_the_dashboards_range_are_not_hit_or_focused() {
        let start = sample::START_MS;
        let mut frames = sample::frames(3, 2, 600, 400);
        frames.time_range(start + 1_800_000.0, start + 4_800_000.0);
        let s = Summary::from_frames(frames).unwrap();
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 800.0);
        let scale = Scale::of(&s, l.plot).unwrap();
        let e = &s.exemplars;
        let outside = (0..e.len()).find(|&i| !scale.shows(e.time[i])).unwrap();
        assert_eq!(anchor(&l, &s, Target::Exemplar(outside)), None);
        let reached = focusable_exemplars(&l, &s);
        assert!(!reached.is_empty());
        assert!(
            reached.iter().all(|&i| scale.shows(e.time[i])),
            "{reached:?}"
        );
        // The right part of the plot, past the data's end, has nothing under the pointer.
        let empty = l.plot.x + l.plot.w * 0.8;
        for y in (l.plot.y as i32..l.plot.bottom() as i32).step_by(2) {
            assert_eq!(hit(&l, &s, empty, y as f32), Target::None, "at y {y}");
        }
    }

    #[test]
    fn a_gap_in_a_line_is_not_hit() {
        let (l, s) = lines();
        let scale = Scale::of(&s, l.plot).unwrap();
        let y = scale.y(0.6);
        // `c` has no value at 5 s: nothing from 4 s to 6 s, where it is not drawn.
        for t in [4_200.0, 5_000.0, 5_800.0] {
            assert_eq!(hit(&l, &s, scale.x(t), y), Target::None, "at {t} ms");
        }
        assert_eq!(
            hit(&l, &s, scale.x(3_900.0), y),
            Target::Line {
                series: 2,
                sample: 4
            }
        );
    }

    #[test]
    fn tooltips_carry_values_reasons_and_links() {
        let s = sample::ecosystem(12, 6, 500, 300);
        let down = s.services.iter().position(|s| s.is_down()).unwrap();
        let utc = Zone::default();
        let i = info(
            &s,
            Target::Service(down),
            "/d/svc?var-service=${service}&x=1",
            &utc,
        )
        .unwrap();
        assert!(i.title.ends_with(": critical"), "{}", i.title);
        assert!(
            i.lines.contains(&"target down".to_string()),
            "{:?}",
            i.lines
        );
        assert!(i.lines.iter().any(|l| l.starts_with("up: no")));
        let name = &s.services[down].name;
        assert_eq!(
            i.link.as_deref(),
            Some(format!("/d/svc?var-service={}&x=1", url_encode(name)).as_str())
        );
        assert!(info(&s, Target::Service(0), "", &utc)
            .unwrap()
            .link
            .is_none());

        let f = s.exemplars.failing.iter().position(|&f| f).unwrap();
        let i = info(&s, Target::Exemplar(f), "", &utc).unwrap();
        assert_eq!(i.title, format!("trace {}", s.exemplars.trace_id(f)));
        assert!(i.lines.contains(&"failed request".to_string()));
        let at = |i: &Info| i.lines.iter().find(|l| l.starts_with("at ")).cloned();
        let mut want = String::from("at ");
        format::time(&mut want, s.exemplars.time[f], &utc, Clock::Full);
        assert_eq!(at(&i), Some(want), "{:?}", i.lines);
        let india = Zone::new(|_| 330.0);
        let there = info(&s, Target::Exemplar(f), "", &india).unwrap();
        let mut shifted = String::from("at ");
        format::time(
            &mut shifted,
            s.exemplars.time[f] + 330.0 * 60_000.0,
            &utc,
            Clock::Full,
        );
        assert_eq!(
            at(&there),
            Some(shifted.replace(" UTC", " UTC+05:30")),
            "the exemplar's time in the dashboard's zone"
        );
        assert_eq!(
            i.link.as_deref(),
            Some(format!("https://tempo.example/trace/{}", s.exemplars.trace_id(f)).as_str())
        );
        assert!(info(&s, Target::Tool(0), "", &utc)
            .unwrap()
            .title
            .contains(" / "));
        assert!(info(&s, Target::Pool(999), "", &utc).is_none());
        assert_eq!(url_encode("a b&c/é"), "a%20b%26c%2F%C3%A9");
    }

    #[test]
    fn a_service_without_tool_values_says_its_tool_success_is_unknown() {
        let s = Summary::from_frames(crate::summary::tests::summary_frames()).unwrap();
        let utc = Zone::default();
        let down = info(&s, Target::Service(0), "", &utc).unwrap();
        let gap = format!("tool success {}", format::GAP);
        assert!(down.lines.contains(&gap), "{:?}", down.lines);
        let mut up = s.clone();
        up.services[0].tool_success = 97.5;
        up.services[0].tool_calls = 12.0;
        let up = info(&up, Target::Service(0), "", &utc).unwrap();
        let line = up
            .lines
            .iter()
            .find(|l| l.starts_with("tool success "))
            .unwrap();
        assert!(line.ends_with(" calls") && line.contains("97.5"), "{line}");
    }

    #[test]
    fn every_exemplar_frame_is_pointed_at_reached_and_linked() {
        let s = Summary::from_frames(crate::summary::tests::two_exemplar_frames()).unwrap();
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 800.0);
        let scale = Scale::of(&s, l.plot).unwrap();
        let e = &s.exemplars;
        let (x, y) = (scale.x(e.time[2]), scale.y(e.value[2]));
        assert_eq!(hit(&l, &s, x, y), Target::Exemplar(2));
        assert_eq!(focusable_exemplars(&l, &s), [0, 1, 2]);
        let i = info(&s, Target::Exemplar(2), "", &Zone::default()).unwrap();
        assert_eq!(i.title, "trace b1");
        assert!(i.lines.contains(&"service mahavishnu".to_string()));
        assert!(i.lines.contains(&"failed request".to_string()));
        assert_eq!(i.link.as_deref(), Some("http://jaeger/b/b1"));
        let i = info(&s, Target::Exemplar(1), "", &Zone::default()).unwrap();
        assert_eq!(i.link.as_deref(), Some("http://tempo/a/a2"));
        let name = named(&s, Target::Exemplar(2)).unwrap();
        assert_eq!(refind(&l, &s, &name), Target::Exemplar(2));
    }

    #[test]
    fn the_keyboard_walks_services_tools_pools_then_the_slowest_and_latest_failing_exemplars_and_wraps(
    ) {
        let s = sample::ecosystem(3, 2, 10, 2_000);
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 800.0);
        let e = &s.exemplars;
        let failing = e.failing.iter().filter(|&&f| f).count();
        assert!(
            failing > EXEMPLARS_FOCUSED && failing < e.len(),
            "the sample has more failing than the keyboard reaches: {failing}"
        );
        let mut t = Target::None;
        let mut seen = Vec::new();
        loop {
            t = next_focus(&l, &s, t, false);
            if seen.first() == Some(&t) {
                break;
            }
            seen.push(t);
        }
        let (pools, tools) = (s.pools.len(), s.tools.len());
        assert_eq!(seen[0], Target::Service(0));
        assert_eq!(seen[3], Target::Tool(0));
        assert_eq!(seen[3 + tools + pools - 1], Target::Pool(pools - 1));
        let reached: Vec<usize> = seen[3 + tools + pools..]
            .iter()
            .map(|t| match t {
                Target::Exemplar(i) => *i,
                other => panic!("{other:?} after the pools"),
            })
            .collect();
        // The slowest and the latest failing ones, each once, in time order.
        let top = |keep: &dyn Fn(usize) -> bool, key: &dyn Fn(usize) -> f64| {
            let mut by: Vec<usize> = (0..e.len()).filter(|&i| keep(i)).collect();
            by.sort_by(|&a, &b| key(b).total_cmp(&key(a)));
            by.truncate(EXEMPLARS_FOCUSED);
            by
        };
        let slowest = top(&|_| true, &|i| e.value[i]);
        let latest_failing = top(&|i| e.failing[i], &|i| e.time[i]);
        let mut expected: Vec<usize> = slowest.iter().chain(&latest_failing).copied().collect();
        expected.sort_unstable();
        expected.dedup();
        let mut got = reached.clone();
        got.sort_unstable();
        assert_eq!(got, expected);
        assert!(reached.windows(2).all(|w| e.time[w[0]] <= e.time[w[1]]));
        // Each has a place for its tooltip: within its tile, cell, bar or the plot.
        for &t in &seen {
            let (x, y) = anchor(&l, &s, t).expect("an anchor");
            let within = match t {
                Target::Service(i) => l.tiles[i],
                Target::Tool(i) => l.tool_cells[i],
                Target::Pool(p) => l.pool_rows[p].bar,
                _ => l.plot,
            };
            assert!(
                x >= within.x && x <= within.right() && y >= within.y && y <= within.bottom(),
                "{t:?} at ({x}, {y}) outside {within:?}"
            );
        }
        assert_eq!(anchor(&l, &s, Target::None), None);
        // Back from the first is the last.
        assert_eq!(
            next_focus(&l, &s, Target::Service(0), true),
            *seen.last().unwrap()
        );
    }

    #[test]
    fn new_frames_and_layouts_find_the_focused_thing_again_by_name() {
        let s = sample::ecosystem(6, 3, 10, 2_000);
        let mut l = Layout::default();
        l.compute(&s, 1200.0, 800.0);
        // Everything the keyboard reaches, named, is found where it is.
        let mut t = next_focus(&l, &s, Target::None, false);
        let first = t;
        loop {
            let name = named(&s, t).expect("a name");
            assert_eq!(refind(&l, &s, &name), t, "{name:?}");
            t = next_focus(&l, &s, t, false);
            if t == first {
                break;
            }
        }
        // In frames that list the services and tools in another order: the same ones.
        let mut moved = s.clone();
        moved.services.reverse();
        moved.tools.reverse();
        let mut ml = Layout::default();
        ml.compute(&moved, 1200.0, 800.0);
        let service = named(&s, Target::Service(0)).unwrap();
        assert_eq!(
            refind(&ml, &moved, &service),
            Target::Service(s.services.len() - 1)
        );
        let tool = named(&s, Target::Tool(0)).unwrap();
        let found = refind(&ml, &moved, &tool);
        assert_eq!(named(&moved, found), Some(tool));
        // Not shown (past the tiles' limit) or gone: nothing.
        ml.max_tiles = 2;
        ml.compute(&moved, 1200.0, 800.0);
        assert_eq!(refind(&ml, &moved, &service), Target::None);
        let gone = Named::Pool("nobody".into(), "gpu".into());
        assert_eq!(refind(&l, &s, &gone), Target::None);
        // Exemplars without trace ids (all named ""): each found again, not the first.
        let mut anonymous = s.clone();
        anonymous.exemplars = anonymous.exemplars.without_trace_ids();
        let reached = focusable_exemplars(&l, &anonymous);
        assert!(reached.len() > 2, "{reached:?}");
        for &i in &reached {
            let name = named(&anonymous, Target::Exemplar(i)).unwrap();
            assert_eq!(refind(&l, &anonymous, &name), Target::Exemplar(i));
        }
    }
}
