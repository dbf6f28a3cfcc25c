//! What every time series query type shares: running range queries concurrently and
//! shaping each series as a `timeseries-multi` frame.

use std::collections::BTreeMap;

use bytes::Bytes;
use futures::future::try_join_all;
use mcp_frames::{
    Field, FieldConfig, FieldValues, Frame, FrameError, FrameMeta, FrameType, Notice,
};
use mcp_model::{format_duration, legend, Step};

use super::table::Column;
use super::{charged, encode, encode_frame, encoding_failed, with_meta, Context, QueryFailure};
use crate::upstream::Series;

/// One PromQL range query and how its series are shown.
pub struct RangeQuery {
    /// What the query answers, in a few words (the preview shows it).
    pub purpose: String,
    /// The PromQL.
    pub expr: String,
    /// Grafana unit of the values.
    pub unit: &'static str,
    /// Legend template, `{{label}}` style; empty for none.
    pub legend: String,
    /// Labels added to every series (such as the percentile).
    pub extra_labels: Vec<(String, String)>,
    /// Keep NaN samples as NaN (the user's own PromQL) instead of gaps.
    pub keep_nan: bool,
}

impl RangeQuery {
    /// A query answering `purpose`, with a legend and no extra labels.
    pub fn new(purpose: &str, expr: String, unit: &'static str, legend: &str) -> RangeQuery {
        RangeQuery {
            purpose: purpose.to_string(),
            expr,
            unit,
            legend: legend.to_string(),
            extra_labels: Vec::new(),
            keep_nan: false,
        }
    }

    /// The same query with NaN samples kept as they are.
    pub fn keeping_nan(mut self) -> RangeQuery {
        self.keep_nan = true;
        self
    }

    /// The same query with `metric=<name>` on every series, so several metrics of one
    /// entity stay apart (alerting needs unique label sets).
    pub fn metric(mut self, name: &str) -> RangeQuery {
        self.extra_labels
            .push(("metric".to_string(), name.to_string()));
        self
    }
}

/// The time series of a per-job table's columns: each column over time, legend
/// `<job> <column>`, labelled with the column's metric.
pub fn columns_over_time(columns: Vec<Column>) -> Vec<RangeQuery> {
    columns
        .into_iter()
        .map(|c| {
            RangeQuery::new(c.title, c.expr, c.unit, &format!("{{{{job}}}} {}", c.title))
                .metric(c.metric)
        })
        .collect()
}

/// The frames of range queries, one per series in query order, as Arrow IPC: each series'
/// frame is encoded as soon as the series is complete in the body, so the samples of the
/// series are never all held at once.
pub struct Lines {
    frames: Vec<Bytes>,
    /// The meta the first frame was encoded with.
    first_meta: FrameMeta,
}

impl Lines {
    /// Adds `notices` to the first frame's meta.
    pub async fn notify_first(
        &mut self,
        notices: impl IntoIterator<Item = Notice>,
    ) -> Result<(), QueryFailure> {
        let before = self.first_meta.notices.len();
        self.first_meta.notices.extend(notices);
        if self.first_meta.notices.len() == before {
            return Ok(());
        }
        if let Some(first) = self.frames.first_mut() {
            *first = with_meta(first, &self.first_meta).await?;
        }
        Ok(())
    }

    /// The encoded frames.
    pub fn into_frames(self) -> Vec<Bytes> {
        self.frames
    }
}

