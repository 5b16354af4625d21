//! One's own account (profile, TOTP replay protection, turning TOTP off), the
//! administrator's TOTP reset and adding an existing account, and the trailing-slash
//! redirects.

use prongsai_domain::Role;
use prongsai_store::audit;
use prongsai_store::audit::Actor;
use prongsai_store::users::{self, User};
use prongsai_web::totp;

use crate::helpers::{PASSWORD, TestApp, hidden, location};

/// Gives an account a confirmed second factor; returns its secret.
async fn enrol(app: &TestApp, u: &User) -> String {
    let secret = totp::new_secret();
    let mut conn = app.db.pool.acquire().await.expect("conn");
    users::set_totp(
        &mut conn,
        &app.keys.audit,
        u.id,
        Some(&secret),
        true,
        &Actor::cli(),
    )
    .await
    .expect("totp");
    secret
}

async fn reload(app: &TestApp, id: i64) -> User {
    let mut conn = app.db.pool.acquire().await.expect("conn");
    users::by_id(&mut conn, id).await.expect("q").expect("user")
}

async fn get_text(c: &reqwest::Client, url: String) -> String {
    c.get(url)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body")
}

#[tokio::test]
async fn the_profile_can_be_edited_and_is_audited() {
    let app = TestApp::spawn().await;
    let u = app.user("malee", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&u).await;
    let page = get_text(&c, app.url("/account")).await;
    assert!(page.contains("action=\"/account/profile\""), "{page}");
    assert!(page.contains("value=\"คุณ malee\""));

    let post = |form: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = app.url("/account/profile");
        async move { c.post(url).form(&form).send().await.expect("post") }
    };
    // No CSRF token: refused, nothing changed.
    let r = post(vec![("display_name", "ผู้บุกรุก".into())]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(reload(&app, u.id).await.display_name, "คุณ malee");

    let r = post(vec![
        ("csrf", csrf.clone()),
        ("display_name", " มาลี ศรีสุข ".into()),
        ("email", "malee@example.go.th".into()),
    ])
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account?ok=profile");
    let after = reload(&app, u.id).await;
    assert_eq!(
        (after.display_name.as_str(), after.email.as_str()),
        ("มาลี ศรีสุข", "malee@example.go.th")
    );
    let page = get_text(&c, app.url("/account?ok=profile")).await;
    assert!(page.contains("บันทึกข้อมูลส่วนตัวแล้ว"), "{page}");

    // Refused: the typed values come back with the reason, the stored ones stay.
    for (name, email, why) in [
        ("".to_string(), "", "กรุณากรอกชื่อที่แสดง"),
        ("ก".repeat(121), "", "กรุณากรอกชื่อที่แสดง"),
        ("มาลี".to_string(), "not-an-address", "รูปแบบอีเมลไม่ถูกต้อง"),
    ] {
        let r = post(vec![
            ("csrf", csrf.clone()),
            ("display_name", name.clone()),
            ("email", email.into()),
        ])
        .await;
        assert_eq!(r.status(), 422, "{name:?} {email:?}");
        let body = r.text().await.expect("body");
        assert!(body.contains(why), "{body}");
        if !email.is_empty() {
            assert!(body.contains(&format!("value=\"{email}\"")));
        }
    }
    assert_eq!(reload(&app, u.id).await.display_name, "มาลี ศรีสุข");

    let mut conn = app.db.pool.acquire().await.expect("conn");
    let entries = audit::recent(&mut conn, 0, 20, None).await.expect("audit");
    let e = entries
        .iter()
        .find(|e| e.action == "user.update_profile")
        .expect("audited");
    assert_eq!((e.actor_id, e.entity_id.clone()), (u.id, u.id.to_string()));
    assert!(e.before.contains("คุณ malee") && e.after.contains("มาลี ศรีสุข"));
    assert!(!e.after.contains("argon2"));
}

#[tokio::test]
async fn a_totp_code_signs_in_only_once() {
    let app = TestApp::spawn().await;
    let u = app.user("head", Role::DivisionHead).await;
    let secret = enrol(&app, &u).await;
    let code = totp::code_at(&secret, totp::now()).expect("code");

    async fn second_step(app: &TestApp, code: &str) -> reqwest::Response {
        let (c, _) = app.client();
        let r = app.login(&c, "head", PASSWORD).await;
        assert!(location(&r).starts_with("/login/totp"), "{}", location(&r));
        let page = get_text(&c, app.url("/login/totp")).await;
        let csrf = hidden(&page, "csrf");
        c.post(app.url("/login/totp"))
            .form(&[("csrf", csrf.as_str()), ("code", code), ("next", "")])
            .send()
            .await
            .expect("totp")
    }

    let r = second_step(&app, &code).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/staff/");
    // The same code again, even in another browser within its 30 seconds: refused.
    let r = second_step(&app, &code).await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("รหัสไม่ถูกต้องหรือหมดอายุ")
    );
    // An earlier step's code (still inside the drift window) is refused too.
    let earlier = totp::code_at(&secret, totp::now() - totp::STEP_SECONDS).expect("code");
    if earlier != code {
        assert_eq!(second_step(&app, &earlier).await.status(), 422);
    }
    // The next step's code works.
    let next = totp::code_at(&secret, totp::now() + totp::STEP_SECONDS).expect("code");
    assert_eq!(second_step(&app, &next).await.status(), 303);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let step = users::totp_last_step(&mut conn, u.id).await.expect("step");
    assert_eq!(
        u64::try_from(step).expect("positive"),
        (totp::now() + totp::STEP_SECONDS) / totp::STEP_SECONDS
    );
}

