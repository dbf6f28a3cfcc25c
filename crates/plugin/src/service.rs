//! The gRPC services Grafana calls: Data, Diagnostics and Resource of the pluginv2 protocol.

use std::collections::HashMap;
use std::pin::Pin;
use std::time::{Instant as Clock, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::future::join_all;
use futures::Stream;
use grafana_plugin_sdk::pluginv2::{
    self, check_health_response::HealthStatus, diagnostics_server::Diagnostics,
    resource_server::Resource,
};
use mcp_model::Query;
use tonic::{Request, Response, Status};

use crate::budget;
use crate::health;
use crate::instance::Instances;
use crate::metrics::Outcome;
use crate::queries::{self, Context, QueryFailure};
use crate::reply::{Answer, Reply};
use crate::resources;
use crate::upstream::UpstreamError;

/// The plugin: instances plus the protocol handlers.
#[derive(Debug, Default)]
pub struct Plugin {
    instances: Instances,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn error_response(failure: &QueryFailure) -> pluginv2::DataResponse {
    pluginv2::DataResponse {
        error: failure.to_string(),
        status: failure.status(),
        ..Default::default()
    }
}

impl Plugin {
    /// Answers a `QueryData` call: each query's frames, encoded, and the memory they hold
    /// (see [`crate::reply`], which sends them).
    pub async fn query_data(&self, req: pluginv2::QueryDataRequest) -> Reply {
        let instance = self.instances.get(req.plugin_context.as_ref());
        let from_alert = req
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("FromAlert") && v == "true");
        let answers = join_all(req.queries.iter().map(|q| {
            let instance = instance.clone();
            async move {
                let started = Clock::now();
                let metrics = crate::metrics::global();
                let mut counted = metrics.query_started(&q.query_type);
                let answered = match instance {
                    Err(e) => Err(QueryFailure::Settings(e)),
                    Ok(inst) => {
                        // Past the datasource's maxConcurrentQueries a query waits its turn.
                        let _slot = match inst.limit.try_acquire() {
                            Some(slot) => slot,
                            None => {
                                let _queued = metrics.queued();
                                inst.limit.acquire().await
                            }
                        };
                        match Query::parse(&q.json, &q.query_type) {
                            Err(e) => Err(QueryFailure::Query(e)),
                            Ok(query) => {
                                counted.set_query_type(query.query_type);
                                // Its bytes (upstream bodies, encoded frames) count against
                                // the process's memory budget until the reply has been sent.
                                let (inst, query) = (&inst, &query);
                                budget::global()
                                    .run(inst.settings.timeout, move || {
                                        run_query(inst, q, query, from_alert)
                                    })
                                    .await
                            }
                        }
                    }
                };
                counted.finish(outcome(&answered));
                let (response, reservation) = match answered {
                    Ok((frames, reservation)) => (
                        Answer {
                            response: pluginv2::DataResponse {
                                status: 200,
                                ..Default::default()
                            },
                            frames,
                        },
                        Some(reservation),
                    ),
                    Err(failure) => {
                        tracing::info!(ref_id = %q.ref_id, query_type = %q.query_type, error = %failure, "query failed");
                        (
                            Answer {
                                response: error_response(&failure),
                                frames: Vec::new(),
                            },
                            None,
                        )
                    }
                };
                tracing::debug!(ref_id = %q.ref_id, query_type = %q.query_type, from_alert, elapsed_ms = started.elapsed().as_millis() as u64, "query done");
                ((q.ref_id.clone(), response), reservation)
            }
        }))
        .await;
        let (answers, reservations): (HashMap<_, _>, Vec<_>) = answers.into_iter().unzip();
        // The frames leave the budget once the reply is sent (budget::HoldReplies).
        Reply {
            answers,
            held: budget::Held(reservations.into_iter().flatten().collect()),
        }
    }
}

fn outcome<T>(result: &Result<T, QueryFailure>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(QueryFailure::Upstream(UpstreamError::Budget(_))) => Outcome::MemoryBudget,
        Err(QueryFailure::Query(_) | QueryFailure::Unsupported(_)) => Outcome::BadQuery,
        Err(QueryFailure::Settings(_)) => Outcome::Settings,
        Err(QueryFailure::Internal(_)) => Outcome::Internal,
        Err(QueryFailure::Upstream(UpstreamError::Timeout { .. })) => Outcome::Timeout,
        Err(QueryFailure::Upstream(_)) => Outcome::Upstream,
    }
}

