//! The router task: owns the [`Picture`], feeds it what the connections
//! decode, pushes its deliveries into client outboxes and hands every
//! accepted event to the [`Sink`]s (store, directory, web COP, ...).
//!
//! It never awaits anything but its own inbox and timer, so a slow client,
//! a slow disk or a slow browser can never hold it up.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use picture::{ClientId, Encoding, Identity, Message, Output, Picture};
use tokio::sync::{mpsc, oneshot};

use crate::codec;
use crate::metrics::{Metrics, Sample};
use crate::negotiate;
use crate::outbox::{OutItem, Outbox, Pushed};
use crate::sink::{ClientSeen, Routed, Sink, Source};

/// What connections and listeners tell the router.
#[derive(Debug)]
pub(crate) enum RouterMsg {
    /// A streaming client connected.
    Connect {
        id: ClientId,
        identity: Arc<Identity>,
        outbox: Arc<Outbox>,
        offer_proto: bool,
        /// Known by its certificate: fed from the start, SA or not.
        listener: bool,
    },
    /// A client sent an event.
    Event { id: ClientId, msg: Arc<Message> },
    /// An event from a source that is not a streaming client (a UDP
    /// listener, the tracker, a web user), sent as `identity`.
    Inject {
        source: Source,
        identity: Arc<Identity>,
        msg: Arc<Message>,
    },
    /// A streaming client is gone.
    Disconnect { id: ClientId },
    /// Asks for the router's gauges (for `/metrics`).
    Stats(oneshot::Sender<Vec<Sample>>),
}

pub(crate) use crate::clock::now;

struct Client {
    outbox: Arc<Outbox>,
    identity: Arc<Identity>,
    source: Source,
    offer_proto: bool,
    /// The uid it identified with.
    uid: Option<String>,
    /// Its callsign, else its uid, for people (the web COP's sender).
    name: Option<Arc<str>>,
}

pub(crate) struct Router {
    picture: Picture,
    clients: HashMap<ClientId, Client>,
    metrics: Arc<Metrics>,
    sinks: Vec<Box<dyn Sink>>,
    offers: u64,
}

impl Router {
    /// A router over `picture` that hands what it accepts to `sinks`.
    pub(crate) fn new(picture: Picture, metrics: Arc<Metrics>, sinks: Vec<Box<dyn Sink>>) -> Self {
        Router {
            picture,
            clients: HashMap::new(),
            metrics,
            sinks,
            offers: 0,
        }
    }

    /// Runs until every sender of the inbox is gone, then closes the sinks.
    pub(crate) async fn run(mut self, mut inbox: mpsc::Receiver<RouterMsg>) {
        loop {
            let wait = self.picture.poll_timeout().map(|t| {
                let us = t.micros().saturating_sub(now().micros()).max(0);
                Duration::from_micros(u64::try_from(us).unwrap_or(0))
            });
            tokio::select! {
                m = inbox.recv() => match m {
                    Some(m) => self.handle(m),
                    None => break,
                },
                () = tokio::time::sleep(wait.unwrap_or(Duration::from_secs(3600))), if wait.is_some() => {
                    self.picture.handle_timeout(now());
                    self.drain(None, None);
                }
            }
        }
        let sinks = std::mem::take(&mut self.sinks);
        // Closing may join a writer thread; keep it off the async workers.
        let _ = tokio::task::spawn_blocking(move || {
            for s in sinks {
                s.close();
            }
        })
        .await;
    }

