//! Percent-encoding for query forms, query strings and URI labels (one definition:
//! `session_tower`'s, which SigV4's canonical form agrees with).

/// Everything but RFC 3986's unreserved characters is encoded.
pub(crate) const QUERY: bool = false;
/// As [`QUERY`], but `/` stays (greedy URI labels).
pub(crate) const PATH: bool = true;

/// `s` percent-encoded; `keep_slash` leaves `/` as it is.
pub(crate) fn encode(s: &str, keep_slash: bool) -> String {
    session_tower::protocol::rpc::percent_encode(s, keep_slash)
}
