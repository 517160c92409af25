//! Builds the web COP (`web/`, Vite) into `OUT_DIR` and writes a table of
//! its files for `include_bytes!`, so the server binary carries the page and
//! needs nothing beside it at run time.
//!
//! - `WATCHFLOOR_WEB_DIST=DIR` embeds an already built folder instead.
//! - `WATCHFLOOR_SKIP_WEB_BUILD=1` skips npm and embeds a page that says so.
//! - `npm ci` runs only when `web/node_modules` is missing, so a developer's
//!   own install is never replaced behind their back.

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
        println!("cargo:rerun-if-changed={}", web.join(p).display());
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
                println!("cargo:warning=the web COP was not built: {e}");
                (None, e)
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

/// Runs `npm ci` (when needed) and `npm run build` into `dest`.
fn build(web: &Path, dest: &Path) -> Result<PathBuf, String> {
    if !web.join("package.json").exists() {
        return Err(format!("{} has no package.json", web.display()));
    }
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
