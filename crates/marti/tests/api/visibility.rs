//! Packages are visible only to the groups they were shared with; invisible means 404.

use crate::util::*;
use picture::Identity;

#[tokio::test]
async fn disjoint_groups_never_see_each_other() {
    let env = Env::new();
    let alice = caller("alice", &["blue"]);
    let bob = caller("bob", &["red"]);
    let a = bytes(400, 1);
    let b = bytes(400, 2);
    mission_upload(&env, Some(&alice), "a.zip", &a).await;
    mission_upload(&env, Some(&bob), "b.zip", &b).await;

    for (me, mine, theirs) in [(&alice, &a, &b), (&bob, &b, &a)] {
        let r = env
            .send(req("GET", "/Marti/sync/search", Some(me), ""))
            .await;
        let v = r.json();
        assert_eq!(v["resultCount"], 1);
        assert_eq!(v["results"][0]["Hash"], sha256_hex(mine).as_str());
        let their_hash = sha256_hex(theirs);
        let their_uid = {
            let other = if me.user() == Some("alice") {
                &bob
            } else {
                &alice
            };
            let r = env
                .send(req("GET", "/Marti/sync/search", Some(other), ""))
                .await;
            r.json()["results"][0]["UID"].as_str().unwrap().to_owned()
        };
        for uri in [
            format!("/Marti/sync/content?hash={their_hash}"),
            format!("/Marti/sync/content?uid={their_uid}"),
            format!("/Marti/sync/missionquery?hash={their_hash}"),
            format!("/Marti/api/sync/metadata/{their_hash}/tool"),
        ] {
            env.send(req("GET", &uri, Some(me), ""))
                .await
                .assert_error(404, "not_found");
        }
        let r = env
            .send(req(
                "HEAD",
                &format!("/Marti/sync/content?hash={their_hash}"),
                Some(me),
                "",
            ))
            .await;
        assert_eq!(r.status, 404);
        let r = env
            .send(req(
                "GET",
                &format!("/Marti/sync/search?hash={their_hash}"),
                Some(me),
                "",
            ))
            .await;
        assert_eq!(r.json()["resultCount"], 0);
        let r = env
            .send(req(
                "PUT",
                &format!("/Marti/api/sync/metadata/{their_hash}/tool"),
                Some(me),
                "private",
            ))
            .await;
        r.assert_error(404, "not_found");
    }
    // Anonymous callers see neither.
    assert_eq!(
        env.send(req("GET", "/Marti/sync/search", None, ""))
            .await
            .json()["resultCount"],
        0
    );
}

#[tokio::test]
async fn sharing_with_chosen_groups() {
    let env = Env::new();
    let multi = caller("carol", &["blue", "red"]);
    let bob = caller("bob", &["red"]);
    let alice = caller("alice", &["blue"]);
    let data = bytes(100, 3);
    let uri = "/Marti/sync/missionupload?filename=c.zip&groups=red,green";
    let r = env
        .send(post_multipart(
            uri,
            Some(&multi),
            multipart("assetfile", "c", &data),
        ))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        env.send(req("GET", "/Marti/sync/search", Some(&bob), ""))
            .await
            .json()["resultCount"],
        1
    );
    assert_eq!(
        env.send(req("GET", "/Marti/sync/search", Some(&alice), ""))
            .await
            .json()["resultCount"],
        0
    );

    // Groups the caller is not in are refused, before the body is stored.
    let uri = "/Marti/sync/missionupload?filename=c.zip&groups=green";
    let r = env
        .send(post_multipart(
            uri,
            Some(&multi),
            multipart("assetfile", "c", &bytes(10, 9)),
        ))
        .await;
    r.assert_error(403, "forbidden");
    assert_eq!(env.stored_files(), 1);
    assert_eq!(env.temp_files(), 0);
}

#[tokio::test]
async fn tool_change_needs_submitter_or_sender() {
    let env = Env::new();
    let alice = caller("alice", &["blue"]);
    let data = bytes(100, 4);
    let uri = format!("/Marti/api/sync/metadata/{}/tool", sha256_hex(&data));
    mission_upload(&env, Some(&alice), "t.zip", &data).await;
    // Sees blue but may only send to yellow: read-only.
    let reader = Identity::new(
        Some("reader".into()),
        vec!["yellow".into()],
        vec!["blue".into()],
    );
    assert_eq!(
        env.send(req("GET", &uri, Some(&reader), "")).await.status,
        200
    );
    env.send(req("PUT", &uri, Some(&reader), "private"))
        .await
        .assert_error(403, "forbidden");
    let teammate = caller("dave", &["blue"]);
    assert_eq!(
        env.send(req("PUT", &uri, Some(&teammate), "private"))
            .await
            .status,
        200
    );
}
