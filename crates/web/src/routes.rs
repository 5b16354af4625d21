//! Every route of the application, registered in one place. The staff routes are also
//! listed in [`STAFF_ROUTES`] with the permission each needs: the authorization-matrix
//! test walks that table for every role, a test checks it matches what the router
//! really registers, and `docs/web.md` is checked against it.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{get, post};
use prongsai_domain::Permission;

use crate::middleware::{error_pages, security_headers};
use crate::views::{account, admin, auth, corruption_public, corruption_staff, public, staff};
use crate::{AppState, api};

/// A staff route and the permission its handler's extractor demands.
#[derive(Debug, Clone, Copy)]
pub struct StaffRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub permission: Permission,
}

const fn r(method: &'static str, path: &'static str, permission: Permission) -> StaffRoute {
    StaffRoute {
        method,
        path,
        permission,
    }
}

/// Every route under `/{org}/staff/`.
pub const STAFF_ROUTES: &[StaffRoute] = &[
    r("GET", "/{org}/staff", Permission::StaffArea),
    r("GET", "/{org}/staff/", Permission::StaffArea),
    r("GET", "/{org}/staff/users", Permission::ManageUsers),
    r("POST", "/{org}/staff/users", Permission::ManageUsers),
    r("POST", "/{org}/staff/users/add", Permission::ManageUsers),
    r(
        "POST",
        "/{org}/staff/users/{user_id}/totp-reset",
        Permission::ManageUsers,
    ),
    r(
        "POST",
        "/{org}/staff/users/{user_id}/role",
        Permission::ManageUsers,
    ),
    r(
        "POST",
        "/{org}/staff/users/{user_id}/password",
        Permission::ManageUsers,
    ),
    r(
        "POST",
        "/{org}/staff/users/{user_id}/remove",
        Permission::ManageUsers,
    ),
    r("GET", "/{org}/staff/divisions", Permission::StaffArea),
    r(
        "POST",
        "/{org}/staff/divisions",
        Permission::ManageOrganization,
    ),
    r(
        "POST",
        "/{org}/staff/divisions/{division_id}/head",
        Permission::ManageOrganization,
    ),
    r(
        "GET",
        "/{org}/staff/settings",
        Permission::ManageOrganization,
    ),
    r(
        "POST",
        "/{org}/staff/settings",
        Permission::ManageOrganization,
    ),
    r("GET", "/{org}/staff/audit", Permission::ViewAuditTrail),
    r("GET", "/{org}/staff/plan", Permission::StaffArea),
    r("POST", "/{org}/staff/plan", Permission::ManagePlan),
    // Corruption reports: integrity officers only.
    r(
        "GET",
        "/{org}/staff/integrity/",
        Permission::HandleCorruptionReports,
    ),
    r(
        "GET",
        "/{org}/staff/integrity/settings",
        Permission::HandleCorruptionReports,
    ),
    r(
        "POST",
        "/{org}/staff/integrity/settings",
        Permission::HandleCorruptionReports,
    ),
    r(
        "GET",
        "/{org}/staff/integrity/{report_id}",
        Permission::HandleCorruptionReports,
    ),
    r(
        "POST",
        "/{org}/staff/integrity/{report_id}/status",
        Permission::HandleCorruptionReports,
    ),
    r(
        "POST",
        "/{org}/staff/integrity/{report_id}/reply",
        Permission::HandleCorruptionReports,
    ),
    r(
        "POST",
        "/{org}/staff/integrity/{report_id}/identity",
        Permission::HandleCorruptionReports,
    ),
    r(
        "POST",
        "/{org}/staff/integrity/{report_id}/officers",
        Permission::HandleCorruptionReports,
    ),
    r(
        "GET",
        "/{org}/staff/integrity/{report_id}/files/{file_id}",
        Permission::HandleCorruptionReports,
    ),
    // Executives' dashboard, ITA, risk register (views/dashboard.rs, ita.rs, risk.rs)
    r("GET", "/{org}/staff/dashboard", Permission::ViewAllWork),
    r("GET", "/{org}/staff/ita", Permission::ViewAllWork),
    r("POST", "/{org}/staff/ita/score", Permission::ManagePlan),
    r("POST", "/{org}/staff/ita/cases", Permission::ManagePlan),
    r("GET", "/{org}/staff/risks", Permission::ViewAllWork),
    r("POST", "/{org}/staff/risks", Permission::ManagePlan),
    r("POST", "/{org}/staff/risks/seed", Permission::ManagePlan),
    r("POST", "/{org}/staff/risks/matrix", Permission::ManagePlan),
    r(
        "GET",
        "/{org}/staff/risks/{risk_id}",
        Permission::ViewAllWork,
    ),
    r(
        "POST",
        "/{org}/staff/risks/{risk_id}",
        Permission::ManagePlan,
    ),
    r(
        "POST",
        "/{org}/staff/risks/{risk_id}/review",
        Permission::ManagePlan,
    ),
    // General complaints (views/complaints_staff.rs)
    r("GET", "/{org}/staff/complaints", Permission::ViewComplaints),
    r(
        "GET",
        "/{org}/staff/complaints/new",
        Permission::HandleComplaints,
    ),
    r(
        "POST",
        "/{org}/staff/complaints/new",
        Permission::HandleComplaints,
    ),
    r(
        "GET",
        "/{org}/staff/complaints/stats",
        Permission::ViewComplaints,
    ),
    r(
        "GET",
        "/{org}/staff/complaints/routing",
        Permission::ManageOrganization,
    ),
    r(
        "POST",
        "/{org}/staff/complaints/routing",
        Permission::ManageOrganization,
    ),
    r(
        "GET",
        "/{org}/staff/complaints/{complaint_id}",
        Permission::ViewComplaints,
    ),
    r(
        "POST",
        "/{org}/staff/complaints/{complaint_id}/action",
        Permission::HandleComplaints,
    ),
    r(
        "POST",
        "/{org}/staff/complaints/{complaint_id}/note",
        Permission::HandleComplaints,
    ),
    r(
        "GET",
        "/{org}/staff/complaints/{complaint_id}/files/{file_id}",
        Permission::ViewComplaints,
    ), // Yearly progress per project and the reporting rounds (views/progress.rs, rounds.rs).
    r("GET", "/{org}/staff/progress", Permission::ViewProgress),
    r(
        "GET",
        "/{org}/staff/progress/{project_key}/{year}",
        Permission::ViewProgress,
    ),
    r(
        "POST",
        "/{org}/staff/progress/{project_key}/{year}",
        Permission::EditOwnDivision,
    ),
    r(
        "POST",
        "/{org}/staff/progress/{project_key}/{year}/submit",
        Permission::EditOwnDivision,
    ),
    r(
        "POST",
        "/{org}/staff/progress/{project_key}/{year}/evidence",
        Permission::EditOwnDivision,
    ),
    r(
        "GET",
        "/{org}/staff/progress/{project_key}/{year}/evidence/{evidence_id}",
        Permission::ViewProgress,
    ),
    r(
        "POST",
        "/{org}/staff/progress/{project_key}/{year}/approve",
        Permission::ApproveDivision,
    ),
    r(
        "POST",
        "/{org}/staff/progress/{project_key}/{year}/return",
        Permission::ApproveDivision,
    ),
    r("GET", "/{org}/staff/rounds", Permission::ViewProgress),
    r(
        "GET",
        "/{org}/staff/rounds/{year}/{round}",
        Permission::ViewProgress,
    ),
    r(
        "POST",
        "/{org}/staff/rounds/{year}/{round}/submit",
        Permission::SubmitRound,
    ),
    r(
        "GET",
        "/{org}/staff/rounds/{year}/{round}/report.xlsx",
        Permission::ViewProgress,
    ),
    r(
        "GET",
        "/{org}/staff/rounds/{year}/{round}/report.pdf",
        Permission::ViewProgress,
    ),
    r(
        "GET",
        "/{org}/staff/rounds/{year}/{round}/eplannacc.csv",
        Permission::ViewProgress,
    ),
    r(
        "GET",
        "/{org}/staff/rounds/{year}/{round}/eplannacc.xlsx",
        Permission::ViewProgress,
    ),
    // Budget and procurement, conflicts of interest (issue 6 items 3–4)
    r(
        "GET",
        "/{org}/staff/procurement",
        Permission::ManageProcurement,
    ),
    r(
        "POST",
        "/{org}/staff/procurement",
        Permission::ManageProcurement,
    ),
    r(
        "POST",
        "/{org}/staff/procurement/plan",
        Permission::ManageProcurement,
    ),
    r(
        "GET",
        "/{org}/staff/procurement/checks",
        Permission::CheckSpending,
    ),
    r(
        "POST",
        "/{org}/staff/procurement/checks",
        Permission::CheckSpending,
    ),
    r(
        "GET",
        "/{org}/staff/procurement/{id}",
        Permission::ManageProcurement,
    ),
    r(
        "POST",
        "/{org}/staff/procurement/{id}/documents",
        Permission::ManageProcurement,
    ),
    r("GET", "/{org}/staff/coi", Permission::StaffArea),
    r("POST", "/{org}/staff/coi", Permission::StaffArea),
    r(
        "POST",
        "/{org}/staff/coi/{declaration_id}/remove",
        Permission::StaffArea,
    ),
    r("GET", "/{org}/staff/coi/flags", Permission::ReviewConflicts),
    r(
        "POST",
        "/{org}/staff/coi/flags/{flag_id}",
        Permission::ReviewConflicts,
    ),
    // Information centre, OIT readiness, visitor statistics (issue 6 items 1, 2, 6)
    r("GET", "/{org}/staff/info", Permission::DraftInformation),
    r("GET", "/{org}/staff/info/new", Permission::DraftInformation),
    r(
        "POST",
        "/{org}/staff/info/new",
        Permission::DraftInformation,
    ),
    r(
        "GET",
        "/{org}/staff/info/executives",
        Permission::PublishInformation,
    ),
    r(
        "POST",
        "/{org}/staff/info/executives",
        Permission::PublishInformation,
    ),
    r(
        "GET",
        "/{org}/staff/info/{no}",
        Permission::DraftInformation,
    ),
    r(
        "POST",
        "/{org}/staff/info/{no}",
        Permission::DraftInformation,
    ),
    r(
        "POST",
        "/{org}/staff/info/{no}/files",
        Permission::DraftInformation,
    ),
    r(
        "POST",
        "/{org}/staff/info/{no}/files/{file_id}/remove",
        Permission::DraftInformation,
    ),
    r(
        "POST",
        "/{org}/staff/info/{no}/publish",
        Permission::PublishInformation,
    ),
    r(
        "POST",
        "/{org}/staff/info/{no}/withdraw",
        Permission::PublishInformation,
    ),
    r("GET", "/{org}/staff/oit", Permission::ViewAllWork),
    r(
        "POST",
        "/{org}/staff/oit/load",
        Permission::PublishInformation,
    ),
    r(
        "POST",
        "/{org}/staff/oit/{code}/link",
        Permission::PublishInformation,
    ),
    r("GET", "/{org}/staff/visits", Permission::ViewAllWork),
];

