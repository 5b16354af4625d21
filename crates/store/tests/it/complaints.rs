//! General complaints: filing, the workflow, the overdue rule, the mail outbox, routing.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::complaint::{Channel, ComplaintAction, ComplaintStatus};
use prongsai_store::audit::Actor;
use prongsai_store::complaints::{self, ApplyError, NewComplaint, QueueFilter, Who};
use prongsai_store::{mail_outbox, open311_keys, orgs};

fn new(category: &str, email: &str) -> NewComplaint {
    NewComplaint {
        category: category.into(),
        channel: Channel::Web,
        location_text: "หน้าตลาดบ้านใหม่".into(),
        lat: None,
        lon: None,
        description: "ไฟส่องสว่างดับทั้งซอย".into(),
        contact_name: "สมชาย".into(),
        contact_phone: String::new(),
        contact_email: email.into(),
        filed_by: None,
        attachments: vec![],
    }
}

both_backends! {
    async fn filing_routes_and_the_workflow_is_recorded(t: TestDb) {
        let org = make_org(&t, "bang-khla").await;
        let mut c = t.conn().await;
        let a = Actor::cli();
        let finance = orgs::create_division(&mut c, t.key(), org.id, "finance", "กองคลัง", "", &a).await.unwrap();
        let office = orgs::create_division(&mut c, t.key(), org.id, "office", "สำนักปลัด", "", &a).await.unwrap();
        drop(c);
        // Default routing: tax → finance; unknown → the clerk's office.
        let tax = complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("tax", "a@example.org")).await.unwrap();
        assert_eq!(tax.division_id, Some(finance.id));
        assert_eq!(tax.status, ComplaintStatus::Received);
        assert!(tax.deadline_at > tax.received_at + 14 * 86_400_000);
        let other = complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("electricity", "")).await.unwrap();
        assert_eq!(other.division_id, Some(office.id));
        // A configured route wins.
        complaints::set_route(&t.db, t.key(), org.id, "electricity", Some(finance.id), &a).await.unwrap();
        let routed = complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("electricity", "")).await.unwrap();
        assert_eq!(routed.division_id, Some(finance.id));

        // Found by the code as a person types it.
        let mut c = t.conn().await;
        let typed = tax.code.to_lowercase().replace('-', " ");
        assert_eq!(complaints::by_code(&mut c, org.id, &typed).await.unwrap().unwrap().id, tax.id);
        assert!(complaints::by_code(&mut c, org.id + 1, &tax.code).await.unwrap().is_none(), "scoped by organization");
        drop(c);

        let staff = Who::Staff(Actor::user(7, "officer"));
        complaints::apply(&t.db, t.key(), &org, tax.id, &ComplaintAction::Acknowledge, &staff).await.unwrap();
        let e = complaints::apply(&t.db, t.key(), &org, tax.id, &ComplaintAction::Acknowledge, &staff).await.unwrap_err();
        assert!(matches!(e, ApplyError::Rule(_)));
        assert!(e.message_th().contains("ไม่สามารถ"));
        complaints::add_message(&t.db, t.key(), &org, tax.id, "ภายใน: ตรวจแล้ว", false, &Actor::user(7, "officer")).await.unwrap();
        let done = complaints::apply(&t.db, t.key(), &org, tax.id, &ComplaintAction::Resolve { reply: "ซ่อมเรียบร้อยแล้ว".into() }, &staff).await.unwrap();
        assert_eq!(done.status, ComplaintStatus::Resolved);
        let closed = complaints::apply(&t.db, t.key(), &org, tax.id, &ComplaintAction::Confirm, &Who::Complainant).await.unwrap();
        assert_eq!(closed.status, ComplaintStatus::Closed);

        let mut c = t.conn().await;
        let public = complaints::events(&mut c, org.id, tax.id, true).await.unwrap();
        let kinds: Vec<&str> = public.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, vec!["filed", "acknowledge", "resolve", "confirm"]);
        assert!(public.iter().all(|e| !e.body.contains("ภายใน")), "notes are not public");
        let all = complaints::events(&mut c, org.id, tax.id, false).await.unwrap();
        assert_eq!(all.len(), 5);
        // Staff changes are in the audit trail.
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND entity = 'complaint'")
            .bind(org.id).fetch_one(&mut *c).await.unwrap();
        assert_eq!(n, 3);
        // A notice per status change for the complainant with an e-mail address.
        assert_eq!(mail_outbox::pending(&t.db).await.unwrap(), 4);

        // Merging a duplicate, the queue filters.
        let dup = complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("electricity", "")).await.unwrap();
        let merged = complaints::apply(&t.db, t.key(), &org, dup.id, &ComplaintAction::MergeInto { into: routed.code.clone() }, &staff).await.unwrap();
        assert_eq!((merged.status, merged.merged_into.as_str()), (ComplaintStatus::Merged, routed.code.as_str()));
        let open = complaints::list(&mut c, org.id, &QueueFilter { open_only: true, ..Default::default() }).await.unwrap();
        assert_eq!(open.len(), 2);
        let mine = complaints::list(&mut c, org.id, &QueueFilter { only_division: Some(Some(office.id)), ..Default::default() }).await.unwrap();
        assert_eq!(mine.iter().map(|c| c.id).collect::<Vec<_>>(), vec![other.id]);
        let facts = complaints::facts(&mut c, org.id).await.unwrap();
        assert_eq!(facts.len(), 4);
    }

    async fn overdue_cases_get_one_explanation_each(t: TestDb) {
        let org = make_org(&t, "bang-pakong").await;
        let late = complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("roads", "late@example.org")).await.unwrap();
        let answered = complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("roads", "")).await.unwrap();
        let now = prongsai_store::now_ms();
        assert_eq!(complaints::overdue_sweep(&t.db, now).await.unwrap(), 0, "nothing is late yet");
        let mut c = t.conn().await;
        sqlx::query("UPDATE complaints SET deadline_at = $1 WHERE org_id = $2")
            .bind(now - 1000).bind(org.id).execute(&mut *c).await.unwrap();
        // A reply after the deadline counts as an explanation.
        sqlx::query("UPDATE complaints SET last_public_reply_at = $1 WHERE id = $2")
            .bind(now - 10).bind(answered.id).execute(&mut *c).await.unwrap();
        drop(c);
        let pending_before = mail_outbox::pending(&t.db).await.unwrap();
        // Two sweeps at once (two server processes) and a third later: one notice.
        let (a, b) = tokio::join!(complaints::overdue_sweep(&t.db, now), complaints::overdue_sweep(&t.db, now));
        assert_eq!(a.unwrap() + b.unwrap(), 1);
        assert_eq!(complaints::overdue_sweep(&t.db, now + 5000).await.unwrap(), 0);
        let mut c = t.conn().await;
        let evs = complaints::events(&mut c, org.id, late.id, true).await.unwrap();
        let notice = evs.iter().find(|e| e.kind == "overdue_notice").expect("notice");
        assert!(notice.body.contains("ล่าช้า") && notice.body.contains(&late.code));
        assert_eq!(mail_outbox::pending(&t.db).await.unwrap(), pending_before + 1);
    }

    async fn the_outbox_claims_sends_and_retries(t: TestDb) {
        let org = make_org(&t, "phanom").await;
        complaints::file(&t.db, t.key(), t.blobs.as_ref(), &org, &new("roads", "x@example.org")).await.unwrap();
        let now = prongsai_store::now_ms();
        let first = mail_outbox::claim_due(&t.db, now, 10).await.unwrap();
        assert_eq!(first.len(), 1);
        assert!(first[0].subject.contains("รับเรื่องแล้ว"));
        assert!(mail_outbox::claim_due(&t.db, now, 10).await.unwrap().is_empty(), "claimed by the first worker");
        mail_outbox::mark_failed(&t.db, first[0].id, first[0].attempts, "connection refused").await.unwrap();
        assert!(mail_outbox::claim_due(&t.db, now + 1000, 10).await.unwrap().is_empty(), "backing off");
        let again = mail_outbox::claim_due(&t.db, now + 3_600_000, 10).await.unwrap();
        assert_eq!(again.len(), 1);
        mail_outbox::mark_sent(&t.db, again[0].id).await.unwrap();
        assert_eq!(mail_outbox::pending(&t.db).await.unwrap(), 0);
    }

    async fn api_keys_are_stored_hashed(t: TestDb) {
        let org = make_org(&t, "sanam").await;
        let mut c = t.conn().await;
        let key = open311_keys::create(&mut c, t.key(), org.id, "LINE bot", &Actor::cli()).await.unwrap();
        assert!(key.starts_with("p311_"));
        assert_eq!(open311_keys::org_of(&mut c, &key).await.unwrap(), Some(org.id));
        assert_eq!(open311_keys::org_of(&mut c, "p311_nope").await.unwrap(), None);
        let (stored,): (String,) = sqlx::query_as("SELECT key_hash FROM api_keys WHERE org_id = $1")
            .bind(org.id).fetch_one(&mut *c).await.unwrap();
        assert!(!stored.contains(&key));
    }
}
