//! `gpx_mcp`: the executable Grafana launches for the MCP ecosystem datasource.

use std::io::Write;
use std::process::ExitCode;

use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var("grafana_plugin_type").as_deref() != Ok("datasource") {
        eprintln!(
            "gpx_mcp is the backend of the mahavishnu-mcp-datasource Grafana plugin; Grafana starts it. \
             Install the plugin into Grafana's plugins directory instead of running it directly."
        );
        return ExitCode::from(1);
    }
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(grafana_plugin_sdk::backend::layer())
        .with(filter)
        .init();
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| l.to_string()).unwrap_or_default();
        // The payload may hold request data; the location is enough to find the bug.
        tracing::error!(%location, "internal error (panic)");
    }));

    let listener = match mcp_plugin::bind().await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("gpx_mcp: cannot listen on 127.0.0.1: {e}");
            return ExitCode::from(1);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gpx_mcp: {e}");
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", mcp_plugin::handshake(addr))
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    drop(stdout);
    tracing::info!(%addr, "plugin serving");
    match mcp_plugin::serve(listener, shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("plugin stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "plugin server failed");
            ExitCode::from(1)
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
