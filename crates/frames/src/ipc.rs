//! Arrow IPC file encoding, laid out as grafana-plugin-sdk-go's `Frame.MarshalArrow` does.
//!
//! Schema metadata: `name`, `refId` (both always), `meta` (when set). Field metadata: `tstype`
//! (always), `labels` (when not empty), `config` (when set). Times are `Timestamp(ns)` without
//! a time zone; the nullable variants set the Arrow field's `nullable` flag, which is what the
//! Go decoder reads to choose between `[]T` and `[]*T`. A frame without rows has no record
//! batch, like Go's writer.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampNanosecondArray, UInt64Array,
};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_ipc::reader::FileReader;
use arrow_ipc::writer::FileWriter;
use arrow_schema::{DataType, Field as ArrowField, Metadata, Schema, TimeUnit};

use crate::error::FrameError;
use crate::frame::{Field, FieldValues, Frame};
use crate::meta::FrameMeta;

const NS_PER_MS: i64 = 1_000_000;
const MAX_MS: i64 = i64::MAX / NS_PER_MS;
const MIN_MS: i64 = i64::MIN / NS_PER_MS;

impl Frame {
    /// Encodes the frame as one Arrow IPC file, copying the values once.
    pub fn to_arrow_ipc(&self) -> Result<Vec<u8>, FrameError> {
        let mut out = Vec::with_capacity(self.estimated_ipc_len());
        self.write_arrow_ipc(&mut out)?;
        Ok(out)
    }

    /// Appends the frame as one Arrow IPC file to `out`.
    pub fn write_arrow_ipc(&self, out: &mut Vec<u8>) -> Result<(), FrameError> {
        let rows = self.row_len()?;
        let fields = self.fields.iter().map(|f| (f, Cow::Borrowed(&f.values)));
        encode(self, rows, fields, out)
    }

    /// Encodes the frame as one Arrow IPC file, moving time, float and integer vectors into
    /// Arrow buffers instead of copying them.
    pub fn into_arrow_ipc(mut self) -> Result<Vec<u8>, FrameError> {
        let rows = self.row_len()?;
        let mut out = Vec::with_capacity(self.estimated_ipc_len());
        let values: Vec<FieldValues> = self
            .fields
            .iter_mut()
            .map(|f| std::mem::replace(&mut f.values, FieldValues::Bool(Vec::new())))
            .collect();
        let fields = self.fields.iter().zip(values.into_iter().map(Cow::Owned));
        encode(&self, rows, fields, &mut out)?;
        Ok(out)
    }

    fn estimated_ipc_len(&self) -> usize {
        let values: usize = self
            .fields
            .iter()
            .map(|f| match &f.values {
                FieldValues::Str(v) => v.iter().map(|s| s.len() + 4).sum(),
                FieldValues::NullableStr(v) => {
                    v.iter().map(|s| s.as_ref().map_or(0, String::len) + 4).sum()
                }
                other => other.len() * 8 + other.len() / 8,
            } + 512)
            .sum();
        values + 2048
    }
}

/// The Arrow IPC file `ipc` (written by this crate) with its frame's meta replaced by
/// `meta`, byte for byte what encoding the frame with `meta` gives. For a frame encoded
/// before all of its notices were known (a series streamed ahead of the answer's
/// warnings): its columns are read back and written again, its values never rebuilt.
pub fn replace_meta(ipc: &[u8], meta: &FrameMeta) -> Result<Vec<u8>, FrameError> {
    let unknown = |source| FrameError::Arrow {
        frame: String::new(),
        source,
    };
    let reader = FileReader::try_new(std::io::Cursor::new(ipc), None).map_err(unknown)?;
    let old = reader.schema();
    let name = old.metadata().get("name").cloned().unwrap_or_default();
    let arrow_err = |source| FrameError::Arrow {
        frame: name.clone(),
        source,
    };
    let json = serde_json::to_string(meta).map_err(|source| FrameError::Json {
        frame: name.clone(),
        what: "meta".to_owned(),
        source,
    })?;
    let mut schema_meta = old.metadata().clone();
    schema_meta.insert("meta", json);
    let schema = Arc::new(Schema::new_with_metadata(old.fields().clone(), schema_meta));
    let mut out = Vec::with_capacity(ipc.len() + 1024);
    let mut writer = FileWriter::try_new(&mut out, &schema).map_err(arrow_err)?;
    for batch in reader {
        let batch = batch
            .and_then(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
            .map_err(arrow_err)?;
        writer.write(&batch).map_err(arrow_err)?;
    }
    writer.finish().map_err(arrow_err)?;
    drop(writer);
    Ok(out)
}

fn encode<'a>(
    frame: &Frame,
    rows: usize,
    fields: impl Iterator<Item = (&'a Field, Cow<'a, FieldValues>)>,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    let (lower, _) = fields.size_hint();
    let mut arrow_fields = Vec::with_capacity(lower);
    let mut columns = Vec::with_capacity(lower);
    for (field, values) in fields {
        arrow_fields.push(arrow_field(frame, field, &values)?);
        columns.push(column(&frame.name, &field.name, values)?);
    }

    let mut schema_meta = Metadata::new()
        .with("name", frame.name.as_str())
        .with("refId", frame.ref_id.as_str());
    if let Some(meta) = &frame.meta {
        schema_meta.insert("meta", to_json(frame, "meta", meta)?);
    }
    let schema = Arc::new(Schema::new_with_metadata(arrow_fields, schema_meta));

    let arrow_err = |source| FrameError::Arrow {
        frame: frame.name.clone(),
        source,
    };
    let mut writer = FileWriter::try_new(out, &schema).map_err(arrow_err)?;
    if rows > 0 {
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(arrow_err)?;
        writer.write(&batch).map_err(arrow_err)?;
    }
    writer.finish().map_err(arrow_err)?;
    Ok(())
}

