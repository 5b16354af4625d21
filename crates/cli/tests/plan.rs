//! `prongsai plan parse|lint|import`, run as the real binary in temporary data
//! directories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans")
        .join(name)
}

struct Run(Output);

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    #[track_caller]
    fn code_is(self, want: i32) -> Run {
        assert_eq!(
            self.code(),
            want,
            "stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
        assert!(
            !self.stderr().contains("panicked"),
            "never panic: {}",
            self.stderr()
        );
        self
    }
}

fn prongsai(dir: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_prongsai"))
        .arg("--data-dir")
        .arg(dir)
        .args(args.iter().map(|a| a.as_ref()))
        .env_remove("PRONGSAI_DATABASE_URL")
        .env_remove("PRONGSAI_DATA_DIR")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run prongsai");
    Run(out)
}

fn plan_json(dir: &Path, file: &Path) -> serde_json::Value {
    let r = prongsai(dir, &[&"plan", &"parse", &file]).code_is(0);
    serde_json::from_str(&r.stdout()).expect("parse prints JSON")
}

#[test]
fn parse_both_halves_gives_the_same_projects() {
    let dir = tempfile::tempdir().unwrap();
    let a = plan_json(dir.path(), &fixture("chachoengsao-2566-2570-a.txt"));
    let b = plan_json(dir.path(), &fixture("chachoengsao-2566-2570-b.txt"));
    let key = |v: &serde_json::Value| -> Vec<(u64, u64, String)> {
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let name: String = p["name"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                (
                    p["no"].as_u64().unwrap(),
                    p["dimension"].as_u64().unwrap(),
                    name,
                )
            })
            .collect()
    };
    let (ka, kb) = (key(&a), key(&b));
    assert_eq!(ka.len(), 36);
    assert_eq!(
        ka.iter().map(|k| (k.0, k.1)).collect::<Vec<_>>(),
        kb.iter().map(|k| (k.0, k.1)).collect::<Vec<_>>()
    );
    // The names agree but for project 29, which the two extractions really spell
    // differently (เรื่องร้องทุกข์ / เรื่องราวจ้างทุกข์).
    let differ: Vec<u64> = ka
        .iter()
        .zip(&kb)
        .filter(|(x, y)| x.2 != y.2)
        .map(|(x, _)| x.0)
        .collect();
    assert_eq!(differ, [29]);
    assert_eq!(b["targets"]["ita_score"]["2570"], 85.0);
    // The file holding both copies says so on stderr, and prints one plan on stdout.
    let both = prongsai(
        dir.path(),
        &[
            &"plan",
            &"parse",
            &fixture("chachoengsao-2566-2570-both.txt"),
        ],
    )
    .code_is(0);
    assert!(both.stderr().contains("note:"), "{}", both.stderr());
    let v: serde_json::Value = serde_json::from_str(&both.stdout()).unwrap();
    assert_eq!(v["projects"].as_array().unwrap().len(), 36);
    // Neither command needs (or creates) a database.
    assert!(!dir.path().join("prongsai.sqlite").exists());
}

#[test]
fn lint_exit_codes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let seed = fixture("chachoengsao-2566-2570-b.txt");
    // The seed has errors (counts that disagree, a template placeholder): exit 1.
    let human = prongsai(dir.path(), &[&"plan", &"lint", &seed]).code_is(1);
    let text = human.stdout();
    assert!(text.contains("declared-count-mismatch"), "{text}");
    assert!(text.contains("th: "), "{text}");
    assert!(text.contains("en: "), "{text}");
    assert!(text.contains("line 211"), "{text}");
    let json = prongsai(dir.path(), &[&"plan", &"lint", &"--json", &seed]).code_is(1);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&json.stdout()).unwrap();
    assert!(findings.len() > 10);
    for f in &findings {
        for field in [
            "code",
            "severity",
            "project",
            "line",
            "message_th",
            "message_en",
        ] {
            assert!(f.get(field).is_some(), "{field} missing in {f}");
        }
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    }
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "placeholder" && f["project"] == 1 && f["line"] == 211)
    );

    // Fixing the errors gives exit 0 (warnings and info do not fail).
    let fixed = std::fs::read_to_string(&seed)
        .unwrap()
        .replace("จำนวน ๓๕ โครงการ", "จำนวน ๓๖ โครงการ")
        .replace("จำนวน ๒๑ โครงการ", "จำนวน ๒๓ โครงการ")
        .replace("จำนวน ๕ โครงการ", "จำนวน ๔ โครงการ")
        .replace("ระบุจำนวนกลุ่มเป้าหมาย", "50");
    let fixed_path = dir.path().join("fixed.txt");
    std::fs::write(&fixed_path, fixed).unwrap();
    let r = prongsai(dir.path(), &[&"plan", &"lint", &"--json", &fixed_path]);
    let left: Vec<serde_json::Value> = serde_json::from_str(&r.stdout()).unwrap();
    let errors: Vec<_> = left.iter().filter(|f| f["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:?}");
    r.code_is(0);
}

