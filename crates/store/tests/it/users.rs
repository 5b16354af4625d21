//! Accounts, passwords (argon2id), lockout and memberships.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::Role;
use prongsai_store::StoreError;
use prongsai_store::audit::Actor;
use prongsai_store::{orgs, users};

both_backends! {
    async fn create_and_check_password(t: TestDb) {
        let mut c = t.conn().await;
        let u = users::create(&mut c, t.key(), 0, "somchai", "สมชาย ใจดี", "s@example.org", "correct horse battery", &Actor::cli())
            .await
            .unwrap();
        assert!(u.password_hash.starts_with("$argon2id$"), "{}", u.password_hash);
        assert!(users::verify_password("correct horse battery", &u.password_hash));
        assert!(!users::verify_password("wrong password!", &u.password_hash));
        assert_eq!(users::by_username(&mut c, "SomChai ").await.unwrap().map(|x| x.id), Some(u.id));
        assert_eq!(users::by_id(&mut c, u.id).await.unwrap().map(|x| x.username), Some("somchai".into()));
        let dup = users::create(&mut c, t.key(), 0, "somchai", "x", "", "another password", &Actor::cli()).await.unwrap_err();
        assert!(matches!(dup, StoreError::Conflict(_)));
        let weak = users::create(&mut c, t.key(), 0, "weakling", "x", "", "short", &Actor::cli()).await.unwrap_err();
        assert!(matches!(weak, StoreError::Invalid(_)));
        let bad = users::create(&mut c, t.key(), 0, "Bad Name", "x", "", "long enough pass", &Actor::cli()).await.unwrap_err();
        assert!(matches!(bad, StoreError::Invalid(_)));
    }

    async fn lockout_after_failed_logins(t: TestDb) {
        let mut c = t.conn().await;
        let u = users::create(&mut c, t.key(), 0, "somchai", "สมชาย", "", "correct horse battery", &Actor::cli()).await.unwrap();
        for _ in 0..users::MAX_FAILED_LOGINS - 1 {
            users::note_failed_login(&mut c, u.id).await.unwrap();
        }
        let u1 = users::by_id(&mut c, u.id).await.unwrap().unwrap();
        assert_eq!(u1.failed_logins, users::MAX_FAILED_LOGINS - 1);
        assert_eq!(u1.locked_until, 0, "not locked yet");
        users::note_failed_login(&mut c, u.id).await.unwrap();
        let u2 = users::by_id(&mut c, u.id).await.unwrap().unwrap();
        assert!(u2.locked_until > prongsai_store::now_ms(), "locked after {} failures", users::MAX_FAILED_LOGINS);
        users::note_successful_login(&mut c, u.id).await.unwrap();
        let u3 = users::by_id(&mut c, u.id).await.unwrap().unwrap();
        assert_eq!((u3.failed_logins, u3.locked_until), (0, 0));
        // A password reset unlocks too, and ends every session.
        for _ in 0..users::MAX_FAILED_LOGINS {
            users::note_failed_login(&mut c, u.id).await.unwrap();
        }
        prongsai_store::sessions::create(&mut c, u.id, true).await.unwrap();
        users::set_password(&mut c, t.key(), 0, u.id, "a brand new password", &Actor::cli()).await.unwrap();
        let u4 = users::by_id(&mut c, u.id).await.unwrap().unwrap();
        assert_eq!((u4.failed_logins, u4.locked_until), (0, 0));
        assert!(users::verify_password("a brand new password", &u4.password_hash));
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = $1").bind(u.id).fetch_one(&mut *c).await.unwrap();
        assert_eq!(n, 0);
    }

    async fn memberships_and_roles(t: TestDb) {
        let a = make_org(&t, "bang-pra").await;
        let mut c = t.conn().await;
        let d = orgs::create_division(&mut c, t.key(), a.id, "finance", "กองคลัง", "", &Actor::cli()).await.unwrap();
        let u = users::create(&mut c, t.key(), a.id, "somchai", "สมชาย", "", "correct horse battery", &Actor::cli()).await.unwrap();
        let err = users::set_role(&mut c, t.key(), a.id, u.id, Role::Officer, None, &Actor::cli()).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "an officer needs a division");
        let m = users::set_role(&mut c, t.key(), a.id, u.id, Role::Officer, Some(d.id), &Actor::cli()).await.unwrap();
        assert_eq!((m.role, m.division_id), (Role::Officer, Some(d.id)));
        let m2 = users::set_role(&mut c, t.key(), a.id, u.id, Role::Clerk, None, &Actor::cli()).await.unwrap();
        assert_eq!((m2.role, m2.division_id), (Role::Clerk, None));
        assert_eq!(users::membership(&mut c, a.id, u.id).await.unwrap(), Some(m2.clone()));
        assert_eq!(users::memberships_of(&mut c, u.id).await.unwrap(), vec![m2]);
        let members = users::members(&mut c, a.id).await.unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].user.username, "somchai");
        users::remove_membership(&mut c, t.key(), a.id, u.id, &Actor::cli()).await.unwrap();
        assert_eq!(users::membership(&mut c, a.id, u.id).await.unwrap(), None);
        let actions: Vec<String> = prongsai_store::audit::recent(&mut c, a.id, 10, None).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["membership.remove", "membership.set_role", "membership.set_role", "user.create", "division.create"]);
    }
}

