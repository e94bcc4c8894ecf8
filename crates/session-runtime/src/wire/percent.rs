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

/// `s` as an `application/x-www-form-urlencoded` body encodes it: as [`encode`] with
/// [`QUERY`], but a space is `+`, as botocore sends it (a server that re-encodes the parsed
/// form to check the signature, as moto does, then gets the same bytes).
pub(crate) fn encode_form(s: &str) -> String {
    if !s.contains(' ') {
        return encode(s, QUERY);
    }
    s.split(' ')
        .map(|part| encode(part, QUERY))
        .collect::<Vec<_>>()
        .join("+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_encode_spaces_as_plus_and_a_literal_plus_as_percent_2b() {
        assert_eq!(encode_form("a b+c ✓"), "a+b%2Bc+%E2%9C%93");
        assert_eq!(encode_form("plain"), "plain");
        assert_eq!(encode_form(" "), "+");
    }
}
