//! Locating the shared test data, which is GPL for some files and so is read in
//! place rather than copied into the repository.

use std::path::PathBuf;

/// `<workspace>/../shared/data/<sub>` (or `$WATCHFLOOR_SHARED_DATA/<sub>`).
/// The tests that call it are `#[ignore]`d, so they run only when asked to
/// (`scripts/test.sh` does where the folder exists); then a missing folder
/// fails them rather than passing them unchecked.
pub(crate) fn shared_data(sub: &str) -> PathBuf {
    let data = match std::env::var_os("WATCHFLOOR_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            // Canonicalise so a symlinked crate still finds the workspace it lives in.
            let manifest = manifest.canonicalize().unwrap_or(manifest);
            manifest.join("../../../shared/data")
        }
    };
    let dir = data.join(sub);
    assert!(
        dir.is_dir(),
        "{} is absent: this test needs ../shared/data",
        dir.display()
    );
    dir
}
