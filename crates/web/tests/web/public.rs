//! The public pages, the language switch and the staff pages' content.

use prongsai_domain::Role;

use crate::helpers::{PASSWORD, TestApp, hidden, location};

#[tokio::test]
async fn root_redirects_to_the_only_organization_else_lists_them() {
    let app = TestApp::spawn().await;
    let (c, _) = app.client();
    let r = c.get(app.url("/")).send().await.expect("get");
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/");
    app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    // The cache lives a few seconds; a fresh app state is not needed, just wait it out.
    tokio::time::sleep(std::time::Duration::from_millis(5100)).await;
    let r = c.get(app.url("/")).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("body");
    assert!(html.contains("/testville/") && html.contains("/otherville/"));
}

#[tokio::test]
async fn org_home_shows_who_we_are_in_thai_by_default() {
    let app = TestApp::spawn().await;
    let (c, _) = app.client();
    let r = c.get(app.url("/testville/")).send().await.expect("get");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers().get("set-cookie").is_none(),
        "anonymous visitors get no cookie"
    );
    let html = r.text().await.expect("body");
    assert!(html.contains("<html lang=\"th\">"));
    assert!(html.contains("เทศบาลเมืองทดสอบ"));
    assert!(html.contains("กองคลัง"));
    assert!(html.contains("href=\"#main\""), "skip link");
    assert!(html.contains("/lang?to=en"));
    assert_eq!(
        c.get(app.url("/testville"))
            .send()
            .await
            .expect("get")
            .status(),
        308
    );
    let r = c.get(app.url("/no-such-org/")).send().await.expect("get");
    assert_eq!(r.status(), 404);
    assert!(r.text().await.expect("body").contains("ไม่พบหน้าที่ต้องการ"));
    assert_eq!(
        c.get(app.url("/Bad_Slug!/"))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );
}

#[tokio::test]
async fn language_switch_sets_a_cookie_and_is_remembered_on_the_account() {
    let app = TestApp::spawn().await;
    app.user("clerk", Role::Clerk).await;
    let (c, _) = app.client();
    let r = c
        .get(app.url("/lang?to=en&next=/testville/"))
        .send()
        .await
        .expect("lang");
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/");
    let html = c
        .get(app.url("/testville/"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Finance Division"));
    assert!(html.contains("ภาษาไทย"));

    // Signed in, the choice is stored on the account and comes back at the next sign-in.
    assert_eq!(app.login(&c, "clerk", PASSWORD).await.status(), 303);
    c.get(app.url("/lang?to=th&next=/"))
        .send()
        .await
        .expect("lang");
    let (c2, _) = app.client();
    let url: reqwest::Url = app.url("/").parse().expect("url");
    let _ = url;
    let r = app.login(&c2, "clerk", PASSWORD).await;
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(String::from))
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("prongsai_lang=th")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn staff_pages_show_their_content() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin).await;
    app.user("somchai", Role::Officer).await;
    let (c, csrf) = app.signed_in(&admin).await;

    let users = c
        .get(app.url("/testville/staff/users"))
        .send()
        .await
        .expect("users")
        .text()
        .await
        .expect("body");
    assert!(users.contains("somchai"));
    assert!(users.contains("เจ้าหน้าที่"));

    // Create an account with a role; it shows up, and the audit trail records it.
    let r = c
        .post(app.url("/testville/staff/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "malee"),
            ("display_name", "มาลี ใจดี"),
            ("password", PASSWORD),
            ("role", "division_head"),
            ("division", &app.divisions[1].id.to_string()),
        ])
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 303);
    let users = c
        .get(app.url("/testville/staff/users?ok=created"))
        .send()
        .await
        .expect("users")
        .text()
        .await
        .expect("body");
    assert!(users.contains("มาลี ใจดี") && users.contains("เพิ่มแล้ว"));

    let audit = c
        .get(app.url("/testville/staff/audit"))
        .send()
        .await
        .expect("audit")
        .text()
        .await
        .expect("body");
    assert!(audit.contains("user.create") && audit.contains("membership.set_role"));
    assert!(audit.contains("admin"));

    // Settings: Thai digits in the deadline.
    let r = c
        .post(app.url("/testville/staff/settings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name_th", "เทศบาลเมืองทดสอบ"),
            ("complaint_deadline_days", "๒๐"),
            ("phone", "038-511-000"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 303);
    let settings = c
        .get(app.url("/testville/staff/settings"))
        .send()
        .await
        .expect("settings")
        .text()
        .await
        .expect("body");
    assert!(settings.contains("value=\"20\""));
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
        "the public page shows the new phone at once"
    );
    // A bad deadline is refused with a message.
    let r = c
        .post(app.url("/testville/staff/settings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name_th", "เทศบาลเมืองทดสอบ"),
            ("complaint_deadline_days", "สิบห้า"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("1–365"));

    let divisions = c
        .get(app.url("/testville/staff/divisions"))
        .send()
        .await
        .expect("divs")
        .text()
        .await
        .expect("body");
    assert!(divisions.contains("กองคลัง") && divisions.contains("finance"));
    let dash = c
        .get(app.url("/testville/staff/"))
        .send()
        .await
        .expect("dash")
        .text()
        .await
        .expect("body");
    assert!(dash.contains("ผู้ดูแลระบบ"));
    assert!(!hidden(&dash, "csrf").is_empty());
}
