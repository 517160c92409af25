//! The web feed task: takes what the router accepted (through a bounded
//! inbox the router never waits on), keeps the [`Hub`], and every tick
//! hands each browser a delta, or marks it for a fresh snapshot when it
//! has fallen behind.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use picture::{Identity, Message};
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;
use crate::router::{now, RouterMsg};
use crate::sink::{ChannelSink, Routed, Source};
use cop::command::{self, WebUser};
use cop::hub::{Hub, ObjectPart, Viewer};

/// How often deltas go out.
const TICK: Duration = Duration::from_millis(250);
/// How often the web user's SA is repeated while a browser is open.
const PRESENCE_EVERY: Duration = Duration::from_secs(30);
/// Frames queued per browser before it counts as fallen behind.
pub(crate) const SESSION_QUEUE: usize = 8;
/// Events queued for the feed task before new ones are dropped (counted).
const INBOX: usize = 65_536;

/// What the router tells the web picture.
#[derive(Debug)]
pub(crate) enum HubIn {
    /// An event the router took in, with the sender's group names.
    Event {
        msg: Arc<Message>,
        groups: Arc<Vec<String>>,
        sender: Option<Arc<str>>,
        contact: bool,
    },
    /// The client with this SA uid disconnected.
    Gone { uid: String },
    /// A delete removed these items from the picture.
    Forget { uids: Vec<String> },
}

/// The router's side of the feed: a sink that never waits (a full inbox
/// drops and counts on `web_feed_dropped`).
pub(crate) type HubTx = ChannelSink<HubIn>;

/// What the web picture takes of the router's notes: events other than
/// pings, with who sent them, and clients leaving.
fn hub_note(note: &Routed<'_>) -> Option<HubIn> {
    match note {
        Routed::Accepted {
            msg,
            source,
            identity,
            sender,
            contact,
            ..
        } if !msg.event.is_ping() => Some(HubIn::Event {
            msg: Arc::clone(msg),
            groups: Arc::new(identity.send().to_vec()),
            sender: sender.or_else(|| source.label()).map(Arc::<str>::from),
            contact: *contact,
        }),
        Routed::Gone { uid } => Some(HubIn::Gone {
            uid: uid.to_string(),
        }),
        Routed::Keep { forgets, .. } if !forgets.is_empty() => Some(HubIn::Forget {
            uids: forgets.to_vec(),
        }),
        _ => None,
    }
}

/// A frame for one browser.
#[derive(Debug)]
pub(crate) struct BrowserFrame {
    pub(crate) seq: u64,
    pub(crate) text: String,
}

/// One browser as the feed task sees it.
pub(crate) struct SessionHandle {
    pub(crate) viewer: Viewer,
    pub(crate) me: WebUser,
    pub(crate) send_groups: Arc<Vec<String>>,
    tx: mpsc::Sender<BrowserFrame>,
    /// Set when its queue overflowed: it needs a snapshot, not deltas.
    pub(crate) lagged: AtomicBool,
    pub(crate) wake: Notify,
    /// The last chat serial its snapshot held.
    pub(crate) chat_floor: AtomicU64,
}

/// State shared by the feed task, the browsers' tasks and the HTTP API.
pub(crate) struct WebFeed {
    pub(crate) hub: Mutex<Hub>,
    sessions: Mutex<HashMap<u64, Arc<SessionHandle>>>,
    next_id: AtomicU64,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) router: mpsc::Sender<RouterMsg>,
}

impl WebFeed {
    /// A feed over an empty hub; the router's sender and the inbox to run.
    pub(crate) fn new(
        hub: Hub,
        metrics: Arc<Metrics>,
        router: mpsc::Sender<RouterMsg>,
    ) -> (Arc<WebFeed>, HubTx, mpsc::Receiver<HubIn>) {
        let (tx, rx) = mpsc::channel(INBOX);
        let feed = Arc::new(WebFeed {
            hub: Mutex::new(hub),
            sessions: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            metrics: metrics.clone(),
            router,
        });
        let sink = ChannelSink::new(tx, hub_note, metrics, |m| &m.web_feed_dropped);
        (feed, sink, rx)
    }

    /// Registers a browser; it starts out needing a snapshot.
    pub(crate) fn join(
        &self,
        viewer: Viewer,
        me: WebUser,
        send_groups: Arc<Vec<String>>,
    ) -> (u64, Arc<SessionHandle>, mpsc::Receiver<BrowserFrame>) {
        let (tx, rx) = mpsc::channel(SESSION_QUEUE);
        let h = Arc::new(SessionHandle {
            viewer,
            me,
            send_groups,
            tx,
            lagged: AtomicBool::new(true),
            wake: Notify::new(),
            chat_floor: AtomicU64::new(0),
        });
        let id = self.next_id.fetch_add(1, Relaxed);
        self.sessions.lock().insert(id, h.clone());
        Metrics::add(&self.metrics.web_sessions, 1);
        self.announce(&h);
        (id, h, rx)
    }

