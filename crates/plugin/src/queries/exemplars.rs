//! `exemplars`: exemplars of the request or tool duration histogram in the panel's range,
//! shaped as Grafana's Prometheus datasource shapes them (one long frame named `exemplar`:
//! `Time`, `Value`, one text field per label), with the trace id field linking to the
//! configured trace backend. As time series (the default) the frame has the annotations
//! data topic, as Grafana's Prometheus datasource gives it, so time series panels draw it as
//! exemplar dots; as a table it has none, so table panels list it.
//!
//! Which exemplars are kept when there are more than `limit` is decided by [`select`]:
//! per series the failing ones first, then each series' slowest, then the rest spread over
//! the range. Grafana's own sampling keeps exemplars near the median; an operator opening
//! exemplars wants the calls that went wrong.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;

use bytes::Bytes;
use futures::future::join;
use mcp_frames::{
    DataLink, DataTopic, Field, FieldConfig, Frame, FrameMeta, Notice, NoticeSeverity,
};
use mcp_model::columns::{self, exemplar};
use mcp_model::promql::Selector;
use mcp_model::{ExemplarSource, Family, Format, Query};
use serde_json::json;

use super::timeseries::Lines;
use super::{encode, Context, Plan, QueryFailure};
use crate::upstream::{ExemplarSeries, UpstreamError};

/// Exemplars alone; alerting cannot reduce them.
pub fn plan(ctx: &Context<'_>, query: &Query) -> Result<Plan, QueryFailure> {
    if ctx.from_alert {
        return Err(QueryFailure::Unsupported(
            "queryType \"exemplars\" returns trace samples, not numbers an alert can reduce; \
             alert on requestLatency or toolHealth instead"
                .to_string(),
        ));
    }
    Ok(Plan::Exemplars(
        selector(ctx, query, query.exemplar_source).to_string(),
    ))
}

/// Runs the exemplar call of `expr` into the exemplar frame. As time series (the default)
/// the frame carries the annotations data topic, so Grafana hands it to time series panels
/// as exemplar dots; as a table it is a plain frame, which Grafana hands to table panels.
pub async fn run(ctx: &Context<'_>, query: &Query, expr: &str) -> Result<Vec<Frame>, QueryFailure> {
    let (mut frame, _) = fetch(ctx, query, expr).await?;
    if ctx.format(query) == Format::Table {
        if let Some(meta) = frame.meta.as_mut() {
            meta.data_topic = None;
        }
        // Grafana heads a frame's lone number field with the frame's name ("exemplar").
        if let Some(value) = frame.fields.iter_mut().find(|f| f.name == columns::VALUE) {
            value
                .config
                .get_or_insert_with(Default::default)
                .display_name_from_ds = exemplar::DURATION_HEADING.to_owned();
        }
    }
    Ok(vec![frame])
}

/// The `exemplars: true` option of requestLatency and toolHealth time series: the bucket
/// selector of the matching exemplars (the query's services, and tools for `Tool`), or
/// `None` when not asked or asked by alerting.
pub fn beside_lines(ctx: &Context<'_>, query: &Query, source: ExemplarSource) -> Option<String> {
    (query.exemplars && !ctx.from_alert).then(|| selector(ctx, query, source).to_string())
}

/// Runs `lines` and the exemplars of `expr` concurrently and appends the exemplar frame,
/// when there are exemplars; an engine that cannot serve exemplars costs a notice, not the
/// lines.
pub async fn with_lines(
    ctx: &Context<'_>,
    query: &Query,
    expr: &str,
    lines: impl Future<Output = Result<Lines, QueryFailure>>,
) -> Result<Vec<Bytes>, QueryFailure> {
    let (lines, exemplars) = join(lines, fetch(ctx, query, expr)).await;
    let mut lines = lines?;
    match exemplars {
        Ok((frame, kept)) if kept > 0 => {
            let mut frames = lines.into_frames();
            frames.extend(encode(vec![frame], ctx.ref_id).await?);
            return Ok(frames);
        }
        // No exemplar frame, but a warning (the engine lacks exemplars) moves to the lines.
        Ok((frame, _)) => {
            let warnings = frame
                .meta
                .into_iter()
                .flat_map(|m| m.notices)
                .filter(|n| n.severity == NoticeSeverity::Warning);
            lines.notify_first(warnings).await?;
        }
        Err(e) => {
            lines
                .notify_first([Notice::warning(format!("Exemplars are not shown: {e}"))])
                .await?;
        }
    }
    Ok(lines.into_frames())
}

