//! `/api/v1/`: public, read-only data about organizations, and this API's OpenAPI 3.1
//! description (`openapi.json`, kept beside this file and checked by a test to
//! document every route registered under `/api/v1`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prongsai_store::orgs::{self, Organization};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::Error;
use crate::views::public::public_org;

/// The OpenAPI document, hand-written.
pub const OPENAPI: &str = include_str!("openapi.json");

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct OrgSummary {
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub org_type: String,
    pub province: String,
}

impl From<&Organization> for OrgSummary {
    fn from(o: &Organization) -> Self {
        OrgSummary {
            slug: o.slug.clone(),
            name_th: o.name_th.clone(),
            name_en: o.name_en.clone(),
            org_type: o.org_type.code().to_string(),
            province: o.province.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrgList {
    pub orgs: Vec<OrgSummary>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Deserialize)]
pub struct Paging {
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/orgs?limit=&offset=`
pub async fn orgs(
    State(state): State<AppState>,
    Query(q): Query<Paging>,
) -> Result<Json<OrgList>, Error> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let offset = q.offset.unwrap_or(0).max(0);
    let mut conn = state.db.pool.acquire().await?;
    let list = orgs::list(&mut conn, limit, offset).await?;
    Ok(Json(OrgList {
        orgs: list.iter().map(OrgSummary::from).collect(),
        limit,
        offset,
    }))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DivisionOut {
    pub code: String,
    pub name_th: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrgDetail {
    #[serde(flatten)]
    pub summary: OrgSummary,
    pub org_type_th: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub about_th: String,
    pub about_en: String,
    pub complaint_deadline_days: i64,
    pub divisions: Vec<DivisionOut>,
}

/// `GET /api/v1/orgs/{org}`: the public profile and divisions.
pub async fn org(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<OrgDetail>, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    Ok(Json(OrgDetail {
        summary: OrgSummary::from(org),
        org_type_th: org.org_type.label_th().to_string(),
        address: org.address.clone(),
        phone: org.phone.clone(),
        email: org.email.clone(),
        website: org.website.clone(),
        about_th: org.about_th.clone(),
        about_en: org.about_en.clone(),
        complaint_deadline_days: org.complaint_deadline_days,
        divisions: o
            .divisions
            .iter()
            .map(|d| DivisionOut {
                code: d.code.clone(),
                name_th: d.name_th.clone(),
                name_en: d.name_en.clone(),
            })
            .collect(),
    }))
}

/// `GET /api/v1/openapi.json`
pub async fn openapi() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        OPENAPI,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_is_valid_json_and_documents_every_api_route() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("openapi.json parses");
        assert_eq!(
            doc["openapi"].as_str().map(|v| v.starts_with("3.1")),
            Some(true)
        );
        let paths = doc["paths"].as_object().expect("paths");
        let mut n = 0;
        for (method, path) in crate::routes::registered() {
            let Some(rest) = path.strip_prefix("/api/v1") else {
                continue;
            };
            n += 1;
            let op = paths.get(rest).and_then(|p| p.get(method.to_lowercase()));
            assert!(
                op.is_some(),
                "{method} {path} is not documented in openapi.json"
            );
        }
        assert!(n >= 3);
        // And nothing documented that does not exist.
        for (p, ops) in paths {
            for m in ops.as_object().expect("operations").keys() {
                let full = format!("/api/v1{p}");
                assert!(
                    crate::routes::registered()
                        .iter()
                        .any(|(rm, rp)| rm.eq_ignore_ascii_case(m) && *rp == full),
                    "openapi.json documents {m} {full}, which the router does not serve"
                );
            }
        }
    }
}
