//! Representative frames, compared byte for byte with the files in `testdata/`, which the Go
//! test in `tests/frames` decodes with grafana-plugin-sdk-go. Regenerate after a deliberate
//! format change with `UPDATE_GOLDEN=1 cargo test -p mcp-frames --test golden`.

use std::path::PathBuf;

use mcp_frames::{
    DataLink, DataTopic, Field, FieldConfig, FieldValues, Frame, FrameMeta, FrameType, InspectType,
    Notice, QueryStat, Threshold, ThresholdsConfig, ThresholdsMode, ValueMapping,
    ValueMappingResult,
};
use serde_json::json;

const T0: i64 = 1_700_000_000_000;

fn timeseries_multi() -> Frame {
    Frame::new("")
        .with_ref_id("A")
        .with_meta(
            FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
                .with_executed_query(
                    "Expr: sum by (job) (rate(mcp_http_requests_total[1m]))\nStep: 15s",
                )
                .with_notice(
                    Notice::warning("1 of 2 series was cut at the limit")
                        .with_inspect(InspectType::Data),
                ),
        )
        .with_field(
            Field::time("Time", (0..5).map(|i| T0 + i * 15_000).collect()).with_config(
                FieldConfig {
                    interval: Some(15_000.0),
                    ..FieldConfig::default()
                },
            ),
        )
        .with_field(
            Field::nullable_f64(
                "Value",
                vec![
                    Some(1.5),
                    None,
                    Some(f64::NAN),
                    Some(f64::INFINITY),
                    Some(f64::NEG_INFINITY),
                ],
            )
            .with_labels([("job", "mahavishnu"), ("instance", "127.0.0.1:9100")])
            .with_config(FieldConfig {
                unit: "reqps".into(),
                display_name_from_ds: "mahavishnu".into(),
                ..FieldConfig::default()
            }),
        )
}

fn table() -> Frame {
    let mut stats = FrameMeta::of_type(FrameType::Table, [0, 0])
        .with_executed_query("Expr: histogram_quantile(0.95, ...)");
    stats.stats.push(QueryStat::new("Series", 3.0, "none"));
    Frame::new("tools")
        .with_ref_id("B")
        .with_meta(stats)
        .with_field(Field::str(
            "tool",
            vec!["search".into(), "store".into(), "recall".into()],
        ))
        .with_field(
            Field::nullable_f64("p95", vec![Some(0.05), None, Some(0.75)]).with_config(
                FieldConfig {
                    unit: "s".into(),
                    decimals: Some(3),
                    min: Some(0.0),
                    thresholds: Some(ThresholdsConfig {
                        mode: ThresholdsMode::Absolute,
                        steps: vec![
                            Threshold::new(None, "green"),
                            Threshold::new(Some(0.1), "orange"),
                            Threshold::new(Some(0.5), "red"),
                        ],
                    }),
                    links: vec![
                        DataLink::internal(
                            "Traces",
                            "tempo-uid",
                            "Tempo",
                            json!({"query": "${__value.raw}", "queryType": "traceql"}),
                        ),
                        DataLink::external(
                            "Runbook",
                            "https://runbooks.example/${__data.fields.tool}",
                        ),
                    ],
                    mappings: vec![ValueMapping::Special {
                        matches: mcp_frames::SpecialValueMatch::Null,
                        result: ValueMappingResult {
                            text: "no calls".into(),
                            ..ValueMappingResult::default()
                        },
                    }],
                    ..FieldConfig::default()
                },
            ),
        )
        .with_field(Field::new("calls", FieldValues::I64(vec![120, 0, -1])))
        .with_field(Field::new("ok", FieldValues::Bool(vec![true, false, true])))
}

fn empty() -> Frame {
    Frame::new("")
        .with_ref_id("C")
        .with_meta(
            FrameMeta::of_type(FrameType::TimeSeriesMulti, [0, 1])
                .with_executed_query("Expr: up{job=\"none\"}\nStep: 15s")
                .with_notice(Notice::info("No data")),
        )
        .with_field(Field::time("Time", vec![]))
        .with_field(Field::nullable_f64("Value", vec![]))
}

fn exemplars() -> Frame {
    let trace_link = DataLink::internal(
        "Query with Tempo",
        "tempo-uid",
        "",
        json!({"query": "${__value.raw}", "queryType": "traceql"}),
    );
    Frame::new("exemplar")
        .with_ref_id("D")
        .with_meta(
            FrameMeta::default()
                .with_custom(json!({"resultType": "exemplar"}))
                .with_data_topic(DataTopic::Annotations),
        )
        .with_field(Field::time("Time", vec![T0, T0 + 1_500]))
        .with_field(Field::f64("Value", vec![0.042, 1.25]))
        .with_field(
            Field::str(
                "trace_id",
                vec!["4bf92f3577b34da6".into(), "00f067aa0ba902b7".into()],
            )
            .with_config(FieldConfig {
                links: vec![trace_link],
                ..FieldConfig::default()
            }),
        )
        .with_field(Field::str(
            "job",
            vec!["mahavishnu".into(), "akosha".into()],
        ))
}

fn all_types() -> Frame {
    Frame::new("types")
        .with_ref_id("E")
        .with_field(Field::new("time", FieldValues::Time(vec![T0, -1])))
        .with_field(Field::new(
            "ntime",
            FieldValues::NullableTime(vec![None, Some(T0)]),
        ))
        .with_field(Field::new("f64", FieldValues::F64(vec![-0.5, f64::MAX])))
        .with_field(Field::new(
            "nf64",
            FieldValues::NullableF64(vec![Some(2.0), None]),
        ))
        .with_field(Field::new(
            "i64",
            FieldValues::I64(vec![i64::MIN, i64::MAX]),
        ))
        .with_field(Field::new(
            "ni64",
            FieldValues::NullableI64(vec![None, Some(-7)]),
        ))
        .with_field(Field::new("u64", FieldValues::U64(vec![0, u64::MAX])))
        .with_field(Field::new(
            "nu64",
            FieldValues::NullableU64(vec![Some(8), None]),
        ))
        .with_field(Field::new("bool", FieldValues::Bool(vec![false, true])))
        .with_field(Field::new(
            "nbool",
            FieldValues::NullableBool(vec![Some(true), None]),
        ))
        .with_field(Field::new(
            "str",
            FieldValues::Str(vec!["ünï".into(), String::new()]),
        ))
        .with_field(Field::new(
            "nstr",
            FieldValues::NullableStr(vec![None, Some("x".into())]),
        ))
}

fn goldens() -> Vec<(&'static str, Frame)> {
    vec![
        ("timeseries_multi.arrow", timeseries_multi()),
        ("table.arrow", table()),
        ("empty.arrow", empty()),
        ("exemplars.arrow", exemplars()),
        ("all_types.arrow", all_types()),
    ]
}

#[test]
fn golden_files_match_what_the_encoder_writes_now() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    for (file, frame) in goldens() {
        let bytes = frame.to_arrow_ipc().unwrap();
        assert_eq!(
            frame.into_arrow_ipc().unwrap(),
            bytes,
            "{file}: owned path differs"
        );
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run UPDATE_GOLDEN=1 cargo test -p mcp-frames --test golden",
                path.display()
            )
        });
        assert!(
            committed == bytes,
            "{} differs from the encoder's output; if the change is deliberate, rerun with \
             UPDATE_GOLDEN=1 and check the Go decode test (tests/frames)",
            path.display()
        );
    }
}
