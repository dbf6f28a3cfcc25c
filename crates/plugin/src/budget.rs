//! The process's memory budget: bytes held by queries in flight, shared by every datasource.
//!
//! Each query gets a [`Reservation`] for its life. The upstream client charges it
//! [`BODY_FACTOR`] bytes for every body byte as it arrives (the whole `Content-Length` at
//! once when the server sends one): those bytes become the query's samples, then its frames. Each encoded frame
//! is charged its Arrow IPC bytes once, when it is encoded (a range query's series as they
//! arrive); the reply sends those bytes without copying them (`reply.rs`). All of it
//! is given back once Grafana has taken the reply ([`HoldReplies`]): a reply waiting for a
//! slow reader is memory too. A charge that does not fit waits
//! for room until the query's deadline (the datasource's `timeout`), then fails with
//! [`BudgetError`], which names the setting, its value and what to do.
//!
//! A query is first admitted ([`Budget::run`]): it starts at once while the queries running
//! and it would fit at the size queries lately reached (half the budget while no query has
//! finished yet); otherwise it waits its turn, first come first served, until that holds or
//! its deadline passes. Bodies mostly come without a length, so several queries can still
//! grow into each other: when the last holder that was still making progress would wait
//! too, it is stopped instead, its bytes let the others finish, and it runs again once
//! admitted, while its deadline lasts.
//!
//! Operators set the budget in Grafana's ini, `[plugin.mahavishnu-mcp-datasource]`
//! `memory_budget_mib`, which Grafana hands to the process as `GF_PLUGIN_MEMORY_BUDGET_MIB`.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use thiserror::Error;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The ini key under `[plugin.mahavishnu-mcp-datasource]`.
pub const SETTING: &str = "memory_budget_mib";
/// The environment variable Grafana sets from [`SETTING`].
pub const ENV: &str = "GF_PLUGIN_MEMORY_BUDGET_MIB";
/// The budget when the setting is absent, MiB: fits a small Grafana host.
pub const DEFAULT_MIB: u64 = 512;
/// Smallest accepted budget, MiB.
pub const MIN_MIB: u64 = 16;
/// Largest accepted budget, MiB (1 TiB).
pub const MAX_MIB: u64 = 1 << 20;

const MIB: u64 = 1 << 20;

/// Bytes charged per upstream body byte: the samples parsed from it, the frames built from
/// them and the parser's transient state live at once (measured: a 2 MB answer of 1,000
/// series costs about 6 MB at its peak; with two, 64 answers of 10,000 series overran a
/// 512 MiB budget by 40%, docs/RELIABILITY.md). Encoded frames are charged on their own.
pub const BODY_FACTOR: u64 = 3;

/// How often a waiting holder looks again whether every holder now waits.
const RECHECK: Duration = Duration::from_millis(50);

/// The setting could not be used; the process refuses to start with this message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("setting {SETTING} ({ENV}) has value {value:?}: use a whole number of MiB from {MIN_MIB} to {MAX_MIB} (default {DEFAULT_MIB})")]
pub struct BudgetSettingError {
    /// The value as given.
    pub value: String,
}

