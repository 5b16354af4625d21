//! The information centre's staff pages, under `/{org}/staff/info`: every item with
//! where it stands (draft, published, changed since, stale against its rhythm,
//! withdrawn), the item form with its files, publishing (a division head for their
//! division's items, or the clerk) and the executives list of the public home page.
//! Officers, heads and the clerk draft (`DraftInformation`); heads and the clerk
//! publish (`PublishInformation`).

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use prongsai_domain::disclosure::{InfoGroup, UpdateRhythm};
use prongsai_domain::{Permission, Role};
use prongsai_store::StoreError;
use prongsai_store::disclosure::{self, InfoItem, InfoVersion, ItemDraft};
use prongsai_store::files::FileMeta;
use prongsai_store::orgs::{self, Division};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::Page;
use crate::views::disclosure_public::group_label;
use crate::views::staff::OkQuery;
use crate::views::{Form, html, html_status};

fn rhythm_label(lang: Lang, r: UpdateRhythm) -> &'static str {
    lang.pick(r.label_th(), r.label_en())
}

fn ok_notice(lang: Lang, ok: Option<&str>) -> Option<String> {
    let k = match ok? {
        "created" => key!("common.created"),
        "saved" => key!("common.saved"),
        "published" => key!("info.published_ok"),
        "withdrawn" => key!("info.withdrawn_ok"),
        "file" => key!("info.file_added"),
        "removed" => key!("info.file_removed"),
        _ => return None,
    };
    Some(t(lang, k).to_string())
}

/// A row of the staff list.
pub struct Row {
    pub it: InfoItem,
    pub group: &'static str,
    pub rhythm: &'static str,
    pub state: &'static str,
    pub state_class: &'static str,
}

fn row(lang: Lang, it: InfoItem, now: i64) -> Row {
    let (k, class) = if it.withdrawn {
        (key!("info.state_withdrawn"), "badge-returned")
    } else if it.version == 0 {
        (key!("info.state_draft"), "badge-draft")
    } else if it.is_stale(now) {
        (key!("info.state_stale"), "badge-could_not_be_done")
    } else if it.draft_changed {
        (key!("info.state_changed"), "badge-in_progress")
    } else {
        (key!("info.state_published"), "badge-done")
    };
    Row {
        group: group_label(lang, it.group),
        rhythm: rhythm_label(lang, it.rhythm),
        state: t(lang, k),
        state_class: class,
        it,
    }
}

#[derive(Template)]
#[template(path = "staff/info_list.html")]
struct ListPage {
    p: Page,
    base: String,
    slug: String,
    rows: Vec<Row>,
    stale: usize,
    can_publish: bool,
}

/// `GET /{org}/staff/info`
pub async fn list(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let now = prongsai_store::now_ms();
    let rows: Vec<Row> = disclosure::list(&mut conn, s.org.id)
        .await?
        .into_iter()
        .map(|it| row(s.lang, it, now))
        .collect();
    let mut p = s.page("info.staff_title", "info");
    p.notice = ok_notice(s.lang, q.ok.as_deref());
    let stale = rows.iter().filter(|r| r.it.is_stale(now)).count();
    html(&ListPage {
        p,
        base: s.base(),
        slug: s.org.slug.clone(),
        rows,
        stale,
        can_publish: s.may(Permission::PublishInformation),
    })
}

/// An option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff/info_edit.html")]
struct EditPage {
    p: Page,
    base: String,
    slug: String,
    /// None: a new item.
    item: Option<InfoItem>,
    f: ItemForm,
    groups: Vec<Opt>,
    rhythms: Vec<Opt>,
    divisions: Vec<Opt>,
    files: Vec<FileMeta>,
    versions: Vec<InfoVersion>,
    can_publish: bool,
}

impl EditPage {
    fn date(&self, ms: &i64) -> String {
        self.p.datetime(ms)
    }
}

/// The item form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub item_date: String,
    #[serde(default)]
    pub fiscal_year: String,
    #[serde(default)]
    pub rhythm: String,
    #[serde(default)]
    pub links: String,
    #[serde(default)]
    pub division: String,
}

