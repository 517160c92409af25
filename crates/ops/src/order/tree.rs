//! The order tree: base orders at the roots, FRAGORDs below the order
//! they name. Its contract, kept by [`Orders::add`] and checked by the
//! property test:
//!
//! - every order's id is unique, and every task id belongs to one order;
//! - a FRAGORD has a base that is in the tree and dated no later than it;
//!   no other kind has a base or changes;
//! - replaying every FRAGORD below a root in (DTG, id) order on the
//!   root's text applies each change cleanly: a Replace or Delete finds
//!   its paragraph, an Add does not;
//! - a refused add leaves the tree exactly as it was.
//!
//! So the effective text at any instant is always defined, and an order
//! arriving late (a FRAGORD dated before one already recorded) is taken
//! only if every later FRAGORD still applies after it.

use std::collections::{BTreeMap, BTreeSet};

use cot::Time;
use serde::Serialize;

use super::{Edit, Order, OrderError, OrderKind, ParagraphAddr};

/// One paragraph of the effective text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveParagraph {
    /// Its text.
    pub text: String,
    /// The order that last set it: the base order, or the FRAGORD that
    /// replaced or added it.
    pub set_by: String,
}

/// An order's text as in effect at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveOrder {
    /// The base order whose text this is (the root of the tree).
    pub base: String,
    /// The instant.
    #[serde(serialize_with = "iso")]
    pub at: Time,
    /// The FRAGORDs applied, in the order applied.
    pub applied: Vec<String>,
    /// The text by paragraph, in document order.
    pub paragraphs: BTreeMap<ParagraphAddr, EffectiveParagraph>,
}

fn iso<S: serde::Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

type Text = BTreeMap<ParagraphAddr, EffectiveParagraph>;

/// The order tree. See the module documentation for its contract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Orders {
    orders: BTreeMap<String, Order>,
    /// FRAGORD ids by the id of the order they name.
    children: BTreeMap<String, BTreeSet<String>>,
    /// The order that creates each task.
    task_owner: BTreeMap<String, String>,
}

impl Orders {
    /// An empty tree.
    pub fn new() -> Orders {
        Orders::default()
    }

    /// Takes an order, or refuses it with the first rule it breaks and
    /// leaves the tree as it was.
    pub fn add(&mut self, order: Order) -> Result<(), OrderError> {
        self.check_fields(&order)?;
        let root = match &order.base {
            Some(base) => {
                let root = self.root_of(base, &order.id)?;
                let base_dtg = self.orders.get(base).map(|b| b.dtg);
                if let Some(base_dtg) = base_dtg.filter(|d| order.dtg < *d) {
                    return Err(OrderError::BeforeBase {
                        id: order.id.clone(),
                        dtg: order.dtg,
                        base: base.clone(),
                        base_dtg,
                    });
                }
                Some(root)
            }
            None => None,
        };
        if let Some(root) = root {
            let mut chain = self.below(&root);
            chain.push(&order);
            sort(&mut chain);
            let root_order = self.order(&root)?;
            replay(root_order, &chain).map_err(|(at, e)| {
                if at == order.id {
                    e
                } else {
                    OrderError::Breaks {
                        id: order.id.clone(),
                        broken: at,
                        cause: Box::new(e),
                    }
                }
            })?;
        }
        // Every check has passed: from here nothing can fail, so the tree
        // is never left half-changed.
        for task in &order.tasks {
            self.task_owner.insert(task.clone(), order.id.clone());
        }
        if let Some(base) = &order.base {
            self.children
                .entry(base.clone())
                .or_default()
                .insert(order.id.clone());
        }
        self.orders.insert(order.id.clone(), order);
        Ok(())
    }

    /// The order with this id.
    pub fn get(&self, id: &str) -> Option<&Order> {
        self.orders.get(id)
    }

    /// How many orders are on record.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    /// The orders with no base, by (DTG, id).
    pub fn roots(&self) -> Vec<&Order> {
        let mut roots: Vec<&Order> = self.orders.values().filter(|o| o.base.is_none()).collect();
        sort(&mut roots);
        roots
    }

