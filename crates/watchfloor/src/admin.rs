//! `watchfloor certs` and `watchfloor users`: the administrator's commands
//! for trust. Each calls the `trust` crate and reports what it wrote.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use trust::users::{GroupSpec, UsersFile};

/// `watchfloor certs ...`
#[derive(Debug, Subcommand)]
pub(crate) enum CertsCommand {
    /// Create the CA and the server certificate in DIR.
    Init {
        /// The folder to write (created if missing).
        #[arg(long)]
        dir: PathBuf,
        /// Every name and address clients will reach the server at; repeatable.
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
        /// Organisation in the certificates' subjects.
        #[arg(long, default_value = "watchfloor")]
        org: String,
        /// Port of the TLS streaming listener, for the client packages' connect string.
        #[arg(long, default_value_t = 8089)]
        port: u16,
        /// Replace an existing CA (every certificate it signed stops working).
        #[arg(long)]
        force: bool,
    },
    /// Issue a client certificate and its connection data package.
    Client {
        /// The user name (the certificate's common name).
        name: String,
        /// The certificate folder.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Revoke every certificate of NAME and disable the user, so they cannot
    /// enroll again until `watchfloor users enable NAME`; a running server
    /// refuses them at once.
    Revoke {
        /// The user name.
        name: String,
        /// The certificate folder.
        #[arg(long)]
        dir: PathBuf,
        /// The users file in which to disable the user.
        #[command(flatten)]
        target: UsersTarget,
    },
    /// List the certificates issued from DIR.
    List {
        /// The certificate folder.
        #[arg(long)]
        dir: PathBuf,
    },
}

/// Which users file a `users` command changes: the one `serve` reads, by
/// the same flags, variables and defaults.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct UsersTarget {
    /// The users file, as given to `serve --users` [default: DATA_DIR/users.toml].
    #[arg(long = "users", visible_alias = "file", env = "WATCHFLOOR_USERS")]
    users: Option<PathBuf>,
    /// The server's data folder, as given to `serve --data-dir`; its users.toml is the users file unless --users says otherwise.
    #[arg(long, env = "WATCHFLOOR_DATA_DIR", default_value = "watchfloor-data")]
    data_dir: PathBuf,
}

/// `watchfloor users ...`
#[derive(Debug, Subcommand)]
pub(crate) enum UsersCommand {
    /// Add a user (password read from standard input).
    Add {
        /// The user name.
        name: String,
        /// Read the password from standard input (the only way, so it never shows in `ps`).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Groups, comma separated; `G:in` may only send to G, `G:out` only receive from it.
        #[arg(long, default_value = "")]
        groups: String,
        /// Ops roles, comma separated: watch_officer (tasks and assignments), legal
        /// (authority records and reviews), admin (rule sets, units, duty statuses).
        #[arg(long, default_value = "")]
        roles: String,
        #[command(flatten)]
        target: UsersTarget,
    },
    /// Replace a user's ops roles (watch_officer, legal, admin; empty for none).
    SetRoles {
        /// The user name.
        name: String,
        /// Roles, comma separated.
        #[arg(long)]
        roles: String,
        #[command(flatten)]
        target: UsersTarget,
    },
    /// Replace a user's groups.
    SetGroups {
        /// The user name.
        name: String,
        /// Groups, comma separated, with optional `:in` / `:out`.
        #[arg(long)]
        groups: String,
        #[command(flatten)]
        target: UsersTarget,
    },
    /// Remove a user.
    Remove {
        /// The user name.
        name: String,
        #[command(flatten)]
        target: UsersTarget,
    },
    /// Lock a user out: no login, no enrollment, no connection (open ones
    /// close within seconds), until enabled again.
    Disable {
        /// The user name.
        name: String,
        #[command(flatten)]
        target: UsersTarget,
    },
    /// Let a disabled user back in (after a revoke: they enroll again with
    /// their password to get a new certificate).
    Enable {
        /// The user name.
        name: String,
        #[command(flatten)]
        target: UsersTarget,
    },
    /// List users and their groups, one user a line: NAME, a tab, the groups as --groups takes them
    /// (and `disabled` after another tab for a user locked out).
    List {
        #[command(flatten)]
        target: UsersTarget,
    },
}

