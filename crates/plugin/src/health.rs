//! "Save & test" and the config page's ecosystem check: one object answering both.
//!
//! Health is an error only when the datasource cannot serve MCP data at all: the URL does
//! not answer, refuses the credentials or the TLS handshake, is not a Prometheus API, or
//! holds no MCP metric family of the active profile. Everything else (a scrape job down, a
//! job missing families, no exemplars) is a finding about the ecosystem: health stays OK
//! and the message and `findings` name it, each with what to do.

use std::collections::{BTreeMap, BTreeSet};

use mcp_model::promql::Selector;
use mcp_model::{Family, Profile};
use serde::Serialize;

use crate::engine::{self, Feature, Features, Identity};
use crate::instance::Instance;
use crate::upstream::{Prometheus, UpstreamError};

/// Whether the datasource can serve MCP data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It can; findings may still name parts of the ecosystem that need care.
    #[default]
    Ok,
    /// It cannot; the message and the error finding say why.
    Error,
}

/// What Save & test shows and the `ecosystemCheck` resource returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Health {
    /// Ok, or error when no MCP data can be served.
    pub status: Status,
    /// One paragraph a user can act on.
    pub message: String,
    /// The engine asked.
    pub engine: Engine,
    /// Active metric profile.
    pub profile: String,
    /// Every scrape job Prometheus knows, with its MCP families.
    pub jobs: Vec<Job>,
    /// Whether the exemplar API answers.
    pub exemplars: Exemplars,
    /// What needs care, worst first.
    pub findings: Vec<Finding>,
}

impl Health {
    /// The datasource can serve MCP data.
    pub fn ok(&self) -> bool {
        self.status == Status::Ok
    }
}

/// The upstream engine.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Engine {
    /// Base URL (no credentials).
    pub url: String,
    /// Its name ([`engine::identify`]): "Prometheus", "VictoriaMetrics", "Grafana Mimir", ...
    pub name: String,
    /// Version from buildinfo (or VictoriaMetrics's /metrics), or "unknown".
    pub version: String,
    /// Which optional APIs answer.
    pub features: Features,
}

/// One scrape job.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// The `job` label.
    pub job: String,
    /// Every target of the job is up.
    pub up: bool,
    /// Number of targets.
    pub instances: usize,
    /// Targets with `up == 0`.
    pub instances_down: usize,
    /// MCP families found and missing.
    pub families: Families,
}

/// Families of the active profile for one job.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Families {
    /// Series names found.
    pub present: Vec<String>,
    /// Series names not found.
    pub missing: Vec<String>,
}

/// Exemplar storage check.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Exemplars {
    /// The exemplar API answered.
    pub ok: bool,
    /// What was found.
    pub message: String,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The datasource cannot serve MCP data.
    Error,
    /// Part of the ecosystem shows no or stale data.
    Warning,
    /// Worth knowing; nothing is broken.
    Info,
}

/// One thing found, with what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What it is about: a job, a family, "datasource", "exemplars".
    pub subject: String,
    /// What is wrong, in plain words.
    pub problem: String,
    /// What the user can do.
    pub fix: String,
}

impl Finding {
    fn new(severity: Severity, subject: &str, problem: String, fix: impl Into<String>) -> Finding {
        Finding {
            severity,
            subject: subject.to_string(),
            problem,
            fix: fix.into(),
        }
    }
}

