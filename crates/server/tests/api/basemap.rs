//! Offline basemaps on the web listener: tiles with their headers, 204 for
//! none, the raw archive by ranges, ATAK's map source, and the capability
//! a phone needs when login is on.

use server::{Server, WebConfig};
use trust::users::{GroupSpec, UsersFile};

use crate::api::util::{config, http, metrics_text, start};

const RED: [u8; 3] = [200, 0, 0];

struct Setup {
    _tmp: tempfile::TempDir,
    server: Server,
    archive: Vec<u8>,
}

/// A server with one raster PMTiles archive (`sector`) and one vector
/// one (`roads`); with a user `alice` when `login` is set.
async fn setup(login: bool) -> Setup {
    let tmp = tempfile::tempdir().expect("tmp");
    let raster = tmp.path().join("Sector.pmtiles");
    let tiles = [
        ((0, 0, 0), basemap::fixtures::png([1, 2, 3])),
        ((1, 1, 0), basemap::fixtures::png(RED)),
    ];
    basemap::fixtures::write_pmtiles_png(&raster, "Border sector", &tiles).expect("write");
    let vector = tmp.path().join("roads.pmtiles");
    basemap::fixtures::write_pmtiles_mvt(&vector, "Roads", &[((0, 0, 0), b"mvt".to_vec())])
        .expect("write");
    let open = |p: &std::path::Path| basemap::Basemap::open(p).expect("opens");
    let mut cfg = config();
    if login {
        let data = tmp.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        let mut users = UsersFile::open(&data)
            .expect("users")
            .with_cost(trust::users::HashCost::INSECURE_TEST);
        users
            .add(
                "alice",
                "password-123",
                &GroupSpec::parse_list("blue").expect("groups"),
            )
            .expect("alice");
        cfg.store.data_dir = Some(data);
    }
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        basemaps: basemap::Catalog::new(vec![open(&raster), open(&vector)]),
        ..WebConfig::default()
    });
    let archive = std::fs::read(&raster).expect("read");
    Setup {
        _tmp: tmp,
        server: start(cfg).await,
        archive,
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn tiles_are_served_with_their_headers_and_204_when_absent() {
    let s = setup(false).await;
    let (code, _, body) = http(&s.server, "GET", "/api/basemaps", "", "").await;
    assert_eq!(code, 200, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(list[0]["id"], "sector");
    assert_eq!(list[0]["kind"], "raster");
    assert_eq!(list[0]["tiles"], "/basemaps/sector/{z}/{x}/{y}");
    assert_eq!(list[1]["format"], "mvt");
    assert_eq!(list[1]["vector_layers"][0], "roads");
    let (_, _, session) = http(&s.server, "GET", "/api/web/session", "", "").await;
    let session: serde_json::Value = serde_json::from_str(&session).expect("json");
    assert_eq!(session["basemaps"][0]["id"], "sector");

    let (code, head, body) = http(&s.server, "GET", "/basemaps/sector/1/1/0.png", "", "").await;
    assert_eq!(code, 200);
    assert_eq!(header(&head, "content-type"), Some("image/png"));
    assert_eq!(header(&head, "cache-control"), Some("public, max-age=3600"));
    assert_eq!(header(&head, "content-encoding"), None);
    assert!(body.as_bytes().starts_with(b"\x89PNG") || body.starts_with("\u{fffd}PNG"));
    let (code, head, _) = http(&s.server, "GET", "/basemaps/roads/0/0/0.pbf", "", "").await;
    assert_eq!(code, 200);
    assert_eq!(header(&head, "content-encoding"), Some("gzip"));
    assert_eq!(
        header(&head, "content-type"),
        Some("application/vnd.mapbox-vector-tile")
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/1/0/1", "", "")
            .await
            .0,
        204
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/9/3/3", "", "")
            .await
            .0,
        204
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/1/2/0", "", "")
            .await
            .0,
        400
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/a/0/0", "", "")
            .await
            .0,
        400
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/nope/0/0/0", "", "")
            .await
            .0,
        404
    );
    let m = metrics_text(&s.server).await;
    assert!(m.contains("watchfloor_basemap_tiles_total 2\n"), "{m}");
    assert!(m.contains("watchfloor_basemap_errors_total 3\n"), "{m}");
    s.server.shutdown().await;
}

/// The body of an exchange as bytes (the helper reads it as text).
async fn raw(s: &Server, path: &str, headers: &str) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (addr, _) = s.web_addr.expect("web");
    let mut c = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    c.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    c.read_to_end(&mut out).await.expect("read");
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
    let head = String::from_utf8_lossy(&out[..at]).to_string();
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, head, out[at + 4..].to_vec())
}

