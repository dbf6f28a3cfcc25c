//! Grafana data frames, written as the Arrow IPC files Grafana's Go SDK reads.
//!
//! A backend plugin answers every query with data frames: named columns of equal length, plus
//! frame metadata (the data plane `type`, the executed query, notices) and per-field labels and
//! display config (unit, thresholds, links). Grafana decodes each frame with
//! grafana-plugin-sdk-go's `data.UnmarshalArrowFrame`; this crate writes exactly the layout
//! that decoder expects: one Arrow IPC *file* per frame, schema metadata `name`, `refId` and
//! `meta` (JSON), field metadata `tstype`, `labels` and `config` (JSON), times as nanosecond
//! timestamps, and the Arrow `nullable` flag telling Go which columns may hold nulls.
//!
//! The public surface:
//! - [`Frame`] (name, refId, [`FrameMeta`], fields) with [`Frame::to_arrow_ipc`],
//!   [`Frame::write_arrow_ipc`] and [`Frame::into_arrow_ipc`]; the last moves time, float and
//!   integer vectors into Arrow buffers without copying them, the cheap path for large series.
//! - [`replace_meta`] gives an encoded frame another [`FrameMeta`] (notices known only
//!   after its values were encoded) without rebuilding its values.
//! - [`Field`] (name, labels, [`FieldConfig`], [`FieldValues`]); labels and config may be set
//!   together. Times are milliseconds since the epoch; [`FieldValues::NullableF64Dense`] is a
//!   nullable float column built from a plain `Vec<f64>`.
//! - [`FrameMeta`] with [`FrameType`], [`Notice`], [`QueryStat`], [`DataTopic`]; [`FieldConfig`]
//!   with [`ThresholdsConfig`], [`ValueMapping`] and [`DataLink`] (external or
//!   [`InternalDataLink`]). All serialise with Grafana's JSON names.
//! - [`FrameError`]: unequal field lengths, times outside the nanosecond range, oversized text
//!   columns; each names the frame, the field and the value.
//!
//! ```
//! use mcp_frames::{Field, FieldConfig, Frame, FrameMeta, FrameType, Notice};
//!
//! let frame = Frame::new("requests")
//!     .with_ref_id("A")
//!     .with_meta(
//!         FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
//!             .with_executed_query("Expr: sum by (job) (rate(mcp_http_requests_total[1m]))\nStep: 15s")
//!             .with_notice(Notice::warning("2 of 3 engines answered")),
//!     )
//!     .with_field(Field::time("Time", vec![1_700_000_000_000, 1_700_000_015_000]))
//!     .with_field(
//!         Field::nullable_f64("Value", vec![Some(1.5), None])
//!             .with_labels([("job", "mahavishnu")])
//!             .with_config(FieldConfig::with_unit("reqps")),
//!     );
//! let bytes = frame.into_arrow_ipc()?;
//! assert_eq!(&bytes[..6], b"ARROW1");
//! # Ok::<(), mcp_frames::FrameError>(())
//! ```

mod config;
mod error;
mod frame;
mod ipc;
mod meta;

pub use config::{
    DataLink, FieldConfig, InternalDataLink, LinkTransformation, LinkTransformationType,
    SpecialValueMatch, Threshold, ThresholdsConfig, ThresholdsMode, ValueMapping,
    ValueMappingResult,
};
pub use error::FrameError;
pub use frame::{Field, FieldValues, Frame};
pub use ipc::replace_meta;
pub use meta::{
    DataTopic, FrameMeta, FrameType, InspectType, Notice, NoticeSeverity, QueryStat, VisType,
};
