//! Budget and procurement over HTTP: public lists (CSV with BOM, JSON), the monthly
//! summary adding up to the records in every format, the yearly analysis, the planted
//! conflict of interest flagged to staff, OCDS packages validated by the real
//! libcoveocds and read by the real ocdscardinal, and the CKAN API read by the real
//! `ckanapi` (tests/clients/.venv; these tests fail, never skip, without it).

use std::path::PathBuf;
use std::process::Command;

use prongsai_domain::Role;
use prongsai_store::procurement as store;
use prongsai_store::procurement_demo::{self, CONFLICTED_REF};

use crate::helpers::TestApp;

/// The venv with the real tools, or a failure naming the setup script.
fn venv_bin(tool: &str) -> PathBuf {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/clients"));
    let _ = clients_python();
    let bin = root.join(".venv/bin").join(tool);
    assert!(
        bin.is_file(),
        "{} is missing: run tests/clients/setup.sh (creates tests/clients/.venv with libcoveocds, ocdscardinal and ckanapi)",
        bin.display()
    );
    bin
}

fn clients_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/clients"))
}

/// An app with the demo procurement data: `officer-p` (conflicted) and `head-p`.
async fn app_with_data() -> TestApp {
    let app = TestApp::spawn().await;
    app.user("officer-p", Role::Officer).await;
    app.user("head-p", Role::DivisionHead).await;
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let s = procurement_demo::seed_with(
        &mut conn,
        &app.keys.audit,
        &app.keys.reports,
        app.org.id,
        "officer-p",
        "head-p",
    )
    .await
    .expect("seed");
    assert_eq!(s.conflict_flags, 1);
    app
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    let (c, _) = app.client();
    c.get(app.url(path)).send().await.expect("GET")
}

#[tokio::test]
async fn public_lists_and_the_monthly_summary_add_up() {
    let app = app_with_data().await;
    let page = get(&app, "/testville/procurement?year=2566").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("จัดซื้อรถบรรทุกขยะ"));
    assert!(html.contains("/testville/procurement/summary/2023-01"));

    let csv = get(&app, "/testville/procurement/records.csv?year=2566").await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.expect("body");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    assert_eq!(text.lines().count(), 1 + 6);
    let records: serde_json::Value = get(&app, "/testville/procurement/records.json")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(records.as_array().expect("array").len(), 6);

    // January 2023 in the official form: its total is the sum of the records awarded then.
    let summary: serde_json::Value =
        get(&app, "/testville/procurement/summary/2023-01?format=json")
            .await
            .json()
            .await
            .expect("json");
    let rows = summary.as_array().expect("rows");
    assert_eq!(rows.len(), 4);
    let in_jan: Vec<&serde_json::Value> = records
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| {
            r["awarded_on"]
                .as_str()
                .is_some_and(|d| d.starts_with("2023-01"))
        })
        .collect();
    let budget_sum: f64 = rows
        .iter()
        .map(|r| r["budget_baht"].as_f64().expect("n"))
        .sum();
    assert_eq!(
        budget_sum,
        in_jan
            .iter()
            .map(|r| r["budget_baht"].as_f64().expect("n"))
            .sum::<f64>()
    );
    let agreed_sum: f64 = in_jan
        .iter()
        .map(|r| r["contract_amount_baht"].as_f64().expect("n"))
        .sum();
    assert_eq!(agreed_sum, 3_660_000.0);
    assert_eq!(rows[0]["no"], 1);
    assert!(
        rows[2]["bidders_and_prices"]
            .as_str()
            .expect("s")
            .contains("บริษัท รถเร็ว จำกัด ราคา 2,450,000 บาท")
    );
    let page = get(&app, "/testville/procurement/summary/2023-01")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("รายชื่อผู้เสนอราคาและราคาที่เสนอ"));
    assert!(
        page.contains("3,660,000"),
        "the page's total is the records' sum"
    );
    let pdf = get(&app, "/testville/procurement/summary/2023-01?format=pdf").await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.expect("pdf").starts_with(b"%PDF"));
    let xlsx = get(&app, "/testville/procurement/summary/2023-01?format=xlsx").await;
    assert!(xlsx.bytes().await.expect("xlsx").starts_with(b"PK"));
    assert_eq!(
        get(&app, "/testville/procurement/summary/2023-13")
            .await
            .status(),
        404
    );

    let a: serde_json::Value = get(
        &app,
        "/testville/procurement/analysis?year=2566&format=json",
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(a["analysis"]["count"], 6);
    assert_eq!(a["analysis"]["splits"].as_array().expect("splits").len(), 1);
    assert_eq!(
        a["analysis"]["single_bidder"]
            .as_array()
            .expect("single")
            .len(),
        1
    );
    let page = get(&app, "/testville/procurement/analysis?year=2566")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("HHI"));

    let plans = get(&app, "/testville/procurement/plans.csv?year=2566")
        .await
        .text()
        .await
        .expect("body");
    assert!(plans.contains("จ้างซ่อมแซมอาคารสำนักงาน"));
    // Declarations never reach a public page or file.
    for path in [
        "/testville/procurement/records.json",
        "/testville/procurement/ocds/records.json",
        "/testville/procurement?year=2566",
    ] {
        let body = get(&app, path).await.text().await.expect("body");
        assert!(
            !body.contains("นางสมศรี"),
            "{path} shows a declared relative"
        );
    }
    for f in ["plan-budgets.csv", "complaint-stats.json", "risks.csv"] {
        assert_eq!(
            get(&app, &format!("/testville/opendata/{f}"))
                .await
                .status(),
            200,
            "{f}"
        );
    }
}

