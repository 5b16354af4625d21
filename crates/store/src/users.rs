//! Accounts (installation-wide), their passwords, and memberships (a role in one
//! organization). Passwords are hashed with argon2id; failed sign-ins lock an account
//! for a while.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use prongsai_domain::Role;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::audit::{self, Actor, Change, snapshot};
use crate::error::{Result, StoreError};

/// Failed sign-ins in a row before the account locks.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// argon2id PHC string. Never shown; skipped in `Debug`-like views by callers.
    #[serde(skip_serializing)]
    pub password_hash: String,
    #[serde(skip_serializing)]
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub failed_logins: i64,
    pub locked_until: i64,
    pub disabled: bool,
    pub lang: String,
    pub created_at: i64,
}

/// A user as recorded in the audit trail: no secrets.
#[derive(Serialize)]
struct UserAudit<'a> {
    id: i64,
    username: &'a str,
    display_name: &'a str,
    email: &'a str,
    totp_enabled: bool,
    disabled: bool,
}

impl User {
    fn audit_view(&self) -> UserAudit<'_> {
        UserAudit {
            id: self.id,
            username: &self.username,
            display_name: &self.display_name,
            email: &self.email,
            totp_enabled: self.totp_enabled,
            disabled: self.disabled,
        }
    }
}

const USER_COLS: &str = "id, username, display_name, email, password_hash, totp_secret, totp_enabled, \
     failed_logins, locked_until, disabled, lang, created_at";

fn user_from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        password_hash: r.try_get("password_hash")?,
        totp_secret: r.try_get("totp_secret")?,
        totp_enabled: r.try_get::<i64, _>("totp_enabled")? != 0,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        lang: r.try_get("lang")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash password: {e}")))
}

/// Checks a password against a stored argon2id hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The password rule: at least 10 characters, not all the same kind.
pub fn check_password_strength(password: &str) -> Result<()> {
    if password.chars().count() < 10 {
        return Err(StoreError::Invalid(
            "password must be at least 10 characters".into(),
        ));
    }
    if password.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "password must be at most 200 characters".into(),
        ));
    }
    Ok(())
}

/// Checks a user name: 3–64 characters of lowercase letters, digits, `.`, `_`, `-`.
pub fn valid_username(u: &str) -> bool {
    (3..=64).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Creates an account. `org_id` names the audit chain (0 for installation-wide).
#[allow(clippy::too_many_arguments)]
pub async fn create(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    username: &str,
    display_name: &str,
    email: &str,
    password: &str,
    actor: &Actor,
) -> Result<User> {
    if !valid_username(username) {
        return Err(StoreError::Invalid(format!(
            "user name {username:?}: use 3–64 lowercase letters, digits, '.', '_' or '-'"
        )));
    }
    check_password_strength(password)?;
    let hash = hash_password(password)?;
    create_with_hash(
        conn,
        audit_key,
        org_id,
        username,
        display_name,
        email,
        &hash,
        actor,
    )
    .await
}

/// Creates an account from an existing password hash (imports).
#[allow(clippy::too_many_arguments)]
pub async fn create_with_hash(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    username: &str,
    display_name: &str,
    email: &str,
    password_hash: &str,
    actor: &Actor,
) -> Result<User> {
    let res = sqlx::query(&format!(
        "INSERT INTO users (username, display_name, email, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLS}"
    ))
    .bind(username)
    .bind(display_name.trim())
    .bind(email.trim())
    .bind(password_hash)
    .bind(crate::now_ms())
    .fetch_one(&mut *conn)
    .await;
    let row = match res {
        Ok(r) => r,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            return Err(StoreError::Conflict(format!("user {username}")));
        }
        Err(e) => return Err(e.into()),
    };
    let user = user_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "user.create",
            entity: "user",
            entity_id: user.id.to_string(),
        },
        "null".into(),
        snapshot(Some(&user.audit_view())),
    )
    .await?;
    Ok(user)
}

pub async fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<User>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLS} FROM users WHERE username = $1"
    ))
    .bind(username.trim().to_lowercase())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Records a failed sign-in; locks the account after [`MAX_FAILED_LOGINS`].
