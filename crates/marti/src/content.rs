//! `GET/HEAD /Marti/sync/content` and `GET /Marti/api/sync/metadata/{hash}/tool`: streaming
//! downloads with `Range` and TAK's `offset`/`length`.

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use store::Package;

use crate::extract::Caller;
use crate::extract::{QueryShape, P, Q};
use crate::names::{content_disposition, parse_hash};
use crate::{ApiError, Shared};

/// Query of `content`.
#[derive(Deserialize)]
pub(crate) struct ContentQuery {
    hash: Option<String>,
    uid: Option<String>,
    /// First byte to send (TAK's resumable download).
    offset: Option<u64>,
    /// Bytes to send from `offset`.
    length: Option<u64>,
}

impl QueryShape for ContentQuery {}

/// Downloads a visible package by `hash` or `uid`.
pub(crate) async fn content(
    State(st): State<Shared>,
    Caller(caller): Caller,
    method: Method,
    headers: HeaderMap,
    Q(q): Q<ContentQuery>,
) -> Result<Response, ApiError> {
    let pkg = match (q.hash.as_deref(), q.uid.as_deref()) {
        (Some(h), _) => st.visible_by_hash(&parse_hash(h)?, &caller).await?,
        (None, Some(u)) => st.visible_by_uid(u, &caller).await?,
        (None, None) => {
            return Err(ApiError::bad_request(
                "missing_parameter",
                "hash or uid is required",
            ))
        }
    };
    let want = match (q.offset, q.length) {
        (None, None) => parse_range(&headers),
        (offset, length) => Want::Span {
            start: offset.unwrap_or(0),
            len: length,
        },
    };
    serve(&st, &pkg, &method, want).await
}

/// OTS behaviour: `GET …/metadata/{hash}/tool` returns the file itself.
pub(crate) async fn metadata_file(
    State(st): State<Shared>,
    Caller(caller): Caller,
    method: Method,
    headers: HeaderMap,
    P(hash): P<String>,
) -> Result<Response, ApiError> {
    let pkg = st.visible_by_hash(&parse_hash(&hash)?, &caller).await?;
    serve(&st, &pkg, &method, parse_range(&headers)).await
}

/// Which bytes the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Full,
    /// From `start`, `len` bytes or to the end.
    Span {
        start: u64,
        len: Option<u64>,
    },
    /// The last `n` bytes (`bytes=-n`).
    Suffix(u64),
}

/// A single `bytes=` range; anything else (several ranges, other units, bad syntax) is
/// ignored and the whole file sent, which RFC 9110 allows.
fn parse_range(headers: &HeaderMap) -> Want {
    let Some(spec) = headers
        .get(RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Want::Full;
    };
    if spec.contains(',') {
        return Want::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Want::Full;
    };
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(start), Ok(end)) if end >= start => Want::Span {
            start,
            len: Some(end - start + 1),
        },
        (Ok(start), Err(_)) if b.is_empty() => Want::Span { start, len: None },
        (Err(_), Ok(n)) if a.is_empty() => Want::Suffix(n),
        _ => Want::Full,
    }
}

/// The inclusive byte span to send, `None` for the whole file, or 416.
fn resolve(want: Want, size: u64) -> Result<Option<(u64, u64)>, ApiError> {
    let unsatisfiable = || {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!("requested range is outside the {size} bytes of the file"),
        )
    };
    match want {
        Want::Full => Ok(None),
        Want::Span { start, len } => {
            if start >= size || len == Some(0) {
                return Err(unsatisfiable());
            }
            let end = len.map_or(size - 1, |l| start.saturating_add(l - 1).min(size - 1));
            Ok(Some((start, end)))
        }
        Want::Suffix(n) => {
            if n == 0 || size == 0 {
                return Err(unsatisfiable());
            }
            Ok(Some((size - n.min(size), size - 1)))
        }
    }
}

async fn serve(
    st: &Shared,
    pkg: &Package,
    method: &Method,
    want: Want,
) -> Result<Response, ApiError> {
    let span = match resolve(want, pkg.size) {
        Ok(s) => s,
        Err(e) => {
            let mut res = e.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{}", pkg.size)) {
                res.headers_mut().insert(CONTENT_RANGE, v);
            }
            return Ok(res);
        }
    };
    let (status, start, len) = match span {
        None => (StatusCode::OK, 0, pkg.size),
        Some((a, b)) => (StatusCode::PARTIAL_CONTENT, a, b - a + 1),
    };
    let body = if *method == Method::HEAD {
        Body::empty()
    } else {
        let mut file = match tokio::fs::File::open(st.blobs.path_of(&pkg.hash)).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ApiError::not_found("File not found"))
            }
            Err(e) => return Err(e.into()),
        };
        file.seek(SeekFrom::Start(start)).await?;
        Body::from_stream(ReaderStream::new(file.take(len)))
    };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&pkg.mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&pkg.filename)) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", pkg.hash)) {
        h.insert(ETAG, v);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        let v = format!("bytes {}-{}/{}", start, start + len - 1, pkg.size);
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(CONTENT_RANGE, v);
        }
    }
    Ok(res)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn range(v: &str) -> Want {
        let mut h = HeaderMap::new();
        h.insert(RANGE, HeaderValue::from_str(v).unwrap());
        parse_range(&h)
    }

    #[test]
    fn ranges() {
        assert_eq!(
            range("bytes=0-9"),
            Want::Span {
                start: 0,
                len: Some(10)
            }
        );
        assert_eq!(
            range("bytes=5-"),
            Want::Span {
                start: 5,
                len: None
            }
        );
        assert_eq!(range("bytes=-3"), Want::Suffix(3));
        assert_eq!(range("bytes=9-2"), Want::Full);
        assert_eq!(range("bytes=0-1,4-5"), Want::Full);
        assert_eq!(range("items=0-1"), Want::Full);
        assert_eq!(range("bytes=x"), Want::Full);
        assert_eq!(parse_range(&HeaderMap::new()), Want::Full);
    }

    #[test]
    fn resolving() {
        let span = |start, len| Want::Span { start, len };
        assert_eq!(resolve(Want::Full, 10).unwrap(), None);
        assert_eq!(resolve(span(2, Some(3)), 10).unwrap(), Some((2, 4)));
        assert_eq!(resolve(span(8, Some(30)), 10).unwrap(), Some((8, 9)));
        assert_eq!(resolve(span(8, None), 10).unwrap(), Some((8, 9)));
        assert_eq!(resolve(Want::Suffix(3), 10).unwrap(), Some((7, 9)));
        assert_eq!(resolve(Want::Suffix(30), 10).unwrap(), Some((0, 9)));
        assert_eq!(
            resolve(span(10, None), 10).unwrap_err().status,
            StatusCode::RANGE_NOT_SATISFIABLE
        );
        assert!(resolve(span(0, Some(0)), 10).is_err());
        assert!(resolve(Want::Suffix(0), 10).is_err());
    }
}
