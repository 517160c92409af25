//! What the router hands on, and to whom: every consumer of routed events
//! (the store, the contacts directory, the web COP, and next the ops engine,
//! flow counting and the bus to other nodes) is a [`Sink`] in one list.
//!
//! The contract, which every sink keeps and the router relies on:
//! - a sink never waits: it takes what it needs into its own bounded queue
//!   (`try_send`) or does a few microseconds of work, and when it cannot
//!   keep up it drops and counts on its own counter, as the web feed does;
//! - it sees [`Routed`] notes in the order the router made them, for every
//!   event the router accepted, with the event's typed [`Source`], so a bus
//!   sink can skip what came from another node and never echo it back;
//! - it is closed once, off the async workers, when the router ends
//!   ([`Sink::close`]), so a store can flush.
//!
//! Adding a consumer is adding a sink to the list the server builds at
//! start; the router does not change.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use picture::{ClientId, Identity, Message};
use tokio::sync::mpsc;

use crate::metrics::Metrics;

/// Where an accepted event came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A TAK client on a stream (TCP or mutual TLS).
    Client(ClientId),
    /// A UDP listener.
    Udp,
    /// The sensor tracker.
    Tracker,
    /// A web COP user, by callsign.
    Web(Arc<str>),
}

impl Source {
    /// How the web COP labels the sender when no callsign is known.
    pub(crate) fn label(&self) -> Option<&str> {
        match self {
            Source::Client(_) => None,
            Source::Udp => Some("udp"),
            Source::Tracker => Some("tracker"),
            Source::Web(callsign) => Some(callsign),
        }
    }
}

/// A streaming client as the sinks know it once it has identified.
#[derive(Debug, Clone)]
pub(crate) struct ClientSeen {
    /// Its SA uid.
    pub(crate) uid: String,
    /// Its callsign, else its uid.
    pub(crate) callsign: String,
    /// Its team (GeoChat room colour), if it sent one.
    pub(crate) team: Option<String>,
    /// Its role, if it sent one.
    pub(crate) role: Option<String>,
    /// Who it is and where it sends.
    pub(crate) identity: Arc<Identity>,
}

/// One note from the router to its sinks.
#[derive(Debug)]
pub(crate) enum Routed<'a> {
    /// The router took this event in (pings included; sinks that show the
    /// picture skip them).
    Accepted {
        /// The event.
        msg: &'a Arc<Message>,
        /// Where it came from.
        source: &'a Source,
        /// Who sent it and the groups it went to.
        identity: &'a Arc<Identity>,
        /// The sending client's own SA uid, once it identified.
        client_uid: Option<&'a str>,
        /// A client's name for people: its callsign, else its uid (for
        /// other sources, see [`Source::label`]).
        sender: Option<&'a str>,
        /// Whether the event is the sending client's own SA.
        contact: bool,
        /// When the router took it, milliseconds since the epoch.
        at_ms: i64,
    },
    /// The routing core decided this event belongs in the history.
    Keep {
        /// The event.
        msg: &'a Arc<Message>,
        /// Whether it is a client's own SA.
        client_sa: bool,
        /// Whether it is now the latest state of its uid, which a restart
        /// restores.
        last_known: bool,
        /// Uids this delete removed from the picture.
        forgets: &'a [String],
        /// The groups it was shared with.
        groups: &'a [String],
        /// The SA uid of the client that sent it, if a client did.
        sender_uid: Option<&'a str>,
    },
    /// A streaming client identified itself with its first SA.
    Identified(&'a ClientSeen),
    /// The client with this SA uid disconnected.
    Gone {
        /// Its SA uid.
        uid: &'a str,
    },
}

/// A consumer of what the router accepted. See the module documentation
/// for the contract.
pub(crate) trait Sink: Send {
    /// Takes what this sink needs of `note`, without waiting.
    fn offer(&mut self, note: &Routed<'_>);

    /// Its samples for `/metrics`.
    fn samples(&self) -> Vec<crate::metrics::Sample> {
        Vec::new()
    }

    /// The router is ending: flush. Runs on a blocking thread.
    fn close(self: Box<Self>) {}
}

/// Which counter of [`Metrics`] a channel sink counts its drops on.
pub(crate) type DropCounter = fn(&Metrics) -> &AtomicU64;

/// The common sink: a bounded channel to a task of its own, fed with
/// `try_send` of what `pick` makes of each note; a full channel drops and
/// counts.
pub(crate) struct ChannelSink<T> {
    tx: mpsc::Sender<T>,
    pick: fn(&Routed<'_>) -> Option<T>,
    metrics: Arc<Metrics>,
    dropped: DropCounter,
}

impl<T> ChannelSink<T> {
    /// A sink onto `tx`, taking what `pick` returns, counting drops on
    /// `dropped`.
    pub(crate) fn new(
        tx: mpsc::Sender<T>,
        pick: fn(&Routed<'_>) -> Option<T>,
        metrics: Arc<Metrics>,
        dropped: DropCounter,
    ) -> Self {
        ChannelSink {
            tx,
            pick,
            metrics,
            dropped,
        }
    }
}

impl<T: Send> Sink for ChannelSink<T> {
    fn offer(&mut self, note: &Routed<'_>) {
        if let Some(item) = (self.pick)(note) {
            if self.tx.try_send(item).is_err() {
                Metrics::add((self.dropped)(&self.metrics), 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note_uid(n: &Routed<'_>) -> Option<String> {
        match n {
            Routed::Gone { uid } => Some(uid.to_string()),
            _ => None,
        }
    }

    #[test]
    fn a_full_channel_drops_and_counts_without_waiting() {
        let metrics = Arc::new(Metrics::default());
        let (tx, mut rx) = mpsc::channel(2);
        let mut sink = ChannelSink::new(tx, note_uid, metrics.clone(), |m| &m.web_feed_dropped);
        for uid in ["a", "b", "c"] {
            sink.offer(&Routed::Gone { uid });
        }
        let ident = Arc::new(Identity::anonymous());
        let event = cot::Event::new("u", "a-f-G", "m-g", cot::Time::EPOCH, cot::Time::EPOCH);
        let msg = Arc::new(Message::new(event));
        sink.offer(&Routed::Accepted {
            msg: &msg,
            source: &Source::Udp,
            identity: &ident,
            client_uid: None,
            sender: None,
            contact: false,
            at_ms: 0,
        });
        assert_eq!(rx.try_recv().ok(), Some("a".to_string()));
        assert_eq!(rx.try_recv().ok(), Some("b".to_string()));
        assert!(rx.try_recv().is_err());
        let dropped = metrics
            .web_feed_dropped
            .load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(dropped, 1, "only the note that did not fit is counted");
    }

    #[test]
    fn sources_label_themselves_for_people() {
        assert_eq!(Source::Udp.label(), Some("udp"));
        assert_eq!(Source::Tracker.label(), Some("tracker"));
        assert_eq!(Source::Web("C2 ALICE".into()).label(), Some("C2 ALICE"));
        assert_eq!(Source::Client(ClientId(1)).label(), None);
    }
}
