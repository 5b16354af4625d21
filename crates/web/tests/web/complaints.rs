//! The complaint centre, black-box: a citizen files on the web form, an officer handles
//! the case, the citizen follows it with the code; spam protection; uploads; the JSON
//! API; statistics; e-mail notices through a local SMTP sink.

use std::time::Duration;

use prongsai_domain::Role;
use prongsai_web::WebConfig;

use crate::helpers::{TestApp, hidden, location};

const BOUNDARY: &str = "----prongsai-test-boundary";

/// A multipart body: text fields and (name, filename, content type, bytes) files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &str, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, ct, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// The citizen's form as a browser shows it: (csrf token, signed stamp).
async fn open_form(app: &TestApp, c: &reqwest::Client) -> (String, String) {
    let page = c
        .get(app.url("/testville/complaints/new"))
        .send()
        .await
        .expect("GET form")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล"),
        "PDPA notice shown"
    );
    (hidden(&page, "csrf"), hidden(&page, "t"))
}

struct Filing<'a> {
    category: &'a str,
    email: &'a str,
    ip: &'a str,
    files: Vec<(&'a str, &'a str, &'a str, Vec<u8>)>,
    wait: bool,
}

impl Default for Filing<'_> {
    fn default() -> Self {
        Filing {
            category: "tax",
            email: "",
            ip: "203.0.113.10",
            files: vec![],
            wait: true,
        }
    }
}

