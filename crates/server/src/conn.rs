//! One streaming client: a reader loop that decodes and forwards to the
//! router, and a writer task that drains the client's [`Outbox`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use picture::{ClientId, Encoding, Identity, Message};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::codec::{self, Inbound, StreamDecoder};
use crate::metrics::Metrics;
use crate::negotiate;
use crate::outbox::{OutItem, Outbox};
use crate::ratelimit::{client_bucket, client_wait, WarnLimit};
use crate::router::{now, RouterMsg};

/// What every connection needs to know, shared.
#[derive(Debug)]
pub(crate) struct ConnShared {
    pub(crate) router: mpsc::Sender<RouterMsg>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) config: crate::config::TakConfig,
    pub(crate) shutdown: CancellationToken,
}

/// Bytes gathered before a write to the socket.
const WRITE_CHUNK: usize = 32 * 1024;

/// Writes one chunk; false when the connection must end (peer gone, the
/// client stopped reading for `write_timeout`, or shutdown).
async fn write_chunk<W: AsyncWrite + Unpin>(
    writer: &mut W,
    buf: &[u8],
    shared: &ConnShared,
    stop: &CancellationToken,
) -> bool {
    let write = tokio::time::timeout(shared.config.write_timeout, writer.write_all(buf));
    let result = tokio::select! {
        r = write => r,
        () = stop.cancelled() => return false,
    };
    match result {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            // The peer went away; the reader sees the same and reports it.
            tracing::debug!(error = %e, "write failed");
            stop.cancel();
            false
        }
        Err(_) => {
            tracing::warn!(timeout = ?shared.config.write_timeout, "client stopped reading; closing connection");
            Metrics::add(&shared.metrics.write_stalls, 1);
            stop.cancel();
            false
        }
    }
}

/// Serves one accepted stream until either side ends it, or `stop` (a
/// child of the server's shutdown token) is cancelled.
pub(crate) async fn serve<S>(
    stream: S,
    peer: SocketAddr,
    id: ClientId,
    identity: Arc<Identity>,
    shared: Arc<ConnShared>,
    stop: CancellationToken,
) where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let span = tracing::info_span!("conn", client = %id, %peer, callsign = tracing::field::Empty);
    async move {
        let (reader, writer) = tokio::io::split(stream);
        let outbox = Arc::new(Outbox::new(shared.config.outbound_queue));
        // A verified certificate names the user: such a client is known
        // before it says anything, and may only listen (CloudTAK's
        // listeners, ETL tools ping but never send an SA). Only anonymous
        // plain-TCP clients have to identify by SA in time.
        let known = identity.user().is_some();
        let connect = RouterMsg::Connect {
            id,
            identity,
            outbox: outbox.clone(),
            offer_proto: shared.config.offer_protobuf,
            listener: known,
        };
        if shared.router.send(connect).await.is_err() {
            return;
        }
        let write_task = tokio::spawn(
            write_loop(writer, outbox.clone(), shared.clone(), stop.clone())
                .instrument(tracing::Span::current()),
        );
        let why = read_loop(reader, id, known, &outbox, &shared, &stop).await;
        tracing::info!(reason = why, "connection closed");
        stop.cancel();
        let _ = shared.router.send(RouterMsg::Disconnect { id }).await;
        outbox.close();
        let _ = write_task.await;
    }
    .instrument(span)
    .await;
}