/// Runs the checklist against an instance.
pub async fn check(instance: &Instance, now_ms: i64) -> Health {
    let prom = &instance.prometheus;
    let profile = &instance.settings.profile;
    let names = profile.series_names();
    let families_expr = format!(
        "count by (job, __name__) ({})",
        Selector::any_of_metrics(&names)
    );
    let exemplar_expr =
        Selector::new(format!("{}_bucket", profile.metric(Family::HttpDuration))).to_string();

    let (id, up, families, exemplars, metadata, native) = tokio::join!(
        engine::identify(prom),
        prom.query("up", now_ms),
        prom.query(&families_expr, now_ms),
        exemplar_probe(prom, &exemplar_expr, now_ms),
        prom.metadata(1),
        prom.query(engine::NATIVE_HISTOGRAM_PROBE, now_ms),
    );
    instance.engine.remember(&id);
    let mut health = Health {
        engine: Engine {
            url: prom.url().to_string(),
            name: id.name.clone(),
            version: id.version.clone(),
            features: Features {
                metadata: Feature::metadata(&metadata, &id),
                native_histograms: Feature::native_histograms(&native, &id),
                ..Features::default()
            },
        },
        profile: profile.kind().to_string(),
        ..Health::default()
    };
    let (up, families) = match (up, families) {
        (Ok(up), Ok(families)) => (up.data, families.data),
        (Err(e), _) => return health.unusable("Cannot query the datasource URL", &e),
        (_, Err(e)) => {
            return health.unusable(
                &format!(
                    "{} answers, but listing MCP metric families failed",
                    id.label()
                ),
                &e,
            )
        }
    };
    health.exemplars = match exemplars {
        Ok(_) if !id.stores_exemplars() => Exemplars {
            ok: false,
            message: format!(
                "{} does not store exemplars: its exemplar API always answers an empty list",
                id.name
            ),
        },
        Ok((n, window)) => Exemplars {
            ok: true,
            message: if n == 0 {
                format!("the exemplar API answers, but holds no exemplars of the request duration histogram in the last {window}")
            } else {
                format!("{n} exemplars of the request duration histogram in the last {window}")
            },
        },
        Err(e) => Exemplars {
            ok: false,
            message: format!("the exemplar API did not answer: {e}"),
        },
    };
    health.engine.features.exemplars = Feature {
        answers: health.exemplars.ok,
        note: health.exemplars.message.clone(),
    };
    health.jobs = jobs(&up, &families, &names);
    health.judge(profile, &id);
    health
}

/// How far back the exemplar probe looks, in turn: the last hour only when the last 5
/// minutes hold none, since the hour of a busy engine is megabytes of exemplars, asked on
/// every health check only to be counted.
const EXEMPLAR_WINDOWS: [(i64, &str); 2] = [(300_000, "5 minutes"), (3_600_000, "hour")];

/// How many exemplars `expr` has in the first of [`EXEMPLAR_WINDOWS`] that holds any (or
/// none in the last), and that window's words.
async fn exemplar_probe(
    prom: &Prometheus,
    expr: &str,
    now_ms: i64,
) -> Result<(usize, &'static str), UpstreamError> {
    let mut found = (0, "");
    for (back, window) in EXEMPLAR_WINDOWS {
        let answer = prom.exemplars(expr, now_ms - back, now_ms).await?;
        found = (answer.data.iter().map(|s| s.exemplars.len()).sum(), window);
        if found.0 > 0 {
            break;
        }
    }
    Ok(found)
}

impl Health {
    /// The whole datasource is unusable: `what` failed with `e`.
    fn unusable(mut self, what: &str, e: &UpstreamError) -> Health {
        let fix = fix_for(e);
        self.status = Status::Error;
        self.message = format!("{what}: {e}. {fix}");
        self.findings.push(Finding::new(
            Severity::Error,
            "datasource",
            format!("{what}: {e}"),
            fix,
        ));
        self
    }

