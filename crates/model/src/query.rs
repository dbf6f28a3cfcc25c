//! One Grafana query of this datasource: its JSON model, parsed field by field so that a
//! wrong field names itself and fails only its own query.

use serde_json::{Map, Value};
use thiserror::Error;

use crate::duration::parse_duration;
use crate::limits::{MAX_EXPR_CHARS, MAX_FILTER_VALUES, MAX_LIMIT, MAX_PERCENTILES};

/// What went wrong reading one query; the text is what the user sees on the panel.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QueryError {
    /// The query is not a JSON object.
    #[error("the query is not valid JSON: {0}")]
    InvalidJson(String),
    /// Neither the query nor Grafana named a query type.
    #[error("the query has no queryType; choose one of: {}", QueryType::names().join(", "))]
    MissingQueryType,
    /// The query type is not one of ours.
    #[error("queryType {0:?} is unknown; choose one of: {names}", names = QueryType::names().join(", "))]
    UnknownQueryType(String),
    /// A field has the wrong JSON type.
    #[error("field {field:?} must be {expected}, got {got}")]
    WrongType {
        /// Field name as in the query JSON.
        field: &'static str,
        /// What the field must hold.
        expected: &'static str,
        /// What it held, as JSON.
        got: String,
    },
    /// A field has the right type but a value we cannot use.
    #[error("field {field:?} has value {value}: {reason}")]
    InvalidValue {
        /// Field name as in the query JSON.
        field: &'static str,
        /// The offending value, as JSON.
        value: String,
        /// What is allowed instead.
        reason: String,
    },
    /// A field asks for more than one query may (see [`crate::limits`]).
    #[error("field {field:?} has {count} {unit}, more than the limit of {limit}; {fix}")]
    OverLimit {
        /// Field name as in the query JSON.
        field: &'static str,
        /// How many there are.
        count: usize,
        /// What is counted ("values", "characters").
        unit: &'static str,
        /// The limit.
        limit: usize,
        /// What to do instead.
        fix: &'static str,
    },
    /// The time range is reversed or empty.
    #[error("the time range from {from_ms} to {to_ms} (ms since the epoch) {problem}; choose a range whose end is after its start")]
    TimeRange {
        /// Start, ms since the epoch.
        from_ms: i64,
        /// End, ms since the epoch.
        to_ms: i64,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The query would fan out to more upstream calls than one query may.
    #[error("this query would need {calls} upstream calls, more than the limit of {limit}; ask for fewer percentiles or split it over several queries")]
    TooManyCalls {
        /// Calls the query would send.
        calls: usize,
        /// The limit.
        limit: usize,
    },
}

macro_rules! query_types {
    ($($variant:ident => $name:literal, $format:ident, [$($field:ident),*], $about:literal;)*) => {
        /// The question a query asks; `queryType` in the query JSON.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum QueryType { $(#[doc = $about] $variant),* }

        impl QueryType {
            /// Every query type, in the order the editor lists them.
            pub const ALL: &'static [QueryType] = &[$(QueryType::$variant),*];

            /// The name stored in dashboards.
            pub fn as_str(self) -> &'static str {
                match self { $(QueryType::$variant => $name),* }
            }

            /// The type named `name`, if any.
            pub fn from_name(name: &str) -> Option<QueryType> {
                match name { $($name => Some(QueryType::$variant),)* _ => None }
            }

            /// What the type answers, in one line as the editor shows it.
            pub fn description(self) -> &'static str {
                match self { $(QueryType::$variant => $about),* }
            }

            /// The shape of the answer when the query sets no `format`.
            pub fn default_format(self) -> Format {
                match self { $(QueryType::$variant => Format::$format),* }
            }

            /// The query fields this type reads, besides `queryType`.
            pub fn fields(self) -> &'static [QueryField] {
                match self { $(QueryType::$variant => &[$(QueryField::$field),*]),* }
            }
        }
    };
}

