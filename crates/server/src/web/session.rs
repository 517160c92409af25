//! One browser's WebSocket: a snapshot first, then the deltas the feed task
//! queues for it, a fresh snapshot whenever it fell behind, and its
//! commands (chat, markers, deletes) answered with acks.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message as WsMessage, WebSocket};
use futures::{SinkExt, StreamExt};
use pace::TokenBucket;
use tokio_util::sync::CancellationToken;

use super::feed::{SessionHandle, WebFeed};
use crate::metrics::Metrics;
use crate::router::now;
use cop::command::{self, Command, Peer, Refused, WebUser};
use cop::hub::{AckOutcome, Viewer};

/// A browser that takes longer than this to accept one frame is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// A quiet picture sends nothing; a ping this often finds browsers that
/// vanished without closing (their send then fails or times out).
const PING_EVERY: Duration = Duration::from_secs(30);
/// The commands one browser may send: 20 a second, bursts of 40.
const COMMAND_LIMIT: TokenBucket<Instant> = match TokenBucket::new(20.0, 40.0) {
    Ok(b) => b,
    Err(_) => panic!("the browser command limit is not a valid rate"),
};

/// Prefix of the uids of markers made in the browser.
pub(crate) const MARKER_PREFIX: &str = "watchfloor-web-marker-";

type Sink = futures::stream::SplitSink<WebSocket, WsMessage>;

async fn send(sink: &mut Sink, metrics: &Metrics, text: String) -> bool {
    let n = text.len() as u64;
    match tokio::time::timeout(SEND_TIMEOUT, sink.send(WsMessage::Text(text))).await {
        Ok(Ok(())) => {
            Metrics::add(&metrics.web_frames, 1);
            Metrics::add(&metrics.web_bytes, n);
            true
        }
        Ok(Err(_)) => false,
        Err(_) => {
            Metrics::add(&metrics.write_stalls, 1);
            tracing::info!("browser too slow to take a frame; closing its feed");
            false
        }
    }
}

/// Serves one browser until it leaves or the server stops.
pub(crate) async fn run(
    socket: WebSocket,
    feed: Arc<WebFeed>,
    viewer: Viewer,
    me: WebUser,
    send_groups: Arc<Vec<String>>,
    stop: CancellationToken,
) {
    let who = me.callsign.clone();
    let (id, h, mut rx) = feed.join(viewer, me, send_groups);
    tracing::info!(session = id, user = %who, "browser connected to the web feed");
    let (mut sink, mut stream) = socket.split();
    let metrics = feed.metrics.clone();
    let snap = feed.snapshot(&h);
    let mut floor = snap.seq;
    let mut ok = send(&mut sink, &metrics, snap.text).await;
    let mut bucket = COMMAND_LIMIT;
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    while ok {
        tokio::select! {
            _ = ping.tick() => {
                ok = matches!(
                    tokio::time::timeout(SEND_TIMEOUT, sink.send(WsMessage::Ping(Vec::new()))).await,
                    Ok(Ok(()))
                );
            }
            f = rx.recv() => match f {
                Some(f) if f.seq > floor => ok = send(&mut sink, &metrics, f.text).await,
                Some(_) => {}
                None => break,
            },
            () = h.wake.notified() => {
                if h.lagged.load(Relaxed) {
                    while rx.try_recv().is_ok() {}
                    let snap = feed.snapshot(&h);
                    floor = snap.seq;
                    ok = send(&mut sink, &metrics, snap.text).await;
                }
            }
            m = stream.next() => match m {
                Some(Ok(WsMessage::Text(t))) => {
                    let reply = if bucket.try_take(Instant::now()) {
                        handle(&feed, &h, &t)
                    } else {
                        refuse(&feed, &who, None, &Refused::TooFast)
                    };
                    ok = send(&mut sink, &metrics, reply).await;
                }
                Some(Ok(WsMessage::Binary(_))) => {
                    let reply = refuse(&feed, &who, None, &Refused::Garbage("binary frame".into()));
                    ok = send(&mut sink, &metrics, reply).await;
                }
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {}
                Some(Ok(WsMessage::Close(_)) | Err(_)) | None => break,
            },
            () = stop.cancelled() => break,
        }
    }
    let _ = sink.close().await;
    feed.leave(id);
    tracing::info!(session = id, user = %who, "browser left the web feed");
}

