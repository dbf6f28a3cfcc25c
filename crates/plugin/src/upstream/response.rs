//! The Prometheus HTTP API's JSON, parsed without a DOM: samples go straight into the
//! timestamp and value vectors that become Arrow buffers.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::number::{parse_value, seconds_to_ms};

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

/// The API envelope: `status`, `data`, `errorType`, `error`, `warnings`, `infos`, as
/// read from the body; [`super::verdict`] judges what it means.
#[derive(Debug, Default, Deserialize)]
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

/// `data` of an instant query.
#[derive(Debug, Deserialize)]
pub struct InstantData {
    /// The samples (a scalar becomes one unlabelled sample).
    #[serde(deserialize_with = "de_instant")]
    pub result: Vec<InstantSample>,
}

/// `data` of the build info endpoint.
#[derive(Debug, Default, Deserialize)]
pub struct BuildInfo {
    /// Engine version.
    #[serde(default)]
    pub version: String,
    /// The engine's own name where it gives one (Grafana Mimir does; Prometheus does not).
    #[serde(default)]
    pub application: String,
    /// The answer carried VictoriaMetrics's `X-Server-Hostname` header.
    #[serde(skip)]
    pub victoria_metrics: bool,
}

pub(super) fn de_value<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sample value as a string")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<f64, E> {
            parse_value(s.as_bytes())
                .ok_or_else(|| E::custom(format!("sample value {s:?} is not a number")))
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
                    parse_value(v.as_bytes())
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
}
