//! [`Writer`]: a [`HistoryWrite`] on its own thread behind a bounded queue.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cot::Clock;

use crate::{Config, HistoryWrite, Record, StoreError};

/// How often the writer drops history older than the retention.
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Waits before each retry of a failed batch; after the last one the batch is
/// dropped and counted.
const RETRY_BACKOFF: [Duration; 3] = [
    Duration::from_millis(50),
    Duration::from_millis(200),
    Duration::from_millis(800),
];

/// A snapshot of the writer's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Records accepted and not yet written (or dropped).
    pub queued: u64,
    /// Records written to the store.
    pub written: u64,
    /// Transactions committed.
    pub batches: u64,
    /// Records refused because the queue was full (or the writer stopped).
    pub dropped_full: u64,
    /// Records lost because their batch still failed after every retry.
    pub dropped_error: u64,
    /// Failed store operations, retries and prunes included.
    pub errors: u64,
    /// History rows deleted by retention.
    pub pruned: u64,
    /// The latest error's message with its causes; empty if none yet.
    pub last_error: String,
}

#[derive(Debug, Default)]
struct Counters {
    queued: AtomicU64,
    written: AtomicU64,
    batches: AtomicU64,
    dropped_full: AtomicU64,
    dropped_error: AtomicU64,
    errors: AtomicU64,
    pruned: AtomicU64,
    last_error: Mutex<String>,
}

impl Counters {
    fn record_error(&self, e: &StoreError) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let text = error_chain(e);
        let mut last = self.last_error.lock().unwrap_or_else(|p| p.into_inner());
        *last = text;
    }
}

enum Msg {
    // Boxed: the queue preallocates every slot, and 100 000 slots of a full
    // Record would be ~25 MB before anything is sent.
    Record(Box<Record>),
    /// Reply once everything queued before this is written or dropped.
    Flush(SyncSender<()>),
}

/// Runs a [`HistoryWrite`] on its own thread.
///
/// Records are queued without blocking ([`Writer::try_send`]), written in
/// batches of up to `batch_max` or every `flush_interval_ms`, and history is
/// pruned when the thread starts and every minute after, against the time
/// `clock` gives (batching and the prune period are timed with
/// [`Instant`], which says nothing about the date). A failed batch is retried three times with backoff
/// (50, 200, 800 ms), then dropped and counted; the thread keeps running.
///
/// Dropping the `Writer` closes the queue and waits until everything already
/// queued is written.
#[derive(Debug)]
pub struct Writer {
    tx: Option<SyncSender<Msg>>,
    counters: Arc<Counters>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread for `store`, batching as `config` says and
    /// pruning what is older than the retention at `clock`'s now.
    pub fn spawn(
        store: impl HistoryWrite + 'static,
        config: &Config,
        clock: Arc<dyn Clock>,
    ) -> Writer {
        // A zero-capacity sync channel would be a rendezvous and block-free
        // sends would always fail, so keep at least one slot.
        let (tx, rx) = mpsc::sync_channel(config.queue_capacity.max(1));
        let counters = Arc::new(Counters::default());
        let worker = Worker {
            store: Box::new(store),
            clock,
            rx,
            counters: Arc::clone(&counters),
            batch_max: config.batch_max.max(1),
            interval: Duration::from_millis(config.flush_interval_ms),
            batch: Vec::new(),
            flush_waiters: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || worker.run());
        let thread = match thread {
            Ok(handle) => Some(handle),
            Err(e) => {
                // The queue's receiver died with the closure, so every send
                // will fail and be counted; the server stays up.
                tracing::warn!(error = %e, "cannot start the store writer thread");
                None
            }
        };
        Writer {
            tx: Some(tx),
            counters,
            thread,
        }
    }

