//! Organization scoping: a query for organization A never returns B's rows.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::Role;
use prongsai_store::audit::{self, Actor};
use prongsai_store::{files, orgs, users};

both_backends! {
    async fn queries_for_a_never_see_b(t: TestDb) {
        let a = make_org(&t, "org-a").await;
        let b = make_org(&t, "org-b").await;
        let mut c = t.conn().await;
        let da = orgs::create_division(&mut c, t.key(), a.id, "finance", "กองคลัง", "", &Actor::cli()).await.unwrap();
        let db_ = orgs::create_division(&mut c, t.key(), b.id, "finance", "กองคลัง", "", &Actor::cli()).await.unwrap();
        let ua = users::create(&mut c, t.key(), a.id, "user-a", "A", "", "correct horse battery", &Actor::cli()).await.unwrap();
        let ub = users::create(&mut c, t.key(), b.id, "user-b", "B", "", "correct horse battery", &Actor::cli()).await.unwrap();
        users::set_role(&mut c, t.key(), a.id, ua.id, Role::Officer, Some(da.id), &Actor::cli()).await.unwrap();
        users::set_role(&mut c, t.key(), b.id, ub.id, Role::Officer, Some(db_.id), &Actor::cli()).await.unwrap();
        let fa = files::upload(&mut c, t.blobs.as_ref(), a.id, "a.pdf", "application/pdf", b"A", Some(ua.id)).await.unwrap();
        let fb = files::upload(&mut c, t.blobs.as_ref(), b.id, "b.pdf", "application/pdf", b"B", Some(ub.id)).await.unwrap();

        assert_eq!(orgs::divisions(&mut c, a.id).await.unwrap(), vec![da.clone()]);
        assert_eq!(orgs::division(&mut c, a.id, db_.id).await.unwrap(), None, "B's division by id through A");
        assert_eq!(orgs::division_by_code(&mut c, a.id, "finance").await.unwrap().map(|d| d.id), Some(da.id));
        let members: Vec<String> = users::members(&mut c, a.id).await.unwrap().into_iter().map(|m| m.user.username).collect();
        assert_eq!(members, ["user-a"]);
        assert_eq!(users::membership(&mut c, a.id, ub.id).await.unwrap(), None);
        assert_eq!(files::by_id(&mut c, a.id, fb.id).await.unwrap(), None, "B's file by id through A");
        assert_eq!(files::by_id(&mut c, a.id, fa.id).await.unwrap().map(|f| f.id), Some(fa.id));
        assert_eq!(files::list_for_org(&mut c, a.id).await.unwrap().into_iter().map(|f| f.id).collect::<Vec<_>>(), [fa.id]);
        assert!(audit::recent(&mut c, a.id, 100, None).await.unwrap().iter().all(|e| e.org_id == a.id));
        assert!(!audit::recent(&mut c, a.id, 100, None).await.unwrap().is_empty());

        // Writes through A cannot reach B either.
        let err = users::set_role(&mut c, t.key(), a.id, ua.id, Role::Officer, Some(db_.id), &Actor::cli()).await;
        assert!(err.is_err(), "a division of B given through A");
        assert!(orgs::set_division_head(&mut c, t.key(), a.id, db_.id, Some(ua.id), &Actor::cli()).await.is_err());
        assert_eq!(orgs::division(&mut c, b.id, db_.id).await.unwrap().unwrap().head_user_id, None);
    }
}