    /// Findings, status and message from the jobs and the exemplar check.
    fn judge(&mut self, profile: &Profile, id: &Identity) {
        let names = profile.series_names();
        let engine = format!("{} at {}", id.label(), self.engine.url);
        let mcp_jobs: Vec<&Job> = self
            .jobs
            .iter()
            .filter(|j| !j.families.present.is_empty())
            .collect();
        let found: BTreeSet<&String> = mcp_jobs
            .iter()
            .flat_map(|j| j.families.present.iter())
            .collect();

        if mcp_jobs.is_empty() {
            let examples: Vec<&str> = names.iter().take(4).map(String::as_str).collect();
            let problem = format!(
                "no MCP metric family of the {} profile exists (looked for {}, and {} more)",
                self.profile,
                examples.join(", "),
                names.len().saturating_sub(examples.len()),
            );
            self.status = Status::Error;
            self.message = format!("{engine} answers, but {problem}. Check that Prometheus scrapes your MCP servers, or choose another metric profile or metricOverrides if they export other names.");
            self.findings.push(Finding::new(
                Severity::Error,
                "datasource",
                problem,
                "Check that Prometheus scrapes your MCP servers (Status > Targets in Prometheus); if they export other metric names, choose the metric profile that matches (metricProfile \"seed\" or \"otel\") or map the names in metricOverrides.",
            ));
            return;
        }

        let mut findings = Vec::new();
        let down: Vec<&Job> = self.jobs.iter().filter(|j| !j.up).collect();
        for j in &down {
            findings.push(Finding::new(
                Severity::Warning,
                &j.job,
                format!(
                    "{} of {} targets of scrape job {} are down (up == 0): its panels show no fresh data and the summary marks it critical",
                    j.instances_down, j.instances, j.job
                ),
                format!("Check that the server of job {} runs and that Prometheus can reach its /metrics (Status > Targets in Prometheus shows the scrape error).", j.job),
            ));
        }
        let missing_everywhere: Vec<&String> =
            names.iter().filter(|n| !found.contains(n)).collect();
        if !missing_everywhere.is_empty() {
            let keys: Vec<&str> = Family::ALL
                .iter()
                .filter(|&&f| missing_everywhere.contains(&&profile.series_name(f)))
                .map(|f| f.key())
                .collect();
            findings.push(Finding::new(
                Severity::Info,
                "families",
                format!(
                    "{} of {} metric families of the {} profile are exported by no job: {}; the query types reading them show no data",
                    missing_everywhere.len(),
                    names.len(),
                    self.profile,
                    list(&missing_everywhere, 6),
                ),
                format!(
                    "Nothing to do if your servers do not report these. If they export them under other names, map them in metricOverrides (keys {}).",
                    list(&keys, 6)
                ),
            ));
        }
        for j in &mcp_jobs {
            let lacks: Vec<&String> = j
                .families
                .missing
                .iter()
                .filter(|n| found.contains(n))
                .collect();
            if !lacks.is_empty() {
                findings.push(Finding::new(
                    Severity::Info,
                    &j.job,
                    format!(
                        "job {} lacks {} famil{} other MCP jobs export: {}",
                        j.job,
                        lacks.len(),
                        if lacks.len() == 1 { "y" } else { "ies" },
                        list(&lacks, 6)
                    ),
                    format!("Nothing to do if {} does not do that work. Otherwise check the metrics it exposes on /metrics.", j.job),
                ));
            }
        }
        for j in self.jobs.iter().filter(|j| j.families.present.is_empty()) {
            findings.push(Finding::new(
                Severity::Info,
                &j.job,
                format!(
                    "scrape job {} exports no MCP metric family of the {} profile, so it is not listed as a service",
                    j.job, self.profile
                ),
                "Nothing to do if it is not an MCP server; if it is, check its metric names against the profile or map them in metricOverrides.",
            ));
        }
        if !self.exemplars.ok {
            findings.push(Finding::new(
                Severity::Warning,
                "exemplars",
                self.exemplars.message.clone(),
                "Exemplars need an engine with the exemplar API (Prometheus with --enable-feature=exemplar-storage); the other query types work without it.",
            ));
        } else if self.exemplars.message.contains("no exemplars") {
            findings.push(Finding::new(
                Severity::Info,
                "exemplars",
                self.exemplars.message.clone(),
                "Run Prometheus with --enable-feature=exemplar-storage and have servers expose OpenMetrics with trace ids on their histograms; without them, exemplar panels stay empty.",
            ));
        }
        findings.sort_by_key(|f| f.severity);

        let up_jobs: Vec<&str> = mcp_jobs
            .iter()
            .filter(|j| j.up)
            .map(|j| j.job.as_str())
            .collect();
        let mut message = format!(
            "{engine} answers. {} MCP job{} up ({}); {} of {} metric families of the {} profile found; {}.",
            up_jobs.len(),
            if up_jobs.len() == 1 { "" } else { "s" },
            list(&up_jobs, 8),
            found.len(),
            names.len(),
            self.profile,
            self.exemplars.message,
        );
        if !down.is_empty() {
            let what: Vec<String> = down
                .iter()
                .map(|j| {
                    format!(
                        "{} ({} of {} targets down)",
                        j.job, j.instances_down, j.instances
                    )
                })
                .collect();
            message.push_str(&format!(
                " {} scrape job{} {} down: {}; check that {} run{} and that Prometheus can reach {} /metrics.",
                down.len(),
                if down.len() == 1 { "" } else { "s" },
                if down.len() == 1 { "is" } else { "are" },
                what.join(", "),
                if down.len() == 1 { "its server" } else { "their servers" },
                if down.len() == 1 { "s" } else { "" },
                if down.len() == 1 { "its" } else { "their" },
            ));
        }
        let notes = findings
            .iter()
            .filter(|f| f.severity == Severity::Info)
            .count();
        if notes > 0 {
            message.push_str(&format!(
                " {notes} note{} in the ecosystem check.",
                if notes == 1 { "" } else { "s" }
            ));
        }
        self.status = Status::Ok;
        self.message = message;
        self.findings = findings;
    }
}

