//! Offline basemaps on the web listener: the list, tiles by `z/x/y`, the
//! raw archive by byte ranges (for map clients that read PMTiles
//! themselves), and ATAK's custom map source file.
//!
//! A browser rides on its login cookie. A phone cannot log in here, so the
//! map source file it imports carries a capability in its tile URL: `k`,
//! the HMAC-SHA256 of the basemap's id under a key drawn at each start. It
//! opens that one basemap's tiles and nothing else, and stops working when
//! the server restarts (import the file again).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use basemap::{Basemap, Catalog, Kind};
use hmac::{Hmac, Mac};
use serde::Deserialize;

use super::routes::WebState;
use crate::metrics::Metrics;
use api::ApiError;

/// How long clients may keep a tile, seconds: archives change only when
/// the server restarts with another file.
const TILE_CACHE: &str = "public, max-age=3600";
/// Bytes per read while streaming an archive.
const CHUNK: u64 = 256 << 10;

type HmacSha256 = Hmac<sha2::Sha256>;

/// The catalog and the key of this start's capabilities.
pub(crate) struct Basemaps {
    catalog: Catalog,
    key: [u8; 32],
}

impl Basemaps {
    /// The catalog, with a fresh random key.
    pub(crate) fn new(catalog: Catalog) -> Basemaps {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Basemaps { catalog, key }
    }

    fn mac(&self, id: &str) -> HmacSha256 {
        // HMAC takes a key of any length; 32 bytes cannot be refused.
        let mut mac = HmacSha256::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("hmac accepts any key length"));
        mac.update(id.as_bytes());
        mac
    }

    /// The capability for basemap `id`, hex.
    fn token(&self, id: &str) -> String {
        hex::encode(self.mac(id).finalize().into_bytes())
    }

    /// Whether `k` is the capability for `id` (compared in constant time).
    fn valid(&self, id: &str, k: &str) -> bool {
        hex::decode(k).is_ok_and(|k| self.mac(id).verify_slice(&k).is_ok())
    }

    /// The list a map client is given: each basemap's description and its
    /// tile URL template.
    pub(crate) fn list_json(&self) -> Vec<serde_json::Value> {
        self.catalog
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m.info()).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert(
                        "tiles".into(),
                        format!("/basemaps/{}/{{z}}/{{x}}/{{y}}", m.id()).into(),
                    );
                }
                v
            })
            .collect()
    }
}

/// The routes, merged into the web listener's router.
pub(crate) fn router() -> Router<WebState> {
    Router::new()
        .route("/api/basemaps", get(list))
        .route("/basemaps/:id/archive", get(archive))
        .route("/basemaps/:id/mapsource.xml", get(mapsource))
        .route("/basemaps/:id/:z/:x/:y", get(tile))
}

/// Counts a refusal and logs it at debug: a map asks for many tiles, and
/// one misconfigured phone must not flood the log.
fn refuse(s: &WebState, id: &str, e: ApiError) -> Response {
    Metrics::add(&s.feed.metrics.basemap_errors, 1);
    tracing::debug!(basemap = %id, status = e.status.as_u16(), reason = %e.message, "basemap request refused");
    e.into_response()
}

fn login_first() -> ApiError {
    ApiError::unauthorized("login_required", "log in first")
}

#[derive(Deserialize)]
struct Capability {
    k: Option<String>,
}

/// The basemap `id` if the caller may read it: a logged-in session (or no
/// login at all), or the basemap's capability in `k`.
fn allowed(
    s: &WebState,
    headers: &HeaderMap,
    id: &str,
    k: Option<&str>,
) -> Result<Arc<Basemap>, ApiError> {
    let by_token = k.is_some_and(|k| s.basemaps.valid(id, k));
    if !by_token && s.ops_actor(headers).is_none() {
        return Err(login_first());
    }
    s.basemaps
        .catalog
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("unknown basemap {id}")))
}

