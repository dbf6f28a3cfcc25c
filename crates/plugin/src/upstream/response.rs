//! The Prometheus HTTP API's JSON, parsed without a DOM: samples go straight into the
//! timestamp and value vectors that become Arrow buffers.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// One series of a range query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// The series labels, `__name__` included when Prometheus keeps it.
    pub labels: BTreeMap<String, String>,
    /// Evaluation times, milliseconds since the epoch.
    pub timestamps: Vec<i64>,
    /// Values; NaN and ±Inf as Prometheus wrote them.
    pub values: Vec<f64>,
}

/// One sample of an instant query.
#[derive(Debug, Clone, PartialEq)]
pub struct InstantSample {
    /// The series labels.
    pub labels: BTreeMap<String, String>,
    /// Evaluation time, milliseconds since the epoch.
    pub timestamp: i64,
    /// The value.
    pub value: f64,
}

/// One series of exemplars.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExemplarSeries {
    /// Labels of the series the exemplars belong to.
    #[serde(rename = "seriesLabels", default)]
    pub series_labels: BTreeMap<String, String>,
    /// The exemplars.
    #[serde(default)]
    pub exemplars: Vec<Exemplar>,
}

/// One exemplar.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Exemplar {
    /// Exemplar labels (trace_id, span_id, ...).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Observed value.
    #[serde(deserialize_with = "de_value")]
    pub value: f64,
    /// Time, seconds since the epoch.
    pub timestamp: f64,
}

/// The API envelope: `status`, `data`, `errorType`, `error`, `warnings`, `infos`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    /// "success" or "error".
    pub status: String,
    /// The payload when successful.
    pub data: Option<T>,
    /// Prometheus error class.
    #[serde(rename = "errorType")]
    pub error_type: Option<String>,
    /// Prometheus error text.
    pub error: Option<String>,
    /// Warnings about partial data.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Informational notes.
    #[serde(default)]
    pub infos: Vec<String>,
}

/// `data` of a range query.
#[derive(Debug, Deserialize)]
pub struct MatrixData {
    /// Must be "matrix".
    #[serde(rename = "resultType")]
    pub result_type: String,
    /// The series.
    #[serde(deserialize_with = "de_matrix")]
    pub result: Vec<Series>,
}

/// `data` of an instant query.
#[derive(Debug, Deserialize)]
pub struct InstantData {
    /// The samples (a scalar becomes one unlabelled sample).
    #[serde(deserialize_with = "de_instant")]
    pub result: Vec<InstantSample>,
}

/// `data` of the build info endpoint.
#[derive(Debug, Deserialize)]
pub struct BuildInfo {
    /// Engine version.
    #[serde(default)]
    pub version: String,
}

fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

fn seconds_to_ms(ts: f64) -> i64 {
    (ts * 1000.0).round() as i64
}

fn de_value<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sample value as a string")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<f64, E> {
            parse_value(s).ok_or_else(|| E::custom(format!("sample value {s:?} is not a number")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
    }
    d.deserialize_any(V)
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

/// An instant `result`: an array of samples (vector), or `[time, "value"]` (scalar).
/// Each element is read as it comes; an untagged enum would first copy the whole array.
fn de_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<InstantSample>, D::Error> {
    #[derive(Deserialize)]
    struct Raw {
        #[serde(default)]
        metric: BTreeMap<String, String>,
        value: Option<(f64, RawValue)>,
    }
    #[derive(Deserialize)]
    struct RawValue(#[serde(deserialize_with = "de_value")] f64);

    enum Item {
        Sample(Raw),
        Time(f64),
        Value(f64),
    }
    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Item;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a sample, a time or a value")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                    Raw::deserialize(de::value::MapAccessDeserializer::new(map)).map(Item::Sample)
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Item, E> {
                    Ok(Item::Time(v))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Item, E> {
                    Ok(Item::Time(v as f64))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Item, E> {
                    Ok(Item::Time(v as f64))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
                    parse_value(v)
                        .map(Item::Value)
                        .ok_or_else(|| E::custom(format!("sample value {v:?} is not a number")))
                }
            }
            d.deserialize_any(V)
        }
    }

    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<InstantSample>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an instant vector or a scalar")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            let mut samples = false;
            let mut scalar = (None, None);
            while let Some(item) = seq.next_element::<Item>()? {
                match item {
                    Item::Sample(r) => {
                        samples = true;
                        out.extend(r.value.map(|(ts, v)| InstantSample {
                            labels: r.metric,
                            timestamp: seconds_to_ms(ts),
                            value: v.0,
                        }))
                    }
                    Item::Time(ts) if scalar == (None, None) => scalar.0 = Some(ts),
                    Item::Value(v) if scalar.0.is_some() && scalar.1.is_none() => {
                        scalar.1 = Some(v)
                    }
                    _ => return Err(de::Error::custom("a scalar is [time, \"value\"]")),
                }
            }
            match scalar {
                (None, None) => Ok(out),
                (Some(ts), Some(v)) if !samples => Ok(vec![InstantSample {
                    labels: BTreeMap::new(),
                    timestamp: seconds_to_ms(ts),
                    value: v,
                }]),
                _ => Err(de::Error::custom(
                    "expected an array of samples or [time, \"value\"]",
                )),
            }
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
    fn instant_vector_and_scalar() {
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1700000000,"0"]}]}}"#;
        let env: Envelope<InstantData> = serde_json::from_slice(body).unwrap();
        assert_eq!(env.data.unwrap().result[0].labels["job"], "a");
        let body =
            br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2"]}}"#;
        let env: Envelope<InstantData> = serde_json::from_slice(body).unwrap();
        let scalar = &env.data.unwrap().result;
        assert_eq!(scalar.len(), 1);
        assert_eq!(scalar[0].value, 2.0);
        assert_eq!(scalar[0].timestamp, 1_700_000_000_000);
        assert!(scalar[0].labels.is_empty());

        let result = |r: &str| {
            let body =
                format!(r#"{{"status":"success","data":{{"resultType":"x","result":{r}}}}}"#);
            serde_json::from_str::<Envelope<InstantData>>(&body).map(|e| e.data.unwrap().result)
        };
        assert_eq!(result("[]").unwrap(), vec![]);
        let v = result(
            r#"[{"metric":{},"value":[1.5,"NaN"]},{"metric":{"a":"b"}},{"value":[2,"-Inf"]}]"#,
        )
        .unwrap();
        assert_eq!(v.len(), 2, "a sample without a value is skipped");
        assert!(v[0].value.is_nan());
        assert_eq!(v[0].timestamp, 1500);
        assert_eq!(v[1].value, f64::NEG_INFINITY);
        for bad in [
            r#"[1, 2]"#,
            r#"[1, "2", "3"]"#,
            r#"[1, "x"]"#,
            r#"[{"metric":{},"value":[1,"1"]}, 1, "2"]"#,
            r#"[{"metric":{}}, 1, "2"]"#,
            r#"["2", 1]"#,
            r#"[1]"#,
            r#"[true]"#,
            r#"{"a":1}"#,
        ] {
            assert!(result(bad).is_err(), "{bad} should be refused");
        }
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
