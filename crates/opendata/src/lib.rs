//! Wire formats of the open standards Prongsai claims to speak.
//!
//! * [`ocds`] — Open Contracting Data Standard 1.1 release and record packages, with the
//!   bids extension, built from a plain procurement model; plus parsing of OCP Cardinal's
//!   red-flag output ([`ocds::red_flags_from_cardinal_output`]).
//! * [`ckan`] — the CKAN Action API subset (`package_search` & co.): response envelope
//!   byte-for-byte as CKAN writes it, dataset dicts with the thai-gdc schema field names,
//!   and a pure in-memory query engine.
//! * [`open311`] — Open311 GeoReport v2: services, service definitions, service requests,
//!   POST parsing and errors, in XML and JSON.
//!
//! Everything here is pure: no IO, no database, no HTTP server. The web layer maps HTTP
//! requests to these functions and writes their bytes out.

pub mod ckan;
pub mod ocds;
pub mod open311;
mod pyjson;
mod w3c;

pub use pyjson::to_python_json;
pub use w3c::{format_w3c_bangkok, parse_w3c};
