//! Finding free loopback ports.
//!
//! A port found free can be taken by someone else before the server binds it; callers retry
//! the start when that happens.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{Ipv4Addr, TcpListener};

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice for port 0).
pub(crate) fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// A base port `P` in `low..=high` such that every `P + offset` is free on 127.0.0.1.
///
/// Probes random bases (up to 200), binding all the ports of one base at once.
pub(crate) fn free_port_block(low: u16, high: u16, offsets: &[u16]) -> io::Result<u16> {
    let span = u64::from(high.saturating_sub(low)) + 1;
    for _ in 0..200 {
        let base = low + u16::try_from(random_u64() % span).unwrap_or(0);
        // Hold every port of the block at once; all bound means all free (a moment ago).
        if bind_all(base, offsets).is_ok() {
            return Ok(base);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!("no block of free ports {offsets:?} found above a base in {low}..={high}"),
    ))
}

fn bind_all(base: u16, offsets: &[u16]) -> io::Result<Vec<TcpListener>> {
    offsets
        .iter()
        .map(|off| {
            let port = base
                .checked_add(*off)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "port overflow"))?;
            TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        })
        .collect()
}

/// A random number from the standard library's per-process hash keys (no extra dependency).
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(u64::from(std::process::id()));
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_port_is_bindable() {
        let port = free_port().expect("port");
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("bind again");
    }

    #[test]
    fn block_is_in_range_and_free() {
        let base = free_port_block(20000, 30000, &[0, 1, 2, 10000, 10001]).expect("block");
        assert!((20000..=30000).contains(&base));
        bind_all(base, &[0, 1, 2, 10000, 10001]).expect("bind block");
    }
}