/// The histogram buckets exemplars are read from, within the query's filters.
fn selector(ctx: &Context<'_>, query: &Query, source: ExemplarSource) -> Selector {
    let profile = &ctx.settings.profile;
    match source {
        ExemplarSource::Http => ctx.buckets(Family::HttpDuration, query),
        ExemplarSource::Tool => ctx.tools(profile.tool_duration_buckets(), query),
    }
}

/// The exemplar frame and how many exemplars it holds.
async fn fetch(
    ctx: &Context<'_>,
    query: &Query,
    expr: &str,
) -> Result<(Frame, usize), QueryFailure> {
    let (answer, mut notices, served) =
        match ctx.prometheus.exemplars(expr, ctx.from_ms, ctx.to_ms).await {
            Ok(answer) => {
                let notices: Vec<Notice> = answer.warnings.iter().map(Notice::warning).collect();
                (answer.data, notices, true)
            }
            Err(e) if lacks_api(&e) => {
                let notice = Notice::warning(format!(
                    "{} does not serve exemplars ({e}); exemplars need an engine with the \
                     exemplar API, such as Prometheus with --enable-feature=exemplar-storage. \
                     The other query types work without it.",
                    ctx.engine().await.label()
                ));
                (Vec::new(), vec![notice], false)
            }
            Err(e) => return Err(e.into()),
        };
    let exemplars = flatten(answer);
    let selection = select(&exemplars.candidates, query.limit, ctx.from_ms, ctx.to_ms);
    if selection.left_out > 0 {
        notices.push(Notice::info(format!(
            "Showing {} of {} exemplars: the failing and the slowest of each series first, \
             the rest spread over time. Raise the query's limit to see more.",
            selection.kept.len(),
            exemplars.candidates.len()
        )));
    }
    if served && exemplars.candidates.is_empty() {
        let engine = ctx.engine().await;
        notices.push(if engine.stores_exemplars() {
            Notice::info(format!(
                "No exemplars of {expr} in this time range; the servers must expose \
                 OpenMetrics with exemplars and Prometheus must run with \
                 --enable-feature=exemplar-storage."
            ))
        } else {
            Notice::warning(format!(
                "{} does not store exemplars: its /api/v1/query_exemplars always answers an \
                 empty list, so no exemplars can be shown. Exemplars need Prometheus with \
                 --enable-feature=exemplar-storage (or Mimir or Thanos over it); the other \
                 query types work on {}.",
                engine.label(),
                engine.name
            ))
        });
    }
    let trace_label = trace_id_label(ctx, &exemplars.labels);
    let unlinked =
        ctx.settings.trace_datasource_uid.is_none() && ctx.settings.trace_url_template.is_none();
    match &trace_label {
        Some(_) if unlinked => notices.push(Notice::info(
            "Trace ids are not linked: set traceDatasourceUid (a Tempo or Jaeger \
             datasource) or traceUrlTemplate in the datasource settings.",
        )),
        Some(_) => {}
        None if !exemplars.candidates.is_empty() => notices.push(Notice::warning(format!(
            "No exemplar carries the trace id label {}; set exemplarTraceIdLabel in the \
             datasource settings to the label your servers use.",
            match &ctx.settings.exemplar_trace_id_label {
                Some(l) => format!("{l:?}"),
                None => exemplar::TRACE_ID_LABELS
                    .map(|l| format!("{l:?}"))
                    .join(" or "),
            }
        ))),
        None => {}
    }

    let meta = FrameMeta {
        executed_query_string: format!("Expr: {expr}"),
        custom: Some(json!({
            "resultType": "exemplar",
            "available": exemplars.candidates.len(),
            "kept": selection.kept.len(),
            "leftOut": selection.left_out,
            "failing": selection.failing,
            "slowest": selection.slowest,
        })),
        data_topic: Some(DataTopic::Annotations),
        notices,
        ..FrameMeta::default()
    };
    let kept = selection.kept.len();
    let frame = exemplars.frame(&selection.kept, meta, trace_label.as_deref(), ctx);
    Ok((frame, kept))
}

