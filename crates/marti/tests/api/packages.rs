//! Upload, search, download (GET, HEAD, ranges), restart.

use crate::util::*;

#[tokio::test]
async fn upload_search_download_restart() {
    let mut env = Env::new();
    let alice = caller("alice", &["blue"]);
    let data = bytes(10_000, 7);
    let hash = sha256_hex(&data);

    let r = mission_upload(&env, Some(&alice), "ops%20plan.zip", &data).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-type").starts_with("text/plain"));
    assert_eq!(
        r.text(),
        format!("http://tak.example:8443/Marti/sync/content?hash={hash}")
    );
    assert_eq!(env.stored_files(), 1);
    assert_eq!(env.temp_files(), 0);

    for _ in 0..2 {
        let r = env
            .send(req(
                "GET",
                "/Marti/sync/search?keyword=missionpackage",
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["resultCount"], 1, "{v}");
        let p = &v["results"][0];
        assert_eq!(p["Hash"], hash.as_str());
        assert_eq!(p["Name"], "ops plan.zip");
        assert_eq!(p["CreatorUid"], "ANDROID-1");
        assert_eq!(p["SubmissionUser"], "alice");
        assert_eq!(p["MIMEType"], "application/x-zip-compressed");
        // Strings, as TAK Server's Metadata writes every single-valued field.
        assert_eq!(p["Size"], "10000");
        assert_eq!(p["Tool"], "public");
        assert_eq!(p["EXPIRATION"], "-1");
        assert_eq!(p["Keywords"], serde_json::json!(["missionpackage"]));
        assert!(p["SubmissionDateTime"].as_str().unwrap().ends_with('Z'));
        // Submission time is the API's clock, not the wall clock.
        assert_eq!(p["SubmissionDateTime"], "2026-01-01T00:00:00.000Z");
        assert!(p["PrimaryKey"].as_str().unwrap().parse::<i64>().unwrap() > 0);
        let uid = p["UID"].as_str().unwrap().to_owned();

        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/content?hash={hash}"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body.as_ref(), data.as_slice());
        assert_eq!(r.header("content-type"), "application/x-zip-compressed");
        assert_eq!(r.header("content-length"), "10000");
        assert_eq!(r.header("accept-ranges"), "bytes");
        assert!(r
            .header("content-disposition")
            .contains("filename=\"ops plan.zip\""));

        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/content?uid={uid}"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.body.as_ref(), data.as_slice());

        let r = env
            .send(req(
                "HEAD",
                &format!("/Marti/sync/content?hash={hash}"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-length"), "10000");

        let mut q = req(
            "GET",
            &format!("/Marti/sync/content?hash={hash}"),
            Some(&alice),
            "",
        );
        q.headers_mut()
            .insert("range", "bytes=100-199".parse().unwrap());
        let r = env.send(q).await;
        assert_eq!(r.status, 206);
        assert_eq!(r.body.as_ref(), &data[100..200]);
        assert_eq!(r.header("content-range"), "bytes 100-199/10000");
        assert_eq!(r.header("content-length"), "100");

        let mut q = req(
            "GET",
            &format!("/Marti/sync/content?hash={hash}"),
            Some(&alice),
            "",
        );
        q.headers_mut()
            .insert("range", "bytes=-10".parse().unwrap());
        let r = env.send(q).await;
        assert_eq!(r.status, 206);
        assert_eq!(r.body.as_ref(), &data[9_990..]);

        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/content?hash={hash}&offset=9000"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.status, 206);
        assert_eq!(r.body.as_ref(), &data[9_000..]);
        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/content?hash={hash}&offset=10&length=5"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.body.as_ref(), &data[10..15]);

        let mut q = req(
            "GET",
            &format!("/Marti/sync/content?hash={hash}"),
            Some(&alice),
            "",
        );
        q.headers_mut()
            .insert("range", "bytes=10000-".parse().unwrap());
        let r = env.send(q).await;
        r.assert_error(416, "range_not_satisfiable");
        assert_eq!(r.header("content-range"), "bytes */10000");

        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/missionquery?hash={hash}"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.status, 200);
        assert!(r
            .text()
            .ends_with(&format!("/Marti/sync/content?hash={hash}")));

        let r = env
            .send(req(
                "GET",
                &format!("/Marti/api/sync/metadata/{hash}/tool"),
                Some(&alice),
                "",
            ))
            .await;
        assert_eq!(r.body.as_ref(), data.as_slice());

        env.restart();
    }
}

#[tokio::test]
async fn same_bytes_twice_share_one_file() {
    let env = Env::new();
    let alice = caller("alice", &["blue"]);
    let data = bytes(500, 1);
    for name in ["a.zip", "b.zip"] {
        assert_eq!(
            mission_upload(&env, Some(&alice), name, &data).await.status,
            200
        );
    }
    assert_eq!(env.stored_files(), 1);
    let r = env
        .send(req("GET", "/Marti/sync/search", Some(&alice), ""))
        .await;
    assert_eq!(r.json()["resultCount"], 2);
    // Newest first: the download is named after the latest upload.
    let r = env
        .send(req(
            "GET",
            &format!("/Marti/sync/content?hash={}", sha256_hex(&data)),
            Some(&alice),
            "",
        ))
        .await;
    assert!(r.header("content-disposition").contains("\"b.zip\""));
}

#[tokio::test]
async fn raw_upload_answers_metadata() {
    let env = Env::new();
    let bob = caller("bob", &["red"]);
    let data = bytes(3000, 9);
    let mut q = req(
        "POST",
        "/Marti/sync/upload?name=photo.jpg&keywords=img,recon&CreatorUid=IOS-7",
        Some(&bob),
        data.clone(),
    );
    q.headers_mut()
        .insert("content-type", "image/jpeg".parse().unwrap());
    let r = env.send(q).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // Not exactly application/json: node-tak's Files.upload parses the text itself.
    assert_eq!(r.header("content-type"), "text/json");
    let v = r.json();
    assert_eq!(v["Hash"], sha256_hex(&data).as_str());
    assert_eq!(v["Name"], "photo.jpg");
    assert_eq!(v["CreatorUid"], "IOS-7");
    assert_eq!(v["MIMEType"], "image/jpeg");
    assert_eq!(v["Keywords"], serde_json::json!(["img", "recon"]));
    assert_eq!(v["SubmissionUser"], "bob");
    let uid = v["UID"].as_str().unwrap();
    let r = env
        .send(req(
            "GET",
            &format!("/Marti/sync/content?uid={uid}"),
            Some(&bob),
            "",
        ))
        .await;
    assert_eq!(r.body.as_ref(), data.as_slice());
    assert_eq!(r.header("content-type"), "image/jpeg");

    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?keyword=recon&name=PHOTO",
            Some(&bob),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 1);
    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?keyword=other",
            Some(&bob),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 0);
    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?startTime=2000-01-01T00:00:00Z&endTime=2999-01-01T00:00:00Z",
            Some(&bob),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 1);
    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?startTime=2999-01-01T00:00:00Z",
            Some(&bob),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 0);
}

