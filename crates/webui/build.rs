//! Builds the web COP (`web/`, Vite) into `OUT_DIR` and writes a table of
//! its files for `include_bytes!`, so the server binary carries the page and
//! needs nothing beside it at run time.
//!
//! - `WATCHFLOOR_WEB_DIST=DIR` embeds an already built folder instead.
//! - `WATCHFLOOR_SKIP_WEB_BUILD=1` skips npm and embeds a page that says so.
//! - `npm ci` runs only when `web/node_modules` is missing, so a developer's
//!   own install is never replaced behind their back.
//! - A failed page build fails the cargo build with the reason: a binary
//!   that silently serves a fallback page is worse than no binary.
//!
//! Only paths that exist are watched: cargo treats a missing
//! `rerun-if-changed` path as changed on every build, which rebuilt the page,
//! the server and the binary on every cargo command.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let web = manifest.join("../../web");
    for p in [
        "src",
        "public",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.js",
    ] {
        let path = web.join(p);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    println!("cargo:rerun-if-env-changed=WATCHFLOOR_WEB_DIST");
    println!("cargo:rerun-if-env-changed=WATCHFLOOR_SKIP_WEB_BUILD");

    let (dist, note) = match std::env::var_os("WATCHFLOOR_WEB_DIST") {
        Some(d) => (Some(PathBuf::from(d)), String::new()),
        None if std::env::var_os("WATCHFLOOR_SKIP_WEB_BUILD").is_some() => {
            (None, "WATCHFLOOR_SKIP_WEB_BUILD was set".to_string())
        }
        None => match build(&web, &out.join("dist")) {
            Ok(d) => (Some(d), String::new()),
            Err(e) => {
                eprintln!("error: the web COP page was not built: {e}");
                eprintln!(
                    "  fix: install Node.js {} or newer with npm, or set \
                     WATCHFLOOR_SKIP_WEB_BUILD=1 to build a server without the page",
                    min_node()
                );
                std::process::exit(1);
            }
        },
    };
    let mut files = Vec::new();
    if let Some(d) = &dist {
        collect(d, d, &mut files);
    }
    files.sort();
    let mut code = String::new();
    let built = files.iter().any(|(rel, _)| rel == "index.html");
    let _ = writeln!(
        code,
        "/// Whether the page was built (else only the fallback page is served)."
    );
    let _ = writeln!(code, "pub const BUILT: bool = {built};");
    let _ = writeln!(code, "/// Why the page was not built, when it was not.");
    let _ = writeln!(code, "pub const NOT_BUILT_BECAUSE: &str = {note:?};");
    let _ = writeln!(code, "static FILES: &[(&str, &[u8])] = &[");
    for (rel, abs) in &files {
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        );
    }
    let _ = writeln!(code, "];");
    if let Err(e) = std::fs::write(out.join("assets.rs"), code) {
        panic!("cannot write the asset table: {e}");
    }
}

/// The oldest Node.js the page's build tool runs on (Vite 8: `^20.19 || >=22.12`).
const MIN_NODE: (u32, u32) = (20, 19);

/// Runs `npm ci` (when needed) and `npm run build` into `dest`.
fn build(web: &Path, dest: &Path) -> Result<PathBuf, String> {
    if !web.join("package.json").exists() {
        return Err(format!("{} has no package.json", web.display()));
    }
    check_node()?;
    if !web.join("node_modules").exists() {
        run(web, &["ci", "--no-audit", "--no-fund"])?;
    }
    let dest_s = dest.display().to_string();
    run(
        web,
        &["run", "build", "--", "--outDir", &dest_s, "--emptyOutDir"],
    )?;
    if dest.join("index.html").exists() {
        Ok(dest.to_path_buf())
    } else {
        Err(format!("npm run build left no index.html in {dest_s}"))
    }
}

/// Refuses a Node.js older than [`MIN_NODE`] before npm fails obscurely.
fn check_node() -> Result<(), String> {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| {
            format!(
                "cannot run node (install Node.js {} or newer): {e}",
                min_node()
            )
        })?;
    let v = String::from_utf8_lossy(&out.stdout);
    let mut parts = v.trim().trim_start_matches('v').split('.');
    let mut next = || parts.next().and_then(|p| p.parse::<u32>().ok());
    match (next(), next()) {
        (Some(major), Some(minor)) if (major, minor) >= MIN_NODE => Ok(()),
        (Some(_), Some(_)) => Err(format!(
            "Node.js {} is too old; the page build needs {} or newer",
            v.trim(),
            min_node()
        )),
        _ => Err(format!(
            "cannot read the Node.js version from {:?}",
            v.trim()
        )),
    }
}

fn min_node() -> String {
    format!("{}.{}", MIN_NODE.0, MIN_NODE.1)
}

fn run(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run npm (install Node.js and npm): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!(
            "npm {} failed: {}",
            args.join(" "),
            tail.join(" | ")
        ))
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, files);
        } else if let Ok(rel) = p.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let abs = std::fs::canonicalize(&p).unwrap_or(p);
            files.push((rel, abs));
        }
    }
}