/// Runs `queries` concurrently over the range of `step`; one frame per series, in order.
pub async fn run(
    ctx: &Context<'_>,
    step: &Step,
    queries: Vec<RangeQuery>,
) -> Result<Lines, QueryFailure> {
    let answers = try_join_all(queries.iter().map(|q| async move {
        let mut encoder = SeriesEncoder {
            q,
            step,
            executed: executed_query(&q.expr, step),
            ref_id: ctx.ref_id,
            frames: Vec::new(),
            failed: None,
        };
        let answer = ctx
            .prometheus
            .query_range(&q.expr, step, &mut |series| encoder.encode(series))
            .await?;
        match encoder.failed {
            Some(e) => Err(encoding_failed(ctx.ref_id, &e)),
            None => Ok((answer.warnings, encoder.executed, encoder.frames)),
        }
    }))
    .await?;
    let mut frames = Vec::new();
    let mut first_meta = None;
    let mut empty = Vec::new();
    let mut notices: Vec<Notice> = Vec::new();
    for (q, (warnings, executed, encoded)) in queries.iter().zip(answers) {
        notices.extend(warnings.iter().map(Notice::warning));
        if encoded.is_empty() {
            empty.push(q);
            continue;
        }
        // The series were encoded before the answer's warnings were read (they follow the
        // data): frames that carry notices get their meta now.
        let meta = meta(&executed, notices.clone());
        for bytes in encoded {
            frames.push(if notices.is_empty() {
                bytes
            } else {
                with_meta(&bytes, &meta).await?
            });
        }
        first_meta.get_or_insert(meta);
    }
    if let Some(first_meta) = first_meta {
        return Ok(Lines { frames, first_meta });
    }
    // An empty answer is one frame with a notice naming what matched nothing.
    let exprs: Vec<&str> = empty.iter().map(|q| q.expr.as_str()).collect();
    let executed = exprs
        .iter()
        .map(|e| executed_query(e, step))
        .collect::<Vec<_>>()
        .join("\n");
    let unit = queries.first().map(|q| q.unit).unwrap_or("");
    notices.push(Notice::info(format!(
        "No data: nothing matched {} in this time range.",
        exprs.join(" nor ")
    )));
    let first_meta = meta(&executed, notices);
    let frames = encode(vec![empty_frame(unit, first_meta.clone())], ctx.ref_id).await?;
    Ok(Lines { frames, first_meta })
}

/// Encodes the frame of each series of one range query as the series arrives.
struct SeriesEncoder<'a> {
    q: &'a RangeQuery,
    step: &'a Step,
    executed: String,
    ref_id: &'a str,
    frames: Vec<Bytes>,
    /// The first failure; later series are dropped.
    failed: Option<FrameError>,
}

impl SeriesEncoder<'_> {
    /// Encodes the series' frame (without notices yet) and answers the bytes now held.
    fn encode(&mut self, series: Series) -> u64 {
        if self.failed.is_some() {
            return 0;
        }
        let mut labels = series.labels;
        for (k, v) in &self.q.extra_labels {
            labels.insert(k.clone(), v.clone());
        }
        let frame = series_frame(
            self.q,
            self.step,
            labels,
            series.timestamps,
            series.values,
            meta(&self.executed, Vec::new()),
        );
        match encode_frame(frame, self.ref_id) {
            Ok(bytes) => {
                let held = charged(&bytes);
                self.frames.push(bytes);
                held
            }
            Err(e) => {
                self.failed = Some(e);
                0
            }
        }
    }
}

/// The query text Grafana's Prometheus datasource shows in the query inspector.
pub fn executed_query(expr: &str, step: &Step) -> String {
    format!(
        "Expr: {expr}\nStep: {}",
        format_duration(step.step_ms as u64)
    )
}

fn meta(executed: &str, notices: Vec<Notice>) -> FrameMeta {
    let mut meta =
        FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1]).with_executed_query(executed);
    meta.notices = notices;
    meta
}

fn series_frame(
    q: &RangeQuery,
    step: &Step,
    labels: BTreeMap<String, String>,
    timestamps: Vec<i64>,
    values: Vec<f64>,
    meta: FrameMeta,
) -> Frame {
    let display = if q.legend.is_empty() {
        String::new()
    } else {
        legend::render(&q.legend, &labels)
    };
    let value_config = FieldConfig {
        unit: q.unit.to_string(),
        display_name_from_ds: display.clone(),
        ..FieldConfig::default()
    };
    let time_config = FieldConfig {
        interval: Some(step.step_ms as f64),
        ..FieldConfig::default()
    };
    let name = if display.is_empty() {
        labels_text(&labels)
    } else {
        display
    };
    Frame::new(name)
        .with_meta(meta)
        .with_field(Field::time("Time", timestamps).with_config(time_config))
        .with_field(
            Field::new("Value", values_field(values, q.keep_nan))
                .with_labels(labels)
                .with_config(value_config),
        )
}