/// A query could not get the memory it needed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BudgetError {
    /// Other queries held the room and none came free before the query's deadline.
    #[error(
        "the plugin's memory budget of {budget_mib} MiB (setting {SETTING} in [plugin.mahavishnu-mcp-datasource] of grafana.ini, \
         environment {ENV}) was in use by other queries and no room came free within {wait_secs} s (setting timeout); \
         this query held {held_mib} MiB and needed more; retry, narrow the query (fewer series or a shorter range) or raise {SETTING}"
    )]
    Waited {
        /// The budget, MiB.
        budget_mib: u64,
        /// What the query already held, MiB (rounded up).
        held_mib: u64,
        /// How long it waited, whole seconds.
        wait_secs: u64,
    },
    /// The query could not start before its deadline: the budget stayed too full.
    #[error(
        "the plugin's memory budget of {budget_mib} MiB (setting {SETTING} in [plugin.mahavishnu-mcp-datasource] of grafana.ini, \
         environment {ENV}) was in use by other queries and this query could not start within {wait_secs} s (setting timeout); \
         retry, narrow the query (fewer series or a shorter range) or raise {SETTING}"
    )]
    Queued {
        /// The budget, MiB.
        budget_mib: u64,
        /// How long it waited, whole seconds.
        wait_secs: u64,
    },
    /// Every other query holding part of the budget was waiting for more too.
    #[error(
        "the plugin's memory budget of {budget_mib} MiB (setting {SETTING} in [plugin.mahavishnu-mcp-datasource] of grafana.ini, \
         environment {ENV}) is full with queries that each wait for more room; this query held {held_mib} MiB and was stopped \
         so that the others can finish; retry, narrow the query (fewer series or a shorter range) or raise {SETTING}"
    )]
    Crowded {
        /// The budget, MiB.
        budget_mib: u64,
        /// What the query held, MiB (rounded up).
        held_mib: u64,
    },
    /// The query alone needs more than the whole budget.
    #[error(
        "this query needs more than the plugin's whole memory budget of {budget_mib} MiB (setting {SETTING} in \
         [plugin.mahavishnu-mcp-datasource] of grafana.ini, environment {ENV}); narrow the query (fewer series or a shorter range) \
         or raise {SETTING}"
    )]
    Larger {
        /// The budget, MiB.
        budget_mib: u64,
    },
}

/// The shared pool of bytes.
#[derive(Debug, Clone)]
pub struct Budget {
    bytes: Arc<Semaphore>,
    total: u64,
    /// Reservations holding bytes.
    holders: Arc<AtomicUsize>,
    /// Of those, how many wait for more.
    stuck: Arc<AtomicUsize>,
    /// Queries admitted and not finished.
    running: Arc<AtomicUsize>,
    /// The line of queries waiting to be admitted (tokio's mutex is first come first served).
    line: Arc<tokio::sync::Mutex<()>>,
    /// What a query holds at its end, a moving average over the queries that finished; none
    /// before the first.
    usual: Arc<Mutex<Option<u64>>>,
    /// Woken whenever a reservation returns its bytes.
    freed: Arc<Notify>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::mib(DEFAULT_MIB)
    }
}

impl Budget {
    /// A budget of `mib` MiB.
    pub fn mib(mib: u64) -> Budget {
        Budget::bytes(mib.saturating_mul(MIB))
    }

    /// A budget of `bytes` bytes (tests use small ones).
    pub fn bytes(bytes: u64) -> Budget {
        let total = bytes.min(Semaphore::MAX_PERMITS as u64);
        Budget {
            bytes: Arc::new(Semaphore::new(total as usize)),
            total,
            holders: Arc::new(AtomicUsize::new(0)),
            stuck: Arc::new(AtomicUsize::new(0)),
            running: Arc::new(AtomicUsize::new(0)),
            line: Arc::new(tokio::sync::Mutex::new(())),
            usual: Arc::new(Mutex::new(None)),
            freed: Arc::new(Notify::new()),
        }
    }

