//! The router task: owns the [`Picture`], feeds it what the connections
//! decode, and hands its outputs to client outboxes and the store.
//!
//! It never awaits anything but its own inbox and timer, so a slow client
//! or a slow disk can never hold it up.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use picture::{ClientId, Encoding, Message, Output, Picture};
use tokio::sync::{mpsc, oneshot};

use crate::codec;
use crate::config::ClientGroups;
use crate::marti_ctx::MartiCtx;
use crate::metrics::Metrics;
use crate::negotiate;
use crate::outbox::{OutItem, Outbox, Pushed};
use crate::persist::Persist;
use crate::web::{HubIn, HubTx};

/// What connections and listeners tell the router.
#[derive(Debug)]
pub(crate) enum RouterMsg {
    /// A streaming client connected.
    Connect {
        id: ClientId,
        groups: Arc<ClientGroups>,
        outbox: Arc<Outbox>,
        offer_proto: bool,
    },
    /// A client sent an event.
    Event { id: ClientId, msg: Arc<Message> },
    /// A datagram, sensor or web event arrived for these groups.
    Feed {
        groups: Arc<Vec<String>>,
        msg: Arc<Message>,
        /// Who it is from, for the web COP ("udp", "tracker", a web user).
        source: Option<Arc<str>>,
    },
    /// A streaming client is gone.
    Disconnect { id: ClientId },
    /// Asks for the router's gauges (for `/metrics`).
    Stats(oneshot::Sender<Vec<(&'static str, &'static str, u64)>>),
}

pub(crate) use crate::clock::now;

struct Client {
    outbox: Arc<Outbox>,
    groups: Arc<ClientGroups>,
    /// Its send group names, shared with the web feed.
    send_names: Arc<Vec<String>>,
    offer_proto: bool,
    /// The uid it identified with.
    uid: Option<String>,
}

pub(crate) struct Router {
    /// Who has been seen, for the Marti API's clientEndPoints.
    directory: Option<Arc<MartiCtx>>,
    picture: Picture,
    clients: HashMap<ClientId, Client>,
    metrics: Arc<Metrics>,
    persist: Option<Persist>,
    offers: u64,
    /// The web COP's feed, if it runs.
    web: Option<HubTx>,
}

impl Router {
    pub(crate) fn new(
        picture: Picture,
        metrics: Arc<Metrics>,
        persist: Option<Persist>,
        directory: Option<Arc<MartiCtx>>,
        web: Option<HubTx>,
    ) -> Self {
        Router {
            directory,
            picture,
            clients: HashMap::new(),
            metrics,
            persist,
            offers: 0,
            web,
        }
    }

