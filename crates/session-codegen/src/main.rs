//! `cargo run -p session-codegen [-- --check]`: regenerates `crates/services-*/src/generated/`
//! from `models/`, formatted with rustfmt. With `--check`, writes nothing and fails when the
//! committed code differs from what the models give (CI runs this).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use std::fmt::Write as _;

use session_codegen::manifest::{discover, ServiceCrate};
use session_codegen::model::{Model, Paginators};
use session_codegen::protocol_tests::{generate_tests, Direction, Ignore};
use session_codegen::scaffold;
use session_codegen::waiters::{render_waiters, Waiters};
use session_codegen::{generate, ServiceConfig};

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stale = Vec::new();
    let crates = match discover(&root.join("crates")) {
        Ok(crates) => crates,
        Err(e) => {
            eprintln!("session-codegen: {e}");
            return ExitCode::FAILURE;
        }
    };
    for service in &crates {
        match run_one(&root, service, check) {
            Ok(changed) => stale.extend(changed),
            Err(e) => {
                eprintln!("session-codegen: {}: {e}", service.dir);
                return ExitCode::FAILURE;
            }
        }
    }
    match protocol_tests(&root, check) {
        Ok(changed) => stale.extend(changed),
        Err(e) => {
            eprintln!("session-codegen: protocol tests: {e}");
            return ExitCode::FAILURE;
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

fn run_one(root: &Path, service: &ServiceCrate, check: bool) -> Result<Vec<String>, String> {
    let manifest = &service.manifest;
    let model_dir = manifest.model.as_str();
    let client = manifest.client.as_str();
    let models = root.join("models").join(model_dir);
    let model_path = models.join("service-2.json");
    let model_json = std::fs::read_to_string(&model_path)
        .map_err(|e| format!("{}: {e}", display(&model_path)))?;
    let model: Model =
        serde_json::from_str(&model_json).map_err(|e| format!("{}: {e}", display(&model_path)))?;
    let paginators_path = models.join("paginators-1.json");
    let paginators: Paginators = if paginators_path.exists() {
        read_json(&paginators_path)?
    } else {
        Paginators::default()
    };
    // Waiters: their own file, and a module line, only for models that have any.
    let waiters_path = models.join("waiters-2.json");
    let waiters_model: Option<Waiters> = if waiters_path.exists() {
        Some(read_json(&waiters_path)?)
    } else {
        None
    };
    // Resources: boto3's resource model, where the service has one.
    let resources_path = models.join("resources-1.json");
    let resources_doc: Option<serde_json::Value> = if resources_path.exists() {
        Some(read_json(&resources_path)?)
    } else {
        None
    };
    let config = ServiceConfig {
        returning: resources_doc
            .as_ref()
            .map(session_codegen::resources::returning_operations)
            .unwrap_or_default(),
        client_type: client.to_owned(),
        service_name: model_dir.to_owned(),
        tables_path: "crate::generated::tables".to_owned(),
        source: format!("models/{model_dir}/service-2.json"),
        customized: manifest.customized.clone(),
        protocol: manifest.protocol.clone(),
        serialized_outputs: waiters_model
            .iter()
            .flat_map(|w| w.waiters.values().map(|w| w.operation.clone()))
            .collect(),
    };
    let mut generated = generate(&model, &model_json, &paginators, &config)?;
    let waiters = match &waiters_model {
        Some(w) => {
            generated.module.push_str("pub mod waiters;\n");
            Some(render_waiters(&model, w, client)?)
        }
        None => None,
    };
    let out_dir = service.path.join("src/generated");
    let mut stale = Vec::new();
    let sharded = !generated.parts.is_empty();
    let (types_file, operations_file) = if sharded {
        ("types/mod.rs", "operations/mod.rs")
    } else {
        ("types.rs", "operations.rs")
    };
    let mut files: Vec<(&str, &String)> = vec![
        ("mod.rs", &generated.module),
        (types_file, &generated.types),
        (operations_file, &generated.operations),
        ("tables.rs", &generated.tables),
    ];
    files.extend(generated.parts.iter().map(|(p, text)| (p.as_str(), text)));
    if let Some(waiters) = &waiters {
        files.push(("waiters.rs", waiters));
    }
    let resources = if let Some(doc) = &resources_doc {
        let r = session_codegen::resources::render_resources(
            &model,
            &paginators,
            &generated.paginated,
            waiters_model.as_ref(),
            doc,
            client,
        )?;
        if !check {
            let counts: Vec<String> = r
                .description
                .totals()
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            eprintln!("{model_dir} resources: {}", counts.join(", "));
            let service: Vec<String> = r
                .counts
                .iter()
                .filter(|(k, _)| k.starts_with("service "))
                .map(|(k, v)| format!("{v} {}", &k["service ".len()..]))
                .collect();
            eprintln!("{model_dir} service resource: {}", service.join(", "));
            for s in &r.skipped {
                eprintln!("  resources left out: {s}");
            }
        }
        Some(r.source)
    } else {
        None
    };
    let mut module = format!(
        "{}mod endpoints;\npub(crate) use endpoints::endpoint_rules;\n",
        generated.module
    );
    if resources.is_some() {
        module.push_str("pub mod resources;\n");
    }
    files[0] = ("mod.rs", &module);
    if let Some(resources) = &resources {
        files.push(("resources.rs", resources));
    }
    let service_name = model
        .metadata
        .service_full_name
        .clone()
        .unwrap_or_else(|| model_dir.to_owned());
    let endpoints = scaffold::render_endpoints(model_dir, &service_name);
    files.push(("endpoints.rs", &endpoints));
    // The rule set, compiled here so that the crate loads it from bytes instead of
    // parsing and checking JSON in the process that makes its first client.
    let rules_path = models.join("endpoint-rule-set-1.json");
    let rules_json = std::fs::read_to_string(&rules_path)
        .map_err(|e| format!("{}: {e}", display(&rules_path)))?;
    let rules = session_endpoints::RuleSet::from_json(&rules_json)
        .map_err(|e| format!("{}: {e}", display(&rules_path)))?;
    stale.extend(write_if_changed(
        &out_dir.join(scaffold::ENDPOINT_RULES_FILE),
        rules.to_bytes(),
        check,
    )?);
    let parts = scaffold::Parts {
        resources: resources.is_some(),
        waiters: waiters.is_some(),
        streaming: model
            .shapes
            .values()
            .any(|s| s.streaming || s.members.values().any(|m| m.streaming)),
    };
    let lib = scaffold::render_lib(manifest, &model, parts)?;
    stale.extend(write_if_changed(
        &service.path.join("src/lib.rs"),
        &rustfmt(&lib)?,
        check,
    )?);
    // Files the generator no longer writes (the `schema.rs` of the old call paths, a
    // `types.rs` that became `types/`, parts beyond the current count) go.
    let written: Vec<PathBuf> = files.iter().map(|(f, _)| out_dir.join(f)).collect();
    for old in generated_files(&out_dir)? {
        if written.contains(&old) {
            continue;
        }
        if check {
            stale.push(display(&old));
        } else {
            std::fs::remove_file(&old).map_err(|e| format!("{}: {e}", display(&old)))?;
        }
    }
    for (file, text) in files {
        let formatted = rustfmt(text)?;
        let path = out_dir.join(file);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != formatted {
            if check {
                stale.push(display(&path));
            } else {
                let dir = path.parent().unwrap_or(&out_dir);
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", display(dir)))?;
                std::fs::write(&path, formatted).map_err(|e| format!("{}: {e}", display(&path)))?;
            }
        }
    }
    if !check {
        for dir in ["types", "operations"] {
            let d = out_dir.join(dir);
            if d.is_dir() && std::fs::read_dir(&d).is_ok_and(|mut e| e.next().is_none()) {
                std::fs::remove_dir(&d).map_err(|e| format!("{}: {e}", display(&d)))?;
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

/// (suite file, direction, test file) of each generated protocol test file.
const SUITES: &[(&str, Direction, &str)] = &[
    ("input/json_1_0.json", Direction::Input, "json_1_0_input.rs"),
    (
        "output/json_1_0.json",
        Direction::Output,
        "json_1_0_output.rs",
    ),
    ("input/json.json", Direction::Input, "json_1_1_input.rs"),
    ("output/json.json", Direction::Output, "json_1_1_output.rs"),
    ("input/query.json", Direction::Input, "query_input.rs"),
    ("output/query.json", Direction::Output, "query_output.rs"),
    (
        "input/json_1_0-query-compatible.json",
        Direction::Input,
        "json_1_0_query_compatible_input.rs",
    ),
    (
        "output/json_1_0-query-compatible.json",
        Direction::Output,
        "json_1_0_query_compatible_output.rs",
    ),
    ("input/ec2.json", Direction::Input, "ec2_input.rs"),
    ("output/ec2.json", Direction::Output, "ec2_output.rs"),
    (
        "input/rest-json.json",
        Direction::Input,
        "rest_json_input.rs",
    ),
    (
        "output/rest-json.json",
        Direction::Output,
        "rest_json_output.rs",
    ),
    (
        "input/smithy-rpc-v2-cbor.json",
        Direction::Input,
        "cbor_input.rs",
    ),
    (
        "output/smithy-rpc-v2-cbor.json",
        Direction::Output,
        "cbor_output.rs",
    ),
    (
        "input/smithy-rpc-v2-cbor-query-compatible.json",
        Direction::Input,
        "cbor_query_compatible_input.rs",
    ),
    (
        "output/smithy-rpc-v2-cbor-query-compatible.json",
        Direction::Output,
        "cbor_query_compatible_output.rs",
    ),
    (
        "input/smithy-rpc-v2-cbor-non-query-compatible.json",
        Direction::Input,
        "cbor_non_query_compatible_input.rs",
    ),
    ("input/rest-xml.json", Direction::Input, "rest_xml_input.rs"),
    (
        "output/rest-xml.json",
        Direction::Output,
        "rest_xml_output.rs",
    ),
];

fn protocol_tests(root: &Path, check: bool) -> Result<Vec<String>, String> {
    let dir = root.join("crates/protocol-tests");
    let mut stale = Vec::new();
    let mut report = String::from(
        "# Protocol conformance\n\n\
         Generated by `session-codegen` (do not edit): the protocol test suites in\n\
         `crates/protocol-tests/suites/` become the tests in `crates/protocol-tests/tests/`.\n\
         Each case runs through a real client stack (endpoint, signing, retry, the generated\n\
         serializers and parsers) against a capturing transport.\n\n\
         | suite | cases | run | ignored |\n|---|---|---|---|\n",
    );
    let mut ignored_all = Vec::new();
    let ignore_list: serde_json::Value =
        read_json(&dir.join("suites/protocol-tests-ignore-list.json"))?;
    for (suite, direction, out) in SUITES {
        let text = std::fs::read_to_string(dir.join("suites").join(suite))
            .map_err(|e| format!("{suite}: {e}"))?;
        let ignore = Ignore::new(&ignore_list, *direction, suite);
        let file = generate_tests(&text, *direction, suite, &ignore)?;
        let _ = writeln!(
            report,
            "| `{suite}` | {} | {} | {} |",
            file.cases,
            file.cases - file.ignored.len(),
            file.ignored.len()
        );
        ignored_all.extend(
            file.ignored
                .iter()
                .map(|(id, why)| format!("| `{suite}` | `{id}` | {why} |")),
        );
        let formatted = rustfmt(&file.source)?;
        stale.extend(write_if_changed(
            &dir.join("tests").join(out),
            &formatted,
            check,
        )?);
    }
    report.push_str("\n## Ignored cases\n\n");
    if ignored_all.is_empty() {
        report.push_str("None.\n");
    } else {
        report.push_str("| suite | case | reason |\n|---|---|---|\n");
        for line in ignored_all {
            report.push_str(&line);
            report.push('\n');
        }
    }
    stale.extend(write_if_changed(
        &root.join("docs/conformance.md"),
        &report,
        check,
    )?);
    Ok(stale)
}

/// The `.rs` files under `generated/` (one level of folders deep): all of them are the
/// generator's.
fn generated_files(out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return Ok(found);
    };
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: {e}", display(out_dir)))?
            .path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).map_err(|e| format!("{}: {e}", display(&path)))? {
                let inner = inner
                    .map_err(|e| format!("{}: {e}", display(&path)))?
                    .path();
                if inner.extension().is_some_and(|e| e == "rs") {
                    found.push(inner);
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Writes `text` to `path` unless it is already there; with `check`, only reports it.
fn write_if_changed(
    path: &Path,
    text: impl AsRef<[u8]>,
    check: bool,
) -> Result<Option<String>, String> {
    let text = text.as_ref();
    if std::fs::read(path).is_ok_and(|current| current == text) {
        return Ok(None);
    }
    if check {
        return Ok(Some(display(path)));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", display(parent)))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", display(path)))?;
    Ok(None)
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