#[test]
fn unreadable_or_not_a_plan_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.txt");
    std::fs::write(&garbage, "สวัสดีครับ this is not a plan\n").unwrap();
    let binary = dir.path().join("noise.bin");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0xd8, 0x01, 0x02, 0x80, 0x81]).unwrap();
    let fake_docx = dir.path().join("fake.docx");
    std::fs::write(&fake_docx, b"PK\x03\x04 not really a zip").unwrap();
    for (file, expect) in [
        (garbage.clone(), "does not look like an action plan"),
        (binary, "neither UTF-8 text nor a .docx"),
        (fake_docx, ".docx"),
        (dir.path().join("missing.txt"), "could not read"),
        (dir.path().to_path_buf(), "could not read"),
    ] {
        for cmd in ["parse", "lint"] {
            let r = prongsai(dir.path(), &[&"plan", &cmd, &file]).code_is(2);
            assert!(
                r.stderr().contains(expect),
                "{cmd} {}: {}",
                file.display(),
                r.stderr()
            );
            assert!(
                r.stderr().contains("ข้อผิดพลาด"),
                "Thai message too: {}",
                r.stderr()
            );
            assert!(r.stdout().is_empty());
        }
    }
}

#[test]
fn import_twice_gives_version_2_with_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    prongsai(
        d,
        &[
            &"org",
            &"create",
            &"--slug",
            &"chachoengsao",
            &"--name-th",
            &"เทศบาลเมืองฉะเชิงเทรา",
            &"--type",
            &"town_municipality",
        ],
    )
    .code_is(0);
    prongsai(
        d,
        &[
            &"org",
            &"division-add",
            &"chachoengsao",
            &"finance",
            &"กองคลัง",
        ],
    )
    .code_is(0);
    let seed = fixture("chachoengsao-2566-2570-b.txt");

    let first = prongsai(d, &[&"plan", &"import", &seed, &"--org", &"chachoengsao"]).code_is(0);
    let out = first.stdout();
    assert!(out.contains("plan version 1"), "{out}");
    assert!(out.contains("36 projects"), "{out}");
    assert!(out.contains("2566 310,000"), "{out}");

    // Project 2 (โรงเรียนคุณธรรม) gets 150,000 in 2568, in the Part 2 table row.
    let text = std::fs::read_to_string(&seed).unwrap();
    let changed: String = text
        .lines()
        .map(|l| {
            if l.contains("2) โครงการโรงเรียนคุณธรรม") {
                l.replacen("120,000\t120,000\t120,000", "120,000\t120,000\t150,000", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(changed, text);
    let v2 = d.join("plan-v2.txt");
    std::fs::write(&v2, changed).unwrap();
    let second = prongsai(d, &[&"plan", &"import", &v2, &"--org", &"chachoengsao"]).code_is(0);
    let out = second.stdout();
    assert!(out.contains("plan version 2"), "{out}");
    assert!(out.contains("changes against version 1"), "{out}");
    assert!(
        out.contains("budget 2568 project 2: 120,000 → 150,000 baht"),
        "{out}"
    );
    assert!(
        out.contains("budget total 2568: 310,000 → 340,000 baht"),
        "{out}"
    );

    // The same file again: version 3, no changes.
    let third = prongsai(d, &[&"plan", &"import", &v2, &"--org", &"chachoengsao"]).code_is(0);
    assert!(
        third.stdout().contains("no changes against version 2"),
        "{}",
        third.stdout()
    );

    // The imports are in the exported organization, and audit-logged as cli.
    let export = prongsai(d, &[&"org", &"export", &"chachoengsao"])
        .code_is(0)
        .stdout();
    let doc: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(doc["sections"]["plans"].as_array().unwrap().len(), 3);
    let imports: Vec<&serde_json::Value> = doc["sections"]["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "plan.import")
        .collect();
    assert_eq!(imports.len(), 3);
    assert!(imports.iter().all(|e| e["actor"] == "cli"));
    assert!(imports[1]["after"].as_str().unwrap().contains("150000"));
    prongsai(d, &[&"audit", &"verify"]).code_is(0);
}

#[test]
fn import_of_garbage_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    prongsai(
        d,
        &[
            &"org",
            &"create",
            &"--slug",
            &"bang-pra",
            &"--name-th",
            &"เทศบาลบางพระ",
            &"--type",
            &"town_municipality",
        ],
    )
    .code_is(0);
    let before = prongsai(d, &[&"org", &"export", &"bang-pra"])
        .code_is(0)
        .stdout();
    let garbage = d.join("garbage.docx");
    std::fs::write(&garbage, "not a plan at all").unwrap();
    let r = prongsai(d, &[&"plan", &"import", &garbage, &"--org", &"bang-pra"]).code_is(2);
    assert!(
        r.stderr().contains("does not look like an action plan"),
        "{}",
        r.stderr()
    );
    let after = prongsai(d, &[&"org", &"export", &"bang-pra"])
        .code_is(0)
        .stdout();
    assert_eq!(before, after, "nothing written");
    // An unknown organization: a clear error, nothing written either.
    let r = prongsai(
        d,
        &[
            &"plan",
            &"import",
            &fixture("chachoengsao-2566-2570-b.txt"),
            &"--org",
            &"nowhere",
        ],
    );
    assert_eq!(r.code(), 1);
    assert!(
        r.stderr().contains("no organization with slug \"nowhere\""),
        "{}",
        r.stderr()
    );
    assert_eq!(
        prongsai(d, &[&"org", &"export", &"bang-pra"])
            .code_is(0)
            .stdout(),
        before
    );
}
