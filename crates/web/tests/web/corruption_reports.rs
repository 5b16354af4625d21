//! Corruption and misconduct reports: the public channel with its receipt, the
//! integrity officers' area, the API, the conflict rule, retention and what stays out
//! of the database in plaintext.

use prongsai_domain::Role;
use prongsai_store::audit::Actor;
use prongsai_store::corruption_reports::{self as store, Details, Identity, ReportKeys};
use prongsai_web::routes::STAFF_ROUTES;

use crate::helpers::{TestApp, hidden, location};

/// A multipart body by hand (the test client has no multipart feature).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----prongsai-test-boundary-7f3a";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

/// A 1×1 PNG with a text chunk that must be stripped.
pub fn png_with_text(text: &str) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut c = kind.to_vec();
        c.extend_from_slice(data);
        out.extend_from_slice(&c);
        out.extend_from_slice(&crc32(&c).to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let mut t = b"Author\0".to_vec();
    t.extend_from_slice(text.as_bytes());
    chunk(&mut out, b"tEXt", &t);
    // zlib stream of one filter byte and one grey pixel.
    chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
        ],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn marker() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().r#gen();
    format!("ZZMARKER-{n:016x}")
}

/// Files a report through the HTML form; returns the receipt shown.
async fn file_report(app: &TestApp, name: &str, what: &str, files: &[(&str, &[u8])]) -> String {
    let (c, _) = app.client();
    let form = c
        .get(app.url("/testville/integrity/report"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    let token = hidden(&form, "csrf");
    let (ct, body) = multipart(
        &[
            ("csrf", &token),
            ("website", ""),
            ("name", name),
            ("contact", "line: reporter"),
            ("who_name", "นายตัวอย่าง"),
            ("who_position", "นักวิชาการพัสดุ"),
            ("who_division", "กองคลัง"),
            ("what", what),
            ("when", "มีนาคม 2568"),
            ("where", "สำนักงาน"),
            ("how_known", "เห็นเอง"),
        ],
        files,
    );
    let r = c
        .post(app.url("/testville/integrity/report"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("submit");
    assert_eq!(r.status(), 200);
    let page = r.text().await.expect("page");
    let start = page.find("<code id=\"receipt\">").expect("receipt shown") + 19;
    page[start..start + page[start..].find('<').expect("end")].to_string()
}

async fn only_report_id(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM corruption_reports WHERE org_id = $1")
        .bind(app.org.id)
        .fetch_one(&app.db.pool)
        .await
        .expect("one report");
    id
}

async fn follow_up(app: &TestApp, receipt: &str) -> reqwest::Response {
    let (c, _) = app.client();
    let page = c
        .get(app.url("/testville/integrity/follow-up"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    c.post(app.url("/testville/integrity/follow-up"))
        .form(&[
            ("csrf", hidden(&page, "csrf")),
            ("receipt", receipt.to_string()),
        ])
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn reporter_files_officer_replies_reporter_reads_with_receipt() {
    let app = TestApp::spawn().await;
    let m = marker();
    let png = png_with_text(&m);
    let receipt = file_report(&app, &m, &format!("เรื่อง {m}"), &[("photo.png", &png)]).await;
    assert!(receipt.len() >= 30, "{receipt}");
    let id = only_report_id(&app).await;

    // Nothing readable in the rows: identity, text, receipt.
    let dump = prongsai_store::backup::logical_dump(&app.db)
        .await
        .expect("dump");
    let text = serde_json::to_string(&dump).expect("json");
    assert!(!text.contains(&m), "marker in the database");
    assert!(
        !text.contains(&receipt.replace('-', "")),
        "receipt in the database"
    );
    assert!(!text.contains("photo.png"), "file name kept");
    assert!(!text.contains("นายตัวอย่าง"));

    // The integrity officer sees it, replies, reveals the identity with a reason.
    let officer = app.user("integ", Role::IntegrityOfficer).await;
    let (c, csrf) = app.signed_in(&officer).await;
    let list = c
        .get(app.url("/testville/staff/integrity/"))
        .send()
        .await
        .expect("list");
    assert_eq!(list.status(), 200);
    assert!(list.text().await.expect("t").contains(&format!("#{id}")));
    let detail = c
        .get(app.url(&format!("/testville/staff/integrity/{id}")))
        .send()
        .await
        .expect("detail")
        .text()
        .await
        .expect("t");
    assert!(detail.contains(&format!("เรื่อง {m}")));
    assert!(
        !detail.contains("line: reporter"),
        "identity shown without a reveal"
    );
    // The evidence lost its metadata.
    let file_id: (i64,) = sqlx::query_as("SELECT id FROM corruption_report_files")
        .fetch_one(&app.db.pool)
        .await
        .expect("file");
    let bytes = c
        .get(app.url(&format!(
            "/testville/staff/integrity/{id}/files/{}",
            file_id.0
        )))
        .send()
        .await
        .expect("file")
        .bytes()
        .await
        .expect("bytes");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(
        !String::from_utf8_lossy(&bytes).contains(&m),
        "metadata kept"
    );

    for action in ["acknowledge", "start_investigation"] {
        let r = c
            .post(app.url(&format!("/testville/staff/integrity/{id}/status")))
            .form(&[("csrf", csrf.as_str()), ("action", action)])
            .send()
            .await
            .expect("status");
        assert_eq!(r.status(), 303);
        assert!(location(&r).ends_with("m=status"), "{}", location(&r));
    }
    let r = c
        .post(app.url(&format!("/testville/staff/integrity/{id}/reply")))
        .form(&[("csrf", csrf.as_str()), ("body", "ได้รับเรื่องและกำลังตรวจสอบ")])
        .send()
        .await
        .expect("reply");
    assert_eq!(r.status(), 303);
    let r = c
        .post(app.url(&format!("/testville/staff/integrity/{id}/identity")))
        .form(&[("csrf", csrf.as_str()), ("reason", "ต้องสอบถามข้อเท็จจริงเพิ่ม")])
        .send()
        .await
        .expect("reveal")
        .text()
        .await
        .expect("t");
    assert!(r.contains(&m), "identity shown after the reveal");
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'corruption_report.reveal_identity'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("audited");
    assert!(after.contains("ต้องสอบถามข้อเท็จจริงเพิ่ม"));
    assert!(!before.contains(&m) && !after.contains(&m));
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%ZZMARKER%' OR before_json LIKE '%ZZMARKER%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    assert_eq!(n, 0);

    // The reporter reads the reply with the receipt (typed loosely), adds information.
    let r = follow_up(&app, &receipt.to_lowercase().replace('-', " ")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.expect("t");
    assert!(page.contains("ได้รับเรื่องและกำลังตรวจสอบ"));
    assert!(page.contains("อยู่ระหว่างตรวจสอบข้อเท็จจริง"));
    let (c2, _) = app.client();
    let form = c2
        .get(app.url("/testville/integrity/follow-up"))
        .send()
        .await
        .expect("g")
        .text()
        .await
        .expect("t");
    let (ct, body) = multipart(
        &[
            ("csrf", &hidden(&form, "csrf")),
            ("receipt", &receipt),
            ("message", "ข้อมูลเพิ่มเติมจากผู้แจ้ง"),
        ],
        &[],
    );
    let r = c2
        .post(app.url("/testville/integrity/follow-up/add"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("add");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("t").contains("ข้อมูลเพิ่มเติมจากผู้แจ้ง"));

    // A wrong receipt: 422, same page, nothing revealed.
    let wrong = prongsai_domain::codes::Receipt::generate(&mut rand::thread_rng()).reveal_grouped();
    assert_eq!(follow_up(&app, &wrong).await.status(), 422);
    assert_eq!(follow_up(&app, "not a receipt").await.status(), 422);

    // Conclusion needs the disciplinary outcome when substantiated.
    let r = c
        .post(app.url(&format!("/testville/staff/integrity/{id}/status")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "conclude"),
            ("outcome", "substantiated"),
        ])
        .send()
        .await
        .expect("conclude");
    assert!(location(&r).ends_with("m=disciplinary_required"));
    let r = c
        .post(app.url(&format!("/testville/staff/integrity/{id}/status")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "conclude"),
            ("outcome", "forwarded_nacc"),
            ("disciplinary", "ส่งสำนักงาน ป.ป.ช."),
        ])
        .send()
        .await
        .expect("conclude");
    assert!(location(&r).ends_with("m=status"));
    let (status,): (String,) = sqlx::query_as("SELECT status FROM corruption_reports")
        .fetch_one(&app.db.pool)
        .await
        .expect("status");
    assert_eq!(status, "concluded:forwarded_nacc");
}

#[tokio::test]
async fn every_integrity_route_is_forbidden_to_every_other_role() {
    let app = TestApp::spawn().await;
    let other = app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    file_report(&app, "", "เรื่องทดสอบสิทธิ์", &[("a.png", &png_with_text("x"))]).await;
    let id = only_report_id(&app).await;
    let (file_id,): (i64,) = sqlx::query_as("SELECT id FROM corruption_report_files")
        .fetch_one(&app.db.pool)
        .await
        .expect("file");
    let routes: Vec<_> = STAFF_ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/{org}/staff/integrity"))
        .collect();
    assert_eq!(routes.len(), 9);
    let mut who = Vec::new();
    for role in prongsai_domain::Role::ALL {
        if role == Role::IntegrityOfficer {
            continue;
        }
        let u = app
            .user(&format!("r-{}", role.code().replace('_', "-")), role)
            .await;
        who.push((format!("{role:?}"), app.signed_in(&u).await));
    }
    // Integrity officers of another organization are nobody here.
    let outsider = app
        .user_in(other.id, "other-integrity", Role::IntegrityOfficer)
        .await;
    who.push((
        "other org's integrity officer".into(),
        app.signed_in(&outsider).await,
    ));
    let mut failures = Vec::new();
    for r in &routes {
        let path = r
            .path
            .replace("{org}", "testville")
            .replace("{report_id}", &id.to_string())
            .replace("{file_id}", &file_id.to_string());
        for (name, (c, csrf)) in &who {
            let req = if r.method == "GET" {
                c.get(app.url(&path))
            } else {
                c.post(app.url(&path)).form(&[
                    ("csrf", csrf.as_str()),
                    ("action", "acknowledge"),
                    ("body", "x"),
                    ("reason", "because I want to"),
                    ("retention_days", "40"),
                ])
            };
            let res = req.send().await.expect("request");
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            if status != 403 || body.contains("เรื่องทดสอบสิทธิ์")
            {
                failures.push(format!("{} {} as {name}: {status}", r.method, r.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing changed.
    let (status,): (String,) = sqlx::query_as("SELECT status FROM corruption_reports")
        .fetch_one(&app.db.pool)
        .await
        .expect("status");
    assert_eq!(status, "received");
}

#[tokio::test]
async fn named_officers_and_their_division_heads_cannot_see_the_report() {
    let app = TestApp::spawn().await;
    file_report(&app, "", "เรื่องเกี่ยวกับเจ้าหน้าที่", &[]).await;
    let id = only_report_id(&app).await;
    let a = app.user("integ-a", Role::IntegrityOfficer).await;
    let b = app.user("integ-b", Role::IntegrityOfficer).await;
    let (ca, csrf_a) = app.signed_in(&a).await;
    let (cb, _) = app.signed_in(&b).await;
    // b heads the finance division (division heads are whoever the org names).
    let finance = app.divisions[1].id;
    let officer = app.user("named-officer", Role::Officer).await;
    {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        prongsai_store::users::set_role(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            officer.id,
            Role::Officer,
            Some(finance),
            &Actor::cli(),
        )
        .await
        .expect("role");
        prongsai_store::orgs::set_division_head(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            finance,
            Some(b.id),
            &Actor::cli(),
        )
        .await
        .expect("head");
    }
    let detail = format!("/testville/staff/integrity/{id}");
    assert_eq!(
        cb.get(app.url(&detail)).send().await.expect("g").status(),
        200
    );
    let r = ca
        .post(app.url(&format!("{detail}/officers")))
        .form(&[
            ("csrf", csrf_a.as_str()),
            ("user_id", &officer.id.to_string()),
            ("op", "link"),
        ])
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 303);
    // b heads the named officer's division: no access, not even in the list.
    assert_eq!(
        cb.get(app.url(&detail)).send().await.expect("g").status(),
        403
    );
    let list = cb
        .get(app.url("/testville/staff/integrity/"))
        .send()
        .await
        .expect("l")
        .text()
        .await
        .expect("t");
    assert!(!list.contains(&format!("#{id}")));
    assert_eq!(
        ca.get(app.url(&detail)).send().await.expect("g").status(),
        200
    );
    // a names themself: off the case at once.
    let r = ca
        .post(app.url(&format!("{detail}/officers")))
        .form(&[
            ("csrf", csrf_a.as_str()),
            ("user_id", &a.id.to_string()),
            ("op", "link"),
        ])
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 303);
    assert_eq!(
        ca.get(app.url(&detail)).send().await.expect("g").status(),
        403
    );
}

#[tokio::test]
async fn api_files_looks_up_and_adds_with_the_receipt_in_the_body() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    let r = c
        .post(app.url("/api/v1/orgs/testville/corruption-reports"))
        .json(&serde_json::json!({ "what": "รับเงินใต้โต๊ะ", "name": "API reporter" }))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.expect("json");
    let receipt = v["receipt"].as_str().expect("receipt").to_string();
    assert_eq!(v["status"], "received");

    let r = c
        .post(app.url("/api/v1/corruption-reports/messages"))
        .json(&serde_json::json!({ "receipt": receipt, "message": "เพิ่มเติม" }))
        .send()
        .await
        .expect("msg");
    assert_eq!(r.status(), 201);
    let r = c
        .post(app.url("/api/v1/corruption-reports/lookup"))
        .json(&serde_json::json!({ "receipt": receipt }))
        .send()
        .await
        .expect("lookup");
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["status"], "received");
    assert_eq!(v["messages"][0]["author"], "reporter");
    assert_eq!(v["messages"][0]["body"], "เพิ่มเติม");

    // Unknown receipts, garbage, missing fields: no detail echoed.
    let r = c
        .post(app.url("/api/v1/corruption-reports/lookup"))
        .json(&serde_json::json!({ "receipt": "0000-0000" }))
        .send()
        .await
        .expect("lookup");
    assert_eq!(r.status(), 404);
    let r = c
        .post(app.url("/api/v1/orgs/testville/corruption-reports"))
        .json(&serde_json::json!({ "what": 5, "name": "ZZECHO" }))
        .send()
        .await
        .expect("bad");
    assert_eq!(r.status(), 400);
    assert!(!r.text().await.expect("t").contains("ZZECHO"));
    let r = c
        .post(app.url("/api/v1/orgs/testville/corruption-reports"))
        .json(&serde_json::json!({ "what": "  " }))
        .send()
        .await
        .expect("empty");
    assert_eq!(r.status(), 400);
    // There is no GET with a receipt in the URL.
    let r = c
        .get(app.url(&format!(
            "/api/v1/corruption-reports/lookup?receipt={receipt}"
        )))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 405);

    // Public statistics: one report is a small cell.
    let s: serde_json::Value = c
        .get(app.url("/api/v1/orgs/testville/corruption-reports/stats"))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert!(s["years"][0]["received"].is_null(), "{s}");
    assert_eq!(s["years"][0]["concluded"], 0);
    let page = c
        .get(app.url("/testville/integrity/stats"))
        .send()
        .await
        .expect("stats page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("t").contains('*'));
}

#[tokio::test]
async fn submissions_are_rate_limited_per_address() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let r = c
            .post(app.url("/api/v1/orgs/testville/corruption-reports"))
            .header("x-forwarded-for", "198.51.100.77")
            .json(&serde_json::json!({ "what": "x" }))
            .send()
            .await
            .expect("create");
        statuses.push(r.status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429));
    // Another address is not affected; no address is stored anywhere.
    let r = c
        .post(app.url("/api/v1/orgs/testville/corruption-reports"))
        .header("x-forwarded-for", "198.51.100.78")
        .json(&serde_json::json!({ "what": "x" }))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let dump = prongsai_store::backup::logical_dump(&app.db)
        .await
        .expect("dump");
    assert!(
        !serde_json::to_string(&dump)
            .expect("j")
            .contains("198.51.100")
    );
}

#[tokio::test]
async fn expired_reports_are_purged_for_good_and_counted_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("dir");
    let blobs: std::sync::Arc<dyn prongsai_store::files::BlobStore> =
        std::sync::Arc::new(prongsai_store::files::LocalDir::new(dir.path()).expect("blobs"));
    let keys = ReportKeys::from_keys(&app.keys).expect("keys");
    let gc = prongsai_store::group_commit::GroupCommit::new(app.db.clone());
    let png = png_with_text("x");
    let ev = store::prepare_evidence(&png).expect("png");
    for what in ["old", "new"] {
        store::submit(
            &gc,
            blobs.clone(),
            &keys,
            app.org.id,
            Some(Identity::default()),
            Details {
                what: what.into(),
                ..Details::default()
            },
            vec![ev.clone()],
        )
        .await
        .expect("submit");
    }
    assert_eq!(blobs.list().expect("list").len(), 2);
    let old_ms = prongsai_store::now_ms() - 40 * 24 * 3600 * 1000;
    // The first report is 40 days old; keep 30 days.
    sqlx::query("UPDATE corruption_reports SET received_at = $1 WHERE id = (SELECT MIN(id) FROM corruption_reports WHERE details_sealed <> '')")
        .bind(old_ms)
        .execute(&app.db.pool)
        .await
        .expect("age");
    {
        let mut conn = app.db.pool.acquire().await.expect("c");
        store::save_settings(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            store::Settings {
                retention_days: 30,
                conclude_days: None,
            },
            &Actor::cli(),
        )
        .await
        .expect("settings");
    }
    let now = time::OffsetDateTime::now_utc();
    let n = store::purge_expired(
        &app.db,
        &app.keys.audit,
        blobs.as_ref(),
        None,
        now,
        &Actor::system(),
    )
    .await
    .expect("purge");
    assert_eq!(n, 1);
    // Idempotent: a second run (or another process) deletes nothing more.
    let again = store::purge_expired(
        &app.db,
        &app.keys.audit,
        blobs.as_ref(),
        Some(app.org.id),
        now,
        &Actor::system(),
    )
    .await
    .expect("purge");
    assert_eq!(again, 0);
    let (reports,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM corruption_reports")
        .fetch_one(&app.db.pool)
        .await
        .expect("n");
    assert_eq!(reports, 1);
    let (files,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM corruption_report_files")
        .fetch_one(&app.db.pool)
        .await
        .expect("n");
    assert_eq!(files, 1);
    assert_eq!(
        blobs.list().expect("list").len(),
        1,
        "the blob went with the row"
    );
    let (after,): (String,) =
        sqlx::query_as("SELECT after_json FROM audit_log WHERE action = 'corruption_report.purge'")
            .fetch_one(&app.db.pool)
            .await
            .expect("audited");
    assert!(after.contains("\"deleted\":1"), "{after}");
}

#[tokio::test]
async fn org_export_leaves_corruption_reports_out() {
    let app = TestApp::spawn().await;
    let m = marker();
    file_report(&app, &m, "ส่งออกหรือไม่", &[]).await;
    let (sealed,): (String,) = sqlx::query_as("SELECT details_sealed FROM corruption_reports")
        .fetch_one(&app.db.pool)
        .await
        .expect("row");
    let blobs: std::sync::Arc<dyn prongsai_store::files::BlobStore> = std::sync::Arc::new(
        prongsai_store::files::LocalDir::new(tempfile::tempdir().expect("d").keep()).expect("b"),
    );
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let doc = prongsai_store::transfer::export_org_string(&mut conn, blobs, app.org.id)
        .await
        .expect("export");
    assert!(!doc.contains(&m));
    assert!(!doc.contains(&sealed), "sealed report in the export");
    assert!(
        !doc.contains("corruption_reports\""),
        "a corruption-report section"
    );
}

/// A report with one evidence file, filed through the form (for the matrix test).
pub async fn seed_report(app: &TestApp) -> (i64, i64) {
    file_report(
        app,
        "matrix",
        "matrix report",
        &[("m.png", &png_with_text("m"))],
    )
    .await;
    let (id, file): (i64, i64) = sqlx::query_as(
        "SELECT r.id, f.id FROM corruption_reports r JOIN corruption_report_files f ON f.report_id = r.id \
         WHERE r.org_id = $1",
    )
    .bind(app.org.id)
    .fetch_one(&app.db.pool)
    .await
    .expect("seeded report");
    (id, file)
}
