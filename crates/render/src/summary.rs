//! The panel's model: what the `ecosystemSummary` answer (and the optional `toolHealth`,
//! `poolCapacity`, `requestLatency` and exemplar frames) say, read from typed columns by
//! the names the backend writes them under ([`mcp_model::columns`]).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::rc::Rc;

use mcp_model::columns::{
    self, exemplar, latency, pool_capacity, summary as cols, tool_health, worst,
};
use mcp_model::{Band, Status, Thresholds};

use crate::format;
use crate::input::{Field, Frame, Frames, Steps, Texts, Values};
use crate::text;

/// One service: a row of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The `job` label.
    pub name: String,
    /// The backend's verdict.
    pub status: Status,
    /// Why it is not ok, one reason per entry.
    pub reasons: Vec<String>,
    /// 1 up, 0 down, NaN unknown.
    pub up: f64,
    /// Requests per second.
    pub request_rate: f64,
    /// 5xx share, percent.
    pub error_percent: f64,
    /// p95 request latency, seconds.
    pub p95: f64,
    /// Tool success, percent.
    pub tool_success: f64,
    /// Tool calls per second.
    pub tool_calls: f64,
    /// Active workers.
    pub workers: f64,
    /// Active sessions.
    pub sessions: f64,
    /// CPU, percent.
    pub cpu: f64,
    /// Memory, bytes.
    pub memory: f64,
}

impl Service {
    /// Whether the target is known to be down.
    pub fn is_down(&self) -> bool {
        self.up < 1.0
    }
}

/// One tool of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// Its service.
    pub service: String,
    /// Tool name.
    pub name: String,
    /// Success, percent (NaN: no calls).
    pub success: f64,
    /// Calls per second (NaN when the frame has no such column).
    pub calls: f64,
    /// p95 duration, seconds (NaN when unknown).
    pub p95: f64,
    /// Verdict.
    pub status: Status,
    /// Why it is not ok.
    pub reasons: String,
}

/// The tools of one service, a slice of [`Summary::tools`].
#[derive(Debug, Clone, PartialEq)]
pub struct ToolGroup {
    /// The service.
    pub service: String,
    /// Its tools: `Summary::tools[start..end]`, worst first.
    pub start: usize,
    /// See `start`.
    pub end: usize,
}

/// One worker pool of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// Its service.
    pub service: String,
    /// Pool name.
    pub name: String,
    /// Active workers now.
    pub workers: f64,
    /// Fewest over the range (NaN unknown).
    pub min: f64,
    /// Most over the range (NaN unknown).
    pub max: f64,
    /// Verdict.
    pub status: Status,
    /// Why it is not ok.
    pub reasons: String,
}

impl Pool {
    /// No active worker now, or none at some point of the range.
    pub fn exhausted(&self) -> bool {
        self.workers < 0.5 || self.min < 0.5
    }
}

/// One latency line: a percentile of one service over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its service.
    pub service: String,
    /// The percentile, e.g. 95.
    pub percentile: f64,
    /// Times, ms since the epoch, ascending. The lines whose times are the same (those of
    /// one range query) share one column: the draw tells them apart by pointer, and works
    /// out the samples' pixel columns once for them all.
    pub time: Rc<[f64]>,
    /// Seconds; NaN is a gap.
    pub value: Vec<f64>,
}

/// Exemplars: a sampled request each, with its trace. Every exemplar frame of the answer
/// (an `exemplars` query's, a `requestLatency`'s or a `toolHealth`'s with exemplars on, the
/// HTTP and the tool ones), one after the other: the numbers in one column each, the texts
/// and the link of each frame as it came.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exemplars {
    /// Times, ms since the epoch.
    pub time: Vec<f64>,
    /// Durations, seconds.
    pub value: Vec<f64>,
    /// Whether the exemplar's series counts failed calls.
    pub failing: Vec<bool>,
    /// The texts of each frame, the first frame's first.
    pub(crate) frames: Vec<ExemplarTexts>,
}

/// The texts of one exemplar frame: its trace ids and services, handed over or kept by the
/// shell, and its trace link.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExemplarTexts {
    /// The index of the frame's first exemplar in [`Exemplars`].
    start: usize,
    /// Trace ids.
    trace_id: Values,
    /// Services (`job`); empty when the frame has none.
    service: Values,
    /// The trace id field's link template (`${__value.raw}` is the trace id).
    link: Option<String>,
}

impl Exemplars {
    /// How many.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// None.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The frame exemplar `i` came in, and its row there; none past the end.
    fn texts(&self, i: usize) -> Option<(&ExemplarTexts, usize)> {
        if i >= self.len() {
            return None;
        }
        let k = self
            .frames
            .partition_point(|f| f.start <= i)
            .checked_sub(1)?;
        let f = &self.frames[k];
        Some((f, i - f.start))
    }

    /// The trace id of exemplar `i` (empty when it has none).
    pub fn trace_id(&self, i: usize) -> Cow<'_, str> {
        self.texts(i)
            .map_or(Cow::Borrowed(""), |(f, row)| f.trace_id.text(row))
    }

    /// The service of exemplar `i` (empty when its frame names none).
    pub fn service(&self, i: usize) -> Cow<'_, str> {
        self.texts(i)
            .map_or(Cow::Borrowed(""), |(f, row)| f.service.text(row))
    }

    /// The trace link of exemplar `i`, its frame's template with the trace id put in.
    pub fn link_of(&self, i: usize) -> Option<String> {
        let (f, row) = self.texts(i)?;
        let template = f.link.as_ref()?;
        Some(text::replace(
            template,
            "${__value.raw}",
            &f.trace_id.text(row),
        ))
    }

    /// Adds the exemplars of one more frame after those there: its numbers moved when it is
    /// the first with any, else copied after the others' (once per answer).
    fn push(&mut self, mut more: Exemplars) {
        let start = self.len();
        if more.is_empty() {
            return;
        }
        if start == 0 {
            *self = more;
            return;
        }
        for f in &mut more.frames {
            f.start += start;
        }
        self.time.append(&mut more.time);
        self.value.append(&mut more.value);
        self.failing.append(&mut more.failing);
        self.frames.append(&mut more.frames);
    }

    /// Forgets the trace ids (a test's exemplars without them).
    #[cfg(test)]
    pub(crate) fn without_trace_ids(mut self) -> Exemplars {
        for f in &mut self.frames {
            f.trace_id = Values::default();
        }
        self
    }
}

/// How a value is judged: by the threshold steps its field carries (the datasource's
/// thresholds, overrides included), else by the default band.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusBand {
    /// The steps of the field's config.
    Steps(Steps),
    /// A default band, for a field that carries no steps.
    Band(Band),
}