    /// The FRAGORDs that name `id` as their base, by (DTG, id).
    pub fn children(&self, id: &str) -> Result<Vec<&Order>, OrderError> {
        self.order(id)?;
        let mut kids: Vec<&Order> = self
            .children
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.orders.get(c))
            .collect();
        sort(&mut kids);
        Ok(kids)
    }

    /// Every FRAGORD below `id` (its children, theirs, and so on) in the
    /// order they apply: by DTG, ties by id.
    pub fn chain(&self, id: &str) -> Result<Vec<&Order>, OrderError> {
        self.order(id)?;
        let mut chain = self.below(id);
        sort(&mut chain);
        Ok(chain)
    }

    /// The text of `id`'s tree in effect at `at`: the base order's
    /// paragraphs with every FRAGORD below it dated `at` or earlier
    /// applied, by DTG then id. For a FRAGORD this is the text of the base
    /// order it belongs to, since a FRAGORD has no text of its own.
    /// Refused for an instant before `id` was issued.
    pub fn effective(&self, id: &str, at: Time) -> Result<EffectiveOrder, OrderError> {
        let asked = self.order(id)?;
        if at < asked.dtg {
            return Err(OrderError::NotIssued {
                id: id.to_string(),
                dtg: asked.dtg,
            });
        }
        let root = self.root_of(id, id)?;
        let root_order = self.order(&root)?;
        let mut chain: Vec<&Order> = self
            .below(&root)
            .into_iter()
            .filter(|o| o.dtg <= at)
            .collect();
        sort(&mut chain);
        // `add` replayed every prefix of this chain already, so an error
        // here means the tree was built some other way; report it as is.
        let paragraphs = replay(root_order, &chain).map_err(|(_, e)| e)?;
        Ok(EffectiveOrder {
            base: root,
            at,
            applied: chain.iter().map(|o| o.id.clone()).collect(),
            paragraphs,
        })
    }

    fn order(&self, id: &str) -> Result<&Order, OrderError> {
        self.orders
            .get(id)
            .ok_or_else(|| OrderError::Unknown(id.to_string()))
    }

    /// Follows base orders up from `from` to the root, refusing a missing
    /// base and any walk longer than the tree (a cycle, which `add` cannot
    /// build, but the walk must end whatever the records say).
    fn root_of(&self, from: &str, asking: &str) -> Result<String, OrderError> {
        let mut at = from;
        for _ in 0..=self.orders.len() {
            let order = self.orders.get(at).ok_or_else(|| OrderError::BaseMissing {
                id: asking.to_string(),
                base: at.to_string(),
            })?;
            match &order.base {
                Some(base) => at = base,
                None => return Ok(at.to_string()),
            }
        }
        Err(OrderError::Cycle(asking.to_string()))
    }

    /// Every order below `id`, unsorted.
    fn below(&self, id: &str) -> Vec<&Order> {
        let mut out = Vec::new();
        let mut todo = vec![id];
        // The `seen` set bounds the walk even on records with a cycle.
        let mut seen = BTreeSet::from([id]);
        while let Some(at) = todo.pop() {
            for kid in self.children.get(at).into_iter().flatten() {
                if seen.insert(kid.as_str()) {
                    if let Some(o) = self.orders.get(kid) {
                        out.push(o);
                    }
                    todo.push(kid.as_str());
                }
            }
        }
        out
    }

    /// The checks that need only the order itself and the ids on record.
    fn check_fields(&self, order: &Order) -> Result<(), OrderError> {
        let id = &order.id;
        let blank = |field| OrderError::Blank {
            id: id.clone(),
            field,
        };
        if id.trim().is_empty() {
            return Err(blank("id"));
        }
        if order.issuer.trim().is_empty() {
            return Err(blank("issuer"));
        }
        if self.orders.contains_key(id) {
            return Err(OrderError::Duplicate(id.clone()));
        }
        match (order.kind, &order.base) {
            (OrderKind::Fragord, None) => return Err(OrderError::NoBase(id.clone())),
            (OrderKind::Fragord, Some(base)) if base == id => {
                return Err(OrderError::Cycle(id.clone()))
            }
            (OrderKind::Fragord, Some(_)) if !order.paragraphs.is_empty() => {
                return Err(OrderError::FragordText(id.clone()))
            }
            (kind, base)
                if kind != OrderKind::Fragord && (base.is_some() || !order.changes.is_empty()) =>
            {
                return Err(OrderError::NotAFragord {
                    id: id.clone(),
                    kind,
                })
            }
            _ => {}
        }
        for (i, r) in order.references.iter().enumerate() {
            let expected = u8::try_from(i)
                .ok()
                .filter(|i| *i < 26)
                .map_or('?', |i| char::from(b'A' + i));
            if r.letter != expected {
                return Err(OrderError::ReferenceLetter {
                    id: id.clone(),
                    expected,
                    found: r.letter,
                });
            }
        }
        let texts = order.paragraphs.iter().map(|(p, t)| (p, t.as_str()));
        let edits = order.changes.iter().filter_map(|c| match &c.change {
            Edit::Replace(t) | Edit::Add(t) => Some((&c.paragraph, t.as_str())),
            Edit::Delete => None,
        });
        if let Some((p, _)) = texts.chain(edits).find(|(_, t)| t.trim().is_empty()) {
            return Err(OrderError::BlankText {
                id: id.clone(),
                paragraph: p.clone(),
            });
        }
        let mut suspense_ids = BTreeSet::new();
        for s in &order.suspenses {
            if s.id.trim().is_empty() || !suspense_ids.insert(s.id.as_str()) {
                return Err(OrderError::SuspenseId {
                    id: id.clone(),
                    suspense: s.id.clone(),
                });
            }
            if s.due < order.dtg {
                return Err(OrderError::DueBeforeOrder {
                    id: id.clone(),
                    suspense: s.id.clone(),
                    due: s.due,
                    dtg: order.dtg,
                });
            }
        }
        let mut tasks = BTreeSet::new();
        for task in &order.tasks {
            if task.trim().is_empty() {
                return Err(OrderError::BlankTask(id.clone()));
            }
            let owner = self.task_owner.get(task).cloned();
            if let Some(owner) = owner.or_else(|| (!tasks.insert(task)).then(|| id.clone())) {
                return Err(OrderError::TaskTaken {
                    id: id.clone(),
                    task: task.clone(),
                    owner,
                });
            }
        }
        Ok(())
    }
}

