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
        /// The server's data folder (the users file is DATA_DIR/users.toml).
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
        /// The users file, when the server is given one with `serve --users`.
        #[arg(long = "users", value_name = "FILE")]
        users_file: Option<PathBuf>,
    },
    /// List the certificates issued from DIR.
    List {
        /// The certificate folder.
        #[arg(long)]
        dir: PathBuf,
    },
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
        /// The server's data folder (the users file is DATA_DIR/users.toml).
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
    },
    /// Replace a user's groups.
    SetGroups {
        /// The user name.
        name: String,
        /// Groups, comma separated, with optional `:in` / `:out`.
        #[arg(long)]
        groups: String,
        /// The server's data folder.
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
    },
    /// Remove a user.
    Remove {
        /// The user name.
        name: String,
        /// The server's data folder.
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
    },
    /// Lock a user out: no login, no enrollment, no connection (open ones
    /// close within seconds), until enabled again.
    Disable {
        /// The user name.
        name: String,
        /// The server's data folder.
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
    },
    /// Let a disabled user back in (after a revoke: they enroll again with
    /// their password to get a new certificate).
    Enable {
        /// The user name.
        name: String,
        /// The server's data folder.
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
    },
    /// List users and their groups.
    List {
        /// The server's data folder.
        #[arg(long, default_value = "watchfloor-data")]
        data_dir: PathBuf,
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
        CertsCommand::Revoke {
            name,
            dir,
            data_dir,
            users_file: file,
        } => {
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
            let path = file.unwrap_or_else(|| data_dir.join(trust::users::USERS_FILE));
            let mut users = UsersFile::open_path(&path)
                .with_context(|| format!("opening the users file {}", path.display()))?;
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

fn users_file(data_dir: &std::path::Path) -> Result<UsersFile> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    UsersFile::open(data_dir)
        .with_context(|| format!("opening the users file in {}", data_dir.display()))
}

fn parse_groups(text: &str) -> Result<Vec<GroupSpec>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    GroupSpec::parse_list(text).map_err(|e| anyhow::anyhow!("groups {text:?}: {e}"))
}

pub(crate) fn users(cmd: UsersCommand) -> Result<()> {
    match cmd {
        UsersCommand::Add {
            name,
            password_stdin,
            groups,
            data_dir,
        } => {
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let groups = parse_groups(&groups)?;
            users_file(&data_dir)?
                .add(&name, password, &groups)
                .with_context(|| format!("adding {name}"))?;
            println!("added {name}");
        }
        UsersCommand::SetGroups {
            name,
            groups,
            data_dir,
        } => {
            let groups = parse_groups(&groups)?;
            users_file(&data_dir)?
                .set_groups(&name, &groups)
                .with_context(|| format!("setting groups of {name}"))?;
            println!("groups of {name} set");
        }
        UsersCommand::Remove { name, data_dir } => {
            users_file(&data_dir)?
                .remove(&name)
                .with_context(|| format!("removing {name}"))?;
            println!("removed {name}");
        }
        UsersCommand::Disable { name, data_dir } => {
            let changed = users_file(&data_dir)?
                .set_disabled(&name, true)
                .with_context(|| format!("disabling {name}"))?;
            println!(
                "{name}: {}",
                if changed {
                    "disabled"
                } else {
                    "already disabled"
                }
            );
        }
        UsersCommand::Enable { name, data_dir } => {
            let changed = users_file(&data_dir)?
                .set_disabled(&name, false)
                .with_context(|| format!("enabling {name}"))?;
            println!(
                "{name}: {}",
                if changed {
                    "enabled"
                } else {
                    "already enabled"
                }
            );
        }
        UsersCommand::List { data_dir } => {
            for u in users_file(&data_dir)?.list() {
                let groups: Vec<String> = u.groups.iter().map(|g| format!("{g:?}")).collect();
                println!("{}\t{}", u.name, groups.join(" "));
            }
        }
    }
    Ok(())
}

/// `watchfloor clients`: who is connected, asked of a running server's
/// plain HTTP listener.
pub(crate) fn clients(http: &str) -> Result<()> {
    use std::io::Write as _;
    let addr: std::net::SocketAddr = http
        .parse()
        .with_context(|| format!("bad address {http:?}"))?;
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
