//! The audit trail: appends chain up, and a row changed, deleted or inserted with plain
//! SQL is found, with the right sequence number.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::audit::BreakKind;
use prongsai_store::audit::{self, Actor, Change};

/// An organization whose chain holds five entries.
async fn five_entries(t: &TestDb) -> i64 {
    let a = make_org(t, "bang-pra").await;
    let mut c = t.conn().await;
    for i in 1..=5 {
        let seq = audit::record(
            &mut c,
            t.key(),
            a.id,
            &Actor::user(7, "somchai"),
            Change {
                action: "test.step",
                entity: "thing",
                entity_id: i.to_string(),
            },
            format!("{{\"n\":{}}}", i - 1),
            format!("{{\"n\":{i}}}"),
        )
        .await
        .unwrap();
        assert_eq!(seq, i);
    }
    a.id
}

both_backends! {
    async fn appends_verify(t: TestDb) {
        let org = five_entries(&t).await;
        let mut c = t.conn().await;
        let r = audit::verify_all(&mut c, t.key()).await.unwrap();
        // Chain 0 holds the org's creation; the org's own chain the five steps.
        assert_eq!((r.chains, r.entries, r.first_break), (2, 6, None));
        let recent = audit::recent(&mut c, org, 2, None).await.unwrap();
        assert_eq!(recent.iter().map(|e| e.seq).collect::<Vec<_>>(), [5, 4]);
        let older = audit::recent(&mut c, org, 10, Some(4)).await.unwrap();
        assert_eq!(older.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(recent[0].actor, "somchai");
        // Another key cannot vouch for the chain.
        let wrong = audit::verify_all(&mut c, &[9u8; 32]).await.unwrap();
        assert!(wrong.first_break.is_some());
    }

    async fn edited_row_is_caught(t: TestDb) {
        let org = five_entries(&t).await;
        let mut c = t.conn().await;
        sqlx::query("UPDATE audit_log SET after_json = $1 WHERE org_id = $2 AND seq = 3")
            .bind("{\"n\":999}")
            .bind(org)
            .execute(&mut *c)
            .await
            .unwrap();
        let b = audit::verify_all(&mut c, t.key()).await.unwrap().first_break.unwrap();
        assert_eq!((b.org_id, b.seq, b.kind), (org, 3, BreakKind::Edited));
    }

    async fn deleted_row_is_caught(t: TestDb) {
        let org = five_entries(&t).await;
        let mut c = t.conn().await;
        sqlx::query("DELETE FROM audit_log WHERE org_id = $1 AND seq = 2").bind(org).execute(&mut *c).await.unwrap();
        let b = audit::verify_all(&mut c, t.key()).await.unwrap().first_break.unwrap();
        assert_eq!((b.org_id, b.seq, b.kind), (org, 3, BreakKind::Deleted));
    }

    async fn deleted_tail_is_caught(t: TestDb) {
        let org = five_entries(&t).await;
        let mut c = t.conn().await;
        sqlx::query("DELETE FROM audit_log WHERE org_id = $1 AND seq >= 4").bind(org).execute(&mut *c).await.unwrap();
        let b = audit::verify_all(&mut c, t.key()).await.unwrap().first_break.unwrap();
        assert_eq!((b.org_id, b.seq, b.kind), (org, 3, BreakKind::Truncated));
    }

    async fn inserted_row_is_caught(t: TestDb) {
        let org = five_entries(&t).await;
        let mut c = t.conn().await;
        // A forger copies the last row under the next number, pointing at the head.
        let (hash,): (String,) = sqlx::query_as("SELECT hash FROM audit_log WHERE org_id = $1 AND seq = 5")
            .bind(org)
            .fetch_one(&mut *c)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (org_id, seq, at_ms, actor_id, actor, action, entity, entity_id, \
             before_json, after_json, prev_hash, hash) \
             SELECT org_id, 6, at_ms, actor_id, actor, 'user.create', entity, entity_id, before_json, after_json, $1, hash \
             FROM audit_log WHERE org_id = $2 AND seq = 5",
        )
        .bind(&hash)
        .bind(org)
        .execute(&mut *c)
        .await
        .unwrap();
        let b = audit::verify_all(&mut c, t.key()).await.unwrap().first_break.unwrap();
        assert_eq!((b.org_id, b.seq), (org, 6));
        assert!(matches!(b.kind, BreakKind::Inserted | BreakKind::Edited), "{:?}", b.kind);
    }

    async fn whole_chain_deleted_is_caught(t: TestDb) {
        let org = five_entries(&t).await;
        let mut c = t.conn().await;
        sqlx::query("DELETE FROM audit_log WHERE org_id = $1").bind(org).execute(&mut *c).await.unwrap();
        let b = audit::verify_all(&mut c, t.key()).await.unwrap().first_break.unwrap();
        assert_eq!((b.org_id, b.kind), (org, BreakKind::Truncated));
    }
}
