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
