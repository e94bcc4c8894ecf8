//! Reused part buffers. Parts are large (8 MiB by default) and short-lived; allocating
//! each afresh lets the allocator keep freed ones around in several arenas (glibc raises
//! its mmap threshold after the first free), and a process held ~2× its memory budget
//! that way. Buffers are handed out as [`Bytes`] whose drop returns them here, so the
//! process keeps about as many as are in use at once (the budget bounds that), already
//! faulted in.

use std::sync::{Arc, Mutex};

use bytes::Bytes;

#[derive(Debug, Default)]
pub(crate) struct BufferPool {
    free: Mutex<Vec<Vec<u8>>>,
    keep: usize,
}

impl BufferPool {
    /// A pool that keeps at most `keep` free buffers.
    pub(crate) fn new(keep: usize) -> Arc<Self> {
        Arc::new(Self {
            free: Mutex::new(Vec::new()),
            keep,
        })
    }

    /// A buffer of exactly `len` initialized bytes (reused when one is big enough).
    pub(crate) fn take(self: &Arc<Self>, len: usize) -> PoolBuf {
        let reused = {
            let mut free = self
                .free
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            free.iter()
                .position(|b| b.len() >= len && b.len() <= len.saturating_mul(2))
                .map(|i| free.swap_remove(i))
        };
        PoolBuf {
            buf: reused.unwrap_or_else(|| vec![0u8; len]),
            len,
            pool: Some(self.clone()),
        }
    }

    fn give(&self, buf: Vec<u8>) {
        let mut free = self
            .free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if free.len() < self.keep {
            free.push(buf);
        }
    }
}

/// A buffer from the pool: its first `len` bytes are the data.
#[derive(Debug)]
pub(crate) struct PoolBuf {
    buf: Vec<u8>,
    len: usize,
    pool: Option<Arc<BufferPool>>,
}

impl PoolBuf {
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }

    /// Frozen into `Bytes`; the buffer returns to the pool when the last clone drops.
    pub(crate) fn freeze(self) -> Bytes {
        Bytes::from_owner(self)
    }
}

impl AsRef<[u8]> for PoolBuf {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for PoolBuf {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            pool.give(std::mem::take(&mut self.buf));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back() {
        let pool = BufferPool::new(2);
        let mut a = pool.take(1000);
        a.as_mut_slice()[0] = 7;
        let ptr = a.as_ref().as_ptr();
        let bytes = a.freeze();
        let clone = bytes.clone();
        drop(bytes);
        assert_eq!(pool.free.lock().unwrap().len(), 0, "a clone still holds it");
        drop(clone);
        let b = pool.take(900);
        assert_eq!(b.as_ref().as_ptr(), ptr, "the same allocation, reused");
        assert_eq!(b.as_ref().len(), 900);
        let big = pool.take(10_000);
        assert_eq!(big.as_ref().len(), 10_000);
    }
}
