//! The order tree, case by case: each refusal named, and a refused order
//! leaving the tree as it was.

use std::collections::BTreeMap;

use cot::Time;

use super::*;
use crate::suspense::parse_dtg;

fn dtg(text: &str) -> Time {
    parse_dtg(text).unwrap_or(Time::EPOCH)
}

fn addr(text: &str) -> ParagraphAddr {
    ParagraphAddr::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn opord(id: &str, when: &str) -> Order {
    let paragraphs: BTreeMap<ParagraphAddr, String> = [
        ("1", "Situation. Smuggling corridor east of Santa Teresa."),
        ("2", "Mission. JTF-N supports CBP El Paso sector."),
        ("3", "Execution."),
        ("3.a", "Concept. Detect and monitor, CBP interdicts."),
        ("3.b", "Tasks. B Co observes NAI 1."),
        ("3.b.(1)", "1st Plt: OP 1."),
        ("4", "Sustainment. Class I from FOB."),
        ("5", "Command and signal. JTF-N TOC on PACE plan."),
    ]
    .into_iter()
    .map(|(a, t)| (addr(a), t.to_string()))
    .collect();
    Order {
        id: id.into(),
        kind: OrderKind::Opord,
        dtg: dtg(when),
        issuer: "JTF-N".into(),
        subject: "border support".into(),
        references: vec![Reference {
            letter: 'A',
            target: RefTarget::Authority("A-284".into()),
            citation: "10 U.S.C. 284(b)(6)".into(),
            dtg: None,
        }],
        paragraphs,
        tasks: vec![format!("{id}-T1")],
        suspenses: Vec::new(),
        base: None,
        changes: Vec::new(),
    }
}

fn fragord(id: &str, base: &str, when: &str, changes: &[(&str, Edit)]) -> Order {
    Order {
        base: Some(base.into()),
        changes: changes
            .iter()
            .map(|(p, e)| Change {
                paragraph: addr(p),
                change: e.clone(),
            })
            .collect(),
        ..Order::new(id, OrderKind::Fragord, dtg(when), "JTF-N")
    }
}

fn replace(t: &str) -> Edit {
    Edit::Replace(t.into())
}

fn add(t: &str) -> Edit {
    Edit::Add(t.into())
}

/// The tree with the base OPORD-1 of 221200Z JAN 25.
fn tree() -> Orders {
    let mut orders = Orders::new();
    assert_eq!(orders.add(opord("OPORD-1", "221200Z JAN 25")), Ok(()));
    orders
}

/// Adds `order`, expects it refused, and checks the tree did not change.
fn refused(orders: &mut Orders, order: Order) -> OrderError {
    let before = orders.clone();
    let err = orders.add(order).err();
    assert_eq!(*orders, before, "a refused order changed the tree");
    err.unwrap_or_else(|| panic!("the order was taken"))
}

fn text(orders: &Orders, id: &str, at: &str, para: &str) -> Option<(String, String)> {
    let eff = orders
        .effective(id, dtg(at))
        .unwrap_or_else(|e| panic!("{e}"));
    eff.paragraphs
        .get(&addr(para))
        .map(|p| (p.text.clone(), p.set_by.clone()))
}

#[test]
fn a_fragord_replacing_3b_and_adding_3c_takes_effect_at_its_dtg() {
    let mut orders = tree();
    let f1 = fragord(
        "FRAGORD-1",
        "OPORD-1",
        "231800ZJAN25",
        &[
            ("3.b", replace("Tasks. B Co observes NAI 1 and NAI 2.")),
            ("3.c", add("Coordinating instructions. Report hourly.")),
        ],
    );
    assert_eq!(orders.add(f1), Ok(()));

    let before = "231759Z JAN 25";
    assert_eq!(
        text(&orders, "OPORD-1", before, "3.b"),
        Some(("Tasks. B Co observes NAI 1.".into(), "OPORD-1".into()))
    );
    assert_eq!(text(&orders, "OPORD-1", before, "3.c"), None);
    let eff = orders.effective("OPORD-1", dtg(before)).expect("effective");
    assert!(eff.applied.is_empty());

    let after = "23 1800Z JAN 25";
    assert_eq!(
        text(&orders, "OPORD-1", after, "3.b"),
        Some((
            "Tasks. B Co observes NAI 1 and NAI 2.".into(),
            "FRAGORD-1".into()
        ))
    );
    assert_eq!(
        text(&orders, "OPORD-1", after, "3.c"),
        Some((
            "Coordinating instructions. Report hourly.".into(),
            "FRAGORD-1".into()
        ))
    );
    // Replacing 3.b leaves its sub-paragraph, set by the base order.
    assert_eq!(
        text(&orders, "OPORD-1", after, "3.b.(1)"),
        Some(("1st Plt: OP 1.".into(), "OPORD-1".into()))
    );
    // Asked through the FRAGORD, the text is the same base order's.
    let via_frag = orders
        .effective("FRAGORD-1", dtg(after))
        .expect("effective");
    assert_eq!(
        via_frag,
        orders.effective("OPORD-1", dtg(after)).expect("effective")
    );
    assert_eq!(via_frag.base, "OPORD-1");
    assert_eq!(via_frag.applied, ["FRAGORD-1"]);
    let order: Vec<String> = via_frag
        .paragraphs
        .keys()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        order,
        ["1", "2", "3", "3.a", "3.b", "3.b.(1)", "3.c", "4", "5"]
    );
}

