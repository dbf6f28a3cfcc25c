//! [`Prometheus`]: one HTTP client per datasource instance, honouring every connection
//! setting, streaming bodies under `maxResponseBytes`.
//!
//! Dropping a call's future (Grafana cancelled the query) drops its connection, so the
//! upstream request stops with it.

use std::time::Duration;

use base64::Engine;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use mcp_model::Step;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde::de::DeserializeOwned;

use super::response::{BuildInfo, Envelope, ExemplarSeries, InstantData, InstantSample, Series};
use super::stream::{Matrix, MatrixError, MatrixParser};
use super::verdict::{conclude, conclude_matrix, Reply, EXTRACT_BYTES};
use super::{tls, Answer, UpstreamError};
use crate::budget;
use crate::settings::{Compression, HttpMethod, Settings};

/// The idle upstream connections a client keeps for reuse, per host, and how long each
/// may stay idle.
///
/// Each pooled HTTP/1.1 connection keeps a read buffer while idle: hyper keeps a read
/// posted on it to notice the other end closing, sized by its adaptive strategy, which
/// doubles with every read that fills the buffer, up to about 408 KiB (hyper's default
/// limit; reqwest does not let it be set), and halves only after two reads under half of
/// it; and while the connection alone holds the buffer, its allocation is kept whenever it
/// is large enough, so a connection keeps about the largest buffer it has needed.
/// Unbounded, the pool kept a connection for every call once in flight at the same time
/// (56 under the soak's load). Bounding the idle ones does not bound how long a busy
/// connection lives (docs/RELIABILITY.md, section 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pool {
    /// Connections kept idle per host; one more returned is closed.
    pub idle_per_host: usize,
    /// An idle connection is closed after this long unused.
    pub idle_timeout: Duration,
}

/// 16, the default limit of concurrent queries: a steady load of that many queries finds
/// a connection kept for each, and connections opened beyond them (for the concurrent
/// calls within queries) are closed once 16 are idle. The read buffers kept idle are then at
/// most 16 x 408 KiB, about 6.5 MiB per datasource instance, with about 20 KiB more per
/// connection (hyper's write buffer and request channel).
/// Idle 30 s: under the idle timeouts of the usual reverse proxies (60 s and more), so a
/// kept connection is closed by the plugin rather than reused just as the other end
/// closes it, and an idle plugin lets go of them half a minute after the last query.
pub(crate) const POOL: Pool = Pool {
    idle_per_host: crate::limit::DEFAULT_MAX_CONCURRENT_QUERIES,
    idle_timeout: Duration::from_secs(30),
};

/// A Prometheus-compatible HTTP API.
#[derive(Debug, Clone)]
pub struct Prometheus {
    http: reqwest::Client,
    base: reqwest::Url,
    method: HttpMethod,
    max_bytes: u64,
    timeout: Duration,
}

impl Prometheus {
    /// Builds the client for a datasource's settings.
    pub fn new(settings: &Settings) -> Result<Prometheus, UpstreamError> {
        Prometheus::with_pool(settings, POOL)
    }

