//! The HTTP seams every subsystem's API is built on:
//!
//! - [`ApiError`]: one error type, answered as one JSON shape
//!   (`{"error": {"status", "code", "message"}}`) with the same status, for
//!   every rejection of every listener, axum's own extractor rejections
//!   included, so a client only has to understand one shape;
//! - [`openapi::Document`]: one OpenAPI 3 document, assembled at start from
//!   the part each subsystem describes (the Marti API, the operator's API,
//!   the web COP's API, and next `/api/ops`, `/api/flows` and the missions),
//!   refusing two parts that describe the same path.
//!
//! Handlers read who is calling from a `picture::Identity` request
//! extension that the listener inserts; this crate does not need to know.

mod error;
pub mod openapi;

pub use error::ApiError;
