//! The web picture: what browsers are shown, kept apart from the routing
//! core so that no browser can ever slow a TAK client. Pure: the feed task
//! owns it behind a lock and passes `now` in.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use picture::Identity;

use crate::events::{EventItem, EventKind, EventLog, NewEvent, SNAPSHOT_EVENTS};
use crate::sensors::{alert_change, silent_alert, AlertChange, SensorView};
use crate::view::{AlertView, ChatView, ObjectView, Room, Shown};

/// The routing core's anonymous group, as stored with events.
const ANON: &str = picture::ANON_GROUP;

/// Most alerts shown at once.
const MAX_ALERTS: usize = 1000;

/// Bounds of the web picture.
#[derive(Debug, Clone, Copy)]
pub struct HubLimits {
    /// Most objects kept; new uids beyond it are refused and counted.
    pub max_objects: usize,
    /// Chat lines kept for the snapshot.
    pub max_chat: usize,
    /// How long after going stale an object is still shown (greyed), ms.
    pub stale_grace_ms: i64,
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            max_objects: 100_000,
            max_chat: 500,
            stale_grace_ms: 10 * 60 * 1000,
        }
    }
}

/// Who looks: their identity (which groups they may see), and their own
/// uid and team (for direct and team chat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Who the web user is; an operator identity (the loopback-only mode
    /// without users) sees everything.
    pub identity: Identity,
    /// The web user's uid in the picture.
    pub uid: String,
    /// The web user's team.
    pub team: String,
}

impl Viewer {
    /// Whether something shared with `groups` is visible to this viewer.
    pub fn sees(&self, groups: &[String]) -> bool {
        self.identity.sees(groups)
    }

    /// The object's groups this viewer is in, without the anonymous one.
    pub fn shown_groups(&self, groups: &[String]) -> Vec<String> {
        self.identity.shown_groups(groups)
    }

    fn hears(&self, c: &ChatItem) -> bool {
        if !self.sees(&c.groups) && c.view.from_uid != self.uid {
            return false;
        }
        match &c.view.room {
            Room::All => true,
            Room::Team(t) => t.eq_ignore_ascii_case(&self.team) || c.view.from_uid == self.uid,
            Room::Direct { to_uid, .. } => *to_uid == self.uid || c.view.from_uid == self.uid,
        }
    }
}

struct Obj {
    view: ObjectView,
    groups: Arc<Vec<String>>,
    /// The JSON with every group (what an all-seeing viewer gets).
    json: Arc<str>,
}

impl Obj {
    fn json_for(&self, v: &Viewer) -> Option<Arc<str>> {
        if !v.sees(&self.groups) {
            return None;
        }
        if v.identity.recv().is_none() {
            return Some(self.json.clone());
        }
        let mut view = self.view.clone();
        view.groups = v.shown_groups(&self.groups);
        Some(Arc::from(serde_json::to_string(&view).unwrap_or_default()))
    }
}

/// A chat line and who may read it.
#[derive(Debug)]
pub struct ChatItem {
    /// Increases by one per line, so a viewer never gets a line twice.
    pub serial: u64,
    view: ChatView,
    groups: Arc<Vec<String>>,
}

/// An alert and who may see it.
#[derive(Debug)]
pub struct AlertItem {
    view: AlertView,
    groups: Arc<Vec<String>>,
    json: String,
}

/// A sensor and who may see it (those who see its tracks).
#[derive(Debug)]
struct SensorItem {
    view: SensorView,
    groups: Arc<Vec<String>>,
    json: String,
}

/// Everything that changed since the last frame.
#[derive(Default)]
struct Pending {
    upsert: HashSet<String>,
    remove: HashSet<String>,
    chat: Vec<Arc<ChatItem>>,
    alerts: Vec<Arc<AlertItem>>,
    cleared: Vec<Arc<AlertItem>>,
    sensors: Vec<Arc<SensorItem>>,
    events: Vec<Arc<EventItem>>,
}

