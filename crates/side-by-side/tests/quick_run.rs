//! The whole program, shortened (`--quick --rounds 1`): every role runs, every row gets a
//! figure for every contender, no call fails and the server confirms one request per call.
//! (Figures from a debug build mean nothing; this checks the harness, not the speed.)

use std::process::Command;

#[test]
fn quick_run_measures_every_row_with_no_errors() {
    let dir = std::env::temp_dir().join(format!("side-by-side-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let chart = dir.join("chart.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_side-by-side"))
        .args(["--quick", "--rounds", "1", "--json", "--chart"])
        .arg(&chart)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["checks"]["errors"], 0);
    assert_eq!(report["checks"]["server_mismatches"], serde_json::json!([]));
    assert!(report["checks"]["calls_verified"].as_u64().unwrap() > 1_000);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    for row in rows {
        let cells = row["cells"].as_array().unwrap();
        let names: Vec<&str> = cells
            .iter()
            .map(|c| c["contender"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["raw", "signed", "ours"]);
        for cell in cells {
            assert!(cell["median"].as_f64().unwrap() > 0.0, "{row}");
        }
        assert!(cells[0]["ratio"].is_null());
        assert!(cells[2]["ratio"].as_f64().unwrap() > 0.0);
    }
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("ListObjectsV2 100 keys"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_arguments_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_side-by-side"))
        .arg("--fast")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument"));
}
