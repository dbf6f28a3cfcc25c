//! The streaming parser against the serde oracle, itself in chunks, and malformed bodies.

use super::super::number::fast_value;
use super::super::response::{Envelope, Series};
use super::super::verdict::parse_matrix;
use super::super::UpstreamError;
use super::{oracle, Matrix, MatrixError, MatrixParser};

fn parse_response(body: &[u8]) -> Result<Envelope<Matrix>, MatrixError> {
    MatrixParser::parse([body])
}

/// A tiny deterministic generator, so failures replay.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const LABEL_TEXTS: &[&str] = &[
    "mahavishnu",
    r#"quote \" inside"#,
    r"back \\ slash",
    r"tab\tnew\nline\r\b\f\/",
    r"caf\u00e9 \u00C9t\u00e9",
    r"emoji \ud83d\ude00 pair",
    "raw utf-8 café ✓",
    "",
    r"\u0000 nul",
];
const VALUES: &[&str] = &[
    "0",
    "1",
    "1.5",
    "-2.25",
    "NaN",
    "+Inf",
    "-Inf",
    "Inf",
    "0.000012",
    "123456789.123",
    "1e-7",
    "-0",
    "1.7976931348623157e308",
    "12345678901234567890",
    "3.141592653589793",
];
const TIMES: &[&str] = &[
    "1700000000",
    "1700000015.5",
    "1700000030.25",
    "1700000045.125",
];

fn generate(rng: &mut Rng, series: usize, points: usize) -> String {
    let mut s = String::from(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    for i in 0..series {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r#"{"metric":{"__name__":"up","#);
        for l in 0..rng.below(4) {
            let text = LABEL_TEXTS[rng.below(LABEL_TEXTS.len() as u64) as usize];
            s.push_str(&format!(r#""l{l}":"{text}","#));
        }
        s.push_str(&format!(r#""job":"j{i}"}},"values":["#));
        for p in 0..points {
            if p > 0 {
                s.push(',');
            }
            let t = TIMES[rng.below(TIMES.len() as u64) as usize];
            let v = VALUES[rng.below(VALUES.len() as u64) as usize];
            match rng.below(8) {
                0 => s.push_str(&format!("[ {t} , \"{v}\" ]")),
                1 if !v.contains(['N', 'I']) => {
                    s.push_str(&format!("[{t},{}]", v.trim_start_matches('+')))
                }
                2 => s.push_str(&format!("[{t},\"{v}\",\"extra\"]")),
                _ => s.push_str(&format!("[{t},\"{v}\"]")),
            }
        }
        s.push_str("]}");
    }
    s.push_str(
        r#"],"stats":{"timings":{"evalTotalTime":0.1}}},"warnings":["w \u00e9"],"infos":["i"]}"#,
    );
    s
}

/// Series equality with NaN equal to itself.
fn same(a: &[Series], b: &[Series]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.labels == y.labels
                && x.timestamps == y.timestamps
                && x.values.len() == y.values.len()
                && x.values
                    .iter()
                    .zip(&y.values)
                    .all(|(p, q)| p.to_bits() == q.to_bits())
        })
}

fn chunked(body: &[u8], cuts: &[usize]) -> Result<Envelope<Matrix>, MatrixError> {
    let mut parts = Vec::new();
    let mut last = 0;
    for &c in cuts {
        parts.push(&body[last..c]);
        last = c;
    }
    parts.push(&body[last..]);
    MatrixParser::parse(parts)
}

#[test]
fn timestamps_too_long_for_the_fast_path_never_overflow() {
    for ts in [
        "18446744073709551616",
        "1700000000.1234567890123",
        "9999999999999",
    ] {
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{}},"values":[[{ts},"2"]]}}]}}}}"#
        );
        // Whatever the verdict, it is an answer, not a panic.
        let _ = parse_matrix(body.as_bytes());
    }
}

#[test]
fn generated_payloads_equal_the_serde_parser() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..200 {
        let body = generate(&mut rng, (round % 7) as usize, (round % 13) as usize);
        let expected = oracle::parse_matrix(body.as_bytes()).unwrap();
        let answer = parse_matrix(body.as_bytes()).unwrap();
        assert!(same(&answer.data, &expected.data), "round {round}: {body}");
        assert_eq!(answer.warnings, expected.warnings);
        // Random chunkings agree too.
        let cuts: Vec<usize> = {
            let mut c: Vec<usize> = (0..rng.below(20))
                .map(|_| rng.below(body.len() as u64 + 1) as usize)
                .collect();
            c.sort_unstable();
            c
        };
        let again = chunked(body.as_bytes(), &cuts).unwrap();
        assert!(
            same(&again.data.unwrap().result, &expected.data),
            "cuts {cuts:?}"
        );
    }
}