/// One frame's worth of changes, taken out of the hub under its lock and
/// turned into per-viewer text outside it.
pub struct Batch {
    /// The frame's sequence number.
    pub seq: u64,
    /// Server time, ms.
    pub now: i64,
    upserts: Vec<(Arc<str>, ObjectView, Arc<Vec<String>>)>,
    removes: Vec<String>,
    chat: Vec<Arc<ChatItem>>,
    alerts: Vec<Arc<AlertItem>>,
    cleared: Vec<Arc<AlertItem>>,
    sensors: Vec<Arc<SensorItem>>,
    events: Vec<Arc<EventItem>>,
}

/// Counters of the web picture.
#[derive(Debug, Default, Clone, Copy)]
pub struct HubStats {
    /// Objects shown now.
    pub objects: u64,
    /// New objects refused because the hub was full.
    pub refused: u64,
}

/// The web picture.
pub struct Hub {
    objects: HashMap<String, Obj>,
    chat: VecDeque<Arc<ChatItem>>,
    alerts: HashMap<String, Arc<AlertItem>>,
    /// The configured sensors, in config order.
    sensors: Vec<Arc<SensorItem>>,
    seq: u64,
    chat_serial: u64,
    pending: Pending,
    limits: HubLimits,
    refused: u64,
    /// The day's log of what happened.
    events: EventLog,
    /// The latest server time the hub was told (every batch tells it):
    /// the time of what happens without a time of its own (a disconnect,
    /// a cancel).
    clock: i64,
}

/// What an acknowledgement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// The alert is now acknowledged.
    Acked,
    /// Someone had acknowledged it already; it stays theirs.
    Already,
    /// No such alert that this viewer sees.
    NotFound,
}

/// Whether a CoT type is a marker or a drawn shape (what the event log
/// records being placed and removed).
fn is_marking(kind: &str) -> bool {
    kind.starts_with("b-m-p") || kind.starts_with("u-d") || kind.starts_with("u-r")
}

impl Hub {
    /// An empty web picture.
    pub fn new(limits: HubLimits) -> Self {
        Hub {
            objects: HashMap::new(),
            chat: VecDeque::new(),
            alerts: HashMap::new(),
            sensors: Vec::new(),
            seq: 0,
            chat_serial: 0,
            pending: Pending::default(),
            limits,
            refused: 0,
            events: EventLog::default(),
            clock: 0,
        }
    }

    /// Records an entry in the day's log and queues it for the next delta.
    fn log(&mut self, e: NewEvent<'_>, groups: Arc<Vec<String>>) {
        let item = self.events.record(e, groups);
        self.pending.events.push(item);
    }

    /// Forgets the event log (what a restart restored is not news).
    pub fn clear_events(&mut self) {
        self.events.clear();
        self.pending.events.clear();
    }

    /// Acknowledges alert `uid` for viewer `v` as `by` at `now_ms`: the
    /// alert stays until cancelled, now marked with who and when, and the
    /// log says so. The first acknowledgement stands.
    pub fn acknowledge(&mut self, uid: &str, v: &Viewer, by: &str, now_ms: i64) -> AckOutcome {
        self.clock = self.clock.max(now_ms);
        let Some(old) = self.alerts.get(uid).filter(|a| v.sees(&a.groups)) else {
            return AckOutcome::NotFound;
        };
        if old.view.ack_by.is_some() {
            return AckOutcome::Already;
        }
        let mut view = old.view.clone();
        view.ack_by = Some(by.to_string());
        view.ack_at = Some(now_ms);
        let groups = old.groups.clone();
        let text = format!("{} from {} acknowledged by {by}", view.kind, view.from);
        let (from_uid, at) = (view.from_uid.clone(), (view.lat, view.lon));
        let json = serde_json::to_string(&view).unwrap_or_default();
        let item = Arc::new(AlertItem {
            view,
            groups: groups.clone(),
            json,
        });
        self.alerts.insert(uid.to_string(), item.clone());
        self.pending.alerts.push(item);
        self.log(
            NewEvent {
                time: now_ms,
                kind: EventKind::Ack,
                text,
                uid: Some(&from_uid),
                at: Some(at),
            },
            groups,
        );
        AckOutcome::Acked
    }

