//! What the binary prints for people: no Rust debug text, every listener in
//! the start-up log, defaults in `serve --help`.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{serve, watchfloor};

fn add_user(args: &[&str], name: &str, groups: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(["users", "add", name, "--password-stdin", "--groups", groups])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("users add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse battery\n")
        .expect("password");
    assert!(child.wait().expect("wait").success());
}

#[test]
fn users_list_prints_groups_as_they_are_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The file `serve --users` would be given, away from any data folder.
    let file = tmp.path().join("etc/watchfloor-users.toml");
    let f = file.to_str().expect("utf-8 path");
    add_user(&["--users", f], "bob", "blue,ops:in,intel:out");
    add_user(&["--file", f], "alice", "");
    assert!(file.is_file(), "the users file is where --users says");
    let out = watchfloor(&["users", "list", "--users", f]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "alice\t(no groups: the anonymous group)\nbob\tblue,ops:in,intel:out\n"
    );
    // Without --users the file is DATA_DIR/users.toml, as for `serve`.
    let data = tmp.path().join("data");
    let d = data.to_str().expect("utf-8 path");
    add_user(&["--data-dir", d], "carol", "red");
    assert!(data.join("users.toml").is_file());
}

#[test]
fn serve_help_shows_the_defaults() {
    let out = watchfloor(&["serve", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for want in [
        "[default: 0.0.0.0:8087]",
        "[default: 127.0.0.1:8180]",
        "[default: watchfloor-data]",
        "[default: 0.0.0.0:8080]",
        "[default: DATA_DIR/users.toml]",
        "[default: 10000]",
        "a bare PORT (every interface, 0.0.0.0:PORT)",
    ] {
        assert!(help.contains(want), "no {want:?} in\n{help}");
    }
}

#[test]
fn the_start_up_log_lists_every_listener() {
    let tmp = tempfile::tempdir().expect("tmp");
    let certs = tmp.path().join("certs");
    let c = certs.to_str().expect("utf-8 path");
    let out = watchfloor(&["certs", "init", "--dir", c, "--host", "localhost"]);
    assert!(out.status.success());
    let data = tmp.path().join("data");
    let s = serve(&[
        "--certs",
        c,
        "--tcp",
        "127.0.0.1:0",
        "--udp",
        "127.0.0.1:0#blue",
        "--tls",
        "127.0.0.1:0",
        "--enroll",
        "127.0.0.1:0",
        "--https",
        "127.0.0.1:0",
        "--http",
        "127.0.0.1:0",
        "--web",
        "127.0.0.1:0",
        "--data-dir",
        data.to_str().expect("utf-8 path"),
    ]);
    for what in [
        ": TAK clients, streaming CoT over TCP",
        ": CoT datagrams over UDP (groups blue)",
        ": TAK clients, streaming CoT over mutual TLS",
        ": certificate enrollment for TAK clients (HTTPS)",
        ": the Marti API for TAK clients (HTTPS, client certificates)",
        ": metrics, health and the operator's API (plain HTTP)",
        ": the web COP (HTTPS)",
    ] {
        assert!(
            s.log
                .iter()
                .any(|l| l.contains("listening on 127.0.0.1:") && l.ends_with(what)),
            "no listener{what} in {:#?}",
            s.log
        );
    }
    assert!(
        !s.log
            .iter()
            .any(|l| l.contains("Some(") || l.contains(" { ")),
        "debug text in the log: {:#?}",
        s.log
    );
}
