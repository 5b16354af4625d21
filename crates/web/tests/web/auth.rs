//! Signing in and out: passwords, lockout, rate limits, TOTP.

use prongsai_domain::Role;
use prongsai_store::users;
use prongsai_web::totp;

use crate::helpers::{PASSWORD, TestApp, hidden, location};

#[tokio::test]
async fn sign_in_lands_on_the_staff_dashboard_and_sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    app.user("clerk", Role::Clerk).await;
    let (c, _) = app.client();
    let r = app.login(&c, "clerk", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/staff/");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("prongsai_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "no Secure flag over plain HTTP");

    let page = c
        .get(app.url("/testville/staff/"))
        .send()
        .await
        .expect("dashboard");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("เทศบาลเมืองทดสอบ"));
    assert!(html.contains("ปลัด"));
    assert!(html.contains("ปีงบประมาณ พ.ศ."));

    let csrf = hidden(&html, "csrf");
    let out = c
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 303);
    let again = c
        .get(app.url("/testville/staff/"))
        .send()
        .await
        .expect("after logout");
    assert_eq!(again.status(), 303);
    assert!(location(&again).starts_with("/login"));
}

#[tokio::test]
async fn secure_cookies_and_hsts_behind_tls() {
    let app = TestApp::spawn_with(prongsai_web::WebConfig {
        behind_tls: true,
        ..Default::default()
    })
    .await;
    app.user("clerk", Role::Clerk).await;
    let (c, _) = app.client();
    let r = app.login(&c, "clerk", PASSWORD).await;
    assert!(r.headers().get("strict-transport-security").is_some());
    let cookies: Vec<_> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("prongsai_session=") && c.contains("; Secure"))
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.user("clerk", Role::Clerk).await;
    let (c, _) = app.client();
    let a = app.login(&c, "clerk", "wrong-password-here").await;
    let b = app.login(&c, "nobody", "wrong-password-here").await;
    assert_eq!(a.status(), 422);
    assert_eq!(b.status(), 422);
    let (a, b) = (a.text().await.expect("a"), b.text().await.expect("b"));
    assert!(a.contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    assert!(b.contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
}

#[tokio::test]
async fn five_failures_lock_the_account_with_a_clear_message() {
    let app = TestApp::spawn().await;
    app.user("clerk", Role::Clerk).await;
    let (c, _) = app.client();
    for _ in 0..4 {
        assert_eq!(
            app.login(&c, "clerk", "wrong-password-here").await.status(),
            422
        );
    }
    let fifth = app.login(&c, "clerk", "wrong-password-here").await;
    assert_eq!(fifth.status(), 403);
    assert!(fifth.text().await.expect("body").contains("ถูกล็อกชั่วคราว"));
    // Even the right password is refused while locked.
    let right = app.login(&c, "clerk", PASSWORD).await;
    assert_eq!(right.status(), 403);
    assert!(right.text().await.expect("body").contains("ถูกล็อกชั่วคราว"));
    // In English too.
    let url: reqwest::Url = app.url("/").parse().expect("url");
    let (c2, jar) = app.client();
    jar.add_cookie_str("prongsai_lang=en; Path=/", &url);
    let en = app.login(&c2, "clerk", PASSWORD).await;
    assert!(
        en.text()
            .await
            .expect("body")
            .contains("This account is locked")
    );
}

#[tokio::test]
async fn too_many_attempts_from_one_address_get_429() {
    let app = TestApp::spawn().await;
    let (c, _) = app.client();
    let mut statuses = Vec::new();
    for i in 0..11 {
        let r = app
            .login_from(
                &c,
                &format!("user{i}"),
                "wrong-password-here",
                Some("203.0.113.7"),
            )
            .await;
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(r.headers().get("retry-after").is_some());
            assert!(r.text().await.expect("body").contains("มีการส่งคำขอมากเกินไป"));
        }
    }
    assert!(statuses[..10].iter().all(|s| *s == 422), "{statuses:?}");
    assert_eq!(statuses[10], 429);
    // Another address is not affected.
    let other = app
        .login_from(&c, "someone", "wrong-password-here", Some("203.0.113.8"))
        .await;
    assert_eq!(other.status(), 422);
}

#[tokio::test]
async fn login_form_without_or_with_a_wrong_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    app.user("clerk", Role::Clerk).await;
    let (c, _) = app.client();
    // No cookie, no token.
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "clerk"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    // Cookie but a wrong token.
    c.get(app.url("/login")).send().await.expect("get");
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", "0".repeat(64).as_str()),
            ("username", "clerk"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert!(r.text().await.expect("body").contains("แบบฟอร์มหมดอายุ"));
}

