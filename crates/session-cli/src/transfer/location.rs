//! `s3://bucket/key` or a local path.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    S3 { bucket: String, key: String },
    Local(PathBuf),
}

impl Location {
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        match s.strip_prefix("s3://") {
            Some(rest) => {
                let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(format!("{s:?}: no bucket (s3://bucket/key)"));
                }
                Ok(Self::S3 {
                    bucket: bucket.to_owned(),
                    key: key.to_owned(),
                })
            }
            None if s.is_empty() => Err("an empty path".into()),
            None => Ok(Self::Local(PathBuf::from(s))),
        }
    }

    pub(crate) fn show(&self) -> String {
        match self {
            Self::S3 { bucket, key } => format!("s3://{bucket}/{key}"),
            Self::Local(p) => p.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(
            Location::parse("s3://b/a b/c+d").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                key: "a b/c+d".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                key: String::new()
            }
        );
        assert!(Location::parse("s3:///k").is_err());
        assert_eq!(
            Location::parse("./x").unwrap(),
            Location::Local("./x".into())
        );
    }
}
