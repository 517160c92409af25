//! The SQLite implementations of the aggregates' traits, one module each,
//! each on its own file.

mod flows;
mod history;
mod packages;

pub use flows::SqliteFlows;
pub use history::SqliteHistory;
pub use packages::SqlitePackages;
