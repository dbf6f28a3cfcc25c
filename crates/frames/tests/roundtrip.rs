//! Frames written by this crate, read back with arrow-ipc's own file reader.

use std::io::Cursor;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampNanosecondType, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_ipc::reader::FileReader;
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use mcp_frames::{
    DataLink, DataTopic, Field, FieldConfig, FieldValues, Frame, FrameError, FrameMeta, FrameType,
    Notice, Threshold, ThresholdsConfig, ThresholdsMode,
};
use serde_json::{json, Value};

fn read(bytes: &[u8]) -> (SchemaRef, Vec<RecordBatch>) {
    let reader = FileReader::try_new(Cursor::new(bytes.to_vec()), None).expect("an Arrow IPC file");
    let schema = reader.schema();
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .expect("readable batches");
    (schema, batches)
}

fn json_of(s: &str) -> Value {
    serde_json::from_str(s).expect("valid JSON")
}

fn series_frame() -> Frame {
    Frame::new("requests")
        .with_ref_id("A")
        .with_meta(
            FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
                .with_executed_query("Expr: up\nStep: 15s")
                .with_notice(Notice::warning("partial data")),
        )
        .with_field(
            Field::time("Time", vec![1_000, 16_000, 31_000]).with_config(FieldConfig {
                interval: Some(15_000.0),
                ..FieldConfig::default()
            }),
        )
        .with_field(
            Field::nullable_f64("Value", vec![Some(1.5), None, Some(f64::NAN)])
                .with_labels([("job", "mahavishnu"), ("instance", "a:1")])
                .with_config(FieldConfig {
                    unit: "reqps".into(),
                    display_name_from_ds: "mahavishnu".into(),
                    ..FieldConfig::default()
                }),
        )
}

#[test]
fn timeseries_frame_keeps_metadata_labels_and_config_together() {
    let (schema, batches) = read(&series_frame().to_arrow_ipc().unwrap());

    let md = schema.metadata();
    assert_eq!(md.get("name").map(String::as_str), Some("requests"));
    assert_eq!(md.get("refId").map(String::as_str), Some("A"));
    assert_eq!(
        json_of(md.get("meta").unwrap()),
        json!({
            "type": "timeseries-multi",
            "typeVersion": [0, 1],
            "notices": [{"severity": "warning", "text": "partial data"}],
            "executedQueryString": "Expr: up\nStep: 15s"
        })
    );

    let time = schema.field(0);
    assert_eq!(time.name(), "Time");
    assert_eq!(
        time.data_type(),
        &DataType::Timestamp(TimeUnit::Nanosecond, None)
    );
    assert!(!time.is_nullable());
    assert_eq!(
        time.metadata().get("tstype").map(String::as_str),
        Some("time")
    );
    assert_eq!(time.metadata().get("labels"), None);
    assert_eq!(
        json_of(&time.metadata()["config"]),
        json!({"interval": 15000.0})
    );

    let value = schema.field(1);
    assert_eq!(value.data_type(), &DataType::Float64);
    assert!(value.is_nullable());
    assert_eq!(
        json_of(&value.metadata()["labels"]),
        json!({"instance": "a:1", "job": "mahavishnu"})
    );
    assert_eq!(
        json_of(&value.metadata()["config"]),
        json!({"displayNameFromDS": "mahavishnu", "unit": "reqps"})
    );

    assert_eq!(batches.len(), 1);
    let batch = &batches[0];
    let times = batch.column(0).as_primitive::<TimestampNanosecondType>();
    assert_eq!(
        times.values().to_vec(),
        vec![1_000_000_000, 16_000_000_000, 31_000_000_000]
    );
    let values = batch.column(1).as_primitive::<Float64Type>();
    assert_eq!(values.value(0), 1.5);
    assert!(values.is_null(1));
    assert!(values.value(2).is_nan());
}

#[test]
fn nan_and_infinities_survive_in_plain_and_nullable_floats() {
    let specials = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, f64::MAX];
    let frame = Frame::new("specials")
        .with_field(Field::f64("plain", specials.clone()))
        .with_field(Field::nullable_f64(
            "nullable",
            specials.iter().copied().map(Some).collect(),
        ));
    for bytes in [
        frame.to_arrow_ipc().unwrap(),
        frame.into_arrow_ipc().unwrap(),
    ] {
        let (_, batches) = read(&bytes);
        for col in 0..2 {
            let got = batches[0].column(col).as_primitive::<Float64Type>();
            assert_eq!(got.null_count(), 0);
            assert!(got.value(0).is_nan());
            assert_eq!(got.value(1), f64::INFINITY);
            assert_eq!(got.value(2), f64::NEG_INFINITY);
            assert!(got.value(3) == 0.0 && got.value(3).is_sign_negative());
            assert_eq!(got.value(4), f64::MAX);
        }
    }
}

