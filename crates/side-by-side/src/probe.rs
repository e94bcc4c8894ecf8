//! Asks the canned server how many requests of each kind it has seen, over a connection of
//! its own (plain blocking I/O, outside every timed loop), so "one request per call" is the
//! server's word, not the contender's.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use crate::server::{COUNT_PATH, KINDS};

/// Requests seen so far, by kind ([`KINDS`] order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts(pub(crate) [u64; 5]);

impl Counts {
    /// The server's counts now.
    ///
    /// # Errors
    /// The server cannot be reached or answers something else.
    pub(crate) fn fetch(port: u16) -> Result<Self, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .map_err(|e| format!("count probe: connect: {e}"))?;
        write!(
            stream,
            "GET {COUNT_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n"
        )
        .map_err(|e| format!("count probe: write: {e}"))?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| format!("count probe: read: {e}"))?;
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body)
            .ok_or_else(|| format!("count probe: no body in {answer:?}"))?;
        let mut counts = [0; 5];
        let mut fields = body.split_whitespace();
        for slot in &mut counts {
            *slot = fields
                .next()
                .and_then(|f| f.parse().ok())
                .ok_or_else(|| format!("count probe: bad answer {body:?}"))?;
        }
        Ok(Self(counts))
    }

    /// Requests of each kind between `self` (earlier) and `later`.
    pub(crate) fn since(self, later: Self) -> Self {
        let mut d = [0; 5];
        for (i, slot) in d.iter_mut().enumerate() {
            *slot = later.0[i].saturating_sub(self.0[i]);
        }
        Self(d)
    }

    /// Checks that exactly `calls` requests of `kind` and none of any other kind arrived.
    ///
    /// # Errors
    /// Says what the server saw instead.
    pub(crate) fn expect(self, kind: &str, calls: u64) -> Result<(), String> {
        let want: [u64; 5] = std::array::from_fn(|i| if KINDS[i] == kind { calls } else { 0 });
        if self.0 == want {
            Ok(())
        } else {
            let seen: Vec<String> = KINDS
                .iter()
                .zip(self.0)
                .map(|(k, n)| format!("{k}={n}"))
                .collect();
            Err(format!(
                "{calls} {kind} calls, but the server saw {}",
                seen.join(" ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn one_request_per_call_or_a_clear_mismatch() {
        let before = Counts([1, 2, 3, 4, 0]);
        let after = Counts([1, 12, 3, 4, 0]);
        assert_eq!(before.since(after).expect("get", 10), Ok(()));
        let err = before.since(after).expect("get", 9).unwrap_err();
        assert!(
            err.contains("9 get calls") && err.contains("get=10"),
            "{err}"
        );
        let stray = before.since(Counts([1, 12, 3, 4, 1]));
        assert!(stray.expect("get", 10).unwrap_err().contains("other=1"));
    }
}
