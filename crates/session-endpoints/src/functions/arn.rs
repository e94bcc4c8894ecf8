//! `aws.parseArn`.

use std::ops::Range;

/// Where the parts of an ARN (`arn:partition:service:region:account-id:resource`) are, as
/// byte ranges of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnParts {
    pub(crate) partition: Range<usize>,
    pub(crate) service: Range<usize>,
    pub(crate) region: Range<usize>,
    pub(crate) account_id: Range<usize>,
    /// The whole resource part; `resourceId` is it split on `:` and `/`.
    pub(crate) resource: Range<usize>,
}

/// `aws.parseArn(value)`: unset (`None`) unless `value` has six `:`-separated fields
/// starting with `arn`, with non-empty partition, service and resource. Region and
/// account ID may be empty (S3 ARNs have neither); the resource may itself contain `:`.
pub(crate) fn parse_arn(value: &str) -> Option<ArnParts> {
    let mut fields = [0..0, 0..0, 0..0, 0..0, 0..0];
    let mut start = "arn:".len();
    if !value.starts_with("arn:") {
        return None;
    }
    for field in fields.iter_mut().take(4) {
        let len = value.get(start..)?.find(':')?;
        *field = start..start + len;
        start += len + 1;
    }
    fields[4] = start..value.len();
    let [partition, service, region, account_id, resource] = fields;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(ArnParts {
        partition,
        service,
        region,
        account_id,
        resource,
    })
}

/// The `resourceId` list: the resource split on `:` and `/`.
pub(crate) fn resource_ids(resource: &str) -> impl Iterator<Item = &str> {
    resource.split([':', '/'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(value: &str) -> Option<(Vec<&str>, Vec<&str>)> {
        let p = parse_arn(value)?;
        let resource = &value[p.resource.clone()];
        Some((
            vec![
                &value[p.partition],
                &value[p.service],
                &value[p.region],
                &value[p.account_id],
            ],
            resource_ids(resource).collect(),
        ))
    }

    #[test]
    fn parses_arns() {
        assert_eq!(
            fields("arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint"),
            Some((
                vec!["aws", "s3", "us-west-2", "123456789012"],
                vec!["accesspoint", "myendpoint"]
            ))
        );
        assert_eq!(
            fields("arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports"),
            Some((
                vec!["aws", "s3-outposts", "us-west-2", "123456789012"],
                vec!["outpost", "op-01234567890123456", "accesspoint", "reports"]
            ))
        );
        assert_eq!(
            fields("arn:aws:s3:::bucket"),
            Some((vec!["aws", "s3", "", ""], vec!["bucket"]))
        );
        assert_eq!(
            fields("arn:aws:iam::123:role/a:b//c"),
            Some((
                vec!["aws", "iam", "", "123"],
                vec!["role", "a", "b", "", "c"]
            ))
        );
    }

    #[test]
    fn rejects_non_arns() {
        for bad in [
            "",
            "arn",
            "arn:",
            "arn:aws:s3:us-west-2:123456789012",
            "arn:aws:s3:us-west-2:123456789012:",
            "arn::s3:us-west-2:123:res",
            "arn:aws::us-west-2:123:res",
            "ARN:aws:s3:us-west-2:123:res",
            "urn:aws:s3:us-west-2:123:res",
            "bucket-name",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }
}
