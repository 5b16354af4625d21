//! Moving an organization between installations: export, import elsewhere, export
//! again gives the same bytes; conflicts are refused with nothing half-written.

use crate::both_backends;
use crate::common::{TestDb, populate};
use prongsai_store::audit::{self, Actor};
use prongsai_store::backup;
use prongsai_store::transfer::{export_org_string, import_org};
use prongsai_store::users;

async fn export(t: &TestDb, org_id: i64) -> String {
    let mut c = t.conn().await;
    export_org_string(&mut c, t.blobs.clone(), org_id)
        .await
        .unwrap()
}

async fn round_trip_into(t: &TestDb, target: &TestDb) {
    populate(t, "other").await; // another organization, which must not travel
    let org = populate(t, "bang-pra").await;
    let first = export(t, org.id).await;
    assert!(
        !first.contains("other-clerk"),
        "only this organization's data"
    );
    assert!(first.contains("\"password_hash\": \"$argon2id$"));
    assert!(
        !first.contains("\"storage_key\""),
        "no installation-specific keys"
    );

    // The target already has an unrelated organization, so ids differ.
    populate(target, "first-here").await;
    populate(target, "second-here").await;
    let imported = import_org(
        &target.db,
        target.key(),
        target.blobs.clone(),
        &first,
        &Actor::cli(),
    )
    .await
    .unwrap();
    assert_eq!(imported.slug, "bang-pra");
    assert_ne!(imported.id, org.id);
    let second = export(target, imported.id).await;
    assert_eq!(
        first, second,
        "export → import → export gives the same bytes"
    );

    let mut c = target.conn().await;
    assert_eq!(
        audit::verify_all(&mut c, target.key())
            .await
            .unwrap()
            .first_break,
        None
    );
    let entries = audit::recent(&mut c, imported.id, 1000, None)
        .await
        .unwrap();
    let mut src = t.conn().await;
    let original = audit::recent(&mut src, org.id, 1000, None).await.unwrap();
    assert_eq!(entries.len(), original.len());
    assert_eq!(entries[0].at_ms, original[0].at_ms, "times are kept");
    let clerk = users::by_username(&mut c, "bang-pra-clerk")
        .await
        .unwrap()
        .unwrap();
    assert!(
        users::verify_password("correct horse battery", &clerk.password_hash),
        "people sign in as before"
    );
    let last_install = audit::recent(&mut c, 0, 1, None).await.unwrap();
    assert_eq!(last_install[0].action, "org.import");
}

both_backends! {
    async fn export_import_export_is_byte_identical(t: TestDb) {
        let target = t.another().await;
        round_trip_into(&t, &target).await;
    }

    async fn refuses_conflicts_and_garbage_without_writing(t: TestDb) {
        let org = populate(&t, "bang-pra").await;
        let doc = export(&t, org.id).await;
        let target = t.another().await;
        // A different account with the same user name already lives there.
        let mut c = target.conn().await;
        users::create(&mut c, target.key(), 0, "bang-pra-officer", "คนอื่น", "", "another password!", &Actor::cli()).await.unwrap();
        drop(c);
        let before = backup::logical_dump(&target.db).await.unwrap();
        let err = import_org(&target.db, target.key(), target.blobs.clone(), &doc, &Actor::cli()).await.unwrap_err();
        assert!(err.to_string().contains("bang-pra-officer"), "{err}");
        assert_eq!(backup::logical_dump(&target.db).await.unwrap(), before, "nothing half-written");
        assert!(target.blobs.list().unwrap().is_empty(), "no stray files");

        // The same slug twice.
        let err = import_org(&t.db, t.key(), t.blobs.clone(), &doc, &Actor::cli()).await.unwrap_err();
        assert!(err.to_string().contains("bang-pra"), "{err}");

        for garbage in ["", "not json", "{}", "{\"format\":\"prongsai-org-export\",\"format_version\":99,\"sections\":{}}",
                        "{\"format\":\"prongsai-org-export\",\"format_version\":1,\"sections\":{\"plans\":[]}}"] {
            let err = import_org(&target.db, target.key(), target.blobs.clone(), garbage, &Actor::cli()).await.unwrap_err();
            assert!(matches!(err, prongsai_store::StoreError::Invalid(_)), "{garbage:?}: {err}");
        }
        // A tampered file is refused, after the first file was already stored.
        let clean = t.another().await;
        let before = backup::logical_dump(&clean.db).await.unwrap();
        let tampered = doc.replacen("\"size_bytes\": 5", "\"size_bytes\": 6", 1);
        assert_ne!(tampered, doc);
        let err = import_org(&clean.db, clean.key(), clean.blobs.clone(), &tampered, &Actor::cli()).await.unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
        assert_eq!(backup::logical_dump(&clean.db).await.unwrap(), before);
        assert!(clean.blobs.list().unwrap().is_empty(), "the stored file is removed again");
    }

    async fn reuses_the_same_account(t: TestDb) {
        let org = populate(&t, "bang-pra").await;
        let doc = export(&t, org.id).await;
        // Rename the organization at the source and import the export back: the
        // accounts are the very same, so they are reused.
        let mut c = t.conn().await;
        sqlx::query("UPDATE organizations SET slug = 'bang-pra-old' WHERE id = $1").bind(org.id).execute(&mut *c).await.unwrap();
        // API keys are unique in an installation: the old copy gives its keys up.
        sqlx::query("DELETE FROM api_keys WHERE org_id = $1").bind(org.id).execute(&mut *c).await.unwrap();
        drop(c);
        let again = import_org(&t.db, t.key(), t.blobs.clone(), &doc, &Actor::cli()).await.unwrap();
        let mut c = t.conn().await;
        let clerk = users::by_username(&mut c, "bang-pra-clerk").await.unwrap().unwrap();
        assert_eq!(users::memberships_of(&mut c, clerk.id).await.unwrap().len(), 2);
        assert_eq!(export(&t, again.id).await, doc);
    }
}

/// Export on SQLite, import on PostgreSQL, export again: the same bytes.
mod sqlite_export_imports_into {
    use super::*;

    #[tokio::test]
    #[ignore = "needs PostgreSQL: set PRONGSAI_TEST_POSTGRES"]
    async fn postgres() {
        crate::common::run(prongsai_store::Backend::Sqlite, |t: TestDb| async move {
            let target = t.another_on(prongsai_store::Backend::Postgres).await;
            round_trip_into(&t, &target).await;
        })
        .await
    }
}