#[test]
fn escapes_and_special_values_decode_exactly() {
    let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"a\"b":"c\\d","e":"\u00e9\ud83d\ude00\n\t\/","f":"caf\u00E9"},
         "values":[[1700000000,"NaN"],[1700000000.001,"+Inf"],[1700000000.01,"-Inf"],[1700000000.1,"Inf"],[1.7e9,"-0"]]}]}}"#;
    let series = parse_matrix(body).unwrap().data;
    let s = &series[0];
    assert_eq!(s.labels["a\"b"], "c\\d");
    assert_eq!(s.labels["e"], "é😀\n\t/");
    assert_eq!(s.labels["f"], "café");
    assert_eq!(
        s.timestamps,
        [
            1_700_000_000_000,
            1_700_000_000_001,
            1_700_000_000_010,
            1_700_000_000_100,
            1_700_000_000_000
        ]
    );
    assert!(s.values[0].is_nan());
    assert_eq!(s.values[1], f64::INFINITY);
    assert_eq!(s.values[2], f64::NEG_INFINITY);
    assert_eq!(s.values[3], f64::INFINITY);
    assert!(s.values[4] == 0.0 && s.values[4].is_sign_negative());
}

#[test]
fn every_split_point_gives_the_same_answer() {
    let mut rng = Rng(42);
    let body = generate(&mut rng, 3, 4);
    let whole = parse_response(body.as_bytes()).unwrap();
    for cut in 0..=body.len() {
        let split = chunked(body.as_bytes(), &[cut]).unwrap();
        assert!(same(
            &split.data.as_ref().unwrap().result,
            &whole.data.as_ref().unwrap().result
        ));
        assert_eq!(split.warnings, whole.warnings, "cut at {cut}");
    }
    for a in (0..body.len()).step_by(7) {
        for b in (a..=body.len()).step_by(5) {
            let split = chunked(body.as_bytes(), &[a, b]).unwrap();
            assert!(same(
                &split.data.unwrap().result,
                &whole.data.as_ref().unwrap().result
            ));
        }
    }
    let bytes: Vec<&[u8]> = body.as_bytes().chunks(1).collect();
    let one_by_one = MatrixParser::parse(bytes).unwrap();
    assert!(same(
        &one_by_one.data.unwrap().result,
        &whole.data.unwrap().result
    ));
}

#[test]
fn empty_results_and_error_envelopes() {
    let answer =
        parse_matrix(br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#)
            .unwrap();
    assert!(answer.data.is_empty() && answer.warnings.is_empty());

    let env = parse_response(
        br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3","warnings":["w"],"infos":["i"]}"#,
    )
    .unwrap();
    assert_eq!(env.status, "error");
    assert_eq!(env.error_type.as_deref(), Some("bad_data"));
    assert_eq!(env.error.as_deref(), Some("parse error at char 3"));
    assert_eq!(
        (env.warnings, env.infos),
        (vec!["w".into()], vec!["i".into()])
    );
    assert!(env.data.is_none());
    let e = parse_matrix(br#"{"status":"error","errorType":"bad_data","error":"x","data":null}"#)
        .unwrap_err();
    assert_eq!(
        e,
        UpstreamError::Api {
            error_type: "bad_data".into(),
            message: "x".into()
        }
    );

    // A vector answer is skipped, not misread as series.
    let env = parse_response(
        br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2"]}}"#,
    )
    .unwrap();
    assert_eq!(env.data.unwrap().result_type, "scalar");
    let e = parse_matrix(
        br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]}}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("(expected a matrix, got vector)"),
        "{e}"
    );
}

