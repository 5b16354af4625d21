//! The public side of the corruption-report channel (แจ้งเบาะแสการทุจริตและประพฤติมิชอบ):
//! the report form, the receipt shown once, the follow-up with the receipt (always in a
//! POST body, never in a URL), and the public statistics.
//!
//! Nothing a reporter sends is logged or echoed in an error page: errors carry only a
//! message key. Pages are `no-store`. The client address is used only for the keyed,
//! in-memory rate limit of [`crate::whistle`].

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use prongsai_domain::codes::Receipt;
use prongsai_domain::corruption_report::{self as cr, ReportStatus, SuppressionRule};
use prongsai_store::corruption_reports::{self as store, Author, Details, Identity};
use serde::Deserialize;

use crate::AppState;
use crate::error::Error;
use crate::i18n::{Lang, t};
use crate::middleware::client_ip::ClientIp;
use crate::middleware::csrf::AnonCsrf;
use crate::middleware::lang::{Here, ReqLang};
use crate::page::{OrgNav, Page};
use crate::views::public::public_org;
use crate::views::{Form, html, html_status};
use crate::whistle::{Limit, read_multipart};

/// What the reporter typed, to show the form again after a mistake.
#[derive(Debug, Default, Clone)]
pub struct ReportValues {
    pub name: String,
    pub contact: String,
    pub who_name: String,
    pub who_position: String,
    pub who_division: String,
    pub what: String,
    pub when: String,
    pub where_: String,
    pub how_known: String,
}

#[derive(Template)]
#[template(path = "corruption_report_form.html")]
struct ReportFormPage {
    p: Page,
    slug: String,
    token: String,
    v: ReportValues,
}

#[derive(Template)]
#[template(path = "corruption_report_receipt.html")]
struct ReceiptPage {
    p: Page,
    slug: String,
    receipt: String,
}

/// A message as the reporter sees it.
pub struct MessageView {
    pub from_officer: bool,
    pub body: String,
    pub at: i64,
}

#[derive(Template)]
#[template(path = "corruption_follow_up.html")]
struct FollowUpPage {
    p: Page,
    slug: String,
    token: String,
    /// Set once a receipt was accepted: the report's state and messages are shown.
    found: bool,
    receipt: String,
    status: String,
    received_at: i64,
    messages: Vec<MessageView>,
    files: usize,
}

pub struct StatsRow {
    pub year: String,
    pub received: String,
    pub concluded: String,
    pub in_progress: String,
}

#[derive(Template)]
#[template(path = "corruption_stats.html")]
struct StatsPage {
    p: Page,
    slug: String,
    rows: Vec<StatsRow>,
    note: String,
}

fn page(lang: Lang, here: &str, title: &str, org_name: &str, slug: &str) -> Page {
    let mut p = Page::new(lang, here, title);
    p.org = Some(OrgNav {
        slug: slug.to_string(),
        name: org_name.to_string(),
    });
    p
}

