//! `aws.isVirtualHostableS3Bucket`.

use super::url::is_valid_host_label;

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`: whether a bucket name can be the
/// first label(s) of a virtual-hosted-style host name.
///
/// Without `allow_sub_domains` the name must be one DNS label of 3 to 63 lower-case letters,
/// digits and hyphens that starts and ends with a letter or digit. With it (used over plain
/// HTTP, where the certificate's single-label wildcard does not matter) every dot-separated
/// label must be such a name, and the whole must not look like an IPv4 address.
pub(crate) fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    if !is_valid_host_label(value, allow_sub_domains) {
        return false;
    }
    if allow_sub_domains {
        !looks_like_ipv4(value) && value.split('.').all(is_bucket_label)
    } else {
        is_bucket_label(value)
    }
}

fn is_bucket_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (3..=63).contains(&bytes.len())
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes.iter().all(|b| edge(b) || *b == b'-')
}

/// Four dot-separated runs of digits: S3 refuses such bucket names in host names.
fn looks_like_ipv4(value: &str) -> bool {
    let mut count = 0;
    for part in value.split('.') {
        count += 1;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    count == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_label_buckets() {
        assert!(is_virtual_hostable_s3_bucket("bucket", false));
        assert!(is_virtual_hostable_s3_bucket("my-bucket-123", false));
        assert!(is_virtual_hostable_s3_bucket("abc", false));
        assert!(is_virtual_hostable_s3_bucket("a--b", false));
        assert!(is_virtual_hostable_s3_bucket(&"a".repeat(63), false));
        assert!(!is_virtual_hostable_s3_bucket(&"a".repeat(64), false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false), "too short");
        assert!(
            !is_virtual_hostable_s3_bucket("Bucket", false),
            "upper case"
        );
        assert!(
            !is_virtual_hostable_s3_bucket("bucket-", false),
            "ends with hyphen"
        );
        assert!(!is_virtual_hostable_s3_bucket("-bucket", false));
        assert!(
            !is_virtual_hostable_s3_bucket("bucket.name", false),
            "dots need subdomains"
        );
        assert!(!is_virtual_hostable_s3_bucket("bucket_name", false));
        assert!(!is_virtual_hostable_s3_bucket("", false));
    }

    #[test]
    fn dotted_buckets() {
        assert!(is_virtual_hostable_s3_bucket("bucket.name", true));
        assert!(is_virtual_hostable_s3_bucket("abc.def.ghi", true));
        assert!(
            !is_virtual_hostable_s3_bucket("a.b", true),
            "labels too short"
        );
        assert!(!is_virtual_hostable_s3_bucket("bucket..name", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket-.name", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket.-name", true));
        assert!(
            !is_virtual_hostable_s3_bucket("192.168.5.4", true),
            "IPv4 shape"
        );
        assert!(!is_virtual_hostable_s3_bucket("bucket.Name", true));
    }
}