pub async fn note_failed_login(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    let now = crate::now_ms();
    sqlx::query(
        "UPDATE users SET failed_logins = failed_logins + 1, \
         locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
         WHERE id = $3",
    )
    .bind(MAX_FAILED_LOGINS)
    .bind(now + LOCKOUT_MS)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Clears the failure count after a successful sign-in.
pub async fn note_successful_login(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets a new password (and unlocks the account).
pub async fn set_password(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    user_id: i64,
    password: &str,
    actor: &Actor,
) -> Result<()> {
    check_password_strength(password)?;
    let hash = hash_password(password)?;
    let n = sqlx::query(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = 0 WHERE id = $2",
    )
    .bind(&hash)
    .bind(user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("user".into()));
    }
    // Every other session of this user ends.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "user.reset_password",
            entity: "user",
            entity_id: user_id.to_string(),
        },
        "null".into(),
        "null".into(),
    )
    .await?;
    Ok(())
}

/// Stores a TOTP secret (not yet enabled until confirmed with a code).
pub async fn set_totp(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    user_id: i64,
    secret: Option<&str>,
    enabled: bool,
    actor: &Actor,
) -> Result<()> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3")
        .bind(secret)
        .bind(i64::from(enabled))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    if enabled || secret.is_none() {
        audit::record(
            conn,
            audit_key,
            0,
            actor,
            Change {
                action: if enabled {
                    "user.totp_enable"
                } else {
                    "user.totp_disable"
                },
                entity: "user",
                entity_id: user_id.to_string(),
            },
            "null".into(),
            "null".into(),
        )
        .await?;
    }
    Ok(())
}

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 120;

/// Checks an e-mail address's shape (not that it exists): `local@domain.tld`, no spaces,
/// at most 254 bytes. The empty string (no address) is allowed.
pub fn valid_email(email: &str) -> bool {
    if email.is_empty() {
        return true;
    }
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
}

/// Changes one's display name (1–120 characters) and e-mail address (see
/// [`valid_email`]), recorded in the installation's audit chain with before and after.
pub async fn update_profile(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    user_id: i64,
    display_name: &str,
    email: &str,
    actor: &Actor,
) -> Result<User> {
    let display_name = display_name.trim();
    let email = email.trim();
    let n = display_name.chars().count();
    if n == 0 || n > MAX_DISPLAY_NAME || display_name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!(
            "display name: 1–{MAX_DISPLAY_NAME} characters"
        )));
    }
    if !valid_email(email) {
        return Err(StoreError::Invalid(format!("e-mail address {email:?}")));
    }
    let before = by_id(conn, user_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("user".into()))?;
    let row = sqlx::query(&format!(
        "UPDATE users SET display_name = $1, email = $2 WHERE id = $3 RETURNING {USER_COLS}"
    ))
    .bind(display_name)
    .bind(email)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let after = user_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        0,
        actor,
        Change {
            action: "user.update_profile",
            entity: "user",
            entity_id: user_id.to_string(),
        },
        snapshot(Some(&before.audit_view())),
        snapshot(Some(&after.audit_view())),
    )
    .await?;
    Ok(after)
}

/// Claims a TOTP time step for an account: true when `step` is later than the last step
/// the account used (and it is now the last), false when a code of this step or an
/// earlier one was already accepted — a replay. One atomic UPDATE, so two concurrent
/// sign-ins with the same code cannot both win.
pub async fn use_totp_step(conn: &mut AnyConnection, user_id: i64, step: i64) -> Result<bool> {
    let n =
        sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
            .bind(step)
            .bind(user_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// The last TOTP time step an account used (0: none).
pub async fn totp_last_step(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT totp_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|(s,)| s)
        .ok_or_else(|| StoreError::NotFound("user".into()))
}

/// An administrator turns another member's second factor off (a lost phone): the
/// secret is forgotten, and the change is recorded in `org_id`'s audit chain.
pub async fn reset_totp(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    user_id: i64,
    actor: &Actor,
) -> Result<()> {
    let before = by_id(conn, user_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("user".into()))?;
    sqlx::query("UPDATE users SET totp_secret = NULL, totp_enabled = 0 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "user.totp_reset",
            entity: "user",
            entity_id: user_id.to_string(),
        },
        snapshot(Some(&before.audit_view())),
        snapshot(Some(&UserAudit {
            totp_enabled: false,
            ..before.audit_view()
        })),
    )
    .await?;
    Ok(())
}

