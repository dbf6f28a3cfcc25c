//! Frame-level metadata: the JSON written under the schema metadata key `meta`.

use serde::{Deserialize, Serialize};

use crate::config::FieldConfig;

/// Metadata of one frame, serialised as Grafana's `FrameMeta` (camelCase, empty parts left out).
///
/// `typeVersion` is always written, as Grafana's Go SDK does; every other key only when set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameMeta {
    /// The data plane shape this frame follows.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub frame_type: Option<FrameType>,
    /// Version of `frame_type`'s contract; `[0, 1]` or later for data plane frames.
    #[serde(default)]
    pub type_version: [u32; 2],
    /// Datasource-specific values, shown in the query inspector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<serde_json::Value>,
    /// Query statistics (shown in the inspector's Stats tab).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stats: Vec<QueryStat>,
    /// Messages the panel shows next to the data, e.g. for partial results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// Grafana Live channel with updates for this frame.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channel: String,
    /// The visualisation Explore should prefer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_visualisation_type: Option<VisType>,
    /// The query sent upstream after all templating, shown in the query inspector.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub executed_query_string: String,
    /// Which part of the response the frame belongs to; `annotations` for exemplars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_topic: Option<DataTopic>,
}

impl FrameMeta {
    /// Meta for a frame of `frame_type` at contract version `type_version`.
    pub fn of_type(frame_type: FrameType, type_version: [u32; 2]) -> Self {
        FrameMeta {
            frame_type: Some(frame_type),
            type_version,
            ..FrameMeta::default()
        }
    }

    /// Sets the executed query string.
    pub fn with_executed_query(mut self, query: impl Into<String>) -> Self {
        self.executed_query_string = query.into();
        self
    }

    /// Adds a notice.
    pub fn with_notice(mut self, notice: Notice) -> Self {
        self.notices.push(notice);
        self
    }

    /// Sets the custom part.
    pub fn with_custom(mut self, custom: serde_json::Value) -> Self {
        self.custom = Some(custom);
        self
    }

    /// Sets the data topic.
    pub fn with_data_topic(mut self, topic: DataTopic) -> Self {
        self.data_topic = Some(topic);
        self
    }
}

/// The frame types Grafana's Go SDK knows (`data/frame_type.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FrameType {
    #[serde(rename = "timeseries-wide")]
    TimeSeriesWide,
    #[serde(rename = "timeseries-long")]
    TimeSeriesLong,
    #[serde(rename = "timeseries-many")]
    TimeSeriesMany,
    #[serde(rename = "timeseries-multi")]
    TimeSeriesMulti,
    #[serde(rename = "directory-listing")]
    DirectoryListing,
    #[serde(rename = "table")]
    Table,
    #[serde(rename = "numeric-wide")]
    NumericWide,
    #[serde(rename = "numeric-multi")]
    NumericMulti,
    #[serde(rename = "numeric-long")]
    NumericLong,
    #[serde(rename = "log-lines")]
    LogLines,
}

/// Explore's preferred visualisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisType {
    #[serde(rename = "graph")]
    Graph,
    #[serde(rename = "table")]
    Table,
    #[serde(rename = "logs")]
    Logs,
    #[serde(rename = "trace")]
    Trace,
    #[serde(rename = "nodeGraph")]
    NodeGraph,
    #[serde(rename = "flamegraph")]
    FlameGraph,
}

/// The part of a response a frame belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataTopic {
    /// Drawn on top of the data, e.g. exemplars in the time series panel.
    #[serde(rename = "annotations")]
    Annotations,
}

/// One statistic of a query: a field config (display name required) and a value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueryStat {
    /// Display name, unit and so on of the statistic.
    #[serde(flatten)]
    pub config: FieldConfig,
    /// The statistic. NaN and infinities are written as `null`.
    pub value: f64,
}

impl QueryStat {
    /// A statistic named `display_name` with `value` in `unit` (a Grafana unit id, may be empty).
    pub fn new(display_name: impl Into<String>, value: f64, unit: impl Into<String>) -> Self {
        QueryStat {
            config: FieldConfig {
                display_name: display_name.into(),
                unit: unit.into(),
                ..FieldConfig::default()
            },
            value,
        }
    }
}