#[test]
fn every_value_type_maps_to_the_arrow_type_and_nullability_go_writes() {
    let frame = Frame::new("types")
        .with_field(Field::new("t", FieldValues::Time(vec![5, 6])))
        .with_field(Field::new(
            "nt",
            FieldValues::NullableTime(vec![None, Some(7)]),
        ))
        .with_field(Field::new("f", FieldValues::F64(vec![1.0, 2.0])))
        .with_field(Field::new(
            "nf",
            FieldValues::NullableF64(vec![Some(3.0), None]),
        ))
        .with_field(Field::new("i", FieldValues::I64(vec![i64::MIN, i64::MAX])))
        .with_field(Field::new(
            "ni",
            FieldValues::NullableI64(vec![None, Some(-4)]),
        ))
        .with_field(Field::new("u", FieldValues::U64(vec![0, u64::MAX])))
        .with_field(Field::new(
            "nu",
            FieldValues::NullableU64(vec![Some(9), None]),
        ))
        .with_field(Field::new("b", FieldValues::Bool(vec![true, false])))
        .with_field(Field::new(
            "nb",
            FieldValues::NullableBool(vec![None, Some(true)]),
        ))
        .with_field(Field::new(
            "s",
            FieldValues::Str(vec!["é".into(), String::new()]),
        ))
        .with_field(Field::new(
            "ns",
            FieldValues::NullableStr(vec![Some("x".into()), None]),
        ));
    let (schema, batches) = read(&frame.to_arrow_ipc().unwrap());

    let expected = [
        (
            "t",
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            false,
            "time",
        ),
        (
            "nt",
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            true,
            "time",
        ),
        ("f", DataType::Float64, false, "number"),
        ("nf", DataType::Float64, true, "number"),
        ("i", DataType::Int64, false, "number"),
        ("ni", DataType::Int64, true, "number"),
        ("u", DataType::UInt64, false, "number"),
        ("nu", DataType::UInt64, true, "number"),
        ("b", DataType::Boolean, false, "boolean"),
        ("nb", DataType::Boolean, true, "boolean"),
        ("s", DataType::Utf8, false, "string"),
        ("ns", DataType::Utf8, true, "string"),
    ];
    for (field, (name, data_type, nullable, tstype)) in schema.fields().iter().zip(expected) {
        assert_eq!(field.name(), name);
        assert_eq!(field.data_type(), &data_type, "{name}");
        assert_eq!(field.is_nullable(), nullable, "{name}");
        assert_eq!(
            field.metadata().get("tstype").map(String::as_str),
            Some(tstype)
        );
        assert_eq!(
            field.metadata().len(),
            1,
            "{name}: only tstype without labels/config"
        );
    }

    let b = &batches[0];
    let nt = b.column(1).as_primitive::<TimestampNanosecondType>();
    assert!(nt.is_null(0));
    assert_eq!(nt.value(1), 7_000_000);
    let ni = b.column(5).as_primitive::<Int64Type>();
    assert!(ni.is_null(0));
    assert_eq!(ni.value(1), -4);
    assert_eq!(
        b.column(4).as_primitive::<Int64Type>().values().to_vec(),
        vec![i64::MIN, i64::MAX]
    );
    assert_eq!(b.column(6).as_primitive::<UInt64Type>().value(1), u64::MAX);
    assert!(b.column(7).is_null(1));
    let bools = b.column(8).as_boolean();
    assert!(bools.value(0) && !bools.value(1));
    let nb = b.column(9).as_boolean();
    assert!(nb.is_null(0) && nb.value(1));
    let s = b.column(10).as_string::<i32>();
    assert_eq!((s.value(0), s.value(1)), ("é", ""));
    let ns = b.column(11).as_string::<i32>();
    assert_eq!(ns.value(0), "x");
    assert!(ns.is_null(1));
}

#[test]
fn frame_with_fields_but_no_rows_has_schema_and_no_batches() {
    let frame = Frame::new("empty")
        .with_ref_id("B")
        .with_meta(
            FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
                .with_notice(Notice::info("no data")),
        )
        .with_field(Field::time("Time", vec![]))
        .with_field(Field::nullable_f64("Value", vec![]));
    let (schema, batches) = read(&frame.into_arrow_ipc().unwrap());
    assert_eq!(schema.fields().len(), 2);
    assert_eq!(schema.metadata()["refId"], "B");
    assert!(batches.is_empty());
}

#[test]
fn frame_without_fields_or_meta_writes_name_and_ref_id_only() {
    let (schema, batches) = read(&Frame::new("").to_arrow_ipc().unwrap());
    assert!(schema.fields().is_empty());
    assert!(batches.is_empty());
    let mut keys: Vec<_> = schema.metadata().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["name", "refId"]);
}

