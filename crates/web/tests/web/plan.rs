//! The action plan's pages: the public plan and project sheets, and the staff page's
//! upload (multipart, CSRF, ManagePlan only).

use prongsai_domain::Role;
use prongsai_store::audit::Actor;
use prongsai_store::plans;

use crate::helpers::{TestApp, location};

fn seed_text() -> String {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/plans/chachoengsao-2566-2570-b.txt"
    );
    std::fs::read_to_string(p).expect("seed plan")
}

/// As askama writes text into HTML.
fn escaped(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn import_seed(app: &TestApp) -> prongsai_plan::Plan {
    let outcome = prongsai_plan::parse_text(&seed_text()).expect("parse");
    let findings = prongsai_plan::lint(&outcome);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let sha = prongsai_store::files::sha256_hex(seed_text().as_bytes());
    plans::import(
        &mut conn,
        &app.keys.audit,
        app.org.id,
        "plan.txt",
        &sha,
        &outcome,
        &findings,
        &Actor::cli(),
    )
    .await
    .expect("import");
    outcome.plan
}

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.expect("GET");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

#[tokio::test]
async fn public_plan_lists_every_project_with_budget_totals() {
    let app = TestApp::spawn().await;
    let (c, _) = app.client();
    // Before any import: a page saying so.
    let (status, body) = get(&c, &app, "/testville/plan").await;
    assert_eq!(status, 200);
    assert!(body.contains("ยังไม่มีแผนปฏิบัติการ"), "{body}");

    let plan = import_seed(&app).await;
    let (status, body) = get(&c, &app, "/testville/plan").await;
    assert_eq!(status, 200);
    assert_eq!(plan.projects.len(), 36);
    for p in &plan.projects {
        assert!(
            body.contains(&escaped(&p.name)),
            "project {} missing: {}",
            p.no,
            p.name
        );
        assert!(body.contains(&format!("/testville/plan/projects/{}\"", p.no)));
    }
    for d in &plan.dimensions {
        assert!(body.contains(&escaped(&d.title)), "dimension {}", d.no);
    }
    // B.E. fiscal years, baht with separators; each year 120,000 + 90,000 + 100,000.
    for y in 2566..=2570 {
        assert!(body.contains(&format!("ปี {y}")), "year {y}");
    }
    let total_row = &body[body.find("class=\"total\"").expect("total row")..];
    assert_eq!(total_row.matches("310,000").count(), 5, "{total_row}");
    assert!(total_row.contains("1,550,000"));
    assert!(body.contains("600,000"), "dimension 1 over five years");
    assert!(
        body.contains("450,000") && body.contains("500,000"),
        "dimensions 3 and 4"
    );
    // The targets table: ITA 65 → 85.
    assert!(body.contains("คะแนน ITA"));
    assert!(body.contains(">85<"));

    // In English.
    let r = c
        .get(app.url("/testville/plan"))
        .header("cookie", "prongsai_lang=en")
        .send()
        .await
        .expect("GET");
    let en = r.text().await.expect("body");
    assert!(en.contains("Grand total") && en.contains("FY 2566"), "{en}");

    // Another organization has no plan.
    app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    let (_, other) = get(&c, &app, "/otherville/plan").await;
    assert!(other.contains("ยังไม่มีแผนปฏิบัติการ"));
    assert!(!other.contains(&escaped(&plan.projects[0].name)));
}

#[tokio::test]
async fn project_sheet_shows_nine_sections_and_readable_targets() {
    let app = TestApp::spawn().await;
    let plan = import_seed(&app).await;
    let (c, _) = app.client();
    let (status, body) = get(&c, &app, "/testville/plan/projects/1").await;
    assert_eq!(status, 200);
    assert!(body.contains(&escaped(&plan.projects[0].name)));
    for s in [
        "หลักการและเหตุผล",
        "วัตถุประสงค์",
        "กลุ่มเป้าหมาย",
        "วิธีดำเนินการ",
        "ระยะเวลาดำเนินการ",
        "งบประมาณดำเนินการ",
        "ผู้รับผิดชอบ",
        "ผลผลิต",
        "ผลลัพธ์",
    ] {
        assert!(body.contains(s), "section {s}");
    }
    assert!(body.contains("ไม่น้อยกว่า 5 ช่องทาง"), "{body}");
    assert!(body.contains("ไม่น้อยกว่า ปีละ 4 ครั้ง"));
    assert!(body.contains("ไม่น้อยกว่า ร้อยละ 80"));
    assert!(body.contains("/testville/plan/projects/2\""), "next link");
    let r = c
        .get(app.url("/testville/plan/projects/1"))
        .header("cookie", "prongsai_lang=en")
        .send()
        .await
        .expect("GET");
    let en = r.text().await.expect("body");
    assert!(
        en.contains("at least 5 channels")
            && en.contains("at least 4 times a year")
            && en.contains("at least 80%"),
        "{en}"
    );

    // Project 2's budget, and its responsible unit matched to no division here.
    let (_, two) = get(&c, &app, "/testville/plan/projects/2").await;
    assert_eq!(two.matches("120,000").count(), 5);
    assert!(two.contains("600,000"));
    // กองคลัง is a division of testville: project 4 (กองคลัง) names it.
    let n = plan
        .projects
        .iter()
        .find(|p| p.responsible == "กองคลัง")
        .map(|p| p.no)
        .expect("a กองคลัง project");
    let (_, fin) = get(&c, &app, &format!("/testville/plan/projects/{n}")).await;
    assert!(fin.contains("สำนัก/กองในระบบ: กองคลัง"), "{fin}");

    for bad in [
        "/testville/plan/projects/99",
        "/testville/plan/projects/abc",
        "/testville/plan/projects/0",
        "/nowhere/plan",
    ] {
        let (status, _) = get(&c, &app, bad).await;
        assert_eq!(status, 404, "{bad}");
    }
}

fn multipart(boundary: &str, csrf: Option<&str>, file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut b = Vec::new();
    if let Some(token) = csrf {
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    b
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: Option<&str>,
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let boundary = "----prongsai-test-boundary-7d3f";
    c.post(app.url("/testville/staff/plan"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart(boundary, csrf, file))
        .send()
        .await
        .expect("POST")
}

#[tokio::test]
async fn clerk_uploads_a_plan_and_sees_the_changes_officer_may_not() {
    let app = TestApp::spawn().await;
    let clerk = app.user("clerk", Role::Clerk).await;
    let officer = app.user("officer", Role::Officer).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    let seed = seed_text();

    let (status, page) = get(&c, &app, "/testville/staff/plan").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("enctype=\"multipart/form-data\""),
        "the clerk gets the form"
    );

    let r = upload(
        &app,
        &c,
        Some(&csrf),
        Some(("แผน 2566.txt", seed.as_bytes())),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/testville/staff/plan?imported=1");
    let (status, page) = get(&c, &app, "/testville/staff/plan?imported=1").await;
    assert_eq!(status, 200);
    assert!(page.contains("ฉบับแรกของแผน มี 36 โครงการ"), "{page}");
    assert!(page.contains("แผน 2566.txt"));
    assert!(
        page.contains("declared-count-mismatch"),
        "findings are listed"
    );
    assert!(
        page.contains("/testville/plan/projects/1\""),
        "findings link their project"
    );
    assert!(page.contains("บรรทัด 211"), "with line numbers");

    // Version 2: project 2 gets 150,000 in 2568.
    let changed: String = seed
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
    let r = upload(
        &app,
        &c,
        Some(&csrf),
        Some(("plan-v2.txt", changed.as_bytes())),
    )
    .await;
    assert_eq!(location(&r), "/testville/staff/plan?imported=2");
    let (_, page) = get(&c, &app, "/testville/staff/plan?imported=2").await;
    assert!(
        page.contains("งบประมาณปี 2568 ของโครงการที่ 2: 120,000 → 150,000 บาท"),
        "{page}"
    );
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let versions = plans::versions(&mut conn, app.org.id)
        .await
        .expect("versions");
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.is_current))
            .collect::<Vec<_>>(),
        [(2, true), (1, false)]
    );
    assert_eq!(versions[0].imported_by, "clerk");
    drop(conn);
    let (_, public) = get(&c, &app, "/testville/plan").await;
    assert!(
        public.contains("340,000"),
        "the public page shows the current version"
    );

    // Not a plan, or not a .txt/.docx: refused with the reason, nothing stored.
    let r = upload(
        &app,
        &c,
        Some(&csrf),
        Some(("notes.txt", "สวัสดี ไม่ใช่แผน".as_bytes())),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("ไม่ใช่แผนปฏิบัติการป้องกันการทุจริต")
    );
    let r = upload(&app, &c, Some(&csrf), Some(("plan.pdf", seed.as_bytes()))).await;
    assert_eq!(r.status().as_u16(), 422);
    // No file: back to the form, asking for one.
    let r = upload(&app, &c, Some(&csrf), None).await;
    assert_eq!(location(&r), "/testville/staff/plan?error=no_file");
    // No or a wrong CSRF token: 403.
    assert_eq!(
        upload(&app, &c, None, Some(("plan.txt", seed.as_bytes())))
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        upload(
            &app,
            &c,
            Some("forged"),
            Some(("plan.txt", seed.as_bytes()))
        )
        .await
        .status()
        .as_u16(),
        403
    );

    // An officer sees the page without the form, and may not upload.
    let (oc, ocsrf) = app.signed_in(&officer).await;
    let (status, page) = get(&oc, &app, "/testville/staff/plan").await;
    assert_eq!(status, 200);
    assert!(!page.contains("enctype=\"multipart/form-data\""));
    let r = upload(&app, &oc, Some(&ocsrf), Some(("plan.txt", seed.as_bytes()))).await;
    assert_eq!(r.status().as_u16(), 403);

    let mut conn = app.db.pool.acquire().await.expect("conn");
    assert_eq!(
        plans::versions(&mut conn, app.org.id)
            .await
            .expect("versions")
            .len(),
        2,
        "nothing more stored"
    );
    let imports = prongsai_store::audit::recent(&mut conn, app.org.id, 100, None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "plan.import")
        .count();
    assert_eq!(imports, 2);
}

#[tokio::test]
async fn uploads_over_20_mb_are_refused() {
    let app = TestApp::spawn().await;
    let clerk = app.user("clerk", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    let big = vec![b'a'; 21 * 1024 * 1024];
    let r = upload(&app, &c, Some(&csrf), Some(("big.txt", &big))).await;
    assert_eq!(r.status().as_u16(), 413);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    assert!(
        plans::versions(&mut conn, app.org.id)
            .await
            .expect("versions")
            .is_empty()
    );
}
