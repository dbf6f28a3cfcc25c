//! A datasource's settings, read from Grafana's instance settings with Grafana's own
//! HTTP-settings keys (so provisioning written for the Prometheus datasource carries over)
//! and checked once, when the instance is created.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings;
use mcp_model::{parse_duration, Profile, Thresholds};
use serde_json::{Map, Value};
use thiserror::Error;

/// Default of `timeout`, seconds.
const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default of `timeInterval`.
const DEFAULT_SCRAPE_INTERVAL_MS: i64 = 15_000;
/// Default of `maxResponseBytes`: 64 MiB.
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// A setting that cannot be used; the text names the setting and its value (never a secret's).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("setting {setting} has value {value}: {reason}")]
pub struct SettingsError {
    /// The key as in the datasource's JSON.
    pub setting: String,
    /// The value as given, or `[secret]` for secure settings.
    pub value: String,
    /// What to do instead.
    pub reason: String,
}

impl SettingsError {
    fn new(
        setting: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        SettingsError {
            setting: setting.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}

/// A value that must never be shown: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// GET or POST for Prometheus API calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// Parameters in the URL.
    Get,
    /// Parameters as a form body (Grafana's default; long queries fit).
    Post,
}

/// Compression asked of the engine for its answers (`compression`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `Accept-Encoding: gzip`: a fifth of the bytes on the wire, for the engine's time
    /// spent compressing (the default; see the README for when to turn it off).
    Gzip,
    /// No `Accept-Encoding`: the engine answers uncompressed, fastest on loopback and fast
    /// networks.
    None,
}

/// TLS options of the upstream connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// Accept any server certificate (`tlsSkipVerify`).
    pub skip_verify: bool,
    /// Trust only this CA, PEM (`tlsAuthWithCACert` + `tlsCACert`).
    pub ca_cert: Option<Secret>,
    /// Client certificate and key, PEM (`tlsAuth` + `tlsClientCert`, `tlsClientKey`).
    pub client_identity: Option<(Secret, Secret)>,
    /// Name to verify the server certificate against (`serverName`).
    pub server_name: Option<String>,
}

/// Everything a datasource instance needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Prometheus-compatible base URL, without credentials.
    pub url: reqwest::Url,
    /// Basic auth user and password.
    pub basic_auth: Option<(String, Secret)>,
    /// Extra headers sent upstream, values secret (bearer tokens, `X-Scope-OrgID`).
    pub headers: Vec<(String, Secret)>,
    /// TLS options.
    pub tls: Tls,
    /// Upper bound of one upstream call.
    pub timeout: Duration,
    /// GET or POST.
    pub method: HttpMethod,
    /// Whether answers are asked for gzipped.
    pub compression: Compression,
    /// Scrape interval in milliseconds (`timeInterval`).
    pub scrape_interval_ms: i64,
    /// Metric names in force.
    pub profile: Profile,
    /// Tempo or Jaeger datasource for exemplar trace links.
    pub trace_datasource_uid: Option<String>,
    /// External trace link template, `${__value.raw}` style.
    pub trace_url_template: Option<String>,
    /// Exemplar label holding the trace id, when not `trace_id` or `traceID`.
    pub exemplar_trace_id_label: Option<String>,
    /// Status bands (`thresholds` over the profile's defaults).
    pub thresholds: Thresholds,
    /// Largest upstream body accepted.
    pub max_response_bytes: u64,
}

impl Settings {
    /// Reads and checks the instance settings Grafana sent.
    pub fn from_instance(ds: &DataSourceInstanceSettings) -> Result<Settings, SettingsError> {
        let json: Map<String, Value> = if ds.json_data.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            match serde_json::from_slice(&ds.json_data) {
                Ok(Value::Object(m)) => m,
                Ok(Value::Null) => Map::new(),
                Ok(other) => {
                    return Err(SettingsError::new(
                        "jsonData",
                        short(&other),
                        "must be a JSON object",
                    ))
                }
                Err(e) => {
                    return Err(SettingsError::new(
                        "jsonData",
                        "(unreadable)",
                        format!("is not valid JSON: {e}"),
                    ))
                }
            }
        };
        let secure = &ds.decrypted_secure_json_data;
        let secret = |key: &str| -> Option<Secret> {
            secure
                .get(key)
                .filter(|v| !v.is_empty())
                .map(|v| Secret(v.clone()))
        };
        let j = Json(&json);