#[tokio::test]
async fn totp_is_turned_off_with_the_password_and_a_fresh_code() {
    let app = TestApp::spawn().await;
    let u = app.user("clerk", Role::Clerk).await;
    let secret = enrol(&app, &u).await;
    let (c, csrf) = app.signed_in(&u).await;
    let page = get_text(&c, app.url("/account")).await;
    assert!(page.contains("action=\"/account/totp/off\""), "{page}");

    let off = |password: &str, code: &str| {
        let form = [
            ("csrf", csrf.clone()),
            ("password", password.to_string()),
            ("code", code.to_string()),
        ];
        let (c, url) = (c.clone(), app.url("/account/totp/off"));
        async move { c.post(url).form(&form).send().await.expect("off") }
    };
    let code = totp::code_at(&secret, totp::now()).expect("code");
    let r = off("wrong password!", &code).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("รหัสผ่านปัจจุบันไม่ถูกต้อง"));
    assert!(reload(&app, u.id).await.totp_enabled);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    if !totp::verify(&secret, wrong) {
        assert_eq!(off(PASSWORD, wrong).await.status(), 422);
        assert!(reload(&app, u.id).await.totp_enabled);
    }
    let r = off(PASSWORD, &code).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account?ok=totp_off");
    let after = reload(&app, u.id).await;
    assert!(!after.totp_enabled);
    assert_eq!(after.totp_secret, None);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let entries = audit::recent(&mut conn, 0, 5, None).await.expect("audit");
    assert_eq!(entries[0].action, "user.totp_disable");
}