both_backends! {
    async fn profile_update_is_validated_and_audited(t: TestDb) {
        let mut c = t.conn().await;
        let u = users::create(&mut c, t.key(), 0, "malee", "มาลี", "", "correct horse battery", &Actor::cli()).await.unwrap();
        let actor = Actor::user(u.id, "malee");
        let after = users::update_profile(&mut c, t.key(), u.id, "  มาลี ศรีสุข ", " malee@example.go.th ", &actor).await.unwrap();
        assert_eq!((after.display_name.as_str(), after.email.as_str()), ("มาลี ศรีสุข", "malee@example.go.th"));
        let stored = users::by_id(&mut c, u.id).await.unwrap().unwrap();
        assert_eq!(stored.display_name, "มาลี ศรีสุข");
        // No address at all is fine; a 120-character Thai name is the longest allowed.
        users::update_profile(&mut c, t.key(), u.id, &"ก".repeat(120), "", &actor).await.unwrap();
        for (name, email) in [
            ("", "a@example.org"),
            ("   ", ""),
            (&*"ก".repeat(121), ""),
            ("ชื่อ", "not-an-address"),
            ("ชื่อ", "a@b"),
            ("ชื่อ", "two@at@example.org"),
            ("ชื่อ", "sp ace@example.org"),
            ("ชื่อ", "@example.org"),
        ] {
            let e = users::update_profile(&mut c, t.key(), u.id, name, email, &actor).await.unwrap_err();
            assert!(matches!(e, StoreError::Invalid(_)), "{name:?} {email:?}: {e}");
        }
        let missing = users::update_profile(&mut c, t.key(), u.id + 1000, "x", "", &actor).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound(_)));
        // Recorded in the installation's chain, with before and after (no secrets).
        let entries = prongsai_store::audit::recent(&mut c, 0, 10, None).await.unwrap();
        let e = entries.iter().find(|e| e.action == "user.update_profile").unwrap();
        assert_eq!((e.entity_id.as_str(), e.actor_id), (u.id.to_string().as_str(), u.id));
        assert!(e.after.contains("\"display_name\":\"") && !e.after.contains("argon2"), "{}", e.after);
        assert_eq!(entries.iter().filter(|e| e.action == "user.update_profile").count(), 2);
        assert!(prongsai_store::audit::verify_all(&mut c, t.key()).await.unwrap().first_break.is_none());
    }

    async fn totp_steps_are_used_once(t: TestDb) {
        let mut c = t.conn().await;
        let u = users::create(&mut c, t.key(), 0, "malee", "มาลี", "", "correct horse battery", &Actor::cli()).await.unwrap();
        let other = users::create(&mut c, t.key(), 0, "somsri", "สมศรี", "", "correct horse battery", &Actor::cli()).await.unwrap();
        assert_eq!(users::totp_last_step(&mut c, u.id).await.unwrap(), 0);
        let step = 58_000_000;
        assert!(users::use_totp_step(&mut c, u.id, step).await.unwrap());
        assert!(!users::use_totp_step(&mut c, u.id, step).await.unwrap(), "the same step twice");
        assert!(!users::use_totp_step(&mut c, u.id, step - 1).await.unwrap(), "an earlier step");
        assert_eq!(users::totp_last_step(&mut c, u.id).await.unwrap(), step);
        assert!(users::use_totp_step(&mut c, u.id, step + 1).await.unwrap());
        // Per account.
        assert!(users::use_totp_step(&mut c, other.id, step).await.unwrap());
        assert!(!users::use_totp_step(&mut c, u.id + other.id + 1000, step + 5).await.unwrap());
    }

    async fn totp_reset_by_an_administrator(t: TestDb) {
        let a = make_org(&t, "bang-pra").await;
        let mut c = t.conn().await;
        let u = users::create(&mut c, t.key(), a.id, "malee", "มาลี", "", "correct horse battery", &Actor::cli()).await.unwrap();
        users::set_totp(&mut c, t.key(), u.id, Some("JBSWY3DPEHPK3PXP"), true, &Actor::cli()).await.unwrap();
        assert!(users::by_id(&mut c, u.id).await.unwrap().unwrap().totp_enabled);
        users::reset_totp(&mut c, t.key(), a.id, u.id, &Actor::user(99, "admin")).await.unwrap();
        let after = users::by_id(&mut c, u.id).await.unwrap().unwrap();
        assert!(!after.totp_enabled);
        assert_eq!(after.totp_secret, None);
        let e = &prongsai_store::audit::recent(&mut c, a.id, 1, None).await.unwrap()[0];
        assert_eq!((e.action.as_str(), e.actor.as_str()), ("user.totp_reset", "admin"));
        assert!(e.before.contains("\"totp_enabled\":true") && e.after.contains("\"totp_enabled\":false"), "{} {}", e.before, e.after);
        assert!(!e.before.contains("JBSWY3DPEHPK3PXP"), "no secret in the trail");
        let missing = users::reset_totp(&mut c, t.key(), a.id, u.id + 1000, &Actor::cli()).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound(_)));
    }
}
