//! TAK Protocol Version 1: protobuf messages, stream and mesh framing, and
//! conversion to and from the [`Event`] model.

mod convert;
mod frame;
mod messages;
mod typed;

pub use convert::{event_to_proto, proto_to_event};
pub use frame::{
    decode_mesh, decode_message, encode_mesh, encode_stream, ProtoDeframer, ProtoFrameError, MAGIC,
    MESH_HEADER,
};
pub use messages::{
    Contact, CotEvent, Detail, Group, PrecisionLocation, Status, TakControl, TakMessage, Takv,
    Track,
};

use crate::event::Event;
use crate::xml::XmlError;

/// Why one TAK protocol message could not be turned into an [`Event`].
///
/// The framing is intact when these happen: **drop the message**, count
/// it and keep the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    /// A datagram without the `0xBF 0x01 0xBF` mesh header.
    #[error("not a tak protocol v1 mesh datagram")]
    NotMesh,
    /// The payload is not a valid `TakMessage`.
    #[error("invalid protobuf: {0}")]
    Decode(String),
    /// The message has no `cotEvent` (a bare `takControl`, say).
    #[error("message carries no cot event")]
    NoEvent,
    /// `uid` or `type` is empty.
    #[error("cot event has no {0}")]
    MissingField(&'static str),
    /// `xmlDetail` is not well-formed, or uses a DTD or unknown entity.
    #[error("bad xmlDetail: {0}")]
    XmlDetail(#[source] XmlError),
}

/// `e` as a stream-framed TAK protocol message (`0xBF`, length, payload).
pub fn encode_event_stream(e: &Event) -> Vec<u8> {
    encode_stream(&event_to_proto(e))
}

/// `e` as a mesh datagram (`0xBF 0x01 0xBF`, payload).
pub fn encode_event_mesh(e: &Event) -> Vec<u8> {
    encode_mesh(&event_to_proto(e))
}

/// The event in one stream payload, as yielded by [`ProtoDeframer`].
pub fn decode_event(payload: &[u8]) -> Result<Event, ProtoError> {
    proto_to_event(&decode_message(payload)?)
}

/// The event in one mesh datagram.
pub fn decode_mesh_event(datagram: &[u8]) -> Result<Event, ProtoError> {
    proto_to_event(&decode_mesh(datagram)?)
}