        let url = parse_url(&ds.url)?;
        let basic_auth = if ds.basic_auth_enabled {
            if ds.basic_auth_user.is_empty() {
                return Err(SettingsError::new(
                    "basicAuthUser",
                    "\"\"",
                    "basic auth is on, so a user name is needed",
                ));
            }
            Some((
                ds.basic_auth_user.clone(),
                secret("basicAuthPassword").unwrap_or(Secret(String::new())),
            ))
        } else {
            None
        };

        let mut headers = Vec::new();
        for i in 1.. {
            let key = format!("httpHeaderName{i}");
            let Some(name) = j.string(&key)? else { break };
            if name.is_empty() {
                continue;
            }
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(SettingsError::new(
                    key,
                    format!("{name:?}"),
                    "is not a valid HTTP header name",
                ));
            }
            let value = secret(&format!("httpHeaderValue{i}")).unwrap_or(Secret(String::new()));
            if reqwest::header::HeaderValue::from_str(value.expose()).is_err() {
                return Err(SettingsError::new(
                    format!("httpHeaderValue{i}"),
                    "[secret]",
                    "holds characters an HTTP header cannot carry (such as a line break)",
                ));
            }
            headers.push((name, value));
        }

        let tls = Tls {
            skip_verify: j.boolean("tlsSkipVerify")?,
            ca_cert: if j.boolean("tlsAuthWithCACert")? {
                Some(secret("tlsCACert").ok_or_else(|| {
                    SettingsError::new(
                        "tlsCACert",
                        "\"\"",
                        "tlsAuthWithCACert is on, so a CA certificate (PEM) is needed",
                    )
                })?)
            } else {
                None
            },
            client_identity: if j.boolean("tlsAuth")? {
                let cert = secret("tlsClientCert").ok_or_else(|| {
                    SettingsError::new(
                        "tlsClientCert",
                        "\"\"",
                        "tlsAuth is on, so a client certificate (PEM) is needed",
                    )
                })?;
                let key = secret("tlsClientKey").ok_or_else(|| {
                    SettingsError::new(
                        "tlsClientKey",
                        "\"\"",
                        "tlsAuth is on, so a client key (PEM) is needed",
                    )
                })?;
                Some((cert, key))
            } else {
                None
            },
            server_name: j.string("serverName")?.filter(|s| !s.is_empty()),
        };

        let timeout_secs = match j.number("timeout")? {
            None => DEFAULT_TIMEOUT_SECS,
            Some(n) if n > 0.0 && n <= 3600.0 => n.ceil() as u64,
            Some(n) => {
                return Err(SettingsError::new(
                    "timeout",
                    n.to_string(),
                    "use a number of seconds from 1 to 3600",
                ))
            }
        };
        let method = match j.string("httpMethod")?.as_deref() {
            None | Some("") => HttpMethod::Post,
            Some(m) if m.eq_ignore_ascii_case("post") => HttpMethod::Post,
            Some(m) if m.eq_ignore_ascii_case("get") => HttpMethod::Get,
            Some(m) => {
                return Err(SettingsError::new(
                    "httpMethod",
                    format!("{m:?}"),
                    "use \"POST\" or \"GET\"",
                ))
            }
        };
        let compression = match j.string("compression")?.as_deref() {
            None | Some("") => Compression::Gzip,
            Some(c) if c.eq_ignore_ascii_case("gzip") => Compression::Gzip,
            Some(c) if c.eq_ignore_ascii_case("none") => Compression::None,
            Some(c) => {
                return Err(SettingsError::new(
                    "compression",
                    format!("{c:?}"),
                    "use \"gzip\" or \"none\" (none for loopback and fast networks)",
                ))
            }
        };
        let scrape_interval_ms = match j.string_or_number("timeInterval")? {
            None => DEFAULT_SCRAPE_INTERVAL_MS,
            Some(text) if text.is_empty() => DEFAULT_SCRAPE_INTERVAL_MS,
            Some(text) => match parse_duration(&text) {
                Ok(ms) if ms > 0 => ms as i64,
                _ => {
                    return Err(SettingsError::new(
                        "timeInterval",
                        format!("{text:?}"),
                        "use the scrape interval as a Prometheus duration, such as 15s",
                    ))
                }
            },
        };
        let overrides = match json.get("metricOverrides") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    let Value::String(s) = v else {
                        return Err(SettingsError::new(
                            format!("metricOverrides.{k}"),
                            short(v),
                            "must be a metric name (a string)",
                        ));
                    };
                    out.insert(k.clone(), s.clone());
                }
                out
            }
            Some(other) => {
                return Err(SettingsError::new(
                    "metricOverrides",
                    short(other),
                    "must be an object of logical metric -> metric name",
                ))
            }
        };
        let profile_name = j.string("metricProfile")?.unwrap_or_default();
        let profile =
            Profile::from_settings(&profile_name, &overrides).map_err(|e| SettingsError {
                setting: "metricProfile".to_string(),
                value: format!("{profile_name:?}"),
                reason: e.to_string(),
            })?;
        let thresholds = match json.get("thresholds") {
            None | Some(Value::Null) => Thresholds::defaults(profile.kind()),
            Some(Value::Object(m)) => {
                Thresholds::from_settings(profile.kind(), m).map_err(|e| SettingsError {
                    setting: format!("thresholds.{}", e.key),
                    value: e.value,
                    reason: e.reason,
                })?
            }
            Some(other) => {
                return Err(SettingsError::new(
                    "thresholds",
                    short(other),
                    "must be an object",
                ))
            }
        };
        let max_response_bytes = match j.number("maxResponseBytes")? {
            None => DEFAULT_MAX_RESPONSE_BYTES,
            Some(n) if n >= 1024.0 => n as u64,
            Some(n) => {
                return Err(SettingsError::new(
                    "maxResponseBytes",
                    n.to_string(),
                    "use a number of bytes of at least 1024 (default 67108864, 64 MiB)",
                ))
            }
        };
        let trace_id_label = j.string("exemplarTraceIdLabel")?.filter(|s| !s.is_empty());
        if let Some(label) = &trace_id_label {
            if !mcp_model::promql::is_valid_label_name(label) {
                return Err(SettingsError::new(
                    "exemplarTraceIdLabel",
                    format!("{label:?}"),
                    "is not a Prometheus label name",
                ));
            }
        }
        Ok(Settings {
            url,
            basic_auth,
            headers,
            tls,
            timeout: Duration::from_secs(timeout_secs),
            method,
            compression,
            scrape_interval_ms,
            profile,
            trace_datasource_uid: j.string("traceDatasourceUid")?.filter(|s| !s.is_empty()),
            trace_url_template: j.string("traceUrlTemplate")?.filter(|s| !s.is_empty()),
            exemplar_trace_id_label: trace_id_label,
            thresholds,
            max_response_bytes,
        })
    }
}

