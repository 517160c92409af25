//! How the binary reports a failure: one line that says what failed, names
//! the flag, key or file involved and how to fix it. No backtrace (even with
//! `RUST_BACKTRACE=1`) and no cause printed twice.

use server::{Listener, ServerError};

/// The whole chain of `e` on one line, `outer: inner: ...`, leaving out a
/// cause whose text the line already holds (a library error that embeds its
/// source would otherwise print it twice) and folding multi-line messages.
pub(crate) fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() || line.to_lowercase().contains(&text.to_lowercase()) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The flag and config key that set a listener's address.
fn setting_of(listener: Listener) -> &'static str {
    match listener {
        Listener::Tcp => "--tcp ([tak] tcp)",
        Listener::Udp => "--udp ([tak] udp)",
        Listener::Tls => "--tls ([tls] listen)",
        Listener::Enroll => "--enroll ([tls] enroll)",
        Listener::Https => "--https ([marti] https)",
        Listener::Http => "--http ([http] listen)",
        Listener::Web => "--web ([web] listen)",
        _ => "[[sensors.inputs]] in the config file",
    }
}

/// A start-up failure of the server with what to do about it.
pub(crate) fn server(e: ServerError) -> anyhow::Error {
    use std::io::ErrorKind;
    let fix = match &e {
        ServerError::Bind {
            listener, error, ..
        } => {
            let setting = setting_of(*listener);
            match error.kind() {
                ErrorKind::AddrInUse => {
                    format!("stop what holds it (`ss -ltnp` names it) or choose another port with {setting}")
                }
                ErrorKind::PermissionDenied => {
                    format!("choose a port above 1023 with {setting}")
                }
                ErrorKind::AddrNotAvailable => format!(
                    "give {setting} an address of this machine, a bare port for all interfaces or 127.0.0.1"
                ),
                _ => format!("check {setting}"),
            }
        }
        ServerError::StoreOpen { .. } | ServerError::DataDir { .. } | ServerError::Store(_) => {
            "give --data-dir ([store] data_dir) a folder watchfloor may read and write, or \"\" to keep nothing on disk".to_string()
        }
        _ => return anyhow::Error::new(e),
    };
    anyhow::anyhow!("{e}; {fix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error that puts its source in its own message, as many do.
    #[derive(Debug)]
    struct Embeds {
        source: std::io::Error,
    }

    impl std::fmt::Display for Embeds {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "cannot listen on 1.2.3.4:5: {}", self.source)
        }
    }

    impl std::error::Error for Embeds {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::AddrInUse, "address in use");
        let e = anyhow::Error::new(Embeds { source: io }).context("starting");
        assert_eq!(
            one_line(&e),
            "starting: cannot listen on 1.2.3.4:5: address in use"
        );
        let e = anyhow::anyhow!("line one\n  line two\n").context("outer");
        assert_eq!(one_line(&e), "outer: line one line two");
    }
}