impl StatusBand {
    /// The status of `value`; NaN (no data) is ok.
    pub fn status(&self, value: f64) -> Status {
        match self {
            StatusBand::Steps(s) => s.status(value),
            StatusBand::Band(b) => b.status(value),
        }
    }

    /// The steps of `frame`'s field `name`, else `default`.
    fn of(frame: Option<&Frame>, name: &str, default: Band) -> StatusBand {
        match frame
            .and_then(|f| f.field(name))
            .and_then(|f| f.steps.clone())
        {
            Some(steps) => StatusBand::Steps(steps),
            None => StatusBand::Band(default),
        }
    }
}

/// What a tile's values are coloured by: the summary's thresholds, as its fields carry them.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// p95 latency, seconds.
    pub p95: StatusBand,
    /// Tool success, percent.
    pub tool_success: StatusBand,
    /// CPU, percent.
    pub cpu: StatusBand,
    /// Memory, bytes.
    pub memory: StatusBand,
}

impl Bands {
    /// The bands `summary`'s fields carry, a field without steps judged by the default.
    fn of(summary: Option<&Frame>) -> Bands {
        let t = Thresholds::default();
        Bands {
            p95: StatusBand::of(summary, cols::P95, t.p95_latency_seconds),
            tool_success: StatusBand::of(summary, cols::TOOL_SUCCESS, t.tool_success_percent),
            cpu: StatusBand::of(summary, cols::CPU, t.cpu_percent),
            memory: StatusBand::of(summary, cols::MEMORY, t.memory_bytes),
        }
    }
}

impl Default for Bands {
    fn default() -> Bands {
        Bands::of(None)
    }
}

/// Everything the panel draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Services, in the backend's order (worst first).
    pub services: Vec<Service>,
    /// Tools grouped by service: the group with the worst tool first, each group's
    /// worst tool first.
    pub tools: Vec<Tool>,
    /// The groups of `tools`.
    pub tool_groups: Vec<ToolGroup>,
    /// Pools, worst first.
    pub pools: Vec<Pool>,
    /// Latency lines.
    pub latency: Vec<Series>,
    /// The percentiles of the latency lines, each once, ascending: the strip's legend, and
    /// each line's colour by its rank among them.
    pub percentiles: Vec<f64>,
    /// Exemplars.
    pub exemplars: Exemplars,
    /// The latency strip's time span, ms: the dashboard's time range when the frames came
    /// with one, else the span of the latency lines and exemplars (NaN when there are none).
    pub time_range: (f64, f64),
    /// Highest latency drawn (within `time_range`, a line's values where it crosses the
    /// range's ends included), seconds.
    pub latency_max: f64,
    /// What the tiles' values are coloured by.
    pub bands: Bands,
}

/// Whether time `t` (ms) lies in the latency strip's span `(from, to)`, its ends included:
/// the one rule of what the strip shows, for its scale ([`Scale::shows`]), its measure
/// before the span is settled and its words without a layout. An end that is NaN bounds
/// nothing (no span yet, or none); a time that is NaN lies in a span only without ends.
///
/// [`Scale::shows`]: crate::layout::Scale::shows
#[inline(always)]
pub(crate) fn in_span((from, to): (f64, f64), t: f64) -> bool {
    (from.is_nan() || t >= from) && (to.is_nan() || t <= to)
}

/// A latency line's latest value: see [`Summary::newest_latency`] and
/// [`Summary::highest_latest`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Latest {
    /// The line's index in [`Summary::latency`].
    pub line: usize,
    /// Its sample's index in the line.
    pub sample: usize,
    /// Its time, ms.
    pub time: f64,
    /// The step before it, ms (0 for a line's first sample).
    pub step: f64,
    /// Its value, seconds.
    pub value: f64,
}

/// How many frame names the "not a summary" message names before it counts the rest.
const FRAMES_NAMED: usize = 3;

/// Why there is nothing to draw, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The panel has no frames.
    NoData,
    /// The `ecosystemSummary` answer has no service.
    NoServices,
    /// The frames are not an `ecosystemSummary` answer.
    NotSummary {
        /// Names of the frames found.
        found: Vec<String>,
    },
    /// A column cannot be read.
    Column {
        /// Frame name.
        frame: String,
        /// Column name.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// The datasource answered with an error.
    Datasource(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoData => write!(
                f,
                "No data. Add an {} query of the MCP datasource to this panel.",
                cols::FRAME
            ),
            Problem::NoServices => write!(
                f,
                "The {} query matched no service. Check its services filter and the \
                 dashboard's variables, and that Prometheus scrapes the MCP servers \
                 (Status > Targets in Prometheus).",
                cols::FRAME
            ),
            Problem::NotSummary { found } => {
                let mut names = if found.is_empty() {
                    "without names".to_string()
                } else {
                    found[..found.len().min(FRAMES_NAMED)].join(", ")
                };
                if found.len() > FRAMES_NAMED {
                    let _ = write!(names, " and {} more", found.len() - FRAMES_NAMED);
                }
                let these = format::noun(found.len(), ("This frame", "These frames"));
                let are = format::noun(found.len(), ("is", "are"));
                write!(
                    f,
                    "{these} ({names}) {are} not an {s} answer. Add a query of type {s} \
                     (MCP datasource) to this panel; toolHealth, poolCapacity, \
                     requestLatency and exemplars queries add detail to it.",
                    s = cols::FRAME
                )
            }
            Problem::Column {
                frame,
                column,
                reason,
            } => write!(
                f,
                "The {frame} frame's column \"{column}\" cannot be read: {reason}. Check that \
                 the panel's query uses the MCP datasource and its table format."
            ),
            Problem::Datasource(message) => write!(f, "The datasource answered: {message}"),
        }
    }
}

impl std::error::Error for Problem {}