#[tokio::test]
async fn totp_stays_on_when_an_organization_requires_it_of_its_staff() {
    let app = TestApp::spawn().await;
    let u = app.user("clerk", Role::Clerk).await;
    let secret = enrol(&app, &u).await;
    {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        sqlx::query("UPDATE organizations SET require_staff_totp = 1 WHERE id = $1")
            .bind(app.org.id)
            .execute(&mut *conn)
            .await
            .expect("require");
    }
    let (c, csrf) = app.signed_in(&u).await;
    let page = get_text(&c, app.url("/account")).await;
    assert!(!page.contains("action=\"/account/totp/off\""));
    assert!(page.contains("ปิดไม่ได้"), "{page}");
    let code = totp::code_at(&secret, totp::now()).expect("code");
    let r = c
        .post(app.url("/account/totp/off"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", PASSWORD),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .expect("off");
    assert_eq!(r.status(), 422);
    assert!(reload(&app, u.id).await.totp_enabled);
}

#[tokio::test]
async fn an_administrator_resets_a_members_totp() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin).await;
    let officer = app.user("officer", Role::Officer).await;
    enrol(&app, &officer).await;
    enrol(&app, &admin).await;
    let other = app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    let stranger = app.user_in(other.id, "stranger", Role::Clerk).await;
    enrol(&app, &stranger).await;
    let (c, csrf) = app.signed_in(&admin).await;
    let page = get_text(&c, app.url("/testville/staff/users")).await;
    assert!(page.contains(&format!("/users/{}/totp-reset", officer.id)));
    let reset = |id: i64| {
        let (c, url) = (
            c.clone(),
            app.url(&format!("/testville/staff/users/{id}/totp-reset")),
        );
        let form = [("csrf", csrf.clone())];
        async move { c.post(url).form(&form).send().await.expect("reset") }
    };

    // Another organization's member: not found here, untouched.
    assert_eq!(reset(stranger.id).await.status(), 404);
    assert!(reload(&app, stranger.id).await.totp_enabled);
    // Not one's own (that is /account, with the password and a code).
    assert_eq!(reset(admin.id).await.status(), 422);
    assert!(reload(&app, admin.id).await.totp_enabled);
    // Without the form token: refused.
    let r = c
        .post(app.url(&format!("/testville/staff/users/{}/totp-reset", officer.id)))
        .form(&[("csrf", "nope")])
        .send()
        .await
        .expect("reset");
    assert_eq!(r.status(), 403);
    assert!(reload(&app, officer.id).await.totp_enabled);

    let r = reset(officer.id).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/staff/users?ok=saved");
    let after = reload(&app, officer.id).await;
    assert!(!after.totp_enabled && after.totp_secret.is_none());
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let e = &audit::recent(&mut conn, app.org.id, 1, None)
        .await
        .expect("audit")[0];
    assert_eq!(
        (e.action.as_str(), e.actor.as_str(), e.entity_id.clone()),
        ("user.totp_reset", "admin", officer.id.to_string())
    );
    drop(conn);

    // The officer now signs in with the password alone.
    let (c2, _) = app.client();
    let r = app.login(&c2, "officer", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert!(!location(&r).starts_with("/login/totp"), "{}", location(&r));

    // Someone who also works for an organization this admin does not administer:
    // neither their second factor nor their password can be taken over from here.
    {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        users::set_role(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            stranger.id,
            Role::Clerk,
            None,
            &Actor::cli(),
        )
        .await
        .expect("role");
    }
    let r = reset(stranger.id).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("องค์กรอื่น"));
    assert!(reload(&app, stranger.id).await.totp_enabled);
    let r = c
        .post(app.url(&format!("/testville/staff/users/{}/password", stranger.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", "a-brand-new-password"),
        ])
        .send()
        .await
        .expect("password");
    assert_eq!(r.status(), 422);
    let s = reload(&app, stranger.id).await;
    assert!(users::verify_password(PASSWORD, &s.password_hash));
}

#[tokio::test]
async fn an_administrator_adds_an_existing_account() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin).await;
    let other = app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    let somsri = app.user_in(other.id, "somsri", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&admin).await;
    let page = get_text(&c, app.url("/testville/staff/users")).await;
    assert!(
        page.contains("action=\"/testville/staff/users/add\""),
        "{page}"
    );
    let add = |username: &str, role: &str, division: String| {
        let form = [
            ("csrf", csrf.clone()),
            ("username", username.to_string()),
            ("role", role.to_string()),
            ("division", division),
        ];
        let (c, url) = (c.clone(), app.url("/testville/staff/users/add"));
        async move { c.post(url).form(&form).send().await.expect("add") }
    };

    let r = add("nobody-here", "clerk", String::new()).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("ไม่พบบัญชีผู้ใช้ชื่อนี้"));
    // Officers need a division.
    assert_eq!(add("somsri", "officer", String::new()).await.status(), 422);
    // Citizens are not a staff role to hand out.
    assert_eq!(add("somsri", "citizen", String::new()).await.status(), 422);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    assert_eq!(
        users::membership(&mut conn, app.org.id, somsri.id)
            .await
            .expect("q"),
        None
    );
    drop(conn);

    let division = app.divisions[1].id;
    let r = add(" SomSri ", "officer", division.to_string()).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/testville/staff/users?ok=created");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let m = users::membership(&mut conn, app.org.id, somsri.id)
        .await
        .expect("q")
        .expect("member now");
    assert_eq!((m.role, m.division_id), (Role::Officer, Some(division)));
    // Still a clerk over there.
    let theirs = users::membership(&mut conn, other.id, somsri.id)
        .await
        .expect("q")
        .expect("still");
    assert_eq!(theirs.role, Role::Clerk);
    let e = &audit::recent(&mut conn, app.org.id, 1, None)
        .await
        .expect("audit")[0];
    assert_eq!(
        (e.action.as_str(), e.actor.as_str()),
        ("membership.set_role", "admin")
    );
    drop(conn);

    // Already a member: the role is changed in the list, not here.
    let r = add("somsri", "clerk", String::new()).await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("เป็นสมาชิกขององค์กรนี้อยู่แล้ว")
    );

    // The new member's staff area opens.
    let (c2, _) = app.signed_in(&somsri).await;
    let r = c2
        .get(app.url("/testville/staff/"))
        .send()
        .await
        .expect("staff");
    assert_eq!(r.status(), 200);

    // Only administrators may do it.
    let clerk = app.user("clerk", Role::Clerk).await;
    let (c3, csrf3) = app.signed_in(&clerk).await;
    let r = c3
        .post(app.url("/testville/staff/users/add"))
        .form(&[
            ("csrf", csrf3.as_str()),
            ("username", "admin"),
            ("role", "clerk"),
        ])
        .send()
        .await
        .expect("add");
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn paths_without_the_trailing_slash_redirect_permanently() {
    let app = TestApp::spawn().await;
    let (anon, _) = app.client();
    let r = anon.get(app.url("/testville")).send().await.expect("org");
    assert_eq!(r.status(), 308);
    assert_eq!(location(&r), "/testville/");
    let r = anon
        .get(app.url("/testville?lang=en"))
        .send()
        .await
        .expect("org");
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (308, "/testville/?lang=en".into())
    );
    assert_eq!(
        anon.get(app.url("/NOT%20A%20SLUG"))
            .send()
            .await
            .expect("bad")
            .status(),
        404
    );

    // /{org}/staff: staff go on to the staff home; others as at the staff home itself.
    let clerk = app.user("clerk", Role::Clerk).await;
    let (c, _) = app.signed_in(&clerk).await;
    let r = c
        .get(app.url("/testville/staff"))
        .send()
        .await
        .expect("staff");
    assert_eq!(r.status(), 308);
    assert_eq!(location(&r), "/testville/staff/");
    let r = anon
        .get(app.url("/testville/staff"))
        .send()
        .await
        .expect("staff");
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    let other = app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    let outsider = app.user_in(other.id, "outsider", Role::Admin).await;
    let (c, _) = app.signed_in(&outsider).await;
    assert_eq!(
        c.get(app.url("/testville/staff"))
            .send()
            .await
            .expect("staff")
            .status(),
        403
    );
}
