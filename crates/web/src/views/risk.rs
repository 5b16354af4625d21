//! The corruption risk register: the public page the plan requires (each risk event,
//! its level and its control measures with the projects that carry them out, and a heat
//! map), and the staff pages (the register with its heat map and matrix, one risk with
//! its edit and yearly-review forms and history). Reading needs ViewAllWork; changing
//! needs ManagePlan (clerk, admin).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use prongsai_domain::risk::{RiskLevel, RiskMatrix};
use prongsai_domain::{FiscalYear, Permission, thai};
use prongsai_store::StoreError;
use prongsai_store::orgs::{self, Division};
use prongsai_store::plans;
use prongsai_store::risk::{self, Review, Risk, RiskInput};
use serde::Deserialize;

use crate::AppState;
use crate::charts::{self, Chart, palette};
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::lang::{Here, ReqLang};
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::{OrgNav, Page};
use crate::views::public::public_org;
use crate::views::staff::OkQuery;
use crate::views::{Form, html_status};

/// A level's colour on heat maps and badges (Okabe–Ito, light to dark).
pub fn level_color(l: RiskLevel) -> &'static str {
    match l {
        RiskLevel::Low => palette::PALE,
        RiskLevel::Medium => palette::YELLOW,
        RiskLevel::High => palette::ORANGE,
        RiskLevel::VeryHigh => palette::VERMILLION,
    }
}

pub fn level_label(lang: Lang, l: RiskLevel) -> &'static str {
    match lang {
        Lang::Th => l.label_th(),
        Lang::En => l.label_en(),
    }
}

/// The heat map of a register under its matrix.
pub fn heat_map_svg(lang: Lang, id: &str, m: &RiskMatrix, risks: &[Risk]) -> String {
    let grid = m.grid();
    let cells = grid.map(|row| row.map(|l| (level_label(lang, l), level_color(l))));
    charts::heat_map(
        &Chart {
            id,
            title: t(lang, "risk.heat_title"),
            desc: t(lang, "risk.heat_desc"),
        },
        &cells,
        &risk::heat_counts(risks),
        t(lang, "risk.likelihood"),
        t(lang, "risk.impact"),
    )
}

/// A risk as a page shows it.
pub struct RiskView {
    pub r: Risk,
    pub level: &'static str,
    pub level_class: &'static str,
    pub owner: String,
}

fn level_class(l: RiskLevel) -> &'static str {
    match l {
        RiskLevel::Low => "level-low",
        RiskLevel::Medium => "level-medium",
        RiskLevel::High => "level-high",
        RiskLevel::VeryHigh => "level-very-high",
    }
}

fn views(lang: Lang, risks: Vec<Risk>, divisions: &[Division]) -> Vec<RiskView> {
    risks
        .into_iter()
        .map(|r| RiskView {
            level: level_label(lang, r.level),
            level_class: level_class(r.level),
            owner: r
                .owner_division_id
                .and_then(|d| divisions.iter().find(|x| x.id == d))
                .map(|d| lang.pick(&d.name_th, &d.name_en).to_string())
                .unwrap_or_default(),
            r,
        })
        .collect()
}

// ---- public ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "risk_public.html")]
struct PublicPage {
    p: Page,
    slug: String,
    risks: Vec<RiskView>,
    heat: String,
}

/// `GET /{org}/risks`: the published register.
pub async fn public_register(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut p = Page::new(lang, &here, "risk.public_title");
    p.org = Some(OrgNav {
        slug: org.slug.clone(),
        name: lang.pick(&org.name_th, &org.name_en).to_string(),
    });
    let mut conn = state.db.pool.acquire().await?;
    let list = risk::list(&mut conn, org.id).await?;
    let m = risk::matrix(&mut conn, org.id).await?;
    let heat = heat_map_svg(lang, "risk-heat", &m, &list);
    let mut r = html_status(
        StatusCode::OK,
        &PublicPage {
            p,
            slug: org.slug.clone(),
            risks: views(lang, list, &o.divisions),
            heat,
        },
    )?;
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    Ok(r)
}

// ---- staff: the register -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "staff/risks.html")]
struct RegisterPage {
    p: Page,
    base: String,
    slug: String,
    risks: Vec<RiskView>,
    heat: String,
    matrix: RiskMatrix,
    can_edit: bool,
    has_plan: bool,
    scores: Vec<i64>,
}

fn ok_notice(ok: Option<&str>) -> Option<&'static str> {
    match ok? {
        "seeded" => Some(key!("risk.seeded")),
        "nothing" => Some(key!("risk.seeded_nothing")),
        "saved" => Some(key!("common.saved")),
        "created" => Some(key!("common.created")),
        _ => None,
    }
}