async fn file(app: &TestApp, c: &reqwest::Client, f: Filing<'_>) -> reqwest::Response {
    let (csrf, stamp) = open_form(app, c).await;
    if f.wait {
        tokio::time::sleep(Duration::from_millis(2100)).await;
    }
    let files: Vec<(&str, &str, &str, &[u8])> = f
        .files
        .iter()
        .map(|(a, b, c, d)| (*a, *b, *c, d.as_slice()))
        .collect();
    let body = multipart(
        &[
            ("csrf", &csrf),
            ("t", &stamp),
            ("website", ""),
            ("category", f.category),
            ("description", "ใบแจ้งภาษีที่ดินส่งผิดที่อยู่ ขอให้ตรวจสอบ"),
            ("location_text", "ถนนมรุพงษ์"),
            ("lat", "๑๓.๖๙๐๔"),
            ("lon", "101.0779"),
            ("contact_name", "สมหญิง ใจดี"),
            ("contact_phone", "0812345678"),
            ("contact_email", f.email),
            ("privacy", "1"),
        ],
        &files,
    );
    c.post(app.url("/testville/complaints/new"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("x-forwarded-for", f.ip)
        .body(body)
        .send()
        .await
        .expect("POST form")
}

/// The tracking code on the "received" page.
fn code_of(page: &str) -> String {
    let i = page
        .find("id=\"tracking-code\"><strong>")
        .expect("code on the page");
    let rest = &page[i + "id=\"tracking-code\"><strong>".len()..];
    rest[..rest.find('<').expect("end")].to_string()
}

async fn case_id(app: &TestApp, code: &str) -> i64 {
    let mut conn = app.db.pool.acquire().await.expect("conn");
    prongsai_store::complaints::by_code(&mut conn, app.org.id, code)
        .await
        .expect("lookup")
        .expect("filed")
        .id
}

#[tokio::test]
async fn a_citizen_files_an_officer_resolves_the_citizen_confirms() {
    let app = TestApp::spawn().await;
    let (citizen, _) = app.client();
    let r = file(&app, &citizen, Filing::default()).await;
    assert_eq!(r.status(), 201);
    let page = r.text().await.expect("body");
    let code = code_of(&page);
    assert!(
        page.contains("กำหนดแล้วเสร็จ") && page.contains("25"),
        "deadline in B.E.: {page}"
    );
    // Committed before the code was shown.
    let id = case_id(&app, &code).await;

    // The tax complaint went to the finance division; its officer handles it.
    let finance = app.divisions[1].id;
    let officer = app.user("finance-officer", Role::Officer).await;
    {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        prongsai_store::users::set_role(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            officer.id,
            Role::Officer,
            Some(finance),
            &prongsai_store::audit::Actor::cli(),
        )
        .await
        .expect("role");
    }
    let (oc, csrf) = app.signed_in(&officer).await;
    let queue = oc
        .get(app.url("/testville/staff/complaints"))
        .send()
        .await
        .expect("queue")
        .text()
        .await
        .expect("body");
    assert!(queue.contains(&code), "the case is in the officer's queue");
    let case_url = app.url(&format!("/testville/staff/complaints/{id}"));
    let case = oc
        .get(&case_url)
        .send()
        .await
        .expect("case")
        .text()
        .await
        .expect("body");
    assert!(case.contains("สมหญิง ใจดี"), "staff see the contact");
    for (action, text) in [("acknowledge", ""), ("start_work", "")] {
        let r = oc
            .post(format!("{case_url}/action"))
            .form(&[("csrf", csrf.as_str()), ("action", action), ("text", text)])
            .send()
            .await
            .expect("action");
        assert_eq!(r.status(), 303);
        assert!(
            location(&r).ends_with("?done=1"),
            "{action}: {}",
            location(&r)
        );
    }
    let r = oc
        .post(format!("{case_url}/note"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "บันทึกลับ-7731: ตรวจที่อยู่ในระบบแล้ว"),
        ])
        .send()
        .await
        .expect("note");
    assert_eq!(r.status(), 303);
    let r = oc
        .post(format!("{case_url}/action"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "resolve"),
            ("text", "แก้ไขที่อยู่และส่งใบแจ้งใหม่แล้ว"),
        ])
        .send()
        .await
        .expect("resolve");
    assert_eq!(r.status(), 303);
    // Without the CSRF token nothing happens.
    let r = oc
        .post(format!("{case_url}/action"))
        .form(&[("csrf", "nope"), ("action", "reject"), ("text", "x")])
        .send()
        .await
        .expect("forged");
    assert_eq!(r.status(), 403);

    // The citizen types the code loosely and sees the public reply, not the note.
    let typed = code.to_lowercase().replace('-', " ");
    let r = citizen
        .get(app.url(&format!(
            "/testville/complaints/track?code={}",
            typed.replace(' ', "+")
        )))
        .send()
        .await
        .expect("track");
    assert_eq!(r.status(), 303);
    let track_url = app.url(&location(&r));
    let page = citizen
        .get(&track_url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("แก้ไขที่อยู่และส่งใบแจ้งใหม่แล้ว"));
    assert!(!page.contains("บันทึกลับ-7731"), "internal notes stay inside");
    assert!(
        !page.contains("0812345678") && !page.contains("สมหญิง"),
        "no contact data in public"
    );
    let token = hidden(&page, "csrf");
    let r = citizen
        .post(format!("{track_url}/confirm"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 303);
    let page = citizen
        .get(&track_url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("data-status=\"closed\""));

    // The JSON API shows the same, and never the contact data.
    let api: serde_json::Value = reqwest::get(app.url(&format!("/api/v1/complaints/{typed}")))
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    assert_eq!(api["status"], "closed");
    let text = api.to_string();
    assert!(text.contains("แก้ไขที่อยู่และส่งใบแจ้งใหม่แล้ว"));
    assert!(
        !text.contains("0812345678") && !text.contains("สมหญิง") && !text.contains("บันทึกลับ-7731")
    );
}

#[tokio::test]
async fn reopening_after_seven_days_is_refused_and_other_divisions_get_403() {
    let app = TestApp::spawn().await;
    let (citizen, _) = app.client();
    let page = file(&app, &citizen, Filing::default())
        .await
        .text()
        .await
        .expect("body");
    let code = code_of(&page);
    let id = case_id(&app, &code).await;
    // An officer of the clerk's office (divisions[0]) may not see a finance case.
    let other = app.user("office-officer", Role::Officer).await;
    let (oc, csrf) = app.signed_in(&other).await;
    let r = oc
        .get(app.url(&format!("/testville/staff/complaints/{id}")))
        .send()
        .await
        .expect("case");
    assert_eq!(r.status(), 403);
    let r = oc
        .post(app.url(&format!("/testville/staff/complaints/{id}/action")))
        .form(&[("csrf", csrf.as_str()), ("action", "acknowledge")])
        .send()
        .await
        .expect("action");
    assert_eq!(r.status(), 403);
    let queue = oc
        .get(app.url("/testville/staff/complaints"))
        .send()
        .await
        .expect("q")
        .text()
        .await
        .expect("b");
    assert!(!queue.contains(&code));
    // A council member reads every case, and changes none.
    let council = app.user("council", Role::CouncilMember).await;
    let (cc, ccsrf) = app.signed_in(&council).await;
    assert_eq!(
        cc.get(app.url(&format!("/testville/staff/complaints/{id}")))
            .send()
            .await
            .expect("c")
            .status(),
        200
    );
    let r = cc
        .post(app.url(&format!("/testville/staff/complaints/{id}/action")))
        .form(&[("csrf", ccsrf.as_str()), ("action", "acknowledge")])
        .send()
        .await
        .expect("action");
    assert_eq!(r.status(), 403);

    // The clerk resolves it; eight days later the citizen may no longer reopen.
    let clerk = app.user("the-clerk", Role::Clerk).await;
    let (kc, kcsrf) = app.signed_in(&clerk).await;
    let r = kc
        .post(app.url(&format!("/testville/staff/complaints/{id}/action")))
        .form(&[
            ("csrf", kcsrf.as_str()),
            ("action", "resolve"),
            ("text", "ดำเนินการแล้ว"),
        ])
        .send()
        .await
        .expect("resolve");
    assert_eq!(r.status(), 303);
    let track_url = app.url(&format!("/testville/complaints/track/{code}"));
    let page = citizen
        .get(&track_url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("/reopen"),
        "the reopen form within the window"
    );
    let token = hidden(&page, "csrf");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    sqlx::query("UPDATE complaints SET resolved_at = resolved_at - $1 WHERE id = $2")
        .bind(8 * 86_400_000i64)
        .bind(id)
        .execute(&mut *conn)
        .await
        .expect("age");
    drop(conn);
    let page = citizen
        .get(&track_url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(!page.contains("/reopen"), "no reopen form after the window");
    let r = citizen
        .post(format!("{track_url}/reopen"))
        .form(&[("csrf", token.as_str()), ("reason", "ยังไม่ได้รับใบแจ้ง")])
        .send()
        .await
        .expect("reopen");
    assert_eq!(r.status(), 409);
    let body = r.text().await.expect("body");
    assert!(body.contains("พ้นกำหนด 7 วัน"), "{body}");
    // Without the anonymous CSRF token: refused.
    let (stranger, _) = app.client();
    let r = stranger
        .post(format!("{track_url}/confirm"))
        .form(&[("csrf", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn spam_protection_and_uploads() {
    let app = TestApp::spawn().await;
    let (c, _) = app.client();
    // Too fast: the stamp is younger than the minimum fill time.
    let r = file(
        &app,
        &c,
        Filing {
            wait: false,
            ip: "198.51.100.1",
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("ส่งเร็วเกินไป"));
    // A file that is not an image or PDF is refused with a Thai message.
    let r = file(
        &app,
        &c,
        Filing {
            ip: "198.51.100.2",
            files: vec![(
                "attachments",
                "evil.svg",
                "image/svg+xml",
                b"<svg onload=alert(1)></svg>".to_vec(),
            )],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("รับเฉพาะไฟล์ภาพ JPEG, PNG, WebP หรือเอกสาร PDF")
    );

    // A photo with GPS in its EXIF is published without it.
    let tiny = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../media/tests/fixtures/tiny.jpg"
    ))
    .expect("tiny.jpg");
    let mut exif = b"Exif\0\0MM\x00\x2A\x00\x00\x00\x08GPS-LAT-13.6904-LON-101.0779".to_vec();
    exif.extend_from_slice(&[0u8; 8]);
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE1];
    photo.extend_from_slice(&u16::try_from(exif.len() + 2).expect("len").to_be_bytes());
    photo.extend_from_slice(&exif);
    photo.extend_from_slice(&tiny[2..]);
    let r = file(
        &app,
        &c,
        Filing {
            ip: "198.51.100.3",
            files: vec![("attachments", "หลุม.jpg", "image/jpeg", photo)],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.status(), 201);
    let code = code_of(&r.text().await.expect("body"));
    let page = c
        .get(app.url(&format!("/testville/complaints/track/{code}")))
        .send()
        .await
        .expect("track")
        .text()
        .await
        .expect("b");
    let i = page.find("/files/").expect("published photo linked");
    let rest = &page[i + "/files/".len()..];
    let file_id = &rest[..rest.find('"').expect("end")];
    let r = c
        .get(app.url(&format!(
            "/testville/complaints/track/{code}/files/{file_id}"
        )))
        .send()
        .await
        .expect("photo");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let bytes = r.bytes().await.expect("bytes");
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    assert!(!bytes.windows(7).any(|w| w == b"GPS-LAT"), "GPS stripped");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF stripped");

    // The honeypot: a bot that fills every field gets nothing.
    let (csrf, stamp) = open_form(&app, &c).await;
    let body = multipart(
        &[
            ("csrf", &csrf),
            ("t", &stamp),
            ("website", "http://spam.example"),
            ("category", "tax"),
            ("description", "x"),
            ("privacy", "1"),
        ],
        &[],
    );
    let r = c
        .post(app.url("/testville/complaints/new"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("x-forwarded-for", "198.51.100.4")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);

    // Rate limit: ten an hour from one address, whatever the channel.
    let api = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let r = api
            .post(app.url("/api/v1/orgs/testville/complaints"))
            .header("x-forwarded-for", "192.0.2.77")
            .json(&serde_json::json!({"category": "roads", "description": "ถนนชำรุด", "privacy_accepted": true}))
            .send()
            .await
            .expect("api");
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[201; 10]);
    assert_eq!(statuses[10], 429);
}

#[tokio::test]
async fn the_json_api_files_and_the_statistics_count() {
    let app = TestApp::spawn().await;
    let api = reqwest::Client::new();
    let r = api
        .post(app.url("/api/v1/orgs/testville/complaints"))
        .json(&serde_json::json!({"category": "water", "description": "น้ำประปาไม่ไหล", "lat": 13.69, "lon": 101.07, "privacy_accepted": true, "contact_email": "a@example.org"}))
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["status"], "received");
    assert!(v["tracking_code"].as_str().is_some_and(|c| c.len() == 14));
    assert!(
        v["deadline"]
            .as_str()
            .is_some_and(|d| d.ends_with("+07:00"))
    );
    // Without the privacy notice accepted: 400 with a Thai message.
    let r = api
        .post(app.url("/api/v1/orgs/testville/complaints"))
        .json(&serde_json::json!({"category": "water", "description": "x"}))
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 400);
    let e: serde_json::Value = r.json().await.expect("json");
    assert!(
        e["error"]["message_th"]
            .as_str()
            .is_some_and(|m| m.contains("ความเป็นส่วนตัว"))
    );
    assert_eq!(
        api.get(app.url("/api/v1/complaints/2569-0000-0000"))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );

    let page = api
        .get(app.url("/testville/complaints/stats"))
        .send()
        .await
        .expect("stats")
        .text()
        .await
        .expect("b");
    assert!(page.contains("น้ำประปา") && page.contains("รายเดือน"));
    let r = api
        .get(app.url("/testville/complaints/stats.csv"))
        .send()
        .await
        .expect("csv");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv")
    );
    let csv = r.bytes().await.expect("bytes");
    assert!(csv.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
    let csv = String::from_utf8(csv.to_vec()).expect("utf-8");
    assert!(csv.contains("น้ำประปา,1,0,1,0,-,-"), "{csv}");
}

// ---- e-mail through a local SMTP sink ------------------------------------------------------

mod smtp_sink {
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    /// Messages received: (envelope recipients, raw DATA).
    pub type Inbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

    /// A tiny SMTP server on a random port that accepts everything.
    pub async fn start() -> (u16, Inbox) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let inbox: Inbox = Arc::default();
        let keep = inbox.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let inbox = keep.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut lines = BufReader::new(r).lines();
                    let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                    let mut rcpt = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO")
                        {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("MAIL")
                            || upper.starts_with("RSET")
                            || upper.starts_with("NOOP")
                        {
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT") {
                            rcpt.push(line[8..].trim().to_string());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            let _ = w.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(
                                    l.strip_prefix('.')
                                        .filter(|_| l.starts_with(".."))
                                        .unwrap_or(&l),
                                );
                                data.push('\n');
                            }
                            inbox
                                .lock()
                                .expect("lock")
                                .push((std::mem::take(&mut rcpt), data));
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        let _ = w.write_all(reply).await;
                    }
                });
            }
        });
        (port, inbox)
    }

    fn b64(s: &str) -> Vec<u8> {
        let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        data_encoding::BASE64
            .decode(clean.as_bytes())
            .expect("base64")
    }

    fn qp(s: &str, header: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'=' if i + 1 < b.len() && b[i + 1] == b'\n' => i += 2,
                b'=' if i + 2 < b.len() => {
                    let h = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex");
                    out.push(u8::from_str_radix(h, 16).expect("hex"));
                    i += 3;
                }
                b'_' if header => {
                    out.push(b' ');
                    i += 1;
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }

    /// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`).
    pub fn decode_words(v: &str) -> String {
        let mut out = String::new();
        let mut rest = v;
        while let Some(i) = rest.find("=?") {
            let between = &rest[..i];
            if !between.trim().is_empty() {
                out.push_str(between);
            }
            let tail = &rest[i + 2..];
            let parts: Vec<&str> = tail.splitn(3, '?').collect();
            let (enc, body_end) = (parts[1].to_ascii_lowercase(), parts[2]);
            let end = body_end.find("?=").expect("end of word");
            let text = &body_end[..end];
            let bytes = if enc == "b" {
                b64(text)
            } else {
                qp(text, true)
            };
            out.push_str(&String::from_utf8(bytes).expect("utf-8"));
            rest = &body_end[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// (subject, body) of a raw message.
    pub fn read(raw: &str) -> (String, String) {
        let (head, body) = raw.split_once("\n\n").expect("headers and body");
        let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
        let header = |name: &str| {
            unfolded
                .lines()
                .find(|l| {
                    l.to_ascii_lowercase()
                        .starts_with(&format!("{}:", name.to_ascii_lowercase()))
                })
                .map(|l| l[name.len() + 1..].trim().to_string())
                .unwrap_or_default()
        };
        let subject = decode_words(&header("Subject"));
        let body = match header("Content-Transfer-Encoding")
            .to_ascii_lowercase()
            .as_str()
        {
            "base64" => String::from_utf8(b64(body)).expect("utf-8"),
            "quoted-printable" => String::from_utf8(qp(body, false)).expect("utf-8"),
            _ => body.to_string(),
        };
        (subject, body)
    }
}

#[tokio::test]
async fn every_status_change_is_mailed_after_commit() {
    let (port, inbox) = smtp_sink::start().await;
    let app = TestApp::spawn_with(WebConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        mail_from: Some("ศูนย์รับเรื่อง <complaints@testville.example>".into()),
        ..Default::default()
    })
    .await;
    let (citizen, _) = app.client();
    let page = file(
        &app,
        &citizen,
        Filing {
            email: "somying@example.org",
            ..Default::default()
        },
    )
    .await
    .text()
    .await
    .expect("b");
    let code = code_of(&page);
    let id = case_id(&app, &code).await;
    let clerk = app.user("mail-clerk", Role::Clerk).await;
    let (kc, csrf) = app.signed_in(&clerk).await;
    let r = kc
        .post(app.url(&format!("/testville/staff/complaints/{id}/action")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "resolve"),
            ("text", "ส่งใบแจ้งภาษีใหม่ไปยังที่อยู่ที่ถูกต้องแล้ว"),
        ])
        .send()
        .await
        .expect("resolve");
    assert_eq!(r.status(), 303);
    // A refused move (already resolved) sends nothing.
    let r = kc
        .post(app.url(&format!("/testville/staff/complaints/{id}/action")))
        .form(&[("csrf", csrf.as_str()), ("action", "acknowledge")])
        .send()
        .await
        .expect("again");
    assert!(location(&r).contains("error="));
    let mut got = Vec::new();
    for _ in 0..100 {
        got = inbox.lock().expect("lock").clone();
        if got.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        got.len(),
        2,
        "one notice on filing, one on resolving: {got:?}"
    );
    assert!(
        got.iter()
            .all(|(to, _)| to.iter().any(|r| r.contains("somying@example.org")))
    );
    let (subject, body) = smtp_sink::read(&got[1].1);
    assert!(
        subject.contains(&code) && subject.contains("ดำเนินการแล้วเสร็จ"),
        "{subject}"
    );
    assert!(body.contains("ส่งใบแจ้งภาษีใหม่ไปยังที่อยู่ที่ถูกต้องแล้ว"), "{body}");
    let (first, _) = smtp_sink::read(&got[0].1);
    assert!(first.contains("รับเรื่องแล้ว"), "{first}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        prongsai_store::mail_outbox::pending(&app.db)
            .await
            .expect("pending"),
        0
    );

    // The overdue rule: past the deadline with no reply since, the case explains itself
    // once, by e-mail too.
    let page = file(
        &app,
        &citizen,
        Filing {
            email: "late@example.org",
            ip: "203.0.113.11",
            ..Default::default()
        },
    )
    .await
    .text()
    .await
    .expect("b");
    let late = code_of(&page);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    sqlx::query("UPDATE complaints SET deadline_at = $1 WHERE code_key = $2")
        .bind(prongsai_store::now_ms() - 1000)
        .bind(&late)
        .execute(&mut *conn)
        .await
        .expect("late");
    drop(conn);
    let now = prongsai_store::now_ms();
    assert_eq!(
        prongsai_store::complaints::overdue_sweep(&app.db, now)
            .await
            .expect("sweep"),
        1
    );
    assert_eq!(
        prongsai_store::complaints::overdue_sweep(&app.db, now)
            .await
            .expect("sweep"),
        0
    );
    let page = citizen
        .get(app.url(&format!("/testville/complaints/track/{late}")))
        .send()
        .await
        .expect("t")
        .text()
        .await
        .expect("b");
    assert!(page.contains("ชี้แจงความล่าช้า") && page.contains("ขออภัยในความล่าช้า"));
    for _ in 0..100 {
        if inbox
            .lock()
            .expect("lock")
            .iter()
            .any(|(to, _)| to.iter().any(|r| r.contains("late@example.org")))
            && inbox.lock().expect("lock").len() >= 4
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = inbox.lock().expect("lock").clone();
    let (_, body) = smtp_sink::read(&got.last().expect("mail").1);
    assert!(body.contains("ขออภัยในความล่าช้า"), "{body}");
}