query_types! {
    EcosystemSummary => "ecosystemSummary", Table, [Services, Tools, Pools, RateWindow, Limit],
        "One row per service: up, traffic, 5xx %, p95, tool success, workers, sessions, CPU and memory, with a status and its reasons; and the worst tools and pools";
    RequestRate => "requestRate", Timeseries, [Services, RateWindow],
        "Requests per second of each service";
    RequestLatency => "requestLatency", Timeseries, [Services, Percentiles, RateWindow, Exemplars],
        "Request duration percentiles of each service (p50, p95, p99 unless you pick others)";
    ErrorRate => "errorRate", Timeseries, [Services, RateWindow],
        "Share of requests that failed with a 5xx, per service";
    ToolHealth => "toolHealth", Table, [Services, Tools, Format, RateWindow, Exemplars],
        "Calls/s, success %, errors/s, p50 and p95 of each tool, with a status; as time series, success % per tool";
    PoolCapacity => "poolCapacity", Timeseries, [Services, Pools, Format],
        "Active workers of each worker pool; as a table, current, min and max with a status";
    AgentTasks => "agentTasks", Timeseries, [Services, AgentTypes, Format, RateWindow],
        "Tasks per second of each agent type; the table adds success % and p95";
    Workflows => "workflows", Timeseries, [Services, Adapters, Format, RateWindow],
        "Workflow runs per second of each adapter; the table adds success %";
    Sessions => "sessions", Timeseries, [Services, Operations, Format, RateWindow],
        "Active sessions of each service, and session operations by operation and outcome";
    Memory => "memory", Timeseries, [Services, Format, RateWindow],
        "Memory syncs by source and outcome, memories stored, and embeddings by model";
    Cache => "cache", Timeseries, [Services, CacheLayers, Format, RateWindow],
        "Cache hit ratio of each service and cache layer";
    System => "system", Timeseries, [Services, Format],
        "CPU %, memory, open files and disk % of each service; the table judges them";
    OtlpOperations => "otlpOperations", Timeseries, [Services, Operations, Format, RateWindow],
        "Operations per second, p95 and average duration, and active connections of each service, from OTLP metrics";
    Exemplars => "exemplars", Timeseries, [Services, Tools, Format, ExemplarSource, Limit],
        "Trace-linked samples of requests or tool calls, failing and slowest first; as time series, exemplar dots on time series panels, as a table, rows for table panels";
    Promql => "promql", Timeseries, [Expr, LegendFormat],
        "Your own PromQL expression, with a legend";
}

/// A field of the query JSON, beside `queryType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryField {
    /// `services`: `job` values.
    Services,
    /// `tools`: `tool_name` values.
    Tools,
    /// `pools`: `pool_type` values.
    Pools,
    /// `agentTypes`: `agent_type` values.
    AgentTypes,
    /// `adapters`: `adapter` values.
    Adapters,
    /// `cacheLayers`: `cache_layer` values.
    CacheLayers,
    /// `operations`: `operation` values.
    Operations,
    /// `percentiles`: latency percentiles.
    Percentiles,
    /// `format`: "timeseries" or "table".
    Format,
    /// `rateWindow`: "auto" or a duration.
    RateWindow,
    /// `exemplarSource`: "http" or "tool".
    ExemplarSource,
    /// `limit`: exemplars kept, rows of top-N tables.
    Limit,
    /// `expr`: PromQL of a promql query.
    Expr,
    /// `legendFormat`: legend of a promql query.
    LegendFormat,
    /// `exemplars`: also return the matching exemplars.
    Exemplars,
}

impl QueryField {
    /// The field's name in the query JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryField::Services => "services",
            QueryField::Tools => "tools",
            QueryField::Pools => "pools",
            QueryField::AgentTypes => "agentTypes",
            QueryField::Adapters => "adapters",
            QueryField::CacheLayers => "cacheLayers",
            QueryField::Operations => "operations",
            QueryField::Percentiles => "percentiles",
            QueryField::Format => "format",
            QueryField::RateWindow => "rateWindow",
            QueryField::ExemplarSource => "exemplarSource",
            QueryField::Limit => "limit",
            QueryField::Expr => "expr",
            QueryField::LegendFormat => "legendFormat",
            QueryField::Exemplars => "exemplars",
        }
    }
}

impl QueryType {
    fn names() -> Vec<&'static str> {
        QueryType::ALL.iter().map(|t| t.as_str()).collect()
    }
}