pub(crate) fn certs(cmd: CertsCommand) -> Result<()> {
    match cmd {
        CertsCommand::Init {
            dir,
            hosts,
            org,
            port,
            force,
        } => {
            let options = trust::InitOptions {
                hosts: hosts.clone(),
                org,
                force,
                stream_port: port,
            };
            trust::CertDir::init_with(&dir, &options)
                .with_context(|| format!("creating the CA in {}", dir.display()))?;
            println!(
                "CA and server certificate for {} written to {}",
                hosts.join(", "),
                dir.display()
            );
            println!("next: watchfloor certs client NAME --dir {}", dir.display());
        }
        CertsCommand::Client { name, dir } => {
            let files = open(&dir)?
                .issue_client(&name)
                .with_context(|| format!("issuing a certificate for {name}"))?;
            println!("{}", files.pem.display());
            println!("{}", files.key.display());
            println!("{}", files.p12.display());
            println!(
                "{}  <- import this data package in ATAK/WinTAK/iTAK (p12 password: atakatak)",
                files.zip.display()
            );
        }
        CertsCommand::Revoke { name, dir, target } => {
            let serials = open(&dir)?
                .revoke(&name)
                .with_context(|| format!("revoking {name}"))?;
            if serials.is_empty() {
                println!("{name}: nothing new to revoke");
            } else {
                println!(
                    "{name}: revoked {} certificate(s): {}",
                    serials.len(),
                    serials.join(", ")
                );
            }
            // A lost phone's user must not enroll again with the password.
            let mut users = users_file(&target)?;
            let path = users.path().to_path_buf();
            if users.contains(&name) {
                users
                    .set_disabled(&name, true)
                    .with_context(|| format!("disabling {name} in {}", path.display()))?;
                println!(
                    "{name}: disabled in {} (no enrollment or login until `watchfloor users enable {name}`)",
                    path.display()
                );
            } else {
                println!("{name}: not in {}, nothing to disable", path.display());
            }
        }
        CertsCommand::List { dir } => {
            for c in open(&dir)?.issued().context("reading the registry")? {
                let state = if c.revoked_at.is_some() {
                    "revoked"
                } else {
                    "valid"
                };
                println!("{}\t{:?}\tserial {}\t{}", c.name, c.kind, c.serial, state);
            }
        }
    }
    Ok(())
}

fn open(dir: &std::path::Path) -> Result<trust::CertDir> {
    trust::CertDir::open(dir).with_context(|| {
        format!(
            "opening {} (run `watchfloor certs init` first)",
            dir.display()
        )
    })
}

fn users_file(target: &UsersTarget) -> Result<UsersFile> {
    let path = match &target.users {
        Some(p) => p.clone(),
        None => target.data_dir.join(trust::users::USERS_FILE),
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating the folder of {}", path.display()))?;
    }
    UsersFile::open_path(&path)
        .with_context(|| format!("opening the users file {}", path.display()))
}

fn parse_groups(text: &str) -> Result<Vec<GroupSpec>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    GroupSpec::parse_list(text).map_err(|e| anyhow::anyhow!("groups {text:?}: {e}"))
}

/// Reads `watch_officer,legal`; an unknown role is an error naming it.
fn parse_roles(text: &str) -> Result<Vec<String>> {
    text.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| match ops::Role::parse(r) {
            Some(role) => Ok(role.name().to_string()),
            None => bail!("unknown role {r:?}: the roles are watch_officer, legal and admin"),
        })
        .collect()
}

/// `users disable` / `users enable`: says whether anything changed.
fn set_disabled(target: &UsersTarget, name: &str, disabled: bool) -> Result<()> {
    let (doing, verb) = if disabled {
        ("disabling", "disabled")
    } else {
        ("enabling", "enabled")
    };
    let changed = users_file(target)?
        .set_disabled(name, disabled)
        .with_context(|| format!("{doing} {name}"))?;
    let what = if changed { "" } else { "already " };
    println!("{name}: {what}{verb}");
    Ok(())
}

