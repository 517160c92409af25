//! Why an order was not taken: one variant per rule of the tree's
//! contract, each naming the order and what to fix, on one line.

use cot::Time;

use super::{OrderKind, ParagraphAddr};

/// Why an order was not taken, or a question about the tree had no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// A required field is empty.
    #[error("order {id:?} has no {field}")]
    Blank {
        /// The order.
        id: String,
        /// Which field.
        field: &'static str,
    },
    /// An order with this id is already on record.
    #[error("order {0} already exists")]
    Duplicate(String),
    /// No order with this id.
    #[error("no order {0}")]
    Unknown(String),
    /// A FRAGORD without a base order.
    #[error("fragord {0} names no base order")]
    NoBase(String),
    /// A base order or changes on an order that is not a FRAGORD.
    #[error("{kind} {id} has a base order or changes; only a fragord changes another order")]
    NotAFragord {
        /// The order.
        id: String,
        /// Its kind.
        kind: OrderKind,
    },
    /// A FRAGORD with paragraphs of its own.
    #[error("fragord {0} has paragraphs; a fragord carries its text as changes to its base")]
    FragordText(String),
    /// The base order is not in the tree.
    #[error("fragord {id} names base order {base}, which does not exist")]
    BaseMissing {
        /// The FRAGORD.
        id: String,
        /// The base it names.
        base: String,
    },
    /// Following base orders from here comes back to an order already seen.
    #[error("fragord {0} would close a cycle of base orders")]
    Cycle(String),
    /// A FRAGORD dated before its base.
    #[error("fragord {id} is dated {dtg}, before its base order {base} ({base_dtg})")]
    BeforeBase {
        /// The FRAGORD.
        id: String,
        /// Its DTG.
        dtg: Time,
        /// The base order.
        base: String,
        /// The base's DTG.
        base_dtg: Time,
    },
    /// Reference letters not `A`, `B`, `C`, ... in order.
    #[error("order {id} reference {found:?} is out of order: expected {expected:?}")]
    ReferenceLetter {
        /// The order.
        id: String,
        /// The letter the place in the list calls for.
        expected: char,
        /// The letter written.
        found: char,
    },
    /// A paragraph or change with no text.
    #[error("order {id} paragraph {paragraph} has no text")]
    BlankText {
        /// The order.
        id: String,
        /// The paragraph.
        paragraph: ParagraphAddr,
    },
    /// A suspense due before the order that sets it.
    #[error("order {id} suspense {suspense} is due {due}, before the order's dtg {dtg}")]
    DueBeforeOrder {
        /// The order.
        id: String,
        /// The suspense.
        suspense: String,
        /// When it is due.
        due: Time,
        /// The order's DTG.
        dtg: Time,
    },
    /// Two suspenses of one order share an id, or one has none.
    #[error("order {id} has a blank or repeated suspense id {suspense:?}")]
    SuspenseId {
        /// The order.
        id: String,
        /// The id.
        suspense: String,
    },
    /// A task id created twice, by this order or by another.
    #[error("order {id} creates task {task:?}, which order {owner} already creates")]
    TaskTaken {
        /// The order.
        id: String,
        /// The task.
        task: String,
        /// The order that creates it already.
        owner: String,
    },
    /// A blank task id.
    #[error("order {0} lists a blank task id")]
    BlankTask(String),
    /// A change that does not apply to the text in effect at its DTG.
    #[error("fragord {id} cannot {action} paragraph {paragraph}: {reason} at its dtg")]
    Change {
        /// The FRAGORD.
        id: String,
        /// `replace`, `delete` or `add`.
        action: &'static str,
        /// The paragraph.
        paragraph: ParagraphAddr,
        /// `no such paragraph` or `the paragraph exists`.
        reason: &'static str,
    },
    /// Taking this FRAGORD would make a FRAGORD already on record fail to
    /// apply (it is dated earlier and changes what the later one needs).
    #[error("fragord {id} would break fragord {broken}: {cause}")]
    Breaks {
        /// The FRAGORD being added.
        id: String,
        /// The FRAGORD on record that would no longer apply.
        broken: String,
        /// Why that one would fail.
        cause: Box<OrderError>,
    },
    /// The order was not yet issued at the instant asked about.
    #[error("order {id} was not issued until {dtg}")]
    NotIssued {
        /// The order.
        id: String,
        /// Its DTG.
        dtg: Time,
    },
}
