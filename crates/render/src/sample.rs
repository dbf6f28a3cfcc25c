//! A made-up ecosystem, shaped exactly as the backend writes its frames, for tests,
//! benchmarks and reference images. Deterministic: the same arguments give the same
//! frames.

use mcp_model::columns::{self, exemplar, latency, pool_capacity, summary as cols, tool_health};
use mcp_model::{Status, Thresholds};

use crate::input::Frames;
use crate::summary::Summary;

const NAMES: [&str; 8] = [
    "mahavishnu",
    "akosha",
    "session-buddy",
    "crackerjack",
    "excalidraw-mcp",
    "mailgun-mcp",
    "raindropio-mcp",
    "unifi-mcp",
];
const TOOLS: [&str; 10] = [
    "search",
    "recall",
    "deploy",
    "spawn",
    "summarise",
    "index",
    "sync",
    "embed",
    "plan",
    "fetch",
];
/// Start of the sample's hour, ms since the epoch (2025-11-30 22:00 UTC).
pub const START_MS: f64 = 1_764_540_000_000.0;
const HOUR_MS: f64 = 3_600_000.0;

/// A small deterministic generator (xorshift64*).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// 64 random bits.
    pub(crate) fn bits(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(crate) fn next(&mut self) -> f64 {
        (self.bits() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The name of service `i`.
pub fn service_name(i: usize) -> String {
    match NAMES.get(i) {
        Some(n) => n.to_string(),
        None => format!("mcp-worker-{:02}", i),
    }
}

/// The frames of an ecosystem of `services` services with `tools` tools each, latency
/// lines of `points` points (p50, p95, p99 per service) and `exemplars` exemplars.
/// Service 1 is down, service 0 has a failing tool and an exhausted pool, a few are warn.
pub fn frames(services: usize, tools: usize, points: usize, exemplars: usize) -> Frames {
    let t = Thresholds::default();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let names: Vec<String> = (0..services).map(service_name).collect();

    let mut rows: Vec<Row> = Vec::new();
    let (mut th_service, mut th_tool, mut th_success, mut th_calls, mut th_p95) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut th_status, mut th_reasons) = (Vec::new(), Vec::new());
    let (mut p_service, mut p_pool, mut p_workers, mut p_min, mut p_max) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut p_status, mut p_reasons) = (Vec::new(), Vec::new());

    for (i, name) in names.iter().enumerate() {
        let down = i == 1;
        let mut row = Row {
            name: name.clone(),
            up: if down { 0.0 } else { 1.0 },
            rate: 5.0 + 200.0 * rng.next(),
            errors: 0.4 * rng.next(),
            p95: 0.02 + 0.06 * rng.next(),
            cpu: 5.0 + 40.0 * rng.next(),
            memory: (0.3 + 2.5 * rng.next()) * 1024.0 * 1024.0 * 1024.0,
            sessions: (40.0 * rng.next()).round(),
            workers: 0.0,
            calls: 0.0,
            ok_calls: 0.0,
            status: Status::Ok,
            reasons: Vec::new(),
        };
        if i % 7 == 3 {
            row.p95 = 0.18 + 0.2 * rng.next();
        }
        if i % 11 == 9 {
            row.cpu = 84.0;
        }
        for (k, tool) in TOOLS.iter().cycle().take(tools).enumerate() {
            let calls = 0.5 + 20.0 * rng.next();
            let success = match (i, k) {
                (0, 2) => 62.5,
                (_, 1) if i % 5 == 2 => 93.0,
                _ => 97.0 + 3.0 * rng.next(),
            };
            let tool_name = if k < TOOLS.len() {
                tool.to_string()
            } else {
                format!("{tool}-{k}")
            };
            let band = t.tool_success_percent;
            let status = band.status(success);
            let reason = if status == Status::Ok {
                String::new()
            } else {
                format!(
                    "{tool_name} at {success} % success, under {} %",
                    band.crossed(status)
                )
            };
            if !down {
                row.judge(status, &reason);
            }
            row.calls += calls;
            row.ok_calls += calls * success / 100.0;
            th_service.push(name.clone());
            th_tool.push(tool_name);
            th_success.push(success);
            th_calls.push(calls);
            th_p95.push(0.01 + 0.2 * rng.next());
            th_status.push(status.as_str());
            th_reasons.push(reason);
        }
        for (k, pool) in ["cpu", "io"].iter().enumerate() {
            let workers = match (i, k) {
                (0, 1) => 0.0,
                (_, 0) if i % 13 == 7 => 2.0,
                _ => (3.0 + 6.0 * rng.next()).round(),
            };
            let min = if i % 9 == 8 {
                0.0
            } else {
                (workers - 2.0).max(workers.min(1.0))
            };
            let band = t.active_workers;
            let status = band.status(workers);
            let reason = match status {
                Status::Ok => String::new(),
                _ if workers < 0.5 => format!("{pool} pool has no active workers"),
                _ => format!("{pool} pool has {workers} active workers, 2 or fewer"),
            };
            if !down {
                row.judge(status, &reason);
            }
            row.workers += workers;
            p_service.push(name.clone());
            p_pool.push(pool.to_string());
            p_workers.push(workers);
            p_min.push(min);
            p_max.push(workers + (3.0 * rng.next()).round());
            p_status.push(status.as_str());
            p_reasons.push(reason);
        }
        if down {
            row.status = Status::Critical;
            row.reasons = vec!["target down".to_string()];
        } else {
            let p95 = t.p95_latency_seconds.status(row.p95);
            if p95 != Status::Ok {
                let reason = format!(
                    "p95 {:.0} ms, over {:.0} ms",
                    row.p95 * 1e3,
                    1e3 * t.p95_latency_seconds.crossed(p95)
                );
                row.judge(p95, &reason);
            }
            let cpu = t.cpu_percent.status(row.cpu);
            if cpu != Status::Ok {
                let reason = format!(
                    "CPU at {:.0} %, over {:.0} %",
                    row.cpu,
                    t.cpu_percent.crossed(cpu)
                );
                row.judge(cpu, &reason);
            }
        }
        rows.push(row);
    }
    // The backend writes the worst rows first.
    rows.sort_by_key(|r| std::cmp::Reverse(r.status));

    let mut f = Frames::new();
    let col = |rows: &[Row], get: fn(&Row) -> f64| rows.iter().map(get).collect::<Vec<f64>>();
    f.frame(cols::FRAME)
        .texts(columns::SERVICE, rows.iter().map(|r| r.name.as_str()))
        .numbers(cols::UP, col(&rows, |r| r.up))
        .numbers(
            cols::REQUEST_RATE,
            col(&rows, |r| if r.up < 1.0 { f64::NAN } else { r.rate }),
        )
        .numbers(cols::ERROR_PERCENT, col(&rows, |r| r.errors))
        .numbers(cols::P95, col(&rows, |r| r.p95))
        .numbers(
            cols::TOOL_SUCCESS,
            col(&rows, |r| 100.0 * r.ok_calls / r.calls),
        )
        .numbers(cols::TOOL_CALLS, col(&rows, |r| r.calls))
        .numbers(cols::WORKERS, col(&rows, |r| r.workers))
        .numbers(cols::SESSIONS, col(&rows, |r| r.sessions))
        .numbers(cols::CPU, col(&rows, |r| r.cpu))
        .numbers(cols::MEMORY, col(&rows, |r| r.memory))
        .texts(columns::STATUS, rows.iter().map(|r| r.status.as_str()))
        .texts(
            columns::REASONS,
            rows.iter()
                .map(|r| r.reasons.join(columns::REASONS_SEPARATOR)),
        );
    if tools > 0 {
        f.frame(tool_health::FRAME)
            .texts(columns::SERVICE, &th_service)
            .texts(tool_health::TOOL, &th_tool)
            .numbers(tool_health::CALLS, th_calls)
            .numbers(tool_health::SUCCESS, th_success)
            .numbers(tool_health::P95, th_p95)
            .texts(columns::STATUS, th_status)
            .texts(columns::REASONS, &th_reasons);
    }
    f.frame(pool_capacity::FRAME)
        .texts(columns::SERVICE, &p_service)
        .texts(pool_capacity::POOL, &p_pool)
        .numbers(pool_capacity::WORKERS, p_workers)
        .numbers(pool_capacity::MIN, p_min)
        .numbers(pool_capacity::MAX, p_max)
        .texts(columns::STATUS, p_status)
        .texts(columns::REASONS, &p_reasons);

    if points > 0 {
        let step = HOUR_MS / points as f64;
        let time: Vec<f64> = (0..points).map(|k| START_MS + k as f64 * step).collect();
        for (i, name) in names.iter().enumerate() {
            let base = 0.012 + 0.02 * rng.next();
            let phase = 6.0 * rng.next();
            for (p, factor) in [(50, 1.0), (95, 2.6), (99, 4.2)] {
                let values: Vec<f64> = (0..points)
                    .map(|k| {
                        let x = k as f64 / points as f64;
                        let wave = 1.0 + 0.25 * (x * 12.0 + phase).sin();
                        let noise = 1.0 + 0.06 * (x * 170.0 + phase * 3.0).sin();
                        let spike = if i == 0 && (0.62..0.66).contains(&x) {
                            3.0
                        } else {
                            1.0
                        };
                        if i == 1 && x > 0.8 {
                            f64::NAN
                        } else {
                            base * factor * wave * noise * spike
                        }
                    })
                    .collect();
                f.frame(&format!("{name} p{p}"))
                    .numbers(columns::TIME, time.clone())
                    .numbers(columns::VALUE, values)
                    .label(latency::JOB_LABEL, name)
                    .label(latency::PERCENTILE_LABEL, &p.to_string());
            }
        }
    }

    if exemplars > 0 {
        let mut time = Vec::with_capacity(exemplars);
        let mut value = Vec::with_capacity(exemplars);
        let (mut job, mut status, mut trace) = (Vec::new(), Vec::new(), Vec::new());
        for k in 0..exemplars {
            let i = (rng.next() * services.max(1) as f64) as usize % services.max(1);
            time.push(START_MS + HOUR_MS * k as f64 / exemplars as f64);
            let failing = rng.next() < 0.03;
            let v = 0.01
                + 0.08 * rng.next() * rng.next()
                + if failing { 0.1 * rng.next() } else { 0.0 };
            value.push(v);
            job.push(service_name(i));
            status.push(if failing { "503" } else { "200" });
            trace.push(format!(
                "{:016x}{:016x}",
                k as u64 * 0x9e37_79b9,
                i as u64 + 1
            ));
        }
        f.frame(exemplar::FRAME)
            .numbers(columns::TIME, time)
            .numbers(columns::VALUE, value)
            .texts(latency::JOB_LABEL, &job)
            .texts(exemplar::STATUS_LABEL, status)
            .texts("trace_id", &trace)
            .link("https://tempo.example/trace/${__value.raw}");
    }
    f
}

/// [`frames`] read into a [`Summary`].
pub fn ecosystem(services: usize, tools: usize, points: usize, exemplars: usize) -> Summary {
    Summary::from_frames(frames(services, tools, points, exemplars))
        .expect("the sample frames are an ecosystemSummary answer")
}

struct Row {
    name: String,
    up: f64,
    rate: f64,
    errors: f64,
    p95: f64,
    cpu: f64,
    memory: f64,
    sessions: f64,
    workers: f64,
    calls: f64,
    ok_calls: f64,
    status: Status,
    reasons: Vec<String>,
}

impl Row {
    fn judge(&mut self, status: Status, reason: &str) {
        if status != Status::Ok {
            self.status = self.status.max(status);
            self.reasons.push(reason.to_string());
        }
    }
}

/// A surface that draws nothing and counts what it was asked to draw: for measuring the
/// renderer's own cost and for checking that steady redraws do not allocate.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Rectangles filled or outlined.
    pub rects: usize,
    /// Path segments and circles.
    pub path_points: usize,
    /// Texts drawn.
    pub texts: usize,
    /// The pixels the lines are drawn into, reused, and where: `[x, y, w, h]`.
    pixels: Vec<u32>,
    layer: Option<[i32; 4]>,
}