fn with_cookie(state: &AppState, anon: &AnonCsrf, mut r: Response) -> Response {
    if let Some(c) = anon.set_cookie(state) {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// The label of a status in a language.
pub fn status_label(lang: Lang, s: ReportStatus) -> String {
    match lang {
        Lang::Th => s.label_th(),
        Lang::En => s.label_en(),
    }
}

/// `GET /{org}/integrity/report`
pub async fn report_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    anon: AnonCsrf,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let name = lang.pick(&o.org.name_th, &o.org.name_en).to_string();
    let r = html(&ReportFormPage {
        p: page(lang, &here, "integrity.report_title", &name, &o.org.slug),
        slug: o.org.slug.clone(),
        token: anon.token(&state.keys.cookie),
        v: ReportValues::default(),
    })?;
    Ok(with_cookie(&state, &anon, r))
}

/// `POST /{org}/integrity/report` (multipart): files the report, shows the receipt once.
pub async fn report_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    ClientIp(ip): ClientIp,
    anon: AnonCsrf,
    mp: Multipart,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let sub = read_multipart(mp).await?;
    anon.verify(&state.keys.cookie, &sub.field("csrf"))?;
    // A field people never see: only robots fill it in.
    if !sub.field("website").is_empty() {
        return Err(Error::BadRequest(crate::key!("error.bad_request")));
    }
    state.whistle.hit(&state, ip, Limit::Submission)?;
    let v = ReportValues {
        name: sub.field("name"),
        contact: sub.field("contact"),
        who_name: sub.field("who_name"),
        who_position: sub.field("who_position"),
        who_division: sub.field("who_division"),
        what: sub.field("what"),
        when: sub.field("when"),
        where_: sub.field("where"),
        how_known: sub.field("how_known"),
    };
    let details = Details {
        who_name: v.who_name.trim().to_string(),
        who_position: v.who_position.trim().to_string(),
        who_division: v.who_division.trim().to_string(),
        what: v.what.trim().to_string(),
        when: v.when.trim().to_string(),
        where_: v.where_.trim().to_string(),
        how_known: v.how_known.trim().to_string(),
    };
    let name = lang.pick(&o.org.name_th, &o.org.name_en).to_string();
    let mut problem = sub.refused;
    if problem.is_none() {
        problem = match details.validate() {
            Err("what") => Some(crate::key!("integrity.what_required")),
            Err(_) => Some(crate::key!("integrity.too_long")),
            Ok(()) => None,
        };
    }
    if v.name.chars().count() > store::MAX_SHORT_FIELD_CHARS
        || v.contact.chars().count() > store::MAX_SHORT_FIELD_CHARS
    {
        problem = Some(crate::key!("integrity.too_long"));
    }
    if let Some(k) = problem {
        let mut p = page(lang, &here, "integrity.report_title", &name, &o.org.slug);
        p.alert = Some(t(lang, k).to_string());
        let r = html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReportFormPage {
                p,
                slug: o.org.slug.clone(),
                token: anon.token(&state.keys.cookie),
                v,
            },
        )?;
        return Ok(with_cookie(&state, &anon, r));
    }
    let identity = Identity {
        name: v.name.trim().to_string(),
        contact: v.contact.trim().to_string(),
    };
    let keys = state.whistle.keys(&state)?;
    let receipt = store::submit(
        &state.writes,
        state.blobs.clone(),
        keys,
        o.org.id,
        Some(identity),
        details,
        sub.files,
    )
    .await?;
    html(&ReceiptPage {
        p: page(lang, &here, "integrity.receipt_title", &name, &o.org.slug),
        slug: o.org.slug.clone(),
        receipt: receipt.reveal_grouped(),
    })
}

/// `GET /{org}/integrity/follow-up`: the form that asks for the receipt.
pub async fn follow_up_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    anon: AnonCsrf,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let name = lang.pick(&o.org.name_th, &o.org.name_en).to_string();
    let r = html(&FollowUpPage {
        p: page(lang, &here, "integrity.follow_up_title", &name, &o.org.slug),
        slug: o.org.slug.clone(),
        token: anon.token(&state.keys.cookie),
        found: false,
        receipt: String::new(),
        status: String::new(),
        received_at: 0,
        messages: Vec::new(),
        files: 0,
    })?;
    Ok(with_cookie(&state, &anon, r))
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    receipt: String,
}

/// Shows a report to the holder of its receipt (or the form again with a message).
#[allow(clippy::too_many_arguments)]
async fn show_follow_up(
    state: &AppState,
    lang: Lang,
    here: &str,
    anon: &AnonCsrf,
    org_id: i64,
    org_name: &str,
    slug: &str,
    receipt_text: &str,
    notice: Option<&'static str>,
) -> Result<Response, Error> {
    let keys = state.whistle.keys(state)?;
    let mut p = page(lang, here, "integrity.follow_up_title", org_name, slug);
    let token = anon.token(&state.keys.cookie);
    let report = match Receipt::parse(receipt_text) {
        Ok(r) => {
            let mut conn = state.db.pool.acquire().await?;
            store::by_receipt(&mut conn, keys, &r)
                .await?
                .filter(|rep| rep.org_id == org_id)
                .map(|rep| (r, rep))
        }
        Err(_) => None,
    };
    let Some((receipt, report)) = report else {
        p.alert = Some(t(lang, "integrity.receipt_unknown").to_string());
        let r = html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FollowUpPage {
                p,
                slug: slug.to_string(),
                token,
                found: false,
                receipt: String::new(),
                status: String::new(),
                received_at: 0,
                messages: Vec::new(),
                files: 0,
            },
        )?;
        return Ok(with_cookie(state, anon, r));
    };
    let mut conn = state.db.pool.acquire().await?;
    let messages = store::messages(&mut conn, keys, org_id, report.id)
        .await?
        .into_iter()
        .map(|m| MessageView {
            from_officer: m.author == Author::Officer,
            body: m.body,
            at: m.created_at,
        })
        .collect();
    let files = store::files(&mut conn, org_id, report.id).await?.len();
    p.notice = notice.map(|k| t(lang, k).to_string());
    let r = html(&FollowUpPage {
        p,
        slug: slug.to_string(),
        token,
        found: true,
        receipt: receipt.reveal_grouped(),
        status: status_label(lang, report.status),
        received_at: report.received_at,
        messages,
        files,
    })?;
    Ok(with_cookie(state, anon, r))
}

