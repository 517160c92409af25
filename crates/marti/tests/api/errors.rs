//! One JSON error shape for every rejection; the OpenAPI description matches the router.

use crate::util::*;

#[tokio::test]
async fn every_rejection_kind_has_the_shape() {
    let env = Env::new();
    env.send(req("GET", "/nope", None, ""))
        .await
        .assert_error(404, "not_found");
    env.send(req("GET", "/Marti/api/nope", None, ""))
        .await
        .assert_error(404, "not_found");
    let r = env
        .send(req("DELETE", "/Marti/sync/content", None, ""))
        .await;
    r.assert_error(405, "method_not_allowed");
    assert_eq!(r.header("allow"), "GET, HEAD");
    env.send(req("GET", "/Marti/sync/content", None, ""))
        .await
        .assert_error(400, "missing_parameter");
    env.send(req("GET", "/Marti/sync/content?hash=xyz", None, ""))
        .await
        .assert_error(400, "bad_hash");
    env.send(req(
        "GET",
        "/Marti/sync/content?hash=00&offset=-1",
        None,
        "",
    ))
    .await
    .assert_error(400, "bad_query");
    env.send(req("GET", "/Marti/sync/missionquery", None, ""))
        .await
        .assert_error(400, "missing_parameter");
    env.send(req("GET", "/Marti/sync/search?startTime=noon", None, ""))
        .await
        .assert_error(400, "bad_time");
    env.send(req("GET", "/Marti/sync/search?tool=secret", None, ""))
        .await
        .assert_error(400, "bad_tool");
    env.send(req("GET", "/Marti/api/sync/metadata/abc/tool", None, ""))
        .await
        .assert_error(400, "bad_hash");
    env.send(req(
        "PUT",
        &format!("/Marti/api/sync/metadata/{}/tool", "a".repeat(64)),
        None,
        "public",
    ))
    .await
    .assert_error(404, "not_found");
    let uri = "/Marti/sync/missionupload?filename=a.zip&mimetype=text%2Fplain%0D%0AX-Evil:%201";
    env.send(post_multipart(uri, None, multipart("assetfile", "a", b"x")))
        .await
        .assert_error(400, "bad_mimetype");
}

#[tokio::test]
async fn openapi_part_covers_the_router() {
    let env = Env::new();
    let doc: serde_json::Value = serde_json::from_str(marti::Marti::openapi_json()).unwrap();
    // Every described operation is routed: no "no route" 404 and no 405.
    let hash = "a".repeat(64);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "parameters")
        {
            let uri = path.replace("{hash}", &hash).replace("{uid}", "u1");
            let r = env.send(req(&method.to_uppercase(), &uri, None, "")).await;
            assert_ne!(r.status, 405, "{method} {uri}");
            if r.status == 404 && !r.body.is_empty() {
                let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
                assert!(!msg.starts_with("no route"), "{method} {uri}: {msg}");
            }
        }
    }
}