/// The engine has no exemplar API: it answered the call as an unknown path (404, 405, 501;
/// VictoriaMetrics answers unknown paths with 400) rather than with an error of the query.
fn lacks_api(e: &UpstreamError) -> bool {
    matches!(e, UpstreamError::Status { status, .. }
        if ["400", "404", "405", "501"].iter().any(|code| status.starts_with(code)))
}

/// The trace id label: the configured one, else the first of [`exemplar::TRACE_ID_LABELS`]
/// present.
fn trace_id_label(ctx: &Context<'_>, present: &BTreeSet<String>) -> Option<String> {
    match &ctx.settings.exemplar_trace_id_label {
        Some(l) => present.contains(l).then(|| l.clone()),
        None => exemplar::TRACE_ID_LABELS
            .iter()
            .find(|l| present.contains(**l))
            .map(|l| l.to_string()),
    }
}

/// Every exemplar of an answer, with its merged labels.
struct Exemplars {
    candidates: Vec<Candidate>,
    /// Series labels then exemplar labels, per candidate.
    labels_of: Vec<BTreeMap<String, String>>,
    /// Every label name seen.
    labels: BTreeSet<String>,
}

fn flatten(answer: Vec<ExemplarSeries>) -> Exemplars {
    let mut series_ids: HashMap<Vec<(String, String)>, usize> = HashMap::new();
    let mut out = Exemplars {
        candidates: Vec::new(),
        labels_of: Vec::new(),
        labels: BTreeSet::new(),
    };
    for s in answer {
        // Buckets of one histogram series are one series here: drop `le`.
        let key: Vec<(String, String)> = s
            .series_labels
            .iter()
            .filter(|(k, _)| k.as_str() != "le")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let next = series_ids.len();
        let series = *series_ids.entry(key).or_insert(next);
        let failing = is_failing(&s.series_labels);
        for e in s.exemplars {
            let mut labels = s.series_labels.clone();
            labels.extend(e.labels);
            out.labels.extend(labels.keys().cloned());
            out.candidates.push(Candidate {
                series,
                failing,
                value: e.value,
                time_ms: (e.timestamp * 1000.0).round() as i64,
            });
            out.labels_of.push(labels);
        }
    }
    out
}

/// Whether a histogram series counts failed calls ([`exemplar::is_failing`]).
fn is_failing(labels: &BTreeMap<String, String>) -> bool {
    exemplar::is_failing(
        labels.get(exemplar::STATUS_LABEL).map(String::as_str),
        labels.get(exemplar::ERROR_TYPE_LABEL).map(String::as_str),
    )
}

impl Exemplars {
    /// The long frame of the kept exemplars: `Time`, `Value`, then one text field per label
    /// in name order, the trace id field carrying the links.
    fn frame(
        &self,
        kept: &[usize],
        meta: FrameMeta,
        trace_label: Option<&str>,
        ctx: &Context<'_>,
    ) -> Frame {
        let times = kept.iter().map(|&i| self.candidates[i].time_ms).collect();
        let values = kept.iter().map(|&i| self.candidates[i].value).collect();
        let mut frame = Frame::new(exemplar::FRAME)
            .with_meta(meta)
            .with_field(Field::time(columns::TIME, times))
            .with_field(
                Field::f64(columns::VALUE, values).with_config(FieldConfig::with_unit("s")),
            );
        let names: BTreeSet<&String> = kept
            .iter()
            .flat_map(|&i| self.labels_of[i].keys())
            .collect();
        for name in names {
            let column = kept
                .iter()
                .map(|&i| self.labels_of[i].get(name).cloned().unwrap_or_default())
                .collect();
            let mut field = Field::str(name.as_str(), column);
            if Some(name.as_str()) == trace_label {
                let links = trace_links(ctx);
                if !links.is_empty() {
                    field = field.with_config(FieldConfig {
                        links,
                        ..FieldConfig::default()
                    });
                }
            }
            frame = frame.with_field(field);
        }
        frame
    }
}

/// Links on the trace id: Explore on the trace datasource (the query shape Grafana's
/// Prometheus datasource uses; Tempo reads it as a trace id, and so does Jaeger, which
/// treats any query type but search and dependency graph as a trace id lookup), and/or
/// the external URL template.
fn trace_links(ctx: &Context<'_>) -> Vec<DataLink> {
    let mut links = Vec::new();
    if let Some(uid) = &ctx.settings.trace_datasource_uid {
        links.push(DataLink::internal(
            "View trace",
            uid.clone(),
            "",
            json!({ "query": "${__value.raw}", "queryType": "traceql" }),
        ));
    }
    if let Some(url) = &ctx.settings.trace_url_template {
        links.push(DataLink::external("Open trace", url.clone()));
    }
    links
}