    /// Takes in an event the router accepted, sent with `groups` (names;
    /// empty means anonymous). `contact` says it is the own SA of a
    /// connected client.
    pub fn ingest(
        &mut self,
        event: &cot::Event,
        groups: &Arc<Vec<String>>,
        sender: Option<&str>,
        contact: bool,
    ) {
        let groups = if groups.is_empty() {
            Arc::new(picture::shared_with(groups))
        } else {
            groups.clone()
        };
        match crate::view::show(event, sender) {
            Shown::Object(mut view) => {
                if !self.objects.contains_key(&view.uid)
                    && self.objects.len() >= self.limits.max_objects
                {
                    self.refused += 1;
                    return;
                }
                let known = self.objects.get(&view.uid).map(|o| &o.view);
                // An object carries its flag from the alert on; only one
                // new to the picture has to look for an alert already there.
                view.emergency = match known {
                    Some(o) => o.emergency,
                    None => self.alerts.values().any(|a| a.view.from_uid == view.uid),
                };
                // A client's SA stays its own until it disconnects, even
                // when something else relays an update for that uid.
                let was_contact = known.is_some_and(|o| o.contact && !o.gone);
                let is_new = known.is_none();
                view.contact = contact || was_contact;
                let name = view.callsign.clone().unwrap_or_else(|| view.uid.clone());
                let entry = if view.contact && !was_contact {
                    Some((EventKind::Connect, format!("{name} connected")))
                } else if is_new && is_marking(&view.kind) {
                    let by = view.sender.as_deref().unwrap_or("someone");
                    Some((EventKind::Marker, format!("{name} placed by {by}")))
                } else {
                    None
                };
                if let Some((kind, text)) = entry {
                    let e = NewEvent {
                        time: view.time,
                        kind,
                        text,
                        uid: Some(&view.uid),
                        at: Some((view.lat, view.lon)),
                    };
                    self.log(e, groups.clone());
                }
                self.put(view, groups);
            }
            Shown::Chat(view) => {
                self.chat_serial += 1;
                let item = Arc::new(ChatItem {
                    serial: self.chat_serial,
                    view,
                    groups,
                });
                if self.chat.len() >= self.limits.max_chat {
                    self.chat.pop_front();
                }
                self.chat.push_back(item.clone());
                self.pending.chat.push(item);
            }
            Shown::Alert(mut view) => {
                let from = view.from_uid.clone();
                // A repeated alert (the router repeats emergencies) keeps
                // its acknowledgement; only a new one is news.
                match self.alerts.get(&view.uid) {
                    Some(old) => {
                        view.ack_by.clone_from(&old.view.ack_by);
                        view.ack_at = old.view.ack_at;
                    }
                    None => {
                        let e = NewEvent {
                            time: view.time,
                            kind: EventKind::Alert,
                            text: format!("{} from {}", view.kind, view.from),
                            uid: Some(&from),
                            at: Some((view.lat, view.lon)),
                        };
                        self.log(e, groups.clone());
                    }
                }
                let json = serde_json::to_string(&view).unwrap_or_default();
                let item = Arc::new(AlertItem { view, groups, json });
                if self.alerts.len() >= MAX_ALERTS && !self.alerts.contains_key(&item.view.uid) {
                    // A flood of alerts: the oldest gives way.
                    if let Some(oldest) = self
                        .alerts
                        .values()
                        .min_by_key(|a| a.view.time)
                        .map(|a| a.view.uid.clone())
                    {
                        self.drop_alert(&oldest);
                    }
                }
                self.alerts.insert(item.view.uid.clone(), item.clone());
                self.pending.alerts.push(item);
                self.flag_emergency(&from, true);
            }
            Shown::Cancel { uid, from_uid } => {
                let gone: Vec<String> = self
                    .alerts
                    .iter()
                    .filter(|(k, a)| **k == uid || a.view.from_uid == from_uid)
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in gone {
                    self.drop_alert(&k);
                }
                self.flag_emergency(&from_uid, false);
            }
            // Deletes are among these: whether one removes an item is the
            // routing core's call (its maker, or a force delete that
            // reached everyone who sees it), which comes through `forget`.
            Shown::Nothing => {}
        }
    }

