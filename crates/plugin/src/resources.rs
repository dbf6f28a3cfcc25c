//! CallResource endpoints for editors, template variables and the config page: lists of
//! services and of the values of one MCP label within a time range, the ecosystem check
//! ("Save & test" as one JSON object), the query types, and the PromQL a query would run.

use std::collections::BTreeMap;

use mcp_model::promql::Selector;
use mcp_model::{Family, Query, QueryError, QueryType};
use serde_json::{json, Value};

use crate::health;
use crate::instance::Instance;
use crate::queries::{self, Context, QueryFailure};

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

/// One request to a resource.
pub struct Request<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path below the datasource's `resources/`.
    pub path: &'a str,
    /// The URL with its query string.
    pub url: &'a str,
    /// The body (JSON for `POST promql`).
    pub body: &'a [u8],
}

/// Answers a resource request; `now_ms` bounds the default range (the last hour).
///
/// Paths: `GET ecosystemCheck` (the health object), `GET queryTypes`, `POST promql` (the
/// upstream calls a query would make), `GET services`, `GET values/<label>` (label as the
/// seed names it, e.g. `tool_name`), and the editor lists `tools`, `pools`, `agentTypes`,
/// `adapters`, `cacheLayers`, `operations`. Every list is scoped by the `services`
/// parameter (comma-separated jobs) and the `from`/`to` range in milliseconds.
pub async fn handle(instance: &Instance, req: &Request<'_>, now_ms: i64) -> Reply {
    let path = req.path.trim_matches('/');
    let method = req.method;
    if path == "promql" {
        if !method.eq_ignore_ascii_case("POST") {
            return Reply::error(405, format!("method {method} is not supported; use POST"));
        }
        return promql_preview(instance, req.body, now_ms);
    }
    if !method.eq_ignore_ascii_case("GET") {
        return Reply::error(405, format!("method {method} is not supported; use GET"));
    }
    match path {
        "ecosystemCheck" => {
            let health = health::check(instance, now_ms).await;
            Reply {
                status: 200,
                body: serde_json::to_vec(&health).unwrap_or_default(),
            }
        }
        "queryTypes" => Reply::json(200, &query_types()),
        _ => list(instance, path, req.url, now_ms).await,
    }
}

/// Every query type with what it answers, its default format and the fields it reads.
fn query_types() -> Value {
    QueryType::ALL
        .iter()
        .map(|t| {
            json!({
                "queryType": t.as_str(),
                "description": t.description(),
                "defaultFormat": t.default_format().as_str(),
                "fields": t.fields().iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// `POST promql`: `{"query": <query JSON>, "from": ms, "to": ms, "intervalMs": n,
/// "maxDataPoints": n}` -> `{"queries": [call, ...]}`, planned by the code QueryData runs.
fn promql_preview(instance: &Instance, body: &[u8], now_ms: i64) -> Reply {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) | Err(_) => {
            return Reply::error(
                400,
                "the body must be a JSON object: {\"query\": {...}, \"from\": <ms>, \"to\": <ms>, \"intervalMs\": <n>, \"maxDataPoints\": <n>}".to_string(),
            )
        }
    };
    let int = |key: &str, default: i64| -> Result<i64, String> {
        match request.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v
                .as_i64()
                .ok_or_else(|| format!("field {key:?} has value {v}: use a whole number")),
        }
    };
    let numbers = (|| {
        Ok::<_, String>((
            int("from", now_ms - 3_600_000)?,
            int("to", now_ms)?,
            int("intervalMs", 0)?,
            int("maxDataPoints", 0)?,
        ))
    })();
    let (from_ms, to_ms, interval_ms, max_data_points) = match numbers {
        Ok(n) => n,
        Err(e) => return Reply::error(400, e),
    };
    let query_json = match request.get("query") {
        Some(q @ Value::Object(_)) => q.to_string(),
        _ => {
            let failure = QueryFailure::Query(QueryError::InvalidJson(
                "the body has no \"query\" object".to_string(),
            ));
            return Reply::error(400, failure.to_string());
        }
    };
    let ctx = Context {
        settings: &instance.settings,
        prometheus: &instance.prometheus,
        engine: &instance.engine,
        from_ms,
        to_ms,
        interval_ms,
        max_data_points,
        from_alert: false,
        ref_id: "",
    };
    let planned = Query::parse(query_json.as_bytes(), "")
        .map_err(QueryFailure::Query)
        .and_then(|q| queries::plan(&ctx, &q));
    match planned {
        Ok(plan) => Reply::json(200, &json!({ "queries": plan.calls() })),
        Err(failure) => Reply::error(400, failure.to_string()),
    }
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
                    "no resource {path:?}; use ecosystemCheck, queryTypes, promql, services, {}",
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
