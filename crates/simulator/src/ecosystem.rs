//! The ecosystem: every server's state and registry, and the current scenario.
//!
//! Time moves lazily: a scrape of a server first advances that server's state by the wall
//! time elapsed since its previous scrape, then encodes it. Prometheus' `rate()` therefore
//! sees realistic per-second rates whatever the scrape interval, and an idle simulator costs
//! nothing.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use fastmetrics::registry::Registry;
use tokio::sync::watch;

use crate::catalog::ecosystem;
use crate::config::Config;
use crate::error::SimulatorError;
use crate::exposition::{self, Format, SharedState};
use crate::model::ServerState;
use crate::scenario::Scenario;

/// One simulated MCP server.
pub struct Server {
    job: String,
    state: SharedState,
    registry: Registry,
    last_tick: Mutex<Instant>,
}

impl Server {
    pub fn job(&self) -> &str {
        &self.job
    }

    /// The server's state (read it for assertions; the scrape path advances it).
    pub fn state(&self) -> &SharedState {
        &self.state
    }

    /// Advances the state to `now` under `scenario`.
    pub fn advance_to(&self, now: Instant, scenario: Scenario) {
        let dt = {
            let mut last = self.last_tick.lock().unwrap_or_else(|p| p.into_inner());
            let dt = now.saturating_duration_since(*last).as_secs_f64();
            *last = (*last).max(now);
            dt
        };
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        s.advance(dt, scenario);
    }

    /// Encodes the current state.
    pub fn encode(&self, format: Format) -> Result<String, SimulatorError> {
        exposition::encode(&self.registry, format).map_err(|e| SimulatorError::Encode {
            job: self.job.clone(),
            message: e.to_string(),
        })
    }
}

/// All servers of one run, and the scenario they play.
pub struct Ecosystem {
    servers: Vec<Arc<Server>>,
    scenario: watch::Sender<Scenario>,
}

impl Ecosystem {
    /// Builds the servers `config` asks for, at simulated time zero.
    pub fn new(config: &Config) -> Result<Self, SimulatorError> {
        let start = Instant::now();
        let mut servers = Vec::new();
        for (i, spec) in ecosystem(config.extra_servers, config.tools_per_server)
            .into_iter()
            .enumerate()
        {
            let job = spec.job.clone();
            let state = Arc::new(RwLock::new(ServerState::new(
                spec,
                config.profile,
                config.seed,
                i as u64,
            )));
            let registry =
                exposition::registry_for(&state).map_err(|e| SimulatorError::Encode {
                    job: job.clone(),
                    message: e.to_string(),
                })?;
            servers.push(Arc::new(Server {
                job,
                state,
                registry,
                last_tick: Mutex::new(start),
            }));
        }
        let (scenario, _) = watch::channel(config.scenario);
        Ok(Self { servers, scenario })
    }

    pub fn servers(&self) -> &[Arc<Server>] {
        &self.servers
    }

    pub fn server(&self, job: &str) -> Option<&Arc<Server>> {
        self.servers.iter().find(|s| s.job == job)
    }

    pub fn scenario(&self) -> Scenario {
        *self.scenario.borrow()
    }

    /// Switches the scenario; listeners of a server that goes down close at once.
    pub fn set_scenario(&self, scenario: Scenario) {
        self.scenario.send_replace(scenario);
    }

    /// A receiver that wakes on every scenario switch.
    pub fn watch_scenario(&self) -> watch::Receiver<Scenario> {
        self.scenario.subscribe()
    }

    /// What one scrape of `server` returns: advance to now, then encode.
    pub fn scrape(&self, server: &Server, format: Format) -> Result<String, SimulatorError> {
        server.advance_to(Instant::now(), self.scenario());
        server.encode(format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn scrapes_advance_with_wall_time_and_scenarios_switch() {
        let eco = Ecosystem::new(&Config::default()).unwrap();
        assert_eq!(eco.servers().len(), 3);
        let m = eco.server("mahavishnu").unwrap();
        let t0 = Instant::now();
        m.advance_to(t0 + Duration::from_secs(60), Scenario::Healthy);
        let total = |s: &Server| -> u64 {
            let st = s.state().read().unwrap();
            st.requests.routes[0].statuses.iter().map(|(_, c)| c).sum()
        };
        let after_a_minute = total(m);
        assert!(
            after_a_minute > 1000,
            "a minute of traffic, got {after_a_minute}"
        );
        // An older instant never moves time backwards.
        m.advance_to(t0, Scenario::Healthy);
        assert_eq!(total(m), after_a_minute);

        let mut rx = eco.watch_scenario();
        eco.set_scenario(Scenario::ServiceDown);
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow_and_update(), Scenario::ServiceDown);
        assert_eq!(eco.scenario(), Scenario::ServiceDown);
    }

    #[test]
    fn fifty_servers_with_two_thousand_tools_build_and_encode() {
        let cfg = Config {
            extra_servers: 47,
            tools_per_server: Some(40),
            ..Config::default()
        };
        let eco = Ecosystem::new(&cfg).unwrap();
        assert_eq!(eco.servers().len(), 50);
        let tools: usize = eco
            .servers()
            .iter()
            .map(|s| s.state().read().unwrap().requests.tools.len())
            .sum();
        assert_eq!(tools, 2000);
        let out = eco.scrape(&eco.servers()[49], Format::OpenMetrics).unwrap();
        assert!(out.contains("tool_name=\"tool_040\""));
    }
}
