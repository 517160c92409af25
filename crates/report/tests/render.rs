//! Rendering tests: both outputs of every block type, hostile text, page
//! breaks, determinism and degenerate documents. One test binary with
//! modules, to keep link time down.

#[path = "render/common.rs"]
mod common;
#[path = "render/edge.rs"]
mod edge;
#[path = "render/hostile.rs"]
mod hostile;
#[path = "render/output.rs"]
mod output;
#[path = "render/paging.rs"]
mod paging;