async fn register_page(
    state: &AppState,
    s: &StaffCtx,
    notice: Option<&'static str>,
    alert: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let list = risk::list(&mut conn, s.org.id).await?;
    let m = risk::matrix(&mut conn, s.org.id).await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let has_plan = plans::current(&mut conn, s.org.id).await?.is_some();
    let mut p = s.page("risk.title", "risks");
    p.notice = notice.map(|k| t(s.lang, k).to_string());
    p.alert = alert.map(|k| t(s.lang, k).to_string());
    let page = RegisterPage {
        heat: heat_map_svg(s.lang, "risk-heat", &m, &list),
        risks: views(s.lang, list, &divisions),
        p,
        base: s.base(),
        slug: s.org.slug.clone(),
        matrix: m,
        can_edit: s.may(Permission::ManagePlan),
        has_plan,
        scores: (1..=5).collect(),
    };
    html_status(status, &page)
}

/// `GET /{org}/staff/risks`
pub async fn register(
    State(state): State<AppState>,
    s: Staff<need::ViewAllWork>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    register_page(&state, &s, ok_notice(q.ok.as_deref()), None, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /{org}/staff/risks/seed`: adds the current plan's Part 1 risks not yet in the
/// register.
pub async fn seed(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut tx = state.db.begin().await?;
    let out = risk::seed_from_plan(&mut tx, &state.keys.audit, s.org.id, &s.actor()).await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "{}/risks?ok={}",
        s.base(),
        if out.created > 0 { "seeded" } else { "nothing" }
    )))
}

#[derive(Deserialize, Default)]
pub struct MatrixForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    medium_from: String,
    #[serde(default)]
    high_from: String,
    #[serde(default)]
    very_high_from: String,
}

fn int(s: &str) -> Option<i64> {
    thai::normalize_digits(s.trim()).parse().ok()
}

/// `POST /{org}/staff/risks/matrix`
pub async fn save_matrix(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Form(f): Form<MatrixForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let m = match (
        int(&f.medium_from),
        int(&f.high_from),
        int(&f.very_high_from),
    ) {
        (Some(a), Some(b), Some(c)) => RiskMatrix::new(a, b, c).ok(),
        _ => None,
    };
    let Some(m) = m else {
        return register_page(
            &state,
            &s,
            None,
            Some(key!("risk.bad_matrix")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = state.db.begin().await?;
    risk::set_matrix(&mut tx, &state.keys.audit, s.org.id, m, &s.actor()).await?;
    tx.commit().await?;
    Ok(see_other(&format!("{}/risks?ok=saved", s.base())))
}

/// The risk form's fields, read from the pairs (controls repeat).
fn read_input(pairs: &[(String, String)]) -> (String, RiskInput) {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let texts: Vec<&String> = pairs
        .iter()
        .filter(|(n, _)| n == "control_text")
        .map(|(_, v)| v)
        .collect();
    let keys: Vec<&String> = pairs
        .iter()
        .filter(|(n, _)| n == "control_project")
        .map(|(_, v)| v)
        .collect();
    let controls = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                (*text).clone(),
                keys.get(i).and_then(|k| int(k)).filter(|k| *k > 0),
            )
        })
        .collect();
    (
        get("csrf"),
        RiskInput {
            process: get("process"),
            issues: get("issues").lines().map(str::to_string).collect(),
            likelihood: int(&get("likelihood")).unwrap_or(0),
            impact: int(&get("impact")).unwrap_or(0),
            owner_division_id: int(&get("owner")).filter(|d| *d > 0),
            review_date: crate::views::date_field(&get("review_date"))
                .unwrap_or_else(|| get("review_date")),
            controls,
        },
    )
}

/// `POST /{org}/staff/risks`: a risk entered by hand.
pub async fn create(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let (token, input) = read_input(&pairs);
    csrf::check_session(s.csrf(), &token)?;
    let mut tx = state.db.begin().await?;
    match risk::create(&mut tx, &state.keys.audit, s.org.id, &input, &s.actor()).await {
        Ok(r) => {
            tx.commit().await?;
            Ok(see_other(&format!(
                "{}/risks/{}?ok=created",
                s.base(),
                r.id
            )))
        }
        Err(StoreError::Invalid(_)) => {
            drop(tx);
            register_page(
                &state,
                &s,
                None,
                Some(key!("risk.bad_input")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- staff: one risk ---------------------------------------------------------------------

pub struct ProjectOption {
    pub key: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "staff/risk.html")]
struct RiskPage {
    p: Page,
    base: String,
    slug: String,
    v: RiskView,
    issues: String,
    reviews: Vec<(Review, &'static str)>,
    divisions: Vec<(i64, String)>,
    projects: Vec<ProjectOption>,
    /// Controls plus two empty rows: (text, linked key or 0).
    control_rows: Vec<(String, i64)>,
    scores: Vec<i64>,
    can_edit: bool,
    fiscal_year: i64,
    /// The owner division's id, 0 for none (easy to compare in templates).
    owner_id: i64,
}

async fn risk_page(
    state: &AppState,
    s: &StaffCtx,
    id: i64,
    notice: Option<&'static str>,
    alert: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let r = risk::get(&mut conn, s.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let reviews = risk::reviews(&mut conn, s.org.id, id).await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let projects = match plans::current(&mut conn, s.org.id).await? {
        Some(v) => plans::projects(&mut conn, s.org.id, v.id).await?,
        None => Vec::new(),
    };
    let mut control_rows: Vec<(String, i64)> = r
        .controls
        .iter()
        .map(|c| (c.text.clone(), c.project_key.unwrap_or(0)))
        .collect();
    control_rows.push((String::new(), 0));
    control_rows.push((String::new(), 0));
    let mut p = s.page("risk.one_title", "risks");
    p.notice = notice.map(|k| t(s.lang, k).to_string());
    p.alert = alert.map(|k| t(s.lang, k).to_string());
    let fiscal_year = i64::from(FiscalYear::current().be());
    let page = RiskPage {
        p,
        base: s.base(),
        slug: s.org.slug.clone(),
        issues: r.issues.join("\n"),
        owner_id: r.owner_division_id.unwrap_or(0),
        v: views(s.lang, vec![r], &divisions)
            .into_iter()
            .next()
            .ok_or(Error::NotFound)?,
        reviews: reviews
            .into_iter()
            .map(|x| {
                let l = level_label(s.lang, x.level);
                (x, l)
            })
            .collect(),
        divisions: divisions
            .iter()
            .map(|d| (d.id, s.lang.pick(&d.name_th, &d.name_en).to_string()))
            .collect(),
        projects: projects
            .iter()
            .map(|x| ProjectOption {
                key: x.project_key,
                label: format!("{}. {}", x.no, x.name),
            })
            .collect(),
        control_rows,
        scores: (1..=5).collect(),
        can_edit: s.may(Permission::ManagePlan),
        fiscal_year,
    };
    html_status(status, &page)
}

/// `GET /{org}/staff/risks/{risk_id}`
pub async fn one(
    State(state): State<AppState>,
    s: Staff<need::ViewAllWork>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    risk_page(
        &state,
        &s,
        id,
        ok_notice(q.ok.as_deref()),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /{org}/staff/risks/{risk_id}`: edit.
pub async fn save(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Path((_, id)): Path<(String, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let (token, input) = read_input(&pairs);
    csrf::check_session(s.csrf(), &token)?;
    let mut tx = state.db.begin().await?;
    match risk::update(&mut tx, &state.keys.audit, s.org.id, id, &input, &s.actor()).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(see_other(&format!("{}/risks/{id}?ok=saved", s.base())))
        }
        Err(StoreError::Invalid(_)) => {
            drop(tx);
            risk_page(
                &state,
                &s,
                id,
                None,
                Some(key!("risk.bad_input")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    fiscal_year: String,
    #[serde(default)]
    likelihood: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    next_review: String,
    #[serde(default)]
    note: String,
}

/// `POST /{org}/staff/risks/{risk_id}/review`: the yearly review.
pub async fn review(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Path((_, id)): Path<(String, i64)>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let next_review =
        crate::views::date_field(&f.next_review).unwrap_or_else(|| f.next_review.clone());
    let mut tx = state.db.begin().await?;
    let res = risk::review(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        id,
        int(&f.fiscal_year).unwrap_or(0),
        int(&f.likelihood).unwrap_or(0),
        int(&f.impact).unwrap_or(0),
        &next_review,
        &f.note,
        &s.actor(),
    )
    .await;
    match res {
        Ok(_) => {
            tx.commit().await?;
            Ok(see_other(&format!("{}/risks/{id}?ok=saved", s.base())))
        }
        Err(StoreError::Invalid(_)) => {
            drop(tx);
            risk_page(
                &state,
                &s,
                id,
                None,
                Some(key!("risk.bad_review")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