/// `values` stands in for `field.values`, which `into_arrow_ipc` has already moved out.
fn arrow_field(
    frame: &Frame,
    field: &Field,
    values: &FieldValues,
) -> Result<ArrowField, FrameError> {
    let (data_type, tstype) = match values {
        FieldValues::Time(_) | FieldValues::NullableTime(_) => {
            (DataType::Timestamp(TimeUnit::Nanosecond, None), "time")
        }
        FieldValues::F64(_)
        | FieldValues::NullableF64(_)
        | FieldValues::NullableF64Dense { .. } => (DataType::Float64, "number"),
        FieldValues::I64(_) | FieldValues::NullableI64(_) => (DataType::Int64, "number"),
        FieldValues::U64(_) | FieldValues::NullableU64(_) => (DataType::UInt64, "number"),
        FieldValues::Bool(_) | FieldValues::NullableBool(_) => (DataType::Boolean, "boolean"),
        FieldValues::Str(_) | FieldValues::NullableStr(_) => (DataType::Utf8, "string"),
    };
    let mut metadata = Metadata::new().with("tstype", tstype);
    if !field.labels.is_empty() {
        let what = format!("labels of field {:?}", field.name);
        metadata.insert("labels", to_json(frame, &what, &field.labels)?);
    }
    if let Some(config) = &field.config {
        let what = format!("config of field {:?}", field.name);
        metadata.insert("config", to_json(frame, &what, config)?);
    }
    Ok(
        ArrowField::new(field.name.as_str(), data_type, values.is_nullable())
            .with_metadata(metadata),
    )
}

fn to_json(frame: &Frame, what: &str, value: &impl serde::Serialize) -> Result<String, FrameError> {
    serde_json::to_string(value).map_err(|source| FrameError::Json {
        frame: frame.name.clone(),
        what: what.to_owned(),
        source,
    })
}

fn column(frame: &str, field: &str, values: Cow<'_, FieldValues>) -> Result<ArrayRef, FrameError> {
    let array: ArrayRef = match values {
        Cow::Owned(FieldValues::Time(mut ms)) => {
            check_times(frame, field, ms.iter().copied().map(Some))?;
            for v in &mut ms {
                *v *= NS_PER_MS;
            }
            Arc::new(TimestampNanosecondArray::new(ms.into(), None))
        }
        Cow::Owned(FieldValues::F64(v)) => Arc::new(Float64Array::new(v.into(), None)),
        Cow::Owned(FieldValues::NullableF64Dense { values, valid }) => {
            let nulls = valid.as_deref().and_then(mask_nulls);
            Arc::new(Float64Array::new(values.into(), nulls))
        }
        Cow::Owned(FieldValues::I64(v)) => Arc::new(Int64Array::new(v.into(), None)),
        Cow::Owned(FieldValues::U64(v)) => Arc::new(UInt64Array::new(v.into(), None)),
        Cow::Owned(other) => return column(frame, field, Cow::Borrowed(&other)),
        Cow::Borrowed(values) => borrowed_column(frame, field, values)?,
    };
    Ok(array)
}