pub(crate) fn users(cmd: UsersCommand) -> Result<()> {
    match cmd {
        UsersCommand::Add {
            name,
            password_stdin,
            groups,
            roles,
            target,
        } => {
            let roles = parse_roles(&roles)?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let groups = parse_groups(&groups)?;
            let mut file = users_file(&target)?;
            file.add(&name, password, &groups)
                .with_context(|| format!("adding {name}"))?;
            if !roles.is_empty() {
                file.set_roles(&name, &roles)
                    .with_context(|| format!("setting roles of {name}"))?;
            }
            println!("added {name}");
        }
        UsersCommand::SetRoles {
            name,
            roles,
            target,
        } => {
            let roles = parse_roles(&roles)?;
            users_file(&target)?
                .set_roles(&name, &roles)
                .with_context(|| format!("setting roles of {name}"))?;
            println!("roles of {name} set");
        }
        UsersCommand::SetGroups {
            name,
            groups,
            target,
        } => {
            let groups = parse_groups(&groups)?;
            users_file(&target)?
                .set_groups(&name, &groups)
                .with_context(|| format!("setting groups of {name}"))?;
            println!("groups of {name} set");
        }
        UsersCommand::Remove { name, target } => {
            users_file(&target)?
                .remove(&name)
                .with_context(|| format!("removing {name}"))?;
            println!("removed {name}");
        }
        UsersCommand::Disable { name, target } => set_disabled(&target, &name, true)?,
        UsersCommand::Enable { name, target } => set_disabled(&target, &name, false)?,
        UsersCommand::List { target } => {
            for u in users_file(&target)?.list() {
                let groups: Vec<String> = u.groups.iter().map(ToString::to_string).collect();
                let groups = if groups.is_empty() {
                    "(no groups: the anonymous group)".to_string()
                } else {
                    groups.join(",")
                };
                let state = if u.disabled { "\tdisabled" } else { "" };
                let roles = if u.roles.is_empty() {
                    String::new()
                } else {
                    format!("\troles={}", u.roles.join(","))
                };
                println!("{}\t{groups}{roles}{state}", u.name);
            }
        }
    }
    Ok(())
}

/// `watchfloor clients`: who is connected, asked of a running server's
/// plain HTTP listener.
pub(crate) fn clients(http: &str) -> Result<()> {
    use std::io::Write as _;
    let addr = server::parse_addr(http).map_err(|e| anyhow::anyhow!("--http: {e}"))?;
    let mut s = std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5))
        .with_context(|| {
            format!("connecting to {addr} (is `watchfloor serve --http {addr}` running?)")
        })?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    s.write_all(b"GET /api/clients HTTP/1.0\r\nHost: watchfloor\r\n\r\n")?;
    let mut reply = String::new();
    s.read_to_string(&mut reply).context("reading the answer")?;
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(body).context("the server's answer is not JSON")?;
    let rows = v["clients"].as_array().cloned().unwrap_or_default();
    println!(
        "{:<20} {:<12} {:<10} {:<8} {:<24} uid",
        "callsign", "user", "team", "state", "groups"
    );
    for c in &rows {
        let groups: Vec<&str> = c["groups"]
            .as_array()
            .map(|g| g.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        println!(
            "{:<20} {:<12} {:<10} {:<8} {:<24} {}",
            c["callsign"].as_str().unwrap_or(""),
            c["user"].as_str().unwrap_or("-"),
            c["team"].as_str().unwrap_or("-"),
            if c["connected"].as_bool() == Some(true) {
                "online"
            } else {
                "offline"
            },
            groups.join(","),
            c["uid"].as_str().unwrap_or("")
        );
    }
    println!(
        "{} client(s), {} connected",
        rows.len(),
        rows.iter()
            .filter(|c| c["connected"].as_bool() == Some(true))
            .count()
    );
    Ok(())
}
