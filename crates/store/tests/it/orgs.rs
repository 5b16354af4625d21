//! Organizations and divisions.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::{OrgType, Slug};
use prongsai_store::StoreError;
use prongsai_store::audit::Actor;
use prongsai_store::orgs::{self, NewOrganization, OrgProfile};

both_backends! {
    async fn create_find_list(t: TestDb) {
        let a = make_org(&t, "bang-pra").await;
        let b = make_org(&t, "ampher").await;
        let mut c = t.conn().await;
        assert_eq!(orgs::by_slug(&mut c, "bang-pra").await.unwrap(), Some(a.clone()));
        assert_eq!(orgs::by_id(&mut c, b.id).await.unwrap(), Some(b.clone()));
        assert_eq!(orgs::by_slug(&mut c, "nowhere").await.unwrap(), None);
        let all = orgs::list(&mut c, 10, 0).await.unwrap();
        assert_eq!(all.iter().map(|o| o.slug.as_str()).collect::<Vec<_>>(), ["ampher", "bang-pra"]);
        assert_eq!(orgs::count(&mut c).await.unwrap(), 2);
        assert_eq!(orgs::sole(&mut c).await.unwrap(), None);
        assert_eq!(a.org_type, OrgType::TownMunicipality);
        assert_eq!(a.complaint_deadline_days, 15);
    }

    async fn duplicate_slug_is_a_conflict(t: TestDb) {
        make_org(&t, "bang-pra").await;
        let mut c = t.conn().await;
        let err = orgs::create(
            &mut c,
            t.key(),
            &NewOrganization {
                slug: Slug::parse("bang-pra").unwrap(),
                name_th: "ซ้ำ".into(),
                name_en: String::new(),
                org_type: OrgType::Subdistrict,
                province: String::new(),
            },
            &Actor::cli(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
        assert!(err.is_unique_violation());
    }

    async fn update_profile_checks_and_records(t: TestDb) {
        let a = make_org(&t, "bang-pra").await;
        let mut c = t.conn().await;
        let mut p = OrgProfile {
            name_th: "เทศบาลตำบลบางพระ".into(),
            phone: "038-000000".into(),
            complaint_deadline_days: 10,
            require_staff_totp: true,
            ..Default::default()
        };
        let after = orgs::update_profile(&mut c, t.key(), a.id, &p, &Actor::cli()).await.unwrap();
        assert_eq!(after.phone, "038-000000");
        assert!(after.require_staff_totp);
        assert_eq!(after.complaint_deadline_days, 10);
        p.complaint_deadline_days = 0;
        assert!(orgs::update_profile(&mut c, t.key(), a.id, &p, &Actor::cli()).await.is_err());
        let trail = prongsai_store::audit::recent(&mut c, a.id, 10, None).await.unwrap();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].action, "org.update");
    }

    async fn divisions_in_order_with_unique_codes(t: TestDb) {
        let a = make_org(&t, "bang-pra").await;
        let mut c = t.conn().await;
        let d1 = orgs::create_division(&mut c, t.key(), a.id, "office", "สำนักปลัดเทศบาล", "Office", &Actor::cli()).await.unwrap();
        let d2 = orgs::create_division(&mut c, t.key(), a.id, "finance", "กองคลัง", "", &Actor::cli()).await.unwrap();
        let listed = orgs::divisions(&mut c, a.id).await.unwrap();
        assert_eq!(listed, vec![d1.clone(), d2.clone()]);
        assert_eq!(orgs::division_by_code(&mut c, a.id, "finance").await.unwrap(), Some(d2.clone()));
        let dup = orgs::create_division(&mut c, t.key(), a.id, "finance", "ซ้ำ", "", &Actor::cli()).await.unwrap_err();
        assert!(matches!(dup, StoreError::Conflict(_)));
        let bad = orgs::create_division(&mut c, t.key(), a.id, "Bad Code", "x", "", &Actor::cli()).await.unwrap_err();
        assert!(matches!(bad, StoreError::Invalid(_)));
        let head = orgs::set_division_head(&mut c, t.key(), a.id, d1.id, Some(42), &Actor::cli()).await.unwrap();
        assert_eq!(head.head_user_id, Some(42));
    }
}
