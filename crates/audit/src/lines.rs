//! Reading newline-terminated lines with a length cap, so a file with no newline (or a
//! hostile one) never makes an ever-growing buffer.

use std::io::{self, BufRead, Read as _};

use crate::record::MAX_LINE;

/// One step of a [`LineReader`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next<'a> {
    /// A complete line, without its newline.
    Line {
        /// The bytes.
        bytes: &'a [u8],
        /// Its number, from 1.
        no: usize,
        /// Byte offset where it starts.
        start: u64,
    },
    /// Bytes at the end of the input with no newline after them: a torn write.
    Torn {
        /// Its line number, from 1.
        no: usize,
        /// Byte offset where it starts.
        start: u64,
        /// How many bytes it has.
        len: u64,
    },
    /// A line longer than the cap; reading stops here.
    TooLong {
        /// Its line number, from 1.
        no: usize,
    },
    /// End of input.
    End,
}

/// Lines of a reader, numbered from 1, with the byte offset where each starts.
pub(crate) struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    line_no: usize,
    next_start: u64,
    cap: usize,
}

impl<R: BufRead> LineReader<R> {
    /// Lines capped at [`MAX_LINE`] bytes.
    pub(crate) fn new(inner: R) -> Self {
        Self::with_cap(inner, MAX_LINE)
    }

    /// Lines capped at `cap` bytes (newline excluded).
    pub(crate) fn with_cap(inner: R, cap: usize) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(1024),
            line_no: 0,
            next_start: 0,
            cap,
        }
    }

    /// Number of the last line returned (from 1; 0 before the first).
    pub(crate) fn line_no(&self) -> usize {
        self.line_no
    }

    /// Reads the next line.
    pub(crate) fn next_line(&mut self) -> io::Result<Next<'_>> {
        self.buf.clear();
        let limit = self.cap as u64 + 1;
        let n = (&mut self.inner)
            .take(limit + 1)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(Next::End);
        }
        self.line_no += 1;
        let (no, start) = (self.line_no, self.next_start);
        self.next_start += n as u64;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.len() > self.cap {
                return Ok(Next::TooLong { no });
            }
            return Ok(Next::Line {
                bytes: &self.buf,
                no,
                start,
            });
        }
        if n as u64 > limit {
            return Ok(Next::TooLong { no });
        }
        // `take` stopped short of the cap without a newline: this is the end of input.
        Ok(Next::Torn {
            no,
            start,
            len: n as u64,
        })
    }
}
