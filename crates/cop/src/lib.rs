//! The web common operating picture, without IO: what browsers are shown
//! and what they may ask for. The server's feed and session tasks own the
//! sockets; everything that decides lives here, so the roster, task,
//! suspense and flow panels that come next are written beside it.
//!
//! The contract:
//! - [`hub::Hub`] is a browser-shaped picture, fed every event the router
//!   accepted with the groups it was shared with ([`hub::Hub::ingest`]) and
//!   clients leaving ([`hub::Hub::gone`]); `now` is always an argument
//!   ([`hub::Hub::sweep`], [`hub::Hub::take_batch`], [`hub::Hub::snapshot`]).
//!   It is bounded (objects, chat lines, alerts), and every batch it hands
//!   out is numbered, so a snapshot plus the deltas after it equal the
//!   picture.
//! - A [`hub::Viewer`] sees exactly what its `picture::Identity` may see,
//!   by the one visibility rule; chat rooms narrow that further.
//! - [`view`] gives the JSON shapes of `web/PROTOCOL.md`; [`command`]
//!   turns a browser's frame into a typed command or a refusal (never a
//!   panic) and builds the CoT a command sends; [`replay`] shapes stored
//!   history like live objects; [`sensors`] shapes the configured sensors
//!   (site, coverage, status) and the alert of one falling silent;
//!   [`events`] is the day's log of what happened on the picture;
//!   [`shape`] reads TAK drawings for the map and builds the web's own.

pub mod command;
pub mod events;
pub mod hub;
pub mod replay;
pub mod sensors;
pub mod shape;
pub mod view;
