//! [`Event`] ⇄ [`TakMessage`], following the `xmlDetail` rules of the TAK
//! `detail.proto` (see [`super::typed`] for which detail elements travel
//! as typed submessages and in what order they come back).

use super::messages as pb;
use super::typed::{detail_from_proto, detail_to_proto};
use super::{ProtoError, TakMessage};
use crate::detail::Detail;
use crate::event::{Event, Point};
use crate::time::Time;

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn millis(t: Time) -> u64 {
    u64::try_from(t.millis()).unwrap_or(0)
}

/// `e` as a TAK protocol message. Times lose their sub-millisecond part
/// (and clamp to the epoch if earlier); absent optional attributes become
/// empty strings; a point coordinate of -0.0 comes back as 0.0 (proto3
/// does not send zeros).
pub fn event_to_proto(e: &Event) -> TakMessage {
    let p = &e.point;
    TakMessage {
        tak_control: None,
        cot_event: Some(pb::CotEvent {
            r#type: e.kind.clone(),
            access: opt(&e.access),
            qos: opt(&e.qos),
            opex: opt(&e.opex),
            uid: e.uid.clone(),
            send_time: millis(e.time),
            start_time: millis(e.start),
            stale_time: millis(e.stale),
            how: e.how.clone(),
            lat: p.lat,
            lon: p.lon,
            hae: p.hae,
            ce: p.ce,
            le: p.le,
            detail: detail_to_proto(&e.detail),
            caveat: opt(&e.caveat),
            releaseable_to: opt(&e.releaseable_to),
        }),
        submission_time: 0,
        creation_time: 0,
    }
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn time(ms: u64) -> Time {
    Time::from_millis(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// The event in a TAK protocol message. `uid` and `type` must be
/// non-empty; empty optional strings become `None`.
pub fn proto_to_event(m: &TakMessage) -> Result<Event, ProtoError> {
    let c = m.cot_event.as_ref().ok_or(ProtoError::NoEvent)?;
    if c.uid.is_empty() {
        return Err(ProtoError::MissingField("uid"));
    }
    if c.r#type.is_empty() {
        return Err(ProtoError::MissingField("type"));
    }
    let detail = match &c.detail {
        Some(d) => detail_from_proto(d)?,
        None => Detail::default(),
    };
    Ok(Event {
        uid: c.uid.clone(),
        kind: c.r#type.clone(),
        how: c.how.clone(),
        time: time(c.send_time),
        start: time(c.start_time),
        stale: time(c.stale_time),
        access: some(&c.access),
        qos: some(&c.qos),
        opex: some(&c.opex),
        caveat: some(&c.caveat),
        releaseable_to: some(&c.releaseable_to),
        point: Point {
            lat: c.lat,
            lon: c.lon,
            hae: c.hae,
            ce: c.ce,
            le: c.le,
        },
        detail,
    })
}

#[cfg(test)]
mod tests;
