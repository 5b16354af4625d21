//! Running the plan through the web: an officer records progress with evidence, the
//! head approves, the clerk submits the 6-month round and the public page shows it;
//! an officer of another division is refused; a council member only reads.

#![allow(clippy::unwrap_used)]

use prongsai_domain::Role;
use prongsai_store::audit::Actor;
use prongsai_store::{plans, progress, users};

use crate::helpers::{TestApp, location};

const SHA: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn png() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../media/tests/fixtures/tiny.png"
    ))
    .expect("png fixture")
}

/// A multipart/form-data body (reqwest's multipart feature is not compiled in).
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----prongsai-test-boundary-7d2f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// Imports the seed plan (once) and returns the key of a project of `division`.
    pub async fn seed_plan_project(&self, division: i64) -> i64 {
        let mut conn = self.db.pool.acquire().await.expect("conn");
        if plans::current(&mut conn, self.org.id)
            .await
            .expect("plan")
            .is_none()
        {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
            let outcome = prongsai_plan::parse_file(&p).expect("seed plan");
            let findings = prongsai_plan::lint(&outcome);
            plans::import(
                &mut conn,
                &self.keys.audit,
                self.org.id,
                "plan.txt",
                SHA,
                &outcome,
                &findings,
                &Actor::cli(),
            )
            .await
            .expect("import");
        }
        let v = plans::current(&mut conn, self.org.id)
            .await
            .expect("plan")
            .expect("current");
        plans::projects(&mut conn, self.org.id, v.id)
            .await
            .expect("projects")
            .into_iter()
            .find(|p| p.division_id == Some(division))
            .expect("a project of the division")
            .project_key
    }

    /// The seed plan, a project of `division` and one evidence file of it in 2567
    /// (uploaded through the web by an officer of the division).
    pub async fn progress_fixture(&self, division: i64) -> (i64, i64) {
        let key = self.seed_plan_project(division).await;
        let officer = self
            .user_with_division("fixture-officer", Role::Officer, division)
            .await;
        let (c, csrf) = self.signed_in(&officer).await;
        let (ct, body) = multipart(&[("csrf", &csrf)], Some(("file", "photo.png", &png())));
        let url = self.url(&format!(
            "/{}/staff/progress/{key}/2567/evidence",
            self.org.slug
        ));
        let r = c
            .post(url)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .expect("upload");
        assert!(
            location(&r).ends_with("ok=evidence"),
            "fixture upload: {} {}",
            r.status(),
            location(&r)
        );
        let mut conn = self.db.pool.acquire().await.expect("conn");
        let e = progress::evidence(&mut conn, self.org.id, key, 2567)
            .await
            .expect("evidence");
        (key, e[0].id)
    }

    /// An account with a role and a given division.
    pub async fn user_with_division(
        &self,
        username: &str,
        role: Role,
        division: i64,
    ) -> users::User {
        let u = self.user(username, role).await;
        let mut conn = self.db.pool.acquire().await.expect("conn");
        users::set_role(
            &mut conn,
            &self.keys.audit,
            self.org.id,
            u.id,
            role,
            Some(division),
            &Actor::cli(),
        )
        .await
        .expect("role");
        u
    }
}