/// How a query's answer is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One frame per series (`timeseries-multi`).
    Timeseries,
    /// One wide frame, a row per entity.
    Table,
}

impl Format {
    /// The value of the `format` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Timeseries => "timeseries",
            Format::Table => "table",
        }
    }
}

/// The range of `rate()`: Grafana's `$__rate_interval` rule, or a fixed duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateWindow {
    /// `max(step + scrape interval, 4 x scrape interval)`.
    Auto,
    /// A fixed window in milliseconds.
    Fixed(u64),
}

/// Which histogram exemplars come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemplarSource {
    /// `mcp_http_request_duration_seconds`.
    Http,
    /// `mcp_tool_duration_seconds`.
    Tool,
}

/// Exact label values to keep; an empty list keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// `job` values.
    pub services: Vec<String>,
    /// `tool_name` values.
    pub tools: Vec<String>,
    /// `pool_type` values.
    pub pools: Vec<String>,
    /// `agent_type` values.
    pub agent_types: Vec<String>,
    /// `adapter` values.
    pub adapters: Vec<String>,
    /// `cache_layer` values.
    pub cache_layers: Vec<String>,
    /// `operation` values.
    pub operations: Vec<String>,
}

/// One query, with every default applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// What is asked.
    pub query_type: QueryType,
    /// Label filters.
    pub filters: Filters,
    /// Latency percentiles, each in (0, 100).
    pub percentiles: Vec<f64>,
    /// Requested shape, or `None` for the type's default.
    pub format: Option<Format>,
    /// Window of `rate()`.
    pub rate_window: RateWindow,
    /// Histogram for exemplars.
    pub exemplar_source: ExemplarSource,
    /// Exemplars kept and rows of top-N tables.
    pub limit: usize,
    /// PromQL of a `promql` query.
    pub expr: String,
    /// Legend template of a `promql` query, `{{label}}` style.
    pub legend_format: String,
    /// requestLatency and toolHealth as time series: also return the matching exemplars.
    pub exemplars: bool,
}

/// Percentiles used when a latency query names none.
pub const DEFAULT_PERCENTILES: [f64; 3] = [50.0, 95.0, 99.0];
/// Default of `limit`.
pub const DEFAULT_LIMIT: usize = 100;

impl Query {
    /// Parses a query from its JSON; the query type comes from the JSON's `queryType`.
    pub fn from_json(json: &[u8]) -> Result<Query, QueryError> {
        Query::parse(json, "")
    }

    /// Parses a query from its JSON, taking the query type from `query_type` when Grafana
    /// sent one beside the JSON, else from the JSON's `queryType`.
    pub fn parse(json: &[u8], query_type: &str) -> Result<Query, QueryError> {
        let value: Value = if json.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(json).map_err(|e| QueryError::InvalidJson(e.to_string()))?
        };
        let Value::Object(obj) = value else {
            return Err(QueryError::InvalidJson(format!(
                "expected an object, got {}",
                short(&value)
            )));
        };
        let name = if query_type.is_empty() {
            string_field(&obj, "queryType")?.unwrap_or_default()
        } else {
            query_type.to_string()
        };
        if name.is_empty() {
            return Err(QueryError::MissingQueryType);
        }
        let query_type = QueryType::from_name(&name).ok_or(QueryError::UnknownQueryType(name))?;

        let filters = Filters {
            services: strings_field(&obj, "services")?,
            tools: strings_field(&obj, "tools")?,
            pools: strings_field(&obj, "pools")?,
            agent_types: strings_field(&obj, "agentTypes")?,
            adapters: strings_field(&obj, "adapters")?,
            cache_layers: strings_field(&obj, "cacheLayers")?,
            operations: strings_field(&obj, "operations")?,
        };
        let expr = string_field(&obj, "expr")?.unwrap_or_default();
        if query_type == QueryType::Promql && expr.trim().is_empty() {
            return Err(QueryError::InvalidValue {
                field: "expr",
                value: "\"\"".to_string(),
                reason: "a promql query needs a PromQL expression".to_string(),
            });
        }
        let expr_chars = expr.chars().count();
        if expr_chars > MAX_EXPR_CHARS {
            return Err(QueryError::OverLimit {
                field: "expr",
                count: expr_chars,
                unit: "characters",
                limit: MAX_EXPR_CHARS,
                fix: "shorten the expression, for example with a recording rule",
            });
        }
        Ok(Query {
            query_type,
            filters,
            percentiles: percentiles_field(&obj)?,
            format: format_field(&obj)?,
            rate_window: rate_window_field(&obj)?,
            exemplar_source: exemplar_source_field(&obj)?,
            limit: limit_field(&obj)?,
            expr,
            legend_format: string_field(&obj, "legendFormat")?.unwrap_or_default(),
            exemplars: bool_field(&obj, "exemplars")?,
        })
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn present<'a>(obj: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    obj.get(field).filter(|v| !v.is_null())
}

