//! The bridge from routed messages to the store's writer thread.

use std::path::Path;
use std::sync::Arc;

use picture::{Encoding, Message, Picture};
use store::{HistoryRead, HistoryWrite};

use crate::codec;
use crate::metrics::{Metrics, Sample};
use crate::sink::{Routed, Sink};

/// The store's writer, fed without blocking from the router: the sink of
/// what the routing core decided to keep.
pub(crate) struct Persist {
    writer: store::Writer,
    metrics: Arc<Metrics>,
}

/// How far back the chat a restart shows the web COP goes.
const RESTORED_CHAT_MS: i64 = 24 * 3600 * 1000;

/// What a restart gives back to the web COP: every item the picture
/// restored, and the recent chat, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Restart {
    /// Last known items, not stale.
    pub(crate) items: Vec<Restored>,
    /// The last chat lines of the past day, at most the hub's bound.
    pub(crate) chat: Vec<Restored>,
}

/// One stored event as the web COP takes it back.
#[derive(Debug)]
pub(crate) struct Restored {
    pub(crate) msg: Arc<Message>,
    /// The groups it was shared with.
    pub(crate) groups: Arc<Vec<String>>,
    /// It was a client's own SA (that client is not connected now).
    pub(crate) client_sa: bool,
}

fn parse(r: &store::Record) -> Option<Arc<Message>> {
    match cot::xml::parse_event(r.xml.as_bytes()) {
        Ok(e) => Some(Arc::new(Message::new(e))),
        Err(e) => {
            tracing::warn!(uid = %r.uid, error = %e, "stored event does not parse; skipped");
            None
        }
    }
}

impl Persist {
    /// Opens the store and loads the last known items into `picture`, so a
    /// restart does not forget the picture; returns them, with the recent
    /// chat, for the web COP.
    pub(crate) fn open(
        config: &store::Config,
        picture: &mut Picture,
        metrics: Arc<Metrics>,
    ) -> Result<(Persist, Restart), store::StoreError> {
        let mut db = store::SqliteHistory::open(config)?;
        let now = crate::router::now();
        let mut restart = Restart::default();
        let mut by_groups: std::collections::BTreeMap<Vec<String>, Vec<picture::Restored>> =
            Default::default();
        for r in db.last_known(now)? {
            let Some(msg) = parse(&r) else { continue };
            by_groups
                .entry(r.groups.clone())
                .or_default()
                .push(picture::Restored {
                    msg: msg.clone(),
                    owner: r.sender_uid.as_deref().map(Arc::from),
                });
            restart.items.push(Restored {
                msg,
                groups: Arc::new(r.groups),
                client_sa: r.client_sa,
            });
        }
        for (groups, items) in by_groups {
            let names: Vec<&str> = groups.iter().map(String::as_str).collect();
            let g = picture.groups_both(&names);
            tracing::info!(count = items.len(), groups = %groups.join(","), "restored the last known items from the store");
            picture.restore(&g, items, now);
        }
        let since = cot::Time::from_millis(now.millis().saturating_sub(RESTORED_CHAT_MS));
        let max_chat = cop::hub::HubLimits::default().max_chat;
        for r in db.recent_of_kind("b-t-f", since, max_chat)? {
            if let Some(msg) = parse(&r) {
                restart.chat.push(Restored {
                    msg,
                    groups: Arc::new(r.groups),
                    client_sa: false,
                });
            }
        }
        if !restart.chat.is_empty() {
            tracing::info!(
                count = restart.chat.len(),
                "restored the recent chat from the store"
            );
        }
        let pruned = db.prune(now)?;
        if pruned > 0 {
            tracing::info!(pruned, "pruned history past retention");
        }
        let persist = Persist {
            writer: store::Writer::spawn(db, config, Arc::new(crate::clock::WallClock)),
            metrics,
        };
        Ok((persist, restart))
    }
}