#[test]
fn fields_of_different_lengths_are_refused_naming_field_and_lengths() {
    let frame = Frame::new("broken")
        .with_field(Field::time("Time", vec![1, 2, 3]))
        .with_field(Field::f64("Value", vec![1.0, 2.0]));
    let err = frame.to_arrow_ipc().unwrap_err();
    assert!(matches!(
        err,
        FrameError::LengthMismatch { ref field, len: 2, expected: 3, .. } if field == "Value"
    ));
    let msg = err.to_string();
    for part in ["\"broken\"", "\"Value\"", "2 values", "\"Time\" has 3"] {
        assert!(msg.contains(part), "{msg:?} lacks {part:?}");
    }
    assert!(frame.into_arrow_ipc().is_err());
}

#[test]
fn times_beyond_nanosecond_range_are_refused_naming_row_and_value() {
    let too_late = 9_300_000_000_000; // ms, year 2264
    for frame in [
        Frame::new("f").with_field(Field::time("Time", vec![0, too_late])),
        Frame::new("f").with_field(Field::new(
            "Time",
            FieldValues::NullableTime(vec![None, Some(too_late)]),
        )),
    ] {
        let msg = frame.clone().into_arrow_ipc().unwrap_err().to_string();
        assert!(
            msg.contains("row 1") && msg.contains(&too_late.to_string()),
            "{msg}"
        );
        assert!(frame.to_arrow_ipc().is_err());
    }
}

#[test]
fn replacing_the_meta_gives_the_bytes_of_encoding_with_it() {
    let late = |notices: &[Notice]| {
        let mut meta = FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
            .with_executed_query("Expr: up\nStep: 15s");
        meta.notices = notices.to_vec();
        meta
    };
    let dense = |valid: Option<Vec<bool>>| FieldValues::NullableF64Dense {
        values: vec![f64::NAN, f64::INFINITY, -0.0],
        valid,
    };
    let frames = [
        // Gaps as nulls, and NaN kept as a value.
        series_frame().with_field(Field::new("gaps", dense(Some(vec![false, true, true])))),
        series_frame().with_field(Field::new("kept", dense(None))),
        // No rows: a schema and no batch.
        Frame::new("empty")
            .with_meta(late(&[]))
            .with_field(Field::time("Time", vec![]))
            .with_field(Field::nullable_f64("Value", vec![])),
        // No meta at first.
        Frame::new("bare").with_field(Field::time("Time", vec![1_000])),
    ];
    let notices = [
        Notice::warning("partial"),
        Notice::info("a \"quoted\" note"),
    ];
    for frame in frames {
        let early = frame.clone().with_ref_id("R").into_arrow_ipc().unwrap();
        let meta = late(&notices);
        let want = frame
            .with_ref_id("R")
            .with_meta(meta.clone())
            .into_arrow_ipc()
            .unwrap();
        let got = mcp_frames::replace_meta(&early, &meta).unwrap();
        assert_eq!(got, want, "{:?}", read(&want).0.metadata()["name"]);
    }
    assert!(mcp_frames::replace_meta(b"not arrow", &late(&[])).is_err());
}

#[test]
fn borrowed_and_owned_encodings_are_byte_identical() {
    let frame = series_frame().with_field(Field::new("n", FieldValues::I64(vec![1, 2, 3])));
    let borrowed = frame.to_arrow_ipc().unwrap();
    let mut appended = b"prefix".to_vec();
    frame.write_arrow_ipc(&mut appended).unwrap();
    assert_eq!(&appended[6..], borrowed.as_slice());
    assert_eq!(frame.into_arrow_ipc().unwrap(), borrowed);
}

#[test]
fn field_config_json_uses_grafana_names_and_null_for_minus_infinity() {
    let config = FieldConfig {
        display_name: "p95".into(),
        decimals: Some(2),
        min: Some(0.0),
        max: Some(f64::INFINITY),
        no_value: "n/a".into(),
        thresholds: Some(ThresholdsConfig {
            mode: ThresholdsMode::Absolute,
            steps: vec![
                Threshold::new(None, "green"),
                Threshold::new(Some(0.1), "red"),
            ],
        }),
        links: vec![
            DataLink::internal(
                "Trace",
                "tempo-uid",
                "Tempo",
                json!({"query": "${__value.raw}", "queryType": "traceql"}),
            ),
            DataLink::external("Open", "https://t.example/${__value.raw}"),
        ],
        ..FieldConfig::default()
    };
    let frame = Frame::new("c").with_field(Field::f64("v", vec![1.0]).with_config(config.clone()));
    let (schema, _) = read(&frame.to_arrow_ipc().unwrap());
    let written = json_of(&schema.field(0).metadata()["config"]);
    assert_eq!(
        written,
        json!({
            "displayName": "p95",
            "decimals": 2,
            "min": 0.0,
            "max": null,
            "noValue": "n/a",
            "thresholds": {"mode": "absolute", "steps": [
                {"value": null, "color": "green"}, {"value": 0.1, "color": "red"}
            ]},
            "links": [
                {"title": "Trace", "internal": {
                    "query": {"query": "${__value.raw}", "queryType": "traceql"},
                    "datasourceUid": "tempo-uid", "datasourceName": "Tempo"}},
                {"title": "Open", "targetBlank": true, "url": "https://t.example/${__value.raw}"}
            ]
        })
    );
    let back: FieldConfig = serde_json::from_value(written).unwrap();
    assert_eq!(back.thresholds, config.thresholds);
    assert_eq!(back.links, config.links);
}