async fn list(State(s): State<WebState>, headers: HeaderMap) -> Response {
    if s.ops_actor(&headers).is_none() {
        return refuse(&s, "", login_first());
    }
    Json(s.basemaps.list_json()).into_response()
}

/// `z`, `x` and `y` of a tile path, `y` perhaps with an extension.
fn coordinates(z: &str, x: &str, y: &str) -> Option<(u8, u32, u32)> {
    let y = y.split_once('.').map_or(y, |(y, _)| y);
    let (z, x, y) = (z.parse().ok()?, x.parse().ok()?, y.parse().ok()?);
    basemap::valid_coordinates(z, x, y).then_some((z, x, y))
}

async fn tile(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, z, x, y)): Path<(String, String, String, String)>,
    Query(q): Query<Capability>,
) -> Response {
    let map = match allowed(&s, &headers, &id, q.k.as_deref()) {
        Ok(m) => m,
        Err(e) => return refuse(&s, &id, e),
    };
    let Some((z, x, y)) = coordinates(&z, &x, &y) else {
        let e = ApiError::bad_request("bad_tile", format!("no tile {z}/{x}/{y} can exist"));
        return refuse(&s, &id, e);
    };
    let read = tokio::task::spawn_blocking(move || map.tile(z, x, y)).await;
    match read {
        Ok(Ok(Some(t))) => {
            Metrics::add(&s.feed.metrics.basemap_tiles, 1);
            let mut r = (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, t.content_type),
                    (header::CACHE_CONTROL, TILE_CACHE),
                ],
                t.data,
            )
                .into_response();
            if let Some(enc) = t.content_encoding {
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
            }
            r
        }
        // No tile here: map clients draw nothing for a 204, where a 404
        // would be logged as an error on every pan past the archive's edge.
        Ok(Ok(None)) => (
            StatusCode::NO_CONTENT,
            [(header::CACHE_CONTROL, TILE_CACHE)],
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::warn!(basemap = %id, error = %e, "basemap tile unreadable");
            refuse(&s, &id, ApiError::internal(e))
        }
        Err(e) => refuse(&s, &id, ApiError::internal(e)),
    }
}

/// A `Range` header as the first and last byte, for an archive of `size`
/// bytes. `Ok(None)`: no range to honour (absent, several, or not bytes),
/// the whole archive is sent; `Err`: nothing of it can be sent (416).
fn range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        (true, false) => b.parse::<u64>().ok().map(|n| {
            if n == 0 {
                return Err(());
            }
            Ok((size.saturating_sub(n), size.saturating_sub(1)))
        }),
        (false, true) => a
            .parse::<u64>()
            .ok()
            .map(|a| Ok((a, size.saturating_sub(1)))),
        (false, false) => match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(a), Ok(b)) if a <= b => Some(Ok((a, b.min(size.saturating_sub(1))))),
            _ => None,
        },
        (true, true) => None,
    };
    match parsed {
        // A malformed range is ignored, as RFC 9110 asks.
        None => Ok(None),
        Some(Ok((a, _))) if a >= size => Err(()),
        Some(r) => r.map(Some),
    }
}

async fn archive(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Capability>,
) -> Response {
    let map = match allowed(&s, &headers, &id, q.k.as_deref()) {
        Ok(m) => m,
        Err(e) => return refuse(&s, &id, e),
    };
    let size = map.info().bytes;
    let (status, first, last) = match range(&headers, size) {
        Ok(Some((a, b))) => (StatusCode::PARTIAL_CONTENT, a, b),
        Ok(None) => (StatusCode::OK, 0, size.saturating_sub(1)),
        Err(()) => {
            Metrics::add(&s.feed.metrics.basemap_errors, 1);
            tracing::debug!(basemap = %id, "basemap range past the end refused");
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
            )
                .into_response();
        }
    };
    let len = if size == 0 { 0 } else { last - first + 1 };
    // Read chunk by chunk on the blocking pool: an archive may be many
    // gigabytes, and only one chunk is in memory at a time.
    let stream = futures::stream::try_unfold((map, first, len), |(map, at, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let n = left.min(CHUNK);
        let m = map.clone();
        let bytes = tokio::task::spawn_blocking(move || m.read_range(at, n))
            .await
            .map_err(std::io::Error::other)?
            .map_err(std::io::Error::other)?;
        Ok::<_, std::io::Error>(Some((bytes, (map, at + n, left - n))))
    });
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(TILE_CACHE));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{last}/{size}")) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    r
}

