//! Receive side: splits a streaming CoT byte stream into events and reads the
//! benchmark mark back out of each.
//!
//! This is deliberately not a full XML parser. At a million deliveries a
//! second the generator shares two cores with the server it measures, so the
//! per-event work is one SIMD substring search for `</event>` and, for
//! events that carry one, a short reverse search for `<wfbench`.

use std::sync::LazyLock;

use memchr::memmem::{Finder, FinderRev};

use crate::sa::Mark;

// Built once: building a searcher costs about as much as running it over
// one event, and this runs a million times a second.
static CLOSE_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(CLOSE));
static MARK_FINDER: LazyLock<FinderRev<'static>> = LazyLock::new(|| FinderRev::new(b"<wfbench "));

/// The receive buffer outgrew its bound without a complete event in it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("incoming event larger than {max} bytes")]
pub struct Oversize {
    /// The bound, bytes.
    pub max: usize,
}

const CLOSE: &[u8] = b"</event>";

/// Incremental `</event>` splitter over one connection's bytes.
#[derive(Debug)]
pub struct Splitter {
    buf: Vec<u8>,
    /// First byte not yet handed out as part of an event.
    start: usize,
    /// End of the received bytes.
    end: usize,
    /// Where the next search for `</event>` may begin (everything between
    /// `start` and here is known not to contain a full closer).
    searched: usize,
    max: usize,
}

impl Splitter {
    /// A splitter with `initial` bytes of buffer that may grow to `max`
    /// bytes when one event does not fit.
    pub fn new(initial: usize, max: usize) -> Self {
        let initial = initial.clamp(CLOSE.len(), max.max(CLOSE.len()));
        Splitter {
            buf: vec![0; initial],
            start: 0,
            end: 0,
            searched: 0,
            max: max.max(initial),
        }
    }

    /// Free space to read into; pass the count read to [`Splitter::commit`].
    pub fn spare(&mut self) -> Result<&mut [u8], Oversize> {
        if self.end == self.buf.len() {
            if self.start > 0 {
                // Move the partial event to the front rather than growing:
                // most of the buffer is consumed events.
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.searched -= self.start;
                self.start = 0;
            } else if self.buf.len() < self.max {
                let grown = (self.buf.len() * 2).min(self.max);
                self.buf.resize(grown, 0);
            } else {
                return Err(Oversize { max: self.max });
            }
        }
        Ok(&mut self.buf[self.end..])
    }

    /// Records that `n` bytes were read into the slice from [`Splitter::spare`].
    pub fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// The next complete event (from the first byte after the previous one
    /// through its `</event>`), if one has arrived.
    pub fn next_event(&mut self) -> Option<&[u8]> {
        let window = self.buf.get(self.searched..self.end)?;
        match CLOSE_FINDER.find(window) {
            Some(at) => {
                let stop = self.searched + at + CLOSE.len();
                let event = self.buf.get(self.start..stop)?;
                self.start = stop;
                self.searched = stop;
                Some(event)
            }
            None => {
                // A closer split across reads may already have its first
                // bytes here; search those again next time.
                self.searched = self.end.saturating_sub(CLOSE.len() - 1).max(self.start);
                None
            }
        }
    }

    /// Bytes received but not yet part of a complete event.
    pub fn pending(&self) -> usize {
        self.end - self.start
    }
}

/// The `<wfbench>` mark of an event, if it has a well-formed one.
pub fn read_mark(event: &[u8]) -> Option<Mark> {
    let at = MARK_FINDER.rfind(event)?;
    let tail = event.get(at..)?;
    let elem = tail.get(..memchr::memchr(b'>', tail)?)?;
    let (mut t, mut c, mut s, mut m) = (None, None, None, None);
    // The values are bare digits, so splitting on spaces yields whole
    // `name="value"` tokens; cheaper than one substring search per name.
    for token in elem.split(|&b| b == b' ') {
        let Some((name, value)) = attr(token) else {
            continue;
        };
        match name {
            b"t" => t = Some(value),
            b"c" => c = Some(value),
            b"s" => s = Some(value),
            b"m" => m = Some(value),
            _ => {}
        }
    }
    Some(Mark {
        sent_us: digits(t?)?,
        client: u32::try_from(digits(c?)?).ok()?,
        seq: digits(s?)?,
        measured: m? == b"1",
    })
}

