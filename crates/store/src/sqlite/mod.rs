//! The SQLite implementations of the aggregates' traits, one module each,
//! each on its own file.

mod history;
mod packages;

pub use history::SqliteHistory;
pub use packages::SqlitePackages;