fn string_field(
    obj: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, QueryError> {
    match present(obj, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(QueryError::WrongType {
            field,
            expected: "a string",
            got: short(other),
        }),
    }
}

fn bool_field(obj: &Map<String, Value>, field: &'static str) -> Result<bool, QueryError> {
    match present(obj, field) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(QueryError::WrongType {
            field,
            expected: "true or false",
            got: short(other),
        }),
    }
}

fn strings_field(obj: &Map<String, Value>, field: &'static str) -> Result<Vec<String>, QueryError> {
    let wrong = |got: &Value| QueryError::WrongType {
        field,
        expected: "a list of strings",
        got: short(got),
    };
    match present(obj, field) {
        None => Ok(Vec::new()),
        // A single-valued template variable arrives as a plain string.
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => {
                        if !out.contains(s) {
                            out.push(s.clone())
                        }
                    }
                    other => return Err(wrong(other)),
                }
            }
            if out.len() > MAX_FILTER_VALUES {
                return Err(QueryError::OverLimit {
                    field,
                    count: out.len(),
                    unit: "values",
                    limit: MAX_FILTER_VALUES,
                    fix: "pick fewer values, or leave the filter empty to keep them all",
                });
            }
            Ok(out)
        }
        Some(other) => Err(wrong(other)),
    }
}

