//! The real `prongsai` binary, run in temporary data directories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

struct Run {
    out: Output,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    #[track_caller]
    fn ok(self) -> Run {
        assert_eq!(
            self.code(),
            0,
            "stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    #[track_caller]
    fn fails(self) -> Run {
        assert_ne!(self.code(), 0, "should fail; stdout: {}", self.stdout());
        assert!(
            !self.stderr().contains("panicked"),
            "never panic: {}",
            self.stderr()
        );
        self
    }
}

fn prongsai(dir: &Path, args: &[&str]) -> Run {
    prongsai_stdin(dir, args, None)
}

fn prongsai_stdin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prongsai"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PRONGSAI_DATABASE_URL")
        .env_remove("PRONGSAI_DATA_DIR")
        .env("RUST_LOG", "warn")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run prongsai");
    if let Some(s) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    Run {
        out: child.wait_with_output().unwrap(),
    }
}

/// An installation with one organization, two divisions and two users.
fn set_up(dir: &Path) {
    prongsai(
        dir,
        &[
            "org",
            "create",
            "--slug",
            "bang-pra",
            "--name-th",
            "เทศบาลตำบลบางพระ",
            "--name-en",
            "Bang Phra",
            "--type",
            "subdistrict_municipality",
            "--province",
            "ชลบุรี",
        ],
    )
    .ok();
    prongsai(
        dir,
        &[
            "org",
            "division-add",
            "bang-pra",
            "finance",
            "กองคลัง",
            "Finance Division",
        ],
    )
    .ok();
    prongsai(
        dir,
        &["org", "division-add", "bang-pra", "office", "สำนักปลัด"],
    )
    .ok();
    prongsai(
        dir,
        &[
            "user",
            "create",
            "--username",
            "somchai",
            "--name",
            "สมชาย ใจดี",
            "--email",
            "s@example.org",
            "--password",
            "correct horse battery",
            "--org",
            "bang-pra",
            "--role",
            "officer",
            "--division",
            "finance",
        ],
    )
    .ok();
    prongsai_stdin(
        dir,
        &[
            "user",
            "create",
            "--username",
            "somsri",
            "--name",
            "สมศรี",
            "--password-stdin",
        ],
        Some("another good password\n"),
    )
    .ok();
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let v = prongsai(dir.path(), &["--version"]).ok();
    assert!(v.stdout().contains(env!("CARGO_PKG_VERSION")));
    let h = prongsai(dir.path(), &["--help"]).ok();
    for cmd in ["serve", "db", "org", "user", "audit", "backup", "restore"] {
        assert!(h.stdout().contains(cmd), "{cmd} in --help");
    }
}

#[test]
fn orgs_users_and_roles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    prongsai(d, &["db", "migrate"]).ok();
    set_up(d);
    let list = prongsai(d, &["org", "list"]).ok();
    assert!(
        list.stdout().contains("bang-pra") && list.stdout().contains("เทศบาลตำบลบางพระ"),
        "{}",
        list.stdout()
    );
    let json: serde_json::Value =
        serde_json::from_str(&prongsai(d, &["org", "list", "--json"]).ok().stdout()).unwrap();
    assert_eq!(json[0]["slug"], "bang-pra");
    assert_eq!(json[0]["org_type"], "subdistrict_municipality");

    prongsai(
        d,
        &[
            "user", "set-role", "somsri", "--org", "bang-pra", "--role", "clerk",
        ],
    )
    .ok();
    prongsai(
        d,
        &[
            "user",
            "set-role",
            "somchai",
            "--org",
            "bang-pra",
            "--role",
            "division_head",
            "--division",
            "office",
        ],
    )
    .ok();
    let members: serde_json::Value = serde_json::from_str(
        &prongsai(d, &["user", "list", "--org", "bang-pra", "--json"])
            .ok()
            .stdout(),
    )
    .unwrap();
    assert_eq!(members[0]["username"], "somchai");
    assert_eq!(members[0]["role"], "division_head");
    assert_eq!(members[0]["division"], "office");
    assert_eq!(members[1]["role"], "clerk");
    let all = prongsai(d, &["user", "list"]).ok();
    assert!(all.stdout().contains("somsri"));

    let reset = prongsai(d, &["user", "reset-password", "somsri"]).ok();
    let pw = reset
        .stdout()
        .lines()
        .find_map(|l| l.strip_prefix("new password: "))
        .unwrap()
        .to_string();
    assert!(pw.len() >= 12);

    let verify = prongsai(d, &["audit", "verify"]).ok();
    assert!(verify.stdout().contains("intact"), "{}", verify.stdout());
}

#[test]
fn audit_verify_names_an_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    set_up(d);
    prongsai(d, &["audit", "verify"]).ok();
    let url = format!("sqlite://{}", d.join("prongsai.sqlite").display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = prongsai_store::Db::connect(&url).await.unwrap();
        let (org_id,): (i64,) =
            sqlx::query_as("SELECT id FROM organizations WHERE slug = 'bang-pra'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let n = sqlx::query(
            "UPDATE audit_log SET actor = 'someone-else' WHERE org_id = $1 AND seq = 2",
        )
        .bind(org_id)
        .execute(&db.pool)
        .await
        .unwrap()
        .rows_affected();
        assert_eq!(n, 1);
        db.pool.close().await;
    });
    let broken = prongsai(d, &["audit", "verify"]);
    assert_eq!(broken.code(), 1, "{}{}", broken.stdout(), broken.stderr());
    let out = broken.stdout();
    assert!(
        out.contains("bang-pra") && out.contains("seq 2") && out.contains("edited"),
        "{out}"
    );
}

