//! Random sequences of orders against a model written the plain way:
//! paragraph addresses as text, the FRAGORDs of a tree collected, sorted
//! by (DTG, id) and applied by hand. Every accepted tree's effective text
//! at any instant must equal the model's; the tree must take exactly the
//! orders the model can apply; a refused add must change nothing.

use std::collections::BTreeMap;

use cot::Time;
use proptest::prelude::*;

use super::*;

const ADDRS: [&str; 10] = [
    "1", "2", "3", "3.a", "3.b", "3.b.(1)", "3.b.(2)", "3.c", "4", "5",
];
const HOUR_MS: i64 = 3_600_000;
/// 221200Z JAN 25, so the instants are ones staffs would write.
const START_MS: i64 = 1_737_547_200_000;

#[derive(Debug, Clone)]
enum Op {
    Base {
        id: u8,
        hour: i64,
        paragraphs: Vec<u8>,
    },
    Frag {
        id: u8,
        /// An index into the orders taken so far, or `None` for a base
        /// that does not exist.
        base: Option<u8>,
        hour: i64,
        changes: Vec<(u8, u8)>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => base_op(),
        4 => (
            0u8..40,
            proptest::option::weighted(0.9, any::<u8>()),
            0i64..48,
            proptest::collection::vec((0u8..10, 0u8..3), 0..4)
        )
            .prop_map(|(id, base, hour, changes)| Op::Frag { id, base, hour, changes }),
    ]
}

fn base_op() -> impl Strategy<Value = Op> {
    (0u8..40, 0i64..24, proptest::collection::vec(0u8..10, 0..10)).prop_map(
        |(id, hour, paragraphs)| Op::Base {
            id,
            hour,
            paragraphs,
        },
    )
}

fn at(hour: i64) -> Time {
    Time::from_millis(START_MS + hour * HOUR_MS)
}

fn addr(i: u8) -> ParagraphAddr {
    let text = ADDRS[usize::from(i) % ADDRS.len()];
    ParagraphAddr::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn order(op: &Op, serial: usize, model: &Model) -> Order {
    let blank = |id: u8, kind, hour| Order::new(&format!("X{id}"), kind, at(hour), "JTF-N");
    match op {
        Op::Base {
            id,
            hour,
            paragraphs,
        } => {
            let mut o = blank(*id, OrderKind::Opord, *hour);
            for p in paragraphs {
                o.paragraphs
                    .insert(addr(*p), format!("text {p} of op {serial}"));
            }
            o
        }
        Op::Frag {
            id,
            base,
            hour,
            changes,
        } => {
            let mut o = blank(*id, OrderKind::Fragord, *hour);
            let taken = base.and_then(|b| {
                let n = model.taken.len();
                (n > 0).then(|| model.taken[usize::from(b) % n].id.clone())
            });
            o.base = Some(taken.unwrap_or_else(|| "X99".into()));
            for (n, (p, e)) in changes.iter().enumerate() {
                let text = format!("change {n} of op {serial}");
                let change = match e {
                    0 => Edit::Replace(text),
                    1 => Edit::Delete,
                    _ => Edit::Add(text),
                };
                o.changes.push(Change {
                    paragraph: addr(*p),
                    change,
                });
            }
            o
        }
    }
}

/// Paragraph text and who set it, keyed by the address as written.
type Plain = BTreeMap<String, (String, String)>;

/// The model: the orders taken so far, nothing derived.
#[derive(Default)]
struct Model {
    taken: Vec<Order>,
}

impl Model {
    fn get(&self, id: &str) -> Option<&Order> {
        self.taken.iter().find(|o| o.id == id)
    }

    fn root(&self, o: &Order) -> String {
        let mut at = o;
        while let Some(base) = at.base.as_deref().and_then(|b| self.get(b)) {
            at = base;
        }
        at.id.clone()
    }

    /// The root's text with its FRAGORDs dated `until` or earlier (and
    /// `extra`) applied by hand; `None` if a change does not apply.
    fn text(&self, root: &str, until: Time, extra: Option<&Order>) -> Option<Plain> {
        let base = self.get(root)?;
        let mut text: Plain = base
            .paragraphs
            .iter()
            .map(|(p, t)| (p.to_string(), (t.clone(), base.id.clone())))
            .collect();
        let mut frags: Vec<&Order> = self
            .taken
            .iter()
            .chain(extra)
            .filter(|o| o.base.is_some() && o.dtg <= until)
            .filter(|o| match o.base.as_deref().and_then(|b| self.get(b)) {
                Some(b) => self.root(b) == root,
                None => false,
            })
            .collect();
        frags.sort_by(|a, b| (a.dtg, &a.id).cmp(&(b.dtg, &b.id)));
        for f in frags {
            for c in &f.changes {
                let key = c.paragraph.to_string();
                let exists = text.contains_key(&key);
                match &c.change {
                    Edit::Replace(t) if exists => {
                        text.insert(key, (t.clone(), f.id.clone()));
                    }
                    Edit::Add(t) if !exists => {
                        text.insert(key, (t.clone(), f.id.clone()));
                    }
                    Edit::Delete if exists => {
                        let under = format!("{key}.");
                        text.retain(|k, _| *k != key && !k.starts_with(&under));
                    }
                    _ => return None,
                }
            }
        }
        Some(text)
    }

    /// Whether the rules take `o` next.
    fn takes(&self, o: &Order) -> bool {
        if self.get(&o.id).is_some() {
            return false;
        }
        let Some(base) = o.base.as_deref() else {
            return true;
        };
        match self.get(base) {
            Some(b) if o.dtg >= b.dtg => {
                let root = self.root(b);
                self.text(&root, Time::from_micros(i64::MAX), Some(o))
                    .is_some()
            }
            _ => false,
        }
    }
}

fn plain(eff: &EffectiveOrder) -> Plain {
    eff.paragraphs
        .iter()
        .map(|(p, e)| (p.to_string(), (e.text.clone(), e.set_by.clone())))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_tree_matches_fragords_applied_by_hand(
        first in base_op(),
        ops in proptest::collection::vec(op(), 0..40),
    ) {
        let mut tree = Orders::new();
        let mut model = Model::default();
        for (serial, op) in std::iter::once(&first).chain(&ops).enumerate() {
            let o = order(op, serial, &model);
            let expected = model.takes(&o);
            let before = tree.clone();
            let got = tree.add(o.clone());
            prop_assert_eq!(got.is_ok(), expected, "{:?} gave {:?}", o, got);
            if got.is_ok() {
                model.taken.push(o);
            } else {
                prop_assert_eq!(&tree, &before, "refused {:?} changed the tree", o);
            }
        }
        prop_assert_eq!(tree.len(), model.taken.len());
        for o in &model.taken {
            let root = model.root(o);
            for hour in -1..50 {
                let t = at(hour);
                let eff = tree.effective(&o.id, t);
                if t < o.dtg {
                    let not_issued = matches!(eff, Err(OrderError::NotIssued { .. }));
                    prop_assert!(not_issued, "{:?}", eff);
                    continue;
                }
                let eff = eff.map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(&eff.base, &root);
                let by_hand = model.text(&root, t, None);
                prop_assert!(by_hand.is_some(), "an accepted tree does not apply by hand");
                prop_assert_eq!(Some(plain(&eff)), by_hand, "{} at hour {}", o.id, hour);
            }
        }
    }
}
