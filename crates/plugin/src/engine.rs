//! Which engine a datasource's URL leads to, and which of the optional APIs it answers.
//!
//! [`identify`] names the engine from its build-info endpoint (`/api/v1/status/buildinfo`):
//! Prometheus answers its version, Grafana Mimir adds an `application` name. VictoriaMetrics
//! answers an empty object (1.79) or a made-up Prometheus version (later releases), but
//! marks every answer with an `X-Server-Hostname` header; its version then comes from
//! `vm_app_version` on `/metrics`. [`Known`] keeps a datasource's answer, so a query whose
//! feature the engine lacks names the engine in its notice without asking each time. The health
//! check reads the optional APIs through [`Feature`]s: exemplars, the metadata API and the
//! native histogram functions.

use std::sync::RwLock;

use serde::Serialize;

use crate::upstream::{Answer, BuildInfo, InstantSample, Prometheus, UpstreamError};

/// What the engine is, as far as its answers tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Prometheus itself (build info with a 2.x or 3.x version and no application name).
    Prometheus,
    /// VictoriaMetrics, single-node or cluster.
    VictoriaMetrics,
    /// An engine that names itself in its build info, such as Grafana Mimir.
    Named,
    /// Build info absent or not telling.
    #[default]
    Unknown,
}

/// The engine behind a datasource's URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// "Prometheus", "VictoriaMetrics", "VictoriaMetrics cluster", the engine's own
    /// application name, or "Prometheus-compatible engine".
    pub name: String,
    /// The version it reports, or "unknown".
    pub version: String,
    /// What the name was read from.
    pub kind: Kind,
}

impl Default for Identity {
    fn default() -> Identity {
        Identity {
            name: "Prometheus-compatible engine".to_string(),
            version: UNKNOWN.to_string(),
            kind: Kind::Unknown,
        }
    }
}

const UNKNOWN: &str = "unknown";

impl Identity {
    /// The engine named by its build info; `path` is the datasource URL's path (a
    /// VictoriaMetrics cluster is queried through vmselect's `/select/<tenant>/prometheus`).
    pub fn from_build_info(info: &BuildInfo, path: &str) -> Identity {
        let version = |v: &str| {
            if v.is_empty() {
                UNKNOWN.to_string()
            } else {
                v.to_string()
            }
        };
        if info.victoria_metrics {
            let cluster = path.starts_with("/select/");
            return Identity {
                name: if cluster {
                    "VictoriaMetrics cluster"
                } else {
                    "VictoriaMetrics"
                }
                .to_string(),
                // Its build info imitates a Prometheus version; /metrics tells the real one.
                version: UNKNOWN.to_string(),
                kind: Kind::VictoriaMetrics,
            };
        }
        if !info.application.is_empty() {
            return Identity {
                name: info.application.clone(),
                version: version(&info.version),
                kind: Kind::Named,
            };
        }
        let major = info.version.split('.').next().unwrap_or("");
        if matches!(major, "2" | "3") {
            return Identity {
                name: "Prometheus".to_string(),
                version: info.version.clone(),
                kind: Kind::Prometheus,
            };
        }
        Identity {
            version: version(&info.version),
            ..Identity::default()
        }
    }

    /// "Prometheus 2.42.0", "VictoriaMetrics (version unknown)".
    pub fn label(&self) -> String {
        if self.version == UNKNOWN {
            format!("{} (version unknown)", self.name)
        } else {
            format!("{} {}", self.name, self.version)
        }
    }

    /// Whether the engine keeps exemplars at all: VictoriaMetrics answers the exemplar API
    /// with an empty list, always.
    pub fn stores_exemplars(&self) -> bool {
        self.kind != Kind::VictoriaMetrics
    }
}

/// The version in VictoriaMetrics's `vm_app_version{version="...", short_version="..."}`
/// line of `/metrics`: the short one where set, else the long one.
pub fn victoria_metrics_version(metrics: &str) -> Option<String> {
    let line = metrics.lines().find(|l| l.starts_with("vm_app_version{"))?;
    let label = |name: &str| {
        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
        let end = line[start..].find('"')? + start;
        Some(line[start..end].to_string()).filter(|v| !v.is_empty())
    };
    label("short_version").or_else(|| label("version"))
}

/// Names the engine behind `prom`: build info, then `/metrics` for VictoriaMetrics's
/// version. An engine that answers neither is a "Prometheus-compatible engine".
pub async fn identify(prom: &Prometheus) -> Identity {
    let info = prom.build_info().await.unwrap_or_default();
    let path = reqwest::Url::parse(prom.url())
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let mut id = Identity::from_build_info(&info, &path);
    if id.kind == Kind::VictoriaMetrics {
        if let Some(v) = prom
            .text("/metrics")
            .await
            .ok()
            .as_deref()
            .and_then(victoria_metrics_version)
        {
            id.version = v;
        }
    }
    id
}