/// Application order: by DTG, ties by id, so the same records always give
/// the same text.
fn sort(orders: &mut [&Order]) {
    orders.sort_by(|a, b| (a.dtg, &a.id).cmp(&(b.dtg, &b.id)));
}

/// The root's text with `chain` applied in the order given; on failure,
/// the FRAGORD whose change did not apply and why.
fn replay(root: &Order, chain: &[&Order]) -> Result<Text, (String, OrderError)> {
    let mut text: Text = root
        .paragraphs
        .iter()
        .map(|(p, t)| {
            let para = EffectiveParagraph {
                text: t.clone(),
                set_by: root.id.clone(),
            };
            (p.clone(), para)
        })
        .collect();
    for frag in chain {
        for c in &frag.changes {
            let exists = text.contains_key(&c.paragraph);
            let fail = |action, reason| {
                let e = OrderError::Change {
                    id: frag.id.clone(),
                    action,
                    paragraph: c.paragraph.clone(),
                    reason,
                };
                (frag.id.clone(), e)
            };
            let set = |t: &str| EffectiveParagraph {
                text: t.to_string(),
                set_by: frag.id.clone(),
            };
            match &c.change {
                Edit::Replace(_) if !exists => return Err(fail("replace", "no such paragraph")),
                Edit::Delete if !exists => return Err(fail("delete", "no such paragraph")),
                Edit::Add(_) if exists => return Err(fail("add", "the paragraph exists")),
                Edit::Replace(t) | Edit::Add(t) => {
                    text.insert(c.paragraph.clone(), set(t));
                }
                Edit::Delete => text.retain(|p, _| !c.paragraph.covers(p)),
            }
        }
    }
    Ok(text)
}
