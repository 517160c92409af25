//! `watchfloor ops` for orders and suspenses: an apply file of orders,
//! FRAGORDs, suspenses and a recurring one; the suspense board and its
//! filters; the order tree and its text at an instant; the timeline; case
//! 15 as the command line prints it; an extension audited, and editing
//! its record caught by `audit verify`; bad input refused whole.

use super::ops::{
    apply, does_not_verify, ok, pdf_text, poppler, records, records_file, refused, s, verifies,
    write, write_records,
};

/// Dates far from the test's own clock on both sides, so the board is the
/// same whenever it runs: the recommendation long late, the SITREP open.
const ORDERS: &str = r#"
[[unit]]
id = "MP-CO"
designation = "978 MP Co (test)"

[[order]]
id = "FRAGORD-1"
kind = "FRAGORD"
dtg = "011200Z FEB 25"
issuer = "JTF-SB"
base = "EXORD-1"
changes = [{ paragraph = "3", change = { replace = "Execution, as changed." } }]

[[order]]
id = "EXORD-1"
kind = "EXORD"
dtg = "221200Z JAN 25"
issuer = "USNORTHCOM"
subject = "JTF-Southern Border (test)"
references = [{ letter = "A", target = { document = "EO 14167" }, citation = "EXECUTIVE ORDER 14167" }]
paragraphs = { "1" = "Situation.", "2" = "Mission.", "3" = "Execution." }
suspenses = [{ id = "REC-90", owner = "J5", due = "221200Z APR 25", title = "recommend within 90 days" }]

[[suspense]]
id = "SITREP-1"
owner = "MP-CO"
due = "010600Z JAN 40"
title = "first SITREP"
order = "EXORD-1"

[[recurring]]
id = "PERSTAT-MP"
owner = "MP-CO"
subject = "PERSTAT"
first_due = "010600Z JAN 25"
every = "1d"
"#;

fn applied() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let out = apply(&data, ORDERS, "orders.toml");
    assert!(out.contains("applied 5 command(s)"), "{out}");
    (tmp, data)
}

fn rows(board: &str) -> Vec<(String, String)> {
    board
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((f.get(4)?.to_string(), f.get(1)?.to_string()))
        })
        .collect()
}