/// The staff menu: path under `/{org}/staff/`, label key, permission to see it.
pub const STAFF_MENU: &[(&str, &str, Permission)] = &[
    ("", "nav.dashboard", Permission::StaffArea),
    ("plan", "plan.nav", Permission::StaffArea),
    ("users", "nav.users", Permission::ManageUsers),
    ("divisions", "nav.divisions", Permission::StaffArea),
    ("settings", "nav.settings", Permission::ManageOrganization),
    ("audit", "nav.audit", Permission::ViewAuditTrail),
    (
        "integrity/",
        "nav.integrity",
        Permission::HandleCorruptionReports,
    ),
    (
        "procurement",
        "procurement.nav",
        Permission::ManageProcurement,
    ),
    ("coi", "coi.nav", Permission::StaffArea),
    ("dashboard", "dash.nav", Permission::ViewAllWork),
    ("ita", "ita.nav", Permission::ViewAllWork),
    ("risks", "risk.nav", Permission::ViewAllWork),
    ("complaints", "complaint.nav", Permission::ViewComplaints),
    ("progress", "nav.progress", Permission::ViewProgress),
    ("rounds", "nav.rounds", Permission::ViewProgress),
    ("info", "info.nav_staff", Permission::DraftInformation),
    ("oit", "oit.nav", Permission::ViewAllWork),
    ("visits", "visits.nav", Permission::ViewAllWork),
];