impl Summary {
    /// Reads the frames of a panel's answer; the latency lines and exemplars are moved out
    /// of them, not copied (150 lines of 1,000 points are 2.4 MB).
    pub fn from_frames(mut frames: Frames) -> Result<Summary, Problem> {
        let range = frames.range;
        let frames = &mut frames.frames;
        let empty = |f: &Frame| f.fields.iter().all(|c| c.values.is_empty());
        let find = |name: &str| frames.iter().find(|f| f.name == name);
        if find(cols::FRAME).is_some_and(empty) {
            // Asked and answered, with no row: the query, not the panel, needs a look.
            return Err(Problem::NoServices);
        }
        if frames.iter().all(empty) {
            return Err(Problem::NoData);
        }
        // One summary and one worst frame: the shell hands several answers' over as one
        // (frontend/src/panel/columns.ts, oneSummary), sorted together.
        let Some(summary) = find(cols::FRAME) else {
            // Each name once, however many frames carry it.
            let mut found: Vec<String> = Vec::new();
            for f in frames.iter() {
                if !f.name.is_empty() && !found.contains(&f.name) {
                    found.push(f.name.clone());
                }
            }
            return Err(Problem::NotSummary { found });
        };
        let mut out = Summary {
            services: services(summary)?,
            bands: Bands::of(Some(summary)),
            ..Summary::default()
        };
        let worst = find(worst::FRAME);
        let mut tools = match (find(tool_health::FRAME), worst) {
            (Some(f), _) => tools_of_health(f)?,
            (None, Some(w)) => tools_of_worst(w)?,
            _ => Vec::new(),
        };
        let (groups, ordered) = group_tools(std::mem::take(&mut tools));
        out.tools = ordered;
        out.tool_groups = groups;
        out.pools = match (find(pool_capacity::FRAME), worst) {
            (Some(f), _) => pools_of_capacity(f)?,
            (None, Some(w)) => pools_of_worst(w)?,
            _ => Vec::new(),
        };
        out.pools.sort_by(|a, b| {
            b.status
                .cmp(&a.status)
                .then(a.workers.total_cmp(&b.workers))
                .then_with(|| (&a.service, &a.name).cmp(&(&b.service, &b.name)))
        });
        let mut times = Vec::new();
        for frame in frames.iter_mut() {
            if frame.name == exemplar::FRAME {
                // Every exemplar frame: an exemplars query beside a requestLatency's, the
                // HTTP ones beside the tools'.
                out.exemplars.push(exemplars(frame)?);
            } else if let Some(series) = latency_series(frame, &mut times)? {
                out.latency.push(series);
            }
        }
        out.latency.sort_by(|a, b| {
            a.service
                .cmp(&b.service)
                .then(a.percentile.total_cmp(&b.percentile))
        });
        for line in &out.latency {
            // A few percentiles: each put in its place, as the lines come.
            let p = line.percentile;
            let at = out.percentiles.partition_point(|&q| q < p);
            if out.percentiles.get(at) != Some(&p) {
                out.percentiles.insert(at, p);
            }
        }
        out.measure(range);
        Ok(out)
    }

    /// Services by status: (ok, warn, critical).
    pub fn counts(&self) -> [usize; 3] {
        let mut c = [0; 3];
        for s in &self.services {
            c[s.status.level() as usize] += 1;
        }
        c
    }

    /// Line `i`'s last value inside the strip's span: found from the span's end (by time)
    /// back over the line's trailing gap, nothing else of it read.
    pub(crate) fn latest(&self, i: usize) -> Option<Latest> {
        let line = self.latency.get(i)?;
        let (from, to) = self.time_range;
        let n = line.time.len().min(line.value.len());
        let time = &line.time[..n];
        // Without a span (NaN), every sample is inside.
        let end = if to.is_nan() {
            n
        } else {
            time.partition_point(|&t| t <= to)
        };
        let at = (0..end)
            .rev()
            .take_while(|&i| in_span((from, to), time[i]))
            .find(|&i| line.value[i].is_finite())?;
        let step = at.checked_sub(1).map_or(0.0, |j| time[at] - time[j]);
        Some(Latest {
            line: i,
            sample: at,
            time: time[at],
            step,
            value: line.value[at],
        })
    }

    /// The newest of the latency lines' latest times ([`Summary::latest`]); -inf for none.
    pub(crate) fn newest_latency(&self) -> f64 {
        (0..self.latency.len())
            .filter_map(|i| self.latest(i))
            .fold(f64::NEG_INFINITY, |n, l| n.max(l.time))
    }

    /// The line of percentile `p` with the highest latest value, `newest` being
    /// [`Summary::newest_latency`]: the strip's "latest" in words and its label. A line
    /// whose last value is older than the newest by more than its own step (a service that
    /// went down) is left out.
    pub(crate) fn highest_latest(&self, p: f64, newest: f64) -> Option<Latest> {
        (0..self.latency.len())
            .filter(|&i| self.latency[i].percentile == p)
            .filter_map(|i| self.latest(i))
            .filter(|l| newest - l.time <= l.step)
            .max_by(|a, b| a.value.total_cmp(&b.value))
    }

    /// The strip's time span (`range` when it is one) and the highest latency in it.
    fn measure(&mut self, range: Option<(f64, f64)>) {
        let range = range.filter(|(from, to)| from.is_finite() && to.is_finite() && from < to);
        let (mut lo, mut hi, mut max) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        let mut see = |t: &[f64], v: &[f64]| {
            if let (Some(a), Some(b)) = (t.first(), t.last()) {
                lo = lo.min(*a).min(*b);
                hi = hi.max(*a).max(*b);
            }
            // A comparison, not `f64::max`: a call in WebAssembly, 300,000 times here.
            for &x in v {
                if x > max && x.is_finite() {
                    max = x;
                }
            }
        };
        for s in &self.latency {
            let n = s.time.len().min(s.value.len());
            let (t, v) = (&s.time[..n], &s.value[..n]);
            match range {
                // The samples inside, found by their times (ascending).
                // The samples inside, as the strip draws them, and a segment's value where it
                // crosses an end.
                Some((from, to)) => {
                    if let Some(w) = crate::decimate::Window::of(t, v, from, to, 1) {
                        see(w.time, w.value);
                        see(
                            &[],
                            &[w.enter.unwrap_or(f64::NAN), w.leave.unwrap_or(f64::NAN)],
                        );
                    }
                }
                None => see(t, v),
            }
        }
        let e = &self.exemplars;
        if range.is_none() {
            let (elo, ehi) = e
                .time
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |a, t| {
                    (a.0.min(*t), a.1.max(*t))
                });
            see(&[elo, ehi][..usize::from(!e.is_empty()) * 2], &[]);
        }
        // The exemplars come in no order of time: each inside the range is looked at.
        let span = range.unwrap_or((f64::NAN, f64::NAN));
        let inside = |t: f64| in_span(span, t);
        for (&t, &v) in e.time.iter().zip(&e.value) {
            if v > max && v.is_finite() && inside(t) {
                max = v;
            }
        }
        self.time_range = match range {
            Some(range) => range,
            None if lo <= hi => (lo, hi),
            None => (f64::NAN, f64::NAN),
        };
        self.latency_max = max;
    }
}

fn column_err(frame: &Frame, column: &str, reason: String) -> Problem {
    Problem::Column {
        frame: frame.name.clone(),
        column: column.to_string(),
        reason,
    }
}

fn rows_of(frame: &Frame) -> usize {
    frame.fields.first().map_or(0, |f| f.values.len())
}

fn texts<'a>(frame: &'a Frame, name: &str) -> Result<&'a Texts, Problem> {
    match text_column(frame, name)? {
        Values::Texts(t) => Ok(t),
        _ => Err(column_err(
            frame,
            name,
            "its text was kept by the shell, not handed over".into(),
        )),
    }
}

