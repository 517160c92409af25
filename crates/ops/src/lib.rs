//! The task force's own objects and the rule that decides what the law
//! allows them: units as a tree, duty status with history, authority
//! records, tasks and their assignments, decided element by element and
//! activity by activity by the rule of AUTHORITIES.md §5.2.
//!
//! Pure and deterministic: time is passed in, nothing here reads a clock,
//! a file or a socket. The shell writes the audit entries the engine
//! returns and carries out its effects. watchfloor gives no legal advice:
//! the rules are data ([`RuleSet`]) a deployment's counsel signs.

pub mod activity;
pub mod apply_file;
pub mod area;
pub mod assignment;
pub mod authority;
pub mod boards;
pub mod cases;
pub mod classify;
pub mod command;
pub mod decide;
pub mod duty;
pub mod engine;
pub mod entry;
pub mod field;
pub mod order;
pub mod ruleset;
pub mod suspense;
pub mod task;
pub mod timeline;
pub mod unit;
pub mod view;
pub mod when;

pub use activity::Activity;
pub use area::Area;
pub use assignment::{Assignment, ElementDecision};
pub use authority::{Authority, AuthorityKind, Condition};
pub use classify::{Affiliation, Classification};
pub use command::{Actor, Answer, Command, OpsError, Role};
pub use decide::Outcome;
pub use duty::{DutyKind, DutyStatus};
pub use engine::{Ops, OpsConfig};
pub use entry::{Applied, Effect, Entry};
pub use ruleset::RuleSet;
pub use task::{Task, TaskStatus};
pub use unit::Unit;
pub use when::Window;

#[cfg(test)]
mod tests;