/// Bodies larger than this are refused (413) before a handler reads them.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A router that remembers what it registered.
struct Routes {
    router: Router<AppState>,
    list: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn get<H: Handler<T, AppState>, T: 'static>(mut self, path: &'static str, h: H) -> Self {
        self.router = self.router.route(path, get(h));
        self.list.push(("GET", path));
        self
    }

    fn post<H: Handler<T, AppState>, T: 'static>(mut self, path: &'static str, h: H) -> Self {
        self.router = self.router.route(path, post(h));
        self.list.push(("POST", path));
        self
    }

    /// A POST that accepts files: a larger body limit than [`BODY_LIMIT`].
    fn post_upload<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        h: H,
    ) -> Self {
        self.router = self.router.route(
            path,
            post(h).layer(DefaultBodyLimit::max(
                crate::whistle::UPLOAD_BODY_LIMIT * 4 / 3,
            )),
        );
        self.list.push(("POST", path));
        self
    }
}

fn all() -> Routes {
    Routes {
        router: Router::new(),
        list: Vec::new(),
    }
    // Public
    .get("/healthz", public::healthz)
    .get("/", public::index)
    .get("/static/app.css", public::stylesheet)
    .get("/lang", public::switch_lang)
    .get("/{org}", public::org_slash)
    .get("/{org}/", public::org_home)
    // Signing in and out
    .get("/login", auth::login_form)
    .post("/login", auth::login_submit)
    .get("/login/totp", auth::totp_form)
    .post("/login/totp", auth::totp_submit)
    .post("/logout", auth::logout)
    // One's own account
    .get("/account", account::page)
    .post("/account/password", account::change_password)
    .post("/account/totp/start", account::totp_start)
    .post("/account/totp/confirm", account::totp_confirm)
    .post("/account/profile", account::save_profile)
    .post("/account/totp/off", account::totp_off)
    // Staff area (keep in step with STAFF_ROUTES)
    .get("/{org}/staff", staff::staff_slash)
    .get("/{org}/staff/", staff::dashboard)
    .get("/{org}/staff/users", admin::users)
    .post("/{org}/staff/users", admin::create_user)
    .post("/{org}/staff/users/add", admin::add_existing)
    .post("/{org}/staff/users/{user_id}/totp-reset", admin::totp_reset)
    .post("/{org}/staff/users/{user_id}/role", admin::set_role)
    .post(
        "/{org}/staff/users/{user_id}/password",
        admin::reset_password,
    )
    .post("/{org}/staff/users/{user_id}/remove", admin::remove_member)
    .get("/{org}/staff/divisions", staff::divisions)
    .post("/{org}/staff/divisions", staff::create_division)
    .post(
        "/{org}/staff/divisions/{division_id}/head",
        staff::set_division_head,
    )
    .get("/{org}/staff/settings", staff::settings)
    .post("/{org}/staff/settings", staff::save_settings)
    .get("/{org}/staff/audit", admin::audit)
    // The action plan: public pages, staff page and upload (a file: a larger body limit)
    .get("/{org}/plan", crate::views::plan::public_plan)
    .get(
        "/{org}/plan/projects/{no}",
        crate::views::plan::public_project,
    )
    .get("/{org}/staff/plan", crate::views::plan::staff_plan)
    .post(
        "/{org}/staff/plan",
        crate::views::plan::upload
            .layer(DefaultBodyLimit::max(crate::views::plan::UPLOAD_BODY_LIMIT)),
    )
    // Corruption reports: public channel, integrity officers' area, API
    .get("/{org}/integrity/report", corruption_public::report_form)
    .post_upload("/{org}/integrity/report", corruption_public::report_submit)
    .get(
        "/{org}/integrity/follow-up",
        corruption_public::follow_up_form,
    )
    .post("/{org}/integrity/follow-up", corruption_public::follow_up)
    .post_upload(
        "/{org}/integrity/follow-up/add",
        corruption_public::follow_up_add,
    )
    .get("/{org}/integrity/stats", corruption_public::stats)
    .get("/{org}/staff/integrity/", corruption_staff::list)
    .get(
        "/{org}/staff/integrity/settings",
        corruption_staff::settings,
    )
    .post(
        "/{org}/staff/integrity/settings",
        corruption_staff::save_settings,
    )
    .get(
        "/{org}/staff/integrity/{report_id}",
        corruption_staff::detail,
    )
    .post(
        "/{org}/staff/integrity/{report_id}/status",
        corruption_staff::set_status,
    )
    .post(
        "/{org}/staff/integrity/{report_id}/reply",
        corruption_staff::reply,
    )
    .post(
        "/{org}/staff/integrity/{report_id}/identity",
        corruption_staff::reveal_identity,
    )
    .post(
        "/{org}/staff/integrity/{report_id}/officers",
        corruption_staff::set_officer,
    )
    .get(
        "/{org}/staff/integrity/{report_id}/files/{file_id}",
        corruption_staff::file,
    )
    .post_upload(
        "/api/v1/orgs/{org}/corruption-reports",
        api::corruption_reports::create,
    )
    .post(
        "/api/v1/corruption-reports/lookup",
        api::corruption_reports::lookup,
    )
    .post_upload(
        "/api/v1/corruption-reports/messages",
        api::corruption_reports::add_message,
    )
    .get(
        "/api/v1/orgs/{org}/corruption-reports/stats",
        api::corruption_reports::stats,
    )
    // Dashboard, ITA, risk register, national summaries (keep in step with STAFF_ROUTES)
    .get("/{org}/staff/dashboard", crate::views::dashboard::dashboard)
    .get("/{org}/staff/ita", crate::views::ita::staff_ita)
    .post("/{org}/staff/ita/score", crate::views::ita::save_score)
    .post("/{org}/staff/ita/cases", crate::views::ita::save_cases)
    .get("/{org}/staff/risks", crate::views::risk::register)
    .post("/{org}/staff/risks", crate::views::risk::create)
    .post("/{org}/staff/risks/seed", crate::views::risk::seed)
    .post("/{org}/staff/risks/matrix", crate::views::risk::save_matrix)
    .get("/{org}/staff/risks/{risk_id}", crate::views::risk::one)
    .post("/{org}/staff/risks/{risk_id}", crate::views::risk::save)
    .post(
        "/{org}/staff/risks/{risk_id}/review",
        crate::views::risk::review,
    )
    .get("/{org}/ita", crate::views::ita::public_ita)
    .get("/{org}/risks", crate::views::risk::public_register)
    .get("/national", crate::views::national::national)
    .get("/national/{province}", crate::views::national::province)
    // General complaints: citizens (views/complaints.rs), staff (views/complaints_staff.rs),
    // JSON API (api/complaints.rs), Open311 GeoReport v2 (api/open311.rs)
    .get("/{org}/complaints/new", crate::views::complaints::new_form)
    .post(
        "/{org}/complaints/new",
        crate::views::complaints::submit.layer(DefaultBodyLimit::max(
            crate::views::complaints::FORM_BODY_LIMIT,
        )),
    )
    .get(
        "/{org}/complaints/track",
        crate::views::complaints::track_form,
    )
    .get(
        "/{org}/complaints/track/{code}",
        crate::views::complaints::track,
    )
    .post(
        "/{org}/complaints/track/{code}/confirm",
        crate::views::complaints::confirm,
    )
    .post(
        "/{org}/complaints/track/{code}/reopen",
        crate::views::complaints::reopen,
    )
    .get(
        "/{org}/complaints/track/{code}/files/{file_id}",
        crate::views::complaints::public_file,
    )
    .get("/{org}/complaints/stats", crate::views::complaints::stats)
    .get(
        "/{org}/complaints/stats.csv",
        crate::views::complaints::stats_csv,
    )
    .get(
        "/{org}/staff/complaints",
        crate::views::complaints_staff::queue,
    )
    .get(
        "/{org}/staff/complaints/new",
        crate::views::complaints_staff::new_form,
    )
    .post(
        "/{org}/staff/complaints/new",
        crate::views::complaints_staff::create,
    )
    .get(
        "/{org}/staff/complaints/stats",
        crate::views::complaints_staff::stats,
    )
    .get(
        "/{org}/staff/complaints/routing",
        crate::views::complaints_staff::routing,
    )
    .post(
        "/{org}/staff/complaints/routing",
        crate::views::complaints_staff::save_routing,
    )
    .get(
        "/{org}/staff/complaints/{complaint_id}",
        crate::views::complaints_staff::case,
    )
    .post(
        "/{org}/staff/complaints/{complaint_id}/action",
        crate::views::complaints_staff::action,
    )
    .post(
        "/{org}/staff/complaints/{complaint_id}/note",
        crate::views::complaints_staff::note,
    )
    .get(
        "/{org}/staff/complaints/{complaint_id}/files/{file_id}",
        crate::views::complaints_staff::staff_file,
    )
    .post("/api/v1/orgs/{org}/complaints", api::complaints::create)
    .get(
        "/api/v1/complaints/{tracking_code}",
        api::complaints::status,
    )
    .get("/open311/v2/{resource}", api::open311::resource)
    .post("/open311/v2/{resource}", api::open311::create_request)
    .get(
        "/open311/v2/services/{service}",
        api::open311::service_definition,
    )
    .get("/open311/v2/requests/{request}", api::open311::one_request)
    // Yearly progress, reporting rounds and their public reports
    .get("/{org}/staff/progress", crate::views::progress::list)
    .get(
        "/{org}/staff/progress/{project_key}/{year}",
        crate::views::progress::page,
    )
    .post(
        "/{org}/staff/progress/{project_key}/{year}",
        crate::views::progress::save,
    )
    .post(
        "/{org}/staff/progress/{project_key}/{year}/submit",
        crate::views::progress::submit,
    )
    .post(
        "/{org}/staff/progress/{project_key}/{year}/evidence",
        crate::views::progress::add_evidence.layer(DefaultBodyLimit::max(
            crate::views::progress::EVIDENCE_BODY_LIMIT,
        )),
    )
    .get(
        "/{org}/staff/progress/{project_key}/{year}/evidence/{evidence_id}",
        crate::views::progress::evidence_file,
    )
    .post(
        "/{org}/staff/progress/{project_key}/{year}/approve",
        crate::views::progress::approve,
    )
    .post(
        "/{org}/staff/progress/{project_key}/{year}/return",
        crate::views::progress::return_,
    )
    .get("/{org}/staff/rounds", crate::views::rounds::list)
    .get(
        "/{org}/staff/rounds/{year}/{round}",
        crate::views::rounds::page,
    )
    .post(
        "/{org}/staff/rounds/{year}/{round}/submit",
        crate::views::rounds::submit,
    )
    .get(
        "/{org}/staff/rounds/{year}/{round}/report.xlsx",
        crate::views::rounds::xlsx,
    )
    .get(
        "/{org}/staff/rounds/{year}/{round}/report.pdf",
        crate::views::rounds::pdf,
    )
    .get(
        "/{org}/staff/rounds/{year}/{round}/eplannacc.csv",
        crate::views::rounds::eplannacc_csv,
    )
    .get(
        "/{org}/staff/rounds/{year}/{round}/eplannacc.xlsx",
        crate::views::rounds::eplannacc_xlsx,
    )
    .get("/{org}/reports", crate::views::reports::list)
    .get("/{org}/reports/{year}/{round}", crate::views::reports::page)
    .get(
        "/{org}/reports/{year}/{round}/report.pdf",
        crate::views::reports::pdf,
    )
    .get(
        "/{org}/reports/{year}/{round}/report.xlsx",
        crate::views::reports::xlsx,
    )
    // Budget and procurement: public pages and open data, staff area (issue 6 items 3–5)
    .get(
        "/{org}/procurement",
        crate::views::procurement::public_index,
    )
    .get(
        "/{org}/procurement/analysis",
        crate::views::procurement::analysis,
    )
    .get(
        "/{org}/procurement/summary/{month}",
        crate::views::procurement::summary,
    )
    .get(
        "/{org}/procurement/records/{id}",
        crate::views::procurement::public_record,
    )
    .get(
        "/{org}/procurement/records/{id}/files/{file_id}",
        crate::views::procurement::public_file,
    )
    .get(
        "/{org}/procurement/ocds/{file}",
        crate::views::opendata::ocds_package,
    )
    .get(
        "/{org}/procurement/{file}",
        crate::views::opendata::procurement_file,
    )
    .get("/{org}/opendata/{file}", crate::views::opendata::list_file)
    .get(
        "/{org}/staff/procurement",
        crate::views::procurement::staff_list,
    )
    .post(
        "/{org}/staff/procurement",
        crate::views::procurement::staff_create,
    )
    .post(
        "/{org}/staff/procurement/plan",
        crate::views::procurement::staff_add_plan,
    )
    .get(
        "/{org}/staff/procurement/checks",
        crate::views::procurement::staff_checks,
    )
    .post(
        "/{org}/staff/procurement/checks",
        crate::views::procurement::staff_add_check,
    )
    .get(
        "/{org}/staff/procurement/{id}",
        crate::views::procurement::staff_detail,
    )
    .post_upload(
        "/{org}/staff/procurement/{id}/documents",
        crate::views::procurement::staff_upload,
    )
    .get("/{org}/staff/coi", crate::views::procurement::coi)
    .post("/{org}/staff/coi", crate::views::procurement::coi_declare)
    .post(
        "/{org}/staff/coi/{declaration_id}/remove",
        crate::views::procurement::coi_remove,
    )
    .get(
        "/{org}/staff/coi/flags",
        crate::views::procurement::coi_flags,
    )
    .post(
        "/{org}/staff/coi/flags/{flag_id}",
        crate::views::procurement::coi_resolve,
    )
    // Information centre and search: public pages, staff area; OIT; visitor statistics
    .get("/{org}/info", crate::views::disclosure_public::index)
    .get(
        "/{org}/info.csv",
        crate::views::disclosure_public::index_csv,
    )
    .get(
        "/{org}/info.json",
        crate::views::disclosure_public::index_json,
    )
    .get("/{org}/info/{no}", crate::views::disclosure_public::item)
    .get(
        "/{org}/info/{no}/files/{file_id}",
        crate::views::disclosure_public::file,
    )
    .get(
        "/{org}/search",
        crate::views::disclosure_public::search_page,
    )
    .get("/{org}/staff/info", crate::views::disclosure_staff::list)
    .get(
        "/{org}/staff/info/new",
        crate::views::disclosure_staff::new_form,
    )
    .post(
        "/{org}/staff/info/new",
        crate::views::disclosure_staff::create,
    )
    .get(
        "/{org}/staff/info/executives",
        crate::views::disclosure_staff::executives,
    )
    .post(
        "/{org}/staff/info/executives",
        crate::views::disclosure_staff::save_executives,
    )
    .get(
        "/{org}/staff/info/{no}",
        crate::views::disclosure_staff::edit,
    )
    .post(
        "/{org}/staff/info/{no}",
        crate::views::disclosure_staff::update,
    )
    .post_upload(
        "/{org}/staff/info/{no}/files",
        crate::views::disclosure_staff::add_file,
    )
    .post(
        "/{org}/staff/info/{no}/files/{file_id}/remove",
        crate::views::disclosure_staff::remove_file,
    )
    .post(
        "/{org}/staff/info/{no}/publish",
        crate::views::disclosure_staff::publish,
    )
    .post(
        "/{org}/staff/info/{no}/withdraw",
        crate::views::disclosure_staff::withdraw,
    )
    .get("/{org}/staff/oit", crate::views::oit::readiness)
    .post("/{org}/staff/oit/load", crate::views::oit::load)
    .post("/{org}/staff/oit/{code}/link", crate::views::oit::link)
    .get("/{org}/staff/visits", crate::views::visits::staff_page)
    // CKAN Action API subset (both paths, GET and POST)
    .get("/api/3/action/{action}", crate::views::opendata::ckan_get)
    .post("/api/3/action/{action}", crate::views::opendata::ckan_post)
    .get("/api/action/{action}", crate::views::opendata::ckan_get)
    .post("/api/action/{action}", crate::views::opendata::ckan_post)
    // JSON API
    .get("/api/v1/orgs", api::v1::orgs)
    .get("/api/v1/orgs/{org}", api::v1::org)
    .get("/api/v1/openapi.json", api::v1::openapi)
}

/// Every (method, path) the router registers.
pub fn registered() -> Vec<(&'static str, &'static str)> {
    all().list
}

pub fn build(state: AppState) -> Router {
    all()
        .router
        .fallback(|| async { crate::Error::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::views::visits::count,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(error_pages::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::middleware::digits::restyle,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        .with_state(state)
}