#[test]
fn two_fragords_apply_in_dtg_order_whatever_order_they_arrive_in() {
    let mut orders = tree();
    let f2 = fragord(
        "FRAGORD-2",
        "OPORD-1",
        "250600Z JAN 25",
        &[("3.b", replace("second"))],
    );
    let f1 = fragord(
        "FRAGORD-1",
        "OPORD-1",
        "240600Z JAN 25",
        &[("3.b", replace("first"))],
    );
    assert_eq!(orders.add(f2), Ok(()));
    assert_eq!(orders.add(f1), Ok(()));
    let at = |t| text(&orders, "OPORD-1", t, "3.b").map(|(_, by)| by);
    assert_eq!(at("240559Z JAN 25").as_deref(), Some("OPORD-1"));
    assert_eq!(at("240600Z JAN 25").as_deref(), Some("FRAGORD-1"));
    assert_eq!(at("250600Z JAN 25").as_deref(), Some("FRAGORD-2"));
    let chain: Vec<&str> = orders
        .chain("OPORD-1")
        .expect("chain")
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(chain, ["FRAGORD-1", "FRAGORD-2"]);
    let roots: Vec<&str> = orders.roots().iter().map(|o| o.id.as_str()).collect();
    assert_eq!(roots, ["OPORD-1"]);
    assert_eq!(orders.children("OPORD-1").map(|c| c.len()), Ok(2));
}

#[test]
fn a_fragord_of_a_fragord_changes_the_base_text() {
    let mut orders = tree();
    let f1 = fragord("F1", "OPORD-1", "240600Z JAN 25", &[("3.c", add("added"))]);
    let f2 = fragord("F2", "F1", "240700Z JAN 25", &[("3.c", replace("amended"))]);
    assert_eq!(orders.add(f1), Ok(()));
    assert_eq!(orders.add(f2), Ok(()));
    assert_eq!(
        text(&orders, "OPORD-1", "240700Z JAN 25", "3.c"),
        Some(("amended".into(), "F2".into()))
    );
    assert_eq!(orders.children("OPORD-1").map(|c| c.len()), Ok(1));
    assert_eq!(orders.chain("OPORD-1").map(|c| c.len()), Ok(2));
    assert_eq!(orders.chain("F1").map(|c| c.len()), Ok(1));
}

#[test]
fn a_deleted_paragraph_takes_its_sub_paragraphs_with_it() {
    let mut orders = tree();
    let f1 = fragord("F1", "OPORD-1", "240600Z JAN 25", &[("3.b", Edit::Delete)]);
    assert_eq!(orders.add(f1), Ok(()));
    assert_eq!(text(&orders, "OPORD-1", "240600Z JAN 25", "3.b.(1)"), None);
    assert!(text(&orders, "OPORD-1", "240600Z JAN 25", "3.a").is_some());
}

#[test]
fn a_fragord_on_a_missing_base_is_refused() {
    let mut orders = tree();
    let f = fragord("F1", "OPORD-9", "240600Z JAN 25", &[("3.b", replace("x"))]);
    assert_eq!(
        refused(&mut orders, f),
        OrderError::BaseMissing {
            id: "F1".into(),
            base: "OPORD-9".into()
        }
    );
}

#[test]
fn a_cycle_of_fragords_cannot_be_built() {
    let mut orders = tree();
    let own = fragord("F1", "F1", "240600Z JAN 25", &[]);
    assert_eq!(refused(&mut orders, own), OrderError::Cycle("F1".into()));
    // F1 on F2 and F2 on F1: whichever comes first names a missing base.
    let f1 = fragord("F1", "F2", "240600Z JAN 25", &[]);
    assert!(matches!(
        refused(&mut orders, f1),
        OrderError::BaseMissing { .. }
    ));
}

