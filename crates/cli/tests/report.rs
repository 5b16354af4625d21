//! `prongsai report round` and `prongsai report eplannacc` on the seed plan: a live draft
//! before the round is submitted, the submitted version after; the XLSX read back with
//! openpyxl (totals per dimension and overall), the PDF through pdftotext (Thai names
//! and totals) and rendered with pdftoppm (ink, no .notdef: every Thai glyph from the
//! embedded font), the JSON and the e-PlanNACC CSV.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use prongsai_domain::progress::ProgressStatus;
use prongsai_domain::{FiscalYear, ReportingRound};
use prongsai_store::audit::Actor;
use prongsai_store::progress::{self, ProgressInput};
use prongsai_store::{Db, Keys, plans, rounds};

fn prongsai(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_prongsai"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PRONGSAI_DATABASE_URL")
        .env_remove("PRONGSAI_DATA_DIR")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run prongsai");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, text) = prongsai(dir, args);
    assert!(success, "prongsai {args:?} failed: {text}");
    text
}

/// Records progress on projects 2 (done) and 26 (could not be done) of the seed plan.
async fn record_progress(dir: &Path, org_slug: &str) {
    let db = Db::connect(&format!(
        "sqlite://{}",
        dir.join("prongsai.sqlite").display()
    ))
    .await
    .unwrap();
    let keys = Keys::load(dir).unwrap();
    let mut c = db.pool.acquire().await.unwrap();
    let org = prongsai_store::orgs::by_slug(&mut c, org_slug)
        .await
        .unwrap()
        .unwrap();
    let v = plans::current(&mut c, org.id).await.unwrap().unwrap();
    let projects = plans::projects(&mut c, org.id, v.id).await.unwrap();
    let key = |no: i64| projects.iter().find(|p| p.no == no).unwrap().project_key;
    let done = ProgressInput {
        status: ProgressStatus::Done,
        disbursed_satang: Some(9_550_050),
        ordinance_satang: Some(12_000_000),
        ..ProgressInput::default()
    };
    progress::save(
        &mut c,
        &keys.audit,
        org.id,
        key(2),
        2567,
        &done,
        &Actor::cli(),
    )
    .await
    .unwrap();
    let not_done = ProgressInput {
        status: ProgressStatus::CouldNotBeDone,
        reason: Some(prongsai_domain::progress::NotDoneReason::NoBudget),
        ..ProgressInput::default()
    };
    progress::save(
        &mut c,
        &keys.audit,
        org.id,
        key(26),
        2567,
        &not_done,
        &Actor::cli(),
    )
    .await
    .unwrap();
}

async fn submit_round(dir: &Path, org_slug: &str) {
    let db = Db::connect(&format!(
        "sqlite://{}",
        dir.join("prongsai.sqlite").display()
    ))
    .await
    .unwrap();
    let keys = Keys::load(dir).unwrap();
    let mut c = db.pool.acquire().await.unwrap();
    let org = prongsai_store::orgs::by_slug(&mut c, org_slug)
        .await
        .unwrap()
        .unwrap();
    let fy = FiscalYear::new(2567).unwrap();
    rounds::submit(
        &mut c,
        &keys.audit,
        org.id,
        fy,
        ReportingRound::SixMonths,
        "",
        &Actor::user(1, "clerk"),
    )
    .await
    .unwrap();
}

const READ_XLSX: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
out = {"sheets": wb.sheetnames}
ws = wb["ผลรายโครงการ"]
header = None
rows = []
for row in ws.iter_rows(values_only=True):
    if header is None and row[2] == "โครงการ/กิจกรรม/มาตรการ":
        header = list(row)
        continue
    if header is not None:
        rows.append(list(row))
out["header"] = header
out["subtotals"] = [r for r in rows if isinstance(r[2], str) and r[2].startswith("รวมมิติ")]
out["total"] = [r for r in rows if isinstance(r[2], str) and r[2].startswith("รวมทั้งสิ้น")]
s = wb["สรุปตามมิติ"]
out["summary_total"] = [list(r) for r in s.iter_rows(values_only=True) if r[0] == "รวมทั้งสิ้น"]
print(json.dumps(out, ensure_ascii=False, default=str))
"#;