#[tokio::test]
async fn officer_records_head_approves_clerk_submits_public_sees() {
    let app = TestApp::spawn().await;
    let office = app.divisions[0].id;
    let finance = app.divisions[1].id;
    let key = app.seed_plan_project(office).await;
    let base = format!("/{}/staff/progress/{key}/2567", app.org.slug);

    let officer = app
        .user_with_division("officer-office", Role::Officer, office)
        .await;
    let head = app
        .user_with_division("head-office", Role::DivisionHead, office)
        .await;
    let stranger = app
        .user_with_division("officer-finance", Role::Officer, finance)
        .await;
    let clerk = app.user("clerk", Role::Clerk).await;
    let council = app.user("council", Role::CouncilMember).await;
    let (oc, ocsrf) = app.signed_in(&officer).await;
    let (hc, hcsrf) = app.signed_in(&head).await;
    let (sc, scsrf) = app.signed_in(&stranger).await;
    let (cc, ccsrf) = app.signed_in(&clerk).await;
    let (vc, _) = app.signed_in(&council).await;

    // The officer's list shows the division's projects with their status.
    let list = oc
        .get(app.url(&format!("/{}/staff/progress?year=2567", app.org.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(html.contains(&format!("progress/{key}/2567")), "{html}");
    assert!(html.contains("ยังไม่ดำเนินการ"));

    // The officer records progress: Thai digits for money, a step with a date, a KPI.
    let form = [
        ("csrf", ocsrf.as_str()),
        ("status", "done"),
        ("dev_plan", "๒๐,๐๐๐"),
        ("ordinance", "20000"),
        ("disbursed", "๑๒,๓๔๕.๕๐"),
        ("step_done_1", "1"),
        ("step_on_1", "2024-01-15"),
        ("kpi_actual_output_1", "๘๕"),
        ("problems", "ฝนตกหนัก"),
    ];
    let r = oc.post(app.url(&base)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).ends_with("ok=saved"), "{}", location(&r));
    // The step date is shown back in B.E.; typed that way (in Thai digits) it saves
    // the same date.
    let edit = oc
        .get(app.url(&base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(edit.contains("value=\"15/01/2567\""), "step date in B.E.");
    let mut be = form;
    be[6] = ("step_on_1", "๑๕/๐๑/๒๕๖๗");
    let r = oc.post(app.url(&base)).form(&be).send().await.unwrap();
    assert!(location(&r).ends_with("ok=saved"), "{}", location(&r));
    let edit = oc
        .get(app.url(&base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        edit.contains("value=\"15/01/2567\""),
        "same date after a B.E. entry"
    );
    // "Could not be done" without a reason comes back with a message.
    let r = oc
        .post(app.url(&base))
        .form(&[("csrf", ocsrf.as_str()), ("status", "could_not_be_done")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("err=reason"));

    // Evidence: a photo (multipart with the CSRF field) and a link.
    let (ct, body) = multipart(
        &[("csrf", &ocsrf), ("caption", "ภาพกิจกรรม")],
        Some(("file", "กิจกรรม.png", &png())),
    );
    let r = oc
        .post(app.url(&format!("{base}/evidence")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        location(&r).ends_with("ok=evidence"),
        "{} {}",
        r.status(),
        location(&r)
    );
    let (ct, body) = multipart(&[("csrf", "wrong")], Some(("file", "x.png", &png())));
    let r = oc
        .post(app.url(&format!("{base}/evidence")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "multipart needs the CSRF field too");
    let (ct, body) = multipart(
        &[("csrf", &ocsrf)],
        Some(("file", "evil.html", b"<script>alert(1)</script>")),
    );
    let r = oc
        .post(app.url(&format!("{base}/evidence")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("err=file"));
    let r = oc
        .post(app.url(&format!("{base}/evidence")))
        .form(&[
            ("csrf", ocsrf.as_str()),
            ("link", "https://example.org/news/1"),
        ])
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("ok=evidence"));
    let page = oc
        .get(app.url(&base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("12,345.50")
            && page.contains("กิจกรรม.png")
            && page.contains("https://example.org/news/1")
    );
    assert!(page.contains("badge-achieved"), "85 ≥ the output's target");

    // An officer of another division may read but not edit (403).
    let r = sc
        .post(app.url(&base))
        .form(&[("csrf", scsrf.as_str()), ("status", "done")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = sc
        .post(app.url(&format!("{base}/submit")))
        .form(&[("csrf", scsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Sent to the head: locked for the officer; the head approves.
    let r = oc
        .post(app.url(&format!("{base}/submit")))
        .form(&[("csrf", ocsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("ok=submitted"));
    let r = oc.post(app.url(&base)).form(&form).send().await.unwrap();
    assert!(location(&r).ends_with("err=locked"));
    let r = hc
        .post(app.url(&format!("{base}/approve")))
        .form(&[("csrf", hcsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("ok=approved"), "{}", location(&r));
    let page = hc
        .get(app.url(&base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("อนุมัติแล้ว"));

    // The council member reads, without forms, and cannot change anything.
    let r = vc.get(app.url(&base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("12,345.50") && !page.contains("multipart/form-data"));
    let r = vc
        .post(app.url(&base))
        .form(&[("csrf", "x"), ("status", "done")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Nothing public before the round is submitted.
    let (anon, _) = app.client();
    let r = anon
        .get(app.url(&format!("/{}/reports/2567/6m", app.org.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The clerk submits the 6-month round.
    let round = format!("/{}/staff/rounds/2567/6m", app.org.slug);
    let draft = cc
        .get(app.url(&round))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(draft.contains("ฉบับร่าง"));
    let r = cc
        .post(app.url(&format!("{round}/submit")))
        .form(&[("csrf", ccsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("ok=submitted"));
    let r = cc
        .post(app.url(&format!("{round}/submit")))
        .form(&[("csrf", ccsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        location(&r).ends_with("err=note"),
        "a correction must say what changed"
    );

    // The public page shows it: summary, the project, the amount, the version.
    let public = anon
        .get(app.url(&format!("/{}/reports", app.org.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(public.contains("/reports/2567/6m"));
    let r = anon
        .get(app.url(&format!("/{}/reports/2567/6m", app.org.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("12,345.50") && page.contains("310,000") && page.contains("ฉบับที่ส่ง"),
        "{page}"
    );
    assert!(
        !page.contains("clerk"),
        "the public sees when, not which account"
    );

    // A correction is a new, visible version; the first one stays.
    let r = cc
        .post(app.url(&format!("{round}/submit")))
        .form(&[("csrf", ccsrf.as_str()), ("note", "แก้ยอดเบิกจ่าย")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).ends_with("ok=submitted"));
    let page = anon
        .get(app.url(&format!("/{}/reports/2567/6m", app.org.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("ฉบับแก้ไขครั้งที่ 1") && page.contains("แก้ยอดเบิกจ่าย"));
    let r = anon
        .get(app.url(&format!("/{}/reports/2567/6m?version=1", app.org.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Downloads.
    for (suffix, ty) in [
        (
            "report.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("report.pdf", "application/pdf"),
        ("eplannacc.csv", "text/csv; charset=utf-8"),
        (
            "eplannacc.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let r = vc
            .get(app.url(&format!("{round}/{suffix}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{suffix}");
        assert_eq!(r.headers()["content-type"], ty);
        let bytes = r.bytes().await.unwrap();
        if suffix == "eplannacc.csv" {
            assert!(bytes.starts_with("\u{FEFF}ปีงบประมาณ".as_bytes()));
            assert!(String::from_utf8_lossy(&bytes).contains("12345.50"));
        }
    }
    let r = anon
        .get(app.url(&format!("/{}/reports/2567/6m/report.pdf", app.org.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
}
