//! A bounded line deframer shared by the text feeds (SBS-1, detection JSON lines):
//! a peer that never sends a newline costs at most `max_line` bytes of memory.

/// Why a line was dropped by [`LineDeframer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The line exceeded the maximum length; it is discarded up to its newline.
    #[error("line longer than {max} bytes")]
    TooLong {
        /// The maximum, bytes.
        max: usize,
    },
    /// The line is not valid UTF-8.
    #[error("line is not utf-8")]
    NotUtf8,
}

/// Streaming splitter of `\n` or `\r\n` terminated lines. Empty lines are skipped.
#[derive(Debug, Clone)]
pub struct LineDeframer {
    buf: Vec<u8>,
    max_line: usize,
    /// True after an over-long line: bytes are dropped up to the next newline.
    discarding: bool,
}

impl LineDeframer {
    /// A deframer accepting lines up to `max_line` bytes (without the newline).
    pub fn new(max_line: usize) -> Self {
        Self {
            buf: Vec::new(),
            max_line,
            discarding: false,
        }
    }

    /// Appends bytes received from the feed.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered and not yet returned as a line.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next complete line, `None` when more bytes are needed. An over-long or
    /// non-UTF-8 line is reported once as an error and dropped.
    pub fn next_line(&mut self) -> Option<Result<String, LineError>> {
        loop {
            let Some(end) = self.buf.iter().position(|b| *b == b'\n') else {
                if self.buf.len() > self.max_line {
                    self.buf.clear();
                    let first = !self.discarding;
                    self.discarding = true;
                    if first {
                        return Some(Err(LineError::TooLong { max: self.max_line }));
                    }
                }
                return None;
            };
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            if std::mem::take(&mut self.discarding) {
                continue;
            }
            let line = line.strip_suffix(b"\n").unwrap_or(&line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.len() > self.max_line {
                return Some(Err(LineError::TooLong { max: self.max_line }));
            }
            if line.is_empty() {
                continue;
            }
            return Some(String::from_utf8(line.to_vec()).map_err(|_| LineError::NotUtf8));
        }
    }
}
