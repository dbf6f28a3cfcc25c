//! Frames, fields and their values.

use std::collections::BTreeMap;

use crate::config::FieldConfig;
use crate::error::FrameError;
use crate::meta::FrameMeta;

/// One Grafana data frame: named columns of equal length plus frame metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    /// Frame name (schema metadata `name`).
    pub name: String,
    /// The query this frame answers (schema metadata `refId`).
    pub ref_id: String,
    /// Frame metadata (schema metadata `meta`), absent when `None`.
    pub meta: Option<FrameMeta>,
    /// The columns, all of the same length.
    pub fields: Vec<Field>,
}

impl Frame {
    /// An empty frame called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Frame {
            name: name.into(),
            ..Frame::default()
        }
    }

    /// Sets the refId.
    pub fn with_ref_id(mut self, ref_id: impl Into<String>) -> Self {
        self.ref_id = ref_id.into();
        self
    }

    /// Sets the metadata.
    pub fn with_meta(mut self, meta: FrameMeta) -> Self {
        self.meta = Some(meta);
        self
    }

    /// Appends a field.
    pub fn with_field(mut self, field: Field) -> Self {
        self.fields.push(field);
        self
    }

    /// The number of rows, or an error naming the first field whose length differs from the
    /// first field's (or whose validity mask differs from its values).
    pub fn row_len(&self) -> Result<usize, FrameError> {
        for field in &self.fields {
            if let FieldValues::NullableF64Dense {
                values,
                valid: Some(valid),
            } = &field.values
            {
                if valid.len() != values.len() {
                    return Err(FrameError::MaskLength {
                        frame: self.name.clone(),
                        field: field.name.clone(),
                        values: values.len(),
                        mask: valid.len(),
                    });
                }
            }
        }
        let Some(first) = self.fields.first() else {
            return Ok(0);
        };
        let expected = first.values.len();
        for field in &self.fields[1..] {
            let len = field.values.len();
            if len != expected {
                return Err(FrameError::LengthMismatch {
                    frame: self.name.clone(),
                    field: field.name.clone(),
                    len,
                    first_field: first.name.clone(),
                    expected,
                });
            }
        }
        Ok(expected)
    }
}

/// One column: name, labels, display config and values.
///
/// Labels and config are independent: a field may carry both, and Grafana receives both.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Column name (`Time`, `Value`, ...).
    pub name: String,
    /// Series labels, written as a JSON object when not empty.
    pub labels: BTreeMap<String, String>,
    /// Display config, written as JSON when set.
    pub config: Option<FieldConfig>,
    /// The values.
    pub values: FieldValues,
}

impl Field {
    /// A field without labels or config.
    pub fn new(name: impl Into<String>, values: FieldValues) -> Self {
        Field {
            name: name.into(),
            labels: BTreeMap::new(),
            config: None,
            values,
        }
    }

    /// A time field of milliseconds since the Unix epoch.
    pub fn time(name: impl Into<String>, millis: Vec<i64>) -> Self {
        Field::new(name, FieldValues::Time(millis))
    }

    /// A float field.
    pub fn f64(name: impl Into<String>, values: Vec<f64>) -> Self {
        Field::new(name, FieldValues::F64(values))
    }

    /// A float field with missing values.
    pub fn nullable_f64(name: impl Into<String>, values: Vec<Option<f64>>) -> Self {
        Field::new(name, FieldValues::NullableF64(values))
    }

    /// A float field marked nullable, with no value missing: the cheap form of
    /// [`Field::nullable_f64`] for values already in a `Vec<f64>`, moved into Arrow uncopied
    /// by [`Frame::into_arrow_ipc`].
    pub fn nullable_f64_dense(name: impl Into<String>, values: Vec<f64>) -> Self {
        Field::new(
            name,
            FieldValues::NullableF64Dense {
                values,
                valid: None,
            },
        )
    }

    /// A text field.
    pub fn str(name: impl Into<String>, values: Vec<String>) -> Self {
        Field::new(name, FieldValues::Str(values))
    }

    /// Sets the labels.
    pub fn with_labels<K, V>(mut self, labels: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.labels = labels
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self
    }

    /// Sets the config.
    pub fn with_config(mut self, config: FieldConfig) -> Self {
        self.config = Some(config);
        self
    }
}

/// The values of a field, one variant per Arrow column type Grafana reads.
///
/// Times are milliseconds since the Unix epoch (Prometheus's and Grafana's unit) and are
/// written as Arrow nanosecond timestamps, which Grafana's decoder assumes.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValues {
    /// Non-null timestamps in ms.
    Time(Vec<i64>),
    /// Timestamps in ms with missing values.
    NullableTime(Vec<Option<i64>>),
    /// Floats; NaN and infinities are kept.
    F64(Vec<f64>),
    /// Floats with missing values.
    NullableF64(Vec<Option<f64>>),
    /// Floats in a nullable column, as plain values plus an optional validity mask
    /// (`valid[i] == false` makes row `i` null, whatever `values[i]` holds). Same column as
    /// `NullableF64`, without the `Option` per value.
    NullableF64Dense {
        values: Vec<f64>,
        valid: Option<Vec<bool>>,
    },
    /// Signed integers.
    I64(Vec<i64>),
    /// Signed integers with missing values.
    NullableI64(Vec<Option<i64>>),
    /// Unsigned integers.
    U64(Vec<u64>),
    /// Unsigned integers with missing values.
    NullableU64(Vec<Option<u64>>),
    /// Booleans.
    Bool(Vec<bool>),
    /// Booleans with missing values.
    NullableBool(Vec<Option<bool>>),
    /// Text.
    Str(Vec<String>),
    /// Text with missing values.
    NullableStr(Vec<Option<String>>),
}

impl FieldValues {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            FieldValues::Time(v) => v.len(),
            FieldValues::NullableTime(v) => v.len(),
            FieldValues::F64(v) => v.len(),
            FieldValues::NullableF64(v) => v.len(),
            FieldValues::NullableF64Dense { values, .. } => values.len(),
            FieldValues::I64(v) => v.len(),
            FieldValues::NullableI64(v) => v.len(),
            FieldValues::U64(v) => v.len(),
            FieldValues::NullableU64(v) => v.len(),
            FieldValues::Bool(v) => v.len(),
            FieldValues::NullableBool(v) => v.len(),
            FieldValues::Str(v) => v.len(),
            FieldValues::NullableStr(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the column may hold nulls (the Arrow field's `nullable` flag).
    pub fn is_nullable(&self) -> bool {
        matches!(
            self,
            FieldValues::NullableTime(_)
                | FieldValues::NullableF64(_)
                | FieldValues::NullableF64Dense { .. }
                | FieldValues::NullableI64(_)
                | FieldValues::NullableU64(_)
                | FieldValues::NullableBool(_)
                | FieldValues::NullableStr(_)
        )
    }
}
