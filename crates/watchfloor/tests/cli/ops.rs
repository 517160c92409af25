//! `watchfloor ops` and `watchfloor audit` given damaged or bad input: a
//! rule file or its signature that was changed, an audit log that was
//! edited, cut or reordered, a server killed after it answered, and apply
//! files the desk must refuse whole. Each failure is one line naming the
//! file, the record or the reason, and nothing is half-written.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::{serve, watchfloor};

/// A unit, its duty status, an authority, a task and its assignment: one
/// batch, which the desk writes as three records (the batch, the
/// assignment's decision, the task's new status).
const FIRST: &str = r#"
[[unit]]
id = "MP-CO"
designation = "978 MP Co (test)"
sa_uid = "MP-1"

[[status]]
unit = "MP-CO"
kind = "T10"
order_ref = "test order"
from = "2025-03-01T00:00:00Z"

[[authority]]
id = "TEST-RELAY"
kind = "GRANT"
citation = "test citation"
activities = ["COMM_RELAY"]
applies_to = { statuses = ["T10"] }
valid = { from = "2025-01-01T00:00:00Z" }

[[task]]
id = "T-1"
title = "relay radio traffic"
requires = [{ activity = "COMM_RELAY" }]
window = { from = "2025-03-01T08:00:00Z" }
status = "APPROVED"

[[assign]]
task = "T-1"
unit = "MP-CO"
"#;

/// A second task for the same unit: three more records.
const SECOND: &str = r#"
[[task]]
id = "T-2"
title = "watch the crossing"
requires = [{ activity = "DETECT" }]
window = { from = "2025-03-01T08:00:00Z" }
status = "APPROVED"

[[assign]]
task = "T-2"
unit = "MP-CO"
"#;

/// The default rule set's version line, which the tests edit.
const DEFAULT_VERSION: &str = "watchfloor-default-2026.12";

pub(super) fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `pdftotext` and `pdftoppm` (poppler-utils, which `.ci/run` installs):
/// required on CI, skipped with a line elsewhere.
pub(super) fn poppler() -> bool {
    let there = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !there {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is missing on CI (poppler-utils)"
        );
        eprintln!("pdftotext not installed: PDFs are not read back here");
    }
    there
}