    /// Takes the sensors' latest views (`groups`: who sees their tracks;
    /// empty means anonymous) at `now_ms`. Only a view that differs from
    /// the last one goes out with the next batch. A sensor that was heard
    /// and is now silent raises an alert, kept until it speaks again;
    /// that one clears it.
    pub fn set_sensors(&mut self, views: Vec<SensorView>, groups: &Arc<Vec<String>>, now_ms: i64) {
        let groups = if groups.is_empty() {
            Arc::new(picture::shared_with(groups))
        } else {
            groups.clone()
        };
        for view in views {
            let at = self.sensors.iter().position(|s| s.view.id == view.id);
            let old = at.and_then(|i| self.sensors.get(i));
            if old.is_some_and(|o| o.view == view && o.groups == groups) {
                continue;
            }
            match alert_change(old.map(|o| &o.view), &view) {
                AlertChange::Raise => {
                    let alert = silent_alert(&view, now_ms);
                    self.clock = self.clock.max(now_ms);
                    let e = NewEvent {
                        time: now_ms,
                        kind: EventKind::Alert,
                        text: format!("sensor {} silent", view.id),
                        uid: None,
                        at: Some((alert.lat, alert.lon)),
                    };
                    self.log(e, groups.clone());
                    let json = serde_json::to_string(&alert).unwrap_or_default();
                    let item = Arc::new(AlertItem {
                        view: alert,
                        groups: groups.clone(),
                        json,
                    });
                    self.alerts.insert(item.view.uid.clone(), item.clone());
                    self.pending.alerts.push(item);
                }
                AlertChange::Clear => {
                    self.drop_alert(&format!(
                        "{}{}",
                        crate::sensors::SILENT_ALERT_PREFIX,
                        view.id
                    ));
                }
                AlertChange::Keep => {}
            }
            let json = serde_json::to_string(&view).unwrap_or_default();
            let item = Arc::new(SensorItem {
                view,
                groups: groups.clone(),
                json,
            });
            match at.and_then(|i| self.sensors.get_mut(i)) {
                Some(slot) => *slot = item.clone(),
                None => self.sensors.push(item.clone()),
            }
            self.pending.sensors.retain(|s| s.view.id != item.view.id);
            self.pending.sensors.push(item);
        }
    }

    /// The sensors as the all-seeing viewer has them, in config order.
    pub fn sensors(&self) -> impl Iterator<Item = &SensorView> {
        self.sensors.iter().map(|s| &s.view)
    }

    /// Items a delete removed from the picture leave the map.
    pub fn forget(&mut self, uids: &[String]) {
        for uid in uids {
            if let Some(o) = self.objects.get(uid).filter(|o| is_marking(&o.view.kind)) {
                let name = o
                    .view
                    .callsign
                    .clone()
                    .unwrap_or_else(|| o.view.uid.clone());
                let e = NewEvent {
                    time: self.clock,
                    kind: EventKind::Removed,
                    text: format!("{name} removed"),
                    uid: None,
                    at: Some((o.view.lat, o.view.lon)),
                };
                let groups = o.groups.clone();
                self.log(e, groups);
            }
            self.remove(uid);
        }
    }

    /// A client disconnected: its own SA is shown as gone (greyed) until it
    /// goes stale.
    pub fn gone(&mut self, uid: &str) {
        if let Some(o) = self.objects.get(uid) {
            let mut view = o.view.clone();
            view.gone = true;
            let groups = o.groups.clone();
            if view.contact && !o.view.gone {
                let name = view.callsign.clone().unwrap_or_else(|| view.uid.clone());
                let e = NewEvent {
                    time: self.clock,
                    kind: EventKind::Disconnect,
                    text: format!("{name} disconnected"),
                    uid: Some(uid),
                    at: Some((view.lat, view.lon)),
                };
                self.log(e, groups.clone());
            }
            self.put(view, groups);
        }
    }

    /// Clears an alert; its sender stays flagged only while it has another.
    fn drop_alert(&mut self, uid: &str) {
        if let Some(a) = self.alerts.remove(uid) {
            let from = a.view.from_uid.clone();
            let e = NewEvent {
                time: self.clock,
                kind: EventKind::Cleared,
                text: format!("{} from {} cleared", a.view.kind, a.view.from),
                uid: Some(&from),
                at: Some((a.view.lat, a.view.lon)),
            };
            self.log(e, a.groups.clone());
            self.pending.cleared.push(a);
            if !self.alerts.values().any(|x| x.view.from_uid == from) {
                self.flag_emergency(&from, false);
            }
        }
    }

