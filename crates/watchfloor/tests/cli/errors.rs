//! Every failure is one line that names the flag, key or file and the fix:
//! no cause printed twice, no backtrace even with `RUST_BACKTRACE=1`.

use std::net::TcpListener;
use std::path::Path;

use crate::{failure, serve};

/// The fix every store error ends with.
const STORE_FIX: &str =
    "give --data-dir ([store] data_dir) a folder watchfloor may read and write, or \"\" to keep nothing on disk";

/// A port nothing listens on right now (the kernel's pick on loopback).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn a_port_in_use_says_so_once_and_names_the_flag() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let err = failure(&[
        "serve",
        "--tcp",
        &addr.to_string(),
        "--http",
        "",
        "--web",
        "",
        "--data-dir",
        "",
    ]);
    assert_eq!(
        err,
        format!(
            "error: cannot listen on {addr} (TAK clients, streaming CoT over TCP): the address is already in use (by another program, or another watchfloor); stop what holds it (`ss -ltnp` names it) or choose another port with --tcp ([tak] tcp)"
        )
    );
}

/// The effective user id of this process, from /proc.
fn euid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|id| id.parse().ok())
        .expect("an effective uid")
}

#[test]
fn an_unreadable_store_folder_says_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    let d = data.to_str().expect("utf-8 path");
    let args = [
        "serve",
        "--tcp",
        "127.0.0.1:0",
        "--http",
        "",
        "--web",
        "",
        "--data-dir",
        d,
    ];
    let err = if euid() == 0 {
        // Root reads every folder: run the binary as nobody, for whom a
        // root-owned folder of mode 0700 is closed.
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_watchfloor"))
            .args(args)
            .current_dir("/")
            .env("RUST_BACKTRACE", "1")
            .output()
            .expect("setpriv (util-linux) drops root to test a permission");
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).trim_end().to_string()
    } else {
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        let err = failure(&args);
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        err
    };
    assert_eq!(
        err,
        format!(
            "error: cannot open the store {d}/watchfloor.sqlite: permission denied; {STORE_FIX}"
        )
    );
}

#[test]
fn a_folder_where_the_store_file_goes_is_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join("watchfloor.sqlite")).expect("mkdir");
    let d = tmp.path().to_str().expect("utf-8 path");
    let err = failure(&[
        "serve",
        "--tcp",
        "127.0.0.1:0",
        "--http",
        "",
        "--web",
        "",
        "--data-dir",
        d,
    ]);
    assert_eq!(
        err,
        format!("error: cannot open the store {d}/watchfloor.sqlite: it is a folder, not a database file; {STORE_FIX}")
    );
}

fn config_file(dir: &Path, text: &str) -> String {
    let path = dir.join("watchfloor.toml");
    std::fs::write(&path, text).expect("write config");
    path.to_str().expect("utf-8 path").to_string()
}

#[test]
fn a_type_error_in_the_config_names_the_file_and_the_key() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = config_file(tmp.path(), "[tak]\nmax_connections = \"many\"\n");
    assert_eq!(
        failure(&["serve", "--config", &file]),
        format!("error: {file}: [tak] max_connections: invalid type: string \"many\", expected a whole number")
    );
    let file = config_file(tmp.path(), "[web]\nzoom = 9\nposition = \"north\"\n");
    assert_eq!(
        failure(&["serve", "--config", &file]),
        format!("error: {file}: [web] position: invalid type: string \"north\", expected an array of length 2")
    );
    let file = config_file(tmp.path(), "[tak\n");
    assert_eq!(
        failure(&["serve", "--config", &file]),
        format!(
            "error: {file} line 1, column 5: invalid table header expected `.`, `]` (TOML syntax)"
        )
    );
}

#[test]
fn a_bad_address_names_the_flag_and_the_forms_it_takes() {
    assert_eq!(
        failure(&["serve", "--tcp", "not-an-address"]),
        "error: --tcp ([tak] tcp): \"not-an-address\" is not an address: write PORT (all interfaces), IP:PORT, [IPv6]:PORT or HOST:PORT"
    );
    assert_eq!(
        failure(&["serve", "--http", "127.0.0.1:99999"]),
        "error: --http ([http] listen): \"127.0.0.1:99999\" is not an address: write PORT (all interfaces), IP:PORT, [IPv6]:PORT or HOST:PORT"
    );
}

#[test]
fn no_backtrace_with_rust_backtrace_set() {
    let err = failure(&["serve", "--max-connections", "0"]);
    assert_eq!(
        err,
        "error: --max-connections ([tak] max_connections) must be at least 1"
    );
    assert!(!err.contains("backtrace") && !err.contains("Caused by"));
}

#[test]
fn a_bare_port_listens_on_every_interface() {
    let port = free_port();
    let s = serve(&[
        "--tcp",
        &port.to_string(),
        "--http",
        "",
        "--web",
        "",
        "--data-dir",
        "",
    ]);
    let want = format!("listening on 0.0.0.0:{port}: TAK clients, streaming CoT over TCP");
    assert!(s.log.iter().any(|l| l.ends_with(&want)), "{:#?}", s.log);
}

#[test]
fn a_host_name_is_accepted_where_an_address_is() {
    let port = free_port();
    let s = serve(&[
        "--tcp",
        &format!("localhost:{port}"),
        "--http",
        "localhost:0",
        "--web",
        "",
        "--data-dir",
        "",
    ]);
    let want = format!("listening on 127.0.0.1:{port}: TAK clients, streaming CoT over TCP");
    assert!(s.log.iter().any(|l| l.ends_with(&want)), "{:#?}", s.log);
}