impl Tally {
    /// Counts from zero again, keeping the pixels' buffer.
    pub fn reset(&mut self) {
        (self.rects, self.path_points, self.texts) = (0, 0, 0);
    }
}

impl crate::Surface for Tally {
    fn fill_rect(&mut self, _: crate::Rect, _: crate::Colour) {
        self.rects += 1;
    }
    fn stroke_rect(&mut self, _: crate::Rect, _: crate::Colour, _: f32) {
        self.rects += 1;
    }
    fn begin_path(&mut self) {}
    fn move_to(&mut self, _: f32, _: f32) {
        self.path_points += 1;
    }
    fn line_to(&mut self, _: f32, _: f32) {
        self.path_points += 1;
    }
    fn circle(&mut self, _: f32, _: f32, _: f32) {
        self.path_points += 1;
    }
    fn square(&mut self, _: f32, _: f32, _: f32) {
        self.path_points += 1;
    }
    fn begin_pixels(&mut self, area: crate::Rect) {
        let (w, h) = (area.w.round() as i32, area.h.round() as i32);
        self.pixels.clear();
        self.pixels.resize((w * h) as usize, 0);
        self.layer = Some([area.x.round() as i32, area.y.round() as i32, w, h]);
    }
    fn pixels(&mut self) -> Option<crate::draw::Pixels<'_>> {
        let [x, y, w, h] = self.layer?;
        Some(crate::draw::Pixels {
            rgba: &mut self.pixels,
            x,
            y,
            w,
            h,
        })
    }
    fn end_pixels(&mut self) {
        self.layer = None;
    }
    fn stroke(&mut self, _: crate::Colour, _: f32) {}
    fn fill(&mut self, _: crate::Colour) {}
    fn text(&mut self, _: &str, _: f32, _: f32, _: crate::Font, _: crate::Colour, _: crate::Align) {
        self.texts += 1;
    }
    fn text_width(&mut self, text: &str, font: crate::Font) -> f32 {
        text.chars().count() as f32 * font.size * 0.55
    }
}