#[test]
fn a_fragord_deleting_a_paragraph_that_does_not_exist_is_refused() {
    let mut orders = tree();
    let f = fragord(
        "F1",
        "OPORD-1",
        "240600Z JAN 25",
        &[("3.c", add("new")), ("3.d", Edit::Delete)],
    );
    let err = refused(&mut orders, f);
    assert_eq!(
        err.to_string(),
        "fragord F1 cannot delete paragraph 3.d: no such paragraph at its dtg"
    );
    let again = fragord("F1", "OPORD-1", "240600Z JAN 25", &[("3.b", add("dup"))]);
    assert!(matches!(
        refused(&mut orders, again),
        OrderError::Change { action: "add", .. }
    ));
}

#[test]
fn a_change_must_find_its_paragraph_at_its_own_dtg() {
    let mut orders = tree();
    let f2 = fragord("F2", "OPORD-1", "250600Z JAN 25", &[("3.c", add("later"))]);
    assert_eq!(orders.add(f2), Ok(()));
    // Dated before F2 added 3.c, so 3.c is not there to replace yet.
    let f1 = fragord(
        "F1",
        "OPORD-1",
        "240600Z JAN 25",
        &[("3.c", replace("early"))],
    );
    assert!(matches!(
        refused(&mut orders, f1),
        OrderError::Change {
            action: "replace",
            ..
        }
    ));
    // A late arrival that would break a FRAGORD on record is refused.
    let f0 = fragord("F0", "OPORD-1", "240600Z JAN 25", &[("3.c", add("early"))]);
    let err = refused(&mut orders, f0);
    assert!(matches!(&err, OrderError::Breaks { broken, .. } if broken == "F2"));
    assert_eq!(
        err.to_string(),
        "fragord F0 would break fragord F2: fragord F2 cannot add paragraph 3.c: \
         the paragraph exists at its dtg"
    );
}

#[test]
fn a_fragord_dated_before_its_base_is_refused() {
    let mut orders = tree();
    let f = fragord("F1", "OPORD-1", "221159Z JAN 25", &[("3.b", replace("x"))]);
    assert!(matches!(
        refused(&mut orders, f),
        OrderError::BeforeBase { .. }
    ));
    // The same instant as the base is not before it.
    let same = fragord("F1", "OPORD-1", "221200Z JAN 25", &[("3.b", replace("x"))]);
    assert_eq!(orders.add(same), Ok(()));
}

#[test]
fn kinds_bases_and_fields_are_checked() {
    let mut orders = tree();
    assert_eq!(
        refused(&mut orders, opord("OPORD-1", "231200Z JAN 25")),
        OrderError::Duplicate("OPORD-1".into())
    );
    let mut no_base = fragord("F1", "OPORD-1", "231200Z JAN 25", &[]);
    no_base.base = None;
    assert_eq!(
        refused(&mut orders, no_base),
        OrderError::NoBase("F1".into())
    );
    let mut exord = opord("EXORD-1", "231200Z JAN 25");
    exord.kind = OrderKind::Exord;
    exord.base = Some("OPORD-1".into());
    assert!(matches!(
        refused(&mut orders, exord),
        OrderError::NotAFragord { .. }
    ));
    let mut texty = fragord("F1", "OPORD-1", "231200Z JAN 25", &[]);
    texty.paragraphs.insert(addr("1"), "no change".into());
    assert_eq!(
        refused(&mut orders, texty),
        OrderError::FragordText("F1".into())
    );
    let mut anon = opord("OPORD-2", "231200Z JAN 25");
    anon.issuer = " ".into();
    assert!(matches!(
        refused(&mut orders, anon),
        OrderError::Blank {
            field: "issuer",
            ..
        }
    ));
    let mut blank = opord("OPORD-2", "231200Z JAN 25");
    blank.paragraphs.insert(addr("3.c"), "  ".into());
    assert!(matches!(
        refused(&mut orders, blank),
        OrderError::BlankText { .. }
    ));
    let mut task = opord("OPORD-2", "231200Z JAN 25");
    task.tasks = vec!["OPORD-1-T1".into()];
    assert_eq!(
        refused(&mut orders, task).to_string(),
        "order OPORD-2 creates task \"OPORD-1-T1\", which order OPORD-1 already creates"
    );
}

