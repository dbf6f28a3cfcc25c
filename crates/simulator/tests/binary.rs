//! The `mcp-simulator` binary as a user runs it: the startup line, `/metrics` over HTTP with
//! content negotiation, and the control endpoint switching scenarios (service-down closes a
//! listener; healthy opens it again on the same address).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Sim {
    child: Child,
    control: SocketAddr,
    servers: Vec<(String, SocketAddr)>,
    /// Anything printed on stdout after the startup line.
    rest: BufReader<std::process::ChildStdout>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        // Stopped by its PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-simulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("simulator starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).expect("startup line is JSON");
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["control", "servers"], "exactly the contract's keys");
    let control = v["control"].as_str().unwrap().parse().unwrap();
    let servers = v["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["job"].as_str().unwrap().to_owned(),
                s["address"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    Sim {
        child,
        control,
        servers,
        rest: out,
    }
}

/// One HTTP/1.1 exchange; returns (status, headers lowercased, body).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    accept: Option<&str>,
) -> std::io::Result<(u16, String, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let accept = accept
        .map(|a| format!("Accept: {a}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, head.to_ascii_lowercase(), body.to_owned()))
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "{what}: not within 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn startup_line_lists_every_server_and_nothing_else_reaches_stdout() {
    let mut sim = start(&["--seed", "5", "--extra-servers", "2"]);
    let jobs: Vec<&str> = sim.servers.iter().map(|(j, _)| j.as_str()).collect();
    assert_eq!(
        jobs,
        [
            "mahavishnu",
            "akosha",
            "session-buddy",
            "mcp-server-04",
            "mcp-server-05"
        ]
    );
    for (_, addr) in &sim.servers {
        assert!(addr.ip().is_loopback());
        let (status, _, _) = request(*addr, "GET", "/metrics", None).unwrap();
        assert_eq!(status, 200);
    }
    sim.child.kill().unwrap();
    let mut rest = String::new();
    sim.rest.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "stdout carries only the startup line");
}

#[test]
fn metrics_negotiate_openmetrics_or_prometheus_text() {
    let sim = start(&[]);
    let addr = sim.servers[0].1;
    let prom_accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let (status, head, body) = request(addr, "GET", "/metrics", Some(prom_accept)).unwrap();
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{head}"
    );
    assert!(body.ends_with("# EOF\n"));
    // A second scrape has traffic, and with it exemplars.
    wait_until("exemplars in OpenMetrics", || {
        let (_, _, body) = request(addr, "GET", "/metrics", Some(prom_accept)).unwrap();
        body.contains("# {trace_id=\"") || body.contains("# {span_id=\"")
    });
    let (_, head, body) = request(addr, "GET", "/metrics", Some("text/plain")).unwrap();
    assert!(
        head.contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    assert!(!body.contains("# EOF") && !body.contains("trace_id"));
    let (status, _, body) = request(addr, "GET", "/other", None).unwrap();
    assert_eq!(status, 404);
    assert!(body.contains("/metrics"), "{body}");
}

#[test]
fn control_switches_scenarios_and_service_down_closes_the_listener() {
    let sim = start(&["--scenario", "healthy"]);
    let (status, _, body) = request(sim.control, "GET", "/healthz", None).unwrap();
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (_, _, body) = request(sim.control, "GET", "/scenario", None).unwrap();
    assert_eq!(body, r#"{"scenario":"healthy"}"#);

    let (status, _, body) = request(sim.control, "PUT", "/scenario/meltdown", None).unwrap();
    assert_eq!(status, 400);
    assert!(
        body.contains("meltdown") && body.contains("service-down"),
        "{body}"
    );

    let akosha = sim.servers.iter().find(|(j, _)| j == "akosha").unwrap().1;
    let mahavishnu = sim.servers[0].1;
    let (status, _, _) = request(sim.control, "PUT", "/scenario/service-down", None).unwrap();
    assert_eq!(status, 200);
    wait_until("akosha refuses connections", || {
        request(akosha, "GET", "/metrics", None).is_err()
    });
    assert_eq!(
        request(mahavishnu, "GET", "/metrics", None).unwrap().0,
        200,
        "other servers keep answering"
    );

    let (status, _, _) = request(sim.control, "POST", "/scenario/healthy", None).unwrap();
    assert_eq!(status, 200);
    wait_until("akosha answers again on the same address", || {
        matches!(request(akosha, "GET", "/metrics", None), Ok((200, _, _)))
    });
}

#[test]
fn bad_flags_exit_with_an_error_naming_the_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-simulator"))
        .args(["--scenario", "meltdown"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("meltdown") && err.contains("latency-spike"),
        "{err}"
    );
}

#[test]
fn fixed_server_ports_are_honoured() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sim = start(&["--server-port", &format!("akosha={port}")]);
    let akosha = sim.servers.iter().find(|(j, _)| j == "akosha").unwrap().1;
    assert_eq!(akosha.port(), port);
}