#[test]
fn backup_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    set_up(d);
    let zip = d.join("backup.zip");
    let b = prongsai(d, &["backup", "--out", zip.to_str().unwrap()]).ok();
    assert!(b.stdout().contains("backup written"), "{}", b.stdout());
    assert!(
        b.stderr().is_empty() || !b.stderr().contains('\u{1b}'),
        "no progress bar when stderr is not a terminal"
    );
    // Refuses to overwrite.
    prongsai(d, &["backup", "--out", zip.to_str().unwrap()]).fails();

    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    // The restored installation needs the same audit key to verify the trail.
    std::fs::create_dir_all(o.join("keys")).unwrap();
    for k in ["audit", "cookie", "reports"] {
        std::fs::copy(
            d.join(format!("keys/{k}.key")),
            o.join(format!("keys/{k}.key")),
        )
        .unwrap();
    }
    prongsai(o, &["restore", zip.to_str().unwrap()]).ok();
    assert_eq!(
        prongsai(o, &["org", "list", "--json"]).ok().stdout(),
        prongsai(d, &["org", "list", "--json"]).ok().stdout()
    );
    assert_eq!(
        prongsai(o, &["user", "list", "--org", "bang-pra", "--json"])
            .ok()
            .stdout(),
        prongsai(d, &["user", "list", "--org", "bang-pra", "--json"])
            .ok()
            .stdout()
    );
    prongsai(o, &["audit", "verify"]).ok();
    // Not into a database that holds data.
    let again = prongsai(o, &["restore", zip.to_str().unwrap()]).fails();
    assert!(
        again.stderr().contains("empty database"),
        "{}",
        again.stderr()
    );
}

#[test]
fn org_export_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    set_up(d);
    let export = prongsai(d, &["org", "export", "bang-pra"]).ok().stdout();
    assert!(export.contains("\"format\": \"prongsai-org-export\""));
    let file = d.join("bang-pra.json");
    std::fs::write(&file, &export).unwrap();

    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    prongsai(o, &["org", "import", file.to_str().unwrap()]).ok();
    assert_eq!(
        prongsai(o, &["org", "export", "bang-pra"]).ok().stdout(),
        export
    );
    prongsai(o, &["audit", "verify"]).ok();
    // Twice is refused.
    let twice = prongsai(o, &["org", "import", file.to_str().unwrap()]).fails();
    assert!(twice.stderr().contains("bang-pra"), "{}", twice.stderr());
}

#[test]
fn bad_input_is_refused_clearly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    set_up(d);
    let before = prongsai(d, &["org", "list", "--json"]).ok().stdout();

    let slug = prongsai(
        d,
        &[
            "org",
            "create",
            "--slug",
            "Bad Slug",
            "--name-th",
            "x",
            "--type",
            "subdistrict",
        ],
    )
    .fails();
    assert!(
        slug.stderr().contains("invalid organization slug"),
        "{}",
        slug.stderr()
    );
    assert!(
        slug.stderr().contains("ชื่อย่อองค์กร"),
        "Thai message too: {}",
        slug.stderr()
    );

    let ty = prongsai(
        d,
        &[
            "org",
            "create",
            "--slug",
            "ok-slug",
            "--name-th",
            "x",
            "--type",
            "city",
        ],
    )
    .fails();
    assert!(ty.stderr().contains("town_municipality"), "{}", ty.stderr());

    let role = prongsai(
        d,
        &[
            "user", "set-role", "somsri", "--org", "bang-pra", "--role", "mayor",
        ],
    )
    .fails();
    assert!(
        role.stderr().contains("unknown role") && role.stderr().contains("integrity_officer"),
        "{}",
        role.stderr()
    );

    // A role that needs a division, without one: the account is not created either.
    let half = prongsai(
        d,
        &[
            "user",
            "create",
            "--username",
            "halfway",
            "--name",
            "x",
            "--password",
            "correct horse battery",
            "--org",
            "bang-pra",
            "--role",
            "officer",
        ],
    )
    .fails();
    assert!(
        half.stderr().contains("needs a division"),
        "{}",
        half.stderr()
    );
    assert!(
        !prongsai(d, &["user", "list"])
            .ok()
            .stdout()
            .contains("halfway")
    );

    let garbage = d.join("garbage.json");
    std::fs::write(&garbage, "{\"format\": \"something else\"}").unwrap();
    let imp = prongsai(d, &["org", "import", garbage.to_str().unwrap()]).fails();
    assert!(
        imp.stderr().contains("not a Prongsai organization export"),
        "{}",
        imp.stderr()
    );
    let missing = prongsai(d, &["org", "import", d.join("nope.json").to_str().unwrap()]).fails();
    assert!(
        missing.stderr().contains("cannot read"),
        "{}",
        missing.stderr()
    );
    let not_zip = prongsai(d, &["restore", garbage.to_str().unwrap()]).fails();
    assert!(not_zip.stderr().contains("error:"), "{}", not_zip.stderr());
    prongsai(d, &["org", "export", "nowhere"]).fails();

    assert_eq!(
        prongsai(d, &["org", "list", "--json"]).ok().stdout(),
        before
    );
    prongsai(d, &["audit", "verify"]).ok();
}