/// A text column, handed over or kept by the shell, checked.
fn text_column<'a>(frame: &'a Frame, name: &str) -> Result<&'a Values, Problem> {
    match frame.field(name).map(|f| &f.values) {
        Some(Values::Numbers(_)) => {
            Err(column_err(frame, name, "it holds numbers, not text".into()))
        }
        Some(v) if v.len() == rows_of(frame) => Ok(v),
        Some(v) => Err(column_err(
            frame,
            name,
            format!("it has {} rows, the frame {}", v.len(), rows_of(frame)),
        )),
        None => Err(column_err(
            frame,
            name,
            "the frame has no such column".into(),
        )),
    }
}

/// A number column; all gaps when the frame lacks it (an older backend).
fn numbers(frame: &Frame, name: &str) -> Result<Vec<f64>, Problem> {
    Ok(numbers_checked(frame, name)?
        .map_or_else(|| vec![f64::NAN; rows_of(frame)], <[f64]>::to_vec))
}

/// A number column if the frame has it, checked.
fn numbers_checked<'a>(frame: &'a Frame, name: &str) -> Result<Option<&'a [f64]>, Problem> {
    let rows = rows_of(frame);
    match frame.field(name).map(|f| &f.values) {
        Some(Values::Numbers(v)) if v.len() == rows => Ok(Some(v)),
        Some(Values::Numbers(v)) => Err(column_err(
            frame,
            name,
            format!("it has {} rows, the frame {rows}", v.len()),
        )),
        Some(_) => Err(column_err(frame, name, "it holds text, not numbers".into())),
        None => Ok(None),
    }
}

/// The number columns `names` of `frame` as [`numbers`] reads them, moved out of the frame
/// rather than copied once every one is checked (the frame keeps empty columns).
fn take_numbers<const N: usize>(
    frame: &mut Frame,
    names: [&str; N],
) -> Result<[Vec<f64>; N], Problem> {
    let rows = rows_of(frame);
    for name in names {
        numbers_checked(frame, name)?;
    }
    Ok(names.map(
        |name| match frame.fields.iter_mut().find(|f| f.name == name) {
            Some(Field {
                values: Values::Numbers(v),
                ..
            }) => std::mem::take(v),
            _ => vec![f64::NAN; rows],
        },
    ))
}

