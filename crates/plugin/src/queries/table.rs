//! What every table query type shares: instant queries joined into one row per entity,
//! judged into a status with reasons, shaped as one wide frame (or, for alerting, as
//! numeric frames with labels).

use std::collections::BTreeMap;

use futures::future::try_join_all;
use mcp_frames::{
    Field, FieldConfig, Frame, FrameMeta, FrameType, Notice, Threshold, ThresholdsConfig,
    ThresholdsMode, ValueMapping, ValueMappingResult,
};
use mcp_model::{columns, Band, Direction, Status};

use super::{Context, QueryFailure};

/// A label that identifies rows, and its column title.
pub struct Key {
    /// Label name in the PromQL result.
    pub label: &'static str,
    /// Column title.
    pub title: &'static str,
}

impl Key {
    /// Rows identified by `label`, shown in the column `title`.
    pub fn new(label: &'static str, title: &'static str) -> Key {
        Key { label, title }
    }
}

/// The group-by labels of a table with `keys`: `job, tool_name`.
pub fn by(keys: &[Key]) -> String {
    keys.iter().map(|k| k.label).collect::<Vec<_>>().join(", ")
}

/// A value column: one instant PromQL per column.
pub struct Column {
    /// Column title.
    pub title: &'static str,
    /// Label value of `metric` on alerting frames (snake case).
    pub metric: &'static str,
    /// Grafana unit.
    pub unit: &'static str,
    /// Instant PromQL, aggregated by the table's key labels.
    pub expr: String,
    /// Band colouring the column, if it decides status.
    pub band: Option<Band>,
}

impl Column {
    /// A column `title` of `unit` values from `expr`, labelled `metric` for alerting.
    pub fn new(
        title: &'static str,
        metric: &'static str,
        unit: &'static str,
        expr: String,
    ) -> Column {
        Column {
            title,
            metric,
            unit,
            expr,
            band: None,
        }
    }

    /// The same column coloured by `band`, if any.
    pub fn with_band(mut self, band: impl Into<Option<Band>>) -> Column {
        self.band = band.into();
        self
    }
}

/// A table query: key labels and value columns.
pub struct Table {
    /// Row identity.
    pub keys: Vec<Key>,
    /// Values.
    pub columns: Vec<Column>,
}

/// One entity: its key label values and one value per column (NaN when absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Values of the key labels, in key order.
    pub key: Vec<String>,
    /// Column values, in column order.
    pub values: Vec<f64>,
}

impl Row {
    fn get(&self, i: usize) -> Option<f64> {
        self.values.get(i).copied().filter(|v| !v.is_nan())
    }
}

/// One row read by column title and key label, as judges read it.
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> Cells<'a> {
    /// `row` of `table`.
    pub fn new(table: &'a Table, row: &'a Row) -> Cells<'a> {
        Cells { table, row }
    }

    /// The value of the column titled `title`, `None` when absent or NaN.
    pub fn get(&self, title: &str) -> Option<f64> {
        let i = self.table.columns.iter().position(|c| c.title == title);
        debug_assert!(i.is_some(), "no column {title:?}");
        i.and_then(|i| self.row.get(i))
    }

    /// The calls in a rate window of `window_s` seconds behind the rate (per second) in
    /// the column titled `title`; 0 when absent.
    pub fn calls(&self, title: &str, window_s: f64) -> f64 {
        self.get(title).unwrap_or(0.0) * window_s
    }

    /// The value of the key label `label`, empty when absent.
    pub fn key(&self, label: &str) -> &'a str {
        let i = self.table.keys.iter().position(|k| k.label == label);
        debug_assert!(i.is_some(), "no key {label:?}");
        i.and_then(|i| self.row.key.get(i))
            .map_or("", String::as_str)
    }
}

/// A row's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The worst status found.
    pub status: Status,
    /// Why, in plain words; empty when ok.
    pub reasons: Vec<String>,
}

impl Verdict {
    /// An ok verdict.
    pub fn ok() -> Verdict {
        Verdict {
            status: Status::Ok,
            reasons: Vec::new(),
        }
    }

