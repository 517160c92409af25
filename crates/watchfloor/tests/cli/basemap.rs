//! `--basemap`: an archive that is cut short or is no archive at all stops
//! the start with one line naming the flag, the file and what is wrong.

use crate::failure;

fn refused(path: &std::path::Path) -> String {
    failure(&[
        "serve",
        "--tcp",
        "127.0.0.1:0",
        "--http",
        "",
        "--web",
        "127.0.0.1:0",
        "--data-dir",
        "",
        "--basemap",
        path.to_str().expect("utf-8 path"),
    ])
}

#[test]
fn a_truncated_archive_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("tmp");
    let whole = dir.path().join("whole.pmtiles");
    let tiles = [((0, 0, 0), basemap::fixtures::png([1, 2, 3]))];
    basemap::fixtures::write_pmtiles_png(&whole, "whole", &tiles).expect("write");
    let bytes = std::fs::read(&whole).expect("read");
    let cut = dir.path().join("cut.pmtiles");
    std::fs::write(&cut, &bytes[..bytes.len() - 5]).expect("write");
    let err = refused(&cut);
    let start = format!(
        "error: --basemap {}: truncated PMTiles archive (",
        cut.display()
    );
    assert!(err.starts_with(&start), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_file_that_is_no_archive_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("tmp");
    let junk = dir.path().join("y.pmtiles");
    std::fs::write(&junk, "just some text\n").expect("write");
    let err = refused(&junk);
    let start = format!(
        "error: --basemap {}: not a PMTiles or MBTiles archive (",
        junk.display()
    );
    assert!(err.starts_with(&start), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