async fn run_query(
    inst: &crate::instance::Instance,
    q: &pluginv2::DataQuery,
    query: &Query,
    from_alert: bool,
) -> Result<Vec<Bytes>, QueryFailure> {
    let range = q.time_range.unwrap_or_default();
    let ctx = Context {
        settings: &inst.settings,
        prometheus: &inst.prometheus,
        engine: &inst.engine,
        from_ms: range.from_epoch_ms,
        to_ms: range.to_epoch_ms,
        interval_ms: q.interval_ms,
        max_data_points: q.max_data_points,
        from_alert,
        ref_id: &q.ref_id,
    };
    queries::run(&ctx, query).await
}

#[tonic::async_trait]
impl Diagnostics for Plugin {
    async fn check_health(
        &self,
        request: Request<pluginv2::CheckHealthRequest>,
    ) -> Result<Response<pluginv2::CheckHealthResponse>, Status> {
        let req = request.into_inner();
        let response = match self.instances.get(req.plugin_context.as_ref()) {
            Err(message) => pluginv2::CheckHealthResponse {
                status: HealthStatus::Error as i32,
                message: format!("The datasource settings cannot be used: {message}"),
                json_details: Vec::new(),
            },
            Ok(inst) => {
                let h = health::check(&inst, now_ms()).await;
                pluginv2::CheckHealthResponse {
                    status: if h.ok() {
                        HealthStatus::Ok
                    } else {
                        HealthStatus::Error
                    } as i32,
                    message: h.message.clone(),
                    json_details: serde_json::to_vec(&h).unwrap_or_default(),
                }
            }
        };
        Ok(Response::new(response))
    }

    async fn collect_metrics(
        &self,
        _request: Request<pluginv2::CollectMetricsRequest>,
    ) -> Result<Response<pluginv2::CollectMetricsResponse>, Status> {
        let text = crate::metrics::global().encode().map_err(|_| {
            Status::internal("the plugin's metrics could not be rendered as Prometheus text")
        })?;
        Ok(Response::new(pluginv2::CollectMetricsResponse {
            metrics: Some(pluginv2::collect_metrics_response::Payload {
                prometheus: text.into_bytes(),
            }),
        }))
    }
}

type ResourceStream =
    Pin<Box<dyn Stream<Item = Result<pluginv2::CallResourceResponse, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl Resource for Plugin {
    type CallResourceStream = ResourceStream;

    async fn call_resource(
        &self,
        request: Request<pluginv2::CallResourceRequest>,
    ) -> Result<Response<Self::CallResourceStream>, Status> {
        let req = request.into_inner();
        let reply = match self.instances.get(req.plugin_context.as_ref()) {
            // The datasource's configuration is at fault, not the plugin.
            Err(message) => resources::Reply {
                status: 400,
                body: serde_json::to_vec(&serde_json::json!({
                    "error": format!("the datasource settings cannot be used: {message}")
                }))
                .unwrap_or_default(),
            },
            Ok(inst) => {
                let request = resources::Request {
                    method: &req.method,
                    path: &req.path,
                    url: &req.url,
                    body: &req.body,
                };
                resources::handle(&inst, &request, now_ms()).await
            }
        };
        let mut headers = std::collections::HashMap::new();
        headers.insert(
            "Content-Type".to_string(),
            pluginv2::StringList {
                values: vec!["application/json".to_string()],
            },
        );
        let response = pluginv2::CallResourceResponse {
            code: i32::from(reply.status),
            headers,
            body: reply.body.into(),
        };
        Ok(Response::new(Box::pin(futures::stream::once(async move {
            Ok(response)
        }))))
    }
}
