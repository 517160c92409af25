//! Users and groups: `DATA_DIR/users.toml` with argon2id password hashes and group
//! memberships, and a login rate limiter for the enrollment endpoint.
//!
//! ```toml
//! [users.alice]
//! password = "$argon2id$v=19$m=19456,t=2,p=1$…"
//! groups = ["Blue", "Ops:in"]
//! ```

mod groups;
mod limiter;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

pub use groups::{Direction, GroupSpec};
pub use limiter::{LoginLimiter, MAX_LOCKOUT, MAX_TRACKED};

use crate::error::{Error, Result};
use crate::fsutil::{self, Secrecy};

/// File name of the users file inside the data folder.
pub const USERS_FILE: &str = "users.toml";
/// Shortest accepted password, in bytes.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest accepted password, in bytes (bounds hashing work per request).
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Cost of new argon2id hashes. Verification uses the cost recorded in each hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashCost {
    /// Memory, KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl HashCost {
    /// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (about 30 ms optimised).
    pub const DEFAULT: HashCost = HashCost {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// The cheapest cost argon2 allows; for tests only, never for real users.
    pub const INSECURE_TEST: HashCost = HashCost {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };
}

/// One user as listed by [`UsersFile::list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The user name (also the common name of the user's client certificates).
    pub name: String,
    /// Group memberships.
    pub groups: Vec<GroupSpec>,
    /// Locked out by an administrator (or by revoking their certificates):
    /// no login, no enrollment, no connection, until enabled again.
    pub disabled: bool,
    /// Ops roles (`watch_officer`, `legal`, `admin`): what the user may do
    /// to tasks, reviews, rule sets and units.
    pub roles: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct FileForm {
    #[serde(default)]
    users: BTreeMap<String, Record>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    password: String,
    #[serde(default)]
    groups: Vec<String>,
    /// Written only when set, so files of enabled users read as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    disabled: bool,
    /// Ops roles, written only when set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
}

/// The users file, loaded in memory; every change is written back at once (atomically, 0600).
#[derive(Debug)]
pub struct UsersFile {
    path: PathBuf,
    users: BTreeMap<String, Record>,
    cost: HashCost,
    dummy: OnceLock<String>,
}

impl UsersFile {
    /// Opens `data_dir/users.toml`; a missing file is an empty set of users.
    pub fn open(data_dir: impl AsRef<Path>) -> Result<UsersFile> {
        Self::open_path(data_dir.as_ref().join(USERS_FILE))
    }

    /// Opens a users file at an explicit path.
    pub fn open_path(path: impl Into<PathBuf>) -> Result<UsersFile> {
        let mut file = UsersFile {
            path: path.into(),
            users: BTreeMap::new(),
            cost: HashCost::DEFAULT,
            dummy: OnceLock::new(),
        };
        file.reload()?;
        Ok(file)
    }

    /// Uses `cost` for hashes made from now on.
    pub fn with_cost(mut self, cost: HashCost) -> UsersFile {
        self.cost = cost;
        self.dummy = OnceLock::new();
        self
    }

    /// Re-reads the file (after another process changed it).
    pub fn reload(&mut self) -> Result<()> {
        if !self.path.exists() {
            self.users.clear();
            return Ok(());
        }
        let text = fsutil::read_string(&self.path)?;
        let form: FileForm = toml::from_str(&text).map_err(|e| Error::malformed(&self.path, e))?;
        for (name, record) in &form.users {
            fsutil::check_name(name).map_err(|e| Error::malformed(&self.path, e))?;
            for g in &record.groups {
                GroupSpec::parse(g).map_err(|e| Error::malformed(&self.path, e))?;
            }
        }
        self.users = form.users;
        Ok(())
    }

    /// Adds a user; refuses an existing name.
    pub fn add(&mut self, name: &str, password: &str, groups: &[GroupSpec]) -> Result<()> {
        fsutil::check_name(name)?;
        if self.users.contains_key(name) {
            return Err(Error::UserExists(name.to_owned()));
        }
        let record = Record {
            password: self.hash(password)?,
            groups: groups.iter().map(ToString::to_string).collect(),
            disabled: false,
            roles: Vec::new(),
        };
        self.users.insert(name.to_owned(), record);
        self.save()
    }

    /// Replaces a user's password.
    pub fn set_password(&mut self, name: &str, password: &str) -> Result<()> {
        let hash = self.hash(password)?;
        self.record_mut(name)?.password = hash;
        self.save()
    }

    /// Replaces a user's group memberships.
    pub fn set_groups(&mut self, name: &str, groups: &[GroupSpec]) -> Result<()> {
        self.record_mut(name)?.groups = groups.iter().map(ToString::to_string).collect();
        self.save()
    }

    /// Replaces a user's ops roles (names checked by the caller, which
    /// knows the roles; this file only keeps them).
    pub fn set_roles(&mut self, name: &str, roles: &[String]) -> Result<()> {
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        self.record_mut(name)?.roles = roles;
        self.save()
    }

    /// A user's ops roles; none for an unknown or disabled user.
    pub fn roles_of(&self, name: &str) -> Vec<String> {
        self.users
            .get(name)
            .filter(|r| !r.disabled)
            .map(|r| r.roles.clone())
            .unwrap_or_default()
    }

    /// Locks a user out (`true`) or lets them back in (`false`); returns
    /// whether that changed anything.
    pub fn set_disabled(&mut self, name: &str, disabled: bool) -> Result<bool> {
        let record = self.record_mut(name)?;
        if record.disabled == disabled {
            return Ok(false);
        }
        record.disabled = disabled;
        self.save()?;
        Ok(true)
    }

    /// Whether the user exists and is locked out.
    pub fn is_disabled(&self, name: &str) -> bool {
        self.users.get(name).is_some_and(|r| r.disabled)
    }

    /// Removes a user.
    pub fn remove(&mut self, name: &str) -> Result<()> {
        self.users
            .remove(name)
            .ok_or_else(|| Error::UnknownUser(name.to_owned()))?;
        self.save()
    }

    /// Whether `password` is the user's and the user is not disabled. Takes the same time for
    /// an unknown or disabled user (a hash of the same cost is checked) so timing does not
    /// reveal who exists.
    pub fn verify(&self, name: &str, password: &str) -> bool {
        let stored = self
            .users
            .get(name)
            .filter(|r| !r.disabled)
            .map(|r| r.password.as_str());
        let hash = stored.unwrap_or_else(|| self.dummy_hash());
        if password.len() > MAX_PASSWORD_LEN {
            return false;
        }
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        // The comparison inside verify_password is constant-time.
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && stored.is_some()
    }

    /// A user's (IN groups, OUT groups); both empty for an unknown user.
    pub fn groups_of(&self, name: &str) -> (Vec<String>, Vec<String>) {
        groups::split(&self.specs(name))
    }

    /// Whether the user exists.
    pub fn contains(&self, name: &str) -> bool {
        self.users.contains_key(name)
    }

    /// All users, sorted by name.
    pub fn list(&self) -> Vec<User> {
        self.users
            .keys()
            .map(|name| User {
                name: name.clone(),
                groups: self.specs(name),
                disabled: self.is_disabled(name),
                roles: self
                    .users
                    .get(name)
                    .map(|r| r.roles.clone())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn specs(&self, name: &str) -> Vec<GroupSpec> {
        self.users
            .get(name)
            .map(|r| {
                r.groups
                    .iter()
                    .filter_map(|g| GroupSpec::parse(g).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn record_mut(&mut self, name: &str) -> Result<&mut Record> {
        self.users
            .get_mut(name)
            .ok_or_else(|| Error::UnknownUser(name.to_owned()))
    }

    fn hash(&self, password: &str) -> Result<String> {
        if !(MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&password.len()) {
            return Err(Error::PasswordLength {
                min: MIN_PASSWORD_LEN,
                max: MAX_PASSWORD_LEN,
            });
        }
        hash_with(self.cost, password.as_bytes())
    }

    fn dummy_hash(&self) -> &str {
        self.dummy.get_or_init(|| {
            let random: [u8; 16] = rand::random();
            hash_with(self.cost, &random).unwrap_or_default()
        })
    }

    fn save(&self) -> Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let form = FileForm {
            users: self.users.clone(),
        };
        let text = toml::to_string_pretty(&form).map_err(|e| Error::malformed(&self.path, e))?;
        fsutil::write_atomic(&self.path, text.as_bytes(), Secrecy::Secret)
    }
}

fn hash_with(cost: HashCost, password: &[u8]) -> Result<String> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| Error::Hash(e.to_string()))?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password, &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hash(e.to_string()))
}