/// Splits `name="value"` (either quote style) into name and value.
fn attr(token: &[u8]) -> Option<(&[u8], &[u8])> {
    let eq = memchr::memchr(b'=', token)?;
    let (name, quoted) = (token.get(..eq)?, token.get(eq + 1..)?);
    let (&quote, rest) = quoted.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    Some((name, rest.get(..memchr::memchr(quote, rest)?)?))
}

fn digits(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(s: &mut Splitter, bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let spare = s.spare().unwrap();
            let n = spare.len().min(rest.len());
            spare[..n].copy_from_slice(&rest[..n]);
            s.commit(n);
            rest = &rest[n..];
            while let Some(e) = s.next_event() {
                out.push(e.to_vec());
            }
        }
        out
    }

    #[test]
    fn splits_back_to_back_events_with_noise_between() {
        let mut s = Splitter::new(64, 1024);
        let got = feed(
            &mut s,
            b"<event a='1'/></event>\n<?xml version='1.0'?><event>x</event><ev",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], b"<event a='1'/></event>");
        assert_eq!(got[1], b"\n<?xml version='1.0'?><event>x</event>");
        assert_eq!(s.pending(), 3);
    }

    #[test]
    fn closer_split_at_every_position() {
        let stream = b"<event>abc</event><event>defg</event>";
        for cut in 0..stream.len() {
            let mut s = Splitter::new(16, 256);
            let mut got = feed(&mut s, &stream[..cut]);
            got.extend(feed(&mut s, &stream[cut..]));
            assert_eq!(
                got,
                vec![
                    b"<event>abc</event>".to_vec(),
                    b"<event>defg</event>".to_vec()
                ],
                "cut {cut}"
            );
            assert_eq!(s.pending(), 0);
        }
    }

    #[test]
    fn grows_for_a_big_event_then_refuses_past_max() {
        let mut s = Splitter::new(16, 64);
        let mut big = b"<event>".to_vec();
        big.extend(std::iter::repeat_n(b'x', 40));
        big.extend_from_slice(b"</event>");
        assert_eq!(feed(&mut s, &big), vec![big.clone()]);

        let mut s = Splitter::new(16, 64);
        let junk = [b'y'; 64];
        let spare = s.spare().unwrap();
        let n = spare.len();
        spare.copy_from_slice(&junk[..n]);
        s.commit(n);
        let mut total = n;
        while total < 64 {
            assert!(s.next_event().is_none());
            let spare = s.spare().unwrap();
            let n = spare.len();
            s.commit(n);
            total += n;
        }
        assert!(s.next_event().is_none());
        assert_eq!(s.spare().unwrap_err(), Oversize { max: 64 });
    }

    #[test]
    fn mark_parses_both_quote_styles_and_rejects_junk() {
        let ev = b"<event><detail><wfbench t='123' c='4' s='5' m='1'/></detail></event>";
        assert_eq!(
            read_mark(ev),
            Some(Mark {
                sent_us: 123,
                client: 4,
                seq: 5,
                measured: true
            })
        );
        let ev =
            b"<event><detail><wfbench c=\"4\" m=\"0\" t=\"9\" s=\"0\"></wfbench></detail></event>";
        assert_eq!(
            read_mark(ev),
            Some(Mark {
                sent_us: 9,
                client: 4,
                seq: 0,
                measured: false
            })
        );
        for bad in [
            &b"<event type='t-x-c-t-r'/></event>"[..],
            b"<event><wfbench t='1x' c='4' s='5' m='1'/></event>",
            b"<event><wfbench t='' c='4' s='5' m='1'/></event>",
            b"<event><wfbench t=1 c='4' s='5' m='1'/></event>",
            b"<event><wfbench t='99999999999999999999' c='4' s='5' m='1'/></event>",
            b"<event><wfbench t='1' c='99999999999' s='5' m='1'/></event>",
            b"<event><wfbench t='1' c='4' s='5' m='1'",
        ] {
            assert_eq!(read_mark(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }
}