    /// Queues `r` without blocking. A full queue or a stopped writer hands
    /// the record back and counts it in `dropped_full`.
    #[allow(
        clippy::result_large_err,
        reason = "handing the record back lets the caller keep or log it"
    )]
    pub fn try_send(&self, r: Record) -> Result<(), Record> {
        let Some(tx) = &self.tx else {
            return Err(r);
        };
        // Count before sending so the worker never decrements below zero.
        self.counters.queued.fetch_add(1, Ordering::Relaxed);
        match tx.try_send(Msg::Record(Box::new(r))) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(msg) | TrySendError::Disconnected(msg)) => {
                self.counters.queued.fetch_sub(1, Ordering::Relaxed);
                self.counters.dropped_full.fetch_add(1, Ordering::Relaxed);
                match msg {
                    Msg::Record(r) => Err(*r),
                    // Unreachable in practice: we sent a record.
                    Msg::Flush(_) => Err(Record::default()),
                }
            }
        }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> WriterStats {
        let c = &self.counters;
        WriterStats {
            queued: c.queued.load(Ordering::Relaxed),
            written: c.written.load(Ordering::Relaxed),
            batches: c.batches.load(Ordering::Relaxed),
            dropped_full: c.dropped_full.load(Ordering::Relaxed),
            dropped_error: c.dropped_error.load(Ordering::Relaxed),
            errors: c.errors.load(Ordering::Relaxed),
            pruned: c.pruned.load(Ordering::Relaxed),
            last_error: c
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }

    /// Blocks until every record queued before this call is written (or
    /// dropped after its retries). Waits behind a full queue if need be.
    ///
    /// # Errors
    /// [`StoreError::WriterStopped`] if the writer thread is gone.
    pub fn flush(&self) -> Result<(), StoreError> {
        let tx = self.tx.as_ref().ok_or(StoreError::WriterStopped)?;
        let (done_tx, done_rx) = mpsc::sync_channel(1);
        tx.send(Msg::Flush(done_tx))
            .map_err(|_| StoreError::WriterStopped)?;
        done_rx.recv().map_err(|_| StoreError::WriterStopped)
    }

    /// Writes everything queued and stops the thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        // Closing the queue is the stop signal: the worker drains what is
        // left, writes it and returns.
        self.tx = None;
        if let Some(handle) = self.thread.take() {
            if handle.join().is_err() {
                tracing::warn!("store writer thread panicked");
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Worker {
    store: Box<dyn HistoryWrite>,
    clock: Arc<dyn Clock>,
    rx: Receiver<Msg>,
    counters: Arc<Counters>,
    batch_max: usize,
    interval: Duration,
    batch: Vec<Record>,
    flush_waiters: Vec<SyncSender<()>>,
}

impl Worker {
    fn run(mut self) {
        let mut next_prune = Instant::now();
        let mut batch_deadline: Option<Instant> = None;
        loop {
            let now = Instant::now();
            if now >= next_prune {
                self.prune();
                next_prune = now + PRUNE_EVERY;
            }
            let wake = batch_deadline.map_or(next_prune, |d| d.min(next_prune));
            match self.rx.recv_timeout(wake.saturating_duration_since(now)) {
                Ok(Msg::Record(r)) => {
                    self.counters.queued.fetch_sub(1, Ordering::Relaxed);
                    self.batch.push(*r);
                    if batch_deadline.is_none() {
                        batch_deadline = Some(Instant::now() + self.interval);
                    }
                    if self.batch.len() >= self.batch_max {
                        self.write();
                        batch_deadline = None;
                    }
                }
                Ok(Msg::Flush(done)) => {
                    self.flush_waiters.push(done);
                    self.write();
                    batch_deadline = None;
                }
                Err(RecvTimeoutError::Timeout) => {
                    if batch_deadline.is_some_and(|d| Instant::now() >= d) {
                        self.write();
                        batch_deadline = None;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.write();
                    return;
                }
            }
        }
    }

    /// Writes the pending batch with retries, then releases flush waiters.
    fn write(&mut self) {
        if !self.batch.is_empty() {
            let mut attempt = 0;
            loop {
                match self.store.write_batch(&self.batch) {
                    Ok(()) => {
                        let n = self.batch.len() as u64;
                        self.counters.written.fetch_add(n, Ordering::Relaxed);
                        self.counters.batches.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    Err(e) => {
                        self.counters.record_error(&e);
                        let Some(wait) = RETRY_BACKOFF.get(attempt) else {
                            let n = self.batch.len() as u64;
                            self.counters.dropped_error.fetch_add(n, Ordering::Relaxed);
                            tracing::warn!(error = %error_chain(&e), records = n, "store batch dropped after retries");
                            break;
                        };
                        tracing::warn!(error = %error_chain(&e), attempt = attempt + 1, "store batch failed, retrying");
                        std::thread::sleep(*wait);
                        attempt += 1;
                    }
                }
            }
            self.batch.clear();
        }
        for done in self.flush_waiters.drain(..) {
            // The waiter may have given up; nothing to do then.
            let _ = done.try_send(());
        }
    }

    fn prune(&mut self) {
        match self.store.prune(self.clock.now()) {
            Ok(0) => {}
            Ok(n) => {
                self.counters.pruned.fetch_add(n as u64, Ordering::Relaxed);
                tracing::debug!(rows = n, "store history pruned");
            }
            Err(e) => {
                self.counters.record_error(&e);
                tracing::warn!(error = %error_chain(&e), "store prune failed");
            }
        }
    }
}

/// The error and its sources on one line, so "locked" or "full" from SQLite
/// is visible in logs and stats.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