/// Jobs from the `up` answer and the per-job family counts, with each family of `names`
/// present or missing.
fn jobs(
    up: &[crate::upstream::InstantSample],
    families: &[crate::upstream::InstantSample],
    names: &[String],
) -> Vec<Job> {
    fn job<'a>(jobs: &'a mut BTreeMap<String, Job>, name: &str) -> &'a mut Job {
        jobs.entry(name.to_string()).or_insert_with(|| Job {
            job: name.to_string(),
            ..Job::default()
        })
    }
    let mut jobs: BTreeMap<String, Job> = BTreeMap::new();
    for s in up {
        let j = job(&mut jobs, s.labels.get("job").map_or("", String::as_str));
        j.instances += 1;
        if s.value == 0.0 {
            j.instances_down += 1;
        }
    }
    let mut present: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in families {
        if let (Some(j), Some(name)) = (s.labels.get("job"), s.labels.get("__name__")) {
            present.entry(j.clone()).or_default().insert(name.clone());
        }
    }
    for name in present.keys() {
        job(&mut jobs, name);
    }
    let mut jobs: Vec<Job> = jobs.into_values().collect();
    for j in &mut jobs {
        j.up = j.instances_down == 0;
        let found = present.get(&j.job);
        for name in names {
            if found.is_some_and(|f| f.contains(name)) {
                j.families.present.push(name.clone());
            } else {
                j.families.missing.push(name.clone());
            }
        }
    }
    jobs
}

/// What a user can do about an upstream failure of the whole datasource.
fn fix_for(e: &UpstreamError) -> String {
    match e {
        UpstreamError::Connect { .. } => "Check the URL (scheme, host and port) and that the Grafana server can reach it; for https, check the CA certificate, serverName, or tlsSkipVerify, and the client certificate if the server asks for one.".to_string(),
        UpstreamError::Timeout { .. } => "Check the engine's load, or raise the timeout setting (seconds).".to_string(),
        UpstreamError::Status { status, .. } if status.starts_with("401") || status.starts_with("403") => "The engine refused the credentials: check basicAuth and its password, or the Authorization header (httpHeaderName1 / httpHeaderValue1), and X-Scope-OrgID for Mimir or Cortex.".to_string(),
        UpstreamError::Status { .. } | UpstreamError::Malformed { .. } => "Point the URL at the root of a Prometheus-compatible API, such as http://prometheus:9090 (not .../api/v1, not a UI page); Mimir and Cortex need their Prometheus prefix, such as /prometheus.".to_string(),
        UpstreamError::Api { .. } => "The engine refused the health query; check that it implements the Prometheus query API.".to_string(),
        UpstreamError::TooLarge { .. } => "Raise maxResponseBytes: the list of scrape targets alone is larger than it.".to_string(),
        UpstreamError::Body { .. } => "The connection broke mid-answer: check proxies between Grafana and the engine, then retry.".to_string(),
        UpstreamError::Budget(_) => "Retry when fewer queries run, or raise memory_budget_mib in Grafana's [plugin.mahavishnu-mcp-datasource] section.".to_string(),
        UpstreamError::Setup(_) => "Fix the TLS settings named in the message (certificates must be PEM).".to_string(),
    }
}

