//! Checks on values given directly to a client builder (session values were checked when the
//! session was built).

use crate::error::{Error, Kind};

/// A region must be a valid host label, so it cannot redirect a request or inject headers.
pub(crate) fn check_region(region: &str) -> Result<&str, Error> {
    if session_core::settings::is_valid_region(region) {
        Ok(region)
    } else {
        Err(Error::with(
            Kind::Build,
            "invalid region: only letters, digits and '-' are allowed",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_hostile_regions() {
        assert!(check_region("us-east-1").is_ok());
        for bad in ["us-east-1.evil.com", "us-east-1\r\nx: y", "", "a/b", "-x"] {
            assert!(check_region(bad).is_err(), "{bad:?}");
        }
    }
}