    /// Runs until every sender of the inbox is gone.
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
                    self.drain(None);
                }
            }
        }
        if let Some(p) = self.persist.take() {
            // Joining the writer thread blocks; keep it off the async workers.
            let _ = tokio::task::spawn_blocking(move || p.shutdown()).await;
        }
    }

    fn handle(&mut self, m: RouterMsg) {
        let now = now();
        match m {
            RouterMsg::Connect {
                id,
                groups,
                outbox,
                offer_proto,
            } => {
                let g = if groups.send.is_empty() && groups.recv.is_empty() {
                    self.picture.groups_both(&[])
                } else {
                    let send: Vec<&str> = groups.send.iter().map(String::as_str).collect();
                    let recv: Vec<&str> = groups.recv.iter().map(String::as_str).collect();
                    self.picture.groups(&send, &recv)
                };
                self.picture.connect(id, g, now);
                self.clients.insert(
                    id,
                    Client {
                        outbox,
                        send_names: Arc::new(groups.send.clone()),
                        groups,
                        offer_proto,
                        uid: None,
                    },
                );
                self.drain(None);
            }
            RouterMsg::Event { id, msg } => {
                if let (Some(d), Some(uid)) = (
                    &self.directory,
                    self.clients.get(&id).and_then(|c| c.uid.as_deref()),
                ) {
                    d.touch(uid, now.millis());
                }
                let for_web = self.web.is_some().then(|| msg.clone());
                self.picture.ingest(id, msg, now);
                let groups = self.clients.get(&id).map(|c| c.groups.clone());
                self.drain(groups.as_ref().map(|g| &g.send));
                if let Some(msg) = for_web {
                    self.to_web(id, msg);
                }
            }
            RouterMsg::Feed {
                groups,
                msg,
                source,
            } => {
                let names: Vec<&str> = groups.iter().map(String::as_str).collect();
                let g = self.picture.groups_both(&names);
                let for_web = self.web.is_some().then(|| msg.clone());
                self.picture.ingest_feed(&g, msg, now);
                self.drain(Some(&groups));
                if let (Some(web), Some(msg)) = (&self.web, for_web) {
                    if !msg.event.is_ping() {
                        web.send(HubIn::Event {
                            msg,
                            groups,
                            sender: source,
                            contact: false,
                        });
                    }
                }
            }
            RouterMsg::Disconnect { id } => {
                if let Some(c) = self.clients.remove(&id) {
                    c.outbox.close();
                    if let (Some(d), Some(uid)) = (&self.directory, &c.uid) {
                        d.gone(uid);
                    }
                    if let (Some(web), Some(uid)) = (&self.web, &c.uid) {
                        web.send(HubIn::Gone { uid: uid.clone() });
                    }
                }
                self.picture.disconnect(id, now);
                self.drain(None);
            }
            RouterMsg::Stats(reply) => {
                let _ = reply.send(self.gauges());
            }
        }
    }

    /// Hands every pending output of the picture to its destination.
    /// `groups` are the group names of the sender of what was just ingested.
    fn drain(&mut self, groups: Option<&Vec<String>>) {
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
                Output::Store { msg, client_sa } => {
                    if let Some(p) = &self.persist {
                        let names = groups.map(Vec::as_slice).unwrap_or_default();
                        if !p.record(&msg, client_sa, names) {
                            Metrics::add(&self.metrics.store_dropped, 1);
                        }
                    }
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

    /// Shows a client's event to the web COP, with who sent it.
    fn to_web(&self, id: ClientId, msg: Arc<Message>) {
        let (Some(web), Some(c)) = (&self.web, self.clients.get(&id)) else {
            return;
        };
        if msg.event.is_ping() {
            return;
        }
        let contact = c.uid.as_deref() == Some(msg.event.uid.as_str());
        let sender = self
            .picture
            .client(id)
            .and_then(|i| i.callsign.clone())
            .or_else(|| c.uid.clone())
            .map(Arc::<str>::from);
        web.send(HubIn::Event {
            msg,
            groups: c.send_names.clone(),
            sender,
            contact,
        });
    }

    /// Remembers an identified client for clientEndPoints.
    fn note_identified(&mut self, id: ClientId, uid: &str, callsign: Option<String>) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        c.uid = Some(uid.to_string());
        let Some(d) = &self.directory else { return };
        let info = self.picture.client(id);
        let groups = picture::shared_with(&c.groups.send);
        d.seen(marti::ClientEndpoint {
            callsign: callsign.unwrap_or_else(|| uid.to_string()),
            uid: uid.to_string(),
            username: c.groups.user.clone(),
            team: info.and_then(|i| i.team.clone()),
            role: info.and_then(|i| i.role.clone()),
            last_event_ms: now().millis(),
            connected: true,
            groups,
        });
    }

    fn gauges(&self) -> Vec<(&'static str, &'static str, u64)> {
        let s = self.picture.stats();
        let mut g = vec![
            (
                "clients_identified",
                "Clients that identified by their SA.",
                s.identified_clients,
            ),
            (
                "router_events_in",
                "Events the routing core took in.",
                s.events_in,
            ),
            (
                "router_brokered",
                "Events the routing core brokered.",
                s.brokered,
            ),
            (
                "router_deliveries",
                "Deliveries the routing core decided.",
                s.deliveries,
            ),
            ("pings", "Pings answered.", s.pings),
            (
                "emergencies_active",
                "Active emergencies being repeated.",
                s.emergencies_active,
            ),
        ];
        if let Some(p) = &self.persist {
            g.extend(p.gauges());
        }
        g
    }
}