pub(super) fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", s(pdf), "-"])
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs a command that must succeed; its standard output.
pub(super) fn ok(args: &[&str]) -> String {
    let out = watchfloor(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs a command that must fail, with `RUST_BACKTRACE=1`; its standard
/// output and its error, which must be one `error: ` line with no panic.
pub(super) fn refused(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run watchfloor");
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

pub(super) fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::write(path, bytes).expect("write");
}

pub(super) fn apply(data: &Path, text: &str, name: &str) -> String {
    let file = data.with_file_name(name);
    write(&file, text);
    ok(&["ops", "apply", s(&file), "--data-dir", s(data)])
}

/// A data folder with a six-record audit log made by two `ops apply`
/// runs, each ending with a signed checkpoint (sizes 3 and 6).
fn logged() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let first = apply(&data, FIRST, "first.toml");
    assert!(first.contains("applied 5 command(s)"), "{first}");
    assert!(first.contains("audit records 0..3"), "{first}");
    let second = apply(&data, SECOND, "second.toml");
    assert!(second.contains("audit records 3..6"), "{second}");
    (tmp, data)
}

pub(super) fn records_file(data: &Path) -> PathBuf {
    data.join("ops/audit/audit.jsonl")
}

pub(super) fn records(data: &Path) -> Vec<String> {
    std::fs::read_to_string(records_file(data))
        .expect("records")
        .lines()
        .map(str::to_string)
        .collect()
}

pub(super) fn write_records(data: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    write(&records_file(data), text);
}

/// A copy of a data folder beside it, to damage while the original stays.
fn copy_of(data: &Path, name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    let to = data.with_file_name(name);
    copy(data, &to);
    to
}

/// `audit verify` of a folder that must verify; its summary line.
pub(super) fn verifies(data: &Path) -> String {
    let out = ok(&["audit", "verify", "--data-dir", s(data)]);
    assert!(out.starts_with("ok: "), "{out}");
    out
}

/// `audit verify` of a folder that must not; the line naming the problem.
pub(super) fn does_not_verify(data: &Path) -> String {
    let (stdout, err) = refused(&["audit", "verify", "--data-dir", s(data)]);
    assert_eq!(err, "error: the audit log does not verify");
    stdout.trim_end().to_string()
}

// Rule files.

/// A signing key `sja` and the default rule set signed with it, in `dir`.
struct Signed {
    rules: PathBuf,
    sig: PathBuf,
    trusted: PathBuf,
}

fn signed_rules(dir: &Path, text: &str) -> Signed {
    let keys = dir.join("keys");
    let made = ok(&["ops", "rules", "keygen", "sja", "--out", s(&keys)]);
    assert!(
        made.contains("sja.key") && made.contains("sja.pub"),
        "{made}"
    );
    let rules = dir.join("rules.toml");
    write(&rules, text);
    let key = keys.join("sja.key");
    let out = ok(&["ops", "rules", "sign", s(&rules), "--key", s(&key)]);
    assert!(out.contains("as sja -> "), "{out}");
    let sig = dir.join("rules.toml.sig");
    assert!(sig.is_file(), "no {}", sig.display());
    Signed {
        rules,
        sig,
        trusted: keys.join("sja.pub"),
    }
}

fn default_rules() -> String {
    ok(&["ops", "rules", "default"])
}

/// `ops rules verify` that must fail; its one error line, which names the rule file.
fn rules_refused(r: &Signed) -> String {
    let (_, err) = refused(&[
        "ops",
        "rules",
        "verify",
        s(&r.rules),
        "--trusted",
        s(&r.trusted),
    ]);
    assert!(
        err.starts_with(&format!("error: {}: ", r.rules.display())),
        "{err}"
    );
    err
}

#[test]
fn a_rule_file_signed_by_a_trusted_key_verifies() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    let out = ok(&[
        "ops",
        "rules",
        "verify",
        s(&r.rules),
        "--trusted",
        s(&r.trusted),
    ]);
    assert!(
        out.contains(&format!("rule set {DEFAULT_VERSION} (")),
        "{out}"
    );
    assert!(out.trim_end().ends_with("signed by sja"), "{out}");
}

#[test]
fn a_rule_file_with_one_byte_changed_after_signing_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    let mut bytes = std::fs::read(&r.rules).expect("read");
    let at = bytes
        .windows(DEFAULT_VERSION.len())
        .position(|w| w == DEFAULT_VERSION.as_bytes())
        .expect("the version line")
        + DEFAULT_VERSION.len()
        - 1;
    bytes[at] = b'3';
    write(&r.rules, &bytes);
    let err = rules_refused(&r);
    assert!(
        err.contains("rule set does not match its signature"),
        "{err}"
    );
}

#[test]
fn a_truncated_signature_is_refused_as_malformed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    let sig = std::fs::read(&r.sig).expect("sig");
    write(&r.sig, &sig[..sig.len() - 20]);
    let err = rules_refused(&r);
    assert!(
        err.contains("malformed rule-set signature") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn a_rule_file_without_its_signature_is_refused_as_unsigned() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    std::fs::remove_file(&r.sig).expect("rm sig");
    let err = rules_refused(&r);
    assert!(err.ends_with(": rule set is not signed"), "{err}");
}

#[test]
fn a_rule_file_signed_by_a_key_not_in_the_trusted_file_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    let keys = tmp.path().join("keys");
    ok(&["ops", "rules", "keygen", "intruder", "--out", s(&keys)]);
    let other = keys.join("intruder.key");
    ok(&["ops", "rules", "sign", s(&r.rules), "--key", s(&other)]);
    let err = rules_refused(&r);
    assert!(
        err.ends_with("rule set is signed only by keys that are not trusted: intruder"),
        "{err}"
    );
}