#[test]
fn the_board_lists_suspenses_soonest_due_first_and_filters_them() {
    let (_tmp, data) = applied();
    let all = ok(&["ops", "suspenses", "--data-dir", s(&data)]);
    let got = rows(&all);
    // The PERSTAT instances open half a day before each 0600Z: today's or
    // tomorrow's, late or open depending on the hour, always between the
    // recommendation and the SITREP.
    assert_eq!(
        got.first(),
        Some(&("EXORD-1/REC-90".to_string(), "LATE".to_string())),
        "{all}"
    );
    assert_eq!(
        got.last(),
        Some(&("SITREP-1".to_string(), "OPEN".to_string())),
        "{all}"
    );
    assert!(
        got[1..got.len() - 1]
            .iter()
            .all(|(id, _)| id.starts_with("PERSTAT-MP@")),
        "{all}"
    );
    assert!(
        all.lines().next().is_some_and(|l| l.contains("late ")),
        "{all}"
    );
    let j5 = ok(&["ops", "suspenses", "--owner", "J5", "--data-dir", s(&data)]);
    assert_eq!(
        rows(&j5),
        [("EXORD-1/REC-90".to_string(), "LATE".to_string())],
        "{j5}"
    );
    let week = ok(&[
        "ops",
        "suspenses",
        "--due-within",
        "7d",
        "--order",
        "EXORD-1",
        "--data-dir",
        s(&data),
    ]);
    assert_eq!(
        rows(&week).len(),
        1,
        "the late one, not the SITREP of 2040: {week}"
    );
    let json = ok(&[
        "ops",
        "suspenses",
        "--json",
        "--owner",
        "MP-CO",
        "--data-dir",
        s(&data),
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v["metrics"]["overall"]["open"].as_u64(),
        v["suspenses"].as_array().map(|a| a.len() as u64)
    );
    let (_, err) = refused(&[
        "ops",
        "suspenses",
        "--due-within",
        "7x",
        "--data-dir",
        s(&data),
    ]);
    assert!(err.contains("not a span like 7d"), "{err}");
}

#[test]
fn the_order_tree_and_its_text_at_an_instant() {
    let (_tmp, data) = applied();
    let tree = ok(&["ops", "orders", "--data-dir", s(&data)]);
    assert_eq!(
        tree.lines().collect::<Vec<_>>(),
        [
            "EXORD EXORD-1 2025-01-22T12:00:00.000Z (USNORTHCOM): JTF-Southern Border (test)",
            "  FRAGORD FRAGORD-1 2025-02-01T12:00:00.000Z (JTF-SB)"
        ]
    );
    let before = ok(&[
        "ops",
        "orders",
        "EXORD-1",
        "--at",
        "251200Z JAN 25",
        "--data-dir",
        s(&data),
    ]);
    assert!(before.contains("\n3. Execution.\n"), "{before}");
    assert!(
        before.contains("REF/A/DOC/EXECUTIVE ORDER 14167//"),
        "{before}"
    );
    let now = ok(&["ops", "orders", "EXORD-1", "--data-dir", s(&data)]);
    assert!(
        now.contains("3. Execution, as changed.   [set by FRAGORD-1]"),
        "{now}"
    );
    assert!(
        now.contains("suspense EXORD-1/REC-90 for J5 due 2025-04-22T12:00:00.000Z: LATE"),
        "{now}"
    );
    let (_, err) = refused(&[
        "ops",
        "orders",
        "EXORD-1",
        "--at",
        "321200Z JAN 25",
        "--data-dir",
        s(&data),
    ]);
    assert!(err.contains("no day 32 in JAN 2025"), "{err}");
    let (_, err) = refused(&[
        "ops",
        "orders",
        "EXORD-1",
        "--at",
        "211200Z JAN 25",
        "--data-dir",
        s(&data),
    ]);
    assert!(err.contains("was not issued until"), "{err}");
    let (_, err) = refused(&["ops", "orders", "NOPE", "--data-dir", s(&data)]);
    assert_eq!(err, "error: no order NOPE");
}

#[test]
fn case_15_prints_its_timeline() {
    let out = ok(&["ops", "cases", "--timeline"]);
    let lines: Vec<&str> = out.lines().collect();
    let has = |start: &str, text: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(start) && l.contains(text))
    };
    assert!(
        has(
            "2025-01-22T12:00:00.000Z",
            "J5 owes EXORD-25-01/REC-90 by 2025-04-22T12:00:00.000Z"
        ),
        "{out}"
    );
    assert!(has("2025-04-15T12:00:00.000Z", "is due in 7d"), "{out}");
    assert!(has("2025-04-21T12:00:00.000Z", "is due in 1d"), "{out}");
    assert!(
        has("2025-04-22T12:00:00.000Z", "is DUE NOW and not met"),
        "{out}"
    );
    assert!(
        has(
            "2025-04-23T12:00:00.000Z  refused",
            "needs an authority and a reason"
        ),
        "{out}"
    );
    assert!(
        has(
            "2025-04-23T12:00:00.000Z  suspense",
            "extend EXORD-25-01/REC-90"
        ),
        "{out}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.contains("SUSPENSE")).count(),
        3,
        "each threshold once: {out}"
    );
}