/// `a, b, c and 4 more`.
fn list<S: AsRef<str>>(items: &[S], most: usize) -> String {
    let shown: Vec<&str> = items.iter().take(most).map(AsRef::as_ref).collect();
    let rest = items.len().saturating_sub(most);
    if rest > 0 {
        format!("{} and {rest} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, instances: usize, down: usize, present: &[&str], missing: &[&str]) -> Job {
        Job {
            job: name.to_string(),
            up: down == 0,
            instances,
            instances_down: down,
            families: Families {
                present: present.iter().map(|s| s.to_string()).collect(),
                missing: missing.iter().map(|s| s.to_string()).collect(),
            },
        }
    }

    /// The `start` of each exemplar request the probe made, in seconds before `now`, when
    /// every answer is `body`.
    async fn probe_starts(body: &'static str, now_ms: i64) -> (usize, Vec<i64>) {
        let (url, mut heads) = crate::testing::serve(body).await;
        let settings = crate::settings::Settings::from_instance(
            &grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings {
                url,
                ..Default::default()
            },
        )
        .unwrap();
        let prom = Prometheus::new(&settings).unwrap();
        let (n, _) = exemplar_probe(&prom, "h_bucket", now_ms).await.unwrap();
        let mut starts = Vec::new();
        while let Ok(head) = heads.try_recv() {
            let start = head
                .split(['?', '&', ' '])
                .find_map(|p| p.strip_prefix("start="));
            let start: f64 = start.unwrap().parse().unwrap();
            starts.push(now_ms / 1000 - start as i64);
        }
        (n, starts)
    }

    #[tokio::test]
    async fn the_exemplar_probe_asks_for_the_hour_only_when_five_minutes_hold_none() {
        let now_ms = 1_700_000_000_000;
        let (n, starts) = probe_starts(
            r#"{"status":"success","data":[{"seriesLabels":{"__name__":"h_bucket"},
                "exemplars":[{"labels":{"trace_id":"t1"},"value":"0.25","timestamp":1.5}]}]}"#,
            now_ms,
        )
        .await;
        assert_eq!((n, starts), (1, vec![300]));
        let (n, starts) = probe_starts(r#"{"status":"success","data":[]}"#, now_ms).await;
        assert_eq!((n, starts), (0, vec![300, 3600]));
    }

    fn judged(jobs: Vec<Job>) -> Health {
        let mut h = Health {
            profile: "seed".to_string(),
            jobs,
            exemplars: Exemplars {
                ok: true,
                message: "3 exemplars".to_string(),
            },
            ..Health::default()
        };
        h.judge(&Profile::default(), &Identity::default());
        h
    }

    #[test]
    fn one_down_job_among_several_is_a_warning_named_in_an_ok_message() {
        let all = Profile::default().series_names();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let h = judged(vec![
            job("a", 1, 0, &all, &[]),
            job("b", 1, 0, &all, &[]),
            job("c", 2, 0, &all, &[]),
            job("crackerjack", 1, 1, &[], &all),
        ]);
        assert!(h.ok(), "{}", h.message);
        assert!(
            h.message.contains("crackerjack (1 of 1 targets down)"),
            "{}",
            h.message
        );
        let f = &h.findings[0];
        assert_eq!(
            (f.severity, f.subject.as_str()),
            (Severity::Warning, "crackerjack")
        );
        assert!(!f.fix.is_empty());
    }

    #[test]
    fn no_mcp_family_anywhere_is_an_error_with_a_fix() {
        let all = Profile::default().series_names();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let h = judged(vec![job("node", 1, 0, &[], &all)]);
        assert_eq!(h.status, Status::Error);
        assert_eq!(h.findings.len(), 1);
        assert_eq!(h.findings[0].severity, Severity::Error);
        assert!(h.findings[0].fix.contains("metricOverrides"));
    }

    #[test]
    fn a_job_lacking_families_others_export_is_a_note() {
        let h = judged(vec![
            job(
                "a",
                1,
                0,
                &["mcp_http_requests_total", "pool_workers_active"],
                &[],
            ),
            job(
                "partial",
                1,
                0,
                &["mcp_http_requests_total"],
                &["pool_workers_active"],
            ),
        ]);
        assert!(h.ok());
        let note = h
            .findings
            .iter()
            .find(|f| f.subject == "partial")
            .expect("a finding about partial");
        assert_eq!(note.severity, Severity::Info);
        assert!(
            note.problem.contains("pool_workers_active"),
            "{}",
            note.problem
        );
        assert!(
            h.message.contains("in the ecosystem check"),
            "{}",
            h.message
        );
    }

    #[test]
    fn lists_stop_after_a_few() {
        assert_eq!(list(&["a", "b", "c"], 2), "a, b and 1 more");
        assert_eq!(list(&["a"], 2), "a");
    }
}