/// `POST /{org}/integrity/follow-up`: the receipt in the body, the report's state back.
pub async fn follow_up(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    ClientIp(ip): ClientIp,
    anon: AnonCsrf,
    Form(f): Form<LookupForm>,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    anon.verify(&state.keys.cookie, &f.csrf)?;
    state.whistle.hit(&state, ip, Limit::Lookup)?;
    let name = lang.pick(&o.org.name_th, &o.org.name_en).to_string();
    show_follow_up(
        &state,
        lang,
        &here,
        &anon,
        o.org.id,
        &name,
        &o.org.slug,
        &f.receipt,
        None,
    )
    .await
}

/// `POST /{org}/integrity/follow-up/add` (multipart): the reporter adds information or
/// files with the receipt.
#[allow(clippy::too_many_arguments)]
pub async fn follow_up_add(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    ClientIp(ip): ClientIp,
    anon: AnonCsrf,
    mp: Multipart,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let sub = read_multipart(mp).await?;
    anon.verify(&state.keys.cookie, &sub.field("csrf"))?;
    state.whistle.hit(&state, ip, Limit::Submission)?;
    let name = lang.pick(&o.org.name_th, &o.org.name_en).to_string();
    let receipt_text = sub.field("receipt");
    let keys = state.whistle.keys(&state)?;
    let message = sub.field("message");
    let mut notice = None;
    if let Ok(r) = Receipt::parse(&receipt_text) {
        let mut conn = state.db.pool.acquire().await?;
        let report = store::by_receipt(&mut conn, keys, &r)
            .await?
            .filter(|rep| rep.org_id == o.org.id);
        drop(conn);
        if let Some(report) = report {
            notice = Some(if let Some(k) = sub.refused {
                k
            } else if message.chars().count() > store::MAX_FIELD_CHARS {
                crate::key!("integrity.too_long")
            } else if message.trim().is_empty() && sub.files.is_empty() {
                crate::key!("integrity.nothing_added")
            } else {
                store::add_reporter_message(
                    &state.writes,
                    state.blobs.clone(),
                    keys,
                    &report,
                    message.trim().to_string(),
                    sub.files,
                )
                .await?;
                crate::key!("integrity.added")
            });
        }
    }
    show_follow_up(
        &state,
        lang,
        &here,
        &anon,
        o.org.id,
        &name,
        &o.org.slug,
        &receipt_text,
        notice,
    )
    .await
}

/// The published rows for an organization: counts per fiscal year, small cells
/// suppressed.
pub async fn stats_rows(
    state: &AppState,
    org_id: i64,
) -> Result<Vec<(prongsai_domain::FiscalYear, cr::PublicRow)>, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let facts = store::facts(&mut conn, org_id).await?;
    Ok(cr::public_stats(&facts, SuppressionRule::default()))
}

/// `GET /{org}/integrity/stats`
pub async fn stats(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let name = lang.pick(&o.org.name_th, &o.org.name_en).to_string();
    let rows = stats_rows(&state, o.org.id)
        .await?
        .into_iter()
        .rev()
        .map(|(fy, r)| StatsRow {
            year: match lang {
                Lang::Th => fy.label_th(),
                Lang::En => fy.label_en(),
            },
            received: r.received.display(),
            concluded: r.concluded.display(),
            in_progress: r.in_progress.display(),
        })
        .collect();
    let rule = SuppressionRule::default();
    html(&StatsPage {
        p: page(lang, &here, "integrity.stats_title", &name, &o.org.slug),
        slug: o.org.slug.clone(),
        rows,
        note: match lang {
            Lang::Th => rule.note_th(),
            Lang::En => rule.note_en(),
        },
    })
}
