//! Checks the OCDS output with the real third-party tools, installed by
//! `tests/clients/setup.sh` into `tests/clients/.venv`:
//!
//! * libcoveocds (OCP's validator, the library behind the OCDS Data Review Tool) must
//!   report zero validation errors on a release package and a record package;
//! * ocdscardinal (OCP's red-flag tool) must read the compiled releases;
//! * if the `ocdscardinal` command-line binary is available (env `OCDSCARDINAL`, or on
//!   PATH), its `indicators` command must flag the single-bid e-bidding (R018).
//!
//! These tests fail, not skip, when the venv is missing.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use prongsai_opendata::ocds::{self, OcdsConfig};
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

fn venv_python() -> PathBuf {
    clients_python()
}

fn work_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("prongsai-opendata-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn config() -> OcdsConfig {
    OcdsConfig::for_tests("https://example.invalid/opendata/ocds")
}

fn published() -> time::OffsetDateTime {
    time::macros::datetime!(2023-10-01 00:00 +7)
}

#[test]
fn libcoveocds_finds_no_errors() {
    let py = venv_python();
    let dir = work_dir("cove");
    let ps = ocds::sample::procurements();
    let cfg = config();
    let release = ocds::release_package(&cfg, &ps, published(), "releases-2566.json")
        .expect("release package");
    let record =
        ocds::record_package(&cfg, &ps, published(), "records-2566.json").expect("record package");
    let rel_path = dir.join("releases-2566.json");
    let rec_path = dir.join("records-2566.json");
    std::fs::write(&rel_path, ocds::to_json_text(&release)).expect("write");
    std::fs::write(&rec_path, ocds::to_json_text(&record)).expect("write");

    let out = Command::new(&py)
        .arg(repo_root().join("tests/clients/validate_ocds.py"))
        .arg(&rel_path)
        .arg(&rec_path)
        .output()
        .expect("run validate_ocds.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("libcoveocds said:\n{stdout}\n{stderr}");
    let summaries: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(summaries.len(), 2, "one summary per package");
    for s in &summaries {
        assert_eq!(s["schema_version"], "1.1", "{s}");
        assert_eq!(
            s["validation_errors"],
            serde_json::json!([]),
            "validation errors in {}",
            s["file"]
        );
        assert_eq!(
            s["invalid_extension"],
            serde_json::json!({}),
            "bids extension not resolved in {}",
            s["file"]
        );
        assert_eq!(
            s["extensions"][0]["failed_codelists"],
            serde_json::json!({}),
            "bids extension codelists not read in {}",
            s["file"]
        );
        assert_eq!(s["json_deref_error"], Value::Null);
        // Every field we write is in the schema or the bids extension.
        assert_eq!(
            s["additional_fields"],
            serde_json::json!([]),
            "additional fields in {}",
            s["file"]
        );
        assert_eq!(
            s["deprecated_fields"],
            serde_json::json!([]),
            "deprecated fields in {}",
            s["file"]
        );
        assert_eq!(
            s["additional_closed_codelist_values"],
            serde_json::json!({}),
            "{}",
            s["file"]
        );
    }
    assert!(
        out.status.success(),
        "validate_ocds.py exited with {}",
        out.status
    );

    // The validator is not vacuous: a broken package (method and bid status outside their
    // closed codelists, a bid without an id) is reported.
    let mut broken = release;
    let rels = broken["releases"].as_array_mut().expect("releases");
    let award = rels
        .iter_mut()
        .find(|r| r["tag"][0] == "award")
        .expect("an award release");
    award["tender"]["procurementMethod"] = Value::String("e-bidding".into());
    award["bids"]["details"][0]["status"] = Value::String("won".into());
    award["bids"]["details"][0]
        .as_object_mut()
        .expect("bid")
        .remove("id");
    let broken_path = dir.join("broken.json");
    std::fs::write(&broken_path, ocds::to_json_text(&broken)).expect("write");
    let out = Command::new(&py)
        .arg(repo_root().join("tests/clients/validate_ocds.py"))
        .arg(&broken_path)
        .output()
        .expect("run validate_ocds.py");
    let s: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("{}"),
    )
    .expect("json");
    assert_eq!(
        s["validation_errors"].as_array().map_or(0, Vec::len),
        1,
        "missing bid id: {s}"
    );
    let closed = &s["additional_closed_codelist_values"];
    assert!(
        closed.get("releases/tender/procurementMethod").is_some(),
        "method not reported: {s}"
    );
    assert!(
        closed.get("releases/bids/details/status").is_some(),
        "bid status not reported: {s}"
    );
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cardinal_reads_compiled_releases() {
    let py = venv_python();
    let dir = work_dir("cardinal");
    let ps = ocds::sample::procurements();
    let cfg = config();
    let jsonl = ocds::compiled_releases_jsonl(&cfg, &ps).expect("jsonl");
    let path = dir.join("compiled.jsonl");
    std::fs::write(&path, &jsonl).expect("write");

    let out = Command::new(&py)
        .arg(repo_root().join("tests/clients/cardinal_coverage.py"))
        .arg(&path)
        .output()
        .expect("run cardinal_coverage.py");
    assert!(
        out.status.success(),
        "cardinal failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("cardinal json");
    eprintln!("ocdscardinal {} coverage: {}", v["version"], v["coverage"]);
    let cov = &v["coverage"];
    let lines = u64::try_from(ps.len()).expect("len");
    assert_eq!(cov[""], lines, "one compiled release per procurement");
    // The fields Cardinal's indicators read (R018, R024, R025, R035, R036, R038).
    for (path, want) in [
        ("/ocid", lines),
        ("/buyer/id", lines),
        ("/tender/procuringEntity/id", lines),
        ("/tender/procurementMethod", lines),
        ("/tender/numberOfTenderers", lines - 1), // the open tender has no bids yet
        ("/bids/details[]/status", 15),
        ("/bids/details[]/tenderers[]/id", 15),
        ("/bids/details[]/value/amount", 14), // the invited bidder made no bid
        ("/awards[]/status", lines - 1),
        ("/awards[]/suppliers[]/id", lines - 1),
    ] {
        assert_eq!(cov[path].as_u64(), Some(want), "coverage of {path}");
    }

    // Cardinal's indicators, if its binary is available here.
    let bin = std::env::var_os("OCDSCARDINAL")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("ocdscardinal"))
                    .find(|c| c.is_file())
            })
        });
    match bin {
        None => eprintln!(
            "NOTE: the ocdscardinal binary (prepare/indicators) is not installed; only the PyPI \
             package's coverage command ran. Set OCDSCARDINAL=/path/to/ocdscardinal to run indicators."
        ),
        Some(bin) => {
            let settings = dir.join("settings.ini");
            std::fs::write(&settings, "currency = THB\n\n[defaults]\nbid_status = valid\n\n[R018]\n[R024]\n[R025]\n[R035]\n[R036]\n[R038]\n")
                .expect("settings");
            let prepared = Command::new(&bin)
                .args(["prepare", "--settings"])
                .arg(&settings)
                .arg(&path)
                .output()
                .expect("prepare");
            assert!(prepared.status.success());
            let prepared_path = dir.join("prepared.jsonl");
            std::fs::write(&prepared_path, &prepared.stdout).expect("write");
            let ind = Command::new(&bin)
                .args(["indicators", "--settings"])
                .arg(&settings)
                .arg(&prepared_path)
                .output()
                .expect("indicators");
            assert!(ind.status.success());
            let flags = ocds::red_flags_from_cardinal_output(&String::from_utf8_lossy(&ind.stdout))
                .expect("parse");
            let single = ps
                .iter()
                .find(|p| p.id == ocds::sample::SINGLE_BID_ID)
                .expect("sample");
            let ocid = ocds::ocid(&cfg, single);
            assert!(
                ocds::flags_for_ocid(&flags, &ocid)
                    .iter()
                    .any(|f| f.code == "R018"),
                "single bid not flagged: {flags:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The Python of `tests/clients/.venv` (libcoveocds, ocdscardinal, ckanapi, openpyxl,
/// pillow), created or updated on first use by `tests/clients/setup.sh` (pip, from PyPI).
fn clients_python() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients");
    let out = std::process::Command::new("bash")
        .arg(dir.join("setup.sh"))
        .output()
        .expect("bash runs tests/clients/setup.sh");
    assert!(
        out.status.success(),
        "tests/clients/setup.sh failed (it needs python3 with venv and access to PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join(".venv/bin/python")
}