#[test]
fn a_forged_signature_of_the_right_length_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    let text = std::fs::read_to_string(&r.sig).expect("sig");
    let (head, line) = text.trim_end().rsplit_once('\n').expect("a signature line");
    let (name, b64) = line.rsplit_once(' ').expect("name and signature");
    // Keep the key id (the first 4 bytes: 6 characters, with 4 bits of the
    // signature) and the last group (its padding bits must stay zero);
    // every character between is random.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let forged: String = b64
        .char_indices()
        .map(|(i, c)| {
            if i < 6 || i + 4 >= b64.len() {
                c
            } else {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(ALPHABET[(state % 64) as usize])
            }
        })
        .collect();
    assert_eq!(forged.len(), b64.len());
    assert_ne!(forged, b64);
    write(&r.sig, format!("{head}\n{name} {forged}\n"));
    let err = rules_refused(&r);
    assert!(
        err.ends_with("signature by sja does not verify (edited or forged)"),
        "{err}"
    );
}

#[test]
fn a_truncated_rule_file_is_refused_naming_both_lengths() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = signed_rules(tmp.path(), &default_rules());
    let bytes = std::fs::read(&r.rules).expect("read");
    let half = bytes.len() / 2;
    write(&r.rules, &bytes[..half]);
    let err = rules_refused(&r);
    assert!(
        err.contains("rule set does not match its signature")
            && err.contains(&format!("signed {} bytes", bytes.len()))
            && err.contains(&format!("file has {half} bytes")),
        "{err}"
    );
}

/// The rule set in force, as `ops roster --json` gives it: version, hash.
fn rule_set_in_force(data: &Path) -> (String, String) {
    let out = ok(&["ops", "roster", "--data-dir", s(data), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("roster json");
    let r = &v["rule_set"];
    (
        r["version"].as_str().expect("version").to_string(),
        r["hash"].as_str().expect("hash").to_string(),
    )
}

#[test]
fn the_desk_loads_a_signed_rule_file_and_keeps_it_when_the_file_is_tampered_with() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let ops_dir = data.join("ops");
    std::fs::create_dir_all(&ops_dir).expect("mkdir");
    let text = default_rules().replacen(DEFAULT_VERSION, "test-2026.13", 1);
    let r = signed_rules(&ops_dir, &text);
    std::fs::copy(&r.trusted, ops_dir.join("trusted-keys")).expect("trust");

    let first = data.with_file_name("first.toml");
    write(&first, FIRST);
    let out = watchfloor(&["ops", "apply", s(&first), "--data-dir", s(&data)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("rule set {} loaded (", r.rules.display()))
            && stderr.contains("signed by sja"),
        "{stderr}"
    );
    let (version, loaded) = rule_set_in_force(&data);
    assert_eq!(version, "test-2026.13");

    // Edited in place, not signed again: refused, audited, the rules stay.
    write(&r.rules, text.replacen("test-2026.13", "test-2026.14", 1));
    let second = data.with_file_name("second.toml");
    write(&second, SECOND);
    let out = watchfloor(&["ops", "apply", s(&second), "--data-dir", s(&data)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("rule set {} refused: ", r.rules.display()))
            && stderr.contains("rule set does not match its signature")
            && stderr.contains("keeping rule set test-2026.13"),
        "{stderr}"
    );
    assert_eq!(rule_set_in_force(&data), ("test-2026.13".into(), loaded));
    let refusal = records(&data)
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("record"))
        .find(|r| r["action"] == "ops.rules_refused")
        .expect("the refusal is audited");
    assert_eq!(refusal["decision"], "REFUSED_CALL");
    verifies(&data);
}

// The audit log.

#[test]
fn audit_verify_passes_an_honest_log_and_prints_a_summary() {
    let (_tmp, data) = logged();
    assert_eq!(records(&data).len(), 6);
    let out = verifies(&data);
    assert!(
        out.starts_with("ok: 6 records, 2 checkpoints, signed up to 6 ("),
        "{out}"
    );
}