    /// [`Prometheus::new`] keeping idle connections as `pool` says.
    pub(crate) fn with_pool(settings: &Settings, pool: Pool) -> Result<Prometheus, UpstreamError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &settings.headers {
            let (Ok(name), Ok(mut value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value.expose()),
            ) else {
                continue; // checked when the settings were read
            };
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        if let Some((user, password)) = &settings.basic_auth {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:{}", password.expose()));
            if let Ok(mut value) = HeaderValue::from_str(&format!("Basic {token}")) {
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
        let tls = tls::client_config(&settings.tls).map_err(UpstreamError::Setup)?;
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!(
                "mcp-grafana-datasource/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(5))
            .gzip(settings.compression == Compression::Gzip)
            .use_preconfigured_tls(tls)
            .pool_max_idle_per_host(pool.idle_per_host)
            .pool_idle_timeout(pool.idle_timeout)
            .build()
            .map_err(|e| {
                UpstreamError::Setup(format!("HTTP client setup failed: {}", innermost(&e)))
            })?;
        Ok(Prometheus {
            http,
            base: settings.url.clone(),
            method: settings.method,
            max_bytes: settings.max_response_bytes,
            timeout: settings.timeout,
        })
    }

    /// The base URL, safe to show (credentials were removed when settings were read).
    pub fn url(&self) -> &str {
        self.base.as_str()
    }

    /// `/api/v1/query_range` over the step's aligned range. The body is parsed while it
    /// arrives ([`stream::MatrixParser`]) and each series goes to `each` as soon as it is
    /// complete, in Prometheus's order, so the body is never held whole and the series
    /// never all at once. `each` answers how many bytes it now holds for the series (its
    /// encoded frame), which are charged to the query's memory budget. The answer carries
    /// Prometheus's warnings; on an error the series already given are to be dropped.
    pub async fn query_range(
        &self,
        expr: &str,
        step: &Step,
        each: &mut (dyn FnMut(Series) -> u64 + Send),
    ) -> Result<Answer<()>, UpstreamError> {
        let params = [
            ("query", expr.to_string()),
            ("start", seconds(step.start_ms)),
            ("end", seconds(step.end_ms)),
            ("step", seconds(step.step_ms)),
        ];
        self.call_matrix("api/v1/query_range", &params, each).await
    }

    /// `/api/v1/query` at `time_ms`.
    pub async fn query(
        &self,
        expr: &str,
        time_ms: i64,
    ) -> Result<Answer<Vec<InstantSample>>, UpstreamError> {
        let params = [("query", expr.to_string()), ("time", seconds(time_ms))];
        let answer: Answer<InstantData> = self.call("api/v1/query", &params).await?;
        Ok(Answer {
            data: answer.data.result,
            warnings: answer.warnings,
        })
    }

    /// `/api/v1/label/<label>/values` restricted to series matching `matcher`.
    pub async fn label_values(
        &self,
        label: &str,
        matcher: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Answer<Vec<String>>, UpstreamError> {
        let params = [
            ("match[]", matcher.to_string()),
            ("start", seconds(start_ms)),
            ("end", seconds(end_ms)),
        ];
        // Label values are only served by GET.
        self.call_with(
            HttpMethod::Get,
            &format!("api/v1/label/{label}/values"),
            &params,
        )
        .await
    }

    /// `/api/v1/query_exemplars`.
    pub async fn exemplars(
        &self,
        expr: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Answer<Vec<ExemplarSeries>>, UpstreamError> {
        let params = [
            ("query", expr.to_string()),
            ("start", seconds(start_ms)),
            ("end", seconds(end_ms)),
        ];
        self.call("api/v1/query_exemplars", &params).await
    }

    /// `/api/v1/status/buildinfo`, with whether the answer carries the `X-Server-Hostname`
    /// header VictoriaMetrics puts on every answer (its build info is empty in 1.79 and
    /// imitates a Prometheus version in later releases, so the header is what tells).
    pub async fn build_info(&self) -> Result<BuildInfo, UpstreamError> {
        let (answer, headers) = self
            .call_with_headers::<BuildInfo>(HttpMethod::Get, "api/v1/status/buildinfo", &[])
            .await?;
        Ok(BuildInfo {
            victoria_metrics: headers.contains_key("x-server-hostname"),
            ..answer.data
        })
    }

    /// `/api/v1/metadata` with at most `limit` metrics: the metric names it answers for.
    pub async fn metadata(&self, limit: u32) -> Result<Answer<Vec<String>>, UpstreamError> {
        let answer: Answer<std::collections::BTreeMap<String, serde_json::Value>> = self
            .call_with(
                HttpMethod::Get,
                "api/v1/metadata",
                &[("limit", limit.to_string())],
            )
            .await?;
        Ok(Answer {
            data: answer.data.into_keys().collect(),
            warnings: answer.warnings,
        })
    }

    /// The text at `path` on the engine's host (an absolute path, such as `/metrics`),
    /// under `maxResponseBytes`.
    pub async fn text(&self, path: &str) -> Result<String, UpstreamError> {
        let (body, call, _) = self.fetch(HttpMethod::Get, path, &[]).await?;
        if !call.status.is_success() {
            return Err(UpstreamError::Status {
                url: self.url().to_string(),
                status: call.status.to_string(),
                body: String::new(),
            });
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    async fn call<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Answer<T>, UpstreamError> {
        self.call_with(self.method, path, params).await
    }

    async fn call_with<T: DeserializeOwned>(
        &self,
        method: HttpMethod,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Answer<T>, UpstreamError> {
        Ok(self.call_with_headers(method, path, params).await?.0)
    }

    /// [`Prometheus::call_with`], with the answer's headers.
    async fn call_with_headers<T: DeserializeOwned>(
        &self,
        method: HttpMethod,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<(Answer<T>, HeaderMap), UpstreamError> {
        let (body, call, headers) = self.fetch(method, path, params).await?;
        let parsed = serde_json::from_slice::<Envelope<T>>(&body).map_err(|e| e.to_string());
        Ok((conclude(parsed, &call.reply(self.url(), &body))?, headers))
    }

    /// One call's whole body under `maxResponseBytes`, recorded in the plugin's metrics.
    async fn fetch(
        &self,
        method: HttpMethod,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<(Bytes, Call, HeaderMap), UpstreamError> {
        let (response, call) = self.send(method, path, params).await?;
        let headers = response.headers().clone();
        let body = self.read_body(response).await;
        crate::metrics::global().upstream_call(
            path,
            call.started.elapsed(),
            body.as_ref().map_or(0, |b| b.len() as u64),
            body.is_ok() && call.status.is_success(),
        );
        Ok((body?, call, headers))
    }

    /// Sends one API call; a failure to get an answer is recorded and explained here.
    async fn send(
        &self,
        method: HttpMethod,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<(reqwest::Response, Call), UpstreamError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| UpstreamError::Setup(format!("cannot form the API URL: {e}")))?;
        let request = match method {
            HttpMethod::Get => self.http.get(url).query(params),
            HttpMethod::Post => self.http.post(url).form(params),
        };
        let started = std::time::Instant::now();
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                crate::metrics::global().upstream_call(path, started.elapsed(), 0, false);
                return Err(self.transport(&e));
            }
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        Ok((
            response,
            Call {
                started,
                status,
                content_type,
            },
        ))
    }

    /// Refuses a body announced over `maxResponseBytes`, and charges the memory budget for
    /// what it announces.
    async fn admit(&self, response: &reqwest::Response) -> Result<Charged, UpstreamError> {
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes)
        {
            return Err(self.too_large());
        }
        Charged::upfront(response.content_length()).await
    }

    async fn read_body(&self, response: reqwest::Response) -> Result<Bytes, UpstreamError> {
        let too_large = || self.too_large();
        let mut charged = self.admit(&response).await?;
        let mut body = BytesMut::with_capacity(
            response
                .content_length()
                .unwrap_or(16 * 1024)
                .min(self.max_bytes) as usize,
        );
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.body_error(&e))?;
            if body.len() as u64 + chunk.len() as u64 > self.max_bytes {
                return Err(too_large());
            }
            charged
                .up_to(body.len() as u64 + chunk.len() as u64)
                .await?;
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// A call whose answer is a matrix, parsed while the body arrives; the same outcomes
    /// and messages as [`Prometheus::call_with`] gives for other answers.
    async fn call_matrix(
        &self,
        path: &str,
        params: &[(&str, String)],
        each: &mut (dyn FnMut(Series) -> u64 + Send),
    ) -> Result<Answer<()>, UpstreamError> {
        let (response, call) = self.send(self.method, path, params).await?;
        let streamed = self.stream_matrix(response, call.started, each).await;
        crate::metrics::global().upstream_call(
            path,
            call.started.elapsed(),
            streamed.as_ref().map_or(0, |s| s.bytes),
            streamed.as_ref().is_ok_and(|s| s.parsed.is_ok()) && call.status.is_success(),
        );
        let Streamed { parsed, head, .. } = streamed?;
        let answer = conclude_matrix(
            parsed.map_err(|e| e.to_string()),
            &call.reply(self.url(), &head),
        )?;
        let held = answer.data.into_iter().map(&mut *each).sum();
        budget::charge(held).await?;
        Ok(Answer {
            data: (),
            warnings: answer.warnings,
        })
    }

    /// Feeds the body to a matrix parser chunk by chunk under `maxResponseBytes`, keeping
    /// the first bytes for an error status's extract. Once the JSON is known to be wrong,
    /// reading stops as soon as that extract is complete. Series completed by a chunk go to
    /// `each` before the next chunk is read.
    async fn stream_matrix(
        &self,
        response: reqwest::Response,
        started: std::time::Instant,
        each: &mut (dyn FnMut(Series) -> u64 + Send),
    ) -> Result<Streamed, UpstreamError> {
        let too_large = || self.too_large();
        let mut charged = self.admit(&response).await?;
        let mut parser = MatrixParser::new();
        let mut failed = None;
        let mut head = Vec::new();
        let mut bytes: u64 = 0;
        let mut body = response.bytes_stream();
        // Where a range answer's time goes, for the profile in docs/PERFORMANCE.md: our work
        // on the chunks (parse, frames), the wait for the first byte (the engine's own
        // evaluation and encoding), the chunks' count and what is left once the last byte
        // has arrived.
        let mut working = std::time::Duration::ZERO;
        let mut first_byte = None;
        let mut chunks: u64 = 0;
        let mut last_byte = std::time::Instant::now();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.body_error(&e))?;
            last_byte = std::time::Instant::now();
            first_byte.get_or_insert(last_byte - started);
            chunks += 1;
            bytes += chunk.len() as u64;
            if bytes > self.max_bytes {
                return Err(too_large());
            }
            charged.up_to(bytes).await?;
            if head.len() < EXTRACT_BYTES {
                let n = chunk.len().min(EXTRACT_BYTES - head.len());
                head.extend_from_slice(&chunk[..n]);
            }
            if failed.is_none() {
                match parser.feed(&chunk) {
                    Ok(()) => {
                        let held = parser.take_series().map(&mut *each).sum();
                        budget::charge(held).await?;
                    }
                    Err(e) => failed = Some(e),
                }
            }
            working += last_byte.elapsed();
            if failed.is_some() && head.len() >= EXTRACT_BYTES {
                break;
            }
        }
        let parsed = match failed {
            Some(e) => Err(e),
            None => parser.finish(),
        };
        tracing::debug!(
            bytes,
            chunks,
            first_byte_ms = first_byte.unwrap_or_default().as_secs_f64() * 1e3,
            last_byte_ms = (last_byte - started).as_secs_f64() * 1e3,
            working_ms = working.as_secs_f64() * 1e3,
            after_last_byte_ms = last_byte.elapsed().as_secs_f64() * 1e3,
            "range answer read"
        );
        Ok(Streamed {
            parsed,
            head,
            bytes,
        })
    }

    fn transport(&self, e: &reqwest::Error) -> UpstreamError {
        if e.is_timeout() {
            self.timeout_error()
        } else if e.is_redirect() {
            UpstreamError::Status {
                url: self.url().to_string(),
                status: "redirect".to_string(),
                body: ": too many redirects; point the URL at the final address".to_string(),
            }
        } else if e.is_connect() {
            UpstreamError::Connect {
                url: self.url().to_string(),
                reason: innermost(e),
            }
        } else {
            UpstreamError::Body {
                url: self.url().to_string(),
                reason: innermost(e),
            }
        }
    }

    /// A failure while the body arrives.
    fn body_error(&self, e: &reqwest::Error) -> UpstreamError {
        if e.is_timeout() {
            self.timeout_error()
        } else {
            UpstreamError::Body {
                url: self.url().to_string(),
                reason: innermost(e),
            }
        }
    }

    fn too_large(&self) -> UpstreamError {
        UpstreamError::TooLarge {
            url: self.url().to_string(),
            limit: self.max_bytes,
        }
    }

    fn timeout_error(&self) -> UpstreamError {
        UpstreamError::Timeout {
            url: self.url().to_string(),
            secs: self.timeout.as_secs(),
        }
    }
}

/// The body bytes of one answer charged to the query's memory budget (times
/// [`budget::BODY_FACTOR`]): the whole `Content-Length` before reading when the server sends
/// one, else each chunk as it comes.
struct Charged(u64);

impl Charged {
    async fn upfront(content_length: Option<u64>) -> Result<Charged, UpstreamError> {
        let n = content_length.unwrap_or(0);
        budget::charge(n.saturating_mul(budget::BODY_FACTOR)).await?;
        Ok(Charged(n))
    }

    /// Charges what `total` bytes read so far need beyond what was charged.
    async fn up_to(&mut self, total: u64) -> Result<(), UpstreamError> {
        if total > self.0 {
            budget::charge((total - self.0).saturating_mul(budget::BODY_FACTOR)).await?;
            self.0 = total;
        }
        Ok(())
    }
}

/// What is known of a call once its headers arrived.
struct Call {
    started: std::time::Instant,
    status: reqwest::StatusCode,
    content_type: String,
}

impl Call {
    fn reply<'a>(&'a self, url: &'a str, head: &'a [u8]) -> Reply<'a> {
        Reply {
            url,
            status: self.status,
            content_type: &self.content_type,
            head,
        }
    }
}

/// A matrix body as [`Prometheus::stream_matrix`] read it.
struct Streamed {
    parsed: Result<Envelope<Matrix>, MatrixError>,
    /// The first [`EXTRACT_BYTES`] of the body.
    head: Vec<u8>,
    /// Bytes read.
    bytes: u64,
}

/// Seconds since the epoch with millisecond precision, as Prometheus takes times.
fn seconds(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    if abs.is_multiple_of(1000) {
        format!("{sign}{}", abs / 1000)
    } else {
        format!("{sign}{}.{:03}", abs / 1000, abs % 1000)
    }
}

/// The deepest cause of an error: "Connection refused (os error 111)" rather than a URL.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::testing::serve;

    #[tokio::test]
    async fn compression_setting_decides_whether_gzip_is_asked_for() {
        for (setting, asks) in [("gzip", true), ("none", false), ("", true)] {
            let (url, mut heads) = serve(r#"{"status":"success","data":["alpha"]}"#).await;
            let instance = grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings {
                url,
                json_data: format!(r#"{{"compression":"{setting}"}}"#).into_bytes(),
                ..Default::default()
            };
            let prom = Prometheus::new(&Settings::from_instance(&instance).unwrap()).unwrap();
            let answer = prom.label_values("job", "up", 0, 60_000).await.unwrap();
            assert_eq!(
                answer.data,
                vec!["alpha".to_string()],
                "compression {setting:?}"
            );
            let head = heads.recv().await.unwrap();
            let gzip = head
                .lines()
                .any(|l| l.starts_with("accept-encoding:") && l.contains("gzip"));
            assert_eq!(gzip, asks, "compression {setting:?} sent:\n{head}");
        }
    }

    /// A loopback server keeping connections alive, answering each request only once
    /// `at_once` requests are waiting, so that each of them needs its own connection.
    /// Counts the connections accepted and those still open.
    struct KeepAlive {
        url: String,
        accepted: Arc<AtomicUsize>,
        open: Arc<AtomicUsize>,
    }

    impl KeepAlive {
        async fn start(at_once: usize) -> KeepAlive {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let accepted = Arc::new(AtomicUsize::new(0));
            let open = Arc::new(AtomicUsize::new(0));
            let barrier = Arc::new(tokio::sync::Barrier::new(at_once));
            let (acc, op) = (accepted.clone(), open.clone());
            tokio::spawn(async move {
                while let Ok((mut conn, _)) = listener.accept().await {
                    acc.fetch_add(1, Ordering::SeqCst);
                    op.fetch_add(1, Ordering::SeqCst);
                    let (op, barrier) = (op.clone(), barrier.clone());
                    tokio::spawn(async move {
                        let body = r#"{"status":"success","data":["alpha"]}"#;
                        let mut head = Vec::new();
                        let mut buf = [0u8; 4096];
                        'requests: loop {
                            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                                match conn.read(&mut buf).await {
                                    Ok(0) | Err(_) => break 'requests,
                                    Ok(n) => head.extend_from_slice(&buf[..n]),
                                }
                            }
                            head.clear();
                            barrier.wait().await;
                            let reply = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                                body.len()
                            );
                            if conn.write_all(reply.as_bytes()).await.is_err() {
                                break;
                            }
                        }
                        op.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            });
            KeepAlive {
                url,
                accepted,
                open,
            }
        }

        /// Waits up to 5 s for the open connections to be `n`; answers how many are.
        async fn open_becomes(&self, n: usize) -> usize {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            while self.open.load(Ordering::SeqCst) != n && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            self.open.load(Ordering::SeqCst)
        }
    }

    /// A client pooling as `pool` to a [`KeepAlive`] server answering `at_once` calls at
    /// once, after a first round of them: each needed a connection of its own.
    async fn pooled(at_once: usize, pool: Pool) -> (KeepAlive, Prometheus) {
        let server = KeepAlive::start(at_once).await;
        let settings =
            Settings::from_instance(&grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings {
                url: server.url.clone(),
                ..Default::default()
            })
            .unwrap();
        let prom = Prometheus::with_pool(&settings, pool).unwrap();
        calls_at_once(&prom, at_once).await;
        assert_eq!(server.accepted.load(Ordering::SeqCst), at_once);
        (server, prom)
    }

    async fn calls_at_once(prom: &Prometheus, n: usize) {
        let answers =
            futures::future::join_all((0..n).map(|_| prom.label_values("job", "up", 0, 60_000)))
                .await;
        for answer in answers {
            assert_eq!(answer.unwrap().data, vec!["alpha".to_string()]);
        }
    }

    #[tokio::test]
    async fn idle_connections_beyond_the_pool_are_closed_and_the_rest_reused() {
        let pool = Pool {
            idle_per_host: 2,
            idle_timeout: Duration::from_secs(600),
        };
        let (server, prom) = pooled(6, pool).await;
        assert_eq!(server.open_becomes(2).await, 2, "idle connections kept");
        // The next 6 at once reuse the 2 kept and open 4.
        calls_at_once(&prom, 6).await;
        assert_eq!(server.accepted.load(Ordering::SeqCst), 10);
        assert_eq!(server.open_becomes(2).await, 2, "idle connections kept");
    }

    #[tokio::test]
    async fn idle_connections_are_closed_after_the_idle_timeout() {
        let pool = Pool {
            idle_per_host: 16,
            idle_timeout: Duration::from_millis(200),
        };
        let (server, _prom) = pooled(3, pool).await;
        assert_eq!(
            server.open_becomes(0).await,
            0,
            "idle connections left open"
        );
    }

    #[test]
    fn times_are_seconds_with_milliseconds() {
        assert_eq!(seconds(1_700_000_000_000), "1700000000");
        assert_eq!(seconds(1_700_000_000_005), "1700000000.005");
        assert_eq!(seconds(-1_500), "-1.500");
    }
}