    /// Browsers connected now.
    pub(crate) fn session_count(&self) -> usize {
        self.sessions.lock().len()
    }

    /// Forgets a browser.
    pub(crate) fn leave(&self, id: u64) {
        if self.sessions.lock().remove(&id).is_some() {
            self.metrics.web_sessions.fetch_sub(1, Relaxed);
        }
    }

    /// The snapshot frame for a browser, taken under the hub's lock so
    /// that it lines up exactly with the deltas numbered after it.
    pub(crate) fn snapshot(&self, h: &SessionHandle) -> BrowserFrame {
        let hub = self.hub.lock();
        let (seq, chat_serial, text) = hub.snapshot(&h.viewer, now().millis());
        h.chat_floor.store(chat_serial, Relaxed);
        h.lagged.store(false, Relaxed);
        drop(hub);
        Metrics::add(&self.metrics.web_snapshots, 1);
        BrowserFrame { seq, text }
    }

    /// Sends CoT made for the web user into the picture, as its groups.
    /// Never waits: a full router inbox refuses it.
    pub(crate) fn inject(
        &self,
        groups: &Arc<Vec<String>>,
        me: &WebUser,
        event: cot::Event,
    ) -> bool {
        let msg = RouterMsg::Inject {
            source: Source::Web(Arc::from(me.callsign.as_str())),
            identity: Arc::new(Identity::both(groups)),
            msg: Arc::new(Message::new(event)),
        };
        self.router.try_send(msg).is_ok()
    }

    /// The web user's SA, so that field users see it as a contact.
    fn announce(&self, h: &SessionHandle) {
        let _ = self.inject(&h.send_groups, &h.me, command::presence(&h.me, now()));
    }

    /// One tick: the delta for every browser that keeps up.
    fn tick(&self) {
        let now_ms = now().millis();
        let batch = {
            let mut hub = self.hub.lock();
            let stats = hub.stats();
            self.metrics.web_objects.store(stats.objects, Relaxed);
            self.metrics
                .web_objects_refused
                .store(stats.refused, Relaxed);
            hub.take_batch(now_ms)
        };
        let Some(batch) = batch else { return };
        let sessions: Vec<Arc<SessionHandle>> = self.sessions.lock().values().cloned().collect();
        let mut parts: HashMap<Option<Vec<String>>, ObjectPart> = HashMap::new();
        for h in sessions {
            if h.lagged.load(Relaxed) {
                continue;
            }
            let part = parts
                .entry(h.viewer.identity.recv().map(<[String]>::to_vec))
                .or_insert_with(|| batch.object_part(&h.viewer));
            let text = batch.frame(&h.viewer, part, h.chat_floor.load(Relaxed));
            match h.tx.try_send(BrowserFrame {
                seq: batch.seq,
                text,
            }) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    h.lagged.store(true, Relaxed);
                    Metrics::add(&self.metrics.web_lagged, 1);
                    h.wake.notify_one();
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
    }

    /// Repeats every open browser user's SA.
    fn presence(&self) {
        let sessions: Vec<Arc<SessionHandle>> = self.sessions.lock().values().cloned().collect();
        let mut done = std::collections::HashSet::new();
        for h in sessions {
            if done.insert(h.me.uid.clone()) {
                self.announce(&h);
            }
        }
    }
}

/// Runs the feed until shutdown; with `sensors`, their status joins the
/// picture each time the sensor task publishes it.
pub(crate) async fn run(
    feed: Arc<WebFeed>,
    mut inbox: mpsc::Receiver<HubIn>,
    sensors: Option<Arc<crate::sensor_status::StatusShared>>,
    stop: CancellationToken,
) {
    let mut board = super::sensors::board(sensors);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut presence = tokio::time::interval(PRESENCE_EVERY);
    presence.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sweep_at = 0u32;
    let mut buf = Vec::with_capacity(1024);
    loop {
        tokio::select! {
            n = inbox.recv_many(&mut buf, 1024) => {
                if n == 0 {
                    break;
                }
                let mut hub = feed.hub.lock();
                for m in buf.drain(..) {
                    match m {
                        HubIn::Event { msg, groups, sender, contact } => {
                            hub.ingest(&msg.event, &groups, sender.as_deref(), contact);
                        }
                        HubIn::Gone { uid } => hub.gone(&uid),
                        HubIn::Forget { uids } => hub.forget(&uids),
                    }
                }
            }
            _ = tick.tick() => {
                sweep_at += 1;
                if sweep_at >= 20 {
                    sweep_at = 0;
                    feed.hub.lock().sweep(now().millis());
                }
                feed.tick();
            }
            _ = presence.tick() => feed.presence(),
            changed = super::sensors::changed(&mut board) => {
                match changed {
                    Some(views) => feed.hub.lock().set_sensors(
                        views,
                        &super::sensors::groups(&board),
                        now().millis(),
                    ),
                    // The sensor task ended: its last word stays shown.
                    None => board = None,
                }
            }
            () = stop.cancelled() => break,
        }
    }
}