#[tokio::test]
async fn totp_enrolment_then_sign_in_with_a_computed_code() {
    let app = TestApp::spawn().await;
    app.user("head", Role::DivisionHead).await;
    let (c, _) = app.client();
    assert_eq!(app.login(&c, "head", PASSWORD).await.status(), 303);

    let account = c
        .get(app.url("/account"))
        .send()
        .await
        .expect("account")
        .text()
        .await
        .expect("body");
    let csrf = hidden(&account, "csrf");
    let r = c
        .post(app.url("/account/totp/start"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 303);
    let account = c
        .get(app.url("/account"))
        .send()
        .await
        .expect("account")
        .text()
        .await
        .expect("body");
    assert!(account.contains("otpauth://totp/"));
    let secret = {
        let m = "id=\"totp-secret\">";
        let i = account.find(m).expect("secret shown") + m.len();
        account[i..i + account[i..].find('<').expect("end")].to_string()
    };
    // A wrong code is refused.
    let r = c
        .post(app.url("/account/totp/confirm"))
        .form(&[("csrf", csrf.as_str()), ("code", "000000")])
        .send()
        .await
        .expect("confirm");
    let wrong_ok = totp::verify(&secret, "000000");
    if !wrong_ok {
        assert_eq!(r.status(), 422);
    }
    let code = totp::code_at(&secret, totp::now()).expect("code");
    let r = c
        .post(app.url("/account/totp/confirm"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 303);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let u = users::by_username(&mut conn, "head")
        .await
        .expect("q")
        .expect("user");
    assert!(u.totp_enabled);

    // A new browser: password, then the code.
    let (c2, _) = app.client();
    let r = app.login(&c2, "head", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login/totp"));
    // Without the code the staff area is closed.
    let r = c2
        .get(app.url("/testville/staff/"))
        .send()
        .await
        .expect("staff");
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login/totp"));
    let page = c2
        .get(app.url("/login/totp"))
        .send()
        .await
        .expect("totp page")
        .text()
        .await
        .expect("body");
    let csrf2 = hidden(&page, "csrf");
    // Thai digits are accepted. The enrolment code is used up, so this is the next
    // step's code (within the one step of drift allowed).
    let code = prongsai_domain::thai::to_thai_digits(
        &totp::code_at(&secret, totp::now() + totp::STEP_SECONDS).expect("code"),
    );
    let r = c2
        .post(app.url("/login/totp"))
        .form(&[
            ("csrf", csrf2.as_str()),
            ("code", code.as_str()),
            ("next", ""),
        ])
        .send()
        .await
        .expect("totp");
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/staff/");
    assert_eq!(
        c2.get(app.url("/testville/staff/"))
            .send()
            .await
            .expect("staff")
            .status(),
        200
    );
}

#[tokio::test]
async fn organizations_that_require_totp_send_staff_to_enrol_first() {
    let app = TestApp::spawn().await;
    let clerk = app.user("clerk", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    let r = c
        .post(app.url("/testville/staff/settings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name_th", "เทศบาลเมืองทดสอบ"),
            ("complaint_deadline_days", "15"),
            ("require_staff_totp", "1"),
        ])
        .send()
        .await
        .expect("settings");
    assert_eq!(r.status(), 303);
    let r = c
        .get(app.url("/testville/staff/"))
        .send()
        .await
        .expect("dashboard");
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/account?totp=required"));
    let page = c
        .get(app.url("/account?totp=required"))
        .send()
        .await
        .expect("account")
        .text()
        .await
        .expect("body");
    assert!(page.contains("กำหนดให้เจ้าหน้าที่ใช้การยืนยันตัวตนสองขั้นตอน"));
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let u = app.user("officer", Role::Officer).await;
    let (other_browser, _) = app.signed_in(&u).await;
    let (c, csrf) = app.signed_in(&u).await;
    let r = c
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", PASSWORD),
            ("new_password", "another-long-password"),
            ("confirm", "another-long-password"),
        ])
        .send()
        .await
        .expect("change");
    assert_eq!(r.status(), 303);
    assert_eq!(
        c.get(app.url("/account"))
            .send()
            .await
            .expect("account")
            .status(),
        200
    );
    assert_eq!(
        other_browser
            .get(app.url("/account"))
            .send()
            .await
            .expect("other")
            .status(),
        303
    );
}
