//! Orders and suspenses over the web listener: a suspense's warnings reach
//! the owner's phone by GeoChat as its thresholds pass on the server's own
//! clock, the board shows it late and as an alert, a restart sends none
//! of them again, and the order view and bad queries answer as described.

use std::time::Duration;

use server::{Server, WebConfig};

use crate::api::util::{config, http, iso, joined, metrics_text, start, WAIT};

async fn get(server: &Server, path: &str) -> (u16, serde_json::Value) {
    let (code, _, text) = http(server, "GET", path, "", "").await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

async fn post(server: &Server, body: &str) -> (u16, String) {
    let (code, _, text) = http(server, "POST", "/api/ops/commands", "", body).await;
    (code, text)
}

fn cfg(data: &std::path::Path) -> server::ServerConfig {
    let mut cfg = config();
    cfg.store.data_dir = Some(data.to_path_buf());
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    cfg
}

#[tokio::test]
async fn warnings_reach_the_owner_once_and_the_board_keeps_a_late_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = start(cfg(tmp.path())).await;
    let mut mp = joined(s.tcp_addrs[0], "MP-1", "MP ONE").await;
    let unit = r#"{"op":"unit","unit":{"id":"MP-CO","designation":"978 MP Co","sa_uid":"MP-1"}}"#;
    assert_eq!(post(&s, unit).await.0, 200);
    // Due in 4 s with a warning at T-3s: the warning in about a second,
    // then the due notice.
    let due = iso(4);
    let sus = format!(
        r#"{{"op":"suspense","suspense":{{"id":"SITREP-1","owner":"MP-CO","about":"REPORT","subject":"SITREP","title":"first SITREP","due":"{due}","warnings":["3s"]}}}}"#
    );
    let (code, text) = post(&s, &sus).await;
    assert_eq!(code, 200, "{text}");
    let (warned, _) = mp.wait_for("SUSPENSE SITREP-1", WAIT).await;
    let warned = warned.expect("the T-3s warning by GeoChat");
    assert!(
        warned.contains("b-t-f") && warned.contains("is due in 3s"),
        "{warned}"
    );
    let (due_now, _) = mp.wait_for("SUSPENSE SITREP-1", WAIT).await;
    assert!(
        due_now.is_some_and(|e| e.contains("DUE NOW")),
        "the due notice"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (code, board) = get(&s, "/api/ops/suspenses").await;
    assert_eq!(code, 200, "{board}");
    let row = &board["suspenses"][0];
    assert_eq!(
        (row["id"].as_str(), row["status"].as_str()),
        (Some("SITREP-1"), Some("LATE"))
    );
    assert_eq!(
        (row["alert"].as_bool(), row["last_notice"].as_str()),
        (Some(true), Some("DUE"))
    );
    assert_eq!(board["metrics"]["overall"]["late"], 1);
    assert_eq!(board["metrics"]["by_owner"]["MP-CO"]["late"], 1);
    s.shutdown().await;
    drop(mp);

    // After a restart nothing already sent is sent again; the alert stays
    // until the suspense is met.
    let s = start(cfg(tmp.path())).await;
    let mut mp = joined(s.tcp_addrs[0], "MP-1", "MP ONE").await;
    let again = mp.drain(Duration::from_millis(2500)).await;
    assert!(
        again.iter().all(|e| !e.contains("SUSPENSE SITREP-1")),
        "a notice was sent twice: {again:?}"
    );
    let (_, board) = get(&s, "/api/ops/suspenses?owner=MP-CO").await;
    assert_eq!(board["suspenses"][0]["alert"], true);
    let met = r#"{"op":"meet","suspense":"SITREP-1","note":"sent by runner"}"#;
    assert_eq!(post(&s, met).await.0, 200);
    let (_, board) = get(&s, "/api/ops/suspenses").await;
    assert_eq!(
        board["suspenses"].as_array().map(Vec::len),
        Some(0),
        "met: off the open board"
    );
    let (_, board) = get(&s, "/api/ops/suspenses?closed=true").await;
    assert_eq!(board["suspenses"][0]["status"], "MET");
    let metrics = metrics_text(&s).await;
    assert!(
        metrics.contains("watchfloor_ops_suspense_notices_total 0"),
        "counted per run: {metrics}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn the_order_view_and_bad_queries() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = start(cfg(tmp.path())).await;
    let order = r#"{"op":"order","order":{"id":"EXORD-25-01","kind":"EXORD","dtg":"221200Z JAN 25","issuer":"USNORTHCOM",
        "subject":"JTF-Southern Border",
        "references":[{"letter":"A","target":{"authority":"T10-CH15"},"citation":"10 U.S.C. 271-284"}],
        "paragraphs":{"1":"Situation.","2":"Mission.","3":"Execution.","3.a":"Concept."},
        "suspenses":[{"id":"REC-90","owner":"J5","due":"221200Z APR 25","title":"recommend within 90 days"}]}}"#;
    let (code, text) = post(&s, order).await;
    assert_eq!(code, 200, "{text}");
    let frag = r#"{"op":"order","order":{"id":"FRAGORD-001","kind":"FRAGORD","dtg":"011200Z FEB 25","issuer":"JTF-SB",
        "base":"EXORD-25-01","changes":[{"paragraph":"3.a","change":{"replace":"Concept, as changed."}}]}}"#;
    assert_eq!(post(&s, frag).await.0, 200);
    let (_, list) = get(&s, "/api/ops/orders").await;
    assert_eq!(list["orders"][1]["base"], "EXORD-25-01");
    assert_eq!(list["orders"][1]["depth"], 1);
    let (code, v) = get(&s, "/api/ops/orders/EXORD-25-01?at=251200Z%20JAN%2025").await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["effective"]["paragraphs"]["3.a"]["text"], "Concept.");
    let (_, v) = get(&s, "/api/ops/orders/EXORD-25-01").await;
    assert_eq!(v["effective"]["paragraphs"]["3.a"]["set_by"], "FRAGORD-001");
    assert_eq!(v["suspenses"][0]["id"], "EXORD-25-01/REC-90");
    assert_eq!(v["references"][0]["line"], "REF/A/AUTH/10 U.S.C. 271-284//");
    for (path, want) in [
        ("/api/ops/orders/NOPE", 404),
        ("/api/ops/orders/EXORD-25-01?at=211200Z%20JAN%2025", 422),
        ("/api/ops/orders/EXORD-25-01?at=321200Z%20JAN%2025", 400),
        ("/api/ops/suspenses?due_within=7x", 400),
        ("/api/ops/suspenses?closed=maybe", 400),
        ("/api/ops/timeline?hours=0", 400),
        ("/api/ops/timeline?hours=many", 400),
    ] {
        let (code, body) = get(&s, path).await;
        assert_eq!(code, want, "{path}: {body}");
        assert!(
            body["error"].is_object() || body["message"].is_string() || body.is_object(),
            "{body}"
        );
    }
    let (code, tl) = get(&s, "/api/ops/timeline").await;
    assert_eq!(code, 200, "{tl}");
    let entries = tl["entries"].as_array().expect("entries");
    assert_eq!(
        entries[0]["summary"], "order FRAGORD-001 EXORD-25-01",
        "newest first"
    );
    assert_eq!(entries[0]["kind"], "order");
    let links: Vec<(&str, &str)> = entries[0]["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| Some((l["kind"].as_str()?, l["id"].as_str()?)))
        .collect();
    assert_eq!(links, [("order", "FRAGORD-001"), ("order", "EXORD-25-01")]);
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "ops.suspense.opened"
                && e["links"][0]["id"] == "EXORD-25-01/REC-90"),
        "{tl}"
    );
    let (code, head, page) = http(&s, "GET", "/api/ops/briefing", "", "").await;
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(
        page.contains("Daily briefing") && page.contains("LATE: EXORD-25-01/REC-90"),
        "{page}"
    );
    assert!(!page.contains("SIMULATION"), "not a demo: no marking");
    let (code, head, _) = http(&s, "GET", "/api/ops/briefing?format=pdf", "", "").await;
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/pdf"),
        "{head}"
    );
    let (code, _) = get(&s, "/api/ops/briefing?format=xls").await;
    assert_eq!(code, 400);
    let (_, week) = get(&s, "/api/ops/suspenses?due_within=7d").await;
    assert_eq!(
        week["suspenses"].as_array().map(Vec::len),
        Some(1),
        "long late: due within any span"
    );
    s.shutdown().await;
}
