//! The SQLite implementations of the aggregates' traits, one module each,
//! each on its own file.

mod history;

pub use history::SqliteHistory;
