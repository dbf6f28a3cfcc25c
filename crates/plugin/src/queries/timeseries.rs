//! What every time series query type shares: running range queries concurrently and
//! shaping each series as a `timeseries-multi` frame.

use std::collections::BTreeMap;

use futures::future::try_join_all;
use mcp_frames::{Field, FieldConfig, FieldValues, Frame, FrameMeta, FrameType, Notice};
use mcp_model::{format_duration, legend, Step};

use super::table::Column;
use super::{Context, QueryFailure};

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

/// Runs `queries` concurrently over the range of `step`; one frame per series, in order.
pub async fn run(
    ctx: &Context<'_>,
    step: &Step,
    queries: Vec<RangeQuery>,
) -> Result<Vec<Frame>, QueryFailure> {
    let answers = try_join_all(
        queries
            .iter()
            .map(|q| ctx.prometheus.query_range(&q.expr, step)),
    )
    .await?;
    let mut frames = Vec::new();
    let mut empty = Vec::new();
    let mut notices: Vec<Notice> = Vec::new();
    for (q, answer) in queries.iter().zip(answers) {
        let executed = executed_query(&q.expr, step);
        notices.extend(answer.warnings.iter().map(Notice::warning));
        if answer.data.is_empty() {
            empty.push(q);
            continue;
        }
        for series in answer.data {
            let mut labels = series.labels;
            for (k, v) in &q.extra_labels {
                labels.insert(k.clone(), v.clone());
            }
            frames.push(series_frame(
                q,
                step,
                labels,
                series.timestamps,
                series.values,
                &executed,
                notices.clone(),
            ));
        }
    }
    // An empty answer is one frame with a notice naming what matched nothing.
    if frames.is_empty() {
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
        frames.push(empty_frame(unit, &executed, notices));
    }
    Ok(frames)
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
    executed: &str,
    notices: Vec<Notice>,
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
        .with_meta(meta(executed, notices))
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

fn empty_frame(unit: &str, executed: &str, notices: Vec<Notice>) -> Frame {
    Frame::new("")
        .with_meta(meta(executed, notices))
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
