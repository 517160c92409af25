//! Extractors that turn every rejection into an [`ApiError`], the caller's identity, and the
//! request's origin (for URLs in responses).

use std::convert::Infallible;

use axum::async_trait;
use axum::extract::{FromRequestParts, Path};
use axum::http::header::HOST;
use axum::http::request::Parts;
use picture::Identity;
use serde::de::DeserializeOwned;

use crate::{ApiError, Scheme, Shared};

/// How a query struct reads repeated keys. TAK clients repeat some keys
/// (node-tak sends `keyword=missionpackage&keyword=route`); TAK Server
/// takes every value of a list field and the first value of any other.
pub(crate) trait QueryShape {
    /// Keys whose repeated values are joined with `,` (a comma list is the
    /// other form clients send), matched without regard to case.
    const LISTS: &'static [&'static str] = &[];
}

/// The query string of `T`, with repeated keys folded as [`QueryShape`] says,
/// rejected as an [`ApiError`] (400 `bad_query`).
pub(crate) struct Q<T>(pub(crate) T);

#[async_trait]
impl<T: DeserializeOwned + QueryShape + Send, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let folded = fold_query(parts.uri.query().unwrap_or(""), T::LISTS);
        serde_urlencoded::from_str(&folded)
            .map(Q)
            .map_err(|e| ApiError::bad_request("bad_query", format!("invalid query string: {e}")))
    }
}

/// `query` with one value per key: list keys (any case) renamed to their
/// listed spelling and their values joined with `,`; for other keys the
/// first value wins.
fn fold_query(query: &str, lists: &[&str]) -> String {
    let mut keys: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let list = lists.iter().find(|l| l.eq_ignore_ascii_case(&k));
        let key = list.map_or_else(|| k.clone().into_owned(), |l| (*l).to_owned());
        match keys.iter().position(|x| *x == key) {
            Some(i) if list.is_some() => {
                let joined = &mut values[i];
                if !joined.is_empty() && !v.is_empty() {
                    joined.push(',');
                }
                joined.push_str(&v);
            }
            Some(_) => {}
            None => {
                keys.push(key);
                values.push(v.into_owned());
            }
        }
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in keys.iter().zip(&values) {
        out.append_pair(k, v);
    }
    out.finish()
}

/// `Path<T>` whose rejection is an [`ApiError`] (400 `bad_path`).
pub(crate) struct P<T>(pub(crate) T);

#[async_trait]
impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for P<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(v) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(P(v))
    }
}

/// Who is calling: the [`Identity`] the server put in the request's extensions, anonymous
/// when there is none. A local type because the extractor trait and `Identity` are both
/// foreign to this crate.
pub(crate) struct Caller(pub(crate) Identity);

#[async_trait]
impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Caller(
            parts
                .extensions
                .get::<Identity>()
                .cloned()
                .unwrap_or_else(Identity::anonymous),
        ))
    }
}

/// Where the request was addressed: the host for `version/config` and the base of URLs.
pub(crate) struct Origin {
    /// `Host` header (validated), else the URI authority, else `localhost`.
    pub(crate) host: String,
    /// `scheme://host` or the configured public base URL, without a trailing slash.
    pub(crate) base: String,
}

#[async_trait]
impl FromRequestParts<Shared> for Origin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Infallible> {
        let host = parts
            .headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .filter(|h| is_plausible_host(h))
            .unwrap_or("localhost")
            .to_owned();
        let scheme = match parts.extensions.get::<Scheme>() {
            Some(Scheme::Https) => "https",
            Some(Scheme::Http) => "http",
            None => parts.uri.scheme_str().unwrap_or("http"),
        };
        let base = match &state.config.public_base_url {
            Some(b) => b.trim_end_matches('/').to_owned(),
            None => format!("{scheme}://{host}"),
        };
        Ok(Origin { host, base })
    }
}

/// A `Host` value is echoed into URLs and JSON, so only host-ish characters are accepted
/// (no spaces, slashes, quotes or anything that could break out of a URL).
fn is_plausible_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
        })
}

/// Host name part of a `Host` value (drops the port; keeps IPv6 brackets' content).
pub(crate) fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.split(':').next().unwrap_or(host)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn repeated_list_keys_are_joined_and_others_keep_the_first() {
        let lists = &["keyword", "groups"];
        assert_eq!(
            fold_query(
                "keyword=missionpackage&Groups=blue&keyword=route&name=a&name=b&Groups=red",
                lists
            ),
            "keyword=missionpackage%2Croute&groups=blue%2Cred&name=a"
        );
        assert_eq!(fold_query("keyword=&keyword=x", lists), "keyword=x");
        assert_eq!(fold_query("", lists), "");
        assert_eq!(fold_query("a=1%262&a=3", &[]), "a=1%262");
    }

    #[test]
    fn hosts() {
        assert!(is_plausible_host("tak.example:8443"));
        assert!(is_plausible_host("[::1]:8443"));
        assert!(!is_plausible_host("evil.com/x?"));
        assert!(!is_plausible_host("a b"));
        assert!(!is_plausible_host(""));
        assert_eq!(host_name("tak.example:8443"), "tak.example");
        assert_eq!(host_name("[::1]:8443"), "::1");
        assert_eq!(host_name("localhost"), "localhost");
    }
}