/// Reads a PDF's fonts and the glyphs its pages show (content streams inflated and
/// tokenized): per font, whether it is embedded, how many glyphs are shown, how many are
/// CID 0 or map to glyph 0 of the embedded font (.notdef, drawn as a box), and how many
/// are Thai according to the ToUnicode map.
const GLYPHS_PY: &str = r#"
import json, re, sys, zlib

data = open(sys.argv[1], "rb").read()
objs = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

def stream(n):
    body = objs[n]
    i = body.index(b"stream") + 6
    if body[i:i + 1] == b"\r":
        i += 1
    if body[i:i + 1] == b"\n":
        i += 1
    return zlib.decompressobj().decompress(body[i:])

def ref(body, key):
    m = re.search(rb"/" + key + rb"\s*\[?\s*(\d+) 0 R", body)
    return int(m.group(1)) if m else None

def strings_by_font(content):
    out, font, prev, i, n = {}, None, [], 0, len(content)
    while i < n:
        c = content[i:i + 1]
        if c == b"(":
            depth, i, s = 1, i + 1, bytearray()
            while depth:
                b = content[i:i + 1]
                if b == b"\\":
                    e = content[i + 1:i + 2]
                    if e in b"01234567":
                        j = i + 1
                        while j < i + 4 and content[j:j + 1] in b"01234567" and content[j:j + 1]:
                            j += 1
                        s.append(int(content[i + 1:j], 8) & 0xFF)
                        i = j
                        continue
                    s += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(e, e)
                    i += 2
                    continue
                if b == b"(":
                    depth += 1
                elif b == b")":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                s += b
                i += 1
            out.setdefault(font, bytearray()).extend(s)
        elif c == b"<":
            j = content.index(b">", i)
            out.setdefault(font, bytearray()).extend(bytes.fromhex(content[i + 1:j].decode()))
            i = j + 1
        elif c.isspace() or c in b"[]":
            i += 1
        else:
            j = i + 1
            while j < n and not content[j:j + 1].isspace() and content[j:j + 1] not in b"[]()<>/" :
                j += 1
            tok = content[i:j]
            if tok == b"Tf" and len(prev) >= 2:
                font = prev[-2].lstrip(b"/").decode()
            prev = (prev + [tok])[-3:]
            i = j
    return out

fonts = {}
for n, body in objs.items():
    for name, r in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
        fonts[name.decode()] = int(r)
report = {}
used = {}
for n, body in objs.items():
    if re.search(rb"/Type\s*/Page\b", body):
        c = ref(body, b"Contents")
        for f, s in strings_by_font(stream(c)).items():
            used.setdefault(f, bytearray()).extend(s)