#[test]
fn an_edited_record_is_named_by_its_sequence_number() {
    let (_tmp, data) = logged();
    let bad = copy_of(&data, "edited");
    let mut lines = records(&bad);
    // One character inside a JSON string: still valid JSON.
    assert!(lines[1].contains(r#""actor":"engine""#), "{}", lines[1]);
    lines[1] = lines[1].replacen(r#""actor":"engine""#, r#""actor":"engind""#, 1);
    write_records(&bad, &lines);
    assert_eq!(
        does_not_verify(&bad),
        "record 1 (line 2): hash does not match its content (edited)"
    );
    verifies(&data);
}

#[test]
fn a_record_deleted_from_the_middle_is_named() {
    let (_tmp, data) = logged();
    let bad = copy_of(&data, "deleted");
    let mut lines = records(&bad);
    lines.remove(2);
    write_records(&bad, &lines);
    assert_eq!(
        does_not_verify(&bad),
        "record 2 (line 3): missing (deleted): record 2 is not in the file; the seq jumps to 3"
    );
    verifies(&data);
}

#[test]
fn two_swapped_records_are_named_as_reordered() {
    let (_tmp, data) = logged();
    let bad = copy_of(&data, "swapped");
    let mut lines = records(&bad);
    lines.swap(3, 4);
    write_records(&bad, &lines);
    assert_eq!(
        does_not_verify(&bad),
        "record 3 (line 4): out of order (reordered): record 4 is where record 3 belongs; record 3 is at line 5"
    );
    verifies(&data);
}

#[test]
fn a_last_record_cut_in_half_is_named_against_the_signed_checkpoint() {
    let (_tmp, data) = logged();
    let bad = copy_of(&data, "truncated");
    let lines = records(&bad);
    let mut text = lines[..5].join("\n");
    text.push('\n');
    text.push_str(&lines[5][..lines[5].len() / 2]);
    write(&records_file(&bad), text);
    let line = does_not_verify(&bad);
    assert!(
        line.starts_with("record 5 (line 6): missing (truncated): the log ends after 5 records but checkpoints/00000000000000000006 signed by "),
        "{line}"
    );
    assert!(line.ends_with(" covers 6"), "{line}");
    verifies(&data);
}

#[test]
fn an_export_verifies_offline_and_an_edited_export_does_not() {
    let (tmp, data) = logged();
    let export = tmp.path().join("audit.export");
    let out = ok(&[
        "audit",
        "export",
        "--data-dir",
        s(&data),
        "--out",
        s(&export),
    ]);
    assert!(out.contains(": 6 records, 2 checkpoints;"), "{out}");
    let out = ok(&["audit", "verify", "--file", s(&export)]);
    assert!(out.starts_with("ok: 6 records, 2 checkpoints"), "{out}");

    let text = std::fs::read_to_string(&export).expect("export");
    let engine = r#""seq":1,"time_ms":"#;
    assert!(text.contains(engine), "{text}");
    let edited: Vec<String> = text
        .lines()
        .map(|l| {
            if l.contains(engine) {
                l.replacen(r#""actor":"engine""#, r#""actor":"engind""#, 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    let bad = tmp.path().join("edited.export");
    write(&bad, edited.join("\n") + "\n");
    assert_ne!(std::fs::read(&bad).expect("read"), text.as_bytes());
    let (stdout, err) = refused(&["audit", "verify", "--file", s(&bad)]);
    assert_eq!(err, "error: the audit log does not verify");
    assert!(
        stdout.starts_with("record 1 (line ")
            && stdout.contains("hash does not match its content (edited)"),
        "{stdout}"
    );
}

#[test]
fn audit_verify_replay_reproduces_every_decision_of_an_honest_log() {
    let (_tmp, data) = logged();
    let out = ok(&["audit", "verify", "--data-dir", s(&data), "--replay"]);
    assert!(out.starts_with("ok: 6 records"), "{out}");
    assert!(
        out.contains("replay: the engine reproduces every decision of the 6 records"),
        "{out}"
    );
}

// Crash durability.

/// POSTs `body` to `path` over plain HTTP/1.1; the status and the body.
fn post(addr: SocketAddr, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("request");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    (code, body.to_string())
}

#[test]
fn what_the_server_acknowledged_survives_sigkill() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let mut server = serve(&[
        "--tcp",
        "127.0.0.1:0",
        "--http",
        "",
        "--web",
        "127.0.0.1:0",
        "--data-dir",
        s(&data),
    ]);
    let web: SocketAddr = server
        .log
        .iter()
        .find(|l| l.contains(": the web COP"))
        .and_then(|l| l.split("listening on ").nth(1))
        .and_then(|rest| rest.split(": ").next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no web listener in {:#?}", server.log));
    let batch = r#"{"op":"batch","commands":[
        {"op":"unit","unit":{"id":"MP-CO","designation":"978 MP Co (test)","sa_uid":"MP-1"}},
        {"op":"status","unit":"MP-CO","status":{"kind":"T10","order_ref":"test","from":"2025-03-01T00:00:00Z"}},
        {"op":"task","task":{"id":"T-1","title":"watch the crossing","requires":[{"activity":"DETECT"}],"window":{"from":"2025-03-01T08:00:00Z"},"status":"APPROVED"}},
        {"op":"assign","task":"T-1","unit":"MP-CO"}]}"#;
    let (code, body) = post(web, "/api/ops/commands", batch);
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["accepted"], true, "{v}");
    let acknowledged = v["audit"][1].as_u64().expect("audit range");
    assert!(acknowledged >= 3, "{v}");

    server.child.kill().expect("kill");
    let status = server.child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "{status:?}");

    let roster = ok(&["ops", "roster", "--data-dir", s(&data), "--json"]);
    let roster: serde_json::Value = serde_json::from_str(&roster).expect("roster");
    let unit = roster["units"]
        .as_array()
        .and_then(|us| us.iter().find(|u| u["id"] == "MP-CO"))
        .unwrap_or_else(|| panic!("MP-CO not on the roster: {roster}"));
    assert_eq!(unit["status"]["kind"], "T10", "{unit}");
    let decided = ok(&["ops", "decide", "T-1", "--data-dir", s(&data)]);
    let decided: serde_json::Value = serde_json::from_str(&decided).expect("decide");
    assert_eq!(decided["task"]["id"], "T-1", "{decided}");
    let a = &decided["assignments"][0];
    assert_eq!(a["assignee"], "MP-CO", "{decided}");
    assert_eq!(a["outcome"], "ALLOWED", "{decided}");

    let out = ok(&["audit", "verify", "--data-dir", s(&data), "--replay"]);
    let n: u64 = out
        .strip_prefix("ok: ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no record count in {out}"));
    assert!(
        n >= acknowledged,
        "{n} records, {acknowledged} acknowledged"
    );
    assert!(out.contains("replay: the engine reproduces"), "{out}");
}

// Bad apply files.

/// Applies `bytes` as `name` to a one-apply log that must refuse it; the
/// error line, which must name the file. The log must stay as it was.
fn apply_refused(name: &str, bytes: &[u8]) -> String {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    apply(&data, FIRST, "first.toml");
    let before = std::fs::read(records_file(&data)).expect("records");
    let file = tmp.path().join(name);
    write(&file, bytes);
    let (_, err) = refused(&["ops", "apply", s(&file), "--data-dir", s(&data)]);
    assert!(
        err.starts_with(&format!("error: {}: ", file.display())),
        "{err}"
    );
    assert_eq!(
        std::fs::read(records_file(&data)).expect("records"),
        before,
        "the log changed"
    );
    let out = verifies(&data);
    assert!(out.starts_with("ok: 3 records"), "{out}");
    err
}

#[test]
fn an_unknown_activity_is_refused_and_nothing_is_written() {
    let text = FIRST.replace(r#"activity = "COMM_RELAY""#, r#"activity = "PATROL""#);
    let err = apply_refused("bad.toml", text.as_bytes());
    assert!(err.contains("unknown variant `PATROL`"), "{err}");
}

#[test]
fn an_unknown_duty_status_is_refused_and_nothing_is_written() {
    let text = FIRST.replace(r#"kind = "T10""#, r#"kind = "T99""#);
    let err = apply_refused("bad.toml", text.as_bytes());
    assert!(err.contains("unknown variant `T99`"), "{err}");
}

#[test]
fn a_self_intersecting_area_is_refused_and_nothing_is_written() {
    let text = r#"
[[task]]
id = "T-9"
title = "bow tie"
requires = [{ activity = "DETECT" }]
area = [[-109.0, 31.0], [-108.0, 32.0], [-108.0, 31.0], [-109.0, 32.0]]
window = { from = "2025-03-01T08:00:00Z" }
"#;
    let err = apply_refused("bow.toml", text.as_bytes());
    assert!(err.contains("the area's boundary is not simple"), "{err}");
    assert!(err.contains("self-intersection"), "{err}");
}

#[test]
fn a_file_that_is_neither_toml_nor_json_is_refused() {
    let err = apply_refused("event.xml", br#"<event uid="x" type="a-f-G"/>"#);
    assert!(err.contains(": TOML: "), "{err}");
    let err = apply_refused("cut.json", br#"{"unit": [{"id": "X""#);
    assert!(err.contains(": JSON: "), "{err}");
    let err = apply_refused("image.png", b"\x89PNG\r\n\x1a\n\0\0");
    assert!(err.contains("not UTF-8"), "{err}");
}

#[test]
fn an_empty_file_is_refused_and_nothing_is_written() {
    let err = apply_refused("empty.toml", b"");
    assert!(err.ends_with("nothing applied"), "{err}");
    let err = apply_refused("comments.toml", b"# no records yet\n");
    assert!(err.ends_with("nothing applied"), "{err}");
}

#[test]
fn a_20_mb_file_is_refused_by_its_size() {
    // 10 bytes a line, 2 Mi lines: 20 MiB.
    let bytes = b"# padding\n".repeat(2 << 20);
    assert_eq!(bytes.len(), 20 << 20);
    let err = apply_refused("big.toml", &bytes);
    assert!(
        err.ends_with(&format!(
            "the file is {} bytes; the limit is {}",
            20 << 20,
            16 << 20
        )),
        "{err}"
    );
}

#[test]
fn overlapping_status_periods_are_refused_whole_and_only_the_refusal_is_audited() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    apply(&data, FIRST, "first.toml");
    let before = records(&data);
    // A new unit that is valid, then a period overlapping MP-CO's T10 one:
    // the batch is all or nothing, so the new unit must not appear either.
    let text = r#"
[[unit]]
id = "ENG-CO"
designation = "engineer company (test)"

[[status]]
unit = "MP-CO"
kind = "SAD"
state = "AZ"
from = "2025-02-01T00:00:00Z"
to = "2025-04-01T00:00:00Z"
"#;
    let file = tmp.path().join("overlap.toml");
    write(&file, text);
    let (_, err) = refused(&["ops", "apply", s(&file), "--data-dir", s(&data)]);
    assert!(
        err.starts_with(&format!("error: {}: nothing applied: ", file.display()))
            && err.contains("unit MP-CO: status period from 2025-02-01T00:00:00.000Z overlaps the T10 period from 2025-03-01T00:00:00.000Z")
            && err.ends_with("(audit record 3)"),
        "{err}"
    );
    // The desk audits every refusal: one record, of the refusal, and no other.
    let after = records(&data);
    assert_eq!(after[..before.len()], before[..], "earlier records changed");
    assert_eq!(after.len(), before.len() + 1, "{after:#?}");
    let r: serde_json::Value = serde_json::from_str(&after[3]).expect("record");
    assert_eq!(r["seq"], 3);
    assert_eq!(r["action"], "ops.refused");
    assert_eq!(r["decision"], "REFUSED_CALL");
    let out = verifies(&data);
    assert!(out.starts_with("ok: 4 records"), "{out}");

    let roster = ok(&["ops", "roster", "--data-dir", s(&data), "--json"]);
    let roster: serde_json::Value = serde_json::from_str(&roster).expect("roster");
    let ids: Vec<&str> = roster["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["id"].as_str())
        .collect();
    assert_eq!(ids, ["MP-CO"], "the refused batch's unit was applied");
    assert_eq!(roster["units"][0]["status"]["kind"], "T10");
}