impl Sink for Persist {
    /// Queues what the router decided to keep (a full queue drops it and
    /// counts `store_dropped`). `groups` are the sender's "IN" groups,
    /// empty for an anonymous sender.
    fn offer(&mut self, note: &Routed<'_>) {
        let Routed::Keep {
            msg,
            client_sa,
            last_known,
            forgets,
            groups,
            sender_uid,
        } = note
        else {
            return;
        };
        let e = &msg.event;
        let xml = msg.encoded(Encoding::Xml, |e| codec::encode(e, Encoding::Xml));
        let record = store::Record {
            uid: e.uid.clone(),
            kind: e.kind.clone(),
            how: e.how.clone(),
            time_ms: e.time.millis(),
            start_ms: e.start.millis(),
            stale_ms: e.stale.millis(),
            lat: e.point.lat,
            lon: e.point.lon,
            hae: e.point.hae,
            ce: e.point.ce,
            le: e.point.le,
            callsign: e.detail.callsign(),
            sender_uid: sender_uid.map(str::to_string),
            groups: groups.to_vec(),
            client_sa: *client_sa,
            last_known: *last_known,
            forgets: forgets.to_vec(),
            xml: String::from_utf8_lossy(&xml).into_owned(),
            server_time_ms: crate::router::now().millis(),
        };
        if self.writer.try_send(record).is_err() {
            Metrics::add(&self.metrics.store_dropped, 1);
        }
    }

    fn samples(&self) -> Vec<Sample> {
        let s = self.writer.stats();
        vec![
            Sample::counter(
                "store_written_total",
                "Records written to the store.",
                s.written,
            ),
            Sample::counter(
                "store_batches_total",
                "Batches written to the store.",
                s.batches,
            ),
            Sample::counter(
                "store_errors_total",
                "Store write errors (disk full, locked, ...).",
                s.errors,
            ),
            Sample::counter(
                "store_dropped_error_total",
                "Records dropped after repeated store errors.",
                s.dropped_error,
            ),
            Sample::gauge(
                "store_queued",
                "Records waiting for the store's writer.",
                s.queued as f64,
            ),
        ]
    }

    /// Flushes and stops the writer thread.
    fn close(self: Box<Self>) {
        self.writer.shutdown();
    }
}

/// The store, opened: the router's sink, and read-only handles for the
/// contacts directory and the web COP's replay.
pub(crate) struct Stored {
    pub(crate) persist: Persist,
    /// What the restart restored, for the web COP.
    pub(crate) restart: Restart,
    pub(crate) directory: Arc<dyn HistoryRead>,
    pub(crate) web: Option<Arc<dyn HistoryRead>>,
}

/// Opens the store of `[store]` (creating its folder), restores the last
/// known SA into `picture` and starts the writer thread; `None` without a
/// data folder. `web` asks for a read-only handle for the web COP.
pub(crate) fn start(
    cfg: &crate::config::StoreConfig,
    web: bool,
    picture: &mut Picture,
    metrics: Arc<Metrics>,
) -> Result<Option<Stored>, crate::ServerError> {
    let Some(dir) = &cfg.data_dir else {
        return Ok(None);
    };
    std::fs::create_dir_all(dir).map_err(|error| crate::ServerError::DataDir {
        path: dir.clone(),
        error,
    })?;
    let store_cfg = store::Config {
        path: dir.join("watchfloor.sqlite"),
        retention_ms: i64::try_from(cfg.retention.as_millis()).unwrap_or(i64::MAX),
        ..store::Config::default()
    };
    let (persist, restart) =
        Persist::open(&store_cfg, picture, metrics).map_err(|e| open_error(&store_cfg.path, e))?;
    let reader = || -> Result<Arc<dyn HistoryRead>, store::StoreError> {
        Ok(Arc::new(store::SqliteHistory::open_read_only(&store_cfg)?))
    };
    let web = if web { Some(reader()?) } else { None };
    Ok(Some(Stored {
        persist,
        restart,
        directory: reader()?,
        web,
    }))
}

/// An OS error in words, without the "(os error N)" tail where the words
/// say it all.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        _ => e.to_string(),
    }
}

/// Turns a failure to open or write the database at `path` into one that
/// says why. SQLite reports every such case as "unable to open the database
/// file"; the file system knows which it is, so it is asked.
fn open_error(path: &Path, e: store::StoreError) -> crate::ServerError {
    let sqlite_said = match &e {
        store::StoreError::Open { source, .. } | store::StoreError::ReadOnly(source) => {
            source.to_string()
        }
        _ => return crate::ServerError::Store(e),
    };
    let reason = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Some("it is a folder, not a database file".to_string()),
        Ok(_) => std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .err()
            .map(|e| io_reason(&e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Creating it is what SQLite tried; the probe file is removed at
            // once when the folder does allow it.
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => {
                    let _ = std::fs::remove_file(path);
                    None
                }
                Err(e) => Some(format!("cannot create it: {}", io_reason(&e))),
            }
        }
        Err(e) => Some(io_reason(&e)),
    };
    crate::ServerError::StoreOpen {
        path: path.to_path_buf(),
        reason: reason.unwrap_or(sqlite_said),
    }
}
