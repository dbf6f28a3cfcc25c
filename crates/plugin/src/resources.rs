//! CallResource endpoints for editors, template variables and the config page: lists of
//! services and of the values of one MCP label within a time range, and the ecosystem
//! check ("Save & test" as one JSON object).

use std::collections::BTreeMap;

use mcp_model::promql::Selector;
use mcp_model::Family;

use crate::health;
use crate::instance::Instance;

/// An HTTP-like answer: status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    fn error(status: u16, message: String) -> Reply {
        Reply::json(status, &serde_json::json!({ "error": message }))
    }
}

/// The lists an editor can ask for: resource name, the MCP label (as the seed names it),
/// and the families that carry it.
const LISTS: &[(&str, &str, &[Family])] = &[
    ("tools", "tool_name", &[Family::ToolCalls]),
    ("pools", "pool_type", &[Family::PoolWorkers]),
    ("agentTypes", "agent_type", &[Family::AgentTasks]),
    ("adapters", "adapter", &[Family::Workflows]),
    (
        "cacheLayers",
        "cache_layer",
        &[Family::CacheHits, Family::CacheMisses],
    ),
    // The `operations` filter applies to sessions and otlpOperations alike.
    (
        "operations",
        "operation",
        &[Family::SessionOperations, Family::OtlpOperations],
    ),
];

/// Answers `<method> <path>?<query>`; `now_ms` bounds the default range (the last hour).
///
/// Paths: `ecosystemCheck` (the health object), `services`, `values/<label>` (label as the
/// seed names it, e.g. `tool_name`), and the editor lists `tools`, `pools`, `agentTypes`,
/// `adapters`, `cacheLayers`, `operations`. Every list is scoped by the `services`
/// parameter (comma-separated jobs) and the `from`/`to` range in milliseconds.
pub async fn handle(
    instance: &Instance,
    method: &str,
    path: &str,
    url: &str,
    now_ms: i64,
) -> Reply {
    let path = path.trim_matches('/');
    if !method.eq_ignore_ascii_case("GET") {
        return Reply::error(405, format!("method {method} is not supported; use GET"));
    }
    if path == "ecosystemCheck" {
        let health = health::check(instance, now_ms).await;
        return Reply {
            status: 200,
            body: serde_json::to_vec(&health).unwrap_or_default(),
        };
    }
    list(instance, path, url, now_ms).await
}

/// The editor lists and `values/<label>`.
async fn list(instance: &Instance, path: &str, url: &str, now_ms: i64) -> Reply {
    let params = query_params(url);
    let parse_ms = |key: &str, default: i64| -> Result<i64, String> {
        match params.get(key) {
            None => Ok(default),
            Some(v) => v.parse::<i64>().map_err(|_| {
                format!("parameter {key} has value {v:?}: use milliseconds since the epoch")
            }),
        }
    };
    let (from, to) = match (parse_ms("from", now_ms - 3_600_000), parse_ms("to", now_ms)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Reply::error(400, e),
    };
    let services: Vec<String> = params
        .get("services")
        .map(|s| {
            s.split(',')
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let profile = &instance.settings.profile;

    let list = LISTS
        .iter()
        .find(|(name, label, _)| path == *name || path.strip_prefix("values/") == Some(*label));
    let (label, families): (&str, Vec<String>) = match list {
        _ if path == "services" => ("job", profile.series_names()),
        Some((_, "tool_name", fams)) => (
            profile.tool_label(),
            fams.iter().map(|f| profile.series_name(*f)).collect(),
        ),
        Some((_, label, fams)) => (
            label,
            fams.iter().map(|f| profile.series_name(*f)).collect(),
        ),
        None if path.starts_with("values/") => {
            let labels: Vec<&str> = LISTS.iter().map(|(_, label, _)| *label).collect();
            return Reply::error(
                400,
                format!(
                    "label {:?} cannot be listed; use one of: {}",
                    &path["values/".len()..],
                    labels.join(", ")
                ),
            );
        }
        None => {
            let names: Vec<String> = LISTS
                .iter()
                .flat_map(|(name, label, _)| [name.to_string(), format!("values/{label}")])
                .collect();
            return Reply::error(
                404,
                format!(
                    "no resource {path:?}; use ecosystemCheck, services, {}",
                    names.join(", ")
                ),
            );
        }
    };
    let matcher = Selector::any_of_metrics(&families).one_of("job", &services);
    match instance
        .prometheus
        .label_values(label, &matcher.to_string(), from, to)
        .await
    {
        Ok(answer) => {
            let mut values = answer.data;
            values.sort();
            values.dedup();
            Reply::json(200, &serde_json::json!(values))
        }
        Err(e) => Reply::error(502, e.to_string()),
    }
}

fn query_params(url: &str) -> BTreeMap<String, String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}
