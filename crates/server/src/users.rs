//! The users file as the running server sees it: reloaded when it changes
//! on disk, so `watchfloor users add` takes effect without a restart.

use std::path::PathBuf;
use std::time::SystemTime;

use parking_lot::Mutex;
use trust::users::UsersFile;

use picture::Identity;

/// Shared, reloading access to the users file.
#[derive(Debug)]
pub(crate) struct Users {
    /// `None`: there is no users file, so no users.
    path: Option<PathBuf>,
    inner: Mutex<(Option<SystemTime>, Option<UsersFile>)>,
}

impl Users {
    /// Watches `path`; a missing file (or no path) means no users yet.
    pub(crate) fn new(path: Option<PathBuf>) -> Self {
        Users {
            path,
            inner: Mutex::new((None, None)),
        }
    }

    fn with<T>(&self, f: impl FnOnce(Option<&UsersFile>) -> T) -> T {
        let Some(path) = &self.path else {
            return f(None);
        };
        let mut inner = self.inner.lock();
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if modified != inner.0 || (modified.is_some() && inner.1.is_none()) {
            inner.1 = match modified {
                None => None,
                Some(_) => match UsersFile::open_path(path.clone()) {
                    Ok(u) => Some(u),
                    Err(e) => {
                        tracing::warn!(path = %path.display(), error = %e, "users file unreadable; keeping the last good one");
                        inner.1.take()
                    }
                },
            };
            inner.0 = modified;
        }
        f(inner.1.as_ref())
    }

    /// Who `user` is: their groups from the file; anonymous when the file
    /// gives them none (or does not list them).
    pub(crate) fn identity(&self, user: &str) -> Identity {
        let (send, recv) = self.with(|u| match u {
            Some(u) if u.contains(user) => u.groups_of(user),
            _ => (Vec::new(), Vec::new()),
        });
        Identity::new(Some(user.to_string()), send, recv)
    }

    /// The ops roles the file gives `user` (none when disabled, unknown,
    /// or a role name this version does not know).
    pub(crate) fn roles(&self, user: &str) -> Vec<ops::Role> {
        self.with(|u| u.map(|u| u.roles_of(user)).unwrap_or_default())
            .iter()
            .filter_map(|r| ops::Role::parse(r))
            .collect()
    }

    /// Whether the file lists `user` as disabled (locked out by an
    /// administrator or by revoking their certificates).
    pub(crate) fn disabled(&self, user: &str) -> bool {
        self.with(|u| u.is_some_and(|u| u.is_disabled(user)))
    }

    /// Every disabled user, read once (for checking many sessions).
    pub(crate) fn disabled_users(&self) -> std::collections::HashSet<String> {
        self.with(|u| {
            u.map(|u| {
                u.list()
                    .into_iter()
                    .filter(|x| x.disabled)
                    .map(|x| x.name)
                    .collect()
            })
            .unwrap_or_default()
        })
    }

    /// Whether the file names at least one user.
    pub(crate) fn any(&self) -> bool {
        self.with(|u| u.is_some_and(|u| !u.list().is_empty()))
    }

    /// Whether `password` is right for `user` (constant time for unknown users).
    pub(crate) fn verify(&self, user: &str, password: &str) -> bool {
        self.with(|u| u.is_some_and(|u| u.verify(user, password)))
    }
}

/// The users file: as given, else `DATA_DIR/users.toml`; none without
/// either (then there are no users).
pub(crate) fn path(config: &crate::ServerConfig) -> Option<PathBuf> {
    match (&config.users.file, &config.store.data_dir) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(d)) => Some(d.join("users.toml")),
        (None, None) => None,
    }
}
