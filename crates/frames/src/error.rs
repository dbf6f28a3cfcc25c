//! Errors of frame encoding.

/// Why a frame could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Fields of one frame have different lengths.
    #[error(
        "frame {frame:?}: field {field:?} has {len} values but field {first_field:?} has \
         {expected}; every field of a frame needs the same number of values"
    )]
    LengthMismatch {
        frame: String,
        field: String,
        len: usize,
        first_field: String,
        expected: usize,
    },
    /// The validity mask of a dense nullable field has a different length than its values.
    #[error(
        "frame {frame:?}: field {field:?} has {values} values but a validity mask of {mask}; \
         give the mask one entry per value"
    )]
    MaskLength {
        frame: String,
        field: String,
        values: usize,
        mask: usize,
    },
    /// A time in milliseconds does not fit an Arrow nanosecond timestamp.
    #[error(
        "frame {frame:?}: field {field:?} row {row} holds {value} ms, outside the range of \
         nanosecond timestamps (years 1677 to 2262); pass milliseconds since the Unix epoch"
    )]
    TimeOutOfRange {
        frame: String,
        field: String,
        row: usize,
        value: i64,
    },
    /// A text column is larger than one Arrow Utf8 column can hold.
    #[error(
        "frame {frame:?}: field {field:?} holds {bytes} bytes of text, more than the 2 GiB one \
         Arrow text column can hold; split the result into several frames"
    )]
    TextTooLarge {
        frame: String,
        field: String,
        bytes: usize,
    },
    /// Metadata could not be written as JSON.
    #[error("frame {frame:?}: {what} could not be written as JSON: {source}")]
    Json {
        frame: String,
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// The Arrow writer refused the frame.
    #[error("frame {frame:?}: Arrow IPC encoding failed: {source}")]
    Arrow {
        frame: String,
        #[source]
        source: arrow_schema::ArrowError,
    },
}