#[test]
fn reference_letters_run_a_b_c_in_order() {
    let mut orders = tree();
    let mut o = opord("OPORD-2", "231200Z JAN 25");
    let second = Reference {
        letter: 'C',
        target: RefTarget::Document("DODD 3025.18".into()),
        citation: "DOD DIRECTIVE 3025.18".into(),
        dtg: Some(dtg("291200Z DEC 10")),
    };
    o.references.push(second.clone());
    assert_eq!(
        refused(&mut orders, o.clone()),
        OrderError::ReferenceLetter {
            id: "OPORD-2".into(),
            expected: 'B',
            found: 'C'
        }
    );
    o.references[1].letter = 'A';
    assert!(matches!(
        refused(&mut orders, o.clone()),
        OrderError::ReferenceLetter { .. }
    ));
    o.references[1].letter = 'B';
    assert_eq!(orders.add(o), Ok(()));
}

#[test]
fn a_suspense_due_before_the_order_is_refused() {
    let mut orders = tree();
    let mut o = opord("OPORD-2", "231200Z JAN 25");
    o.suspenses.push(OrderSuspense {
        id: "S1".into(),
        owner: "J5".into(),
        due: dtg("231159Z JAN 25"),
        title: String::new(),
        warnings: None,
    });
    assert_eq!(
        refused(&mut orders, o.clone()).to_string(),
        "order OPORD-2 suspense S1 is due 2025-01-23T11:59:00.000Z, \
         before the order's dtg 2025-01-23T12:00:00.000Z"
    );
    o.suspenses[0].due = crate::suspense::plus_days(o.dtg, 90);
    o.suspenses.push(o.suspenses[0].clone());
    assert!(matches!(
        refused(&mut orders, o.clone()),
        OrderError::SuspenseId { .. }
    ));
    o.suspenses.pop();
    assert_eq!(orders.add(o), Ok(()));
}

#[test]
fn effective_text_is_refused_before_the_order_and_for_unknown_orders() {
    let orders = tree();
    assert!(matches!(
        orders.effective("OPORD-1", dtg("221159Z JAN 25")),
        Err(OrderError::NotIssued { .. })
    ));
    assert_eq!(
        orders.effective("OPORD-9", dtg("221200Z JAN 25")),
        Err(OrderError::Unknown("OPORD-9".into()))
    );
    assert!(orders.children("OPORD-9").is_err() && orders.chain("OPORD-9").is_err());
}

#[test]
fn an_apply_file_order_reads_with_dtgs_as_staffs_write_them() {
    let json = r#"{
        "id": "FRAGORD-7", "kind": "FRAGORD", "dtg": "231800ZJAN25", "issuer": "JTF-N",
        "subject": "extend OP 1",
        "references": [{"letter": "A", "target": {"document": "OPORD-1"},
                        "citation": "JTF-N OPORD 25-01", "dtg": "22 1200Z JAN 25"}],
        "base": "OPORD-1",
        "changes": [{"paragraph": "3.b.(1)", "change": {"replace": "1st Plt: OP 1 and OP 2."}},
                    {"paragraph": "3.c", "change": {"add": "Report hourly."}},
                    {"paragraph": "4", "change": "delete"}],
        "suspenses": [{"id": "S1", "owner": "B Co", "due": "2025-01-24T18:00:00Z"}]
    }"#;
    let order: Order = serde_json::from_str(json).expect("order");
    assert_eq!(order.dtg, dtg("231800Z JAN 25"));
    assert_eq!(order.references[0].dtg, Some(dtg("221200Z JAN 25")));
    assert_eq!(order.changes[2].change, Edit::Delete);
    let written = serde_json::to_string(&order).expect("json");
    assert!(
        written.contains(r#""dtg":"2025-01-23T18:00:00.000Z""#),
        "{written}"
    );
    assert_eq!(
        serde_json::from_str::<Order>(&written).ok(),
        Some(order.clone())
    );
    let mut orders = tree();
    assert_eq!(orders.add(order), Ok(()));

    let kind: Result<OrderKind, _> = serde_json::from_str(r#""MA""#);
    assert_eq!(kind.ok(), Some(OrderKind::MissionAssignment));
    for bad in [
        json.replace("231800ZJAN25", "321800ZJAN25"),
        json.replace("\"3.c\"", "\"3.C\""),
        json.replace("\"FRAGORD\"", "\"FRAGO\""),
    ] {
        assert!(serde_json::from_str::<Order>(&bad).is_err(), "{bad}");
    }
}
