//! The watchfloor binary.
fn main() {}
