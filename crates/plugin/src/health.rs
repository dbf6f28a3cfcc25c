//! "Save & test": reachability, engine version, and the "dashboard shows no data"
//! checklist run for the user: scrape jobs down, MCP metric families per job, exemplars.

use std::collections::{BTreeMap, BTreeSet};

use mcp_model::promql::Selector;
use mcp_model::Family;
use serde::Serialize;

use crate::instance::Instance;

/// What Save & test shows: a status, one message, details for the config page.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// Everything checked out.
    pub ok: bool,
    /// One paragraph a user can act on.
    pub message: String,
    /// The checklist, as JSON.
    pub details: Details,
}

/// The checklist's findings.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Details {
    /// The engine asked.
    pub engine: Engine,
    /// Active metric profile.
    pub profile: String,
    /// Every scrape job Prometheus knows, with its MCP families.
    pub jobs: Vec<Job>,
    /// Whether the exemplar API answers.
    pub exemplars: Exemplars,
}

/// The upstream engine.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Engine {
    /// Base URL (no credentials).
    pub url: String,
    /// Version from buildinfo, or "unknown".
    pub version: String,
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

    let (info, up, families, exemplars) = tokio::join!(
        prom.build_info(),
        prom.query("up", now_ms),
        prom.query(&families_expr, now_ms),
        prom.exemplars(&exemplar_expr, now_ms - 3_600_000, now_ms),
    );
    let mut details = Details {
        engine: Engine {
            url: prom.url().to_string(),
            version: info.map(|i| i.version).unwrap_or_default(),
        },
        profile: profile.kind().to_string(),
        ..Details::default()
    };
    if details.engine.version.is_empty() {
        details.engine.version = "unknown".to_string();
    }
    let up = match up {
        Ok(a) => a.data,
        Err(e) => {
            return Health {
                ok: false,
                message: format!("Cannot query the datasource URL: {e}"),
                details,
            }
        }
    };
    let families = match families {
        Ok(a) => a.data,
        Err(e) => {
            return Health {
                ok: false,
                message: format!("Prometheus answers, but listing MCP metric families failed: {e}"),
                details,
            }
        }
    };
    details.exemplars = match exemplars {
        Ok(a) => {
            let n: usize = a.data.iter().map(|s| s.exemplars.len()).sum();
            Exemplars {
                ok: true,
                message: if n == 0 {
                    "the exemplar API answers, but holds no exemplars of the request duration histogram in the last hour (is --enable-feature=exemplar-storage on, and do servers expose OpenMetrics?)".to_string()
                } else {
                    format!("{n} exemplars of the request duration histogram in the last hour")
                },
            }
        }
        Err(e) => Exemplars {
            ok: false,
            message: format!("the exemplar API did not answer: {e}"),
        },
    };

    let mut jobs: BTreeMap<String, Job> = BTreeMap::new();
    for s in &up {
        let job_name = s.labels.get("job").cloned().unwrap_or_default();
        let job = jobs.entry(job_name.clone()).or_insert_with(|| Job {
            job: job_name,
            ..Job::default()
        });
        job.instances += 1;
        if s.value == 0.0 {
            job.instances_down += 1;
        }
    }
    let mut present: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &families {
        if let (Some(job), Some(name)) = (s.labels.get("job"), s.labels.get("__name__")) {
            present.entry(job.clone()).or_default().insert(name.clone());
        }
    }
    for job_name in present.keys() {
        jobs.entry(job_name.clone()).or_insert_with(|| Job {
            job: job_name.clone(),
            ..Job::default()
        });
    }
    for job in jobs.values_mut() {
        job.up = job.instances_down == 0;
        let found = present.get(&job.job);
        for name in &names {
            if found.is_some_and(|f| f.contains(name)) {
                job.families.present.push(name.clone());
            } else {
                job.families.missing.push(name.clone());
            }
        }
    }
    details.jobs = jobs.into_values().collect();

    let down: Vec<&Job> = details.jobs.iter().filter(|j| !j.up).collect();
    let mcp_jobs: Vec<&Job> = details
        .jobs
        .iter()
        .filter(|j| !j.families.present.is_empty())
        .collect();
    let found_names: BTreeSet<&String> = mcp_jobs
        .iter()
        .flat_map(|j| j.families.present.iter())
        .collect();
    let engine = format!(
        "Prometheus-compatible engine {} at {}",
        details.engine.version, details.engine.url
    );

    if !down.is_empty() {
        let list: Vec<String> = down
            .iter()
            .map(|j| {
                format!(
                    "{} ({} of {} targets down)",
                    j.job, j.instances_down, j.instances
                )
            })
            .collect();
        let message = format!(
            "{engine} answers, but {} scrape job{} {} down (up == 0): {}. Prometheus cannot scrape {}: check that the server runs and that Prometheus can reach its /metrics.",
            down.len(),
            if down.len() == 1 { "" } else { "s" },
            if down.len() == 1 { "is" } else { "are" },
            list.join(", "),
            if down.len() == 1 { "it" } else { "them" },
        );
        return Health {
            ok: false,
            message,
            details,
        };
    }
    if mcp_jobs.is_empty() {
        let examples: Vec<&str> = names.iter().take(4).map(String::as_str).collect();
        let message = format!(
            "{engine} answers, but no MCP metric family of the {} profile exists (looked for {}, and {} more). Check that Prometheus scrapes your MCP servers, or choose another metric profile or metricOverrides if they export other names.",
            details.profile,
            examples.join(", "),
            names.len().saturating_sub(examples.len()),
        );
        return Health {
            ok: false,
            message,
            details,
        };
    }
    let job_names: Vec<&str> = mcp_jobs.iter().map(|j| j.job.as_str()).collect();
    let message = format!(
        "{engine} answers. {} MCP job{} up ({}); {} of {} metric families of the {} profile found; {}.",
        mcp_jobs.len(),
        if mcp_jobs.len() == 1 { "" } else { "s" },
        job_names.join(", "),
        found_names.len(),
        names.len(),
        details.profile,
        details.exemplars.message,
    );
    Health {
        ok: true,
        message,
        details,
    }
}