fn ack_ok(id: Option<u64>, uid: &str) -> String {
    serde_json::json!({"t": "ack", "id": id, "ok": true, "uid": uid}).to_string()
}

fn refuse(feed: &WebFeed, who: &str, id: Option<u64>, why: &Refused) -> String {
    Metrics::add(&feed.metrics.web_commands_refused, 1);
    tracing::debug!(user = %who, reason = %why, "browser command refused");
    serde_json::json!({"t": "ack", "id": id, "ok": false, "error": why.to_string()}).to_string()
}

/// Carries out one command; the ack to send back.
fn handle(feed: &WebFeed, h: &SessionHandle, text: &str) -> String {
    let who = h.me.callsign.as_str();
    let cmd = match command::parse(text) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(user = %who, error = %e, "unreadable command from a browser");
            // Answer to its id when the frame is JSON with one, so the page
            // can tell which of its commands failed.
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64));
            return refuse(feed, who, id, &e);
        }
    };
    let id = cmd.id();
    // An acknowledgement changes the web picture only: nothing goes to
    // the field.
    if let Command::Ack { uid, .. } = &cmd {
        return match feed
            .hub
            .lock()
            .acknowledge(uid, &h.viewer, &h.me.callsign, now().millis())
        {
            AckOutcome::Acked | AckOutcome::Already => {
                tracing::info!(user = %who, alert = %uid, "alert acknowledged");
                Metrics::add(&feed.metrics.web_commands, 1);
                ack_ok(id, uid)
            }
            AckOutcome::NotFound => refuse(feed, who, id, &Refused::NoAlert),
        };
    }
    match build(feed, &h.me, cmd) {
        Ok((uid, event)) => {
            if feed.inject(&h.send_groups, &h.me, event) {
                Metrics::add(&feed.metrics.web_commands, 1);
                ack_ok(id, &uid)
            } else {
                refuse(feed, who, id, &Refused::Busy)
            }
        }
        Err(e) => refuse(feed, who, id, &e),
    }
}

fn build(feed: &WebFeed, me: &WebUser, cmd: Command) -> Result<(String, cot::Event), Refused> {
    let t = now();
    match cmd {
        Command::Chat { room_id, text, .. } => {
            let peer = feed.hub.lock().object(&room_id).map(|o| Peer {
                uid: o.uid.clone(),
                callsign: o.callsign.clone(),
            });
            let mid = uuid::Uuid::new_v4().to_string();
            let e = command::chat(me, &room_id, peer.as_ref(), &text, &mid, t)?;
            Ok((e.uid.clone(), e))
        }
        Command::Marker {
            lat,
            lon,
            label,
            affiliation,
            kind,
            remarks,
            ..
        } => {
            let uid = format!("{MARKER_PREFIX}{}", uuid::Uuid::new_v4());
            let e = command::marker(
                me,
                &uid,
                lat,
                lon,
                &label,
                &affiliation,
                &kind,
                remarks.as_deref(),
                t,
            )?;
            Ok((uid, e))
        }
        Command::Shape {
            shape,
            points,
            radius_m,
            label,
            color,
            remarks,
            ..
        } => {
            // The marker prefix: the web may delete its drawings as its markers.
            let uid = format!("{MARKER_PREFIX}{}", uuid::Uuid::new_v4());
            let d = cop::shape::Drawing {
                kind: shape,
                points,
                radius_m,
                label,
                color,
                remarks,
            };
            let e = cop::shape::drawing(&me.uid, &me.callsign, &uid, &d, t)?;
            Ok((uid, e))
        }
        Command::Ack { .. } => Err(Refused::Garbage("ack is not a CoT command".into())),
        Command::Delete { uid, .. } => {
            let kind = feed
                .hub
                .lock()
                .object(&uid)
                .filter(|_| uid.starts_with(MARKER_PREFIX))
                .map(|o| o.kind.clone())
                .ok_or(Refused::NotYours)?;
            let mid = format!("watchfloor-web-delete-{}", uuid::Uuid::new_v4());
            Ok((uid.clone(), command::delete(&uid, &kind, &mid, t)))
        }
    }
}
