//! `gpx_mcp`: the executable Grafana launches for the MCP ecosystem datasource.

use std::io::Write;
use std::process::ExitCode;

use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

// Counts the bytes held, so that the plugin's metrics tell a leak from the allocator's
// retention (crate::heap).
#[global_allocator]
static ALLOCATOR: mcp_plugin::heap::Counting = mcp_plugin::heap::Counting;

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var("grafana_plugin_type").as_deref() != Ok("datasource") {
        eprintln!(
            "gpx_mcp is the backend of the mahavishnu-mcp-datasource Grafana plugin; Grafana starts it. \
             Install the plugin into Grafana's plugins directory instead of running it directly."
        );
        return ExitCode::from(1);
    }
    match mcp_plugin::budget::Budget::from_setting(
        std::env::var(mcp_plugin::budget::ENV).ok().as_deref(),
    ) {
        Ok(budget) => mcp_plugin::budget::install(budget),
        Err(e) => {
            eprintln!("gpx_mcp: {e}");
            return ExitCode::from(1);
        }
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
    // Listen for SIGTERM and SIGINT before the handshake: a signal that comes right after
    // it must stop the plugin cleanly, not kill it with the default action.
    let signals = match Signals::listen() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gpx_mcp: cannot listen for signals: {e}");
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
    let (signalled, mut stopping) = tokio::sync::watch::channel(false);
    let shutdown = async move {
        signals.recv().await;
        let _ = signalled.send(true);
    };
    // Queries still running when the signal came get a short grace, then are dropped (which
    // closes their upstream connections): Grafana kills a plugin that takes longer.
    let grace = async move {
        let _ = stopping.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = mcp_plugin::serve(listener, shutdown) => match result {
            Ok(()) => {
                tracing::info!("plugin stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!(error = %e, "plugin server failed");
                ExitCode::from(1)
            }
        },
        _ = grace => {
            tracing::info!("plugin stopped; queries still running were cancelled");
            ExitCode::SUCCESS
        }
    }
}

/// How long queries in flight may finish after SIGTERM or SIGINT.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// SIGTERM and SIGINT, listened for from creation on.
#[cfg(unix)]
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn listen() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    async fn recv(mut self) {
        tokio::select! {
            _ = self.term.recv() => tracing::info!("SIGTERM received, stopping"),
            _ = self.int.recv() => tracing::info!("SIGINT received, stopping"),
        }
    }
}

/// Ctrl-C and Ctrl-Break, Windows' counterparts, listened for from creation on.
#[cfg(windows)]
struct Signals {
    c: tokio::signal::windows::CtrlC,
    brk: tokio::signal::windows::CtrlBreak,
}

#[cfg(windows)]
impl Signals {
    fn listen() -> std::io::Result<Signals> {
        Ok(Signals {
            c: tokio::signal::windows::ctrl_c()?,
            brk: tokio::signal::windows::ctrl_break()?,
        })
    }

    async fn recv(mut self) {
        tokio::select! {
            _ = self.c.recv() => tracing::info!("Ctrl-C received, stopping"),
            _ = self.brk.recv() => tracing::info!("Ctrl-Break received, stopping"),
        }
    }
}
