//! The options of `cp` and `sync`.

use session_transfer::ChecksumAlgorithm;

use super::location::Location;

pub(crate) const USAGE: &str = "\
usage: session cp SRC DST [options]      copy a file or object (s3://bucket/key or a path)
       session sync SRC DST [options]    copy what differs between a directory and a prefix

options:
  --recursive, -r     (cp) copy a directory or every object under a prefix
  --part-size N       part and range size, e.g. 16MiB (default 8MiB)
  --concurrency N     requests at once (default 10)
  --checksum ALG      CRC64NVME (default), CRC32, CRC32C, SHA1, SHA256
  --resume FILE       (cp, one file) keep a checkpoint in FILE; if FILE exists, continue from it
  --include GLOB      only paths matching GLOB (repeatable)
  --exclude GLOB      skip paths matching GLOB (repeatable)
  --compare MODE      (sync) size-mtime (default) or checksum
  --dry-run           (sync) print what would be copied, copy nothing
  --profile P         the session's profile
  --quiet, -q         no progress output";

#[derive(Debug, Default)]
pub(crate) struct TransferArgs {
    pub(crate) src: Option<Location>,
    pub(crate) dst: Option<Location>,
    pub(crate) recursive: bool,
    pub(crate) part_size: Option<u64>,
    pub(crate) concurrency: Option<usize>,
    pub(crate) checksum: Option<ChecksumAlgorithm>,
    pub(crate) resume: Option<std::path::PathBuf>,
    pub(crate) include: Vec<String>,
    pub(crate) exclude: Vec<String>,
    pub(crate) compare_checksum: bool,
    pub(crate) dry_run: bool,
    pub(crate) profile: Option<String>,
    pub(crate) quiet: bool,
}

/// `16MiB`, `5GB`, `1024` (bytes).
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 16MiB)"))?;
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (KiB, MiB, GiB)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?} is too large"))
}

impl TransferArgs {
    pub(crate) fn parse(command: &str, argv: Vec<String>) -> Result<Self, String> {
        let mut a = Self::default();
        let mut it = argv.into_iter();
        let mut positional = Vec::new();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--recursive" | "-r" => a.recursive = true,
                "--part-size" => a.part_size = Some(parse_size(&value("--part-size")?)?),
                "--concurrency" => {
                    let v = value("--concurrency")?;
                    a.concurrency = Some(
                        v.parse()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| format!("--concurrency {v:?}: a positive number"))?,
                    );
                }
                "--checksum" => {
                    let v = value("--checksum")?;
                    a.checksum = Some(ChecksumAlgorithm::from_name(&v).ok_or_else(|| {
                        format!("--checksum {v:?}: one of CRC64NVME, CRC32, CRC32C, SHA1, SHA256")
                    })?);
                }
                "--resume" => a.resume = Some(value("--resume")?.into()),
                "--include" => a.include.push(value("--include")?),
                "--exclude" => a.exclude.push(value("--exclude")?),
                "--compare" => match value("--compare")?.as_str() {
                    "size-mtime" => a.compare_checksum = false,
                    "checksum" => a.compare_checksum = true,
                    other => return Err(format!("--compare {other:?}: size-mtime or checksum")),
                },
                "--dry-run" => a.dry_run = true,
                "--profile" => a.profile = Some(value("--profile")?),
                "--quiet" | "-q" => a.quiet = true,
                s if s.starts_with('-') && s.len() > 1 => {
                    return Err(format!("unknown option {s}"))
                }
                _ => positional.push(arg),
            }
        }
        let [src, dst] = <[String; 2]>::try_from(positional)
            .map_err(|p| format!("{command} takes SRC and DST, got {} arguments", p.len()))?;
        a.src = Some(Location::parse(&src)?);
        a.dst = Some(Location::parse(&dst)?);
        if command == "sync" && (a.resume.is_some() || a.recursive) {
            return Err("sync is always recursive and takes no --resume".into());
        }
        if command == "cp" && (a.dry_run || a.compare_checksum) {
            return Err("--dry-run and --compare are sync's".into());
        }
        if a.resume.is_some() && a.recursive {
            return Err("--resume is for one file, not --recursive".into());
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(cmd: &str, args: &[&str]) -> Result<TransferArgs, String> {
        TransferArgs::parse(cmd, args.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn options() {
        let a = parse(
            "cp",
            &[
                "a.bin",
                "s3://b/k",
                "--part-size",
                "16MiB",
                "--concurrency",
                "4",
                "--checksum",
                "crc32c",
            ],
        )
        .unwrap();
        assert_eq!(a.part_size, Some(16 << 20));
        assert_eq!(a.concurrency, Some(4));
        assert_eq!(a.checksum, Some(ChecksumAlgorithm::Crc32c));
        assert!(parse("cp", &["a"]).unwrap_err().contains("SRC and DST"));
        assert!(parse("cp", &["a", "b", "--bogus"])
            .unwrap_err()
            .contains("--bogus"));
        assert!(parse("cp", &["a", "b", "--part-size", "12XB"]).is_err());
        assert!(parse("sync", &["a", "b", "--resume", "f"]).is_err());
        assert!(parse("cp", &["a", "b", "--dry-run"]).is_err());
        assert!(
            parse(
                "sync",
                &["d", "s3://b/p", "--dry-run", "--compare", "checksum"]
            )
            .unwrap()
            .compare_checksum
        );
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("5GB").unwrap(), 5 << 30);
    }
}
