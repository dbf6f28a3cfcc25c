use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use mcp_simulator::{parse_args, start, Command, Ecosystem, SimulatorError, USAGE};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(c)) => c,
        Ok(Command::Help) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mcp-simulator: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mcp-simulator: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: mcp_simulator::Config) -> Result<(), SimulatorError> {
    let eco = Arc::new(Ecosystem::new(&config)?);
    let startup = start(eco.clone(), &config).await?;
    let line = serde_json::to_string(&startup).map_err(|e| SimulatorError::Stdout(e.into()))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}").map_err(SimulatorError::Stdout)?;
        out.flush().map_err(SimulatorError::Stdout)?;
    }
    tracing::info!(
        servers = startup.servers.len(),
        control = %startup.control,
        scenario = %eco.scenario(),
        profile = config.profile.as_str(),
        seed = config.seed,
        "simulator ready"
    );
    shutdown_signal().await;
    tracing::info!("simulator stopping");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
