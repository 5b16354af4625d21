//! Headers, CSRF on staff forms, size limits, hostile input, cross-organization access.

use prongsai_domain::Role;
use prongsai_store::users;

use crate::helpers::TestApp;

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::spawn().await;
    let (c, _) = app.client();
    for path in [
        "/",
        "/testville/",
        "/login",
        "/no-such-org/",
        "/static/app.css",
        "/api/v1/orgs",
    ] {
        let r = c.get(app.url(path)).send().await.expect("get");
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
        assert_eq!(
            h.get("x-frame-options").map(|v| v.as_bytes()),
            Some(&b"DENY"[..]),
            "{path}"
        );
        assert!(h.get("referrer-policy").is_some(), "{path}");
        assert!(h.get("permissions-policy").is_some(), "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "{path}: no HSTS over plain HTTP"
        );
    }
}

#[tokio::test]
async fn staff_forms_without_or_with_a_wrong_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let clerk = app.user("clerk", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    let url = app.url("/testville/staff/divisions");
    let none = c
        .post(&url)
        .form(&[("code", "x1"), ("name_th", "กอง")])
        .send()
        .await
        .expect("post");
    assert_eq!(none.status(), 403);
    let wrong = c
        .post(&url)
        .form(&[
            ("csrf", "not-the-token"),
            ("code", "x2"),
            ("name_th", "กอง"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(wrong.status(), 403);
    let right = c
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("code", "x3"), ("name_th", "กอง")])
        .send()
        .await
        .expect("post");
    assert_eq!(right.status(), 303);
    // Logout needs the token too.
    let out = c
        .post(app.url("/logout"))
        .form(&[("csrf", "nope")])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 403);
}

#[tokio::test]
async fn hostile_input_gets_error_pages_not_crashes() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin).await;
    let (c, csrf) = app.signed_in(&admin).await;
    let big = "ก".repeat(100_000);
    let r = c
        .post(app.url("/testville/staff/settings"))
        .form(&[("csrf", csrf.as_str()), ("name_th", big.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("body").contains("ใหญ่เกินไป"));
    for path in [
        "/testville/staff/users/abc/role",
        "/testville/staff/users/99999999999999999999999/password",
        "/testville/staff/divisions/%00/head",
    ] {
        let r = c
            .post(app.url(path))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .expect("post");
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
    }
    let r = c
        .post(app.url("/testville/staff/users"))
        .body("%%%")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("post");
    assert!(r.status().is_client_error());
    let r = c
        .get(app.url("/lang?to=%FF&next=%2F%2Fevil.example"))
        .send()
        .await
        .expect("lang");
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/")
    );
    let r = c
        .get(app.url("/testville/staff/audit?before=๙๙๙"))
        .send()
        .await
        .expect("audit");
    assert_eq!(r.status(), 200);
    let r = c
        .delete(app.url("/testville/"))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 405);
    assert!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn an_admin_cannot_touch_people_of_another_organization() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin).await;
    let other = app.create_org("otherville", "เทศบาลอื่น").await;
    let victim = app.user_in(other.id, "victim", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&admin).await;
    let r = c
        .post(app.url(&format!("/testville/staff/users/{}/password", victim.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", "attacker-chosen-password"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);
    let r = c
        .post(app.url(&format!("/testville/staff/users/{}/remove", victim.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    assert!(
        users::membership(&mut conn, other.id, victim.id)
            .await
            .expect("q")
            .is_some()
    );
    // And the other organization's staff area is closed to them.
    let r = c
        .get(app.url("/otherville/staff/"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);
}