#[tokio::test]
async fn the_archive_is_served_by_ranges() {
    let s = setup(false).await;
    let len = s.archive.len();
    let (code, head, body) = raw(&s.server, "/basemaps/sector/archive", "").await;
    assert_eq!(code, 200);
    assert_eq!(header(&head, "accept-ranges"), Some("bytes"));
    assert_eq!(body, s.archive);
    let (code, head, body) = raw(
        &s.server,
        "/basemaps/sector/archive",
        "Range: bytes=0-126\r\n",
    )
    .await;
    assert_eq!(code, 206);
    assert_eq!(
        header(&head, "content-range"),
        Some(format!("bytes 0-126/{len}").as_str())
    );
    assert_eq!(body, &s.archive[..127]);
    let (code, _, body) = raw(
        &s.server,
        "/basemaps/sector/archive",
        "Range: bytes=-10\r\n",
    )
    .await;
    assert_eq!((code, body.as_slice()), (206, &s.archive[len - 10..]));
    let (code, _, body) = raw(
        &s.server,
        "/basemaps/sector/archive",
        "Range: bytes=100-\r\n",
    )
    .await;
    assert_eq!((code, body.as_slice()), (206, &s.archive[100..]));
    let past = format!("Range: bytes={len}-\r\n");
    let (code, head, _) = raw(&s.server, "/basemaps/sector/archive", &past).await;
    assert_eq!(code, 416);
    assert_eq!(
        header(&head, "content-range"),
        Some(format!("bytes */{len}").as_str())
    );
    s.server.shutdown().await;
}

#[tokio::test]
async fn the_map_source_needs_a_login_and_carries_the_tile_capability() {
    let s = setup(true).await;
    assert_eq!(http(&s.server, "GET", "/api/basemaps", "", "").await.0, 401);
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/0/0/0", "", "")
            .await
            .0,
        401
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/mapsource.xml", "", "")
            .await
            .0,
        401
    );
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/archive", "", "")
            .await
            .0,
        401
    );
    let (_, _, session) = http(&s.server, "GET", "/api/web/session", "", "").await;
    assert!(session.contains("\"basemaps\":[]"), "{session}");

    let body = r#"{"username":"alice","password":"password-123"}"#;
    let (code, head, _) = http(&s.server, "POST", "/api/web/login", "", body).await;
    assert_eq!(code, 200);
    let cookie = header(&head, "set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let with = format!("Cookie: {cookie}\r\n");
    assert_eq!(
        http(&s.server, "GET", "/basemaps/sector/0/0/0", &with, "")
            .await
            .0,
        200
    );
    let (code, head, xml) = http(
        &s.server,
        "GET",
        "/basemaps/sector/mapsource.xml",
        &with,
        "",
    )
    .await;
    assert_eq!(code, 200, "{xml}");
    assert!(header(&head, "content-type").is_some_and(|t| t.starts_with("application/xml")));
    for part in [
        "<customMapSource>",
        "<name>Border sector</name>",
        "<minZoom>0</minZoom>",
        "<maxZoom>1</maxZoom>",
        "<tileType>png</tileType>",
        "<tileUpdate>None</tileUpdate>",
        "<backgroundColor>#000000</backgroundColor>",
    ] {
        assert!(xml.contains(part), "{part} in {xml}");
    }
    let (addr, _) = s.server.web_addr.expect("web");
    let url = xml
        .split("<url>")
        .nth(1)
        .and_then(|u| u.split("</url>").next())
        .expect("a url");
    let prefix = format!("http://{addr}/basemaps/sector/{{$z}}/{{$x}}/{{$y}}.png?k=");
    assert!(url.starts_with(&prefix), "{url}");
    // The phone, without a cookie: the capability opens this basemap only.
    let tile = url
        .trim_start_matches(&format!("http://{addr}"))
        .replace("{$z}/{$x}/{$y}", "1/1/0");
    let (code, _, _) = http(&s.server, "GET", &tile, "", "").await;
    assert_eq!(code, 200, "{tile}");
    let other = tile.replace("/sector/", "/roads/");
    assert_eq!(http(&s.server, "GET", &other, "", "").await.0, 401);
    let forged = format!("/basemaps/sector/1/1/0?k={}", "0".repeat(64));
    assert_eq!(http(&s.server, "GET", &forged, "", "").await.0, 401);
    let vector = http(&s.server, "GET", "/basemaps/roads/mapsource.xml", &with, "").await;
    assert_eq!(vector.0, 409, "{}", vector.2);
    assert!(vector.2.contains("raster"), "{}", vector.2);
    s.server.shutdown().await;
}