#[test]
fn malformed_bodies_are_errors_with_an_offset() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "the body is empty"),
        (b"<html>", "unexpected '<'"),
        (b"[1]", "expected the answer to be a JSON object"),
        (
            br#"{"status":"success""#,
            "ends before the JSON is complete",
        ),
        (br#"{"status":"success"} x"#, "unexpected 'x'"),
        (br#"{"status":"success"} {}"#, "trailing characters"),
        (
            br#"{"status":"success","status":"error"}"#,
            "duplicate field \"status\"",
        ),
        (br#"{"data":null}"#, "no \"status\""),
        (br#"{"status":1}"#, "\"status\" to be a string"),
        (
            br#"{"status":"s","data":{"result":[]}}"#,
            "no \"resultType\"",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix"}}"#,
            "no \"result\"",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[[1,"x"]]}]}}"#,
            "sample value \"x\" is not a number",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[[1]]}]}}"#,
            "needs a timestamp and a value",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[["1","2"]]}]}}"#,
            "timestamp to be a number",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[[01,"2"]]}]}}"#,
            "not a JSON number",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix","result":[{"metric":{"a":1}}]}}"#,
            "label value to be a string",
        ),
        (
            br#"{"status":"s","data":{"resultType":"matrix","result":[1]}}"#,
            "a series object",
        ),
        (br#"{"status":"\ud800"}"#, "lone leading surrogate"),
        (br#"{"status":"\udc00"}"#, "lone trailing surrogate"),
        (br#"{"status":"\ud800\u0041"}"#, "lone leading surrogate"),
        (br#"{"status":"\x"}"#, "invalid escape"),
        (br#"{"status":"\u12g4"}"#, "hex digit"),
        (b"{\"status\":\"a\nb\"}", "control character"),
        (b"{\"status\":\"\xff\"}", "not valid UTF-8"),
        (br#"{"status":"s","x":[1,}"#, "expected a value"),
        (br#"{"status":"s","x":{"a" 1}}"#, "expected ':'"),
        (br#"{"status":"s","x":tru}"#, "in a literal"),
        (br#"{"status":"s","x":1.}"#, "not a JSON number"),
        (br#"{"status":"s","x":[1 2]}"#, "expected ',' or ']'"),
        (br#"{"status":"s" "x":1}"#, "expected ',' or '}'"),
        (br#"{"status":"s",}"#, "object key"),
        (br#"{"status":"s","#, "ends before"),
        (br#"{"status":"s"#, "inside a string"),
        (br#"{"status":"s","x":nu"#, "inside a literal"),
    ];
    for (body, want) in cases {
        let err = parse_response(body).unwrap_err();
        assert!(
            err.reason.contains(want),
            "{}: got {err}",
            String::from_utf8_lossy(body)
        );
        // Fed byte by byte, the same verdict.
        let bytes: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(MatrixParser::parse(bytes).unwrap_err().reason, err.reason);
    }
    let err = parse_response(br#"{"status":"success","data":{"x":[1,2}}}"#).unwrap_err();
    assert_eq!(err.offset, 36, "{err}");
}

#[test]
fn truncations_and_mutations_never_panic_and_agree_with_serde_on_validity() {
    let mut rng = Rng(7);
    let body = generate(&mut rng, 3, 3);
    for end in 0..body.len() {
        assert!(
            parse_response(&body.as_bytes()[..end]).is_err(),
            "prefix {end}"
        );
    }
    let alphabet = b"{}[]:,\"\\ 0123456789.eE+-tfnulsaNI\x00\xff\xc3u";
    for _ in 0..20_000 {
        let mut m = body.as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(m.len() as u64) as usize;
            match rng.below(3) {
                0 => m[at] = alphabet[rng.below(alphabet.len() as u64) as usize],
                1 => {
                    m.remove(at);
                }
                _ => m.insert(at, alphabet[rng.below(alphabet.len() as u64) as usize]),
            }
        }
        let ours = parse_matrix(&m);
        let theirs = oracle::parse_matrix(&m);
        if let (Ok(a), Ok(b)) = (&ours, &theirs) {
            assert!(same(&a.data, &b.data), "{}", String::from_utf8_lossy(&m));
            assert_eq!(a.warnings, b.warnings);
        }
        if theirs.is_err() != ours.is_err() {
            // Where the verdicts differ: bytes that are not UTF-8 in a place serde skips
            // without checking and we do not.
            let text = String::from_utf8_lossy(&m);
            assert!(
                std::str::from_utf8(&m).is_err() && ours.is_err(),
                "ours {ours:?} theirs {theirs:?} on {text}"
            );
        }
    }
}

#[test]
fn decimal_values_have_the_bits_of_str_parse() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut checked = 0;
    for _ in 0..300_000 {
        let len = 1 + rng.below(19) as usize;
        let mut digits: String = (0..len)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        if len > 1 && rng.below(2) == 0 {
            let dot = 1 + rng.below(len as u64 - 1) as usize;
            digits.insert(dot, '.');
        }
        if rng.below(4) == 0 {
            digits.insert(0, '-');
        }
        let want: f64 = digits.parse().unwrap();
        let got = fast_value(digits.as_bytes()).unwrap();
        assert_eq!(got.to_bits(), want.to_bits(), "{digits}");
        checked += 1;
    }
    // Exact halfway points between two floats, written with a decimal part.
    for _ in 0..50_000 {
        let m = (1u64 << 52) + rng.below(1 << 52);
        let e = 1 + rng.below(6) as u32;
        let mid = (2 * u128::from(m) + 1) << (e - 1);
        for text in [format!("{mid}.0"), format!("{mid}.00")] {
            if text.len() > 20 {
                continue;
            }
            let want: f64 = text.parse().unwrap();
            assert_eq!(
                fast_value(text.as_bytes()).unwrap().to_bits(),
                want.to_bits(),
                "{text}"
            );
            checked += 1;
        }
    }
    for text in [
        "1.7469428500124782",
        "0.49800796812749004",
        "9999999999999999999",
        "0.0000000000000000001",
        "9007199254740993",
        "9007199254740993.0",
        "18446744073709551615",
    ] {
        let want: f64 = text.parse().unwrap();
        assert_eq!(
            fast_value(text.as_bytes()).unwrap().to_bits(),
            want.to_bits(),
            "{text}"
        );
    }
    assert!(checked > 300_000);
}

#[test]
fn the_next_series_gets_its_capacity_from_the_last() {
    let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{},"values":[[1,"1"],[2,"2"],[3,"3"]]},{"metric":{},"values":[[1,"1"],[2,"2"],[3,"3"]]}]}}"#;
    let series = parse_matrix(body).unwrap().data;
    assert_eq!(series[1].timestamps.capacity(), 3);
    assert_eq!(series[1].values.capacity(), 3);
}