for name, type0 in sorted(fonts.items()):
    cid_font = ref(objs[type0], b"DescendantFonts")
    descriptor = ref(objs[cid_font], b"FontDescriptor")
    cid_to_gid = stream(ref(objs[cid_font], b"CIDToGIDMap"))
    tounicode = stream(ref(objs[type0], b"ToUnicode"))
    uni = {int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be")
           for a, b in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", tounicode)}
    s = bytes(used.get(name, b""))
    cids = [int.from_bytes(s[k:k + 2], "big") for k in range(0, len(s) - 1, 2)]
    gid = lambda c: int.from_bytes(cid_to_gid[2 * c:2 * c + 2], "big") if 2 * c + 2 <= len(cid_to_gid) else 0
    thai = [c for c in cids if any("\u0e00" <= ch <= "\u0e7f" for ch in uni.get(c, ""))]
    report[name] = {
        "base_font": re.search(rb"/BaseFont\s*/(\S+)", objs[type0]).group(1).decode(),
        "embedded": ref(objs[descriptor], b"FontFile2") is not None,
        "odd_bytes": len(s) % 2,
        "glyphs": len(cids),
        "cid_zero": sum(1 for c in cids if c == 0),
        "gid_zero": sum(1 for c in cids if gid(c) == 0),
        "no_unicode": sum(1 for c in set(cids) if c not in uni),
        "thai_glyphs": len(thai),
        "thai_gid_zero": sum(1 for c in thai if gid(c) == 0),
    }
print(json.dumps(report))
"#;

/// Page 1 of the round report rendered with pdftoppm: ink in the text area and none in
/// the margin, no complaints from poppler, and every glyph shown — Thai ones above all —
/// drawn from the embedded TLWG Laksaman (no .notdef). The PNG is left in
/// `target/tmp/round-report-page1.png` for a person to look at.
fn check_rendering(pdf: &Path) {
    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("round-report-page1");
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read(png.with_extension("png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    // The same page in grey at 50 dpi: A4 landscape is 585 × 414 pixels.
    let dir = tempfile::tempdir().unwrap();
    let pgm = dir.path().join("page");
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&pgm)
        .output()
        .expect("pdftoppm");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = std::fs::read(pgm.with_extension("pgm")).unwrap();
    let head: Vec<&str> = std::str::from_utf8(&data[..15])
        .unwrap()
        .split_whitespace()
        .take(4)
        .collect();
    let (w, h): (usize, usize) = (head[1].parse().unwrap(), head[2].parse().unwrap());
    assert_eq!((head[0], w, h, head[3]), ("P5", 585, 414, "255"));
    let pixels = &data[data.len() - w * h..];
    let dark = |x0: usize, y0: usize, x1: usize, y1: usize| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| pixels[y * w + x] < 128)
            .count()
    };
    let text_area = dark(55, 30, 550, 390);
    assert!(
        text_area > 5000,
        "only {text_area} dark pixels in the text area"
    );
    let margin = dark(0, 0, 40, h);
    assert!(margin < 20, "{margin} dark pixels in the left margin");

    let out = Command::new(clients_python())
        .arg("-c")
        .arg(GLYPHS_PY)
        .arg(pdf)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fonts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fonts = fonts.as_object().unwrap();
    assert_eq!(fonts.len(), 2, "regular and bold: {fonts:?}");
    let mut thai = 0;
    for (name, f) in fonts {
        assert!(
            f["base_font"].as_str().unwrap().contains("Laksaman"),
            "{name}: {f}"
        );
        assert_eq!(f["embedded"], true, "{name}: {f}");
        assert_eq!(f["odd_bytes"], 0, "{name}: two bytes a glyph: {f}");
        assert!(f["glyphs"].as_i64().unwrap() > 1000, "{name}: {f}");
        assert_eq!(f["cid_zero"], 0, "{name}: .notdef shown: {f}");
        assert_eq!(
            f["gid_zero"], 0,
            "{name}: a glyph missing from the embedded font: {f}"
        );
        assert_eq!(f["thai_gid_zero"], 0, "{name}: {f}");
        thai += f["thai_glyphs"].as_i64().unwrap();
    }
    assert!(thai > 3000, "{thai} Thai glyphs");
}