fn parse_url(raw: &str) -> Result<reqwest::Url, SettingsError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(SettingsError::new(
            "url",
            "\"\"",
            "enter the URL of a Prometheus-compatible server, such as http://prometheus:9090",
        ));
    }
    let mut url = reqwest::Url::parse(trimmed).map_err(|e| {
        SettingsError::new(
            "url",
            format!("{:?}", redact_userinfo(trimmed)),
            format!("is not a URL ({e}); use a form such as http://prometheus:9090"),
        )
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(SettingsError::new(
            "url",
            format!("{:?}", url.scheme()),
            "only http and https URLs are supported",
        ));
    }
    // Credentials belong in basicAuth; keeping them out of the URL keeps them out of errors.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn redact_userinfo(raw: &str) -> String {
    match (raw.find("://"), raw.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}[redacted]{}", &raw[..s + 3], &raw[at..]),
        _ => raw.to_string(),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}

struct Json<'a>(&'a Map<String, Value>);

impl Json<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, SettingsError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(SettingsError::new(key, short(other), "must be a string")),
        }
    }

    fn string_or_number(&self, key: &str) -> Result<Option<String>, SettingsError> {
        match self.get(key) {
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            _ => self.string(key),
        }
    }

    fn boolean(&self, key: &str) -> Result<bool, SettingsError> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            Some(other) => Err(SettingsError::new(
                key,
                short(other),
                "must be true or false",
            )),
        }
    }

    /// Grafana's UI stores some numbers as strings; both are accepted.
    fn number(&self, key: &str) -> Result<Option<f64>, SettingsError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| SettingsError::new(key, format!("{s:?}"), "must be a number")),
            Some(other) => Err(SettingsError::new(key, short(other), "must be a number")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn instance(url: &str, json: &str, secure: &[(&str, &str)]) -> DataSourceInstanceSettings {
        DataSourceInstanceSettings {
            url: url.to_string(),
            json_data: json.as_bytes().to_vec(),
            decrypted_secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_follow_grafana() {
        let s = Settings::from_instance(&instance("http://prom:9090", "", &[])).unwrap();
        assert_eq!(s.url.as_str(), "http://prom:9090/");
        assert_eq!(s.timeout, Duration::from_secs(30));
        assert_eq!(s.method, HttpMethod::Post);
        assert_eq!(s.compression, Compression::Gzip);
        assert_eq!(s.scrape_interval_ms, 15_000);
        assert_eq!(s.max_response_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn headers_pair_names_with_secure_values_and_never_print_them() {
        let s = Settings::from_instance(&instance(
            "http://prom:9090/prefix",
            r#"{"httpHeaderName1":"Authorization","httpHeaderName2":"X-Scope-OrgID","timeout":"5","httpMethod":"GET","timeInterval":"30s","compression":"none"}"#,
            &[("httpHeaderValue1", "Bearer sentinel-secret"), ("httpHeaderValue2", "tenant")],
        ))
        .unwrap();
        assert_eq!(s.headers.len(), 2);
        assert_eq!(s.headers[0].1.expose(), "Bearer sentinel-secret");
        assert_eq!(s.url.as_str(), "http://prom:9090/prefix/");
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.method, HttpMethod::Get);
        assert_eq!(s.compression, Compression::None);
        assert_eq!(s.scrape_interval_ms, 30_000);
        assert!(!format!("{s:?}").contains("sentinel-secret"));
    }

    #[test]
    fn credentials_in_the_url_never_reach_errors_or_requests() {
        let s =
            Settings::from_instance(&instance("https://u:pw-secret@prom:9090", "", &[])).unwrap();
        assert_eq!(s.url.as_str(), "https://prom:9090/");
        let err = Settings::from_instance(&instance("http://u:pw-secret@", "", &[])).unwrap_err();
        assert!(!err.to_string().contains("pw-secret"), "{err}");
    }

    #[test]
    fn errors_name_setting_and_value() {
        let cases = [
            ("", "{}", "setting url has value \"\""),
            ("ftp://x", "{}", "setting url has value \"ftp\""),
            (
                "http://x",
                r#"{"timeout":"soon"}"#,
                "setting timeout has value \"soon\"",
            ),
            (
                "http://x",
                r#"{"timeout":-1}"#,
                "setting timeout has value -1",
            ),
            (
                "http://x",
                r#"{"httpMethod":"PUT"}"#,
                "setting httpMethod has value \"PUT\"",
            ),
            (
                "http://x",
                r#"{"compression":"brotli"}"#,
                "setting compression has value \"brotli\"",
            ),
            (
                "http://x",
                r#"{"compression":true}"#,
                "setting compression has value true",
            ),
            (
                "http://x",
                r#"{"timeInterval":"often"}"#,
                "setting timeInterval has value \"often\"",
            ),
            (
                "http://x",
                r#"{"metricProfile":"prom"}"#,
                "setting metricProfile has value \"prom\"",
            ),
            (
                "http://x",
                r#"{"maxResponseBytes":10}"#,
                "setting maxResponseBytes has value 10",
            ),
            ("http://x", r#"{"tlsAuth":true}"#, "setting tlsClientCert"),
            (
                "http://x",
                r#"{"httpHeaderName1":"bad header"}"#,
                "setting httpHeaderName1 has value \"bad header\"",
            ),
            ("http://x", "[1]", "setting jsonData has value [1]"),
            (
                "http://x",
                r#"{"thresholds":{"cpuPercent":{"warn":"hot"}}}"#,
                "setting thresholds.cpuPercent",
            ),
        ];
        for (url, json, want) in cases {
            let err = Settings::from_instance(&instance(url, json, &[]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err:?} lacks {want:?}");
        }
    }
}
