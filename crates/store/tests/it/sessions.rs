//! Sessions (expiry) and rate limits.

use crate::both_backends;
use crate::common::TestDb;
use prongsai_store::audit::Actor;
use prongsai_store::{sessions, users};

both_backends! {
    async fn sessions_live_and_expire(t: TestDb) {
        let mut c = t.conn().await;
        let u = users::create(&mut c, t.key(), 0, "somchai", "สมชาย", "", "correct horse battery", &Actor::cli()).await.unwrap();
        let (token, s) = sessions::create(&mut c, u.id, false).await.unwrap();
        assert_ne!(token, s.token_hash, "only a hash is stored");
        let found = sessions::find(&mut c, &token).await.unwrap().unwrap();
        assert_eq!((found.user_id, found.totp_verified), (u.id, false));
        sessions::mark_totp_verified(&mut c, &token).await.unwrap();
        assert!(sessions::find(&mut c, &token).await.unwrap().unwrap().totp_verified);
        assert!(sessions::find(&mut c, "not a token").await.unwrap().is_none());

        // Idle past the deadline: gone, and swept.
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(prongsai_store::now_ms() - 1)
            .bind(&s.token_hash)
            .execute(&mut *c)
            .await
            .unwrap();
        assert!(sessions::find(&mut c, &token).await.unwrap().is_none());
        assert_eq!(sessions::sweep(&mut c).await.unwrap(), 1);

        // Older than the longest life: gone even if recently used.
        let (token2, s2) = sessions::create(&mut c, u.id, true).await.unwrap();
        sqlx::query("UPDATE sessions SET created_at = $1 WHERE token_hash = $2")
            .bind(prongsai_store::now_ms() - sessions::MAX_MS - 1)
            .bind(&s2.token_hash)
            .execute(&mut *c)
            .await
            .unwrap();
        assert!(sessions::find(&mut c, &token2).await.unwrap().is_none());

        let (token3, _) = sessions::create(&mut c, u.id, true).await.unwrap();
        sessions::delete(&mut c, &token3).await.unwrap();
        assert!(sessions::find(&mut c, &token3).await.unwrap().is_none());
    }

    async fn rate_limits_count_per_bucket(t: TestDb) {
        let mut c = t.conn().await;
        let window = 60 * 60 * 1000;
        for _ in 0..3 {
            assert!(sessions::rate_limit_hit(&mut c, "login:1.2.3.4", 3, window).await.unwrap());
        }
        assert!(!sessions::rate_limit_hit(&mut c, "login:1.2.3.4", 3, window).await.unwrap(), "4th hit is over");
        assert!(sessions::rate_limit_hit(&mut c, "login:5.6.7.8", 3, window).await.unwrap(), "buckets are apart");
        // A new window starts again from one.
        sqlx::query("UPDATE rate_limits SET window_start = window_start - $1 WHERE bucket = $2")
            .bind(window)
            .bind("login:1.2.3.4")
            .execute(&mut *c)
            .await
            .unwrap();
        assert!(sessions::rate_limit_hit(&mut c, "login:1.2.3.4", 3, window).await.unwrap());
    }
}
