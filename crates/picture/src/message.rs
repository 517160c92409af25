//! Events in flight, and what the core asks its caller to do.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use crate::ids::{ClientId, Encoding};

/// An event travelling through the core with its wire encodings cached,
/// shared by `Arc`: one SA fanned out to a thousand receivers is encoded at
/// most once per encoding.
#[derive(Debug)]
pub struct Message {
    /// The decoded event.
    pub event: cot::Event,
    xml: OnceLock<Bytes>,
    proto: OnceLock<Bytes>,
}

impl Message {
    /// A message with no encoding cached yet.
    pub fn new(event: cot::Event) -> Self {
        Message {
            event,
            xml: OnceLock::new(),
            proto: OnceLock::new(),
        }
    }

    /// A message whose XML form is the raw text as received, reused for XML
    /// receivers so that unknown detail passes through byte for byte.
    pub fn with_xml(event: cot::Event, xml: Bytes) -> Self {
        let m = Message::new(event);
        // A fresh OnceLock cannot already be set, so this cannot fail.
        let _ = m.xml.set(xml);
        m
    }

    /// The cached encoding, if one was produced already.
    pub fn cached(&self, enc: Encoding) -> Option<&Bytes> {
        self.slot(enc).get()
    }

    /// The encoding `enc`, produced by `encode` on first use and cloned
    /// (a reference-count increment) afterwards.
    pub fn encoded(&self, enc: Encoding, encode: impl FnOnce(&cot::Event) -> Bytes) -> Bytes {
        self.slot(enc).get_or_init(|| encode(&self.event)).clone()
    }

    fn slot(&self, enc: Encoding) -> &OnceLock<Bytes> {
        match enc {
            Encoding::Xml => &self.xml,
            Encoding::Proto => &self.proto,
        }
    }
}

impl From<cot::Event> for Message {
    fn from(event: cot::Event) -> Self {
        Message::new(event)
    }
}

/// What the caller must do, drained in order with [`crate::Picture::poll`].
#[derive(Debug, Clone)]
pub enum Output {
    /// Send `msg` to each of `to` (never contains the sender). Order of
    /// outputs is the order to send in.
    Deliver {
        /// Receivers, without duplicates.
        to: Vec<ClientId>,
        /// What to send.
        msg: Arc<Message>,
    },
    /// Persist `msg` in the history; what it does to the picture a restart
    /// restores is in `client_sa`, `last_known` and `forgets`.
    Keep {
        /// What to persist.
        msg: Arc<Message>,
        /// Whether this is the sending client's own position report.
        client_sa: bool,
        /// Whether it is now the picture's latest state of its uid (an item
        /// kept for late joiners, or a stale update ending one), i.e. the
        /// row a restart restores for that uid.
        last_known: bool,
        /// Uids this delete removed from the picture: a restart must not
        /// bring them back.
        forgets: Vec<String>,
    },
    /// A client identified itself by its first SA (for logs, metrics, the
    /// connection's span).
    Identified {
        /// The connection.
        id: ClientId,
        /// The uid of its SA (usually the device uid).
        uid: String,
        /// Its callsign, when the SA carried a `contact`.
        callsign: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_once_per_encoding() {
        let t = cot::Time::from_millis(0);
        let m = Message::with_xml(cot::Event::new("u", "a-f-G", "m-g", t, t), Bytes::from("x"));
        assert_eq!(m.cached(Encoding::Xml), Some(&Bytes::from("x")));
        assert_eq!(m.encoded(Encoding::Xml, |_| Bytes::from("other")), "x");
        assert!(m.cached(Encoding::Proto).is_none());
        let mut calls = 0;
        for _ in 0..3 {
            let b = m.encoded(Encoding::Proto, |e| {
                calls += 1;
                Bytes::from(e.uid.clone())
            });
            assert_eq!(b, "u");
        }
        assert_eq!(calls, 1);
    }
}