    /// Reads the setting's value as Grafana passes it (absent or blank: the default).
    pub fn from_setting(value: Option<&str>) -> Result<Budget, BudgetSettingError> {
        let Some(raw) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(Budget::default());
        };
        match raw.parse::<u64>() {
            Ok(mib) if (MIN_MIB..=MAX_MIB).contains(&mib) => Ok(Budget::mib(mib)),
            _ => Err(BudgetSettingError {
                value: raw.to_string(),
            }),
        }
    }

    /// The budget in bytes.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Bytes held by queries now.
    pub fn held(&self) -> u64 {
        self.total
            .saturating_sub(self.bytes.available_permits() as u64)
    }

    /// A new reservation whose charges wait for room at most `wait` from now, outside
    /// admission (tests).
    pub fn reserve(&self, wait: Duration) -> Arc<Reservation> {
        self.reservation(wait, Instant::now() + wait, false)
    }

    fn reservation(&self, wait: Duration, deadline: Instant, admitted: bool) -> Arc<Reservation> {
        Arc::new(Reservation {
            budget: self.clone(),
            held: Mutex::new(None),
            wait,
            deadline,
            admitted,
            stopped: AtomicBool::new(false),
        })
    }

    /// Runs one query's `attempt` under the budget, within `wait`: admitted first, then with
    /// a reservation that [`charge`] adds to. An attempt stopped so that others could finish
    /// returns its bytes, waits to be admitted again and runs anew while the deadline lasts.
    /// The reservation comes back with the answer, to be dropped once the reply is sent.
    pub async fn run<T, E, Fut>(
        &self,
        wait: Duration,
        mut attempt: impl FnMut() -> Fut,
    ) -> Result<(T, Arc<Reservation>), E>
    where
        Fut: Future<Output = Result<T, E>>,
        E: From<BudgetError>,
    {
        let deadline = Instant::now() + wait;
        let metrics = crate::metrics::global();
        loop {
            let reservation = self.admit(wait, deadline).await?;
            let answer = scope(reservation.clone(), attempt()).await;
            match answer {
                Ok(v) => return Ok((v, reservation)),
                Err(_) if reservation.stopped() && Instant::now() < deadline => {
                    tracing::debug!(
                        held = reservation.held(),
                        "query stopped to let others finish in the memory budget; runs again once admitted"
                    );
                    metrics.budget_restarted();
                }
                Err(e) => {
                    if reservation.stopped() {
                        metrics.budget_refused();
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Waits, in line, until a new query fits ([`Budget::fits_another`]) or `deadline`.
    async fn admit(
        &self,
        wait: Duration,
        deadline: Instant,
    ) -> Result<Arc<Reservation>, BudgetError> {
        let queued = || BudgetError::Queued {
            budget_mib: Budget::mib_rounded(self.total),
            wait_secs: wait.as_secs(),
        };
        let metrics = crate::metrics::global();
        let turn = match self.line.try_lock() {
            Ok(turn) if self.fits_another() => turn,
            other => {
                let _waiting = metrics.budget_waiting();
                let turn = match other {
                    Ok(turn) => turn,
                    Err(_) => match tokio::time::timeout_at(deadline, self.line.lock()).await {
                        Ok(turn) => turn,
                        Err(_) => {
                            metrics.budget_refused();
                            return Err(queued());
                        }
                    },
                };
                loop {
                    let freed = self.freed.notified();
                    tokio::pin!(freed);
                    freed.as_mut().enable();
                    if self.fits_another() {
                        break turn;
                    }
                    if Instant::now() >= deadline {
                        metrics.budget_refused();
                        return Err(queued());
                    }
                    // Woken when bytes return; the recheck bounds a wake-up lost to a race.
                    let look = (Instant::now() + RECHECK).min(deadline);
                    let _ = tokio::time::timeout_at(look, freed).await;
                }
            }
        };
        self.running.fetch_add(1, Ordering::SeqCst);
        drop(turn);
        Ok(self.reservation(wait, deadline, true))
    }

    /// Whether one more query may start: when none runs; else, before any query finished,
    /// while at most half the budget is held; after, while every query running and the new
    /// one fit at the usual size (those holding more counted at what they hold).
    fn fits_another(&self) -> bool {
        let running = self.running.load(Ordering::SeqCst) as u64;
        if running == 0 {
            return true;
        }
        let held = self.held();
        match self.usual.lock().ok().and_then(|u| *u) {
            None => held <= self.total / 2,
            Some(usual) => {
                held.max(usual.saturating_mul(running))
                    .saturating_add(usual)
                    <= self.total
            }
        }
    }

    /// Folds what a finished query held into the usual size (a quarter of the new size).
    fn finished(&self, held: u64) {
        if let Ok(mut usual) = self.usual.lock() {
            *usual = Some(match *usual {
                None => held,
                Some(u) => u - u / 4 + held / 4,
            });
        }
    }

    fn mib_rounded(bytes: u64) -> u64 {
        bytes.div_ceil(MIB)
    }
}

static GLOBAL: OnceLock<Budget> = OnceLock::new();

/// Sets the process's budget; the first call wins (main calls it once, before serving).
pub fn install(budget: Budget) {
    let _ = GLOBAL.set(budget);
}

/// The process's budget ([`DEFAULT_MIB`] unless [`install`]ed).
pub fn global() -> &'static Budget {
    GLOBAL.get_or_init(Budget::default)
}

/// The bytes one query holds; all of them return to the budget when it drops.
#[derive(Debug)]
pub struct Reservation {
    budget: Budget,
    held: Mutex<Option<OwnedSemaphorePermit>>,
    wait: Duration,
    deadline: Instant,
    /// Counted among the running queries ([`Budget::run`]).
    admitted: bool,
    /// Stopped so that others could finish.
    stopped: AtomicBool,
}

impl Reservation {
    /// Whether a charge was refused so that other queries could finish.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Bytes held.
    pub fn held(&self) -> u64 {
        self.held
            .lock()
            .ok()
            .and_then(|h| h.as_ref().map(|p| p.num_permits() as u64))
            .unwrap_or(0)
    }

    /// Adds `n` bytes, waiting for room until the deadline.
    pub async fn charge(&self, n: u64) -> Result<(), BudgetError> {
        if n == 0 {
            return Ok(());
        }
        let held = self.held();
        if held.saturating_add(n) > self.budget.total {
            crate::metrics::global().budget_refused();
            return Err(BudgetError::Larger {
                budget_mib: Budget::mib_rounded(self.budget.total),
            });
        }
        let mut left = n;
        while left > 0 {
            let piece = left.min(u64::from(u32::MAX)) as u32;
            let permit = match self.budget.bytes.clone().try_acquire_many_owned(piece) {
                Ok(p) => p,
                Err(_) => self.wait_for(piece).await?,
            };
            if let Ok(mut held) = self.held.lock() {
                match held.as_mut() {
                    Some(h) => h.merge(permit),
                    None => {
                        self.budget.holders.fetch_add(1, Ordering::SeqCst);
                        *held = Some(permit);
                    }
                }
            }
            left -= u64::from(piece);
        }
        Ok(())
    }
}

impl Reservation {
    /// Waits for `piece` bytes until the deadline; a holder whose wait would leave no holder
    /// making progress is refused at once.
    async fn wait_for(&self, piece: u32) -> Result<OwnedSemaphorePermit, BudgetError> {
        let metrics = crate::metrics::global();
        let held = self.held();
        let _stuck = if held > 0 {
            let stuck = self.budget.stuck.fetch_add(1, Ordering::SeqCst) + 1;
            let guard = Stuck(&self.budget.stuck);
            if stuck >= self.budget.holders.load(Ordering::SeqCst) {
                self.stopped.store(true, Ordering::SeqCst);
                return Err(BudgetError::Crowded {
                    budget_mib: Budget::mib_rounded(self.budget.total),
                    held_mib: Budget::mib_rounded(held),
                });
            }
            Some(guard)
        } else {
            None
        };
        let _waiting = metrics.budget_waiting();
        // Pinned once, so the request keeps its place in the semaphore's queue between looks.
        let mut acquire = std::pin::pin!(self.budget.bytes.clone().acquire_many_owned(piece));
        loop {
            let look = (Instant::now() + RECHECK).min(self.deadline);
            match tokio::time::timeout_at(look, &mut acquire).await {
                Ok(Ok(p)) => return Ok(p),
                // Past the deadline, or the semaphore closed (it never is).
                Ok(Err(_)) => break,
                Err(_) if Instant::now() >= self.deadline => break,
                // The holders that were making progress when this one began to wait may
                // have finished since, leaving only waiters (this one queued behind a query
                // that waits for this one's bytes): the same rule as on entry.
                Err(_) => {
                    if held > 0
                        && self.budget.stuck.load(Ordering::SeqCst)
                            >= self.budget.holders.load(Ordering::SeqCst)
                    {
                        self.stopped.store(true, Ordering::SeqCst);
                        return Err(BudgetError::Crowded {
                            budget_mib: Budget::mib_rounded(self.budget.total),
                            held_mib: Budget::mib_rounded(held),
                        });
                    }
                }
            }
        }
        metrics.budget_refused();
        Err(BudgetError::Waited {
            budget_mib: Budget::mib_rounded(self.budget.total),
            held_mib: Budget::mib_rounded(self.held()),
            wait_secs: self.wait.as_secs(),
        })
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let held = self.held();
        if held > 0 {
            self.budget.holders.fetch_sub(1, Ordering::SeqCst);
        }
        if self.admitted {
            if !self.stopped() {
                self.budget.finished(held);
            }
            self.budget.running.fetch_sub(1, Ordering::SeqCst);
        }
        // Return the bytes before waking the line.
        drop(self.held.get_mut().ok().and_then(Option::take));
        self.budget.freed.notify_waiters();
    }
}

/// Counts a holder as waiting until it drops.
struct Stuck<'a>(&'a AtomicUsize);

impl Drop for Stuck<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The reservations of a reply's queries, put in the reply's extensions; [`HoldReplies`]
/// keeps them until the reply is sent.
#[derive(Debug, Clone)]
pub struct Held(pub Vec<Arc<Reservation>>);

/// The largest piece of a reply handed to the connection at a time: the connection takes the
/// next only when the reader has room for it, so the reply's bytes stay with its
/// reservation until the reader has nearly all of them.
const PIECE: usize = 64 << 10;

/// A gRPC service whose replies keep their [`Held`] reservations until their body is sent.
#[derive(Debug, Clone)]
pub struct HoldReplies<S>(pub S);

impl<S: tonic::server::NamedService> tonic::server::NamedService for HoldReplies<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, R> tonic::codegen::Service<R> for HoldReplies<S>
where
    S: tonic::codegen::Service<R, Response = tonic::codegen::http::Response<tonic::body::BoxBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = tonic::codegen::BoxFuture<S::Response, S::Error>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let reply = self.0.call(request);
        Box::pin(async move {
            let mut reply = reply.await?;
            Ok(match reply.extensions_mut().remove::<Held>() {
                None => reply,
                Some(held) => reply.map(|body| {
                    tonic::body::boxed(HeldBody {
                        body,
                        rest: bytes::Bytes::new(),
                        held: Some(held),
                    })
                }),
            })
        })
    }
}