fn borrowed_column(frame: &str, field: &str, values: &FieldValues) -> Result<ArrayRef, FrameError> {
    let array: ArrayRef = match values {
        FieldValues::Time(ms) => {
            check_times(frame, field, ms.iter().copied().map(Some))?;
            let ns: Vec<i64> = ms.iter().map(|v| v * NS_PER_MS).collect();
            Arc::new(TimestampNanosecondArray::new(ns.into(), None))
        }
        FieldValues::NullableTime(ms) => {
            check_times(frame, field, ms.iter().copied())?;
            let ns: Vec<i64> = ms.iter().map(|v| v.map_or(0, |v| v * NS_PER_MS)).collect();
            Arc::new(TimestampNanosecondArray::new(ns.into(), nulls(ms)))
        }
        FieldValues::F64(v) => Arc::new(Float64Array::new(v.clone().into(), None)),
        FieldValues::NullableF64(v) => {
            let values: Vec<f64> = v.iter().map(|v| v.unwrap_or_default()).collect();
            Arc::new(Float64Array::new(values.into(), nulls(v)))
        }
        FieldValues::NullableF64Dense { values, valid } => {
            let nulls = valid.as_deref().and_then(mask_nulls);
            Arc::new(Float64Array::new(values.clone().into(), nulls))
        }
        FieldValues::I64(v) => Arc::new(Int64Array::new(v.clone().into(), None)),
        FieldValues::NullableI64(v) => {
            let values: Vec<i64> = v.iter().map(|v| v.unwrap_or_default()).collect();
            Arc::new(Int64Array::new(values.into(), nulls(v)))
        }
        FieldValues::U64(v) => Arc::new(UInt64Array::new(v.clone().into(), None)),
        FieldValues::NullableU64(v) => {
            let values: Vec<u64> = v.iter().map(|v| v.unwrap_or_default()).collect();
            Arc::new(UInt64Array::new(values.into(), nulls(v)))
        }
        FieldValues::Bool(v) => {
            let bits = BooleanBuffer::collect_bool(v.len(), |i| v[i]);
            Arc::new(BooleanArray::new(bits, None))
        }
        FieldValues::NullableBool(v) => {
            let bits = BooleanBuffer::collect_bool(v.len(), |i| v[i].unwrap_or_default());
            Arc::new(BooleanArray::new(bits, nulls(v)))
        }
        FieldValues::Str(v) => {
            check_text_len(frame, field, v.iter().map(String::len))?;
            Arc::new(StringArray::from_iter_values(v))
        }
        FieldValues::NullableStr(v) => {
            check_text_len(
                frame,
                field,
                v.iter().map(|s| s.as_ref().map_or(0, String::len)),
            )?;
            Arc::new(StringArray::from_iter(v.iter().map(Option::as_deref)))
        }
    };
    Ok(array)
}

/// The validity bitmap of `values`, or `None` when nothing is missing.
fn nulls<T>(values: &[Option<T>]) -> Option<NullBuffer> {
    let valid = NullBuffer::new(BooleanBuffer::collect_bool(values.len(), |i| {
        values[i].is_some()
    }));
    (valid.null_count() > 0).then_some(valid)
}

/// The validity bitmap of a mask (`true` = present), or `None` when nothing is missing.
fn mask_nulls(valid: &[bool]) -> Option<NullBuffer> {
    let valid = NullBuffer::new(BooleanBuffer::collect_bool(valid.len(), |i| valid[i]));
    (valid.null_count() > 0).then_some(valid)
}

fn check_times(
    frame: &str,
    field: &str,
    millis: impl Iterator<Item = Option<i64>>,
) -> Result<(), FrameError> {
    for (row, value) in millis.enumerate() {
        if let Some(value) = value {
            if !(MIN_MS..=MAX_MS).contains(&value) {
                return Err(FrameError::TimeOutOfRange {
                    frame: frame.to_owned(),
                    field: field.to_owned(),
                    row,
                    value,
                });
            }
        }
    }
    Ok(())
}

/// Utf8 columns have 32-bit offsets; Arrow's builder would panic past them.
fn check_text_len(
    frame: &str,
    field: &str,
    lens: impl Iterator<Item = usize>,
) -> Result<(), FrameError> {
    let bytes: usize = lens.sum();
    if bytes > i32::MAX as usize {
        return Err(FrameError::TextTooLarge {
            frame: frame.to_owned(),
            field: field.to_owned(),
            bytes,
        });
    }
    Ok(())
}
