//! Version probes, clientEndPoints filtering, CoT lookups through the context.

use crate::util::*;
use marti::ClientEndpoint;

/// The API's clock: `secAgo` counts back from it.
fn now_ms() -> i64 {
    NOW_MS
}

#[tokio::test]
async fn version_and_config() {
    let env = Env::new();
    let r = env.send(req("GET", "/Marti/api/version", None, "")).await;
    assert_eq!(r.text(), "watchfloor 1.2.3");
    let r = env
        .send(req("GET", "/Marti/api/version/config", None, ""))
        .await;
    let v = r.json();
    assert_eq!(v["version"], "3");
    assert_eq!(v["type"], "ServerConfig");
    assert_eq!(v["data"]["version"], "1.2.3");
    assert_eq!(v["data"]["api"], "3");
    assert_eq!(v["data"]["hostname"], "tak.example");
    assert_eq!(v["nodeId"], "watchfloor");
}

fn endpoint(
    callsign: &str,
    groups: &[&str],
    connected: bool,
    last_event_ms: i64,
) -> ClientEndpoint {
    ClientEndpoint {
        callsign: callsign.into(),
        uid: format!("uid-{callsign}"),
        username: Some(callsign.to_lowercase()),
        team: Some("Cyan".into()),
        role: Some("Team Member".into()),
        last_event_ms,
        connected,
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

#[tokio::test]
async fn client_endpoints_are_group_filtered() {
    let env = Env::new();
    let now = now_ms();
    *env.ctx.endpoints.lock().unwrap() = vec![
        endpoint("ALPHA", &["blue"], true, now),
        endpoint("BRAVO", &["red"], true, now),
        endpoint("CHARLIE", &["blue", "red"], false, now - 3_600_000),
    ];
    let blue = caller("b", &["blue"]);
    // A client that reported no team or role, behind no user: still strings (node-tak's
    // ClientEndpoint schema refuses null).
    {
        let mut e = env.ctx.endpoints.lock().unwrap();
        e[2].team = None;
        e[2].role = None;
        e[2].username = None;
    }
    let r = env
        .send(req("GET", "/Marti/api/clientEndPoints", Some(&blue), ""))
        .await;
    let v = r.json();
    assert_eq!(v["type"], "com.bbn.marti.remote.ClientEndpoint");
    assert_eq!(v["messages"], serde_json::json!([]));
    let names: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["callsign"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ALPHA", "CHARLIE"]);
    assert_eq!(v["data"][0]["lastStatus"], "Connected");
    assert_eq!(v["data"][1]["lastStatus"], "Disconnected");
    assert_eq!(v["data"][0]["team"], "Cyan");
    for field in ["team", "role", "username"] {
        assert_eq!(v["data"][1][field], "", "{field}: {v}");
    }
    assert!(v["data"][0]["lastEventTime"]
        .as_str()
        .unwrap()
        .ends_with('Z'));

    let r = env
        .send(req(
            "GET",
            "/Marti/api/clientEndPoints?showCurrentlyConnectedClients=true",
            Some(&blue),
            "",
        ))
        .await;
    assert_eq!(r.json()["data"].as_array().unwrap().len(), 1);
    let r = env
        .send(req(
            "GET",
            "/Marti/api/clientEndPoints?secAgo=60",
            Some(&blue),
            "",
        ))
        .await;
    assert_eq!(r.json()["data"].as_array().unwrap().len(), 1);
    let r = env
        .send(req("GET", "/Marti/api/clientEndPoints", None, ""))
        .await;
    assert_eq!(r.json()["data"].as_array().unwrap().len(), 0);
    env.send(req(
        "GET",
        "/Marti/api/clientEndPoints?secAgo=soon",
        Some(&blue),
        "",
    ))
    .await
    .assert_error(400, "bad_query");
}

const EV1: &str = "<?xml version=\"1.0\"?><event uid=\"u1\" time=\"1\"/>";
const EV2: &str = "<event uid=\"u1\" time=\"2\"/>";

#[tokio::test]
async fn cot_xml_visibility_and_history() {
    let env = Env::new();
    env.ctx.add_event("u1", 1_000, EV1, &["blue"]);
    env.ctx.add_event("u1", 2_000, EV2, &["blue"]);
    env.ctx
        .add_event("u2", 1_000, "<event uid=\"u2\"/>", &["red"]);
    let blue = caller("b", &["blue"]);

    let r = env
        .send(req("GET", "/Marti/api/cot/xml/u1", Some(&blue), ""))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/xml");
    assert_eq!(r.text(), EV2);
    // 404 with an empty body, as TAK Server answers: node-tak's Query.single takes any
    // non-empty body for the event, and an empty one for "not found".
    for uid in ["u2", "nobody"] {
        let r = env
            .send(req(
                "GET",
                &format!("/Marti/api/cot/xml/{uid}"),
                Some(&blue),
                "",
            ))
            .await;
        assert_eq!(r.status, 404, "{uid}");
        assert!(r.body.is_empty(), "{uid}: {:?}", r.text());
    }

    let r = env
        .send(req("GET", "/Marti/api/cot/xml/u1/all", Some(&blue), ""))
        .await;
    let t = r.text();
    assert!(t.contains("<events>") && t.trim_end().ends_with("</events>"));
    assert_eq!(t.matches("<?xml").count(), 1, "{t}");
    assert!(t.find("time=\"1\"").unwrap() < t.find("time=\"2\"").unwrap());

    let r = env
        .send(req(
            "GET",
            "/Marti/api/cot/xml/u1/all?start=1970-01-01T00:00:01.500Z",
            Some(&blue),
            "",
        ))
        .await;
    assert!(!r.text().contains("time=\"1\"") && r.text().contains("time=\"2\""));
    let r = env
        .send(req("GET", "/Marti/api/cot/xml/u2/all", Some(&blue), ""))
        .await;
    assert!(!r.text().contains("u2"));
    env.send(req(
        "GET",
        "/Marti/api/cot/xml/u1/all?end=yesterday",
        Some(&blue),
        "",
    ))
    .await
    .assert_error(400, "bad_time");
}