/// Reads and forwards until the connection ends; `known` clients (by
/// certificate) have no identify deadline.
async fn read_loop<R: AsyncRead + Unpin>(
    mut reader: R,
    id: ClientId,
    known: bool,
    outbox: &Outbox,
    shared: &ConnShared,
    stop: &CancellationToken,
) -> &'static str {
    let cfg = &shared.config;
    let metrics = &shared.metrics;
    let mut decoder = StreamDecoder::new(cfg.max_event_bytes);
    // Small: an idle client should cost little memory; a large event
    // only takes more reads.
    let mut buf = vec![0u8; 4 * 1024];
    let mut identified = false;
    let identify_deadline = Instant::now() + cfg.identify_timeout;
    let mut rate = client_bucket(cfg.client_rate);
    let mut warn = WarnLimit::new(Duration::from_secs(10));
    loop {
        let n = tokio::select! {
            r = reader.read(&mut buf) => match r {
                Ok(0) => return "closed by peer",
                Ok(n) => n,
                Err(_) => return "read error",
            },
            () = tokio::time::sleep_until(identify_deadline), if !identified && !known => {
                Metrics::add(&metrics.identify_timeouts, 1);
                tracing::warn!("client never identified; closing");
                return "identify timeout";
            }
            () = stop.cancelled() => return "shutdown",
        };
        Metrics::add(&metrics.bytes_in, n as u64);
        decoder.push(&buf[..n]);
        while let Some(item) = decoder.next() {
            let (event, raw) = match item {
                Inbound::Event(d) => {
                    if d.scrubbed {
                        Metrics::add(&metrics.events_scrubbed, 1);
                    }
                    (*d.event, d.raw)
                }
                Inbound::Auth => continue,
                Inbound::Skipped(kind, why) => {
                    metrics.decode_error(kind);
                    if warn.allow(Instant::now()) {
                        tracing::warn!(?kind, error = %why, "bad input skipped");
                    }
                    continue;
                }
                Inbound::Fatal(kind, why) => {
                    metrics.decode_error(kind);
                    tracing::warn!(?kind, error = %why, "bad input; closing connection");
                    return "bad input";
                }
            };
            Metrics::add(&metrics.events_in_stream, 1);
            if let Some(wait) = client_wait(&mut rate, Instant::now()) {
                Metrics::add(&metrics.throttled, 1);
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = stop.cancelled() => return "shutdown",
                }
            }
            if let Some(version) = negotiate::requested_version(&event) {
                let accepted =
                    version.as_deref() == Some("1") && decoder.encoding() == Some(Encoding::Xml);
                let reply = negotiate::response(&event.uid, accepted, now());
                outbox.push(OutItem::Raw(codec::encode(&reply, Encoding::Xml)));
                if accepted {
                    outbox.push(OutItem::Switch(Encoding::Proto));
                    decoder.switch_to_proto();
                    Metrics::add(&metrics.proto_upgrades, 1);
                    tracing::info!("switched to TAK protocol v1");
                }
                continue;
            }
            if !identified && !event.is_control() && cot::type_matches(&event.kind, "a") {
                identified = true;
                if decoder.encoding() == Some(Encoding::Proto) {
                    // A client that speaks protobuf from its first byte reads it too.
                    outbox.push(OutItem::Switch(Encoding::Proto));
                }
                let callsign = event.detail.callsign().unwrap_or_else(|| event.uid.clone());
                tracing::Span::current().record("callsign", callsign.as_str());
            }
            let msg = match raw {
                // A copy of its own: a slice would pin the whole read
                // buffer for as long as the picture caches this event.
                Some(raw) => Message::with_xml(event, Bytes::copy_from_slice(&raw)),
                None => Message::new(event),
            };
            if shared
                .router
                .send(RouterMsg::Event {
                    id,
                    msg: Arc::new(msg),
                })
                .await
                .is_err()
            {
                return "router gone";
            }
        }
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    outbox: Arc<Outbox>,
    shared: Arc<ConnShared>,
    stop: CancellationToken,
) {
    let mut encoding = Encoding::Xml;
    let mut items = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    'outer: loop {
        items.clear();
        let got = tokio::select! {
            r = outbox.pop_all(&mut items) => r,
            () = stop.cancelled() => None,
        };
        if got.is_none() {
            break;
        }
        let mut count = 0u64;
        let last = items.len().saturating_sub(1);
        for (i, item) in items.drain(..).enumerate() {
            match item {
                OutItem::Msg(m) => {
                    let enc = encoding;
                    let bytes: Bytes = m.encoded(enc, |e| codec::encode(e, enc));
                    buf.extend_from_slice(&bytes);
                    count += 1;
                }
                OutItem::Raw(b) => buf.extend_from_slice(&b),
                OutItem::Switch(e) => encoding = e,
            }
            // Write in slices of about 32 KiB: a join replay of a large
            // picture never needs one large buffer per client.
            if buf.len() >= WRITE_CHUNK || (i == last && !buf.is_empty()) {
                if !write_chunk(&mut writer, &buf, &shared, &stop).await {
                    break 'outer;
                }
                Metrics::add(&shared.metrics.bytes_out, buf.len() as u64);
                Metrics::add(&shared.metrics.events_out, count);
                count = 0;
                buf.clear();
            }
        }
        if items.capacity() > 256 {
            items = Vec::new();
        }
        // The queue is drained: an idle client keeps no write buffer.
        if buf.capacity() > 8 * 1024 {
            buf = Vec::new();
        }
    }
    let _ = writer.shutdown().await;
}

/// Accepts streams on `listener` until shutdown: the connection limit, the
/// accept back-off and the task bookkeeping that plain TCP and TLS share.
/// `serve` gets each admitted socket and its client id; the limit's permit
/// is held until it returns.
pub(crate) async fn accept_loop<F, Fut>(
    listener: tokio::net::TcpListener,
    shared: Arc<ConnShared>,
    limit: Arc<tokio::sync::Semaphore>,
    ids: Arc<std::sync::atomic::AtomicU64>,
    serve: F,
) where
    F: Fn(tokio::net::TcpStream, SocketAddr, ClientId) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            () = shared.shutdown.cancelled() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = limit.clone().try_acquire_owned() else {
            Metrics::add(&shared.metrics.connections_refused, 1);
            tracing::warn!(%peer, "connection limit reached; refused");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let id = ClientId(ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let fut = serve(stream, peer, id);
        conns.spawn(async move {
            fut.await;
            drop(permit);
        });
    }
    // Connections see the same cancellation; wait for them to finish.
    while conns.join_next().await.is_some() {}
}

/// [`serve`] with the open-connection counters kept around it.
pub(crate) async fn serve_counted<S>(
    stream: S,
    peer: SocketAddr,
    id: ClientId,
    identity: Arc<Identity>,
    shared: Arc<ConnShared>,
    stop: CancellationToken,
) where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let metrics = shared.metrics.clone();
    Metrics::add(&metrics.connections_total, 1);
    Metrics::add(&metrics.connections_open, 1);
    serve(stream, peer, id, identity, shared, stop).await;
    metrics
        .connections_open
        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
}