fn percentiles_field(obj: &Map<String, Value>) -> Result<Vec<f64>, QueryError> {
    const FIELD: &str = "percentiles";
    let Some(value) = present(obj, FIELD) else {
        return Ok(DEFAULT_PERCENTILES.to_vec());
    };
    let Value::Array(items) = value else {
        return Err(QueryError::WrongType {
            field: FIELD,
            expected: "a list of numbers",
            got: short(value),
        });
    };
    if items.is_empty() {
        return Ok(DEFAULT_PERCENTILES.to_vec());
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let p = item.as_f64().ok_or_else(|| QueryError::WrongType {
            field: FIELD,
            expected: "a list of numbers",
            got: short(item),
        })?;
        if !(p > 0.0 && p < 100.0) {
            return Err(QueryError::InvalidValue {
                field: FIELD,
                value: short(item),
                reason: "each percentile must be above 0 and below 100, such as 95 or 99.9"
                    .to_string(),
            });
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    if out.len() > MAX_PERCENTILES {
        return Err(QueryError::OverLimit {
            field: FIELD,
            count: out.len(),
            unit: "values",
            limit: MAX_PERCENTILES,
            fix: "ask for fewer percentiles (each is one histogram query), or split them over several queries",
        });
    }
    Ok(out)
}

fn format_field(obj: &Map<String, Value>) -> Result<Option<Format>, QueryError> {
    match string_field(obj, "format")?.as_deref() {
        None | Some("") => Ok(None),
        Some("timeseries" | "time_series") => Ok(Some(Format::Timeseries)),
        Some("table") => Ok(Some(Format::Table)),
        Some(other) => Err(QueryError::InvalidValue {
            field: "format",
            value: format!("{other:?}"),
            reason: "use \"timeseries\" or \"table\"".to_string(),
        }),
    }
}

fn rate_window_field(obj: &Map<String, Value>) -> Result<RateWindow, QueryError> {
    match string_field(obj, "rateWindow")?.as_deref() {
        None | Some("" | "auto" | "$__rate_interval" | "${__rate_interval}") => {
            Ok(RateWindow::Auto)
        }
        Some(text) => match parse_duration(text) {
            Ok(ms) if ms > 0 => Ok(RateWindow::Fixed(ms)),
            _ => Err(QueryError::InvalidValue {
                field: "rateWindow",
                value: format!("{text:?}"),
                reason: "use \"auto\" or a Prometheus duration such as 1m or 5m".to_string(),
            }),
        },
    }
}

fn exemplar_source_field(obj: &Map<String, Value>) -> Result<ExemplarSource, QueryError> {
    match string_field(obj, "exemplarSource")?.as_deref() {
        None | Some("" | "http") => Ok(ExemplarSource::Http),
        Some("tool") => Ok(ExemplarSource::Tool),
        Some(other) => Err(QueryError::InvalidValue {
            field: "exemplarSource",
            value: format!("{other:?}"),
            reason: "use \"http\" or \"tool\"".to_string(),
        }),
    }
}

fn limit_field(obj: &Map<String, Value>) -> Result<usize, QueryError> {
    const FIELD: &str = "limit";
    let Some(value) = present(obj, FIELD) else {
        return Ok(DEFAULT_LIMIT);
    };
    match value.as_u64() {
        Some(n) if (1..=MAX_LIMIT as u64).contains(&n) => Ok(n as usize),
        Some(_) => Err(QueryError::InvalidValue {
            field: FIELD,
            value: short(value),
            reason: format!("use a whole number from 1 to {MAX_LIMIT}"),
        }),
        None => Err(QueryError::WrongType {
            field: FIELD,
            expected: "a whole number",
            got: short(value),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_a_bare_query() {
        let q = Query::from_json(br#"{"queryType":"requestLatency","refId":"A"}"#).unwrap();
        assert_eq!(q.query_type, QueryType::RequestLatency);
        assert_eq!(q.percentiles, DEFAULT_PERCENTILES.to_vec());
        assert_eq!(q.rate_window, RateWindow::Auto);
        assert_eq!(q.limit, DEFAULT_LIMIT);
        assert_eq!(q.format, None);
        assert_eq!(q.filters, Filters::default());
        assert!(!q.exemplars);
        let q = Query::from_json(br#"{"queryType":"requestLatency","exemplars":true}"#).unwrap();
        assert!(q.exemplars);
    }

    #[test]
    fn grafana_query_type_wins_over_the_json() {
        let q = Query::parse(br#"{"queryType":"requestRate"}"#, "errorRate").unwrap();
        assert_eq!(q.query_type, QueryType::ErrorRate);
    }

    #[test]
    fn every_type_round_trips_its_name() {
        for t in QueryType::ALL {
            assert_eq!(QueryType::from_name(t.as_str()), Some(*t));
        }
    }

    #[test]
    fn every_field_a_type_reads_is_a_field_the_parser_reads() {
        for t in QueryType::ALL {
            assert!(!t.description().is_empty());
            for f in t.fields() {
                let json = format!(
                    r#"{{"queryType":"promql","expr":"up","{}":{{"wrong":1}}}}"#,
                    f.as_str()
                );
                let err = Query::from_json(json.as_bytes()).unwrap_err().to_string();
                assert!(
                    err.contains(&format!("{:?}", f.as_str())),
                    "{t:?} {f:?}: {err}"
                );
            }
        }
    }

    #[test]
    fn errors_name_the_field_and_value() {
        let cases: &[(&[u8], &str)] = &[
            (br#"{"queryType":"nope"}"#, "queryType \"nope\" is unknown"),
            (br#"{}"#, "the query has no queryType"),
            (
                br#"{"queryType":"requestRate","services":"#,
                "not valid JSON",
            ),
            (br#"[1]"#, "expected an object"),
            (
                br#"{"queryType":"requestRate","services":[1]}"#,
                "field \"services\" must be a list of strings, got 1",
            ),
            (
                br#"{"queryType":"requestLatency","percentiles":[150]}"#,
                "field \"percentiles\" has value 150",
            ),
            (
                br#"{"queryType":"requestRate","rateWindow":"fast"}"#,
                "field \"rateWindow\" has value \"fast\"",
            ),
            (
                br#"{"queryType":"requestRate","format":"graph"}"#,
                "field \"format\" has value \"graph\"",
            ),
            (
                br#"{"queryType":"exemplars","limit":0}"#,
                "field \"limit\" has value 0",
            ),
            (br#"{"queryType":"promql"}"#, "field \"expr\""),
            (
                br#"{"queryType":"requestLatency","percentiles":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]}"#,
                "field \"percentiles\" has 21 values, more than the limit of 20; ask for fewer percentiles",
            ),
            (
                br#"{"queryType":"requestLatency","exemplars":"yes"}"#,
                "field \"exemplars\" must be true or false, got \"yes\"",
            ),
        ];
        for (json, want) in cases {
            let err = Query::from_json(json).unwrap_err().to_string();
            assert!(err.contains(want), "{err:?} lacks {want:?}");
        }
    }

    #[test]
    fn unknown_fields_are_ignored_and_filters_deduplicated() {
        let q = Query::from_json(
            br#"{"queryType":"toolHealth","datasource":{"uid":"x"},"tools":["a","a","b"],"services":"one"}"#,
        )
        .unwrap();
        assert_eq!(q.filters.tools, vec!["a", "b"]);
        assert_eq!(q.filters.services, vec!["one"]);
    }

    #[test]
    fn rate_window_accepts_durations_and_grafana_variable() {
        let q = Query::from_json(br#"{"queryType":"requestRate","rateWindow":"2m"}"#).unwrap();
        assert_eq!(q.rate_window, RateWindow::Fixed(120_000));
        let q = Query::from_json(br#"{"queryType":"requestRate","rateWindow":"$__rate_interval"}"#)
            .unwrap();
        assert_eq!(q.rate_window, RateWindow::Auto);
    }

    #[test]
    fn fields_past_their_limits_are_refused_with_value_limit_and_fix() {
        let many = |n: usize| {
            (0..n)
                .map(|i| format!("\"s{i}\""))
                .collect::<Vec<_>>()
                .join(",")
        };
        let json = format!(
            r#"{{"queryType":"requestRate","tools":[{}]}}"#,
            many(MAX_FILTER_VALUES)
        );
        assert!(Query::from_json(json.as_bytes()).is_ok());
        let json = format!(
            r#"{{"queryType":"requestRate","tools":[{}]}}"#,
            many(MAX_FILTER_VALUES + 1)
        );
        let err = Query::from_json(json.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            err,
            format!("field \"tools\" has {} values, more than the limit of {MAX_FILTER_VALUES}; pick fewer values, or leave the filter empty to keep them all", MAX_FILTER_VALUES + 1)
        );
        // Duplicates do not count: they are one value.
        let json = format!(
            r#"{{"queryType":"requestRate","services":[{}]}}"#,
            vec!["\"a\""; 1000].join(",")
        );
        assert!(Query::from_json(json.as_bytes()).is_ok());

        let percentiles: Vec<String> = (1..=1000)
            .map(|i| format!("{}", i as f64 / 10.01))
            .collect();
        let json = format!(
            r#"{{"queryType":"requestLatency","percentiles":[{}]}}"#,
            percentiles.join(",")
        );
        let err = Query::from_json(json.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("field \"percentiles\" has 1000 values, more than the limit of 20;"),
            "{err}"
        );
        let json = format!(
            r#"{{"queryType":"requestLatency","percentiles":[{}]}}"#,
            percentiles[..MAX_PERCENTILES].join(",")
        );
        assert_eq!(
            Query::from_json(json.as_bytes()).unwrap().percentiles.len(),
            MAX_PERCENTILES
        );

        let expr = format!("sum({})", "x".repeat(MAX_EXPR_CHARS));
        let json = serde_json::json!({"queryType": "promql", "expr": expr}).to_string();
        let err = Query::from_json(json.as_bytes()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("field \"expr\" has {} characters, more than the limit of {MAX_EXPR_CHARS}; shorten", MAX_EXPR_CHARS + 5)), "{err}");
        let json = serde_json::json!({"queryType": "promql", "expr": "x".repeat(MAX_EXPR_CHARS)})
            .to_string();
        assert!(Query::from_json(json.as_bytes()).is_ok());
    }
}