/// A reply body given out in pieces of at most [`PIECE`] bytes, holding its reservations
/// until its end.
struct HeldBody<B> {
    body: B,
    rest: bytes::Bytes,
    held: Option<Held>,
}

impl<B> http_body::Body for HeldBody<B>
where
    B: http_body::Body<Data = bytes::Bytes> + Unpin,
{
    type Data = bytes::Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, B::Error>>> {
        use std::task::Poll;
        let this = self.get_mut();
        if !this.rest.is_empty() {
            let piece = this.rest.split_to(this.rest.len().min(PIECE));
            return Poll::Ready(Some(Ok(http_body::Frame::data(piece))));
        }
        let frame = match std::pin::Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(frame) => frame,
        };
        Poll::Ready(match frame {
            Some(Ok(frame)) => Some(Ok(match frame.into_data() {
                Ok(mut data) => {
                    if data.len() > PIECE {
                        this.rest = data.split_off(PIECE);
                    }
                    http_body::Frame::data(data)
                }
                Err(frame) => frame,
            })),
            Some(Err(e)) => Some(Err(e)),
            None => {
                this.held = None;
                None
            }
        })
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty() && self.body.is_end_stream()
    }
}

tokio::task_local! {
    static CURRENT: Arc<Reservation>;
}

/// Runs `f` with `reservation` as the one [`charge`] adds to.
pub async fn scope<F: std::future::Future>(reservation: Arc<Reservation>, f: F) -> F::Output {
    CURRENT.scope(reservation, f).await
}