    fn flag_emergency(&mut self, uid: &str, on: bool) {
        if let Some(o) = self.objects.get(uid) {
            if o.view.emergency != on {
                let mut view = o.view.clone();
                view.emergency = on;
                let groups = o.groups.clone();
                self.put(view, groups);
            }
        }
    }

    fn put(&mut self, mut view: ObjectView, groups: Arc<Vec<String>>) {
        view.groups = groups
            .iter()
            .filter(|g| g.as_str() != ANON)
            .cloned()
            .collect();
        let json = Arc::from(serde_json::to_string(&view).unwrap_or_default());
        self.pending.remove.remove(&view.uid);
        self.pending.upsert.insert(view.uid.clone());
        self.objects
            .insert(view.uid.clone(), Obj { view, groups, json });
    }

    fn remove(&mut self, uid: &str) {
        if self.objects.remove(uid).is_some() {
            self.pending.upsert.remove(uid);
            self.pending.remove.insert(uid.to_string());
        }
    }

    /// Drops objects (and alerts never cancelled) that have been stale
    /// for longer than the grace time.
    pub fn sweep(&mut self, now_ms: i64) -> usize {
        self.clock = self.clock.max(now_ms);
        self.events.trim(now_ms);
        let grace = self.limits.stale_grace_ms;
        let expired: Vec<String> = self
            .alerts
            .values()
            .filter(|a| a.view.stale.saturating_add(grace) <= now_ms)
            .map(|a| a.view.uid.clone())
            .collect();
        for uid in expired {
            self.drop_alert(&uid);
        }
        let old: Vec<String> = self
            .objects
            .values()
            .filter(|o| o.view.stale.saturating_add(grace) <= now_ms)
            .map(|o| o.view.uid.clone())
            .collect();
        for uid in &old {
            self.remove(uid);
        }
        old.len()
    }

    /// Takes what changed into a numbered batch; `None` when nothing did.
    pub fn take_batch(&mut self, now_ms: i64) -> Option<Batch> {
        self.clock = self.clock.max(now_ms);
        let p = &mut self.pending;
        if p.upsert.is_empty()
            && p.remove.is_empty()
            && p.chat.is_empty()
            && p.alerts.is_empty()
            && p.cleared.is_empty()
            && p.sensors.is_empty()
            && p.events.is_empty()
        {
            return None;
        }
        let p = std::mem::take(p);
        self.seq += 1;
        let upserts = p
            .upsert
            .iter()
            .filter_map(|uid| self.objects.get(uid))
            .map(|o| (o.json.clone(), o.view.clone(), o.groups.clone()))
            .collect();
        Some(Batch {
            seq: self.seq,
            now: now_ms,
            upserts,
            removes: p.remove.into_iter().collect(),
            chat: p.chat,
            alerts: p.alerts,
            cleared: p.cleared,
            sensors: p.sensors,
            events: p.events,
        })
    }

    /// The whole picture for `v` as a snapshot frame, and the last chat
    /// serial it holds (later deltas must not repeat those lines).
    pub fn snapshot(&self, v: &Viewer, now_ms: i64) -> (u64, u64, String) {
        let mut s = String::with_capacity(256 + self.objects.len() * 300);
        s.push_str(&format!(
            "{{\"t\":\"snapshot\",\"seq\":{},\"now\":{now_ms},\"objects\":[",
            self.seq
        ));
        let mut first = true;
        for o in self.objects.values() {
            if let Some(j) = o.json_for(v) {
                if !first {
                    s.push(',');
                }
                first = false;
                s.push_str(&j);
            }
        }
        s.push_str("],\"chat\":[");
        push_joined(
            &mut s,
            self.chat
                .iter()
                .filter(|c| v.hears(c))
                .map(|c| c.view.json_for(&v.uid)),
        );
        s.push_str("],\"alerts\":[");
        push_joined(
            &mut s,
            self.alerts
                .values()
                .filter(|a| v.sees(&a.groups))
                .map(|a| a.json.clone()),
        );
        s.push_str("],\"sensors\":[");
        push_joined(
            &mut s,
            self.sensors
                .iter()
                .filter(|x| v.sees(&x.groups))
                .map(|x| x.json.as_str()),
        );
        s.push_str("],\"events\":[");
        let mut events: Vec<&str> = self
            .events
            .iter()
            .rev()
            .filter(|e| v.sees(&e.groups))
            .take(SNAPSHOT_EVENTS)
            .map(|e| e.json.as_str())
            .collect();
        events.reverse();
        push_joined(&mut s, events.into_iter());
        s.push_str("]}");
        (self.seq, self.chat_serial, s)
    }