impl ItemForm {
    fn of(it: &InfoItem) -> ItemForm {
        ItemForm {
            csrf: String::new(),
            group: it.group.code().into(),
            title: it.title.clone(),
            body: it.body.clone(),
            item_date: it.item_date.clone(),
            fiscal_year: it.fiscal_year.to_string(),
            rhythm: it.rhythm.code().into(),
            links: it.links.clone(),
            division: it.division_id.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn draft(&self, divisions: &[Division]) -> Result<ItemDraft, &'static str> {
        let group = InfoGroup::from_code(&self.group).ok_or(key!("info.err_group"))?;
        let rhythm = UpdateRhythm::from_code(&self.rhythm).ok_or(key!("info.err_rhythm"))?;
        let fiscal_year = prongsai_domain::thai::parse_int(&self.fiscal_year)
            .map_err(|_| key!("info.err_year"))?;
        let division_id = match self.division.trim() {
            "" => None,
            d => Some(
                d.parse::<i64>()
                    .ok()
                    .filter(|id| divisions.iter().any(|x| x.id == *id))
                    .ok_or(key!("error.bad_request"))?,
            ),
        };
        Ok(ItemDraft {
            group,
            title: self.title.trim().into(),
            body: self.body.replace("\r\n", "\n"),
            // Typed in B.E. (วว/ดด/ปปปป) or C.E.; kept as YYYY-MM-DD. What is not a
            // date goes on as typed, for the store to refuse with its message.
            item_date: crate::views::date_field(&self.item_date)
                .unwrap_or_else(|| self.item_date.trim().into()),
            fiscal_year,
            rhythm,
            links: self.links.trim().into(),
            division_id,
        })
    }
}

fn options(lang: Lang, f: &ItemForm, divisions: &[Division]) -> (Vec<Opt>, Vec<Opt>, Vec<Opt>) {
    let groups = InfoGroup::ALL
        .into_iter()
        .map(|g| Opt {
            value: g.code().into(),
            label: group_label(lang, g).into(),
            selected: f.group == g.code(),
        })
        .collect();
    let rhythms = UpdateRhythm::ALL
        .into_iter()
        .map(|r| Opt {
            value: r.code().into(),
            label: rhythm_label(lang, r).into(),
            selected: f.rhythm == r.code(),
        })
        .collect();
    let mut divs = vec![Opt {
        value: String::new(),
        label: "—".into(),
        selected: f.division.is_empty(),
    }];
    divs.extend(divisions.iter().map(|d| Opt {
        value: d.id.to_string(),
        label: lang.pick(&d.name_th, &d.name_en).to_string(),
        selected: f.division == d.id.to_string(),
    }));
    (groups, rhythms, divs)
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    s: &StaffCtx,
    status: StatusCode,
    item: Option<InfoItem>,
    f: ItemForm,
    alert: Option<&'static str>,
    notice: Option<String>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let (files, versions) = match &item {
        Some(it) => (
            disclosure::files_of(&mut conn, s.org.id, it.id, 0).await?,
            disclosure::versions(&mut conn, s.org.id, it.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let (groups, rhythms, divisions) = options(s.lang, &f, &divisions);
    let mut p = s.page(
        if item.is_some() {
            "info.edit_title"
        } else {
            "info.new_title"
        },
        "info",
    );
    p.alert = alert.map(|k| t(s.lang, k).to_string());
    p.notice = notice;
    let can_publish = item.as_ref().is_some_and(|it| may_publish(s, it));
    html_status(
        status,
        &EditPage {
            p,
            base: s.base(),
            slug: s.org.slug.clone(),
            item,
            f,
            groups,
            rhythms,
            divisions,
            files,
            versions,
            can_publish,
        },
    )
}

/// A division head publishes their own division's items (and items of no division);
/// the clerk publishes any.
fn may_publish(s: &StaffCtx, it: &InfoItem) -> bool {
    if !s.may(Permission::PublishInformation) {
        return false;
    }
    match (s.role(), it.division_id) {
        (Role::DivisionHead, Some(d)) => s.membership.division_id == Some(d),
        _ => true,
    }
}

/// `GET /{org}/staff/info/new`
pub async fn new_form(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
) -> Result<Response, Error> {
    let f = ItemForm {
        group: InfoGroup::Basic.code().into(),
        rhythm: UpdateRhythm::Yearly.code().into(),
        fiscal_year: prongsai_domain::FiscalYear::current().be().to_string(),
        division: s
            .membership
            .division_id
            .map(|d| d.to_string())
            .unwrap_or_default(),
        ..ItemForm::default()
    };
    edit_page(&state, &s, StatusCode::OK, None, f, None, None).await
}

fn store_alert(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Invalid(m) if m.contains("title") => Some(key!("info.err_title")),
        StoreError::Invalid(m) if m.contains("date") => Some(key!("info.err_date")),
        StoreError::Invalid(m) if m.contains("fiscal year") => Some(key!("info.err_year")),
        StoreError::Invalid(m) if m.contains("ลิงก์") => Some(key!("info.err_links")),
        StoreError::Invalid(m) if m.contains("too long") => Some(key!("info.err_long")),
        StoreError::Invalid(_) => Some(key!("error.bad_request")),
        _ => None,
    }
}

/// `POST /{org}/staff/info/new`
pub async fn create(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
    Form(f): Form<ItemForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let draft = match f.draft(&divisions) {
        Ok(d) => d,
        Err(k) => {
            return edit_page(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                f,
                Some(k),
                None,
            )
            .await;
        }
    };
    match disclosure::create(&mut conn, &state.keys.audit, s.org.id, &draft, &s.actor()).await {
        Ok(it) => Ok(see_other(&format!(
            "{}/info/{}?ok=created",
            s.base(),
            it.no
        ))),
        Err(e) => match store_alert(&e) {
            Some(k) => {
                edit_page(
                    &state,
                    &s,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    f,
                    Some(k),
                    None,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

fn parse_no(no: &str) -> Result<i64, Error> {
    no.parse().map_err(|_| Error::NotFound)
}

async fn load(state: &AppState, s: &StaffCtx, no: i64) -> Result<InfoItem, Error> {
    let mut conn = state.db.pool.acquire().await?;
    disclosure::get(&mut conn, s.org.id, no)
        .await?
        .ok_or(Error::NotFound)
}

/// `GET /{org}/staff/info/{no}`
pub async fn edit(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
    Path((_, no)): Path<(String, String)>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    let it = load(&state, &s, parse_no(&no)?).await?;
    let f = ItemForm::of(&it);
    edit_page(
        &state,
        &s,
        StatusCode::OK,
        Some(it),
        f,
        None,
        ok_notice(s.lang, q.ok.as_deref()),
    )
    .await
}

/// `POST /{org}/staff/info/{no}`: saves the draft.
pub async fn update(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
    Path((_, no)): Path<(String, String)>,
    Form(f): Form<ItemForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let it = load(&state, &s, parse_no(&no)?).await?;
    let mut conn = state.db.pool.acquire().await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let draft = match f.draft(&divisions) {
        Ok(d) => d,
        Err(k) => {
            return edit_page(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(it),
                f,
                Some(k),
                None,
            )
            .await;
        }
    };
    match disclosure::update(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        it.no,
        &draft,
        &s.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("{}/info/{}?ok=saved", s.base(), it.no))),
        Err(e) => match store_alert(&e) {
            Some(k) => {
                edit_page(
                    &state,
                    &s,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(it),
                    f,
                    Some(k),
                    None,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /{org}/staff/info/{no}/publish`
pub async fn publish(
    State(state): State<AppState>,
    s: Staff<need::PublishInformation>,
    Path((_, no)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let it = load(&state, &s, parse_no(&no)?).await?;
    if !may_publish(&s, &it) {
        return Err(Error::Forbidden);
    }
    let mut conn = state.db.pool.acquire().await?;
    disclosure::publish(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        &s.org.slug,
        it.no,
        &s.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "{}/info/{}?ok=published",
        s.base(),
        it.no
    )))
}

/// `POST /{org}/staff/info/{no}/withdraw`
pub async fn withdraw(
    State(state): State<AppState>,
    s: Staff<need::PublishInformation>,
    Path((_, no)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let it = load(&state, &s, parse_no(&no)?).await?;
    if !may_publish(&s, &it) {
        return Err(Error::Forbidden);
    }
    let mut conn = state.db.pool.acquire().await?;
    disclosure::withdraw(&mut conn, &state.keys.audit, s.org.id, it.no, &s.actor()).await?;
    Ok(see_other(&format!(
        "{}/info/{}?ok=withdrawn",
        s.base(),
        it.no
    )))
}

/// `POST /{org}/staff/info/{no}/files` (multipart: `csrf`, `file`).
pub async fn add_file(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
    Path((_, no)): Path<(String, String)>,
    req: Request,
) -> Result<Response, Error> {
    let it = load(&state, &s, parse_no(&no)?).await?;
    // Not multipart (a form posted without a file input): back to the item, nothing
    // changed.
    let Ok(mut mp) = Multipart::from_request(req, &state).await else {
        return Ok(see_other(&format!("{}/info/{}", s.base(), it.no)));
    };
    let too_large =
        |e: axum::extract::multipart::MultipartError| crate::views::body_error(e.status());
    let mut token = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(too_large)? {
        match field.name().unwrap_or("") {
            "csrf" => token = field.text().await.map_err(too_large)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(too_large)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    csrf::check_session(s.csrf(), &token)?;
    let Some((name, bytes)) = file else {
        let f = ItemForm::of(&it);
        return edit_page(
            &state,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(it),
            f,
            Some(key!("info.err_no_file")),
            None,
        )
        .await;
    };
    let mut conn = state.db.pool.acquire().await?;
    match disclosure::add_file(
        &mut conn,
        &state.keys.audit,
        state.blobs.as_ref(),
        s.org.id,
        it.no,
        &name,
        &bytes,
        &s.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("{}/info/{}?ok=file", s.base(), it.no))),
        Err(StoreError::Invalid(_)) => {
            drop(conn);
            let f = ItemForm::of(&it);
            edit_page(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(it),
                f,
                Some(key!("info.err_file")),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /{org}/staff/info/{no}/files/{file_id}/remove`
pub async fn remove_file(
    State(state): State<AppState>,
    s: Staff<need::DraftInformation>,
    Path((_, no, file_id)): Path<(String, String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let no = parse_no(&no)?;
    let file_id: i64 = file_id.parse().map_err(|_| Error::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    match disclosure::remove_file(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        no,
        file_id,
        &s.actor(),
    )
    .await
    {
        // Already gone (a second click): the same outcome.
        Ok(()) | Err(StoreError::NotFound(_)) => {
            Ok(see_other(&format!("{}/info/{}?ok=removed", s.base(), no)))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/info_executives.html")]
struct ExecutivesPage {
    p: Page,
    base: String,
    text: String,
}

#[derive(Deserialize)]
pub struct ExecutivesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    executives: String,
}

/// `GET /{org}/staff/info/executives`
pub async fn executives(
    State(state): State<AppState>,
    s: Staff<need::PublishInformation>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let text = disclosure::executives(&mut conn, s.org.id)
        .await?
        .iter()
        .map(|e| format!("{} | {}", e.name, e.position))
        .collect::<Vec<_>>()
        .join("\n");
    let mut p = s.page("info.executives_title", "info");
    p.notice = ok_notice(s.lang, q.ok.as_deref());
    html(&ExecutivesPage {
        p,
        base: s.base(),
        text,
    })
}

/// `POST /{org}/staff/info/executives`
pub async fn save_executives(
    State(state): State<AppState>,
    s: Staff<need::PublishInformation>,
    Form(f): Form<ExecutivesForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let list = match disclosure::parse_executives(&f.executives) {
        Ok(l) => l,
        Err(_) => {
            let mut p = s.page("info.executives_title", "info");
            p.alert = Some(t(s.lang, "info.err_executives").to_string());
            return html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ExecutivesPage {
                    p,
                    base: s.base(),
                    text: f.executives,
                },
            );
        }
    };
    let mut conn = state.db.pool.acquire().await?;
    disclosure::set_executives(&mut conn, &state.keys.audit, s.org.id, &list, &s.actor()).await?;
    state.orgs.clear();
    Ok(see_other(&format!("{}/info/executives?ok=saved", s.base())))
}
