//! Locating the shared test data, which is GPL for some files and so is read in
//! place rather than copied into the repository.

use std::path::PathBuf;

/// `<workspace>/../shared/data/<sub>`, or `None` with a printed notice when absent.
pub(crate) fn shared_data(sub: &str) -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Canonicalise so a symlinked crate still finds the workspace it lives in.
    let manifest = manifest.canonicalize().unwrap_or(manifest);
    let dir = manifest.join("../../../shared/data").join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: shared test data folder {} is absent; these checks did not run",
            dir.display()
        );
        None
    }
}
