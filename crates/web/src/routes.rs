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
use crate::views::{account, admin, auth, public, staff};
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
    r("GET", "/{org}/staff/", Permission::StaffArea),
    r("GET", "/{org}/staff/users", Permission::ManageUsers),
    r("POST", "/{org}/staff/users", Permission::ManageUsers),
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
];

/// The staff menu: path under `/{org}/staff/`, label key, permission to see it.
pub const STAFF_MENU: &[(&str, &str, Permission)] = &[
    ("", "nav.dashboard", Permission::StaffArea),
    ("users", "nav.users", Permission::ManageUsers),
    ("divisions", "nav.divisions", Permission::StaffArea),
    ("settings", "nav.settings", Permission::ManageOrganization),
    ("audit", "nav.audit", Permission::ViewAuditTrail),
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
    // Staff area (keep in step with STAFF_ROUTES)
    .get("/{org}/staff/", staff::dashboard)
    .get("/{org}/staff/users", admin::users)
    .post("/{org}/staff/users", admin::create_user)
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
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(error_pages::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        .with_state(state)
}