/// A datasource's engine, identified on first need and again by every health check (an
/// engine replaced behind the same URL is seen at the next "Save & test").
#[derive(Debug, Default)]
pub struct Known(RwLock<Option<Identity>>);

impl Known {
    /// The engine behind `prom`, asked only when not known yet.
    pub async fn get(&self, prom: &Prometheus) -> Identity {
        if let Some(id) = self.0.read().ok().and_then(|known| known.clone()) {
            return id;
        }
        let id = identify(prom).await;
        self.remember(&id);
        id
    }

    /// Keeps an identity found elsewhere (the health check).
    pub fn remember(&self, id: &Identity) {
        if let Ok(mut known) = self.0.write() {
            *known = Some(id.clone());
        }
    }
}

/// Whether an optional API answers, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Feature {
    /// It answers and can be used.
    pub answers: bool,
    /// What was found, in plain words.
    pub note: String,
}

/// The optional APIs a Prometheus-compatible engine may lack.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Features {
    /// `/api/v1/query_exemplars` with stored exemplars.
    pub exemplars: Feature,
    /// `/api/v1/metadata`.
    pub metadata: Feature,
    /// The PromQL functions of native histograms (`histogram_count` and kin).
    pub native_histograms: Feature,
}

/// The instant query whose success shows the engine's PromQL reads native histograms.
pub const NATIVE_HISTOGRAM_PROBE: &str = "histogram_count(vector(0))";

impl Feature {
    /// The metadata API's answer to a one-metric request.
    pub fn metadata(answer: &Result<Answer<Vec<String>>, UpstreamError>, id: &Identity) -> Self {
        match answer {
            Ok(_) if id.kind == Kind::VictoriaMetrics => Feature {
                answers: true,
                note: format!(
                    "{} answers the metadata API, but keeps no metric metadata: the list is always empty",
                    id.name
                ),
            },
            Ok(a) if a.data.is_empty() => Feature {
                answers: true,
                note: "the metadata API answers, but holds no metric metadata yet (it comes from scrapes)".to_string(),
            },
            Ok(_) => Feature {
                answers: true,
                note: "the metadata API answers".to_string(),
            },
            Err(e) => Feature {
                answers: false,
                note: format!("the metadata API did not answer: {e}"),
            },
        }
    }

    /// The answer to [`NATIVE_HISTOGRAM_PROBE`].
    pub fn native_histograms(
        answer: &Result<Answer<Vec<InstantSample>>, UpstreamError>,
        id: &Identity,
    ) -> Self {
        match answer {
            Ok(_) => Feature {
                answers: true,
                note: "PromQL knows histogram_count: native histograms can be read".to_string(),
            },
            Err(e) => Feature {
                answers: false,
                note: format!(
                    "{} does not know the native histogram functions ({e}); classic histograms (_bucket series) work",
                    id.name
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(version: &str, application: &str, victoria_metrics: bool) -> BuildInfo {
        BuildInfo {
            version: version.to_string(),
            application: application.to_string(),
            victoria_metrics,
        }
    }

    #[test]
    fn build_info_names_the_engine() {
        let cases = [
            (info("2.42.0", "", false), "/", "Prometheus 2.42.0"),
            (info("3.5.0", "", false), "/", "Prometheus 3.5.0"),
            (
                info("2.24.0", "", true),
                "/",
                "VictoriaMetrics (version unknown)",
            ),
            (
                info("", "", true),
                "/select/0/prometheus",
                "VictoriaMetrics cluster (version unknown)",
            ),
            (
                info("2.9.0", "Grafana Mimir", false),
                "/prometheus",
                "Grafana Mimir 2.9.0",
            ),
            (
                info("0.34.0", "", false),
                "/",
                "Prometheus-compatible engine 0.34.0",
            ),
            (
                info("", "", false),
                "/",
                "Prometheus-compatible engine (version unknown)",
            ),
        ];
        for (info, path, want) in cases {
            assert_eq!(Identity::from_build_info(&info, path).label(), want);
        }
    }

    #[test]
    fn only_victoria_metrics_is_known_to_keep_no_exemplars() {
        assert!(!Identity::from_build_info(&info("", "", true), "/").stores_exemplars());
        assert!(Identity::from_build_info(&info("2.42.0", "", false), "/").stores_exemplars());
        assert!(Identity::default().stores_exemplars());
    }

    #[test]
    fn the_victoria_metrics_version_comes_from_vm_app_version() {
        let metrics = "vm_app_uptime_seconds 3\nvm_app_version{version=\"victoria-metrics-20230313-v1.89.1\", short_version=\"v1.89.1\"} 1\n";
        assert_eq!(
            victoria_metrics_version(metrics).as_deref(),
            Some("v1.89.1")
        );
        // Debian's build leaves both empty.
        let debian = "vm_app_version{version=\"\", short_version=\"\"} 1\n";
        assert_eq!(victoria_metrics_version(debian), None);
        assert_eq!(victoria_metrics_version("up 1\n"), None);
    }
}