#[test]
fn empty_config_is_written_as_empty_object_and_meta_always_has_type_version() {
    let frame = Frame::new("x")
        .with_meta(FrameMeta {
            data_topic: Some(DataTopic::Annotations),
            custom: Some(json!({"resultType": "exemplar"})),
            ..FrameMeta::default()
        })
        .with_field(Field::f64("v", vec![]).with_config(FieldConfig::default()));
    let (schema, _) = read(&frame.to_arrow_ipc().unwrap());
    assert_eq!(schema.field(0).metadata()["config"], "{}");
    assert_eq!(
        json_of(&schema.metadata()["meta"]),
        json!({"typeVersion": [0, 0], "custom": {"resultType": "exemplar"}, "dataTopic": "annotations"})
    );
}

#[test]
fn a_thousand_point_series_encodes_in_well_under_a_millisecond_at_best() {
    let times: Vec<i64> = (0..1000).map(|i| 1_700_000_000_000 + i * 15_000).collect();
    let values: Vec<f64> = (0..1000).map(|i| i as f64).collect();
    let mut best = std::time::Duration::MAX;
    for _ in 0..50 {
        let frame = series_frame();
        let frame = Frame {
            fields: vec![
                Field::time("Time", times.clone()),
                Field::nullable_f64_dense("Value", values.clone()).with_labels([("job", "x")]),
            ],
            ..frame
        };
        let start = std::time::Instant::now();
        let bytes = frame.into_arrow_ipc().unwrap();
        best = best.min(start.elapsed());
        assert!(bytes.len() > 16_000);
    }
    // Generous even for unoptimised builds; the minimum of many runs ignores a busy machine.
    assert!(
        best < std::time::Duration::from_millis(2),
        "best run took {best:?}"
    );
}

#[test]
fn dense_nullable_floats_write_the_same_column_as_optional_floats() {
    let optional = Frame::new("f").with_field(Field::nullable_f64(
        "Value",
        vec![Some(1.0), None, Some(f64::NAN)],
    ));
    let dense = Frame::new("f").with_field(Field::new(
        "Value",
        FieldValues::NullableF64Dense {
            values: vec![1.0, 0.0, f64::NAN],
            valid: Some(vec![true, false, true]),
        },
    ));
    assert_eq!(
        dense.to_arrow_ipc().unwrap(),
        optional.to_arrow_ipc().unwrap()
    );
    assert_eq!(
        dense.into_arrow_ipc().unwrap(),
        optional.to_arrow_ipc().unwrap()
    );

    let masked = Frame::new("f").with_field(Field::new(
        "Value",
        FieldValues::NullableF64Dense {
            values: vec![1.0, 12345.0],
            valid: Some(vec![true, false]),
        },
    ));
    let (schema, batches) = read(&masked.into_arrow_ipc().unwrap());
    assert!(schema.field(0).is_nullable());
    let col = batches[0].column(0).as_primitive::<Float64Type>();
    assert!(col.is_valid(0) && col.is_null(1));

    let all_present = Frame::new("f").with_field(Field::nullable_f64("Value", vec![Some(2.5)]));
    let dense = Frame::new("f").with_field(Field::nullable_f64_dense("Value", vec![2.5]));
    assert_eq!(
        dense.into_arrow_ipc().unwrap(),
        all_present.to_arrow_ipc().unwrap()
    );
}

#[test]
fn dense_mask_of_the_wrong_length_is_refused() {
    let frame = Frame::new("f").with_field(Field::new(
        "Value",
        FieldValues::NullableF64Dense {
            values: vec![1.0, 2.0],
            valid: Some(vec![true]),
        },
    ));
    let msg = frame.to_arrow_ipc().unwrap_err().to_string();
    assert!(
        msg.contains("\"Value\" has 2 values but a validity mask of 1"),
        "{msg}"
    );
}
