//! The backend of the MCP ecosystem datasource for Grafana.
//!
//! Grafana launches the `gpx_mcp` binary and calls it over its pluginv2 gRPC protocol;
//! [`serve`] answers those calls. A query travels through four places:
//!
//! 1. [`service`] receives `QueryData`, finds the datasource [`instance`] (its
//!    [`settings`] and [`upstream`] client) and parses each query's JSON into a
//!    [`mcp_model::Query`]; a bad query fails only its own refId.
//! 2. [`queries`] has one file per query type, building PromQL with escaped label values.
//! 3. [`upstream`] calls the Prometheus-compatible HTTP API and parses the answer into
//!    sample vectors.
//! 4. The handler shapes frames ([`mcp_frames`]), encoded as Arrow IPC as each series
//!    arrives, and [`reply`] sends them without copying them into one message.
//!
//! [`health`] answers "Save & test", naming the [`engine`] behind the URL and the optional
//! APIs it answers; [`resources`] answers the editors' lookups. [`limit`] holds a
//! datasource's queries to `maxConcurrentQueries` at once (the rest wait), [`budget`] holds
//! the bytes of every query in flight to the process's `memory_budget_mib`, and [`metrics`]
//! counts queries, upstream latency and bytes, and what the heap holds ([`heap`]), for
//! `Diagnostics.CollectMetrics`.

pub mod budget;
mod controller;
pub mod engine;
pub mod health;
pub mod heap;
pub mod instance;
pub mod limit;
pub mod metrics;
pub mod queries;
pub mod reply;
pub mod resources;
pub mod service;
pub mod settings;
#[cfg(test)]
mod testing;
pub mod upstream;

use std::net::SocketAddr;

use grafana_plugin_sdk::pluginv2::{
    diagnostics_server::DiagnosticsServer, resource_server::ResourceServer,
};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

pub use service::Plugin;

/// Binds a loopback port inside go-plugin's `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` when given.
pub async fn bind() -> std::io::Result<TcpListener> {
    let port = |key: &str| std::env::var(key).ok().and_then(|v| v.parse::<u16>().ok());
    if let (Some(min), Some(max)) = (port("PLUGIN_MIN_PORT"), port("PLUGIN_MAX_PORT")) {
        for p in min..=max {
            if let Ok(l) = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], p))).await {
                return Ok(l);
            }
        }
    }
    TcpListener::bind("127.0.0.1:0").await
}

/// The go-plugin handshake line Grafana reads from stdout.
pub fn handshake(addr: SocketAddr) -> String {
    format!("1|2|tcp|{addr}|grpc")
}

/// Accepted connections with Nagle's algorithm off: Grafana's small requests and our
/// replies would otherwise wait on the peer's delayed acknowledgement (about 40 ms).
fn incoming(
    listener: TcpListener,
) -> impl tokio_stream::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    use tokio_stream::StreamExt;
    TcpListenerStream::new(listener).map(|conn| {
        if let Ok(stream) = &conn {
            let _ = stream.set_nodelay(true);
        }
        conn
    })
}

/// Serves the plugin's gRPC services on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    let (mut health, health_service) = tonic_health::server::health_reporter();
    // go-plugin asks the standard health service about "plugin".
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    let plugin = std::sync::Arc::new(Plugin::default());
    let controller = controller::Controller::default();
    let stopped = controller.clone();
    let shutdown = async move {
        tokio::select! {
            _ = shutdown => {}
            _ = stopped.stopped() => {}
        }
    };
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(controller)
        .add_service(budget::HoldReplies(reply::DataService(plugin.clone())))
        .add_service(DiagnosticsServer::from_arc(plugin.clone()))
        .add_service(ResourceServer::from_arc(plugin))
        .serve_with_incoming_shutdown(incoming(listener), shutdown)
        .await
}
