//! Errors a user of the simulator can see: each names the flag or value and what to do.

use std::net::SocketAddr;

/// A command-line or control-endpoint value the simulator cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("unknown scenario {value:?}: use one of {valid}")]
    UnknownScenario { value: String, valid: String },
    #[error("unknown profile {value:?}: use seed or otel")]
    UnknownProfile { value: String },
    #[error("flag {flag} needs a value")]
    MissingValue { flag: String },
    #[error("flag {flag}: {value:?} is not {expected}")]
    BadValue {
        flag: String,
        value: String,
        expected: &'static str,
    },
    #[error("unknown flag {flag:?}; run with --help to list the flags")]
    UnknownFlag { flag: String },
    #[error("--server-port names job {job:?}, which this run does not have; jobs are {jobs}")]
    UnknownJob { job: String, jobs: String },
}

/// Failures while starting or serving.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot listen on {addr} for {what}: {source}; pick another --bind address or port")]
    Bind {
        what: String,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot encode metrics of {job}: {message}")]
    Encode { job: String, message: String },
    #[error("cannot write the startup line to stdout: {0}")]
    Stdout(std::io::Error),
}
