//! The suspense board and the order view: what the watch floor reads of
//! suspenses and orders at an instant, computed from the engine's state
//! and that instant alone (the API, the command line and the briefing
//! all use these).

use std::collections::BTreeSet;

use cot::Time;
use serde::Serialize;

use crate::authority::Authority;
use crate::engine::Ops;
use crate::order::{EffectiveOrder, Order, OrderError, RefTarget};
use crate::suspense::{metrics, Lead, MetricsReport, Suspense, SuspenseStatus};

/// Which suspenses a board shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuspenseFilter {
    /// Only this owner's.
    pub owner: Option<String>,
    /// Only this order's.
    pub order: Option<String>,
    /// Only those open and due within this span (late ones included).
    pub due_within: Option<Lead>,
    /// Met and waived ones too.
    pub closed: bool,
}

impl SuspenseFilter {
    fn keeps(&self, s: &Suspense, now: Time) -> bool {
        self.owner.as_ref().is_none_or(|o| *o == s.owner)
            && self
                .order
                .as_ref()
                .is_none_or(|o| s.order.as_ref() == Some(o))
            && (self.closed || !s.is_closed())
            && self
                .due_within
                .is_none_or(|d| !s.is_closed() && s.current_due() <= now.plus_secs(d.secs()))
    }
}

/// One suspense on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardSuspense<'a> {
    /// The record.
    #[serde(flatten)]
    pub suspense: &'a Suspense,
    /// Its status now.
    pub status: SuspenseStatus,
    /// The due instant after extensions.
    #[serde(with = "crate::when::required")]
    pub current_due: Time,
    /// Whole days late.
    pub days_late: i64,
    /// The last threshold sent for the current due instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_notice: Option<String>,
    /// Whether the web COP shows it as an alert: open and warned, or
    /// late; it stays until met or waived.
    pub alert: bool,
}

impl<'a> BoardSuspense<'a> {
    /// `s` as seen at `now`.
    pub fn of(s: &'a Suspense, now: Time) -> BoardSuspense<'a> {
        let due = s.current_due();
        let last_notice = s
            .notices
            .iter()
            .filter(|n| n.sent && n.due == due)
            .min_by_key(|n| n.lead)
            .map(|n| n.lead.label());
        let status = s.status(now);
        BoardSuspense {
            suspense: s,
            status,
            current_due: due,
            days_late: s.days_late(now),
            alert: !s.is_closed() && (status == SuspenseStatus::Late || last_notice.is_some()),
            last_notice,
        }
    }
}

/// The suspense board at an instant.
#[derive(Debug, Clone, Serialize)]
pub struct SuspenseBoard<'a> {
    /// The instant.
    #[serde(with = "crate::when::required")]
    pub time: Time,
    /// The measures over every suspense of the owner and order filtered
    /// for, met and waived included, whatever the other filters list.
    pub metrics: MetricsReport,
    /// Soonest due first.
    pub suspenses: Vec<BoardSuspense<'a>>,
    /// Every owner on record, for the filter.
    pub owners: Vec<&'a str>,
    /// Every order that has suspenses, for the filter.
    pub orders: Vec<&'a str>,
}

/// One order in the tree list.
#[derive(Debug, Clone, Serialize)]
pub struct OrderSummary<'a> {
    /// Its id.
    pub id: &'a str,
    /// `OPORD`, `FRAGORD`, ...
    pub kind: crate::order::OrderKind,
    /// Its date-time group.
    #[serde(with = "crate::when::required")]
    pub dtg: Time,
    /// Who issued it.
    pub issuer: &'a str,
    /// What it is about.
    pub subject: &'a str,
    /// The order it changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<&'a str>,
    /// How deep in the tree (0 for a base order).
    pub depth: usize,
    /// Its suspenses' ids.
    pub suspenses: Vec<&'a str>,
    /// The tasks it creates or that cite it.
    pub tasks: Vec<&'a str>,
}

/// A reference as the order view shows it: the line, and the authority
/// record it points at when there is one on file.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView<'a> {
    /// `A`, `B`, ...
    pub letter: char,
    /// The citation as written.
    pub citation: &'a str,
    /// The USMTF line (`REF/A/DOC/EXECUTIVE ORDER 14167//`).
    pub line: String,
    /// The authority record on file, if the reference names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<&'a Authority>,
    /// Set when it names an authority id that is not on record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<&'a str>,
}

