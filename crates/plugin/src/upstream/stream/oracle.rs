//! The serde reader of a `query_range` answer, the oracle the streaming parser is held to
//! by its tests, the fuzz target and the benchmark (`MatrixData` with seeds that append
//! each sample to the series' vectors, as the plugin read matrices before the streaming
//! parser). Built for tests and with the `oracle` feature only; the plugin never runs it.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::super::number::seconds_to_ms;
use super::super::response::{de_value, Envelope, Series};
use super::super::verdict::{conclude_matrix, Reply};
use super::super::{Answer, UpstreamError};
use super::Matrix;

/// Reads a whole `query_range` answer body with serde and judges it as
/// [`super::super::parse_matrix`] does.
pub fn parse_matrix(body: &[u8]) -> Result<Answer<Vec<Series>>, UpstreamError> {
    let parsed = serde_json::from_slice::<Envelope<MatrixData>>(body)
        .map(|env| Envelope {
            status: env.status,
            data: env.data.map(|d| Matrix {
                result_type: d.result_type,
                result: d.result,
            }),
            error_type: env.error_type,
            error: env.error,
            warnings: env.warnings,
            infos: env.infos,
        })
        .map_err(|e| e.to_string());
    conclude_matrix(parsed, &Reply::body(body))
}

/// `data` of a range query, read with serde seeds straight into the series' vectors.
#[derive(Debug, Deserialize)]
struct MatrixData {
    #[serde(rename = "resultType")]
    result_type: String,
    #[serde(deserialize_with = "de_matrix")]
    result: Vec<Series>,
}

struct ValueSeed;
impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = f64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
        de_value(d)
    }
}

/// Reads one `[ts, "value"]` pair.
struct PairSeed;
impl<'de> DeserializeSeed<'de> for PairSeed {
    type Value = (i64, f64);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(i64, f64), D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = (i64, f64);
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [timestamp, \"value\"] pair")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(i64, f64), A::Error> {
                let ts: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let v = seq
                    .next_element_seed(ValueSeed)?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok((seconds_to_ms(ts), v))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Appends every pair of a `values` array to the series' vectors.
struct PairsInto<'a>(&'a mut Series);
impl<'de> DeserializeSeed<'de> for PairsInto<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'a>(&'a mut Series);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of [timestamp, \"value\"] pairs")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                if let Some(n) = seq.size_hint() {
                    self.0.timestamps.reserve(n);
                    self.0.values.reserve(n);
                }
                while let Some((t, v)) = seq.next_element_seed(PairSeed)? {
                    self.0.timestamps.push(t);
                    self.0.values.push(v);
                }
                Ok(())
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

struct SeriesSeed;
impl<'de> DeserializeSeed<'de> for SeriesSeed {
    type Value = Series;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Series, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Series;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a series object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Series, A::Error> {
                let mut s = Series::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "metric" => s.labels = map.next_value()?,
                        "values" => map.next_value_seed(PairsInto(&mut s))?,
                        // Native histograms are not drawn by these queries.
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(s)
            }
        }
        d.deserialize_map(V)
    }
}

fn de_matrix<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Series>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Series>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of series")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Series>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(s) = seq.next_element_seed(SeriesSeed)? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_samples_land_in_vectors_with_special_values() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"job":"a"},"values":[[1700000000,"1.5"],[1700000015.5,"NaN"],[1700000030,"+Inf"],[1700000045,"-Inf"]]},
            {"metric":{},"values":[]}]},"warnings":["partial"]}"#;
        let env: Envelope<MatrixData> = serde_json::from_slice(body).unwrap();
        assert_eq!(env.warnings, vec!["partial"]);
        let data = env.data.unwrap();
        assert_eq!(data.result_type, "matrix");
        let s = &data.result[0];
        assert_eq!(s.labels["job"], "a");
        assert_eq!(
            s.timestamps,
            vec![
                1_700_000_000_000,
                1_700_000_015_500,
                1_700_000_030_000,
                1_700_000_045_000
            ]
        );
        assert_eq!(s.values[0], 1.5);
        assert!(s.values[1].is_nan());
        assert_eq!(s.values[2], f64::INFINITY);
        assert_eq!(s.values[3], f64::NEG_INFINITY);
        assert!(data.result[1].timestamps.is_empty());
    }

    #[test]
    fn error_envelope_and_garbage() {
        let body = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        let env: Envelope<MatrixData> = serde_json::from_slice(body).unwrap();
        assert_eq!(env.error_type.as_deref(), Some("bad_data"));
        assert!(serde_json::from_slice::<Envelope<MatrixData>>(br#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"x"]]}]}}"#).is_err());
        assert!(serde_json::from_slice::<Envelope<MatrixData>>(b"<html>").is_err());
    }
}
