//! Organizations (องค์กรปกครองส่วนท้องถิ่น) and their divisions (สำนัก/กอง).

use prongsai_domain::{OrgType, Slug};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::audit::{self, Actor, Change, snapshot};
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: i64,
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub org_type: OrgType,
    pub province: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub about_th: String,
    pub about_en: String,
    /// Staff must sign in with a second factor (TOTP).
    pub require_staff_totp: bool,
    /// Days a complaint may wait for an answer (the plan says 15).
    pub complaint_deadline_days: i64,
    /// Thai pages show numbers in Thai digits (๑๒๓) rather than Arabic ones.
    pub thai_digits: bool,
    pub created_at: i64,
}

/// What it takes to create an organization.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrganization {
    pub slug: Slug,
    pub name_th: String,
    pub name_en: String,
    pub org_type: OrgType,
    pub province: String,
}

/// The editable profile of an organization.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OrgProfile {
    pub name_th: String,
    pub name_en: String,
    pub province: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub about_th: String,
    pub about_en: String,
    pub require_staff_totp: bool,
    pub complaint_deadline_days: i64,
}

const ORG_COLS: &str = "id, slug, name_th, name_en, org_type, province, address, phone, email, \
     website, about_th, about_en, require_staff_totp, complaint_deadline_days, thai_digits, created_at";

fn org_from_row(r: &AnyRow) -> Result<Organization> {
    let ty: String = r.try_get("org_type")?;
    Ok(Organization {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name_th: r.try_get("name_th")?,
        name_en: r.try_get("name_en")?,
        org_type: ty.parse().map_err(StoreError::Invalid)?,
        province: r.try_get("province")?,
        address: r.try_get("address")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        website: r.try_get("website")?,
        about_th: r.try_get("about_th")?,
        about_en: r.try_get("about_en")?,
        require_staff_totp: r.try_get::<i64, _>("require_staff_totp")? != 0,
        complaint_deadline_days: r.try_get("complaint_deadline_days")?,
        thai_digits: r.try_get::<i64, _>("thai_digits")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

fn check_name(name_th: &str) -> Result<()> {
    if name_th.trim().is_empty() {
        return Err(StoreError::Invalid(
            "the Thai name (name_th) is required".into(),
        ));
    }
    if name_th.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "the Thai name is longer than 200 characters".into(),
        ));
    }
    Ok(())
}

/// Creates an organization, recorded in the installation's audit chain.
pub async fn create(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    new: &NewOrganization,
    actor: &Actor,
) -> Result<Organization> {
    check_name(&new.name_th)?;
    let now = crate::now_ms();
    let res = sqlx::query(&format!(
        "INSERT INTO organizations (slug, name_th, name_en, org_type, province, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {ORG_COLS}"
    ))
    .bind(new.slug.as_str())
    .bind(new.name_th.trim())
    .bind(new.name_en.trim())
    .bind(new.org_type.code())
    .bind(new.province.trim())
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    let row = match res {
        Ok(r) => r,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            return Err(StoreError::Conflict(format!("organization {}", new.slug)));
        }
        Err(e) => return Err(e.into()),
    };
    let org = org_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        0,
        actor,
        Change {
            action: "org.create",
            entity: "organization",
            entity_id: org.id.to_string(),
        },
        "null".into(),
        snapshot(Some(&org)),
    )
    .await?;
    Ok(org)
}

pub async fn by_slug(conn: &mut AnyConnection, slug: &str) -> Result<Option<Organization>> {
    let row = sqlx::query(&format!(
        "SELECT {ORG_COLS} FROM organizations WHERE slug = $1"
    ))
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(org_from_row).transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Organization>> {
    let row = sqlx::query(&format!(
        "SELECT {ORG_COLS} FROM organizations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(org_from_row).transpose()
}

/// Organizations in slug order, a page at a time.
pub async fn list(conn: &mut AnyConnection, limit: i64, offset: i64) -> Result<Vec<Organization>> {
    let rows = sqlx::query(&format!(
        "SELECT {ORG_COLS} FROM organizations ORDER BY slug LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(org_from_row).collect()
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organizations")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// The only organization, when the installation has exactly one.
pub async fn sole(conn: &mut AnyConnection) -> Result<Option<Organization>> {
    let orgs = list(conn, 2, 0).await?;
    Ok(if orgs.len() == 1 {
        orgs.into_iter().next()
    } else {
        None
    })
}

/// Updates the profile, recorded in the organization's audit chain.
pub async fn update_profile(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    p: &OrgProfile,
    actor: &Actor,
) -> Result<Organization> {
    check_name(&p.name_th)?;
    if !(1..=365).contains(&p.complaint_deadline_days) {
        return Err(StoreError::Invalid(
            "complaint deadline must be 1–365 days".into(),
        ));
    }
    let before = by_id(conn, org_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("organization".into()))?;
    let row = sqlx::query(&format!(
        "UPDATE organizations SET name_th = $1, name_en = $2, province = $3, address = $4, \
         phone = $5, email = $6, website = $7, about_th = $8, about_en = $9, \
         require_staff_totp = $10, complaint_deadline_days = $11 WHERE id = $12 RETURNING {ORG_COLS}"
    ))
    .bind(p.name_th.trim())
    .bind(p.name_en.trim())
    .bind(p.province.trim())
    .bind(p.address.trim())
    .bind(p.phone.trim())
    .bind(p.email.trim())
    .bind(p.website.trim())
    .bind(p.about_th.trim())
    .bind(p.about_en.trim())
    .bind(i64::from(p.require_staff_totp))
    .bind(p.complaint_deadline_days)
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    let after = org_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "org.update",
            entity: "organization",
            entity_id: org_id.to_string(),
        },
        snapshot(Some(&before)),
        snapshot(Some(&after)),
    )
    .await?;
    Ok(after)
}

/// Whether the organization with `slug` shows Thai digits on its Thai pages (false
/// when there is no such organization).
pub async fn thai_digits(conn: &mut AnyConnection, slug: &str) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT thai_digits FROM organizations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.is_some_and(|(v,)| v != 0))
}

/// Sets the digit style of the organization's Thai pages (audited).
pub async fn set_thai_digits(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    thai_digits: bool,
    actor: &Actor,
) -> Result<Organization> {
    let before = by_id(conn, org_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("organization".into()))?;
    if before.thai_digits == thai_digits {
        return Ok(before);
    }
    let row = sqlx::query(&format!(
        "UPDATE organizations SET thai_digits = $1 WHERE id = $2 RETURNING {ORG_COLS}"
    ))
    .bind(i64::from(thai_digits))
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    let after = org_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "org.digits",
            entity: "organization",
            entity_id: org_id.to_string(),
        },
        snapshot(Some(&before)),
        snapshot(Some(&after)),
    )
    .await?;
    Ok(after)
}

