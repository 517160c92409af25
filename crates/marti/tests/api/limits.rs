//! Size limits, quotas, truncated and malformed bodies: clear errors and nothing stored.

use crate::util::*;

fn small() -> Env {
    Env::with(|c| {
        c.max_upload_bytes = 1000;
        c.quota_bytes_per_user = 1500;
    })
}

async fn assert_nothing_stored(env: &Env) {
    assert_eq!(env.stored_files(), 0);
    assert_eq!(env.temp_files(), 0);
    assert_eq!(
        env.send(req("GET", "/Marti/sync/search", None, ""))
            .await
            .json()["resultCount"],
        0
    );
}

#[tokio::test]
async fn oversized_uploads() {
    let env = small();
    mission_upload(&env, None, "big.zip", &bytes(1001, 1))
        .await
        .assert_error(413, "too_large");
    assert_nothing_stored(&env).await;
    // Far past the multipart body limit too.
    mission_upload(&env, None, "big.zip", &bytes(3 << 20, 1))
        .await
        .assert_error(413, "too_large");
    assert_nothing_stored(&env).await;
    let r = env
        .send(req(
            "POST",
            "/Marti/sync/upload?name=x",
            None,
            bytes(1001, 1),
        ))
        .await;
    r.assert_error(413, "too_large");
    assert_nothing_stored(&env).await;
    // Exactly the limit is fine.
    assert_eq!(
        mission_upload(&env, None, "ok.zip", &bytes(1000, 1))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn raw_body_lying_about_its_length_is_refused_early() {
    let env = small();
    let mut q = req("POST", "/Marti/sync/upload?name=x", None, bytes(10, 1));
    q.headers_mut()
        .insert("content-length", "999999".parse().unwrap());
    env.send(q).await.assert_error(413, "too_large");
    assert_nothing_stored(&env).await;
}

#[tokio::test]
async fn quota_per_user() {
    let env = small();
    let alice = caller("alice", &["blue"]);
    let bob = caller("bob", &["blue"]);
    let first = bytes(1000, 1);
    assert_eq!(
        mission_upload(&env, Some(&alice), "1.zip", &first)
            .await
            .status,
        200
    );
    let r = mission_upload(&env, Some(&alice), "2.zip", &bytes(600, 2)).await;
    r.assert_error(413, "quota_exceeded");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("quota"));
    assert_eq!(env.stored_files(), 1);
    assert_eq!(env.temp_files(), 0);
    // The same bytes again take no more space.
    assert_eq!(
        mission_upload(&env, Some(&alice), "1b.zip", &first)
            .await
            .status,
        200
    );
    assert_eq!(
        mission_upload(&env, Some(&alice), "3.zip", &bytes(500, 3))
            .await
            .status,
        200
    );
    // Another user has a quota of their own.
    assert_eq!(
        mission_upload(&env, Some(&bob), "b.zip", &bytes(1000, 4))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn truncated_multipart() {
    let env = Env::new();
    let mut body = multipart("assetfile", "t.zip", &bytes(5000, 1));
    body.truncate(3000);
    let r = env
        .send(post_multipart(
            "/Marti/sync/missionupload?filename=t.zip",
            None,
            body,
        ))
        .await;
    r.assert_error(400, "bad_multipart");
    assert_nothing_stored(&env).await;
}

#[tokio::test]
async fn malformed_bodies() {
    let env = Env::new();
    let uri = "/Marti/sync/missionupload?filename=t.zip";
    // No assetfile part.
    env.send(post_multipart(
        uri,
        None,
        multipart("other", "t.zip", b"abc"),
    ))
    .await
    .assert_error(400, "missing_file");
    // Empty file.
    env.send(post_multipart(
        uri,
        None,
        multipart("assetfile", "t.zip", b""),
    ))
    .await
    .assert_error(400, "empty_upload");
    // Not multipart at all.
    env.send(req("POST", uri, None, "hello"))
        .await
        .assert_error(400, "bad_multipart");
    // Garbage with a multipart content type.
    env.send(post_multipart(uri, None, b"\x00\x01garbage".to_vec()))
        .await
        .assert_error(400, "bad_multipart");
    env.send(req("POST", "/Marti/sync/upload?name=e", None, ""))
        .await
        .assert_error(400, "empty_upload");
    assert_nothing_stored(&env).await;
}

#[tokio::test]
async fn raw_body_cut_off_mid_stream() {
    let env = Env::new();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(bytes(4096, 1)),
        Ok(bytes(4096, 2)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "peer went away",
        )),
    ];
    let body = axum::body::Body::from_stream(futures::stream::iter(chunks));
    let r = env
        .send(req("POST", "/Marti/sync/upload?name=cut", None, body))
        .await;
    r.assert_error(400, "truncated_body");
    assert_nothing_stored(&env).await;
}

#[tokio::test]
async fn concurrent_uploads_respect_the_quota() {
    let env = small();
    let alice = caller("alice", &["blue"]);
    let files: Vec<Vec<u8>> = (0..6u8).map(|i| bytes(400, i)).collect();
    let uploads = files
        .iter()
        .map(|f| mission_upload(&env, Some(&alice), "c.zip", f));
    let results = futures::future::join_all(uploads).await;
    let ok = results.iter().filter(|r| r.status == 200).count();
    for r in results.iter().filter(|r| r.status != 200) {
        r.assert_error(413, "quota_exceeded");
    }
    // 1500-byte quota, 400-byte files: exactly three fit.
    assert_eq!(ok, 3);
    assert_eq!(env.stored_files(), 3);
    assert_eq!(env.temp_files(), 0);
}

#[tokio::test]
async fn storage_failure_is_a_500_in_the_same_shape() {
    let env = Env::new();
    std::fs::remove_dir(env.packages_dir().join("tmp")).unwrap();
    let r = mission_upload(&env, None, "x.zip", b"data").await;
    r.assert_error(500, "internal");
    // The message does not leak server paths.
    assert!(!r.text().contains(env.dir.path().to_str().unwrap()));
    // The API still answers.
    assert_eq!(
        env.send(req("GET", "/Marti/sync/search", None, ""))
            .await
            .status,
        200
    );
}