    /// Adds `value` judged by `band`, describing it with `describe(value, bound)` if not ok.
    pub fn judge(
        &mut self,
        band: Band,
        value: Option<f64>,
        describe: impl FnOnce(f64, f64) -> String,
    ) {
        let Some(v) = value else { return };
        let s = band.status(v);
        if s != Status::Ok {
            self.reasons.push(describe(v, band.crossed(s)));
            self.status = self.status.max(s);
        }
    }

    /// Adds the success share `value` of `what` judged by `band`, only when it rests on
    /// enough `calls` in the rate window ([`enough_calls`]); over fewer it says nothing.
    pub fn judge_share(&mut self, band: Band, what: &str, value: Option<f64>, calls: f64) {
        if enough_calls(band, calls) {
            self.judge(band, value, |x, bound| low_success(what, x, bound));
        }
    }
}

/// Rows fetched for a table, with Prometheus's warnings.
pub struct Fetched {
    /// Rows sorted by key.
    pub rows: Vec<Row>,
    /// Warnings as notices.
    pub notices: Vec<Notice>,
    /// The PromQL run, one line per column.
    pub executed: String,
}

impl Table {
    /// Runs every column's PromQL concurrently at the end of the range and joins rows.
    pub async fn fetch(&self, ctx: &Context<'_>) -> Result<Fetched, QueryFailure> {
        let at = ctx.to_ms;
        let answers = try_join_all(
            self.columns
                .iter()
                .map(|c| ctx.prometheus.query(&c.expr, at)),
        )
        .await?;
        let mut rows: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
        let mut notices = Vec::new();
        for (i, answer) in answers.into_iter().enumerate() {
            notices.extend(answer.warnings.iter().map(Notice::warning));
            for sample in answer.data {
                let key: Vec<String> = self
                    .keys
                    .iter()
                    .map(|k| sample.labels.get(k.label).cloned().unwrap_or_default())
                    .collect();
                let values = rows
                    .entry(key)
                    .or_insert_with(|| vec![f64::NAN; self.columns.len()]);
                values[i] = sample.value;
            }
        }
        let executed = self
            .columns
            .iter()
            .map(|c| c.expr.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        Ok(Fetched {
            rows: rows
                .into_iter()
                .map(|(key, values)| Row { key, values })
                .collect(),
            notices,
            executed,
        })
    }

    /// One wide frame: key columns, value columns, status and reasons; worst rows first.
    pub fn frame(&self, name: &str, fetched: Fetched, verdicts: Vec<Verdict>) -> Frame {
        let mut order: Vec<usize> = (0..fetched.rows.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(verdicts[i].status));
        let mut meta =
            FrameMeta::of_type(FrameType::Table, [0, 1]).with_executed_query(fetched.executed);
        meta.notices = fetched.notices;
        if fetched.rows.is_empty() {
            meta.notices.push(Notice::info(format!(
                "No data: no {} matched the filters at the end of this time range.",
                self.keys.last().map(|k| k.title).unwrap_or("entity")
            )));
        }
        let mut frame = Frame::new(name).with_meta(meta);
        for (k, key) in self.keys.iter().enumerate() {
            let values = order
                .iter()
                .map(|&i| fetched.rows[i].key[k].clone())
                .collect();
            frame = frame.with_field(Field::str(key.title, values));
        }
        for (c, column) in self.columns.iter().enumerate() {
            let values = order.iter().map(|&i| fetched.rows[i].get(c)).collect();
            let config = FieldConfig {
                unit: column.unit.to_string(),
                thresholds: column.band.map(colour_steps),
                ..FieldConfig::default()
            };
            frame = frame.with_field(Field::nullable_f64(column.title, values).with_config(config));
        }
        let statuses = order
            .iter()
            .map(|&i| verdicts[i].status.as_str().to_string())
            .collect();
        let reasons = order
            .iter()
            .map(|&i| verdicts[i].reasons.join(columns::REASONS_SEPARATOR))
            .collect();
        frame
            .with_field(Field::str(columns::STATUS, statuses).with_config(status_config()))
            .with_field(Field::str(columns::REASONS, reasons))
    }

    /// Frames Grafana's alerting can reduce: one numeric frame per row and column, and
    /// one per row for the status level (0 ok, 1 warn, 2 critical), labelled by the key
    /// labels and `metric`.
    pub fn alert_frames(&self, fetched: &Fetched, verdicts: &[Verdict]) -> Vec<Frame> {
        let mut frames = Vec::new();
        for (row, verdict) in fetched.rows.iter().zip(verdicts) {
            let labels = |metric: &str| {
                let mut l: BTreeMap<String, String> = self
                    .keys
                    .iter()
                    .zip(&row.key)
                    .map(|(k, v)| (k.label.to_string(), v.clone()))
                    .collect();
                l.insert("metric".to_string(), metric.to_string());
                l
            };
            for (c, column) in self.columns.iter().enumerate() {
                let Some(v) = row.get(c) else { continue };
                frames.push(numeric_frame(
                    column.metric,
                    labels(column.metric),
                    v,
                    column.unit,
                ));
            }
            frames.push(numeric_frame(
                "status",
                labels("status"),
                verdict.status.level(),
                "",
            ));
        }
        frames
    }
}

fn numeric_frame(name: &str, labels: BTreeMap<String, String>, value: f64, unit: &str) -> Frame {
    Frame::new(name)
        .with_meta(FrameMeta::of_type(FrameType::NumericMulti, [0, 1]))
        .with_field(
            Field::f64("Value", vec![value])
                .with_labels(labels)
                .with_config(FieldConfig::with_unit(unit)),
        )
}

/// Field thresholds matching the band, so built-in panels colour values as statuses read.
fn colour_steps(band: Band) -> ThresholdsConfig {
    let steps = match band.direction {
        Direction::HigherIsWorse => vec![
            Threshold::new(None, "green"),
            Threshold::new(Some(band.warn), "orange"),
            Threshold::new(Some(band.critical.next_up()), "red"),
        ],
        Direction::LowerIsWorse => vec![
            Threshold::new(None, "red"),
            Threshold::new(Some(band.critical), "orange"),
            Threshold::new(Some(band.warn.next_up()), "green"),
        ],
    };
    ThresholdsConfig {
        mode: ThresholdsMode::Absolute,
        steps,
    }
}

fn status_config() -> FieldConfig {
    let mut map = BTreeMap::new();
    for (i, (text, color)) in [("ok", "green"), ("warn", "orange"), ("critical", "red")]
        .into_iter()
        .enumerate()
    {
        map.insert(
            text.to_string(),
            ValueMappingResult {
                text: String::new(),
                color: color.to_string(),
                index: i as i32,
            },
        );
    }
    let mut custom = serde_json::Map::new();
    custom.insert(
        "cellOptions".to_string(),
        serde_json::json!({ "type": "color-background" }),
    );
    FieldConfig {
        mappings: vec![ValueMapping::Value(map)],
        custom: Some(custom),
        ..FieldConfig::default()
    }
}

/// Whether `calls` calls are enough to judge their success share in `band`: a share is
/// judged once a single failure can no longer take it past the warn bound by itself, that
/// is over at least `100 / (100 - warn)` calls (20 under a 95 % warn bound). Fewer calls,
/// as in a short rate window over a tool, agent, adapter, sync or session operation used
/// a few times a second, or in the first seconds of a new series, show their share
/// without calling it warn or critical. Every success share is judged through this.
pub fn enough_calls(band: Band, calls: f64) -> bool {
    let margin = 100.0 - band.warn;
    margin <= 0.0 || calls * margin >= 100.0 * (1.0 - 1e-12)
}

/// "`what` at 78 % success, under 90 %": the reason of a success share in a band.
pub fn low_success(what: &str, value: f64, bound: f64) -> String {
    format!(
        "{what} at {} success, {} {}",
        percent(value),
        past(value, bound, "under"),
        percent(bound)
    )
}

/// "`what` 620 ms, over 500 ms": the reason of a level in a band, written with `unit`.
pub fn too_high(what: &str, value: f64, bound: f64, unit: fn(f64) -> String) -> String {
    format!(
        "{what} {}, {} {}",
        unit(value),
        past(value, bound, "over"),
        unit(bound)
    )
}

/// `word` ("under", "over") when `value` is past `bound`, "at the bound of" when it sits
/// on it, so that no reason says 95 % is under 95 %.
fn past(value: f64, bound: f64, word: &'static str) -> &'static str {
    if Band::is_at(value, bound) {
        "at the bound of"
    } else {
        word
    }
}

/// `78.5 %`, `94.99 %`, `100 %`.
pub fn percent(v: f64) -> String {
    format!("{} %", trim(v, 2))
}

/// `620 ms`, `1.2 s`.
pub fn seconds(v: f64) -> String {
    if v < 1.0 {
        format!("{} ms", trim(v * 1000.0, 1))
    } else {
        format!("{} s", trim(v, 2))
    }
}

/// `8.5 GiB`, `512 MiB`.
pub fn bytes(v: f64) -> String {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    if v >= GIB {
        format!("{} GiB", trim(v / GIB, 2))
    } else {
        format!("{} MiB", trim(v / (1024.0 * 1024.0), 1))
    }
}

fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Fetches `table`, judges each row, and shapes the answer for a panel or for alerting.
pub async fn run(
    ctx: &Context<'_>,
    name: &str,
    table: Table,
    judge: impl Fn(&Cells<'_>) -> Verdict,
) -> Result<Vec<Frame>, QueryFailure> {
    let fetched = table.fetch(ctx).await?;
    let verdicts: Vec<Verdict> = fetched
        .rows
        .iter()
        .map(|row| judge(&Cells::new(&table, row)))
        .collect();
    Ok(if ctx.from_alert {
        table.alert_frames(&fetched, &verdicts)
    } else {
        vec![table.frame(name, fetched, verdicts)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_judged_once_one_failure_cannot_cross_the_warn_bound() {
        let band = |warn| Band {
            warn,
            critical: 90.0,
            direction: Direction::LowerIsWorse,
        };
        assert!(!enough_calls(band(95.0), 19.9));
        assert!(enough_calls(band(95.0), 20.0));
        assert!(enough_calls(band(95.0), 19.999_999_999_999_996));
        assert!(!enough_calls(band(99.0), 99.0));
        assert!(enough_calls(band(99.0), 100.0));
        assert!(!enough_calls(band(95.0), 0.0));
        assert!(!enough_calls(band(95.0), f64::NAN));
        assert!(
            enough_calls(band(100.0), 1.0),
            "a 100 % bound leaves no margin to wait for"
        );
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(percent(78.0), "78 %");
        assert_eq!(percent(94.994), "94.99 %");
        assert_eq!(seconds(0.62), "620 ms");
        assert_eq!(seconds(1.25), "1.25 s");
        assert_eq!(bytes(8.5 * 1024.0 * 1024.0 * 1024.0), "8.5 GiB");
    }

    #[test]
    fn a_value_on_its_bound_is_at_it_not_past_it() {
        assert_eq!(past(95.0, 95.0, "under"), "at the bound of");
        assert_eq!(
            past(95.000_000_000_000_01, 95.0, "under"),
            "at the bound of"
        );
        assert_eq!(past(94.99, 95.0, "under"), "under");
    }

    #[test]
    fn verdict_keeps_the_worst_status_and_every_reason() {
        let band = mcp_model::Thresholds::default().tool_success_percent;
        let mut v = Verdict::ok();
        v.judge(band, Some(93.0), |x, b| {
            format!("{} under {}", percent(x), percent(b))
        });
        v.judge(band, Some(80.0), |x, b| {
            format!("{} under {}", percent(x), percent(b))
        });
        v.judge(band, None, |_, _| unreachable!());
        assert_eq!(v.status, Status::Critical);
        assert_eq!(v.reasons, vec!["93 % under 95 %", "80 % under 90 %"]);
    }
}
