//! Web logins: the users file's passwords, a rate limiter per name and
//! address, and session cookies kept in memory.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};
use parking_lot::Mutex;
use trust::users::LoginLimiter;

/// The cookie that carries a web session.
pub(crate) const COOKIE: &str = "wf_session";
/// How long a login lasts without use.
const IDLE: Duration = Duration::from_secs(12 * 3600);
/// Most sessions kept; the least recently used goes first.
const MAX_SESSIONS: usize = 10_000;

struct Login {
    user: String,
    last_used: Instant,
}

/// Logged-in browsers.
pub(crate) struct Logins {
    sessions: Mutex<HashMap<String, Login>>,
    limiter: Mutex<LoginLimiter>,
}

impl Default for Logins {
    fn default() -> Self {
        Logins {
            sessions: Mutex::new(HashMap::new()),
            limiter: Mutex::new(LoginLimiter::new(5, Duration::from_secs(60))),
        }
    }
}

/// Why a login failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LoginError {
    /// Wrong name or password.
    Refused,
    /// Too many failures lately; try again after this long.
    Limited(Duration),
}

impl Logins {
    /// Checks a password with `verify` and opens a session: its token.
    pub(crate) fn login(
        &self,
        user: &str,
        ip: IpAddr,
        verify: impl FnOnce() -> bool,
    ) -> Result<String, LoginError> {
        let now = Instant::now();
        if let Err(wait) = self.limiter.lock().check(user, ip, now) {
            return Err(LoginError::Limited(wait));
        }
        if !verify() {
            self.limiter.lock().record_failure(user, ip, now);
            return Err(LoginError::Refused);
        }
        self.limiter.lock().record_success(user, ip);
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let mut s = self.sessions.lock();
        s.retain(|_, l| now.duration_since(l.last_used) < IDLE);
        if s.len() >= MAX_SESSIONS {
            if let Some(oldest) = s
                .iter()
                .min_by_key(|(_, l)| l.last_used)
                .map(|(k, _)| k.clone())
            {
                s.remove(&oldest);
            }
        }
        s.insert(
            token.clone(),
            Login {
                user: user.to_string(),
                last_used: now,
            },
        );
        Ok(token)
    }

    /// The user of the session in these request headers, if it is valid.
    pub(crate) fn user(&self, headers: &HeaderMap) -> Option<String> {
        let token = token(headers)?;
        let now = Instant::now();
        let mut s = self.sessions.lock();
        let l = s.get_mut(&token)?;
        if now.duration_since(l.last_used) >= IDLE {
            s.remove(&token);
            return None;
        }
        l.last_used = now;
        Some(l.user.clone())
    }

    /// Ends the session in these headers.
    pub(crate) fn logout(&self, headers: &HeaderMap) {
        if let Some(t) = token(headers) {
            self.sessions.lock().remove(&t);
        }
    }
}

/// The session token from the `Cookie` headers.
fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value for a new session (or, with `None`, its end).
pub(crate) fn set_cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!("{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/{secure}"),
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_cookie(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(v).expect("ascii"));
        h
    }

    #[test]
    fn login_logout_and_limit() {
        let l = Logins::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        let t = l.login("alice", ip, || true).expect("right password");
        let h = with_cookie(&format!("theme=dark; {COOKIE}={t}"));
        assert_eq!(l.user(&h).as_deref(), Some("alice"));
        l.logout(&h);
        assert_eq!(l.user(&h), None);
        assert_eq!(l.user(&with_cookie(&format!("{COOKIE}=forged"))), None);
        for _ in 0..5 {
            assert_eq!(l.login("bob", ip, || false), Err(LoginError::Refused));
        }
        assert!(matches!(
            l.login("bob", ip, || true),
            Err(LoginError::Limited(_))
        ));
        assert!(
            l.login("carol", ip, || true).is_ok(),
            "others are not locked out"
        );
        assert!(set_cookie(Some("ab"), true).contains("HttpOnly; SameSite=Strict"));
    }
}