/// A message shown with the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// How serious the notice is.
    pub severity: NoticeSeverity,
    /// Free text shown to the user.
    pub text: String,
    /// Absolute URL or a path under Grafana's root URL.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,
    /// Inspector tab to suggest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspect: Option<InspectType>,
}

impl Notice {
    /// A notice with text and severity, no link.
    pub fn new(severity: NoticeSeverity, text: impl Into<String>) -> Self {
        Notice {
            severity,
            text: text.into(),
            link: String::new(),
            inspect: None,
        }
    }

    /// An informational notice.
    pub fn info(text: impl Into<String>) -> Self {
        Notice::new(NoticeSeverity::Info, text)
    }

    /// A warning notice.
    pub fn warning(text: impl Into<String>) -> Self {
        Notice::new(NoticeSeverity::Warning, text)
    }

    /// An error notice.
    pub fn error(text: impl Into<String>) -> Self {
        Notice::new(NoticeSeverity::Error, text)
    }

    /// Points the notice at an inspector tab.
    pub fn with_inspect(mut self, inspect: InspectType) -> Self {
        self.inspect = Some(inspect);
        self
    }
}

/// Severity of a notice, written as Grafana's strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeSeverity {
    Info,
    Warning,
    Error,
}

/// Inspector tab a notice points at.
///
/// Written as the number Grafana's Go SDK uses (meta 1, error 2, data 3, stats 4): its
/// `InspectType` is an integer without a JSON string form, so a string would make Grafana
/// reject the whole frame. Both forms are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InspectType {
    Meta = 1,
    Error = 2,
    Data = 3,
    Stats = 4,
}

impl Serialize for InspectType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(*self as u8)
    }
}

impl<'de> Deserialize<'de> for InspectType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parsed = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(n) => match n.as_u64() {
                Some(1) => Some(InspectType::Meta),
                Some(2) => Some(InspectType::Error),
                Some(3) => Some(InspectType::Data),
                Some(4) => Some(InspectType::Stats),
                _ => None,
            },
            serde_json::Value::String(s) => match s.as_str() {
                "meta" => Some(InspectType::Meta),
                "error" => Some(InspectType::Error),
                "data" => Some(InspectType::Data),
                "stats" => Some(InspectType::Stats),
                _ => None,
            },
            _ => None,
        };
        parsed.ok_or_else(|| {
            serde::de::Error::custom(
                "notice inspect must be 1..4 or one of \"meta\", \"error\", \"data\", \"stats\"",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_inspect_is_written_as_go_number_and_read_in_both_forms() {
        let notice = Notice::warning("cut").with_inspect(InspectType::Data);
        let json = serde_json::to_value(&notice).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"severity": "warning", "text": "cut", "inspect": 3})
        );
        for form in [
            r#"{"severity":"error","text":"x","inspect":"stats"}"#,
            r#"{"severity":"error","text":"x","inspect":4}"#,
        ] {
            let back: Notice = serde_json::from_str(form).unwrap();
            assert_eq!(back.inspect, Some(InspectType::Stats));
        }
        let err = serde_json::from_str::<Notice>(r#"{"severity":"info","text":"x","inspect":9}"#)
            .unwrap_err();
        assert!(err.to_string().contains("1..4"), "{err}");
    }

    #[test]
    fn frame_types_use_grafana_strings() {
        let all = [
            (FrameType::TimeSeriesWide, "timeseries-wide"),
            (FrameType::TimeSeriesLong, "timeseries-long"),
            (FrameType::TimeSeriesMany, "timeseries-many"),
            (FrameType::TimeSeriesMulti, "timeseries-multi"),
            (FrameType::DirectoryListing, "directory-listing"),
            (FrameType::Table, "table"),
            (FrameType::NumericWide, "numeric-wide"),
            (FrameType::NumericMulti, "numeric-multi"),
            (FrameType::NumericLong, "numeric-long"),
            (FrameType::LogLines, "log-lines"),
        ];
        for (t, s) in all {
            assert_eq!(serde_json::to_value(t).unwrap(), serde_json::json!(s));
        }
    }
}