/// One exemplar as [`select`] sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Index of its series (histogram series without `le`).
    pub series: usize,
    /// Its series counts failed calls.
    pub failing: bool,
    /// Observed duration.
    pub value: f64,
    /// Time, ms.
    pub time_ms: i64,
}

/// What [`select`] kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// Indices of kept candidates, in time order.
    pub kept: Vec<usize>,
    /// Candidates not kept.
    pub left_out: usize,
    /// Kept because their series fails.
    pub failing: usize,
    /// Kept as the slowest of their series.
    pub slowest: usize,
}

/// Keeps at most `limit` candidates: first the failing ones (slowest first, taking from each
/// failing series in turn), then the slowest of every series (slowest series first), then
/// the rest spread over `from_ms..=to_ms` in `remaining` equal slots, taking the slowest
/// of each slot in turn, so that quiet stretches of the range keep exemplars too.
pub fn select(candidates: &[Candidate], limit: usize, from_ms: i64, to_ms: i64) -> Selection {
    let slower_first = |a: &usize, b: &usize| {
        let (a, b) = (&candidates[*a], &candidates[*b]);
        b.value.total_cmp(&a.value).then(b.time_ms.cmp(&a.time_ms))
    };
    let mut taken = vec![false; candidates.len()];
    let mut kept: Vec<usize> = Vec::with_capacity(limit.min(candidates.len()));

    // Failing series, each slowest first, the slowest series first; one from each in turn.
    let mut failing: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate().filter(|(_, c)| c.failing) {
        failing.entry(c.series).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = failing.into_values().collect();
    for g in &mut groups {
        g.sort_by(slower_first);
    }
    groups.sort_by(|a, b| slower_first(&a[0], &b[0]));
    round_robin(&groups, limit, &mut kept, &mut taken);
    let failing = kept.len();

    // The slowest exemplar left of every series.
    let mut slowest: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate().filter(|(i, _)| !taken[*i]) {
        let best = slowest.entry(c.series).or_insert(i);
        if slower_first(&i, best).is_lt() {
            *best = i;
        }
    }
    let mut slowest: Vec<usize> = slowest.into_values().collect();
    slowest.sort_by(slower_first);
    for i in slowest.into_iter().take(limit.saturating_sub(kept.len())) {
        taken[i] = true;
        kept.push(i);
    }
    let slowest = kept.len() - failing;

    // The rest, spread over the range.
    let room = limit.saturating_sub(kept.len());
    let rest: Vec<usize> = (0..candidates.len()).filter(|i| !taken[*i]).collect();
    if rest.len() <= room {
        kept.extend(rest);
    } else if room > 0 {
        let span = (to_ms - from_ms).max(1) as i128 + 1;
        let mut slots = vec![Vec::new(); room];
        for i in rest {
            let offset = (candidates[i].time_ms - from_ms).max(0) as i128;
            let slot = ((offset * room as i128) / span).min(room as i128 - 1) as usize;
            slots[slot].push(i);
        }
        for s in &mut slots {
            s.sort_by(slower_first);
        }
        round_robin(&slots, room + kept.len(), &mut kept, &mut taken);
    }

    kept.sort_by(|a, b| {
        let (ca, cb) = (&candidates[*a], &candidates[*b]);
        ca.time_ms
            .cmp(&cb.time_ms)
            .then(cb.value.total_cmp(&ca.value))
    });
    Selection {
        left_out: candidates.len() - kept.len(),
        kept,
        failing,
        slowest,
    }
}

/// Takes the first item of each group, then the second, and so on, until `kept` holds
/// `limit` items or the groups run out.
fn round_robin(groups: &[Vec<usize>], limit: usize, kept: &mut Vec<usize>, taken: &mut [bool]) {
    let mut round = 0;
    while kept.len() < limit {
        let mut any = false;
        for g in groups {
            if kept.len() >= limit {
                break;
            }
            if let Some(&i) = g.get(round) {
                taken[i] = true;
                kept.push(i);
                any = true;
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Known;
    use crate::settings::Settings;
    use crate::testing::{context, serve};
    use crate::upstream::Prometheus;
    use grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings;

    /// The frame an `exemplars` query with `format` (None: the default) answers, from an
    /// engine on loopback holding one exemplar.
    async fn exemplar_frame(format: Option<&str>) -> Frame {
        let (url, _) = serve(
            r#"{"status":"success","data":[{"seriesLabels":{"__name__":"h_bucket","job":"a","le":"0.5"},
                "exemplars":[{"labels":{"trace_id":"t1"},"value":"0.25","timestamp":1.5}]}]}"#,
        )
        .await;
        let settings = Settings::from_instance(&DataSourceInstanceSettings {
            url,
            json_data: br#"{"traceDatasourceUid":"tempo"}"#.to_vec(),
            ..Default::default()
        })
        .unwrap();
        let prometheus = Prometheus::new(&settings).unwrap();
        let engine = Known::default();
        let ctx = context(&settings, &prometheus, &engine, 0, 60_000);
        let json = match format {
            Some(f) => format!(r#"{{"queryType":"exemplars","format":"{f}"}}"#),
            None => r#"{"queryType":"exemplars"}"#.to_string(),
        };
        let query = Query::from_json(json.as_bytes()).unwrap();
        let Plan::Exemplars(expr) = plan(&ctx, &query).unwrap() else {
            panic!("an exemplars query plans one exemplar call");
        };
        let mut frames = run(&ctx, &query, &expr).await.unwrap();
        assert_eq!(frames.len(), 1);
        frames.remove(0)
    }

    #[tokio::test]
    async fn time_series_exemplars_are_annotations_and_table_exemplars_are_rows() {
        for (format, topic) in [
            (None, Some(DataTopic::Annotations)),
            (Some("timeseries"), Some(DataTopic::Annotations)),
            (Some("table"), None),
        ] {
            let frame = exemplar_frame(format).await;
            let meta = frame.meta.as_ref().unwrap();
            assert_eq!(meta.data_topic, topic, "format {format:?}");
            assert_eq!(frame.name, exemplar::FRAME, "format {format:?}");
            assert_eq!(
                meta.custom.as_ref().unwrap()["resultType"],
                "exemplar",
                "format {format:?}"
            );
            let names: Vec<&str> = frame.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(
                names,
                ["Time", "Value", "__name__", "job", "le", "trace_id"]
            );
            let heading = &frame.fields[1]
                .config
                .as_ref()
                .unwrap()
                .display_name_from_ds;
            let expected = if format == Some("table") {
                exemplar::DURATION_HEADING
            } else {
                ""
            };
            assert_eq!(heading, expected, "format {format:?}");
            let links = &frame.fields[5].config.as_ref().unwrap().links;
            assert_eq!(
                links.len(),
                1,
                "format {format:?}: the trace id keeps its link"
            );
        }
    }

    #[test]
    fn only_an_unknown_path_means_the_engine_lacks_the_exemplar_api() {
        let status = |code: &str| UpstreamError::Status {
            url: "http://engine/".to_string(),
            status: code.to_string(),
            body: String::new(),
        };
        for code in [
            "404 Not Found",
            "400 Bad Request",
            "405 Method Not Allowed",
            "501 Not Implemented",
        ] {
            assert!(lacks_api(&status(code)), "{code}");
        }
        // Refused credentials, an overloaded engine or a rejected query stay errors.
        for code in [
            "401 Unauthorized",
            "403 Forbidden",
            "429 Too Many Requests",
            "500 Internal Server Error",
            "503 Service Unavailable",
        ] {
            assert!(!lacks_api(&status(code)), "{code}");
        }
        assert!(!lacks_api(&UpstreamError::Api {
            error_type: "bad_data".to_string(),
            message: "parse error".to_string(),
        }));
    }

    fn c(series: usize, failing: bool, value: f64, time_ms: i64) -> Candidate {
        Candidate {
            series,
            failing,
            value,
            time_ms,
        }
    }

    #[test]
    fn everything_is_kept_under_the_limit_in_time_order() {
        let cs = [
            c(0, false, 0.2, 30),
            c(1, true, 0.1, 10),
            c(0, false, 0.3, 20),
        ];
        let s = select(&cs, 10, 0, 100);
        assert_eq!(s.kept, vec![1, 2, 0]);
        assert_eq!(s.left_out, 0);
        assert_eq!((s.failing, s.slowest), (1, 1));
    }

    #[test]
    fn failing_exemplars_come_first_taken_from_each_failing_series_in_turn() {
        let cs = [
            c(0, true, 0.1, 10),
            c(0, true, 0.5, 20),
            c(0, true, 0.4, 30),
            c(1, true, 0.05, 40),
            c(2, false, 9.0, 50),
        ];
        let s = select(&cs, 2, 0, 100);
        // Series 0's slowest failing one, then series 1's only one; the slow healthy one waits.
        assert_eq!(s.kept, vec![1, 3]);
        assert_eq!((s.failing, s.slowest, s.left_out), (2, 0, 3));
    }

    #[test]
    fn the_slowest_of_each_series_follows_the_failing_ones() {
        let cs = [
            c(0, false, 0.1, 10),
            c(0, false, 0.9, 20),
            c(1, false, 0.2, 30),
            c(1, false, 0.3, 40),
            c(2, false, 0.01, 50),
            c(3, true, 0.02, 60),
        ];
        let s = select(&cs, 3, 0, 100);
        // The failing one, then the slowest series' slowest (0.9), then the next series' (0.3).
        assert_eq!(s.kept, vec![1, 3, 5]);
        assert_eq!((s.failing, s.slowest, s.left_out), (1, 2, 3));
    }

    #[test]
    fn the_rest_is_spread_over_the_range_not_bunched_at_the_median() {
        // One series, 100 exemplars, one per 10 ms; the first is the slowest.
        let mut cs: Vec<Candidate> = (0..100).map(|i| c(0, false, 0.1, i * 10)).collect();
        cs[0].value = 5.0;
        let s = select(&cs, 5, 0, 999);
        assert_eq!(s.kept.len(), 5);
        assert_eq!(s.kept[0], 0, "the slowest is kept");
        assert_eq!(s.left_out, 95);
        // The other four fall in four different quarters of the range.
        let quarters: BTreeSet<i64> = s.kept[1..]
            .iter()
            .map(|&i| cs[i].time_ms * 4 / 1000)
            .collect();
        assert_eq!(quarters.len(), 4, "{:?}", s.kept);
    }

    #[test]
    fn empty_slots_give_their_share_to_busy_ones() {
        // Everything in the first tenth of the range: the limit is still reached.
        let cs: Vec<Candidate> = (0..50).map(|i| c(0, false, i as f64, i)).collect();
        let s = select(&cs, 10, 0, 10_000);
        assert_eq!(s.kept.len(), 10);
        assert_eq!(s.left_out, 40);
    }

    #[test]
    fn times_outside_the_range_are_kept_in_the_edge_slots() {
        let cs = [
            c(0, false, 0.1, -50),
            c(0, false, 0.2, 500),
            c(0, false, 0.3, 99),
        ];
        let s = select(&cs, 2, 0, 100);
        assert_eq!(s.kept.len(), 2);
        assert_eq!(s.left_out, 1);
    }

    #[test]
    fn failing_series_are_recognised_by_their_labels() {
        let l = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert!(is_failing(&l("status", "503")));
        assert!(is_failing(&l("status", "error")));
        assert!(is_failing(&l("error_type", "tool_error")));
        assert!(!is_failing(&l("status", "200")));
        assert!(!is_failing(&l("status", "success")));
        assert!(!is_failing(&l("error_type", "")));
        assert!(!is_failing(&l("endpoint", "/mcp")));
    }

    #[test]
    fn buckets_of_one_series_share_a_series_and_labels_merge() {
        let series = |le: &str, trace: &str, value: &str| {
            serde_json::from_value::<ExemplarSeries>(json!({
                "seriesLabels": {"__name__": "h_bucket", "job": "a", "le": le},
                "exemplars": [{"labels": {"trace_id": trace}, "value": value, "timestamp": 1.5}]
            }))
            .unwrap()
        };
        let e = flatten(vec![series("0.1", "t1", "0.05"), series("+Inf", "t2", "3")]);
        assert_eq!(e.candidates[0].series, e.candidates[1].series);
        assert_eq!(e.candidates[1].time_ms, 1500);
        assert_eq!(e.labels_of[1]["trace_id"], "t2");
        assert_eq!(e.labels_of[1]["le"], "+Inf");
        assert!(e.labels.contains("job"));
    }
}
