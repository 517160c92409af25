//! The web COP's page, built from `web/` by this crate's build script and
//! embedded in the binary. The server looks files up with [`get`].

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// One file of the built page.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Its bytes.
    pub bytes: &'static [u8],
    /// Its `Content-Type`.
    pub mime: &'static str,
    /// Whether its name carries a content hash (Vite's `assets/` folder),
    /// so that browsers may cache it for good.
    pub immutable: bool,
}

/// Whether the page was built; a function so that tests can assert on it
/// without asserting on a constant.
pub fn built() -> bool {
    BUILT
}

/// Shown at `/` when the page could not be built (no npm on the build machine).
const FALLBACK: &str = "<!doctype html><meta charset=utf-8><title>watchfloor</title>\
<body style=\"font:16px sans-serif;background:#111;color:#eee;padding:2em\">\
<h1>watchfloor</h1><p>The web COP was not built into this binary: install Node.js and npm, then rebuild \
(<code>cargo build --release -p watchfloor</code>). The TAK ports and the API work without it.</p>";

/// The file at `path` (`"index.html"`, `"assets/index-1a2b.js"`; no
/// leading slash), or the index page for the empty path.
pub fn get(path: &str) -> Option<Asset> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if let Some((_, bytes)) = FILES.iter().find(|(p, _)| *p == path) {
        return Some(Asset {
            bytes,
            mime: mime_of(path),
            immutable: path.starts_with("assets/"),
        });
    }
    (path == "index.html" && !BUILT).then_some(Asset {
        bytes: FALLBACK.as_bytes(),
        mime: "text/html; charset=utf-8",
        immutable: false,
    })
}

/// Every embedded file's path, for tests and diagnostics.
pub fn paths() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(p, _)| *p)
}

fn mime_of(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_built_and_served() {
        // CI must ship the real page; a developer may opt out knowingly.
        if std::env::var_os("WATCHFLOOR_ALLOW_UNBUILT_WEB").is_some() && !built() {
            return;
        }
        assert!(built(), "web COP not built: {NOT_BUILT_BECAUSE}");
        let index = get("").expect("index");
        assert!(index.mime.starts_with("text/html"));
        assert!(!index.immutable);
        let html = std::str::from_utf8(index.bytes).expect("utf-8");
        assert!(html.contains("<script"), "index.html loads no script");
        let js = paths().find(|p| p.starts_with("assets/") && p.ends_with(".js"));
        let js = get(js.expect("a built script")).expect("found");
        assert!(js.immutable && js.mime.starts_with("text/javascript"));
    }

    #[test]
    fn mime_types_and_misses() {
        assert_eq!(mime_of("a/b.css"), "text/css; charset=utf-8");
        assert_eq!(mime_of("noext"), "application/octet-stream");
        assert!(get("no/such/file.js").is_none());
    }
}
