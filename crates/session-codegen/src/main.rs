//! `cargo run -p session-codegen [-- --check]`: regenerates `crates/services-*/src/generated/`
//! from `models/`, formatted with rustfmt. With `--check`, writes nothing and fails when the
//! committed code differs from what the models give (CI runs this).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use session_codegen::model::{Model, Paginators};
use session_codegen::{generate, ServiceConfig};

/// (model folder, crate folder, client type) of each generated service.
const SERVICES: &[(&str, &str, &str)] = &[
    ("dynamodb", "services-dynamodb", "DynamoDbClient"),
    ("sqs", "services-sqs", "SqsClient"),
];

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stale = Vec::new();
    for (model_dir, crate_dir, client) in SERVICES {
        match run_one(&root, model_dir, crate_dir, client, check) {
            Ok(changed) => stale.extend(changed),
            Err(e) => {
                eprintln!("session-codegen: {model_dir}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if check && !stale.is_empty() {
        eprintln!(
            "session-codegen: generated code is out of date (run `just codegen`):\n  {}",
            stale.join("\n  ")
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn run_one(
    root: &Path,
    model_dir: &str,
    crate_dir: &str,
    client: &str,
    check: bool,
) -> Result<Vec<String>, String> {
    let models = root.join("models").join(model_dir);
    let model: Model = read_json(&models.join("service-2.json"))?;
    let paginators_path = models.join("paginators-1.json");
    let paginators: Paginators = if paginators_path.exists() {
        read_json(&paginators_path)?
    } else {
        Paginators::default()
    };
    let config = ServiceConfig {
        client_type: client.to_owned(),
        source: format!("models/{model_dir}/service-2.json"),
    };
    let generated = generate(&model, &paginators, &config)?;
    let out_dir = root.join("crates").join(crate_dir).join("src/generated");
    let mut stale = Vec::new();
    for (file, text) in [
        ("mod.rs", &generated.module),
        ("types.rs", &generated.types),
        ("operations.rs", &generated.operations),
    ] {
        let formatted = rustfmt(text)?;
        let path = out_dir.join(file);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != formatted {
            if check {
                stale.push(display(&path));
            } else {
                std::fs::create_dir_all(&out_dir)
                    .map_err(|e| format!("{}: {e}", display(&out_dir)))?;
                std::fs::write(&path, formatted).map_err(|e| format!("{}: {e}", display(&path)))?;
            }
        }
    }
    if !check {
        let counts: Vec<String> = generated
            .counts
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        // The summary goes to stderr with the diagnostics; stdout stays empty.
        eprintln!("{model_dir}: {}", counts.join(", "));
        for s in &generated.skipped {
            eprintln!("  left out: {s}");
        }
    }
    Ok(stale)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", display(path)))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", display(path)))
}

fn rustfmt(text: &str) -> Result<String, String> {
    use std::io::Write as _;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt has no stdin")?
        .write_all(text.as_bytes())
        .map_err(|e| format!("rustfmt: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt rejected the generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output: {e}"))
}

fn display(p: &Path) -> String {
    PathBuf::from(p).display().to_string()
}
