//! The command line (docs/CONTRACTS.md, "Simulator binary") parsed into a [`Config`].

use std::net::IpAddr;

use mcp_model::ProfileKind;

use crate::error::ConfigError;
use crate::scenario::Scenario;

/// Everything the simulator is told at start.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address every listener binds (default 127.0.0.1).
    pub bind: IpAddr,
    pub seed: u64,
    pub scenario: Scenario,
    /// Which metric names the servers export (names from the model crate's catalogue).
    pub profile: ProfileKind,
    /// Servers after mahavishnu, akosha and session-buddy: mcp-server-04, -05, ...
    pub extra_servers: usize,
    /// When set, every server exports at least this many tools.
    pub tools_per_server: Option<usize>,
    /// Control endpoint port (0 = a free one).
    pub control_port: u16,
    /// Fixed ports per job (`--server-port job=port`); others get a free port.
    pub server_ports: Vec<(String, u16)>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            seed: 1,
            scenario: Scenario::Healthy,
            profile: ProfileKind::Seed,
            extra_servers: 0,
            tools_per_server: None,
            control_port: 0,
            server_ports: Vec::new(),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run(Config),
    Help,
}

pub const USAGE: &str = "\
mcp-simulator: an MCP server ecosystem serving Prometheus metrics on loopback ports

USAGE:
  mcp-simulator [--bind 127.0.0.1] [--seed N]
                [--scenario healthy|tool-failures|pool-exhaustion|service-down|latency-spike|
                            slow-failures]
                [--profile seed|otel] [--extra-servers N] [--tools-per-server N]
                [--control-port P] [--server-port JOB=PORT]...

Once every listener is up, one JSON line on stdout names the control address and each
server's job and address. Logs go to stderr (RUST_LOG sets the level).
Control: GET /scenario, PUT or POST /scenario/<name>, GET /healthz.";

/// Parses the arguments after the program name.
pub fn parse_args<I, S>(args: I) -> Result<Command, ConfigError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut cfg = Config::default();
    let mut it = args.into_iter().map(Into::into);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if flag == "--help" || flag == "-h" {
            return Ok(Command::Help);
        }
        let mut value = || -> Result<String, ConfigError> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| ConfigError::MissingValue { flag: flag.clone() })
        };
        match flag.as_str() {
            "--bind" => {
                let v = value()?;
                cfg.bind = v.parse().map_err(|_| bad(&flag, &v, "an IP address"))?;
            }
            "--seed" => {
                let v = value()?;
                cfg.seed = v
                    .parse()
                    .map_err(|_| bad(&flag, &v, "an unsigned integer"))?;
            }
            "--scenario" => cfg.scenario = value()?.parse()?,
            "--profile" => {
                let v = value()?;
                cfg.profile =
                    ProfileKind::from_name(&v).ok_or(ConfigError::UnknownProfile { value: v })?;
            }
            "--extra-servers" => {
                let v = value()?;
                cfg.extra_servers = v
                    .parse()
                    .ok()
                    .filter(|n| *n <= 997)
                    .ok_or_else(|| bad(&flag, &v, "a count from 0 to 997"))?;
            }
            "--tools-per-server" => {
                let v = value()?;
                let n: usize = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| bad(&flag, &v, "a count from 1 to 10000"))?;
                cfg.tools_per_server = Some(n);
            }
            "--control-port" => {
                let v = value()?;
                cfg.control_port = v.parse().map_err(|_| bad(&flag, &v, "a port number"))?;
            }
            "--server-port" => {
                let v = value()?;
                let (job, port) = v
                    .split_once('=')
                    .and_then(|(j, p)| Some((j.to_owned(), p.parse::<u16>().ok()?)))
                    .ok_or_else(|| bad(&flag, &v, "JOB=PORT, e.g. mahavishnu=8680"))?;
                cfg.server_ports.push((job, port));
            }
            _ => return Err(ConfigError::UnknownFlag { flag: arg }),
        }
    }
    Ok(Command::Run(cfg))
}

fn bad(flag: &str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::BadValue {
        flag: flag.to_owned(),
        value: value.to_owned(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Config {
        match parse_args(args.iter().copied()).unwrap() {
            Command::Run(c) => c,
            Command::Help => panic!("help"),
        }
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = run(&[]);
        assert_eq!(c.bind.to_string(), "127.0.0.1");
        assert_eq!(c.scenario, Scenario::Healthy);
        assert_eq!(c.profile, ProfileKind::Seed);
        assert_eq!(c.extra_servers, 0);
        assert_eq!(c.control_port, 0);
    }

    #[test]
    fn every_flag_is_read_in_both_spellings() {
        let c = run(&[
            "--bind",
            "127.0.0.2",
            "--seed=42",
            "--scenario",
            "latency-spike",
            "--profile=otel",
            "--extra-servers",
            "47",
            "--tools-per-server",
            "40",
            "--control-port",
            "9999",
            "--server-port",
            "mahavishnu=8680",
        ]);
        assert_eq!(c.bind.to_string(), "127.0.0.2");
        assert_eq!(c.seed, 42);
        assert_eq!(c.scenario, Scenario::LatencySpike);
        assert_eq!(c.profile, ProfileKind::Otel);
        assert_eq!(c.extra_servers, 47);
        assert_eq!(c.tools_per_server, Some(40));
        assert_eq!(c.control_port, 9999);
        assert_eq!(c.server_ports, vec![("mahavishnu".to_owned(), 8680)]);
    }

    #[test]
    fn errors_name_the_flag_and_the_value() {
        let e = parse_args(["--seed", "abc"]).unwrap_err().to_string();
        assert!(e.contains("--seed") && e.contains("abc"), "{e}");
        let e = parse_args(["--profile", "jaeger"]).unwrap_err().to_string();
        assert!(e.contains("jaeger") && e.contains("otel"), "{e}");
        let e = parse_args(["--extra-servers"]).unwrap_err().to_string();
        assert!(
            e.contains("--extra-servers") && e.contains("needs a value"),
            "{e}"
        );
        let e = parse_args(["--frobnicate"]).unwrap_err().to_string();
        assert!(e.contains("--frobnicate"), "{e}");
    }
}
