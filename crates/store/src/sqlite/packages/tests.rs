#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use super::*;

fn pkg(hash_byte: char, size: u64, submitter: &str, groups: &[&str]) -> Package {
    Package {
        pk: 0,
        uid: uuid::Uuid::new_v4().to_string(),
        name: "n".into(),
        filename: "f.zip".into(),
        hash: hash_byte.to_string().repeat(64),
        mime: "application/zip".into(),
        size,
        keywords: vec!["k1".into(), "k2".into()],
        creator_uid: "c".into(),
        submitter: submitter.into(),
        submitted_ms: 1_000,
        tool: "public".into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

fn all(store: &SqlitePackages) -> Vec<Package> {
    store.search(&PackageFilter::default(), None, 100).unwrap()
}

fn place() -> PlaceFile<'static> {
    Box::new(|| Ok(()))
}

#[test]
fn reopen_keeps_rows_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite");
    let stored = {
        let s = SqlitePackages::open(&path).unwrap();
        s.insert(pkg('a', 10, "u", &["g1", "g2"]), 100, place())
            .unwrap()
    };
    let s = SqlitePackages::open(&path).unwrap();
    assert_eq!(all(&s), vec![stored]);
    let v: i64 = s
        .lock()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, MIGRATIONS.len() as i64);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        SqlitePackages::open(&path),
        Err(PackageError::SchemaTooNew(99))
    ));
}

#[test]
fn quota_checked_before_the_file_moves() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqlitePackages::open(&dir.path().join("p.sqlite")).unwrap();
    s.insert(pkg('a', 60, "u", &["g"]), 100, place()).unwrap();
    let mut moved = false;
    let e = s
        .insert(
            pkg('b', 50, "u", &["g"]),
            100,
            Box::new(|| {
                moved = true;
                Ok(())
            }),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            PackageError::QuotaExceeded {
                size: 50,
                quota: 100,
                used: 60,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!moved);
    // Same hash again: no new space used.
    s.insert(pkg('a', 60, "u", &["g"]), 100, place()).unwrap();
    // Another user.
    s.insert(pkg('b', 50, "v", &["g"]), 100, place()).unwrap();
    // A failed move stores no row.
    let e = s
        .insert(
            pkg('c', 1, "u", &["g"]),
            100,
            Box::new(|| Err(std::io::Error::other("disk"))),
        )
        .unwrap_err();
    assert!(matches!(e, PackageError::PlaceFile(_)), "{e:?}");
    assert_eq!(all(&s).len(), 3);
}

#[test]
fn search_filters_and_groups() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqlitePackages::open(&dir.path().join("p.sqlite")).unwrap();
    s.insert(pkg('a', 1, "u", &["g1"]), 100, place()).unwrap();
    let mut b = pkg('b', 1, "u", &["g2"]);
    b.keywords = vec!["other".into()];
    b.submitted_ms = 5_000;
    s.insert(b, 100, place()).unwrap();
    let g = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let count =
        |f: PackageFilter, groups: &[&str]| s.search(&f, Some(&g(groups)), 100).unwrap().len();
    assert_eq!(count(PackageFilter::default(), &["g1"]), 1);
    assert_eq!(count(PackageFilter::default(), &["g1", "g2"]), 2);
    assert_eq!(count(PackageFilter::default(), &[]), 0);
    let kw = |k: &str| PackageFilter {
        keyword: Some(k.into()),
        ..PackageFilter::default()
    };
    assert_eq!(count(kw("k1"), &["g1", "g2"]), 1);
    assert_eq!(count(kw("k"), &["g1", "g2"]), 0);
    let since = PackageFilter {
        from_ms: Some(2_000),
        ..PackageFilter::default()
    };
    assert_eq!(count(since, &["g1", "g2"]), 1);
    assert_eq!(
        s.search(&PackageFilter::default(), None, 1).unwrap().len(),
        1
    );
}
