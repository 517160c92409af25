//! Active emergencies and their repeater (TAK Server's `<repeater>`).

use std::sync::Arc;

use crate::ids::{ClientId, Groups};
use crate::message::Message;

/// A repeated copy lives at least this long, seconds (TAK Server's
/// `staleDelayMillis`, 15 000).
const MIN_REPEAT_TTL_SECS: i64 = 15;

/// Whether `e` starts or updates an emergency (as opposed to cancelling one
/// or being some other `b-a-o-*` event).
pub(crate) fn is_alert(e: &cot::Event) -> bool {
    if !e.is_emergency() || is_cancel(e) {
        return false;
    }
    matches!(e.kind.as_str(), "b-a-o-tbl" | "b-a-o-pan" | "b-a-o-opn")
        || e.detail.child("emergency").is_some()
}

/// Whether `e` cancels an emergency. Limited to `b-a-o-*` types so that an
/// unrelated event with a stray `emergency` element cannot cancel one.
pub(crate) fn is_cancel(e: &cot::Event) -> bool {
    e.is_emergency() && e.is_emergency_cancel()
}

/// One active emergency.
#[derive(Debug, Clone)]
pub(crate) struct Active {
    /// The copy sent most recently, handed to late joiners as is.
    pub(crate) last: Arc<Message>,
    /// The original's `stale - time`, microseconds.
    ttl_us: i64,
    pub(crate) groups: Groups,
    pub(crate) sender: Option<ClientId>,
    /// Addressees; empty means broadcast.
    pub(crate) dests: Vec<cot::Dest>,
    next_at: cot::Time,
}

/// A repeat to route now.
#[derive(Debug, Clone)]
pub(crate) struct Repeat {
    pub(crate) msg: Arc<Message>,
    pub(crate) groups: Groups,
    pub(crate) sender: Option<ClientId>,
    pub(crate) dests: Vec<cot::Dest>,
}

/// Active emergencies in activation order. At most `max` (1024 by
/// default), so the linear scans here are cheaper than an index.
#[derive(Debug)]
pub(crate) struct Emergencies {
    active: Vec<Active>,
    period_ms: i64,
    max: usize,
}

impl Emergencies {
    pub(crate) fn new(period_ms: i64, max: usize) -> Self {
        Emergencies {
            active: Vec::new(),
            period_ms,
            max,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.active.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Active> {
        self.active.iter()
    }

    /// Starts (or refreshes) repeating `msg`; false when the bound refused
    /// a new one.
    pub(crate) fn activate(
        &mut self,
        msg: Arc<Message>,
        groups: &Groups,
        sender: Option<ClientId>,
        dests: Vec<cot::Dest>,
        now: cot::Time,
    ) -> bool {
        let ev = &msg.event;
        let a = Active {
            ttl_us: ev.stale.micros().saturating_sub(ev.time.micros()),
            last: msg.clone(),
            groups: groups.clone(),
            sender,
            dests,
            next_at: now.plus_millis(self.period_ms),
        };
        if let Some(old) = self.active.iter_mut().find(|x| x.last.event.uid == ev.uid) {
            *old = a;
            return true;
        }
        if self.active.len() >= self.max {
            return false;
        }
        self.active.push(a);
        true
    }

    /// Forgets the emergency with `uid`; whether there was one.
    pub(crate) fn cancel(&mut self, uid: &str) -> bool {
        let before = self.active.len();
        self.active.retain(|a| a.last.event.uid != uid);
        before != self.active.len()
    }

    /// When the next repeat is due; never when repeating is disabled.
    pub(crate) fn next_due(&self) -> Option<cot::Time> {
        if self.period_ms <= 0 {
            return None;
        }
        self.active.iter().map(|a| a.next_at).min()
    }

    /// Fresh copies of every emergency due at `now`, rescheduled one period
    /// from `now` (no catch-up burst after a long pause).
    pub(crate) fn repeat_due(&mut self, now: cot::Time) -> Vec<Repeat> {
        if self.period_ms <= 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for a in self.active.iter_mut().filter(|a| a.next_at <= now) {
            let mut ev = a.last.event.clone();
            let ttl = a.ttl_us.max(MIN_REPEAT_TTL_SECS * 1_000_000);
            ev.time = now;
            ev.start = now;
            ev.stale = cot::Time::from_micros(now.micros().saturating_add(ttl));
            a.last = Arc::new(Message::new(ev));
            a.next_at = now.plus_millis(self.period_ms);
            out.push(Repeat {
                msg: a.last.clone(),
                groups: a.groups.clone(),
                sender: a.sender,
                dests: a.dests.clone(),
            });
        }
        out
    }
}