    fn handle(&mut self, m: RouterMsg) {
        let now = now();
        match m {
            RouterMsg::Connect {
                id,
                identity,
                outbox,
                offer_proto,
                listener,
            } => {
                let send: Vec<&str> = identity.send().iter().map(String::as_str).collect();
                let recv: Vec<&str> = identity
                    .recv()
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str)
                    .collect();
                let g = self.picture.groups(&send, &recv);
                self.clients.insert(
                    id,
                    Client {
                        outbox,
                        identity,
                        source: Source::Client(id),
                        offer_proto,
                        uid: None,
                        name: None,
                    },
                );
                // After the insert: a listener's replay is drained into
                // the outbox just registered.
                if listener {
                    self.picture.connect_listener(id, g, now);
                } else {
                    self.picture.connect(id, g, now);
                }
                self.drain(None, None);
            }
            RouterMsg::Event { id, msg } => {
                self.picture.ingest(id, msg.clone(), now);
                let identity = self.clients.get(&id).map(|c| c.identity.clone());
                self.drain(Some(id), identity.as_ref());
                self.refresh_name(id);
                let Some(c) = self.clients.get(&id) else {
                    return;
                };
                let note = Routed::Accepted {
                    msg: &msg,
                    source: &c.source,
                    identity: &c.identity,
                    client_uid: c.uid.as_deref(),
                    sender: c.name.as_deref(),
                    contact: c.uid.as_deref() == Some(msg.event.uid.as_str()),
                    at_ms: now.millis(),
                };
                tell(&mut self.sinks, &note);
            }
            RouterMsg::Inject {
                source,
                identity,
                msg,
            } => {
                let names: Vec<&str> = identity.send().iter().map(String::as_str).collect();
                let g = self.picture.groups_both(&names);
                self.picture.ingest_feed(&g, msg.clone(), now);
                self.drain(None, Some(&identity));
                let note = Routed::Accepted {
                    msg: &msg,
                    source: &source,
                    identity: &identity,
                    client_uid: None,
                    sender: None,
                    contact: false,
                    at_ms: now.millis(),
                };
                tell(&mut self.sinks, &note);
            }
            RouterMsg::Disconnect { id } => {
                if let Some(c) = self.clients.remove(&id) {
                    c.outbox.close();
                    if let Some(uid) = &c.uid {
                        tell(&mut self.sinks, &Routed::Gone { uid });
                    }
                }
                self.picture.disconnect(id, now);
                self.drain(None, None);
            }
            RouterMsg::Stats(reply) => {
                let _ = reply.send(self.samples());
            }
        }
    }

    /// Hands every pending output of the picture to its destination.
    /// `sender` is who sent what was just ingested, `from` its connection
    /// when a client sent it.
    fn drain(&mut self, from: Option<ClientId>, sender: Option<&Arc<Identity>>) {
        let mut identified = Vec::new();
        while let Some(out) = self.picture.poll() {
            match out {
                Output::Deliver { to, msg } => {
                    for id in to {
                        let Some(c) = self.clients.get(&id) else {
                            continue;
                        };
                        match c.outbox.push(OutItem::Msg(msg.clone())) {
                            Pushed::Coalesced => Metrics::add(&self.metrics.coalesced_slow, 1),
                            Pushed::DroppedOldest => Metrics::add(&self.metrics.dropped_slow, 1),
                            Pushed::Queued | Pushed::Closed => {}
                        }
                    }
                }
                Output::Keep {
                    msg,
                    client_sa,
                    last_known,
                    forgets,
                } => {
                    let groups = sender.map_or(&[][..], |i| i.send());
                    let sender_uid = from
                        .and_then(|id| self.clients.get(&id))
                        .and_then(|c| c.uid.as_deref());
                    let note = Routed::Keep {
                        msg: &msg,
                        client_sa,
                        last_known,
                        forgets: &forgets,
                        groups,
                        sender_uid,
                    };
                    tell(&mut self.sinks, &note);
                }
                Output::Identified { id, uid, callsign } => {
                    tracing::info!(client = %id, %uid, callsign = callsign.as_deref().unwrap_or(""), "client identified");
                    self.note_identified(id, &uid, callsign);
                    identified.push(id);
                }
            }
        }
        // The offer goes after the replay of the picture, as TAK Server does.
        for id in identified {
            if let Some(c) = self.clients.get(&id).filter(|c| c.offer_proto) {
                self.offers += 1;
                let offer = negotiate::offer(&format!("watchfloor-takp-{}", self.offers), now());
                c.outbox
                    .push(OutItem::Raw(codec::encode(&offer, Encoding::Xml)));
            }
        }
    }

    /// Keeps a client's name for people in step with the callsign its SA
    /// gives (it may change with any SA), without allocating per event.
    fn refresh_name(&mut self, id: ClientId) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        let callsign = self.picture.client(id).and_then(|i| i.callsign.as_deref());
        let want = callsign.or(c.uid.as_deref());
        if c.name.as_deref() != want {
            c.name = want.map(Arc::<str>::from);
        }
    }

    /// Tells the sinks who an identified client is.
    fn note_identified(&mut self, id: ClientId, uid: &str, callsign: Option<String>) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        c.uid = Some(uid.to_string());
        let info = self.picture.client(id);
        let seen = ClientSeen {
            uid: uid.to_string(),
            callsign: callsign.unwrap_or_else(|| uid.to_string()),
            team: info.and_then(|i| i.team.clone()),
            role: info.and_then(|i| i.role.clone()),
            identity: c.identity.clone(),
        };
        tell(&mut self.sinks, &Routed::Identified(&seen));
    }

    fn samples(&self) -> Vec<Sample> {
        let s = self.picture.stats();
        let mut g = vec![
            Sample::gauge(
                "clients_identified",
                "Clients that identified by their SA.",
                s.identified_clients as f64,
            ),
            Sample::counter(
                "router_events_in_total",
                "Events the routing core took in.",
                s.events_in,
            ),
            Sample::counter(
                "router_brokered_total",
                "Events the routing core brokered.",
                s.brokered,
            ),
            Sample::counter(
                "router_deliveries_total",
                "Deliveries the routing core decided.",
                s.deliveries,
            ),
            Sample::counter("pings_total", "Pings answered.", s.pings),
            Sample::counter(
                "deletes_applied_total",
                "Cached items a delete removed.",
                s.deletes_applied,
            ),
            Sample::gauge(
                "cached_items",
                "Items kept for late joiners.",
                s.cached_items as f64,
            ),
            Sample::gauge(
                "emergencies_active",
                "Active emergencies being repeated.",
                s.emergencies_active as f64,
            ),
        ];
        for sink in &self.sinks {
            g.extend(sink.samples());
        }
        g
    }
}

/// Hands one note to every sink, in order.
fn tell(sinks: &mut [Box<dyn Sink>], note: &Routed<'_>) {
    for s in sinks {
        s.offer(note);
    }
}