/// A surface that draws nothing and keeps every text it was asked to draw, with where and
/// in which font: for tests of what the panel says. Texts measure 0.6 of the font size per
/// character (Inter's bold digits and lower case are a little narrower).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextLog {
    /// `(text, x, y, font, colour)` in the order drawn.
    pub texts: Vec<(String, f32, f32, crate::Font, crate::Colour)>,
}

impl TextLog {
    /// The texts drawn with their anchor inside `r`.
    pub fn inside(&self, r: crate::Rect) -> impl Iterator<Item = (&str, crate::Font)> {
        self.texts
            .iter()
            .filter(move |(_, x, y, ..)| r.contains(*x, *y))
            .map(|(t, _, _, f, _)| (t.as_str(), *f))
    }
}

impl crate::Surface for TextLog {
    fn fill_rect(&mut self, _: crate::Rect, _: crate::Colour) {}
    fn stroke_rect(&mut self, _: crate::Rect, _: crate::Colour, _: f32) {}
    fn begin_path(&mut self) {}
    fn move_to(&mut self, _: f32, _: f32) {}
    fn line_to(&mut self, _: f32, _: f32) {}
    fn circle(&mut self, _: f32, _: f32, _: f32) {}
    fn square(&mut self, _: f32, _: f32, _: f32) {}
    fn pixels(&mut self) -> Option<crate::draw::Pixels<'_>> {
        None
    }
    fn stroke(&mut self, _: crate::Colour, _: f32) {}
    fn fill(&mut self, _: crate::Colour) {}
    fn text(
        &mut self,
        text: &str,
        x: f32,
        y: f32,
        font: crate::Font,
        colour: crate::Colour,
        _: crate::Align,
    ) {
        self.texts.push((text.to_string(), x, y, font, colour));
    }
    fn text_width(&mut self, text: &str, font: crate::Font) -> f32 {
        text.chars().count() as f32 * font.size * 0.6
    }
}
