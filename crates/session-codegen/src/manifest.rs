//! A service crate's manifest (`service.toml`): which model it is generated from and what
//! its hand-written `customize` module takes over. The generator finds every crate that has
//! one, so adding a service is adding `models/<svc>/`, a crate folder with a manifest and,
//! optionally, a `customize` module.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What `crates/<crate>/service.toml` says.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The model folder under `models/`, e.g. `sqs` (botocore's service name).
    pub model: String,
    /// The client type, e.g. `SqsClient`.
    pub client: String,
    /// The marker type for `session.client::<Marker>()`, e.g. `Sqs`.
    pub marker: String,
    /// Operations whose output passes through a hand-written check before `send` returns:
    /// `crate::customize::<operation in snake case>(&input, output)`.
    #[serde(default)]
    pub customized: Vec<String>,
    /// The protocol to speak, by botocore's name, when not the model's first choice (one
    /// of the model's `protocols`): CloudWatch lists `smithy-rpc-v2-cbor` first, which the
    /// typed path does not write yet, then `json` and `query`.
    #[serde(default)]
    pub protocol: Option<String>,
}

/// A manifest and where it was found.
#[derive(Debug, Clone)]
pub struct ServiceCrate {
    /// The crate's folder name, e.g. `services-sqs`.
    pub dir: String,
    /// The crate's folder.
    pub path: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

/// Every crate under `crates/` with a `service.toml`, sorted by folder name.
///
/// # Errors
/// An unreadable folder or a manifest that does not parse (file and reason named).
pub fn discover(crates: &Path) -> Result<Vec<ServiceCrate>, String> {
    let entries = std::fs::read_dir(crates).map_err(|e| format!("{}: {e}", crates.display()))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", crates.display()))?;
        let file = entry.path().join("service.toml");
        if !file.is_file() {
            continue;
        }
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let manifest: Manifest =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        found.push(ServiceCrate {
            dir: entry.file_name().to_string_lossy().into_owned(),
            path: entry.path(),
            manifest,
        });
    }
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_parse_and_unknown_keys_are_refused() {
        let m: Manifest = toml::from_str(
            "model = \"sqs\"\nclient = \"SqsClient\"\nmarker = \"Sqs\"\ncustomized = [\"SendMessage\"]\n",
        )
        .unwrap();
        assert_eq!(m.customized, ["SendMessage"]);
        let e = toml::from_str::<Manifest>(
            "model = \"sqs\"\nclient = \"C\"\nmarker = \"M\"\nclinet = 1\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("clinet"), "{e}");
    }
}