pub async fn set_lang(conn: &mut AnyConnection, user_id: i64, lang: &str) -> Result<()> {
    sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
        .bind(lang)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person's role in one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub org_id: i64,
    pub user_id: i64,
    pub role: Role,
    pub division_id: Option<i64>,
    pub created_at: i64,
}

fn membership_from_row(r: &AnyRow) -> Result<Membership> {
    let role: String = r.try_get("role")?;
    Ok(Membership {
        org_id: r.try_get("org_id")?,
        user_id: r.try_get("user_id")?,
        role: role.parse().map_err(StoreError::Invalid)?,
        division_id: r.try_get("division_id")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn membership(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<Option<Membership>> {
    let row = sqlx::query(
        "SELECT org_id, user_id, role, division_id, created_at FROM memberships \
         WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(membership_from_row).transpose()
}

/// Every organization a user belongs to.
pub async fn memberships_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT org_id, user_id, role, division_id, created_at FROM memberships \
         WHERE user_id = $1 ORDER BY org_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(membership_from_row).collect()
}

/// A member as listed to administrators.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub user: User,
    pub membership: Membership,
}

/// The members of an organization, by user name.
pub async fn members(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<Member>> {
    let rows = sqlx::query(&format!(
        "SELECT {cols}, m.org_id, m.user_id, m.role, m.division_id, m.created_at AS m_created_at \
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.username",
        cols = USER_COLS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(Member {
                user: user_from_row(r)?,
                membership: Membership {
                    org_id: r.try_get("org_id")?,
                    user_id: r.try_get("user_id")?,
                    role: role.parse().map_err(StoreError::Invalid)?,
                    division_id: r.try_get("division_id")?,
                    created_at: r.try_get("m_created_at")?,
                },
            })
        })
        .collect()
}

/// Gives a user a role (and division) in an organization, replacing any earlier role.
pub async fn set_role(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    user_id: i64,
    role: Role,
    division_id: Option<i64>,
    actor: &Actor,
) -> Result<Membership> {
    if let Some(d) = division_id {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM divisions WHERE org_id = $1 AND id = $2")
                .bind(org_id)
                .bind(d)
                .fetch_one(&mut *conn)
                .await?;
        if n == 0 {
            return Err(StoreError::NotFound("division in this organization".into()));
        }
    }
    if matches!(role, Role::Officer | Role::DivisionHead) && division_id.is_none() {
        return Err(StoreError::Invalid(format!("role {role} needs a division")));
    }
    let before = membership(conn, org_id, user_id).await?;
    let row = sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, division_id, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role, division_id = excluded.division_id \
         RETURNING org_id, user_id, role, division_id, created_at",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role.code())
    .bind(division_id)
    .bind(crate::now_ms())
    .fetch_one(&mut *conn)
    .await?;
    let after = membership_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "membership.set_role",
            entity: "user",
            entity_id: user_id.to_string(),
        },
        snapshot(before.as_ref()),
        snapshot(Some(&after)),
    )
    .await?;
    Ok(after)
}

/// Removes a user from an organization.
pub async fn remove_membership(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    user_id: i64,
    actor: &Actor,
) -> Result<()> {
    let before = membership(conn, org_id, user_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("membership".into()))?;
    sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "membership.remove",
            entity: "user",
            entity_id: user_id.to_string(),
        },
        snapshot(Some(&before)),
        "null".into(),
    )
    .await?;
    Ok(())
}

/// Every account of the installation, by user name, a page at a time.
pub async fn list(conn: &mut AnyConnection, limit: i64, offset: i64) -> Result<Vec<User>> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLS} FROM users ORDER BY username LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(user_from_row).collect()
}
