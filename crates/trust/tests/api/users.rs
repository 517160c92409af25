//! The users file: round trip, passwords, groups, names.

use trust::users::{Direction, GroupSpec, HashCost, UsersFile, MAX_PASSWORD_LEN};
use trust::Error;

fn open(dir: &std::path::Path) -> UsersFile {
    UsersFile::open(dir)
        .unwrap()
        .with_cost(HashCost::INSECURE_TEST)
}

#[test]
fn round_trip_verify_and_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let mut users = open(tmp.path());
    let groups = GroupSpec::parse_list("Blue,Ops:in,Intel:out").unwrap();
    users.add("alice", "correct horse", &groups).unwrap();
    users.add("bob", "battery staple", &[]).unwrap();

    let reopened = open(tmp.path());
    assert!(reopened.verify("alice", "correct horse"));
    assert!(!reopened.verify("alice", "correct horse "));
    assert!(!reopened.verify("alice", "battery staple"));
    assert!(!reopened.verify("carol", "correct horse"), "unknown user");
    assert!(!reopened.verify("alice", &"x".repeat(MAX_PASSWORD_LEN + 1)));
    let (ins, outs) = reopened.groups_of("alice");
    assert_eq!(ins, ["Blue", "Ops"]);
    assert_eq!(outs, ["Blue", "Intel"]);
    assert_eq!(reopened.groups_of("nobody"), (vec![], vec![]));
    let list = reopened.list();
    assert_eq!(
        list.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["alice", "bob"]
    );
    assert_eq!(list[0].groups, groups);

    let text = std::fs::read_to_string(tmp.path().join("users.toml")).unwrap();
    assert!(text.contains("$argon2id$"), "{text}");
    assert!(!text.contains("correct horse"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("users.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn change_groups_password_and_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let mut users = open(tmp.path());
    users.add("alice", "password1", &[]).unwrap();
    assert!(matches!(
        users.add("alice", "password2", &[]),
        Err(Error::UserExists(_))
    ));
    users
        .set_groups(
            "alice",
            &[GroupSpec {
                name: "Red".into(),
                direction: Direction::Out,
            }],
        )
        .unwrap();
    users.set_password("alice", "password3").unwrap();
    let mut users = open(tmp.path());
    assert_eq!(users.groups_of("alice"), (vec![], vec!["Red".to_owned()]));
    assert!(users.verify("alice", "password3") && !users.verify("alice", "password1"));
    users.remove("alice").unwrap();
    assert!(matches!(users.remove("alice"), Err(Error::UnknownUser(_))));
    assert!(matches!(
        users.set_groups("alice", &[]),
        Err(Error::UnknownUser(_))
    ));
    assert!(open(tmp.path()).list().is_empty());
}

#[test]
fn bad_names_and_passwords_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut users = open(tmp.path());
    for bad in ["", "a:b", "a,b", "a\tb", "a\u{0}b"] {
        assert!(
            matches!(
                users.add(bad, "password1", &[]),
                Err(Error::InvalidName { .. })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        users.add("alice", "short", &[]),
        Err(Error::PasswordLength { .. })
    ));
    let long = "x".repeat(MAX_PASSWORD_LEN + 1);
    assert!(matches!(
        users.add("alice", &long, &[]),
        Err(Error::PasswordLength { .. })
    ));
    assert!(
        !tmp.path().join("users.toml").exists(),
        "nothing written for refused adds"
    );
}

#[test]
fn malformed_file_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    for text in [
        "users = 3",
        "[users.\"a:b\"]\npassword = \"x\"",
        "[users.a]\npassword = \"x\"\ngroups = [\"g:sideways\"]",
        "\u{0}\u{1}",
    ] {
        std::fs::write(tmp.path().join("users.toml"), text).unwrap();
        assert!(
            matches!(UsersFile::open(tmp.path()), Err(Error::Malformed { .. })),
            "{text:?}"
        );
    }
}

#[test]
fn default_cost_hash_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let mut users = UsersFile::open(tmp.path()).unwrap();
    users.add("alice", "correct horse", &[]).unwrap();
    let text = std::fs::read_to_string(users.path()).unwrap();
    assert!(text.contains("m=19456,t=2,p=1"), "{text}");
    assert!(users.verify("alice", "correct horse"));
}

#[test]
fn a_disabled_user_is_refused_until_enabled_and_the_flag_persists() {
    let tmp = tempfile::tempdir().unwrap();
    let mut users = open(tmp.path());
    users.add("alpha1", "correct horse", &[]).unwrap();
    let before = std::fs::read_to_string(tmp.path().join("users.toml")).unwrap();
    assert!(!before.contains("disabled"), "enabled users read as before");
    assert!(users.set_disabled("alpha1", true).unwrap());
    assert!(!users.set_disabled("alpha1", true).unwrap(), "no change");
    let reopened = open(tmp.path());
    assert!(reopened.is_disabled("alpha1"));
    assert!(!reopened.verify("alpha1", "correct horse"));
    assert!(reopened.list()[0].disabled);
    let mut users = reopened;
    assert!(users.set_disabled("alpha1", false).unwrap());
    assert!(open(tmp.path()).verify("alpha1", "correct horse"));
    assert!(matches!(
        users.set_disabled("nobody", true),
        Err(Error::UnknownUser(_))
    ));
}
