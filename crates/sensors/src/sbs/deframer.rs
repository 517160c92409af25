//! The SBS flavour of the bounded line deframer.

use super::{parse_line, SbsError, SbsMessage};
use crate::lines::{LineDeframer, LineError};

/// Streaming deframer for port-30003 feeds: bytes in, parsed messages out.
#[derive(Debug, Clone)]
pub struct SbsDeframer {
    lines: LineDeframer,
}

impl From<LineError> for SbsError {
    fn from(e: LineError) -> Self {
        match e {
            LineError::TooLong { max } => SbsError::LineTooLong { max },
            LineError::NotUtf8 => SbsError::NotUtf8,
        }
    }
}

impl SbsDeframer {
    /// A deframer accepting lines up to `max_line` bytes (without the newline).
    pub fn new(max_line: usize) -> Self {
        Self {
            lines: LineDeframer::new(max_line),
        }
    }

    /// Appends bytes received from the feed.
    pub fn push(&mut self, bytes: &[u8]) {
        self.lines.push(bytes);
    }

    /// Bytes buffered and not yet returned as a line.
    pub fn buffered(&self) -> usize {
        self.lines.buffered()
    }

    /// The next complete line, `None` when more bytes are needed.
    pub fn next_line(&mut self) -> Option<Result<String, SbsError>> {
        self.lines.next_line().map(|l| l.map_err(SbsError::from))
    }

    /// The next parsed message, `None` when more bytes are needed.
    pub fn next_message(&mut self) -> Option<Result<SbsMessage, SbsError>> {
        self.next_line()
            .map(|line| line.and_then(|l| parse_line(&l)))
    }
}