/// Charges the current query's reservation; outside a query (health, resources: small
/// answers) nothing is accounted.
pub async fn charge(n: u64) -> Result<(), BudgetError> {
    match CURRENT.try_with(Arc::clone) {
        Ok(r) => r.charge(n).await,
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_is_read_with_default_and_checked() {
        assert_eq!(Budget::from_setting(None).unwrap().total(), 512 * MIB);
        assert_eq!(Budget::from_setting(Some(" ")).unwrap().total(), 512 * MIB);
        assert_eq!(Budget::from_setting(Some("64")).unwrap().total(), 64 * MIB);
        for bad in ["0", "15", "2097152", "-1", "1.5", "512MiB", "lots"] {
            let err = Budget::from_setting(Some(bad)).unwrap_err().to_string();
            assert!(
                err.starts_with(
                    "setting memory_budget_mib (GF_PLUGIN_MEMORY_BUDGET_MIB) has value"
                ),
                "{err}"
            );
            assert!(err.contains(&format!("{bad:?}")), "{err}");
            assert!(err.contains("from 16 to 1048576"), "{err}");
        }
    }

    #[tokio::test]
    async fn charges_add_up_and_return_when_the_reservation_drops() {
        let budget = Budget::bytes(1000);
        let r = budget.reserve(Duration::from_secs(1));
        r.charge(300).await.unwrap();
        r.charge(0).await.unwrap();
        r.charge(200).await.unwrap();
        assert_eq!(r.held(), 500);
        assert_eq!(budget.held(), 500);
        let other = budget.reserve(Duration::from_secs(1));
        other.charge(500).await.unwrap();
        assert_eq!(budget.held(), 1000);
        drop(r);
        assert_eq!(budget.held(), 500);
        drop(other);
        assert_eq!(budget.held(), 0);
    }

    #[tokio::test]
    async fn a_query_larger_than_the_budget_fails_at_once() {
        let budget = Budget::mib(16);
        let r = budget.reserve(Duration::from_secs(30));
        r.charge(10 * MIB).await.unwrap();
        let started = std::time::Instant::now();
        let err = r.charge(7 * MIB).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(err, BudgetError::Larger { budget_mib: 16 });
        mentions(
            &err,
            &[
                "16 MiB",
                "memory_budget_mib",
                "GF_PLUGIN_MEMORY_BUDGET_MIB",
                "narrow the query",
            ],
        );
        assert_eq!(r.held(), 10 * MIB, "a refused charge takes nothing");
    }

    #[tokio::test]
    async fn a_charge_waits_for_room_until_the_deadline_then_names_the_limit() {
        let budget = Budget::mib(16);
        let hog = budget.reserve(Duration::from_secs(30));
        hog.charge(12 * MIB).await.unwrap();
        let r = budget.reserve(Duration::from_secs(1));
        r.charge(3 * MIB).await.unwrap();
        let err = r.charge(2 * MIB).await.unwrap_err();
        assert_eq!(
            err,
            BudgetError::Waited {
                budget_mib: 16,
                held_mib: 3,
                wait_secs: 1
            }
        );
        mentions(
            &err,
            &[
                "16 MiB",
                "memory_budget_mib",
                "GF_PLUGIN_MEMORY_BUDGET_MIB",
                "1 s (setting timeout)",
                "raise memory_budget_mib",
            ],
        );
        assert_eq!(budget.held(), 15 * MIB, "the waiter took nothing");
    }

    #[tokio::test]
    async fn holders_that_would_all_wait_are_refused_at_once_and_free_their_room() {
        let budget = Budget::bytes(100);
        let a = budget.reserve(Duration::from_secs(30));
        let b = budget.reserve(Duration::from_secs(30));
        a.charge(50).await.unwrap();
        b.charge(50).await.unwrap();
        let a_waits = {
            let a = a.clone();
            tokio::spawn(async move { a.charge(30).await })
        };
        until(|| budget.stuck.load(Ordering::SeqCst) == 1).await;
        let started = std::time::Instant::now();
        let err = b.charge(30).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "no wait for the timeout"
        );
        assert_eq!(
            err,
            BudgetError::Crowded {
                budget_mib: 1,
                held_mib: 1
            }
        );
        assert!(err.to_string().contains("memory_budget_mib"), "{err}");
        drop(b);
        a_waits.await.unwrap().unwrap();
        assert_eq!(a.held(), 80);
        assert_eq!(budget.holders.load(Ordering::SeqCst), 1);
        drop(a);
        assert_eq!(budget.holders.load(Ordering::SeqCst), 0);
        assert_eq!(budget.stuck.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_holder_left_waiting_behind_a_newcomer_is_refused_once_the_others_finish() {
        let budget = Budget::bytes(100);
        let a = budget.reserve(Duration::from_secs(30));
        let b = budget.reserve(Duration::from_secs(30));
        a.charge(60).await.unwrap();
        b.charge(30).await.unwrap();
        // A newcomer asks for more than is free and queues first.
        let c = budget.reserve(Duration::from_secs(30));
        let c_waits = {
            let c = c.clone();
            tokio::spawn(async move { c.charge(50).await })
        };
        until(|| budget.bytes.available_permits() == 10 && !c_waits.is_finished()).await;
        // a waits behind it while b still makes progress: not refused on entry.
        let a_waits = {
            let a = a.clone();
            tokio::spawn(async move { a.charge(20).await })
        };
        until(|| budget.stuck.load(Ordering::SeqCst) == 1).await;
        // b finishes; its 30 bytes are not enough for c, and a, queued behind c, would wait
        // for its own bytes until the timeout.
        let started = std::time::Instant::now();
        drop(b);
        let err = a_waits.await.unwrap().unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "refused after {:?}, not at its 30 s timeout",
            started.elapsed()
        );
        assert!(matches!(err, BudgetError::Crowded { .. }), "{err}");
        drop(a);
        c_waits.await.unwrap().unwrap();
        assert_eq!(c.held(), 50);
    }

    /// A query run under `budget` that charges `n` bytes and holds them until finished.
    struct Holding {
        go: Arc<Notify>,
        task: tokio::task::JoinHandle<Result<((), Arc<Reservation>), BudgetError>>,
    }

    impl Holding {
        fn start(budget: &Budget, n: u64) -> Holding {
            let (budget, go) = (budget.clone(), Arc::new(Notify::new()));
            let held = go.clone();
            let task = tokio::spawn(async move {
                budget
                    .run(Duration::from_secs(30), move || {
                        let held = held.clone();
                        async move {
                            charge(n).await?;
                            held.notified().await;
                            Ok(())
                        }
                    })
                    .await
            });
            Holding { go, task }
        }

        /// Lets the query end and returns its bytes.
        async fn finish(self) {
            self.go.notify_one();
            drop(self.task.await.unwrap().unwrap());
        }
    }

    /// Gives spawned tasks time to reach where they wait.
    async fn settle() {
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_new_query_waits_to_start_while_the_running_ones_fill_the_budget_at_their_usual_size()
    {
        let budget = Budget::bytes(100);
        let ((), first) = budget
            .run(Duration::from_secs(1), || async { charge(40).await })
            .await
            .unwrap();
        drop(first);
        let a = Holding::start(&budget, 40);
        until(|| budget.held() == 40).await;
        // 40 held and 40 more expected fit beside another 40: admitted.
        let b = Holding::start(&budget, 40);
        until(|| budget.held() == 80).await;
        // A third would make 120: it waits to start, taking nothing.
        let c = Holding::start(&budget, 10);
        settle().await;
        assert_eq!(budget.held(), 80, "the third took nothing before its turn");
        assert_eq!(budget.running.load(Ordering::SeqCst), 2);
        a.finish().await;
        until(|| budget.held() == 50).await;
        b.finish().await;
        c.finish().await;
        assert_eq!(budget.held(), 0);
        assert_eq!(budget.running.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn before_any_query_finished_a_new_one_waits_while_half_the_budget_is_held() {
        let budget = Budget::bytes(100);
        let a = Holding::start(&budget, 60);
        until(|| budget.held() == 60).await;
        let b = Holding::start(&budget, 10);
        settle().await;
        assert_eq!(
            budget.held(),
            60,
            "more than half is held: the second waits"
        );
        a.finish().await;
        until(|| budget.held() == 10).await;
        b.finish().await;
    }

    #[tokio::test]
    async fn a_query_that_cannot_start_before_its_deadline_is_refused_naming_the_budget() {
        let budget = Budget::mib(16);
        let hog = Holding::start(&budget, 12 * MIB);
        until(|| budget.held() == 12 * MIB).await;
        let started = std::time::Instant::now();
        let err = budget
            .run(Duration::from_secs(1), || async { charge(1).await })
            .await
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_secs(1));
        let want = BudgetError::Queued {
            budget_mib: 16,
            wait_secs: 1,
        };
        assert_eq!(err, want);
        let named = ["16 MiB", "memory_budget_mib", "GF_PLUGIN_MEMORY_BUDGET_MIB"];
        mentions(&err, &named);
        mentions(
            &err,
            &[
                "could not start within 1 s (setting timeout)",
                "narrow the query",
            ],
        );
        hog.finish().await;
        assert_eq!(budget.running.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_query_stopped_to_let_another_finish_runs_again_and_is_answered() {
        let budget = Budget::bytes(100);
        let both_hold = Arc::new(tokio::sync::Barrier::new(2));
        let attempts = Arc::new(AtomicUsize::new(0));
        let query = || {
            let (budget, both_hold, attempts) =
                (budget.clone(), both_hold.clone(), attempts.clone());
            tokio::spawn(async move {
                budget
                    .run(Duration::from_secs(30), move || {
                        let (both_hold, attempts) = (both_hold.clone(), attempts.clone());
                        async move {
                            let first = attempts.fetch_add(1, Ordering::SeqCst) < 2;
                            charge(50).await?;
                            if first {
                                both_hold.wait().await;
                            }
                            charge(30).await
                        }
                    })
                    .await
                    .map(|(_, r)| r.held())
            })
        };
        let (a, b) = (query(), query());
        let started = std::time::Instant::now();
        assert_eq!(a.await.unwrap(), Ok(80));
        assert_eq!(b.await.unwrap(), Ok(80));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no wait for a timeout"
        );
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            3,
            "one of the two ran twice"
        );
        assert_eq!(budget.held(), 0);
        assert_eq!(budget.running.load(Ordering::SeqCst), 0);
        assert_eq!(budget.holders.load(Ordering::SeqCst), 0);
    }

    /// A body of one data frame.
    struct One(Option<bytes::Bytes>);

    impl http_body::Body for One {
        type Data = bytes::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
            std::task::Poll::Ready(self.0.take().map(|d| Ok(http_body::Frame::data(d))))
        }
    }

    #[tokio::test]
    async fn a_reply_keeps_its_bytes_in_the_budget_until_it_is_sent_piece_by_piece() {
        use http_body::Body as _;
        let budget = Budget::bytes(1000);
        let r = budget.reserve(Duration::from_secs(1));
        r.charge(600).await.unwrap();
        let mut body = HeldBody {
            body: One(Some(bytes::Bytes::from(vec![7u8; 3 * PIECE + 5]))),
            rest: bytes::Bytes::new(),
            held: Some(Held(vec![r])),
        };
        let mut pieces = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            assert_eq!(budget.held(), 600, "held while the reply is being sent");
            pieces.push(frame.unwrap().into_data().unwrap().len());
        }
        assert_eq!(pieces, vec![PIECE, PIECE, PIECE, 5]);
        assert_eq!(budget.held(), 0, "returned once the reply is sent");
    }

    /// Fails unless the error's words hold every part.
    fn mentions(err: &BudgetError, parts: &[&str]) {
        let text = err.to_string();
        for part in parts {
            assert!(text.contains(part), "{part} missing: {text}");
        }
    }

    /// Yields until `cond` holds (the spawned task reached its wait).
    async fn until(cond: impl Fn() -> bool) {
        for _ in 0..10_000 {
            if cond() {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("condition not reached");
    }

    #[tokio::test]
    async fn a_waiting_charge_proceeds_when_room_comes_free() {
        let budget = Budget::bytes(100);
        let hog = budget.reserve(Duration::from_secs(30));
        hog.charge(80).await.unwrap();
        let r = budget.reserve(Duration::from_secs(30));
        let waiter = {
            let r = r.clone();
            tokio::spawn(async move { r.charge(50).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(hog);
        waiter.await.unwrap().unwrap();
        assert_eq!(r.held(), 50);
    }

    #[tokio::test]
    async fn charge_adds_to_the_scoped_reservation_only() {
        let budget = Budget::bytes(100);
        charge(40).await.unwrap();
        assert_eq!(budget.held(), 0);
        let r = budget.reserve(Duration::from_secs(1));
        scope(r.clone(), async { charge(40).await.unwrap() }).await;
        assert_eq!(r.held(), 40);
        assert_eq!(budget.held(), 40);
    }
}