#[tokio::test]
async fn multipart_upload_to_sync_upload() {
    let env = Env::new();
    let data = bytes(100, 3);
    let r = env
        .send(post_multipart(
            "/Marti/sync/upload?name=m",
            None,
            multipart("file", "dir/x.bin", &data),
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["FileName"], "x.bin");
    assert_eq!(r.json()["MIMEType"], "application/zip");
    assert_eq!(r.json()["SubmissionUser"], "anonymous");
}

#[tokio::test]
async fn tool_can_be_changed() {
    let env = Env::new();
    let alice = caller("alice", &["blue"]);
    let data = bytes(100, 4);
    let hash = sha256_hex(&data);
    mission_upload(&env, Some(&alice), "t.zip", &data).await;
    let uri = format!("/Marti/api/sync/metadata/{hash}/tool");
    let r = env.send(req("PUT", &uri, Some(&alice), "private")).await;
    assert_eq!((r.status.as_u16(), r.text().as_str()), (200, "private"));
    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?tool=private",
            Some(&alice),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 1);
    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?tool=public",
            Some(&alice),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 0);
    env.send(req("PUT", &uri, Some(&alice), "bogus"))
        .await
        .assert_error(400, "bad_tool");
    env.send(req("PUT", &uri, Some(&alice), "x".repeat(10_000)))
        .await
        .assert_error(413, "too_large");
}

#[tokio::test]
async fn filename_path_tricks() {
    let env = Env::new();
    let data = bytes(50, 5);
    for (sent, stored) in [
        ("..%2F..%2Fetc%2Fevil.zip", "evil.zip"),
        ("C:%5Cx%5Cy.zip", "y.zip"),
        ("a%2Fb.zip", "b.zip"),
    ] {
        let r = mission_upload(&env, None, sent, &data).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/content?hash={}", sha256_hex(&data)),
                None,
                "",
            ))
            .await;
        assert!(r
            .header("content-disposition")
            .starts_with(&format!("attachment; filename=\"{stored}\"")));
    }
    for bad in ["..", "a%2F..", "x%0Ay.zip", "dir%2F"] {
        let before = env
            .send(req("GET", "/Marti/sync/search", None, ""))
            .await
            .json()["resultCount"]
            .clone();
        mission_upload(&env, None, bad, &bytes(60, 6))
            .await
            .assert_error(400, "bad_filename");
        let after = env
            .send(req("GET", "/Marti/sync/search", None, ""))
            .await
            .json()["resultCount"]
            .clone();
        assert_eq!(before, after);
    }
    assert_eq!(env.stored_files(), 1);
    assert_eq!(env.temp_files(), 0);
    // Nothing was ever written outside the package directory.
    assert!(!env.dir.path().join("etc").exists());
}