/// Statuses and reasons; a frame without them is judged ok with no reasons.
fn verdicts(frame: &Frame) -> Result<(Vec<Status>, Vec<String>), Problem> {
    let rows = rows_of(frame);
    let statuses = match frame.field(columns::STATUS) {
        None => vec![Status::Ok; rows],
        Some(_) => texts(frame, columns::STATUS)?
            .iter()
            .map(|w| {
                Status::from_word(w).ok_or_else(|| {
                    column_err(
                        frame,
                        columns::STATUS,
                        format!("{w:?} is not ok, warn or critical"),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let reasons = match frame.field(columns::REASONS) {
        None => vec![String::new(); rows],
        Some(_) => texts(frame, columns::REASONS)?
            .iter()
            .map(str::to_string)
            .collect(),
    };
    Ok((statuses, reasons))
}

fn services(frame: &Frame) -> Result<Vec<Service>, Problem> {
    let names = texts(frame, columns::SERVICE)?;
    let (statuses, reasons) = verdicts(frame)?;
    let [up, rr, err, p95, ts, tc, wk, se, cpu, mem] = [
        cols::UP,
        cols::REQUEST_RATE,
        cols::ERROR_PERCENT,
        cols::P95,
        cols::TOOL_SUCCESS,
        cols::TOOL_CALLS,
        cols::WORKERS,
        cols::SESSIONS,
        cols::CPU,
        cols::MEMORY,
    ]
    .map(|c| numbers(frame, c));
    let (up, rr, err, p95, ts, tc, wk, se, cpu, mem) =
        (up?, rr?, err?, p95?, ts?, tc?, wk?, se?, cpu?, mem?);
    Ok((0..names.len())
        .map(|i| Service {
            name: names.get(i).to_string(),
            status: statuses[i],
            reasons: text::split(&reasons[i], columns::REASONS_SEPARATOR)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect(),
            up: up[i],
            request_rate: rr[i],
            error_percent: err[i],
            p95: p95[i],
            tool_success: ts[i],
            tool_calls: tc[i],
            workers: wk[i],
            sessions: se[i],
            cpu: cpu[i],
            memory: mem[i],
        })
        .collect())
}

fn tools_of_health(frame: &Frame) -> Result<Vec<Tool>, Problem> {
    let services = texts(frame, columns::SERVICE)?;
    let names = texts(frame, tool_health::TOOL)?;
    let success = numbers(frame, tool_health::SUCCESS)?;
    let calls = numbers(frame, tool_health::CALLS)?;
    let p95 = numbers(frame, tool_health::P95)?;
    let (statuses, reasons) = verdicts(frame)?;
    let tools = (0..names.len())
        .map(|i| Tool {
            service: services.get(i).to_string(),
            name: names.get(i).to_string(),
            success: success[i],
            calls: calls[i],
            p95: p95[i],
            status: statuses[i],
            reasons: reasons[i].clone(),
        })
        .collect();
    Ok(judged(frame, tool_health::SUCCESS, tools))
}

/// `tools` as judged: when `frame` has no status column, by the threshold steps its
/// `success` field carries (the datasource's, overrides included), else by the default tool
/// success band; otherwise by the datasource, whose verdict stands (it leaves tools with
/// too few calls ok, and its bands carry the datasource's overrides).
fn judged(frame: &Frame, success: &str, mut tools: Vec<Tool>) -> Vec<Tool> {
    if frame.field(columns::STATUS).is_none() {
        let default = Thresholds::default().tool_success_percent;
        let band = StatusBand::of(Some(frame), success, default);
        for t in &mut tools {
            t.status = band.status(t.success);
        }
    }
    tools
}

fn worst_rows<'a>(
    frame: &'a Frame,
    kind: &'a str,
) -> Result<(impl Iterator<Item = usize> + 'a, &'a Texts, &'a Texts), Problem> {
    let kinds = texts(frame, worst::KIND)?;
    let services = texts(frame, columns::SERVICE)?;
    let names = texts(frame, worst::NAME)?;
    Ok((
        (0..kinds.len()).filter(move |&i| kinds.get(i) == kind),
        services,
        names,
    ))
}

fn tools_of_worst(frame: &Frame) -> Result<Vec<Tool>, Problem> {
    let (rows, services, names) = worst_rows(frame, worst::TOOL)?;
    let success = numbers(frame, worst::SUCCESS)?;
    let (statuses, reasons) = verdicts(frame)?;
    let tools = rows
        .map(|i| Tool {
            service: services.get(i).to_string(),
            name: names.get(i).to_string(),
            success: success[i],
            calls: f64::NAN,
            p95: f64::NAN,
            status: statuses[i],
            reasons: reasons[i].clone(),
        })
        .collect();
    Ok(judged(frame, worst::SUCCESS, tools))
}

fn pools_of_capacity(frame: &Frame) -> Result<Vec<Pool>, Problem> {
    let services = texts(frame, columns::SERVICE)?;
    let names = texts(frame, pool_capacity::POOL)?;
    let workers = numbers(frame, pool_capacity::WORKERS)?;
    let min = numbers(frame, pool_capacity::MIN)?;
    let max = numbers(frame, pool_capacity::MAX)?;
    let (statuses, reasons) = verdicts(frame)?;
    Ok((0..names.len())
        .map(|i| Pool {
            service: services.get(i).to_string(),
            name: names.get(i).to_string(),
            workers: workers[i],
            min: min[i],
            max: max[i],
            status: statuses[i],
            reasons: reasons[i].clone(),
        })
        .collect())
}

fn pools_of_worst(frame: &Frame) -> Result<Vec<Pool>, Problem> {
    let (rows, services, names) = worst_rows(frame, worst::POOL)?;
    let workers = numbers(frame, worst::WORKERS)?;
    let (statuses, reasons) = verdicts(frame)?;
    Ok(rows
        .map(|i| Pool {
            service: services.get(i).to_string(),
            name: names.get(i).to_string(),
            workers: workers[i],
            min: f64::NAN,
            max: f64::NAN,
            status: statuses[i],
            reasons: reasons[i].clone(),
        })
        .collect())
}

/// Groups tools by service: the service whose worst tool is worst first, each service's
/// tools worst first (no calls, NaN, last).
fn group_tools(mut tools: Vec<Tool>) -> (Vec<ToolGroup>, Vec<Tool>) {
    let worse = |a: f64, b: f64| match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.total_cmp(&b),
    };
    tools.sort_by(|a, b| {
        a.service
            .cmp(&b.service)
            .then(b.status.cmp(&a.status))
            .then(worse(a.success, b.success))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut groups: Vec<ToolGroup> = Vec::new();
    for (i, t) in tools.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if g.service == t.service => g.end = i + 1,
            _ => groups.push(ToolGroup {
                service: t.service.clone(),
                start: i,
                end: i + 1,
            }),
        }
    }
    // A group's rank is its first (worst) tool.
    groups.sort_by(|a, b| {
        let (x, y) = (&tools[a.start], &tools[b.start]);
        y.status
            .cmp(&x.status)
            .then(worse(x.success, y.success))
            .then_with(|| a.service.cmp(&b.service))
    });
    let mut ordered = Vec::with_capacity(tools.len());
    for g in &mut groups {
        let start = ordered.len();
        ordered.extend_from_slice(&tools[g.start..g.end]);
        g.start = start;
        g.end = ordered.len();
    }
    (groups, ordered)
}

/// A `requestLatency` series: a number field labelled with a percentile, and a time field,
/// one of `times` when it is the same as one of them (else added to them).
fn latency_series(
    frame: &mut Frame,
    times: &mut Vec<Rc<[f64]>>,
) -> Result<Option<Series>, Problem> {
    let Some(value) = frame
        .fields
        .iter()
        .find(|f| f.label(latency::PERCENTILE_LABEL).is_some())
    else {
        return Ok(None);
    };
    let Some(percentile) = value
        .label(latency::PERCENTILE_LABEL)
        .and_then(format::parse_decimal)
    else {
        return Ok(None);
    };
    let (name, service) = (
        value.name.clone(),
        value.label(latency::JOB_LABEL).unwrap_or("").to_string(),
    );
    let [values, time] = take_numbers(frame, [&name, columns::TIME])?;
    Ok(Some(Series {
        service,
        percentile,
        time: shared(times, time),
        value: values,
    }))
}

/// `time`, as the column of `times` that is the same bit for bit, or added to them.
///
/// Compared here, once per answer, so that a repaint without new data (a resize, a theme)
/// does not read every line's times again: 1.2 MB for 150 lines of 1,000 points.
fn shared(times: &mut Vec<Rc<[f64]>>, time: Vec<f64>) -> Rc<[f64]> {
    if let Some(t) = times.iter().find(|t| same_bits(t, &time)) {
        return Rc::clone(t);
    }
    let t: Rc<[f64]> = time.into();
    times.push(Rc::clone(&t));
    t
}

/// Whether two columns are the same, bit for bit (NaNs alike, 0 and -0 apart).
fn same_bits(a: &[f64], b: &[f64]) -> bool {
    // Eight at a time, one branch each: a comparison of floats and a branch per time cost
    // more than the columns it saved working out.
    let bits = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .fold(0, |d, (x, y)| d | (x.to_bits() ^ y.to_bits()))
    };
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    a.len() == b.len()
        && bits(ca.remainder(), cb.remainder()) == 0
        && ca.zip(cb).all(|(x, y)| bits(x, y) == 0)
}

/// The column `name`'s values, moved out of the frame (which keeps an empty column).
fn take_values(frame: &mut Frame, name: &str) -> Values {
    frame
        .fields
        .iter_mut()
        .find(|f| f.name == name)
        .map(|f| std::mem::take(&mut f.values))
        .unwrap_or_default()
}

fn exemplars(frame: &mut Frame) -> Result<Exemplars, Problem> {
    let linked = frame
        .fields
        .iter()
        .find(|f| f.link.is_some() && !matches!(f.values, Values::Numbers(_)));
    let trace_field = linked.or_else(|| {
        exemplar::TRACE_ID_LABELS
            .into_iter()
            .find_map(|n| frame.field(n))
    });
    let link = trace_field.and_then(|f| f.link.clone());
    let trace = trace_field.map(|f| f.name.clone());
    let names = [
        trace.as_deref().unwrap_or(""),
        exemplar::STATUS_LABEL,
        exemplar::ERROR_TYPE_LABEL,
        latency::JOB_LABEL,
    ];
    // The trace ids and services are read by a tooltip or a click only, and may be kept by
    // the shell; the status and error type mark every exemplar, and are handed over.
    for name in [names[0], names[3]] {
        if frame.field(name).is_some() {
            text_column(frame, name)?;
        }
    }
    for name in names[1..3].iter().filter(|n| frame.field(n).is_some()) {
        texts(frame, name)?;
    }
    let [time, value] = take_numbers(frame, [columns::TIME, columns::VALUE])?;
    // Checked above: moved, not copied.
    let [trace_id, service] = [names[0], names[3]].map(|name| take_values(frame, name));
    let [status, error_type] = [names[1], names[2]].map(|name| match take_values(frame, name) {
        Values::Texts(t) => t,
        _ => Texts::default(),
    });
    fn opt(t: &Texts, i: usize) -> Option<&str> {
        Some(t.get(i)).filter(|s| !s.is_empty())
    }
    let failing = (0..time.len())
        .map(|i| exemplar::is_failing(opt(&status, i), opt(&error_type, i)))
        .collect();
    Ok(Exemplars {
        time,
        value,
        failing,
        frames: vec![ExemplarTexts {
            start: 0,
            trace_id,
            service,
            link,
        }],
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn summary_frames() -> Frames {
        let mut f = Frames::new();
        f.frame(cols::FRAME)
            .texts(columns::SERVICE, ["akosha", "mahavishnu"])
            .numbers(cols::UP, vec![0.0, 1.0])
            .numbers(cols::P95, vec![f64::NAN, 0.62])
            .texts(columns::STATUS, ["critical", "warn"])
            .texts(
                columns::REASONS,
                ["target down", "p95 620 ms, over 500 ms; x"],
            );
        f
    }

    #[test]
    fn services_come_from_the_summary_columns_by_name() {
        let s = Summary::from_frames(summary_frames()).unwrap();
        assert_eq!(s.services.len(), 2);
        assert_eq!(s.services[0].name, "akosha");
        assert!(s.services[0].is_down());
        assert_eq!(s.services[1].p95, 0.62);
        assert_eq!(s.services[1].reasons, vec!["p95 620 ms, over 500 ms", "x"]);
        assert!(s.services[1].cpu.is_nan(), "a missing column is a gap");
        assert_eq!(s.counts(), [0, 1, 1]);
    }

    #[test]
    fn other_frames_say_which_query_to_add() {
        assert_eq!(Summary::from_frames(Frames::new()), Err(Problem::NoData));
        let mut f = Frames::new();
        f.frame(tool_health::FRAME).texts(columns::SERVICE, ["a"]);
        let err = Summary::from_frames(f).unwrap_err();
        assert_eq!(
            err,
            Problem::NotSummary {
                found: vec!["toolHealth".into()]
            }
        );
        let text = err.to_string();
        assert!(
            text.starts_with("This frame (toolHealth) is not an ecosystemSummary answer"),
            "{text}"
        );
        // requestLatency over 50 services: 150 frames, each name once, the first three named.
        let mut f = Frames::new();
        for i in 0..150 {
            let name = format!("s{} p95", i % 50);
            f.frame(&name).numbers(columns::VALUE, vec![0.1]);
        }
        let text = Summary::from_frames(f).unwrap_err().to_string();
        assert!(
            text.starts_with(
                "These frames (s0 p95, s1 p95, s2 p95 and 47 more) are not an ecosystemSummary"
            ),
            "{text}"
        );
        assert!(
            text.contains("Add a query of type ecosystemSummary"),
            "{text}"
        );
        assert!(Problem::NoData
            .to_string()
            .contains("Add an ecosystemSummary query"));
        // An answer without a service: the query's filter or the scrape, not a missing query.
        let mut f = Frames::new();
        f.frame(cols::FRAME).texts(columns::SERVICE, [""; 0]);
        f.frame(tool_health::FRAME).texts(columns::SERVICE, ["a"]);
        let err = Summary::from_frames(f).unwrap_err();
        assert_eq!(err, Problem::NoServices);
        let text = err.to_string();
        assert!(
            text.contains("ecosystemSummary query matched no service")
                && text.contains("services filter"),
            "{text}"
        );
        assert_eq!(
            Problem::Datasource("bad gateway".into()).to_string(),
            "The datasource answered: bad gateway"
        );
    }

    #[test]
    fn unreadable_columns_are_named_with_the_value() {
        let mut f = summary_frames();
        f.frames[0].fields[3].values = Values::Texts(["ok", "meh"].into_iter().collect());
        f.frames[0].fields[3].name = columns::STATUS.into();
        f.frames[0].fields.remove(4);
        let err = Summary::from_frames(f).unwrap_err().to_string();
        assert!(err.contains("column \"status\""), "{err}");
        assert!(err.contains("\"meh\" is not ok, warn or critical"), "{err}");

        let mut f = summary_frames();
        f.frames[0].fields[1].values = Values::Numbers(vec![1.0]);
        let err = Summary::from_frames(f).unwrap_err().to_string();
        assert!(err.contains("column \"up\""), "{err}");
        assert!(err.contains("1 rows, the frame 2"), "{err}");
    }

    #[test]
    fn tools_group_by_service_worst_first() {
        let mut f = summary_frames();
        f.frame(tool_health::FRAME)
            .texts(columns::SERVICE, ["a", "a", "b", "b", "c"])
            .texts(tool_health::TOOL, ["x", "y", "z", "w", "idle"])
            .numbers(
                tool_health::SUCCESS,
                vec![99.0, 91.0, 100.0, 60.0, f64::NAN],
            );
        let s = Summary::from_frames(f).unwrap();
        let order: Vec<&str> = s.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(order, ["w", "z", "y", "x", "idle"]);
        let groups: Vec<(&str, usize, usize)> = s
            .tool_groups
            .iter()
            .map(|g| (g.service.as_str(), g.start, g.end))
            .collect();
        assert_eq!(groups, [("b", 0, 2), ("a", 2, 4), ("c", 4, 5)]);
        assert_eq!(
            s.tools[0].status,
            Status::Critical,
            "judged by the default band"
        );
        assert_eq!(s.tools[2].status, Status::Warn);
    }

    #[test]
    fn a_tool_the_datasource_judged_keeps_its_verdict() {
        // The datasource leaves a tool with too few calls ok, and judges by the bands its
        // settings override: 93 % is ok here, and 97 % critical.
        let mut f = summary_frames();
        f.frame(tool_health::FRAME)
            .texts(columns::SERVICE, ["a", "a", "a"])
            .texts(tool_health::TOOL, ["quiet", "strict", "fine"])
            .numbers(tool_health::SUCCESS, vec![93.0, 97.0, 100.0])
            .texts(columns::STATUS, ["ok", "critical", "ok"])
            .texts(
                columns::REASONS,
                ["", "strict at 97 % success, under 99 %", ""],
            );
        let s = Summary::from_frames(f).unwrap();
        let verdicts: Vec<(&str, Status)> = s
            .tools
            .iter()
            .map(|t| (t.name.as_str(), t.status))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("strict", Status::Critical),
                ("quiet", Status::Ok),
                ("fine", Status::Ok)
            ]
        );
    }

    #[test]
    fn values_are_judged_by_the_steps_their_fields_carry_else_by_the_default() {
        let steps = |bounds: Vec<f64>, words: [&str; 3]| Steps::new(bounds, words).unwrap();
        let mut f = summary_frames();
        // p95 overridden to warn from 250 ms (the backend's critical bound just past 750 ms).
        f.frames[0].fields[2].steps = Some(steps(
            vec![0.25, 0.750_000_000_000_01],
            ["ok", "warn", "critical"],
        ));
        // Tool success overridden to warn at 80 % and below, critical under 50 %; the
        // toolHealth frame has no status column, so its tools are judged here.
        f.frame(tool_health::FRAME)
            .texts(columns::SERVICE, ["a", "a"])
            .texts(tool_health::TOOL, ["x", "y"])
            .numbers(tool_health::SUCCESS, vec![85.0, 70.0])
            .steps(steps(
                vec![50.0, 80.000_000_000_01],
                ["critical", "warn", "ok"],
            ));
        let s = Summary::from_frames(f).unwrap();
        assert_eq!(s.bands.p95.status(0.2), Status::Ok, "by the override");
        assert_eq!(s.bands.p95.status(0.3), Status::Warn);
        assert_eq!(
            Thresholds::default().p95_latency_seconds.status(0.2),
            Status::Warn,
            "where the default band says warn"
        );
        assert_eq!(
            s.bands.cpu,
            StatusBand::Band(Thresholds::default().cpu_percent),
            "a field without steps: the default"
        );
        let status = |name: &str| s.tools.iter().find(|t| t.name == name).map(|t| t.status);
        assert_eq!(status("x"), Some(Status::Ok), "85 % is ok above 80 %");
        assert_eq!(status("y"), Some(Status::Warn));
    }

    #[test]
    fn the_worst_frame_stands_in_for_tool_and_pool_tables() {
        let mut f = summary_frames();
        f.frame(worst::FRAME)
            .texts(worst::KIND, ["tool", "pool", "pool"])
            .texts(columns::SERVICE, ["a", "a", "b"])
            .texts(worst::NAME, ["deploy", "gpu", "io"])
            .numbers(worst::SUCCESS, vec![50.0, f64::NAN, f64::NAN])
            .numbers(worst::WORKERS, vec![f64::NAN, 0.0, 4.0])
            .texts(columns::STATUS, ["critical", "critical", "ok"])
            .texts(
                columns::REASONS,
                ["deploy at 50 %", "gpu pool has no active workers", ""],
            );
        let s = Summary::from_frames(f).unwrap();
        assert_eq!(s.tools.len(), 1);
        assert_eq!(s.tools[0].reasons, "deploy at 50 %");
        assert_eq!(s.pools.len(), 2);
        assert_eq!(s.pools[0].name, "gpu");
        assert!(s.pools[0].exhausted());
        assert!(!s.pools[1].exhausted());
    }

    #[test]
    fn latency_lines_and_exemplars_keep_their_links_and_failures() {
        let mut f = summary_frames();
        f.frame("mahavishnu p95")
            .numbers(columns::TIME, vec![1000.0, 2000.0])
            .numbers(columns::VALUE, vec![0.1, 0.3])
            .label(latency::JOB_LABEL, "mahavishnu")
            .label(latency::PERCENTILE_LABEL, "95");
        f.frame(exemplar::FRAME)
            .numbers(columns::TIME, vec![1500.0, 2500.0])
            .numbers(columns::VALUE, vec![0.2, 0.9])
            .texts("job", ["mahavishnu", "mahavishnu"])
            .texts("status", ["200", "503"])
            .texts("trace_id", ["t1", "t2"])
            .link("http://tempo/trace/${__value.raw}?x=1");
        let s = Summary::from_frames(f).unwrap();
        assert_eq!(s.latency.len(), 1);
        assert_eq!(s.latency[0].percentile, 95.0);
        assert_eq!(s.percentiles, [95.0]);
        assert_eq!(s.exemplars.failing, vec![false, true]);
        assert_eq!(
            s.exemplars.link_of(1).as_deref(),
            Some("http://tempo/trace/t2?x=1")
        );
        assert_eq!(s.time_range, (1000.0, 2500.0));
        assert_eq!(s.latency_max, 0.9);
    }

    #[test]
    fn a_time_is_in_the_strips_span_between_its_ends_included_and_an_unset_end_bounds_nothing() {
        let (nan, span) = (f64::NAN, (1000.0, 2000.0));
        assert!(in_span(span, 1000.0) && in_span(span, 1500.0) && in_span(span, 2000.0));
        assert!(!in_span(span, 999.0) && !in_span(span, 2000.5) && !in_span(span, nan));
        assert!(in_span((nan, 2000.0), -1e300) && !in_span((nan, 2000.0), 2001.0));
        assert!(in_span((1000.0, nan), 1e300) && !in_span((1000.0, nan), 999.0));
        assert!(in_span((nan, nan), nan), "no span: everything");
    }

    #[test]
    fn the_strips_top_holds_a_lines_values_where_it_crosses_the_ranges_ends() {
        // 2 s a step before the range, 100 ms inside: the line enters at 1.1 s, above
        // every sample inside. A gap before the end: nothing there.
        let mut f = summary_frames();
        f.frame("mahavishnu p95")
            .numbers(columns::TIME, vec![0.0, 1000.0, 2000.0, 3000.0])
            .numbers(columns::VALUE, vec![2.0, 0.2, 0.1, f64::NAN])
            .label(latency::JOB_LABEL, "mahavishnu")
            .label(latency::PERCENTILE_LABEL, "95");
        f.time_range(500.0, 2500.0);
        let s = Summary::from_frames(f).unwrap();
        assert_eq!(s.latency_max, 1.1);
    }

    /// An `exemplars` query's frame (trace ids kept by the shell) and a `requestLatency`'s
    /// with exemplars on (handed over, another trace link), as the panel gets them both.
    pub(crate) fn two_exemplar_frames() -> Frames {
        let mut f = summary_frames();
        f.frame(exemplar::FRAME)
            .numbers(columns::TIME, vec![1500.0, 2500.0])
            .numbers(columns::VALUE, vec![0.2, 0.9])
            .kept(latency::JOB_LABEL, vec!["akosha".into(), "akosha".into()])
            .texts(exemplar::STATUS_LABEL, ["200", "503"])
            .kept("trace_id", vec!["a1".into(), "a2".into()])
            .link("http://tempo/a/${__value.raw}");
        f.frame(exemplar::FRAME)
            .numbers(columns::TIME, vec![3500.0])
            .numbers(columns::VALUE, vec![1.4])
            .texts(latency::JOB_LABEL, ["mahavishnu"])
            .texts(exemplar::ERROR_TYPE_LABEL, ["timeout"])
            .texts("traceID", ["b1"])
            .link("http://jaeger/b/${__value.raw}");
        f
    }

    #[test]
    fn every_exemplar_frame_is_kept_one_after_the_other() {
        let s = Summary::from_frames(two_exemplar_frames()).unwrap();
        let e = &s.exemplars;
        assert_eq!(e.len(), 3);
        assert_eq!(e.time, vec![1500.0, 2500.0, 3500.0]);
        assert_eq!(e.failing, vec![false, true, true]);
        let each = |f: &dyn Fn(usize) -> String| (0..4).map(f).collect::<Vec<_>>();
        assert_eq!(each(&|i| e.trace_id(i).into()), ["a1", "a2", "b1", ""]);
        assert_eq!(
            each(&|i| e.service(i).into()),
            ["akosha", "akosha", "mahavishnu", ""]
        );
        assert_eq!(
            each(&|i| e.link_of(i).unwrap_or_default()),
            [
                "http://tempo/a/a1",
                "http://tempo/a/a2",
                "http://jaeger/b/b1",
                ""
            ]
        );
        assert_eq!(s.time_range, (1500.0, 3500.0), "the second frame's too");
        assert_eq!(s.latency_max, 1.4);
        let text = crate::describe(&s);
        assert!(
            text.contains("3 exemplars, 2 of failed requests; the slowest took 1.4 s, trace b1"),
            "{text}"
        );
        // A frame without a row between them takes no place.
        let mut f = two_exemplar_frames();
        let empty = f.frames[1].clone();
        f.frames.insert(
            1,
            Frame {
                fields: empty
                    .fields
                    .into_iter()
                    .map(|c| Field {
                        values: match c.values {
                            Values::Numbers(_) => Values::Numbers(Vec::new()),
                            _ => Values::Texts(Texts::default()),
                        },
                        ..c
                    })
                    .collect(),
                ..empty
            },
        );
        assert_eq!(Summary::from_frames(f).unwrap().exemplars, s.exemplars);
    }

    #[test]
    fn lines_of_the_same_times_share_one_column() {
        let mut f = summary_frames();
        let grid = vec![1000.0, 2000.0, 3000.0];
        // The third line's times differ in one sample, the fourth's by a sign alone.
        let times = [
            grid.clone(),
            grid.clone(),
            vec![1000.0, 2000.0, 3000.5],
            vec![-0.0, 2000.0, 3000.0],
            vec![0.0, 2000.0, 3000.0],
            grid.clone(),
        ];
        for (i, time) in times.into_iter().enumerate() {
            f.frame(&format!("s{i} p50"))
                .numbers(columns::TIME, time)
                .numbers(columns::VALUE, vec![0.1, 0.2, 0.3])
                .label(latency::JOB_LABEL, &format!("s{i}"))
                .label(latency::PERCENTILE_LABEL, "50");
        }
        let s = Summary::from_frames(f).unwrap();
        let l = &s.latency;
        let same = |a: usize, b: usize| Rc::ptr_eq(&l[a].time, &l[b].time);
        assert!(same(0, 1) && same(0, 5));
        assert!(!same(0, 2) && !same(0, 3) && !same(0, 4) && !same(3, 4));
        assert_eq!(&*l[5].time, &grid[..]);
    }

    #[test]
    fn columns_are_the_same_only_bit_for_bit() {
        let a: Vec<f64> = (0..1_003).map(|k| k as f64 * 3.5).collect();
        assert!(same_bits(&a, &a.clone()));
        assert!(same_bits(&[], &[]));
        assert!(same_bits(&[f64::NAN], &[f64::NAN]));
        for k in [0, 7, 8, 999, 1_002] {
            let mut b = a.clone();
            b[k] += 0.5;
            assert!(!same_bits(&a, &b), "differs at {k}");
        }
        assert!(!same_bits(&a, &a[..1_002]), "shorter");
        assert!(!same_bits(&[0.0], &[-0.0]), "a sign apart");
    }

    #[test]
    fn trace_ids_and_services_kept_by_the_shell_read_as_handed_over_ones() {
        let exemplars = |kept: bool| {
            let mut f = summary_frames();
            f.frame(exemplar::FRAME)
                .numbers(columns::TIME, vec![1500.0, 2500.0])
                .numbers(columns::VALUE, vec![0.2, 0.9]);
            let (ids, jobs) = (["t1", "t2"], ["akosha", "mahavishnu"]);
            if kept {
                f.kept(latency::JOB_LABEL, jobs.map(String::from).to_vec());
                f.kept("traceID", ids.map(String::from).to_vec());
            } else {
                f.texts(latency::JOB_LABEL, jobs);
                f.texts("traceID", ids);
            }
            f.link("http://tempo/trace/${__value.raw}");
            Summary::from_frames(f).unwrap()
        };
        let (kept, handed) = (exemplars(true), exemplars(false));
        let texts = |s: &Summary| s.exemplars.frames[0].clone();
        assert!(matches!(texts(&kept).trace_id, Values::Kept(_)));
        assert!(matches!(texts(&kept).service, Values::Kept(_)));
        assert!(matches!(texts(&handed).service, Values::Texts(_)));
        assert_eq!(kept.exemplars.service(1), "mahavishnu");
        assert_eq!(kept.exemplars.service(1), handed.exemplars.service(1));
        assert_eq!(kept.exemplars.trace_id(1), "t2");
        assert_eq!(kept.exemplars.trace_id(2), "");
        assert_eq!(
            kept.exemplars.link_of(1).as_deref(),
            Some("http://tempo/trace/t2")
        );
        assert_eq!(kept.exemplars.link_of(1), handed.exemplars.link_of(1));
        assert_eq!(crate::describe(&kept), crate::describe(&handed));

        let mut f = summary_frames();
        f.frame(exemplar::FRAME)
            .numbers(columns::TIME, vec![1500.0])
            .kept("trace_id", vec!["t1".into(), "t2".into()]);
        assert_eq!(
            Summary::from_frames(f).unwrap_err().to_string(),
            Problem::Column {
                frame: exemplar::FRAME.into(),
                column: "trace_id".into(),
                reason: "it has 2 rows, the frame 1".into()
            }
            .to_string()
        );

        // The status marks every exemplar: kept by the shell, it could not be read.
        let mut f = summary_frames();
        f.frame(exemplar::FRAME)
            .numbers(columns::TIME, vec![1500.0])
            .numbers(columns::VALUE, vec![0.2])
            .kept(exemplar::STATUS_LABEL, vec!["error".into()]);
        assert_eq!(
            Summary::from_frames(f).unwrap_err().to_string(),
            Problem::Column {
                frame: exemplar::FRAME.into(),
                column: exemplar::STATUS_LABEL.into(),
                reason: "its text was kept by the shell, not handed over".into()
            }
            .to_string()
        );
    }
}
