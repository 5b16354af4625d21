//! The staff area's door. Every staff handler takes a [`Staff<N>`] where `N` names the
//! [`Permission`] the route needs; the extractor admits only a signed-in member of the
//! organization in the URL whose role allows it (`Role::allows`). A member of another
//! organization is nobody here (403). Anonymous visitors go to the sign-in page. When
//! the organization requires a second factor, staff without one are sent to enrol
//! first.

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use prongsai_domain::{Permission, Role};
use prongsai_store::orgs::{self, Organization};
use prongsai_store::users::{self, Membership, User};

use crate::AppState;
use crate::error::Error;
use crate::i18n::Lang;
use crate::middleware::lang;
use crate::middleware::session::{Auth, SignedIn};
use crate::page::{self, Page};

/// A permission named at the type level, for [`Staff`].
pub trait Need: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// Marker types, one per [`Permission`] a staff route may need.
pub mod need {
    use super::*;
    macro_rules! needs {
        ($($name:ident),* $(,)?) => {
            $(
                #[derive(Debug)]
                pub struct $name;
                impl Need for $name {
                    const PERMISSION: Permission = Permission::$name;
                }
            )*
        };
    }
    needs!(
        StaffArea,
        ManageOrganization,
        ManageUsers,
        ViewAuditTrail,
        HandleCorruptionReports,
        ManagePlan,
        HandleComplaints,
        ViewComplaints,
        ViewAllWork,
        ViewProgress,
        EditOwnDivision,
        ApproveDivision,
        SubmitRound,
        ManageProcurement,
        CheckSpending,
        ReviewConflicts,
        DraftInformation,
        PublishInformation
    );
}

/// What a staff handler knows about the request.
#[derive(Debug, Clone)]
pub struct StaffCtx {
    pub org: Organization,
    pub user: User,
    pub membership: Membership,
    pub signed_in: SignedIn,
    pub lang: Lang,
    /// The request's path and query.
    pub path: String,
}

impl StaffCtx {
    pub fn role(&self) -> Role {
        self.membership.role
    }

    pub fn csrf(&self) -> &str {
        &self.signed_in.session.csrf_token
    }

    pub fn may(&self, p: Permission) -> bool {
        self.role().allows(p)
    }

    pub fn actor(&self) -> prongsai_store::audit::Actor {
        prongsai_store::audit::Actor::user(self.user.id, &self.user.username)
    }

    /// The frame for a staff page, with the menu entry `current` highlighted.
    pub fn page(&self, title_key: &str, current: &str) -> Page {
        let mut p = Page::new(self.lang, &self.path, title_key);
        p.user_name = Some(self.user.display_name.clone());
        p.csrf = self.csrf().to_string();
        p.org = Some(page::OrgNav {
            slug: self.org.slug.clone(),
            name: self
                .lang
                .pick(&self.org.name_th, &self.org.name_en)
                .to_string(),
        });
        p.staff_nav = page::staff_nav(&self.org.slug, self.role(), current, self.lang);
        p
    }

    /// The staff area's base path: `/{org}/staff`.
    pub fn base(&self) -> String {
        format!("/{}/staff", self.org.slug)
    }
}

/// Extractor: a member of the URL's organization whose role allows `N::PERMISSION`.
pub struct Staff<N: Need>(pub StaffCtx, PhantomData<N>);

impl<N: Need> Deref for Staff<N> {
    type Target = StaffCtx;
    fn deref(&self) -> &StaffCtx {
        &self.0
    }
}

impl<N: Need> FromRequestParts<AppState> for Staff<N> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::NotFound)?;
        let slug = params
            .iter()
            .find(|(k, _)| *k == "org")
            .map(|(_, v)| v.to_string())
            .ok_or(Error::NotFound)?;
        if prongsai_domain::Slug::parse(&slug).is_err() {
            return Err(Error::NotFound);
        }
        let Auth(signed_in) = Auth::from_request_parts(parts, state).await?;
        let mut conn = state.db.pool.acquire().await?;
        let org = orgs::by_slug(&mut conn, &slug)
            .await?
            .ok_or(Error::NotFound)?;
        let membership = users::membership(&mut conn, org.id, signed_in.user.id)
            .await?
            .ok_or(Error::Forbidden)?;
        let role = membership.role;
        if !(role.allows(Permission::StaffArea) && role.allows(N::PERMISSION)) {
            return Err(Error::Forbidden);
        }
        if org.require_staff_totp && !signed_in.user.totp_enabled {
            return Err(Error::Redirect("/account?totp=required#totp".into()));
        }
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Ok(Staff(
            StaffCtx {
                org,
                user: signed_in.user.clone(),
                membership,
                signed_in,
                lang: lang::from_headers(&parts.headers),
                path,
            },
            PhantomData,
        ))
    }
}