#[tokio::test]
async fn the_planted_conflict_is_flagged_to_staff() {
    let app = app_with_data().await;
    let clerk = app.user("clerk-p", Role::Clerk).await;
    let (c, _) = app.signed_in(&clerk).await;
    let page = c
        .get(app.url("/testville/staff/coi/flags"))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains(CONFLICTED_REF));
    assert!(html.contains("ห้างหุ้นส่วนจำกัด ทรัพย์สมบูรณ์ก่อสร้าง"));
    assert!(html.contains("officer-p"));

    // The procurement page shows the match and the red flags.
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let list = store::list(&mut conn, app.org.id, None)
        .await
        .expect("list");
    let road = list
        .iter()
        .find(|p| p.ref_no == "66029001122")
        .expect("road");
    let page = c
        .get(app.url(&format!("/testville/staff/procurement/{}", road.id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("R018") && page.contains("R003") && page.contains("PS03"),
        "red flags shown"
    );

    // An officer declares a tie with a bad number: refused with a message, nothing stored.
    let officer = prongsai_store::users::by_username(&mut conn, "officer-p")
        .await
        .expect("db")
        .expect("user");
    let (oc, csrf) = app.signed_in(&officer).await;
    let r = oc
        .post(app.url("/testville/staff/coi"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "business"),
            ("name", "บริษัท ก จำกัด"),
            ("id_number", "1234567890123"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
    assert_eq!(
        store::declarations_of(&mut conn, app.org.id, officer.id)
            .await
            .expect("d")
            .len(),
        2
    );
    // A new procurement through the form, with the officer on the committee and a
    // bidder matching by name, is flagged at once.
    let r = oc
        .post(app.url("/testville/staff/procurement"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("ref_no", "67010000001"),
            ("fiscal_year", "๒๕๖๗"),
            ("subject", "จ้างเหมาปรับปรุงห้องประชุม"),
            ("method", "selection"),
            ("budget", "๓๐๐,๐๐๐"),
            (
                "bidders",
                "บริษัท ทรัพย์สมบูรณ์ก่อสร้าง จำกัด | | 290000 | valid\nร้านอื่น | | 295000 | valid",
            ),
            ("winner", "1"),
            ("awarded_on", "15/11/2566"),
            ("staff", "officer-p | กรรมการ"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 303);
    assert!(crate::helpers::location(&r).ends_with("?m=conflict"));
    assert_eq!(
        store::flags(&mut conn, app.org.id, None)
            .await
            .expect("flags")
            .len(),
        2
    );
}

#[tokio::test]
async fn ocds_from_the_server_passes_libcoveocds_and_cardinal() {
    let python = venv_bin("python");
    let app = app_with_data().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut files = Vec::new();
    for name in ["releases.json", "records.json"] {
        let r = get(&app, &format!("/testville/procurement/ocds/{name}")).await;
        let status = r.status();
        let body = r.text().await.expect("body");
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert!(
            v["uri"]
                .as_str()
                .expect("uri")
                .ends_with(&format!("/testville/procurement/ocds/{name}"))
        );
        let path = dir.path().join(name);
        std::fs::write(&path, &body).expect("write");
        files.push(path);
    }
    let out = Command::new(&python)
        .arg(clients_dir().join("validate_ocds.py"))
        .args(&files)
        .output()
        .expect("run validate_ocds.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "libcoveocds found problems:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in stdout.lines().filter(|l| l.trim_start().starts_with('{')) {
        let v: serde_json::Value = serde_json::from_str(line).expect("summary");
        assert_eq!(v["validation_errors"], serde_json::json!([]), "{line}");
    }

    // Cardinal's coverage (the PyPI package) on the compiled releases of the record package.
    let records: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[1]).expect("read")).expect("json");
    let jsonl: String = records["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| format!("{}\n", r["compiledRelease"]))
        .collect();
    let jl = dir.path().join("compiled.jsonl");
    std::fs::write(&jl, jsonl).expect("write");
    let out = Command::new(&python)
        .arg(clients_dir().join("cardinal_coverage.py"))
        .arg(&jl)
        .output()
        .expect("run cardinal");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cov: serde_json::Value = serde_json::from_slice(&out.stdout).expect("coverage json");
    let c = &cov["coverage"];
    assert_eq!(c["/tender/procurementMethod"], 6, "{cov}");
    assert_eq!(c["/awards[]/suppliers[]/id"], 6, "{cov}");
    assert!(
        c["/bids/details[]/value/amount"].as_u64().expect("n") >= 6,
        "{cov}"
    );
}

/// PATH with the venv first: `ckanapi dump` starts its workers as `ckanapi` from PATH.
fn venv_path() -> std::ffi::OsString {
    let bin = venv_bin("ckanapi");
    let dir = bin.parent().expect("venv bin").to_path_buf();
    let mut paths = vec![dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

fn ckanapi(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(venv_bin("ckanapi"))
        .args(args)
        .env("PATH", venv_path())
        .output()
        .expect("run ckanapi");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn ckanapi_reads_the_catalogue() {
    venv_bin("ckanapi");
    let app = app_with_data().await;
    let url = app.url("");
    let url = url.trim_end_matches('/').to_string();
    // Run the blocking tool off the async runtime that serves it.
    let u = url.clone();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        ckanapi(&["action", "package_search", "-r", &u, "q=จัดซื้อจัดจ้าง"])
    })
    .await
    .expect("join");
    assert!(ok, "{out}\n{err}");
    let res: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(res["count"], 3, "{res}");
    let names: Vec<&str> = res["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(&"testville-procurement-records"),
        "{names:?}"
    );
    let rec = &res["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|p| p["name"] == "testville-procurement-records")
        .expect("rec")
        .clone();
    assert_eq!(rec["data_category"], "ข้อมูลสาธารณะ");
    assert_eq!(rec["organization"]["name"], "testville");
    assert!(
        rec["resources"][0]["url"]
            .as_str()
            .expect("url")
            .ends_with("/testville/procurement/records.csv")
    );

    let u = url.clone();
    let dir = tempfile::tempdir().expect("dir");
    let out_file = dir.path().join("all.jsonl");
    let of = out_file.display().to_string();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        ckanapi(&[
            "dump", "datasets", "--all", "-r", &u, "-O", &of, "-p", "1", "-q",
        ])
    })
    .await
    .expect("join");
    assert!(ok, "{out}\n{err}");
    let dumped: Vec<serde_json::Value> = std::fs::read_to_string(&out_file)
        .expect("dump")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    // procurement records, monthly summaries, plans, complaint statistics.
    assert_eq!(dumped.len(), 4);

    // The resources the catalogue points to are served.
    let csv = get(&app, "/testville/procurement/summary/2023-01?format=csv").await;
    assert_eq!(csv.status(), 200);

    // Both paths, GET and POST, CKAN's envelope and errors.
    let (c, _) = app.client();
    let r = c
        .get(app.url("/api/action/package_show?id=nope"))
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), 404);
    let body = r.text().await.expect("body");
    assert!(body.contains("\"__type\": \"Not Found Error\""), "{body}");
    let r = c
        .post(app.url("/api/3/action/package_search"))
        .json(&serde_json::json!({"fq": "organization:testville", "rows": 1}))
        .send()
        .await
        .expect("POST");
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["success"], true);
    assert_eq!(v["result"]["results"].as_array().expect("r").len(), 1);
    let r = c
        .post(app.url("/api/3/action/package_search"))
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 400);

    // The whole smoke script, as CI runs it.
    let py = venv_bin("python");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(py)
            .env("PATH", venv_path())
            .arg(clients_dir().join("ckan_smoke.py"))
            .arg(&url)
            .args([
                "--query",
                "จัดซื้อจัดจ้าง",
                "--dataset",
                "testville-procurement-records",
            ])
            .output()
            .expect("smoke")
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "ckan_smoke.py:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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
