//! Field configuration: the JSON written under the field metadata key `config`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Display settings of one field, serialised as Grafana's `FieldConfig` (camelCase, empty parts
/// left out).
///
/// `min`, `max` and threshold values that are NaN or infinite are written as `null`, which
/// Grafana reads back as -Infinity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldConfig {
    /// Overrides every other naming rule.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// Name chosen by the datasource (a legend); dashboard overrides still win.
    #[serde(
        rename = "displayNameFromDS",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub display_name_from_ds: String,
    /// Browsable path on the datasource.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// Human-readable description of the field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Whether ad hoc filters may use the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filterable: Option<bool>,
    /// Whether the field can be written to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writeable: Option<bool>,
    /// Grafana unit id, e.g. `reqps`, `s`, `percent`, `bytes`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// Decimal places to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u16>,
    /// Lower end of the value range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper end of the value range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Expected spacing of the time values in milliseconds (the step of a range query).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<f64>,
    /// Value to text/colour mappings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<ValueMapping>,
    /// Colour steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<ThresholdsConfig>,
    /// Colour scheme, as Grafana's `FieldColor` object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<serde_json::Map<String, serde_json::Value>>,
    /// Links shown on the values of the field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<DataLink>,
    /// Text shown when there is no value.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub no_value: String,
    /// Panel-specific options (Grafana requires an object here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<serde_json::Map<String, serde_json::Value>>,
}

impl FieldConfig {
    /// A config with only a unit.
    pub fn with_unit(unit: impl Into<String>) -> Self {
        FieldConfig {
            unit: unit.into(),
            ..FieldConfig::default()
        }
    }
}

/// Colour steps of a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdsConfig {
    /// Whether step values are absolute or percentages of the min..max range.
    pub mode: ThresholdsMode,
    /// Steps in ascending order; the first has value `None` (-Infinity).
    pub steps: Vec<Threshold>,
}

/// How threshold values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdsMode {
    Absolute,
    Percentage,
}

/// One colour step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// Lower bound of the step; `None` is -Infinity and is written as `null`.
    #[serde(default)]
    pub value: Option<f64>,
    /// Colour name (`green`) or CSS colour (`#FF0000`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub color: String,
    /// Optional state name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
}

impl Threshold {
    /// A step starting at `value` (`None` for -Infinity) coloured `color`.
    pub fn new(value: Option<f64>, color: impl Into<String>) -> Self {
        Threshold {
            value,
            color: color.into(),
            state: String::new(),
        }
    }
}

/// A value mapping, written as `{"type": ..., "options": ...}` like Grafana's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "options", rename_all = "lowercase")]
pub enum ValueMapping {
    /// Exact values (as text) to results.
    Value(BTreeMap<String, ValueMappingResult>),
    /// A numeric range to a result.
    Range {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<f64>,
        result: ValueMappingResult,
    },
    /// A special value to a result.
    Special {
        #[serde(rename = "match")]
        matches: SpecialValueMatch,
        result: ValueMappingResult,
    },
}

/// What a mapped value turns into.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueMappingResult {
    /// Text shown instead of the value.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Colour of the value.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub color: String,
    /// Position in the editor.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub index: i32,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// Special values a mapping can match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SpecialValueMatch {
    #[serde(rename = "true")]
    True,
    #[serde(rename = "false")]
    False,
    #[serde(rename = "null")]
    Null,
    #[serde(rename = "nan")]
    NaN,
    #[serde(rename = "null+nan")]
    NullAndNaN,
    #[serde(rename = "empty")]
    Empty,
}

/// A link on the values of a field: external (`url`) or internal (`internal`, to another
/// datasource in Explore).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataLink {
    /// Link text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Open in a new tab.
    #[serde(default, skip_serializing_if = "is_false")]
    pub target_blank: bool,
    /// URL template, e.g. `https://tracing.example/trace/${__value.raw}`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Query on another datasource, opened in Explore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalDataLink>,
}

fn is_false(v: &bool) -> bool {
    !*v
}

impl DataLink {
    /// An external link opened in a new tab.
    pub fn external(title: impl Into<String>, url: impl Into<String>) -> Self {
        DataLink {
            title: title.into(),
            target_blank: true,
            url: url.into(),
            internal: None,
        }
    }

    /// An internal link running `query` on the datasource with `datasource_uid`.
    pub fn internal(
        title: impl Into<String>,
        datasource_uid: impl Into<String>,
        datasource_name: impl Into<String>,
        query: serde_json::Value,
    ) -> Self {
        DataLink {
            title: title.into(),
            target_blank: false,
            url: String::new(),
            internal: Some(InternalDataLink {
                query,
                datasource_uid: datasource_uid.into(),
                datasource_name: datasource_name.into(),
                panels_state: None,
                transformations: Vec::new(),
            }),
        }
    }
}

/// The target of an internal link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InternalDataLink {
    /// The query of the target datasource, e.g. `{"query": "${__value.raw}", "queryType": "traceql"}`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub query: serde_json::Value,
    /// UID of the target datasource.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datasource_uid: String,
    /// Name of the target datasource.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datasource_name: String,
    /// Explore panel state to open with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panels_state: Option<serde_json::Value>,
    /// Variables extracted from other fields of the row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transformations: Vec<LinkTransformation>,
}

/// Extracts a variable for an internal link from a field of the same row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkTransformation {
    /// How to extract.
    #[serde(rename = "type")]
    pub kind: LinkTransformationType,
    /// Field to read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    /// Regular expression or logfmt key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expression: String,
    /// Variable name to set.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub map_value: String,
}

/// Extraction kinds of a link transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkTransformationType {
    Regex,
    Logfmt,
}
