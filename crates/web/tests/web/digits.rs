//! One digit style per page: an organization's Thai pages show every number in the
//! digits it chose in its settings; English pages always use Arabic digits.

use prongsai_domain::Role;

use crate::helpers::{TestApp, hidden};

fn text_digits(html: &str) -> (usize, usize) {
    // Only what is between tags, outside scripts and styles, and not in <code>.
    let mut thai = 0;
    let mut arabic = 0;
    let mut in_tag = false;
    let mut skip = 0usize;
    let lower = html.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut i = 0;
    let chars: Vec<(usize, char)> = html.char_indices().collect();
    for (at, c) in chars {
        if at < i {
            continue;
        }
        if c == '<' {
            in_tag = true;
            for (open, close) in [
                ("<code", "</code"),
                ("<script", "</script"),
                ("<style", "</style"),
            ] {
                if b[at..].starts_with(open.as_bytes()) {
                    skip += 1;
                    let _ = close;
                }
                if b[at..].starts_with(close.as_bytes()) {
                    skip = skip.saturating_sub(1);
                }
            }
            continue;
        }
        if c == '>' {
            in_tag = false;
            i = at + 1;
            continue;
        }
        if in_tag || skip > 0 {
            continue;
        }
        if c.is_ascii_digit() {
            arabic += 1;
        } else if ('๐'..='๙').contains(&c) {
            thai += 1;
        }
    }
    (thai, arabic)
}

#[tokio::test]
async fn thai_digits_setting_restyles_every_number_of_thai_pages() {
    let app = TestApp::spawn().await;
    let admin = app.user("digits-admin", Role::Admin).await;
    let (c, csrf) = app.signed_in(&admin).await;

    // Default: Arabic digits, even where the stored text has Thai ones.
    let r = c
        .post(app.url("/testville/staff/settings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name_th", "เทศบาลเมืองทดสอบ"),
            ("complaint_deadline_days", "15"),
            ("phone", "๐๓๘-๕๑๑-๐๐๐"),
            ("digits", "arabic"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 303);
    let home = c
        .get(app.url("/testville/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("body");
    assert!(
        home.contains("038-511-000"),
        "Thai digits typed are shown as Arabic ones"
    );
    let (thai, arabic) = text_digits(&home);
    assert!(
        thai == 0 && arabic > 0,
        "one style: {thai} Thai, {arabic} Arabic"
    );

    // Thai digits: every number in text, none in links or form values.
    let r = c
        .post(app.url("/testville/staff/settings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name_th", "เทศบาลเมืองทดสอบ"),
            ("complaint_deadline_days", "15"),
            ("phone", "038-511-000"),
            ("digits", "thai"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 303);
    for path in [
        "/testville/",
        "/testville/complaints/new",
        "/testville/staff/settings",
    ] {
        let page = c
            .get(app.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        let (thai, arabic) = text_digits(&page);
        assert!(arabic == 0, "{path}: {arabic} Arabic digits left in text");
        if path == "/testville/staff/settings" {
            assert!(thai > 0, "{path} shows Thai digits");
            // Form values stay as typed: the deadline field still reads 15.
            assert!(
                page.contains("value=\"15\""),
                "{path}: form values untouched"
            );
            assert!(!hidden(&page, "csrf").is_empty());
        }
    }
    let home = c
        .get(app.url("/testville/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("body");
    assert!(home.contains("๐๓๘-๕๑๑-๐๐๐"), "the phone in Thai digits");

    // The English switch: Arabic digits whatever the setting.
    let en = c
        .get(app.url("/testville/"))
        .header("cookie", "prongsai_lang=en")
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("body");
    let (thai, _) = text_digits(&en);
    assert_eq!(thai, 0, "English pages use Arabic digits");

    // The change is in the audit trail.
    let audit = c
        .get(app.url("/testville/staff/audit"))
        .send()
        .await
        .expect("audit")
        .text()
        .await
        .expect("body");
    assert!(audit.contains("org.digits"));
}

/// Date fields speak B.E.: typed as วว/ดด/ปปปป (Thai or Arabic digits), kept as a date,
/// shown back the same way, and shown on pages with Thai months; a date that does not
/// exist is refused and what was typed stays in the field.
#[tokio::test]
async fn dates_are_typed_and_shown_in_buddhist_era() {
    let app = TestApp::spawn().await;
    let officer = app.user("date-officer", Role::Officer).await;
    let (c, csrf) = app.signed_in(&officer).await;
    let slug = app.org.slug.clone();
    let post = |date: &'static str| {
        c.post(app.url(&format!("/{slug}/staff/info/new"))).form(&[
            ("csrf", csrf.as_str()),
            ("group", "budget"),
            ("title", "ประกาศงบประมาณ"),
            ("body", "รายละเอียด"),
            ("item_date", date),
            ("fiscal_year", "2568"),
            ("rhythm", "yearly"),
            ("links", ""),
            ("division", ""),
        ])
    };
    let form = c
        .get(app.url(&format!("/{slug}/staff/info/new")))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    assert!(!form.contains("type=\"date\""), "no Gregorian date picker");
    assert!(
        form.contains("วว/ดด/ปปปป"),
        "the field says how to type a date"
    );

    let bad = post("31/02/2568").send().await.expect("post");
    assert_eq!(bad.status(), 422, "a date that does not exist is refused");
    let page = bad.text().await.expect("body");
    assert!(
        page.contains("value=\"31/02/2568\""),
        "what was typed is kept"
    );
    assert!(page.contains("ประกาศงบประมาณ"), "the other fields are kept");

    let r = post("๓๑/๐๑/๒๕๖๘").send().await.expect("post");
    assert_eq!(r.status(), 303);
    let item = crate::helpers::location(&r);
    let edit = c
        .get(app.url(&item))
        .send()
        .await
        .expect("item")
        .text()
        .await
        .expect("body");
    assert!(edit.contains("value=\"31/01/2568\""), "shown back in B.E.");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let (stored,): (String,) = sqlx::query_as("SELECT item_date FROM info_items WHERE org_id = $1")
        .bind(app.org.id)
        .fetch_one(&mut *conn)
        .await
        .expect("stored");
    assert_eq!(stored, "2025-01-31");
}
