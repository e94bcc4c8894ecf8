//! A sink for log output, for tests that read what was logged (that a warning was given,
//! that no secret appears).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Keeps everything written to it; clones share the buffer. Hand a clone to
/// `tracing_subscriber::fmt().with_writer(move || capture.clone())`, then read
/// [`text`](Self::text).
#[derive(Clone, Debug, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// What was written so far (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
