//! SigV4 timestamps (`YYYYMMDD'T'HHMMSS'Z'`, UTC) without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::SigningError;

/// A formatted SigV4 timestamp, kept on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmzDate {
    buf: [u8; 16],
}

/// Seconds from 1970-01-01 to 10000-01-01: SigV4 dates have four-digit years.
const MAX_SECS: u64 = 253_402_300_800;

impl AmzDate {
    pub(crate) fn from_system_time(time: SystemTime) -> Result<Self, SigningError> {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| SigningError::time("signing time is before 1970-01-01"))?
            .as_secs();
        if secs >= MAX_SECS {
            return Err(SigningError::time("signing time is after year 9999"));
        }
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        let mut buf = *b"00000000T000000Z";
        put_digits(&mut buf[0..4], year);
        put_digits(&mut buf[4..6], month);
        put_digits(&mut buf[6..8], day);
        put_digits(&mut buf[9..11], rem / 3600);
        put_digits(&mut buf[11..13], rem % 3600 / 60);
        put_digits(&mut buf[13..15], rem % 60);
        Ok(Self { buf })
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`.
    pub(crate) fn timestamp(&self) -> &str {
        // Only ASCII digits, 'T' and 'Z' are ever written.
        std::str::from_utf8(&self.buf).unwrap_or("")
    }

    /// `YYYYMMDD`, the credential-scope date.
    pub(crate) fn date(&self) -> &str {
        std::str::from_utf8(&self.buf[..8]).unwrap_or("")
    }

    pub(crate) fn date_bytes(self) -> [u8; 8] {
        let mut d = [0u8; 8];
        d.copy_from_slice(&self.buf[..8]);
        d
    }
}

fn put_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); valid for any
/// non-negative day count (Howard Hinnant's `civil_from_days`, unsigned form).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

impl std::fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        AmzDate::from_system_time(UNIX_EPOCH + Duration::from_secs(secs))
            .unwrap()
            .timestamp()
            .to_owned()
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(0), "19700101T000000Z");
        assert_eq!(at(1_440_938_160), "20150830T123600Z");
        assert_eq!(at(951_782_400), "20000229T000000Z");
        assert_eq!(at(1_620_747_645), "20210511T154045Z");
        assert_eq!(at(MAX_SECS - 1), "99991231T235959Z");
    }

    #[test]
    fn rejects_out_of_range() {
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert!(AmzDate::from_system_time(before)
            .unwrap_err()
            .is_invalid_time());
        let after = UNIX_EPOCH + Duration::from_secs(MAX_SECS);
        assert!(AmzDate::from_system_time(after)
            .unwrap_err()
            .is_invalid_time());
    }
}
