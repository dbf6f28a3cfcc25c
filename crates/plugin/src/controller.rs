//! go-plugin's `plugin.GRPCController` service: its one call, `Shutdown`, lets Grafana stop
//! the plugin at once instead of waiting and killing the process.

use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Notify;
use tonic::codegen::{empty_body, http, Body, BoxFuture, Service, StdError};

const SHUTDOWN: &str = "/plugin.GRPCController/Shutdown";

/// The controller; `Shutdown` wakes whoever waits on [`Controller::stopped`].
#[derive(Debug, Clone, Default)]
pub struct Controller {
    stop: Arc<Notify>,
}

impl Controller {
    /// Completes when Grafana asked the plugin to shut down.
    pub async fn stopped(&self) {
        self.stop.notified().await;
    }
}

struct ShutdownCall(Arc<Notify>);

impl tonic::server::UnaryService<()> for ShutdownCall {
    type Response = ();
    type Future = BoxFuture<tonic::Response<()>, tonic::Status>;

    fn call(&mut self, _request: tonic::Request<()>) -> Self::Future {
        let stop = self.0.clone();
        Box::pin(async move {
            tracing::info!("shutdown requested by Grafana");
            stop.notify_one();
            Ok(tonic::Response::new(()))
        })
    }
}

impl<B> Service<http::Request<B>> for Controller
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::BoxBody>;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let stop = self.stop.clone();
        Box::pin(async move {
            if req.uri().path() == SHUTDOWN {
                let mut grpc =
                    tonic::server::Grpc::new(tonic::codec::ProstCodec::<(), ()>::default());
                return Ok(grpc.unary(ShutdownCall(stop), req).await);
            }
            let mut response = http::Response::new(empty_body());
            let headers = response.headers_mut();
            headers.insert(
                "grpc-status",
                http::HeaderValue::from(tonic::Code::Unimplemented as i32),
            );
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/grpc"),
            );
            Ok(response)
        })
    }
}

impl tonic::server::NamedService for Controller {
    const NAME: &'static str = "plugin.GRPCController";
}