#[test]
fn an_extension_is_audited_and_editing_its_record_fails_verify() {
    let (tmp, data) = applied();
    let bare = r#"[[command]]
op = "extend"
suspense = "EXORD-1/REC-90"
due = "021200Z MAY 25"
authority = ""
reason = ""
"#;
    let file = tmp.path().join("bare.toml");
    write(&file, bare);
    let (_, err) = refused(&["ops", "apply", s(&file), "--data-dir", s(&data)]);
    assert!(
        err.contains("an extension needs an authority and a reason"),
        "{err}"
    );
    let good = bare
        .replace(r#"authority = """#, r#"authority = "CoS JTF-SB""#)
        .replace(
            r#"reason = """#,
            r#"reason = "awaiting the DHS assessment""#,
        );
    let out = apply(&data, &good, "extend.toml");
    assert!(out.contains("applied 1 command(s)"), "{out}");
    verifies(&data);
    let timeline = ok(&["ops", "timeline", "--data-dir", s(&data)]);
    let first = timeline.lines().next().unwrap_or_default();
    assert!(
        first.contains("suspense") && first.contains("extend EXORD-1/REC-90"),
        "newest first: {timeline}"
    );
    assert!(
        timeline.contains("ops.extend: suspense EXORD-1/REC-90: an extension needs"),
        "the refusal is on it: {timeline}"
    );

    let mut lines = records(&data);
    let at = lines
        .iter()
        .position(|l| l.contains(r#""action":"ops.extend""#))
        .expect("the extension's record");
    lines[at] = lines[at].replacen(
        "awaiting the DHS assessment",
        "awaiting the DHS assessmenT",
        1,
    );
    write_records(&data, &lines);
    assert_eq!(
        does_not_verify(&data),
        format!(
            "record {at} (line {}): hash does not match its content (edited)",
            at + 1
        )
    );
    assert!(records_file(&data).exists());
}

#[test]
fn bad_order_files_are_refused_whole() {
    let (tmp, data) = applied();
    let before = records(&data);
    for (name, text, why) in [
        (
            "nobase.toml",
            "[[order]]\nid = \"F-9\"\nkind = \"FRAGORD\"\ndtg = \"011200Z FEB 25\"\nissuer = \"J3\"\nbase = \"NOPE\"\nchanges = [{ paragraph = \"3\", change = { replace = \"x\" } }]\n",
            "names base order NOPE, which does not exist",
        ),
        (
            "early.toml",
            "[[order]]\nid = \"O-9\"\nkind = \"OPORD\"\ndtg = \"011200Z FEB 25\"\nissuer = \"J3\"\nparagraphs = { \"1\" = \"s\" }\nsuspenses = [{ id = \"S\", owner = \"J3\", due = \"011100Z FEB 25\" }]\n",
            "before the order's dtg",
        ),
        (
            "hour.toml",
            "[[order]]\nid = \"O-9\"\nkind = \"OPORD\"\ndtg = \"012500Z FEB 25\"\nissuer = \"J3\"\n",
            "no time 2500Z",
        ),
        (
            "month.toml",
            "[[suspense]]\nid = \"S\"\nowner = \"J3\"\ndue = \"011200Z XYZ 25\"\n",
            "no month",
        ),
        (
            "series.toml",
            "[[recurring]]\nid = \"R\"\nowner = \"J3\"\nsubject = \"PERSTAT\"\nfirst_due = \"010600Z JAN 25\"\nevery = \"10m\"\n",
            "recurs at most every 1h",
        ),
    ] {
        let file = tmp.path().join(name);
        write(&file, text);
        let (_, err) = refused(&["ops", "apply", s(&file), "--data-dir", s(&data)]);
        assert!(err.contains(why), "{name}: {err}");
    }
    let after = records(&data);
    // Refusals the engine saw are audited (with what time did meanwhile:
    // the late recommendation's one notice); nothing was accepted.
    assert_eq!(&after[..before.len()], &before[..]);
    let added = &after[before.len()..];
    assert_eq!(
        added
            .iter()
            .filter(|l| l.contains(r#""decision":"REFUSED_CALL""#))
            .count(),
        3,
        "the three the engine saw; the bad DTGs never reach it: {added:?}"
    );
    assert!(
        !added.iter().any(|l| l.contains(r#""decision":"ACCEPTED""#)),
        "{added:?}"
    );
}

/// Two units, a refused task, a late order suspense: a briefing's worth.
const BRIEF_FIRST: &str = r#"
[[unit]]
id = "MP-CO"
designation = "978 MP Co (test)"
component = "AC"
strength = { authorized = 120, assigned = 118, present_for_duty = 112, as_of = "2025-03-01T06:00:00Z" }
[[unit]]
id = "NG-CO"
designation = "A Co 1-200 IN (test)"
component = "ARNG"
[[status]]
unit = "MP-CO"
kind = "T10"
order_ref = "test order"
from = "2025-03-01T00:00:00Z"
[[status]]
unit = "NG-CO"
kind = "T32_502f"
state = "NM"
order_ref = "governor's order (test)"
from = "2025-03-01T00:00:00Z"
[[task]]
id = "T-CP"
title = "staff the checkpoint"
requires = [{ activity = "CHECKPOINT" }]
window = { from = "2025-03-01T08:00:00Z" }
status = "APPROVED"
[[assign]]
task = "T-CP"
unit = "MP-CO"
[[order]]
id = "EXORD-1"
kind = "EXORD"
dtg = "221200Z JAN 25"
issuer = "USNORTHCOM"
paragraphs = { "2" = "Mission." }
suspenses = [{ id = "REC-90", owner = "J5", due = "221200Z APR 25", title = "recommend within 90 days" }]
"#;

const BRIEF_SECOND: &str = r#"
[[suspense]]
id = "SITREP-NG"
owner = "NG-CO"
due = "010600Z JAN 40"
title = "first SITREP"
"#;

#[test]
fn the_briefing_renders_the_figures_of_its_instant_to_pdf_and_html() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    apply(&data, BRIEF_FIRST, "first.toml");
    let last: serde_json::Value =
        serde_json::from_str(records(&data).last().expect("a record")).expect("json");
    let first_at = cot::Time::from_millis(last["time_ms"].as_i64().expect("ms")).to_string();
    std::thread::sleep(std::time::Duration::from_millis(30));
    apply(&data, BRIEF_SECOND, "second.toml");

    let early = tmp.path().join("early.pdf");
    let out = ok(&[
        "report",
        "brief",
        "--data-dir",
        s(&data),
        "--at",
        &first_at,
        "--out",
        s(&early),
        "--marking",
        "SIMULATION",
    ]);
    assert!(
        out.starts_with(&format!("briefing as of {first_at} from ")),
        "{out}"
    );
    let now = tmp.path().join("now.pdf");
    ok(&[
        "report",
        "brief",
        "--data-dir",
        s(&data),
        "--out",
        s(&now),
        "--marking",
        "SIMULATION",
    ]);
    let html = tmp.path().join("now.html");
    ok(&["report", "brief", "--data-dir", s(&data), "--out", s(&html)]);
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(
        page.contains("staff the checkpoint") && page.contains("LATE: EXORD-1/REC-90"),
        "the same content as HTML"
    );
    assert!(std::fs::read(&now).expect("pdf").starts_with(b"%PDF-"));
    let (_, err) = refused(&[
        "report",
        "brief",
        "--data-dir",
        s(&data),
        "--at",
        "321200Z JAN 25",
        "--out",
        s(&now),
    ]);
    assert!(err.contains("no day 32"), "{err}");
    let (_, err) = refused(&[
        "report",
        "brief",
        "--data-dir",
        s(&tmp.path().join("none")),
        "--out",
        s(&now),
    ]);
    assert!(err.contains("no ops desk"), "{err}");
    if !poppler() {
        return;
    }
    // The figures are the command line's own, at each instant.
    let board: serde_json::Value =
        serde_json::from_str(&ok(&["ops", "suspenses", "--json", "--data-dir", s(&data)]))
            .expect("json");
    let roster: serde_json::Value =
        serde_json::from_str(&ok(&["ops", "roster", "--json", "--data-dir", s(&data)]))
            .expect("json");
    let text = pdf_text(&now);
    let field = |text: &str, label: &str| -> Option<String> {
        text.lines().find_map(|l| {
            l.trim_start()
                .strip_prefix(label)
                .map(|v| v.trim().to_string())
        })
    };
    assert_eq!(
        field(&text, "open").as_deref(),
        Some(board["metrics"]["overall"]["open"].to_string().as_str()),
        "{text}"
    );
    assert_eq!(field(&text, "late").as_deref(), Some("1"), "{text}");
    assert_eq!(
        field(&text, "present for duty / assigned"),
        Some(format!(
            "{} / {}",
            roster["totals"]["present_for_duty"], roster["totals"]["assigned"]
        ))
    );
    assert_eq!(field(&text, "units").as_deref(), Some("2"));
    assert!(
        text.contains("SIMULATION") && text.contains("page 1 of"),
        "{text}"
    );
    assert!(text.contains("LATE: EXORD-1/REC-90"), "{text}");
    assert!(
        text.contains("CHECKPOINT") && text.contains("T-CP"),
        "the refusal and its rule: {text}"
    );
    assert!(text.contains("signed checkpoint, root"), "{text}");
    let before = pdf_text(&early);
    assert_eq!(
        field(&before, "open").as_deref(),
        Some("1"),
        "the NG SITREP came later: {before}"
    );
    // A page of it as a picture, for a person to look at.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts/briefing");
    std::fs::create_dir_all(&dir).expect("artifacts");
    let stem = dir.join("briefing");
    let png = std::process::Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            s(&now),
            s(&stem),
        ])
        .status()
        .expect("pdftoppm");
    assert!(png.success());
    let file = stem.with_extension("png");
    let bytes = std::fs::read(&file).expect("png");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000,
        "{} bytes",
        bytes.len()
    );
    println!("briefing page 1: {}", file.display());
}