/// Values as a nullable column; NaN (0/0 of an idle entity) becomes a gap unless kept.
fn values_field(values: Vec<f64>, keep_nan: bool) -> FieldValues {
    let valid = (!keep_nan && values.iter().any(|v| v.is_nan()))
        .then(|| values.iter().map(|v| !v.is_nan()).collect());
    FieldValues::NullableF64Dense { values, valid }
}

fn empty_frame(unit: &str, meta: FrameMeta) -> Frame {
    Frame::new("")
        .with_meta(meta)
        .with_field(Field::time("Time", Vec::new()))
        .with_field(
            Field::nullable_f64_dense("Value", Vec::new())
                .with_config(FieldConfig::with_unit(unit)),
        )
}

fn labels_text(labels: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Known;
    use crate::settings::Settings;
    use crate::testing::{context, serve_in_pieces};
    use crate::upstream::{parse_matrix, Prometheus};

    /// A range answer whose warnings follow its data, as Prometheus writes them: NaN gaps,
    /// an escaped label, a series without samples.
    const BODY: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"__name__":"up","job":"a\"b"},"values":[[1700000000,"1"],[1700000015,"NaN"],[1700000030,"+Inf"]]},
        {"metric":{"job":"c"},"values":[[1700000000,"0.25"]]},
        {"metric":{"job":"d"},"values":[]}]},"warnings":["partial answer"],"infos":["metric might not be a counter"]}"#;

    #[tokio::test]
    async fn series_encoded_as_they_arrive_are_the_frames_built_after_the_answer() {
        let instance = grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings {
            url: serve_in_pieces(BODY, 37).await.0,
            json_data: br#"{"compression":"none"}"#.to_vec(),
            ..Default::default()
        };
        let settings = Settings::from_instance(&instance).unwrap();
        let prometheus = Prometheus::new(&settings).unwrap();
        let engine = Known::default();
        let ctx = context(
            &settings,
            &prometheus,
            &engine,
            1_700_000_000_000,
            1_700_000_030_000,
        );
        let step = ctx.step();
        let queries = || {
            vec![
                RangeQuery::new("first", "up".to_string(), "short", "{{job}}"),
                RangeQuery::new("second", "up".to_string(), "", "")
                    .keeping_nan()
                    .metric("m"),
            ]
        };
        let mut lines = run(&ctx, &step, queries()).await.unwrap();
        lines
            .notify_first([Notice::warning("Exemplars are not shown: none")])
            .await
            .unwrap();
        let got = lines.into_frames();

        // The frames as they were built before streaming: from the whole answer.
        let answer = parse_matrix(BODY.as_bytes()).unwrap();
        let mut notices = Vec::new();
        let mut want = Vec::new();
        for q in queries() {
            let executed = executed_query(&q.expr, &step);
            notices.extend(answer.warnings.iter().map(Notice::warning));
            for series in answer.data.clone() {
                let mut labels = series.labels;
                for (k, v) in &q.extra_labels {
                    labels.insert(k.clone(), v.clone());
                }
                let mut meta = meta(&executed, notices.clone());
                if want.is_empty() {
                    meta.notices
                        .push(Notice::warning("Exemplars are not shown: none"));
                }
                let frame = series_frame(&q, &step, labels, series.timestamps, series.values, meta);
                want.push(frame.with_ref_id("A").into_arrow_ipc().unwrap());
            }
        }
        assert_eq!(answer.warnings.len(), 2);
        assert_eq!(got.len(), 6);
        for (i, (got, want)) in got.iter().zip(&want).enumerate() {
            assert_eq!(got.as_ref(), want.as_slice(), "frame {i}");
        }
    }
}
