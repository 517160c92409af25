//! The ops desk over the web listener: roles checked and refusals audited,
//! tasks reaching the field as CoT tasking and GeoChat and the field's
//! answers moving them, a refused assignment never sent, and bad input
//! answered with one clear error while nothing half-applies.

use std::time::{Duration, Instant};

use server::{Server, WebConfig};
use trust::users::{GroupSpec, UsersFile};

use crate::api::util::{config, http, joined, metrics_text, start, WAIT};

struct Desk {
    _tmp: tempfile::TempDir,
    server: Server,
}

async fn desk(users: &[(&str, &[&str])]) -> Desk {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    if !users.is_empty() {
        let mut file = UsersFile::open(&data)
            .expect("users")
            .with_cost(trust::users::HashCost::INSECURE_TEST);
        for (name, roles) in users {
            file.add(
                name,
                "password-123",
                &GroupSpec::parse_list("").expect("groups"),
            )
            .expect("add");
            let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
            file.set_roles(name, &roles).expect("roles");
        }
    }
    let mut cfg = config();
    cfg.store.data_dir = Some(data);
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    Desk {
        server: start(cfg).await,
        _tmp: tmp,
    }
}

async fn login(server: &Server, user: &str) -> String {
    let body = format!(r#"{{"username":"{user}","password":"password-123"}}"#);
    let (code, head, text) = http(server, "POST", "/api/web/login", "", &body).await;
    assert_eq!(code, 200, "{text}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("a session cookie");
    format!("Cookie: {cookie}\r\n")
}

async fn post(server: &Server, cookie: &str, body: &str) -> (u16, serde_json::Value) {
    let (code, _, text) = http(server, "POST", "/api/ops/commands", cookie, body).await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

async fn get(server: &Server, cookie: &str, path: &str) -> serde_json::Value {
    let (code, _, text) = http(server, "GET", path, cookie, "").await;
    assert_eq!(code, 200, "{path}: {text}");
    serde_json::from_str(&text).expect("json")
}

const FROM: &str = "2025-03-01T00:00:00Z";

fn unit(id: &str, sa: &str) -> String {
    format!(r#"{{"op":"unit","unit":{{"id":"{id}","designation":"{id} (test)","sa_uid":"{sa}"}}}}"#)
}

fn status(id: &str, kind: &str) -> String {
    format!(
        r#"{{"op":"status","unit":"{id}","status":{{"kind":"{kind}","state":"AZ","order_ref":"test","from":"{FROM}"}}}}"#
    )
}

fn task(id: &str, activity: &str) -> String {
    format!(
        r#"{{"op":"task","task":{{"id":"{id}","title":"{id} title","requires":[{{"activity":"{activity}"}}],"window":{{"from":"{FROM}"}},"status":"APPROVED"}}}}"#
    )
}

fn assign(task: &str, unit: &str) -> String {
    format!(r#"{{"op":"assign","task":"{task}","unit":"{unit}"}}"#)
}

fn element<'a>(board: &'a serde_json::Value, task: &str) -> &'a serde_json::Value {
    let t = board["tasks"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["id"] == task))
        .expect("task on the board");
    &t["assignments"][0]["elements"][0]
}

#[tokio::test]
async fn roles_are_checked_and_every_refusal_is_audited() {
    let d = desk(&[
        ("root", &["admin"]),
        ("alice", &["watch_officer"]),
        ("sam", &["legal"]),
        ("bob", &[]),
    ])
    .await;
    let s = &d.server;
    assert_eq!(
        post(s, "", &unit("MP-CO", "MP-1")).await.0,
        401,
        "no login, no request"
    );
    let (root, alice, sam, bob) = (
        login(s, "root").await,
        login(s, "alice").await,
        login(s, "sam").await,
        login(s, "bob").await,
    );

    let (code, v) = post(s, &alice, &unit("MP-CO", "MP-1")).await;
    assert_eq!(code, 403, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("admin") && m.contains("audit record")),
        "{v}"
    );
    assert_eq!(post(s, &root, &unit("MP-CO", "MP-1")).await.0, 200);
    assert_eq!(post(s, &root, &status("MP-CO", "T10")).await.0, 200);
    assert_eq!(
        post(s, &bob, &task("T-1", "TRANSPORT_PERSONS_IN_CUSTODY"))
            .await
            .0,
        403
    );
    assert_eq!(
        post(s, &alice, &task("T-1", "TRANSPORT_PERSONS_IN_CUSTODY"))
            .await
            .0,
        200
    );
    assert_eq!(post(s, &alice, &assign("T-1", "MP-CO")).await.0, 200);

    let board = get(s, &alice, "/api/ops/board").await;
    let e = element(&board, "T-1");
    assert_eq!(e["outcome"], "NEEDS_REVIEW", "{board}");
    let assignment = board["tasks"][0]["assignments"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        board["reviews"].as_array().map(Vec::len),
        Some(1),
        "a review suspense for counsel"
    );

    let review = |outcome: &str| {
        format!(
            r#"{{"op":"review","assignment":"{assignment}","element":"MP-CO","outcome":"{outcome}","reason":"CBP guards aboard confirmed by phone; SJA note 12"}}"#
        )
    };
    assert_eq!(
        post(s, &alice, &review("ALLOWED")).await.0,
        403,
        "a watch officer cannot clear a review"
    );
    assert_eq!(post(s, &sam, &review("ALLOWED")).await.0, 200);
    let board = get(s, &alice, "/api/ops/board").await;
    let e = element(&board, "T-1");
    assert_eq!(
        (e["outcome"].as_str(), e["review"]["by"].as_str()),
        (Some("ALLOWED"), Some("sam")),
        "{e}"
    );

    let (code, _, _) = http(s, "GET", "/api/audit/records?from=0&limit=1000", &alice, "").await;
    assert_eq!(code, 403, "audit records are for counsel and admins");
    let records = get(s, &sam, "/api/audit/records?from=0&limit=1000").await;
    let refused: Vec<&serde_json::Value> = records
        .as_array()
        .expect("records")
        .iter()
        .filter(|r| r["action"] == "ops.refused")
        .collect();
    let who: Vec<&str> = refused.iter().filter_map(|r| r["actor"].as_str()).collect();
    assert_eq!(
        who,
        ["alice", "bob", "alice"],
        "each refused call is in the log with its actor"
    );
    assert!(records
        .as_array()
        .expect("records")
        .iter()
        .any(|r| r["action"] == "audit.records" && r["actor"] == "alice"));
    // The log's own proofs are served to anyone logged in.
    let n = records.as_array().map_or(0, Vec::len) as u64;
    let p = get(
        s,
        &bob,
        &format!("/api/audit/proof/inclusion?seq=3&size={n}"),
    )
    .await;
    assert!(p["proof"].as_array().is_some_and(|x| !x.is_empty()), "{p}");
    let c = get(
        s,
        &bob,
        &format!("/api/audit/proof/consistency?old=2&new={n}"),
    )
    .await;
    assert!(c["proof"].as_array().is_some_and(|x| !x.is_empty()), "{c}");
}

#[tokio::test]
async fn tasks_reach_the_field_and_answers_move_them() {
    let d = desk(&[]).await;
    let s = &d.server;
    let mut mp = joined(s.tcp_addrs[0], "MP-1", "MP ONE").await;
    for cmd in [
        unit("MP-CO", "MP-1"),
        status("MP-CO", "T10"),
        task("T-2", "DETECT"),
        task("T-3", "CHECKPOINT"),
        assign("T-3", "MP-CO"),
    ] {
        assert_eq!(post(s, "", &cmd).await.0, 200, "{cmd}");
    }
    let early = mp.drain(Duration::from_millis(600)).await;
    assert!(
        early.iter().all(|e| !e.contains("T-3")),
        "a refused assignment is never sent: {early:?}"
    );
    assert_eq!(post(s, "", &assign("T-2", "MP-CO")).await.0, 200);
    let (tasking, _) = mp.wait_for("watchfloor-task.", WAIT).await;
    let tasking = tasking.expect("the CoT tasking event");
    assert!(
        tasking.contains(r#"type="t-s""#) && tasking.contains("TASK T-2"),
        "{tasking}"
    );
    let (chat, _) = mp.wait_for("b-t-f", WAIT).await;
    let chat = chat.expect("the GeoChat message");
    assert!(
        chat.contains("TASK T-2") && chat.contains("10 U.S.C. 124") && chat.contains("WILCO T-2"),
        "{chat}"
    );

    // The field answers in GeoChat; the task moves to EXECUTING.
    let wilco = crate::api::util::event(
        "GeoChat.MP-1.watchfloor-ops.1",
        "b-t-f",
        r#"<__chat parent="RootContactGroup" chatroom="JTF OPS" id="watchfloor-ops" senderCallsign="MP ONE"><chatgrp uid0="MP-1" uid1="watchfloor-ops" id="watchfloor-ops"/></__chat><remarks>WILCO T-2</remarks>"#,
    );
    mp.send(&wilco).await;
    let status_of = |board: &serde_json::Value, id: &str| {
        board["tasks"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["id"] == id))
            .map(|t| t["status"].as_str().unwrap_or("").to_string())
    };
    let deadline = Instant::now() + WAIT;
    loop {
        let board = get(s, "", "/api/ops/board").await;
        if status_of(&board, "T-2").as_deref() == Some("EXECUTING") {
            assert_eq!(element(&board, "T-2")["answer"]["answer"], "WILCO");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "WILCO did not move the task: {board}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A y-c-s reply linked to the task event completes it.
    let uid = tasking
        .split("uid=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("task uid")
        .to_string();
    let done = crate::api::util::event(
        "reply-1",
        "y-c-s",
        &format!(r#"<link uid="{uid}" relation="p-t"/><remarks>done</remarks>"#),
    );
    mp.send(&done).await;
    let deadline = Instant::now() + WAIT;
    loop {
        let board = get(s, "", "/api/ops/board").await;
        if status_of(&board, "T-2").as_deref() == Some("COMPLETE") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the completion reply did not close the task: {board}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let metrics = metrics_text(s).await;
    assert!(
        metrics.contains("watchfloor_ops_tasks_dispatched_total 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn bad_input_gets_one_clear_error_and_nothing_half_applies() {
    let d = desk(&[]).await;
    let s = &d.server;
    assert_eq!(post(s, "", &unit("ENG-CO", "ENG-1")).await.0, 200);
    assert_eq!(post(s, "", &status("ENG-CO", "T32_502f")).await.0, 200);
    let cases: [(&str, u16, &str); 7] = [
        ("{not json", 400, "not an ops command"),
        (
            r#"{"op":"task","task":{"id":"X","title":"x","requires":[{"activity":"PATROL"}],"window":{"from":"2025-03-01T00:00:00Z"}}}"#,
            400,
            "PATROL",
        ),
        (
            r#"{"op":"status","unit":"ENG-CO","status":{"kind":"SAD","order_ref":"x","from":"2025-02-01T00:00:00Z","to":"2025-04-01T00:00:00Z"}}"#,
            422,
            "overlaps",
        ),
        (
            r#"{"op":"task","task":{"id":"X","title":"x","requires":[{"activity":"DETECT"}],"area":[[0,0],[1,1],[1,0],[0,1]],"window":{"from":"2025-03-01T00:00:00Z"}}}"#,
            400,
            "not simple",
        ),
        (
            r#"{"op":"perstat","unit":"ENG-CO","strength":{"authorized":120,"assigned":110,"present_for_duty":98,"as_of":"2099-01-01T00:00:00Z"}}"#,
            422,
            "ahead of the server clock",
        ),
        (
            r#"{"op":"status","unit":"NOBODY","status":{"kind":"T10","order_ref":"x","from":"2025-03-01T00:00:00Z"}}"#,
            404,
            "NOBODY",
        ),
        (
            r#"{"op":"batch","commands":[{"op":"unit","unit":{"id":"NEW","designation":"new"}},{"op":"assign","task":"NONE","unit":"NEW"}]}"#,
            404,
            "command 1 of the batch",
        ),
    ];
    for (body, code, needle) in cases {
        let (got, v) = post(s, "", body).await;
        assert_eq!(got, code, "{body}: {v}");
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(needle) && !msg.contains('\n'), "{body}: {msg}");
    }
    let roster = get(s, "", "/api/ops/roster").await;
    let ids: Vec<&str> = roster["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["id"].as_str())
        .collect();
    assert_eq!(ids, ["ENG-CO"], "the failed batch left nothing behind");

    // 100 MB: refused from its Content-Length before it is read; the server stays up.
    let (addr, _) = s.web_addr.expect("web");
    let mut big = tokio::net::TcpStream::connect(addr).await.expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let head = format!("POST /api/ops/commands HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", 100u64 << 20);
    big.write_all(head.as_bytes()).await.expect("head");
    let _ = big.write_all(&vec![b' '; 1 << 20]).await;
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(WAIT, big.read(&mut answer))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(0);
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(
        post(s, "", &task("T-9", "DETECT")).await.0,
        200,
        "still serving after the flood"
    );
}
