//! What runs around the handlers, one concern per file.
//!
//! - [`security_headers`]: CSP, framing, HSTS … on every response.
//! - [`error_pages`]: turns error statuses into pages (or JSON) in the user's language.
//! - [`cookies`]: reading and writing cookies.
//! - [`lang`]: the interface language of a request.
//! - [`session`]: the signed-in person (server-side sessions).
//! - [`staff`]: the typed extractor that admits a member of *this* organization whose
//!   role allows the route's permission.
//! - [`csrf`]: tokens on every state-changing form.
//! - [`client_ip`]: the address rate limits count against.
//! - [`digits`]: one digit style (Thai or Arabic) per page.

pub mod client_ip;
pub mod cookies;
pub mod csrf;
pub mod digits;
pub mod error_pages;
pub mod lang;
pub mod security_headers;
pub mod session;
pub mod staff;
