//! The listeners: one `/metrics` endpoint per server, and the control endpoint.
//!
//! A server that is down under the current scenario closes its listener (connections are
//! refused, so Prometheus marks `up == 0`) and answers 503 on connections it already had;
//! it binds the same address again when the scenario changes back.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ACCEPT, CONNECTION, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tracing::{debug, info, warn};

use crate::config::Config;
use crate::ecosystem::{Ecosystem, Server};
use crate::error::{ConfigError, SimulatorError};
use crate::exposition::negotiate;
use crate::scenario::Scenario;

/// The startup line: where the control endpoint and every server listen.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Startup {
    pub control: SocketAddr,
    pub servers: Vec<ServerAddress>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServerAddress {
    pub job: String,
    pub address: SocketAddr,
}

/// Binds every listener, spawns their tasks on the current runtime and says where they are.
pub async fn start(eco: Arc<Ecosystem>, config: &Config) -> Result<Startup, SimulatorError> {
    for (job, _) in &config.server_ports {
        if eco.server(job).is_none() {
            let jobs: Vec<&str> = eco.servers().iter().map(|s| s.job()).collect();
            return Err(ConfigError::UnknownJob {
                job: job.clone(),
                jobs: jobs.join(", "),
            }
            .into());
        }
    }
    let mut servers = Vec::new();
    for server in eco.servers() {
        let port = config
            .server_ports
            .iter()
            .find(|(j, _)| j == server.job())
            .map_or(0, |(_, p)| *p);
        let listener = bind(SocketAddr::new(config.bind, port), server.job()).await?;
        let address = local_addr(&listener, server.job())?;
        servers.push(ServerAddress {
            job: server.job().to_owned(),
            address,
        });
        tokio::spawn(serve_server(eco.clone(), server.clone(), listener, address));
    }
    let control_listener = bind(
        SocketAddr::new(config.bind, config.control_port),
        "the control endpoint",
    )
    .await?;
    let control = local_addr(&control_listener, "the control endpoint")?;
    tokio::spawn(serve_control(eco, control_listener));
    Ok(Startup { control, servers })
}

async fn bind(addr: SocketAddr, what: &str) -> Result<TcpListener, SimulatorError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| SimulatorError::Bind {
            what: what.to_owned(),
            addr,
            source,
        })
}

fn local_addr(l: &TcpListener, what: &str) -> Result<SocketAddr, SimulatorError> {
    l.local_addr().map_err(|source| SimulatorError::Bind {
        what: what.to_owned(),
        addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        source,
    })
}

async fn serve_server(
    eco: Arc<Ecosystem>,
    server: Arc<Server>,
    first: TcpListener,
    addr: SocketAddr,
) {
    let mut rx = eco.watch_scenario();
    let mut listener = Some(first);
    loop {
        let down = rx.borrow_and_update().is_down(server.job());
        if down {
            if listener.take().is_some() {
                info!(job = server.job(), %addr, "server stops answering (scenario service-down)");
            }
        } else if listener.is_none() {
            match TcpListener::bind(addr).await {
                Ok(l) => {
                    info!(job = server.job(), %addr, "server answers again");
                    listener = Some(l);
                }
                Err(e) => {
                    warn!(job = server.job(), %addr, error = %e, "cannot listen again; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            }
        }
        match &listener {
            Some(l) => {
                tokio::select! {
                    accepted = l.accept() => match accepted {
                        Ok((stream, peer)) => {
                            let eco = eco.clone();
                            let server = server.clone();
                            tokio::spawn(async move {
                                let svc = service_fn(move |req| {
                                    let eco = eco.clone();
                                    let server = server.clone();
                                    async move { Ok::<_, Infallible>(metrics(&eco, &server, &req)) }
                                });
                                let conn = http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), svc);
                                if let Err(e) = conn.await {
                                    debug!(%peer, error = %e, "metrics connection ended");
                                }
                            });
                        }
                        Err(e) => warn!(job = server.job(), error = %e, "accept failed"),
                    },
                    changed = rx.changed() => if changed.is_err() { return },
                }
            }
            None => {
                if rx.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

fn metrics(eco: &Ecosystem, server: &Server, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    if req.uri().path() != "/metrics" {
        return text(
            StatusCode::NOT_FOUND,
            format!("no page {}: metrics are at /metrics\n", req.uri().path()),
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method {} not allowed: use GET\n", req.method()),
        );
    }
    if eco.scenario().is_down(server.job()) {
        let mut r = text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{} is down (scenario service-down)\n", server.job()),
        );
        r.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
    let format = negotiate(accept);
    match eco.scrape(server, format) {
        Ok(body) => {
            let mut r = Response::new(Full::new(Bytes::from(body)));
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            );
            r
        }
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
    }
}

async fn serve_control(eco: Arc<Ecosystem>, listener: TcpListener) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                warn!(error = %e, "control accept failed");
                continue;
            }
        };
        let eco = eco.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let eco = eco.clone();
                async move { Ok::<_, Infallible>(control(&eco, &req)) }
            });
            if let Err(e) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await
            {
                debug!(%peer, error = %e, "control connection ended");
            }
        });
    }
}

/// Control routes: `GET /healthz`, `GET /scenario`, `PUT|POST /scenario/<name>`.
fn control(eco: &Ecosystem, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let method = req.method();
    match (method, path) {
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok\n".to_owned()),
        (&Method::GET, "/scenario") => json(
            StatusCode::OK,
            serde_json::json!({ "scenario": eco.scenario().as_str() }),
        ),
        (&Method::PUT | &Method::POST, p) if p.starts_with("/scenario/") => {
            let name = &p["/scenario/".len()..];
            match name.parse::<Scenario>() {
                Ok(s) => {
                    let before = eco.scenario();
                    eco.set_scenario(s);
                    info!(from = %before, to = %s, "scenario switched");
                    json(
                        StatusCode::OK,
                        serde_json::json!({ "scenario": s.as_str() }),
                    )
                }
                Err(e) => json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({ "error": e.to_string() }),
                ),
            }
        }
        _ => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({
                "error": format!(
                    "no route {method} {path}: use GET /healthz, GET /scenario or PUT /scenario/<name> with name one of {}",
                    Scenario::names()
                )
            }),
        ),
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn json(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}