    /// Counters.
    pub fn stats(&self) -> HubStats {
        HubStats {
            objects: self.objects.len() as u64,
            refused: self.refused,
        }
    }

    /// The object with this uid as the all-seeing viewer has it.
    pub fn object(&self, uid: &str) -> Option<&ObjectView> {
        self.objects.get(uid).map(|o| &o.view)
    }
}

fn push_joined(s: &mut String, items: impl Iterator<Item = impl AsRef<str>>) {
    for (i, j) in items.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(j.as_ref());
    }
}

/// The object part of a delta for one kind of viewer: upserts and removes.
/// Computed once per distinct group list, then shared.
pub struct ObjectPart {
    upsert: String,
    remove: String,
}

impl Batch {
    /// The objects of this batch as viewer `v` sees them.
    pub fn object_part(&self, v: &Viewer) -> ObjectPart {
        let mut upsert = String::new();
        let mut removes: Vec<&str> = self.removes.iter().map(String::as_str).collect();
        let mut n = 0;
        for (json, view, groups) in &self.upserts {
            let j = if v.identity.recv().is_none() {
                Some(json.clone())
            } else if v.sees(groups) {
                let mut view = view.clone();
                view.groups = v.shown_groups(groups);
                Some(Arc::from(serde_json::to_string(&view).unwrap_or_default()))
            } else {
                // It may have been visible before under other groups.
                removes.push(&view.uid);
                None
            };
            if let Some(j) = j {
                if n > 0 {
                    upsert.push(',');
                }
                n += 1;
                upsert.push_str(&j);
            }
        }
        ObjectPart {
            upsert,
            remove: serde_json::to_string(&removes).unwrap_or_else(|_| "[]".into()),
        }
    }

    /// The delta frame for `v`, given its object part and the chat serial
    /// its snapshot already covered.
    pub fn frame(&self, v: &Viewer, part: &ObjectPart, chat_floor: u64) -> String {
        let mut s = String::with_capacity(part.upsert.len() + part.remove.len() + 256);
        s.push_str(&format!(
            "{{\"t\":\"delta\",\"seq\":{},\"now\":{},\"upsert\":[",
            self.seq, self.now
        ));
        s.push_str(&part.upsert);
        s.push_str("],\"remove\":");
        s.push_str(&part.remove);
        s.push_str(",\"chat\":[");
        push_joined(
            &mut s,
            self.chat
                .iter()
                .filter(|c| c.serial > chat_floor && v.hears(c))
                .map(|c| c.view.json_for(&v.uid)),
        );
        s.push_str("],\"alerts\":[");
        push_joined(
            &mut s,
            self.alerts
                .iter()
                .filter(|a| v.sees(&a.groups))
                .map(|a| a.json.as_str()),
        );
        s.push_str("],\"cleared\":");
        let cleared: Vec<&str> = self
            .cleared
            .iter()
            .filter(|a| v.sees(&a.groups))
            .map(|a| a.view.uid.as_str())
            .collect();
        s.push_str(&serde_json::to_string(&cleared).unwrap_or_else(|_| "[]".into()));
        // Sensors change every few seconds at most: the key is there only
        // when some did, to keep the frames of a busy picture small.
        let mut sensors = self.sensors.iter().filter(|x| v.sees(&x.groups)).peekable();
        if sensors.peek().is_some() {
            s.push_str(",\"sensors\":[");
            push_joined(&mut s, sensors.map(|x| x.json.as_str()));
            s.push(']');
        }
        let mut events = self.events.iter().filter(|e| v.sees(&e.groups)).peekable();
        if events.peek().is_some() {
            s.push_str(",\"events\":[");
            push_joined(&mut s, events.map(|e| e.json.as_str()));
            s.push(']');
        }
        s.push('}');
        s
    }
}

#[cfg(test)]
#[path = "hub_tests.rs"]
mod tests;