#[tokio::test(flavor = "multi_thread")]
async fn report_round_and_eplannacc_from_the_seed_plan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    ok(
        d,
        &[
            "org",
            "create",
            "--slug",
            "chacho",
            "--name-th",
            "เทศบาลเมืองฉะเชิงเทรา",
            "--type",
            "town_municipality",
        ],
    );
    ok(
        d,
        &["plan", "import", plan.to_str().unwrap(), "--org", "chacho"],
    );
    record_progress(d, "chacho").await;

    // Before submission: a live draft, labelled as such.
    let json = d.join("draft.json");
    let text = ok(
        d,
        &[
            "report",
            "round",
            "--org",
            "chacho",
            "--year",
            "๒๕๖๗",
            "--round",
            "6m",
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    assert!(text.contains("live draft"), "{text}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["edition"]["kind"], "live_draft");
    assert!(v["label_th"].as_str().unwrap().starts_with("ฉบับร่าง"));
    assert_eq!(v["report"]["total"]["projects"], 36);
    assert_eq!(v["report"]["total"]["planned_baht"], 310_000);
    assert_eq!(v["report"]["total"]["disbursed_satang"], 9_550_050);
    assert_eq!(v["report"]["total"]["done"], 1);
    assert_eq!(v["report"]["total"]["could_not_be_done"], 1);

    // After submission: the frozen version.
    submit_round(d, "chacho").await;
    let text = ok(
        d,
        &[
            "report",
            "round",
            "--org",
            "chacho",
            "--year",
            "2567",
            "--round",
            "6m",
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    assert!(text.contains("submitted version 1"), "{text}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["edition"]["kind"], "submitted");
    assert_eq!(v["edition"]["version"], 1);

    // XLSX: read back with openpyxl; totals per dimension and overall.
    let xlsx = d.join("report.xlsx");
    ok(
        d,
        &[
            "report",
            "round",
            "--org",
            "chacho",
            "--year",
            "2567",
            "--round",
            "6m",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    let out = Command::new(clients_python())
        .arg("-c")
        .arg(READ_XLSX)
        .arg(&xlsx)
        .output()
        .expect("python3 with openpyxl");
    assert!(
        out.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let x: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(x["sheets"], serde_json::json!(["สรุปตามมิติ", "ผลรายโครงการ"]));
    let header = x["header"].as_array().unwrap();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.as_str().is_some_and(|h| h.starts_with(name)))
            .unwrap()
    };
    let (y2567, disbursed) = (col("ปี 2567"), col("เบิกจ่าย"));
    let subtotals = x["subtotals"].as_array().unwrap();
    assert_eq!(subtotals.len(), 4);
    let planned: Vec<f64> = subtotals
        .iter()
        .map(|r| r[y2567].as_f64().unwrap_or(0.0))
        .collect();
    // Dimension 1: project 2 (120,000); 3: project 26 (90,000); 4: project 33 (100,000).
    assert_eq!(planned, [120_000.0, 0.0, 90_000.0, 100_000.0]);
    assert_eq!(subtotals[0][disbursed].as_f64(), Some(95_500.5));
    let total = &x["total"][0];
    assert_eq!(total[y2567].as_f64(), Some(310_000.0));
    assert_eq!(total[disbursed].as_f64(), Some(95_500.5));
    let summary = &x["summary_total"][0];
    assert_eq!(summary[1].as_f64(), Some(36.0), "projects");
    assert_eq!(summary[2].as_f64(), Some(1.0), "done");
    assert_eq!(summary[5].as_f64(), Some(1.0), "could not be done");
    assert_eq!(summary[6].as_f64(), Some(310_000.0));

    // PDF: Thai project names and totals come out of pdftotext.
    let pdf = d.join("report.pdf");
    ok(
        d,
        &[
            "report",
            "round",
            "--org",
            "chacho",
            "--year",
            "2567",
            "--round",
            "6m",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    // Compared without spaces: pdftotext puts a space before SARA AM and at line wraps.
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for want in [
        "โครงการโรงเรียนคุณธรรม",
        "เทศบาลเมืองฉะเชิงเทรา",
        "310,000",
        "95,500.50",
        "ฉบับที่ส่ง",
        "รวมทั้งสิ้น",
        "มิติที่1การสร้างวัฒนธรรมสุจริต",
    ] {
        assert!(text.contains(want), "PDF lacks {want:?}: {text}");
    }
    check_rendering(&pdf);

    // e-PlanNACC: CSV with a BOM and XLSX.
    let csv = d.join("eplan.csv");
    ok(
        d,
        &[
            "report",
            "eplannacc",
            "--org",
            "chacho",
            "--year",
            "2567",
            "--round",
            "6m",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{FEFF}ปีงบประมาณ".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 37, "header + 36 projects");
    assert!(
        text.contains("โครงการจัดเวทีประชาคม")
            && text.contains("ไม่ได้รับงบประมาณ")
            && text.contains("95500.50")
    );
    let ex = d.join("eplan.xlsx");
    ok(
        d,
        &[
            "report",
            "eplannacc",
            "--org",
            "chacho",
            "--year",
            "2567",
            "--round",
            "6m",
            "--format",
            "xlsx",
            "--out",
            ex.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&ex).unwrap().starts_with(b"PK"));

    // Mistakes get a clear error, not a panic.
    let (success, text) = prongsai(
        d,
        &[
            "report",
            "round",
            "--org",
            "chacho",
            "--year",
            "2567",
            "--round",
            "9m",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(
        !success && text.contains("6m or 12m") && !text.contains("panicked"),
        "{text}"
    );
    let (success, text) = prongsai(
        d,
        &[
            "report",
            "round",
            "--org",
            "nowhere",
            "--year",
            "2567",
            "--round",
            "6m",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(!success && !text.contains("panicked"), "{text}");
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