/// A division (สำนัก/กอง) of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub id: i64,
    pub org_id: i64,
    /// Short stable code, unique in the organization (e.g. `finance`).
    pub code: String,
    pub name_th: String,
    pub name_en: String,
    pub head_user_id: Option<i64>,
    pub sort_order: i64,
}

const DIV_COLS: &str = "id, org_id, code, name_th, name_en, head_user_id, sort_order";

fn div_from_row(r: &AnyRow) -> Result<Division> {
    Ok(Division {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code")?,
        name_th: r.try_get("name_th")?,
        name_en: r.try_get("name_en")?,
        head_user_id: r.try_get("head_user_id")?,
        sort_order: r.try_get("sort_order")?,
    })
}

pub async fn divisions(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<Division>> {
    let rows = sqlx::query(&format!(
        "SELECT {DIV_COLS} FROM divisions WHERE org_id = $1 ORDER BY sort_order, code"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(div_from_row).collect()
}

pub async fn division(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<Division>> {
    let row = sqlx::query(&format!(
        "SELECT {DIV_COLS} FROM divisions WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(div_from_row).transpose()
}

pub async fn division_by_code(
    conn: &mut AnyConnection,
    org_id: i64,
    code: &str,
) -> Result<Option<Division>> {
    let row = sqlx::query(&format!(
        "SELECT {DIV_COLS} FROM divisions WHERE org_id = $1 AND code = $2"
    ))
    .bind(org_id)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(div_from_row).transpose()
}

/// Checks a division code: 1–40 lowercase ASCII letters, digits, `-` or `_`.
pub fn valid_division_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Creates a division, recorded in the organization's audit chain.
pub async fn create_division(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    code: &str,
    name_th: &str,
    name_en: &str,
    actor: &Actor,
) -> Result<Division> {
    if !valid_division_code(code) {
        return Err(StoreError::Invalid(format!(
            "division code {code:?}: use 1–40 lowercase letters, digits, - or _"
        )));
    }
    if name_th.trim().is_empty() {
        return Err(StoreError::Invalid(
            "the division's Thai name is required".into(),
        ));
    }
    let (sort,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM divisions WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    let res = sqlx::query(&format!(
        "INSERT INTO divisions (org_id, code, name_th, name_en, sort_order) VALUES ($1, $2, $3, $4, $5) \
         RETURNING {DIV_COLS}"
    ))
    .bind(org_id)
    .bind(code)
    .bind(name_th.trim())
    .bind(name_en.trim())
    .bind(sort + 1)
    .fetch_one(&mut *conn)
    .await;
    let row = match res {
        Ok(r) => r,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            return Err(StoreError::Conflict(format!("division {code}")));
        }
        Err(e) => return Err(e.into()),
    };
    let d = div_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "division.create",
            entity: "division",
            entity_id: d.id.to_string(),
        },
        "null".into(),
        snapshot(Some(&d)),
    )
    .await?;
    Ok(d)
}

/// Names the head of a division (or none).
pub async fn set_division_head(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    division_id: i64,
    head_user_id: Option<i64>,
    actor: &Actor,
) -> Result<Division> {
    let before = division(conn, org_id, division_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("division".into()))?;
    let row = sqlx::query(&format!(
        "UPDATE divisions SET head_user_id = $1 WHERE org_id = $2 AND id = $3 RETURNING {DIV_COLS}"
    ))
    .bind(head_user_id)
    .bind(org_id)
    .bind(division_id)
    .fetch_one(&mut *conn)
    .await?;
    let after = div_from_row(&row)?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "division.set_head",
            entity: "division",
            entity_id: division_id.to_string(),
        },
        snapshot(Some(&before)),
        snapshot(Some(&after)),
    )
    .await?;
    Ok(after)
}