/// Escapes text for an XML element.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A `Host` header fit to put in a URL: a name or address and a port.
fn host(headers: &HeaderMap) -> Option<&str> {
    let h = headers.get(header::HOST)?.to_str().ok()?;
    let fine = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    (!h.is_empty() && h.len() <= 255 && h.chars().all(fine)).then_some(h)
}

async fn mapsource(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let map = match allowed(&s, &headers, &id, None) {
        Ok(m) => m,
        Err(e) => return refuse(&s, &id, e),
    };
    let info = map.info();
    if info.kind != Kind::Raster {
        let e = ApiError::new(
            StatusCode::CONFLICT,
            "vector_basemap",
            format!("{id} holds vector tiles; ATAK map sources are raster (PNG, JPEG or WebP)"),
        );
        return refuse(&s, &id, e);
    }
    let Some(host) = host(&headers) else {
        let e = ApiError::bad_request("bad_host", "the request has no usable Host header");
        return refuse(&s, &id, e);
    };
    let scheme = if s.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let ext = info.format.extension();
    let mut url = format!("{scheme}://{host}/basemaps/{id}/{{$z}}/{{$x}}/{{$y}}.{ext}");
    if !s.users.any() {
        // No login: nothing to prove (and the listener is loopback only).
    } else {
        url.push_str("?k=");
        url.push_str(&s.basemaps.token(&id));
    }
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<customMapSource>\n    <name>{}</name>\n    <minZoom>{}</minZoom>\n    <maxZoom>{}</maxZoom>\n    <tileType>{ext}</tileType>\n    <tileUpdate>None</tileUpdate>\n    <url>{}</url>\n    <backgroundColor>#000000</backgroundColor>\n</customMapSource>\n",
        xml(&info.name),
        info.min_zoom,
        info.max_zoom,
        xml(&url),
    );
    let disposition = format!("attachment; filename=\"{id}.xml\"");
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_range(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(v).expect("ascii"));
        h
    }

    #[test]
    fn ranges_as_rfc_9110_has_them() {
        let r = |v: &str| range(&with_range(v), 100);
        assert_eq!(range(&HeaderMap::new(), 100), Ok(None));
        assert_eq!(r("bytes=0-9"), Ok(Some((0, 9))));
        assert_eq!(r("bytes=90-"), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-10"), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-1000"), Ok(Some((0, 99))));
        assert_eq!(r("bytes=50-5000"), Ok(Some((50, 99))));
        assert_eq!(r("bytes=100-"), Err(()));
        assert_eq!(r("bytes=-0"), Err(()));
        assert_eq!(r("bytes=9-3"), Ok(None), "malformed: ignored");
        assert_eq!(r("bytes=0-1,5-6"), Ok(None), "several: the whole file");
        assert_eq!(r("items=0-1"), Ok(None));
    }

    #[test]
    fn tile_paths_and_capabilities() {
        assert_eq!(coordinates("3", "2", "5.png"), Some((3, 2, 5)));
        assert_eq!(coordinates("3", "2", "5"), Some((3, 2, 5)));
        assert_eq!(coordinates("3", "8", "5"), None);
        assert_eq!(coordinates("x", "0", "0"), None);
        let b = Basemaps::new(Catalog::default());
        let k = b.token("sector");
        assert!(b.valid("sector", &k));
        assert!(!b.valid("other", &k));
        assert!(!b.valid("sector", "zz"));
        assert!(
            !Basemaps::new(Catalog::default()).valid("sector", &k),
            "a new key each start"
        );
    }
}