#[tokio::test]
async fn client_hash_disagreeing_is_ignored() {
    let env = Env::new();
    let data = bytes(200, 8);
    let wrong = "0".repeat(64);
    let uri = format!("/Marti/sync/missionupload?filename=h.zip&hash={wrong}");
    let r = env
        .send(post_multipart(
            &uri,
            None,
            multipart("assetfile", "h.zip", &data),
        ))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.text().ends_with(&sha256_hex(&data)));
    env.send(req(
        "GET",
        &format!("/Marti/sync/missionquery?hash={wrong}"),
        None,
        "",
    ))
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn urls_follow_scheme_and_public_base() {
    let env = Env::new();
    let mut q = post_multipart(
        "/Marti/sync/missionupload?filename=s.zip",
        None,
        multipart("assetfile", "s", b"x"),
    );
    q.extensions_mut().insert(marti::Scheme::Https);
    assert!(env
        .send(q)
        .await
        .text()
        .starts_with("https://tak.example:8443/Marti/"));

    let env = Env::with(|c| c.public_base_url = Some("https://cop.example/".into()));
    let r = mission_upload(&env, None, "s.zip", b"x").await;
    assert!(r
        .text()
        .starts_with("https://cop.example/Marti/sync/content?hash="));
}

#[tokio::test]
async fn missing_file_is_absent() {
    let env = Env::new();
    let data = bytes(70, 2);
    let hash = sha256_hex(&data);
    mission_upload(&env, None, "m.zip", &data).await;
    std::fs::remove_file(env.packages_dir().join(&hash)).unwrap();
    env.send(req(
        "GET",
        &format!("/Marti/sync/content?hash={hash}"),
        None,
        "",
    ))
    .await
    .assert_error(404, "not_found");
    assert_eq!(
        env.send(req("GET", "/Marti/sync/search", None, ""))
            .await
            .json()["resultCount"],
        0
    );
    // Uploading it again brings it back.
    mission_upload(&env, None, "m.zip", &data).await;
    assert_eq!(
        env.send(req(
            "GET",
            &format!("/Marti/sync/content?hash={hash}"),
            None,
            ""
        ))
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn uploads_bigger_than_the_small_body_limit() {
    let env = Env::new();
    let data = bytes(3 << 20, 11);
    let r = mission_upload(&env, None, "big.zip", &data).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mut q = req(
        "POST",
        "/Marti/sync/upload?name=big2",
        None,
        bytes(3 << 20, 12),
    );
    q.headers_mut()
        .insert("content-type", "application/zip".parse().unwrap());
    assert_eq!(env.send(q).await.status, 200);
}

#[tokio::test]
async fn mission_upload_as_node_tak_sends_it() {
    let env = Env::new();
    let alice = caller("alice", &["blue", "red"]);
    let data = bytes(2000, 3);
    let hash = sha256_hex(&data);
    // Files.uploadPackage: `keyword` repeated (missionpackage first), `Groups` repeated.
    let uri = format!(
        "/Marti/sync/missionupload?filename=route.zip&creatorUid=ANDROID-1&hash={hash}\
         &keyword=missionpackage&keyword=route&keyword=recon&Groups=blue"
    );
    let r = env
        .send(post_multipart(
            &uri,
            Some(&alice),
            multipart("assetfile", "route.zip", &data),
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());

    // TAK Server stores the package under the client's hash as its UID.
    let r = env
        .send(req(
            "GET",
            &format!("/Marti/sync/search?uid={hash}"),
            Some(&alice),
            "",
        ))
        .await;
    let v = r.json();
    assert_eq!(v["resultCount"], 1, "{v}");
    let p = &v["results"][0];
    assert_eq!(p["UID"], hash.as_str());
    assert_eq!(
        p["Keywords"],
        serde_json::json!(["missionpackage", "route", "recon"])
    );
    // Shared with the `Groups` asked for only.
    let red = caller("rick", &["red"]);
    let r = env
        .send(req(
            "GET",
            &format!("/Marti/sync/search?uid={hash}"),
            Some(&red),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 0);

    // The same package again: accepted, and the first stays findable by its uid.
    let r = env
        .send(post_multipart(
            &uri,
            Some(&alice),
            multipart("assetfile", "route.zip", &data),
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = env
        .send(req(
            "GET",
            &format!("/Marti/sync/search?uid={hash}"),
            Some(&alice),
            "",
        ))
        .await;
    assert_eq!(r.json()["resultCount"], 1);

    // A search repeating a single-valued key takes the first, as TAK Server does.
    let r = env
        .send(req(
            "GET",
            "/Marti/sync/search?keyword=route&keyword=nothing",
            Some(&alice),
            "",
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["resultCount"], 2);
}