/// One order in full at an instant.
#[derive(Debug, Clone, Serialize)]
pub struct OrderDetail<'a> {
    /// The order as issued.
    pub order: &'a Order,
    /// The text in effect for its tree at the instant.
    pub effective: EffectiveOrder,
    /// The FRAGORDs that name it.
    pub children: Vec<&'a str>,
    /// Its references, resolved.
    pub references: Vec<ReferenceView<'a>>,
    /// Its suspenses.
    pub suspenses: Vec<BoardSuspense<'a>>,
    /// The tasks it creates or that cite it.
    pub tasks: Vec<&'a str>,
}

impl Ops {
    /// The suspense board at `now`.
    pub fn suspense_board(&self, now: Time, filter: &SuspenseFilter) -> SuspenseBoard<'_> {
        // The measures cover the owner's or order's suspenses whatever is
        // listed: met and waived ones count for time to complete.
        let scope = SuspenseFilter {
            owner: filter.owner.clone(),
            order: filter.order.clone(),
            due_within: None,
            closed: true,
        };
        let measured = self.suspenses().filter(|s| scope.keeps(s, now));
        let shown: Vec<&Suspense> = self.suspenses().filter(|s| filter.keeps(s, now)).collect();
        let mut suspenses: Vec<BoardSuspense<'_>> =
            shown.iter().map(|s| BoardSuspense::of(s, now)).collect();
        suspenses
            .sort_by(|a, b| (a.current_due, &a.suspense.id).cmp(&(b.current_due, &b.suspense.id)));
        let owners: BTreeSet<&str> = self.suspenses().map(|s| s.owner.as_str()).collect();
        let orders: BTreeSet<&str> = self
            .suspenses()
            .filter_map(|s| s.order.as_deref())
            .collect();
        SuspenseBoard {
            time: now,
            metrics: metrics(measured, now),
            suspenses,
            owners: owners.into_iter().collect(),
            orders: orders.into_iter().collect(),
        }
    }

    fn order_tasks<'a>(&'a self, o: &'a Order) -> Vec<&'a str> {
        let mut tasks: BTreeSet<&str> = o.tasks.iter().map(String::as_str).collect();
        tasks.extend(
            self.tasks()
                .filter(|t| t.order.as_deref() == Some(o.id.as_str()))
                .map(|t| t.id.as_str()),
        );
        tasks.into_iter().collect()
    }

    fn order_suspenses<'a>(&'a self, id: &str) -> Vec<&'a Suspense> {
        self.suspenses()
            .filter(|s| s.order.as_deref() == Some(id))
            .collect()
    }

    /// Every order, base orders by DTG with their FRAGORDs under them.
    pub fn order_list(&self) -> Vec<OrderSummary<'_>> {
        let mut out = Vec::new();
        let mut stack: Vec<(&Order, usize)> = self
            .orders()
            .roots()
            .into_iter()
            .rev()
            .map(|o| (o, 0))
            .collect();
        while let Some((o, depth)) = stack.pop() {
            out.push(OrderSummary {
                id: &o.id,
                kind: o.kind,
                dtg: o.dtg,
                issuer: &o.issuer,
                subject: &o.subject,
                base: o.base.as_deref(),
                depth,
                suspenses: self
                    .order_suspenses(&o.id)
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect(),
                tasks: self.order_tasks(o),
            });
            let kids = self.orders().children(&o.id).unwrap_or_default();
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
        out
    }

    /// Order `id` in full, its tree's text as in effect at `at`.
    pub fn order_detail(&self, id: &str, at: Time) -> Result<OrderDetail<'_>, OrderError> {
        let order = self
            .orders()
            .get(id)
            .ok_or_else(|| OrderError::Unknown(id.to_string()))?;
        let effective = self.orders().effective(id, at)?;
        let references = order
            .references
            .iter()
            .map(|r| {
                let (authority, missing, kind) = match &r.target {
                    RefTarget::Authority(a) => {
                        let found = self.authorities().iter().find(|x| x.id == *a);
                        (found, found.is_none().then_some(a.as_str()), "AUTH")
                    }
                    RefTarget::Document(_) => (None, None, "DOC"),
                };
                ReferenceView {
                    letter: r.letter,
                    citation: &r.citation,
                    line: format!("REF/{}/{kind}/{}//", r.letter, r.citation),
                    authority,
                    missing,
                }
            })
            .collect();
        Ok(OrderDetail {
            order,
            effective,
            children: self
                .orders()
                .children(id)?
                .iter()
                .map(|c| c.id.as_str())
                .collect(),
            references,
            suspenses: self
                .order_suspenses(id)
                .into_iter()
                .map(|s| BoardSuspense::of(s, at))
                .collect(),
            tasks: self.order_tasks(order),
        })
    }
}
