//! The CKAN Action API subset Prongsai serves, as pure functions.
//!
//! [`handle_action`] takes an action name and its parameters (from
//! [`params_from_query_string`] for GET or [`params_from_json_body`] for POST) and returns
//! the HTTP status and the exact body CKAN 2.10 would write: `{"help": …, "success": true,
//! "result": …}` or `{"help": …, "error": {"__type": …, …}, "success": false}`, serialized
//! like Python's `json.dumps` (see [`crate::to_python_json`]).
//!
//! Dataset dicts carry CKAN's core fields plus the thai-gdc scheming schema's field names
//! (ckanext-thai_gdc `ckan_dataset.json`), so data.go.th-style harvesters find what they
//! expect.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use crate::pyjson::to_python_json;

/// CKAN version we claim in `status_show` (the API behaviour copied is CKAN 2.10's).
pub const CKAN_VERSION: &str = "2.10.4";
/// `rows` default and maximum (`ckan.search.rows_max`).
pub const DEFAULT_ROWS: usize = 10;
pub const MAX_ROWS: usize = 1000;

/// Actions served.
pub const ACTIONS: &[&str] = &[
    "package_list",
    "package_show",
    "package_search",
    "organization_list",
    "organization_show",
    "group_list",
    "group_show",
    "resource_show",
    "status_show",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub display_name: String,
    pub id: String,
    pub name: String,
    pub state: String,
    pub vocabulary_id: Option<String>,
}

impl Tag {
    #[must_use]
    pub fn new(name: &str) -> Self {
        Tag {
            display_name: name.to_owned(),
            id: format!("tag-{name}"),
            name: name.to_owned(),
            state: "active".to_owned(),
            vocabulary_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    pub key: String,
    pub value: String,
}

/// A group or organization as embedded in a dataset dict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub description: String,
    pub display_name: String,
    pub id: String,
    pub image_display_url: String,
    pub name: String,
    pub title: String,
}

/// An organization or group dict (`organization_show`, `group_show`, `*_list` with
/// `all_fields`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub title: String,
    pub display_name: String,
    pub description: String,
    pub image_url: String,
    pub image_display_url: String,
    pub created: String,
    pub is_organization: bool,
    pub approval_status: String,
    pub state: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub package_count: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Vec<Package>>,
}

impl Group {
    #[must_use]
    pub fn as_ref_dict(&self) -> GroupRef {
        GroupRef {
            description: self.description.clone(),
            display_name: self.display_name.clone(),
            id: self.id.clone(),
            image_display_url: self.image_display_url.clone(),
            name: self.name.clone(),
            title: self.title.clone(),
        }
    }
}

/// The `organization` object inside a dataset dict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationRef {
    pub id: String,
    pub name: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub image_url: String,
    pub created: String,
    pub is_organization: bool,
    pub approval_status: String,
    pub state: String,
}

impl From<&Group> for OrganizationRef {
    fn from(g: &Group) -> Self {
        OrganizationRef {
            id: g.id.clone(),
            name: g.name.clone(),
            title: g.title.clone(),
            kind: "organization".into(),
            description: g.description.clone(),
            image_url: g.image_url.clone(),
            created: g.created.clone(),
            is_organization: true,
            approval_status: g.approval_status.clone(),
            state: g.state.clone(),
        }
    }
}

/// Resource fields of the thai-gdc schema (`resource_fields` of ckan_dataset.json).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThaiGdcResourceFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_accessible_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_data_collect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_first_year_of_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_last_year_of_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_created_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_last_updated_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    pub package_id: String,
    pub name: String,
    pub description: String,
    pub format: String,
    pub url: String,
    pub mimetype: Option<String>,
    pub size: Option<u64>,
    pub created: String,
    pub last_modified: Option<String>,
    pub metadata_modified: String,
    pub position: usize,
    pub state: String,
    pub url_type: Option<String>,
    #[serde(flatten)]
    pub gdc: ThaiGdcResourceFields,
}

/// Dataset fields of the thai-gdc scheming schema (ckanext-thai_gdc `ckan_dataset.json`,
/// `dataset_fields`). Values are the Thai choice values the schema defines (for example
/// `data_type: "ข้อมูลระเบียน"`, `update_frequency_unit: "เดือน"`). Multiple-choice fields
/// (`objective`, `data_format`, `data_language`, `disaggregate`) are lists, as
/// `scheming_multiple_choice_output` returns them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThaiGdcFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type_other: Option<String>,
    /// "True" / "False" (consent to harvesting into GD-Catalog).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_harvest: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objective: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_frequency_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_frequency_unit_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_frequency_interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_coverage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_coverage_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_format: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_format_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_id_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessible_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_support: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_support_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_collect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_collect_other: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_language: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_language_other: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_release_calendar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_year_of_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_year_of_data: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disaggregate: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_multiplier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// "True" / "False".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_value_dataset: Option<String>,
    /// "True" / "False".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_data: Option<String>,
    /// "True" / "False".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_statistics: Option<String>,
}

/// A dataset ("package") dict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub id: String,
    pub name: String,
    pub title: String,
    pub notes: Option<String>,
    pub owner_org: Option<String>,
    pub organization: Option<OrganizationRef>,
    pub resources: Vec<Resource>,
    pub tags: Vec<Tag>,
    pub groups: Vec<GroupRef>,
    pub license_id: Option<String>,
    pub license_title: Option<String>,
    pub license_url: Option<String>,
    pub isopen: bool,
    pub author: Option<String>,
    pub author_email: Option<String>,
    pub maintainer: Option<String>,
    pub maintainer_email: Option<String>,
    pub url: Option<String>,
    pub version: Option<String>,
    /// CKAN's format: naive UTC ISO 8601, e.g. `2023-01-15T03:00:00.000000`.
    pub metadata_created: String,
    pub metadata_modified: String,
    pub creator_user_id: Option<String>,
    pub num_resources: usize,
    pub num_tags: usize,
    pub state: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub private: bool,
    pub extras: Vec<Extra>,
    #[serde(flatten)]
    pub gdc: ThaiGdcFields,
}

impl Package {
    /// Recomputes `num_resources`, `num_tags` and resource positions.
    pub fn normalize(&mut self) {
        self.num_resources = self.resources.len();
        self.num_tags = self.tags.len();
        for (i, r) in self.resources.iter_mut().enumerate() {
            r.position = i;
            r.package_id.clone_from(&self.id);
        }
    }
    fn is_public_active(&self) -> bool {
        self.state == "active" && !self.private
    }
}

/// Formats an instant the way CKAN stores `metadata_modified` (naive UTC, microseconds).
#[must_use]
pub fn ckan_timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Site information for `status_show`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Public base URL without trailing slash, e.g. `https://data.example.go.th`.
    pub site_url: String,
    pub site_title: String,
    pub site_description: String,
    pub locale_default: String,
    pub extensions: Vec<String>,
}

/// Everything the read-only actions need.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub site: SiteInfo,
    pub packages: Vec<Package>,
    pub organizations: Vec<Group>,
    pub groups: Vec<Group>,
}

// ---- Errors ----

/// An action failure, mapped to CKAN's error types and HTTP status codes.
#[derive(Debug, Clone, PartialEq)]
pub enum CkanError {
    /// 404 `Not Found Error`, message "Not found" (+ ": detail").
    NotFound(Option<String>),
    /// 409 `Validation Error`: field → messages.
    Validation(BTreeMap<String, Vec<String>>),
    /// 403 `Authorization Error`, message "Access denied" (+ ": detail").
    Authorization(Option<String>),
    /// 400 `Search Query Error`.
    SearchQuery(String),
    /// 400 with a bare JSON string body "Bad request - …" (no envelope), as CKAN does for
    /// unknown actions and undecodable request data.
    BadRequest(String),
}

impl CkanError {
    #[must_use]
    pub fn validation(field: &str, message: &str) -> Self {
        let mut m = BTreeMap::new();
        m.insert(field.to_owned(), vec![message.to_owned()]);
        CkanError::Validation(m)
    }
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            CkanError::NotFound(_) => 404,
            CkanError::Validation(_) => 409,
            CkanError::Authorization(_) => 403,
            CkanError::SearchQuery(_) | CkanError::BadRequest(_) => 400,
        }
    }
    fn error_object(&self) -> Option<OrderedMap> {
        let typed = |t: &str, msg: String| {
            OrderedMap(vec![
                ("__type".into(), Value::String(t.into())),
                ("message".into(), Value::String(msg)),
            ])
        };
        Some(match self {
            CkanError::NotFound(d) => typed(
                "Not Found Error",
                d.as_ref()
                    .map_or_else(|| "Not found".to_owned(), |d| format!("Not found: {d}")),
            ),
            CkanError::Authorization(d) => typed(
                "Authorization Error",
                d.as_ref().map_or_else(
                    || "Access denied".to_owned(),
                    |d| format!("Access denied: {d}"),
                ),
            ),
            CkanError::SearchQuery(m) => typed(
                "Search Query Error",
                format!("Search Query is invalid: {m}"),
            ),
            CkanError::Validation(fields) => {
                // CKAN adds '__type' to the validator's error dict, so it comes last.
                let mut v: Vec<(String, Value)> = fields
                    .iter()
                    .map(|(k, msgs)| {
                        (
                            k.clone(),
                            Value::Array(msgs.iter().cloned().map(Value::String).collect()),
                        )
                    })
                    .collect();
                v.push(("__type".into(), Value::String("Validation Error".into())));
                OrderedMap(v)
            }
            CkanError::BadRequest(_) => return None,
        })
    }
}

/// A JSON object that keeps insertion order whatever `serde_json`'s map type is.
#[derive(Debug, Clone, PartialEq)]
struct OrderedMap(Vec<(String, Value)>);

impl Serialize for OrderedMap {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = ser.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An HTTP response: status and body (always `application/json;charset=utf-8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResponse {
    pub status: u16,
    pub body: String,
}

/// Content type of every action response.
pub const CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// `{site_url}/api/3/action/help_show?name={action}`.
#[must_use]
pub fn help_url(site_url: &str, action: &str) -> String {
    format!(
        "{}/api/3/action/help_show?name={}",
        site_url.trim_end_matches('/'),
        action
    )
}

#[derive(Serialize)]
struct Success<'a, T: Serialize> {
    help: &'a str,
    success: bool,
    result: &'a T,
}

#[derive(Serialize)]
struct Failure<'a> {
    help: &'a str,
    error: &'a OrderedMap,
    success: bool,
}

/// A success envelope, serialized byte-for-byte as CKAN writes it.
#[must_use]
pub fn success_body<T: Serialize>(help: &str, result: &T) -> String {
    to_python_json(&Success {
        help,
        success: true,
        result,
    })
}

/// The response for an error.
#[must_use]
pub fn error_response(help: &str, err: &CkanError) -> ActionResponse {
    let body = match err.error_object() {
        Some(obj) => to_python_json(&Failure {
            help,
            error: &obj,
            success: false,
        }),
        None => match err {
            CkanError::BadRequest(m) => to_python_json(&format!("Bad request - {m}")),
            _ => String::new(),
        },
    };
    ActionResponse {
        status: err.status(),
        body,
    }
}

// ---- Parameter parsing ----

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `application/x-www-form-urlencoded` text into decoded pairs, in order.
#[must_use]
pub fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Action parameters from a GET query string, as CKAN's `_get_request_data` builds them:
/// a key given once maps to a string, a key given several times to a list of strings.
#[must_use]
pub fn params_from_query_string(qs: &str) -> Map<String, Value> {
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in parse_urlencoded(qs.trim_start_matches('?')) {
        match grouped.iter_mut().find(|(key, _)| *key == k) {
            Some((_, vals)) => vals.push(v),
            None => grouped.push((k, vec![v])),
        }
    }
    let mut out = Map::new();
    for (k, mut vals) in grouped {
        let v = if vals.len() == 1 {
            Value::String(vals.remove(0))
        } else {
            Value::Array(vals.into_iter().map(Value::String).collect())
        };
        out.insert(k, v);
    }
    out
}

/// Action parameters from a POST body with a JSON object. Anything else is CKAN's
/// 400 "Bad request - JSON Error: …".
pub fn params_from_json_body(body: &[u8]) -> Result<Map<String, Value>, CkanError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(CkanError::BadRequest(format!(
            "JSON Error: Request data JSON decoded to {} but it needs to be a dictionary.",
            python_repr(&other)
        ))),
        Err(e) => Err(CkanError::BadRequest(format!(
            "JSON Error: Error decoding JSON data. Error: {e}"
        ))),
    }
}

fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// CKAN's `int_validator`: ints, integral floats and strings of ints.
fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| {
                    #[allow(clippy::cast_possible_truncation)]
                    let i = f as i64;
                    i
                })
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// `natural_number_validator`: "Invalid integer" / "Must be a natural number".
fn natural(
    params: &Map<String, Value>,
    key: &str,
    errors: &mut BTreeMap<String, Vec<String>>,
) -> Option<usize> {
    let v = params.get(key)?;
    match int_value(v) {
        None => {
            errors
                .entry(key.into())
                .or_default()
                .push("Invalid integer".into());
            None
        }
        Some(i) if i < 0 => {
            errors
                .entry(key.into())
                .or_default()
                .push("Must be a natural number".into());
            None
        }
        Some(i) => usize::try_from(i).ok(),
    }
}

fn string_param(params: &Map<String, Value>, key: &str) -> Option<String> {
    match params.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
        other => Some(other.to_string()),
    }
}

fn bool_param(params: &Map<String, Value>, key: &str) -> bool {
    match params.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        ),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

// ---- package_search ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Score,
    MetadataModified,
    MetadataCreated,
    Name,
    Title,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

/// Validated `package_search` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchParams {
    pub q: Option<String>,
    pub fq: Option<String>,
    pub rows: usize,
    pub start: usize,
    /// The sort string as given (echoed in the result), default `score desc, metadata_modified desc`.
    pub sort: String,
    pub sort_keys: Vec<SortKey>,
    pub include_private: bool,
}

impl Default for SearchParams {
    fn default() -> Self {
        let sort = "score desc, metadata_modified desc".to_owned();
        let sort_keys = parse_sort(&sort).unwrap_or_default();
        SearchParams {
            q: None,
            fq: None,
            rows: DEFAULT_ROWS,
            start: 0,
            sort,
            sort_keys,
            include_private: false,
        }
    }
}

fn parse_sort(s: &str) -> Result<Vec<SortKey>, CkanError> {
    let mut keys = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut it = part.split_whitespace();
        let field = it.next().unwrap_or_default();
        let dir = it.next().unwrap_or("asc");
        let field = match field {
            "score" => SortField::Score,
            "metadata_modified" => SortField::MetadataModified,
            "metadata_created" => SortField::MetadataCreated,
            "name" => SortField::Name,
            "title" | "title_string" => SortField::Title,
            other => {
                return Err(CkanError::SearchQuery(format!(
                    "can not sort on field {other:?}"
                )));
            }
        };
        let descending = match dir.to_ascii_lowercase().as_str() {
            "desc" => true,
            "asc" => false,
            other => {
                return Err(CkanError::SearchQuery(format!(
                    "unknown sort order {other:?}"
                )));
            }
        };
        keys.push(SortKey { field, descending });
    }
    Ok(keys)
}

/// Validates `package_search` parameters the way CKAN's `default_package_search_schema`
/// does (rows and start are natural numbers; rows is capped at 1000).
pub fn parse_search_params(params: &Map<String, Value>) -> Result<SearchParams, CkanError> {
    let mut errors = BTreeMap::new();
    let rows = if params.contains_key("rows") {
        natural(params, "rows", &mut errors)
    } else {
        Some(DEFAULT_ROWS)
    };
    let start = if params.contains_key("start") {
        natural(params, "start", &mut errors)
    } else {
        Some(0)
    };
    if !errors.is_empty() {
        return Err(CkanError::Validation(errors));
    }
    let mut p = SearchParams {
        q: string_param(params, "q").filter(|s| !s.trim().is_empty()),
        fq: string_param(params, "fq").filter(|s| !s.trim().is_empty()),
        rows: rows.unwrap_or(DEFAULT_ROWS).min(MAX_ROWS),
        start: start.unwrap_or(0),
        include_private: bool_param(params, "include_private"),
        ..SearchParams::default()
    };
    if let Some(s) = string_param(params, "sort").filter(|s| !s.trim().is_empty()) {
        p.sort_keys = parse_sort(&s)?;
        p.sort = s;
    }
    Ok(p)
}

/// The `package_search` result object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub count: usize,
    pub facets: Map<String, Value>,
    pub results: Vec<Package>,
    pub sort: String,
    pub search_facets: Map<String, Value>,
}

/// Splits on whitespace, keeping `"quoted phrases"` (also after `field:`) together.
fn terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn lc(s: &str) -> String {
    s.to_lowercase()
}

/// Does the dataset have `value` in `field`? Field names as CKAN's Solr index has them.
fn field_matches(p: &Package, field: &str, value: &str) -> bool {
    let eq = |a: &str| a == value || lc(a) == lc(value);
    match field {
        "organization" => p.organization.as_ref().is_some_and(|o| eq(&o.name)),
        "owner_org" => p.owner_org.as_deref().is_some_and(eq),
        "tags" => p.tags.iter().any(|t| eq(&t.name)),
        "groups" => p.groups.iter().any(|g| eq(&g.name)),
        "res_format" => p.resources.iter().any(|r| eq(&r.format)),
        "res_name" => p.resources.iter().any(|r| eq(&r.name)),
        "license_id" => p.license_id.as_deref().is_some_and(eq),
        "name" => eq(&p.name),
        "id" => eq(&p.id),
        "title" => lc(&p.title).contains(&lc(value)),
        "type" | "dataset_type" => eq(&p.kind),
        "state" => eq(&p.state),
        _ => {
            if let Some(x) = p.extras.iter().find(|e| e.key == field) {
                return eq(&x.value);
            }
            // Any other top-level field, e.g. thai-gdc's data_category or data_format.
            match serde_json::to_value(p)
                .ok()
                .and_then(|v| v.get(field).cloned())
            {
                Some(Value::String(s)) => eq(&s),
                Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(eq)),
                Some(Value::Bool(b)) => eq(if b { "true" } else { "false" }),
                Some(Value::Number(n)) => eq(&n.to_string()),
                _ => false,
            }
        }
    }
}

/// A free-text term of `q` with the words the site search would look up for it.
struct QTerm {
    raw: String,
    /// `prongsai_search::query_terms` of the term (empty for `field:value` terms,
    /// which keep CKAN's exact matching).
    words: Vec<String>,
}

impl QTerm {
    fn new(raw: String) -> Self {
        let plain = raw.strip_prefix(['-', '+']).unwrap_or(&raw);
        let fielded = plain.split_once(':').is_some_and(|(f, _)| {
            !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        });
        let words = if !fielded {
            prongsai_search::query_terms(plain)
        } else {
            Vec::new()
        };
        QTerm { raw, words }
    }
}

fn has_thai(s: &str) -> bool {
    s.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

/// The index terms of a dataset text, memoized: the catalogue's texts repeat from one
/// request to the next (and across organizations), and segmenting Thai is the costly
/// part of a search. The memo is dropped whole when it grows past a bound.
fn index_terms(text: &str) -> Arc<BTreeSet<String>> {
    const MAX_MEMO: usize = 50_000;
    static MEMO: OnceLock<Mutex<HashMap<String, Arc<BTreeSet<String>>>>> = OnceLock::new();
    let memo = MEMO.get_or_init(Mutex::default);
    if let Some(t) = memo.lock().ok().and_then(|m| m.get(text).cloned()) {
        return t;
    }
    let terms: Arc<BTreeSet<String>> =
        Arc::new(prongsai_search::index_terms(text).into_keys().collect());
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MAX_MEMO {
            m.clear();
        }
        m.insert(text.to_string(), terms.clone());
    }
    terms
}

/// Does a dataset text hold a free-text term? Words are matched the way the site's
/// search matches them (`prongsai-search`): every word of the term must be a word of
/// the text, or a join of neighbouring words, however either side was cut, with Thai
/// digits equal to Arabic ones — so "จัดซื้อ" is found in "ผลการจัดซื้อจัดจ้าง" but
/// "ตา" is not found in "ตาราง". A term without Thai letters also matches as a
/// case-insensitive substring, as CKAN's own text search is lenient with Latin words.
fn text_has(text: &str, term: &QTerm) -> bool {
    if text.is_empty() {
        return false;
    }
    if !has_thai(&term.raw) && lc(text).contains(&lc(&term.raw)) {
        return true;
    }
    if term.words.is_empty() {
        return false;
    }
    // Cheap first: every word (a contiguous run of the text, but for spaces and
    // punctuation between joined words) must be in the text at all.
    let squeezed: String = prongsai_search::normalize(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .collect();
    if !term.words.iter().all(|w| squeezed.contains(w.as_str())) {
        return false;
    }
    let terms = index_terms(text);
    term.words.iter().all(|w| terms.contains(w))
}

/// Relevance of a free-text term (0 = no match), over title, tags, notes, name,
/// organization title and resource names (see [`text_has`] for how words match).
fn text_score(p: &Package, term: &QTerm) -> u32 {
    let mut s = 0;
    if text_has(&p.title, term) {
        s += 4;
    }
    if p.tags.iter().any(|x| text_has(&x.name, term)) {
        s += 3;
    }
    if p.notes.as_deref().is_some_and(|n| text_has(n, term)) {
        s += 2;
    }
    if text_has(&p.name, term) {
        s += 1;
    }
    if p.organization
        .as_ref()
        .is_some_and(|o| text_has(&o.title, term))
    {
        s += 1;
    }
    if p.resources
        .iter()
        .any(|r| text_has(&r.name, term) || text_has(&r.description, term))
    {
        s += 1;
    }
    s
}

/// Evaluates one `q`/`fq` term; `Some(score)` if it matches.
fn term_score(p: &Package, q: &QTerm) -> Option<u32> {
    let raw = q.raw.as_str();
    let (negate, term) = match raw.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    if term == "*:*" || term == "*" {
        return if negate { None } else { Some(0) };
    }
    let matched = match term.split_once(':') {
        Some((f, v))
            if !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
        {
            if field_matches(p, f, v) {
                Some(1)
            } else {
                None
            }
        }
        _ => {
            let stripped = QTerm {
                raw: term.to_string(),
                words: q.words.clone(),
            };
            Some(text_score(p, &stripped)).filter(|s| *s > 0)
        }
    };
    match (negate, matched) {
        (false, m) => m,
        (true, Some(_)) => None,
        (true, None) => Some(0),
    }
}

fn cmp_by(a: &(u32, &Package), b: &(u32, &Package), keys: &[SortKey]) -> Ordering {
    for k in keys {
        let o = match k.field {
            SortField::Score => a.0.cmp(&b.0),
            SortField::MetadataModified => a.1.metadata_modified.cmp(&b.1.metadata_modified),
            SortField::MetadataCreated => a.1.metadata_created.cmp(&b.1.metadata_created),
            SortField::Name => a.1.name.cmp(&b.1.name),
            SortField::Title => lc(&a.1.title).cmp(&lc(&b.1.title)),
        };
        let o = if k.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.1.name.cmp(&b.1.name)
}

/// `package_search` over an in-memory list: public active datasets (and private ones if
/// `include_private`), all `q` terms and all `fq` terms must match.
#[must_use]
pub fn package_search(packages: &[Package], params: &SearchParams) -> SearchResult {
    let q_terms: Vec<QTerm> = params
        .q
        .as_deref()
        .map(terms)
        .unwrap_or_default()
        .into_iter()
        .map(QTerm::new)
        .collect();
    let fq_terms: Vec<QTerm> = params
        .fq
        .as_deref()
        .map(terms)
        .unwrap_or_default()
        .into_iter()
        .map(QTerm::new)
        .collect();
    let mut hits: Vec<(u32, &Package)> = Vec::new();
    'pkg: for p in packages {
        if p.state != "active" || (p.private && !params.include_private) {
            continue;
        }
        for t in &fq_terms {
            if term_score(p, t).is_none() {
                continue 'pkg;
            }
        }
        let mut score = 0;
        for t in &q_terms {
            match term_score(p, t) {
                Some(s) => score += s,
                None => continue 'pkg,
            }
        }
        hits.push((score, p));
    }
    hits.sort_by(|a, b| cmp_by(a, b, &params.sort_keys));
    let count = hits.len();
    let results = hits
        .into_iter()
        .skip(params.start)
        .take(params.rows)
        .map(|(_, p)| p.clone())
        .collect();
    SearchResult {
        count,
        facets: Map::new(),
        results,
        sort: params.sort.clone(),
        search_facets: Map::new(),
    }
}

// ---- Actions ----

fn find_package<'a>(c: &'a Catalog, id_or_name: &str) -> Option<&'a Package> {
    c.packages
        .iter()
        .find(|p| p.is_public_active() && (p.id == id_or_name || p.name == id_or_name))
}

fn find_group<'a>(list: &'a [Group], id_or_name: &str) -> Option<&'a Group> {
    list.iter()
        .find(|g| g.state == "active" && (g.id == id_or_name || g.name == id_or_name))
}

fn missing(field: &str) -> CkanError {
    CkanError::validation(field, "Missing value")
}

fn group_list(
    list: &[Group],
    params: &Map<String, Value>,
    packages: &[Package],
    is_org: bool,
) -> Result<Value, CkanError> {
    let mut errors = BTreeMap::new();
    let limit = natural(params, "limit", &mut errors);
    let offset = natural(params, "offset", &mut errors);
    if !errors.is_empty() {
        return Err(CkanError::Validation(errors));
    }
    let sort = string_param(params, "sort").unwrap_or_else(|| "title asc".into());
    let mut items: Vec<Group> = list
        .iter()
        .filter(|g| g.state == "active")
        .cloned()
        .collect();
    for g in &mut items {
        g.package_count = packages
            .iter()
            .filter(|p| {
                p.is_public_active()
                    && if is_org {
                        p.owner_org.as_deref() == Some(g.id.as_str())
                    } else {
                        p.groups.iter().any(|x| x.id == g.id)
                    }
            })
            .count();
    }
    let (field, desc) = {
        let mut it = sort.split_whitespace();
        (
            it.next().unwrap_or("title").to_owned(),
            it.next().is_some_and(|d| d.eq_ignore_ascii_case("desc")),
        )
    };
    items.sort_by(|a, b| {
        let o = match field.as_str() {
            "name" => a.name.cmp(&b.name),
            "package_count" => a.package_count.cmp(&b.package_count),
            _ => lc(&a.title).cmp(&lc(&b.title)),
        };
        let o = if desc { o.reverse() } else { o };
        o.then_with(|| a.name.cmp(&b.name))
    });
    let items: Vec<Group> = items
        .into_iter()
        .skip(offset.unwrap_or(0))
        .take(limit.unwrap_or(1000))
        .collect();
    if bool_param(params, "all_fields") {
        Ok(serde_json::to_value(items).unwrap_or(Value::Null))
    } else {
        Ok(Value::Array(
            items.into_iter().map(|g| Value::String(g.name)).collect(),
        ))
    }
}

fn group_show(
    list: &[Group],
    params: &Map<String, Value>,
    packages: &[Package],
    is_org: bool,
) -> Result<Value, CkanError> {
    let id = string_param(params, "id").ok_or_else(|| missing("id"))?;
    let g = find_group(list, &id).ok_or(CkanError::NotFound(None))?;
    let mut g = g.clone();
    let members: Vec<Package> = packages
        .iter()
        .filter(|p| {
            p.is_public_active()
                && if is_org {
                    p.owner_org.as_deref() == Some(g.id.as_str())
                } else {
                    p.groups.iter().any(|x| x.id == g.id)
                }
        })
        .cloned()
        .collect();
    g.package_count = members.len();
    if bool_param(params, "include_datasets") {
        g.packages = Some(members);
    }
    Ok(serde_json::to_value(g).unwrap_or(Value::Null))
}

/// Runs an action; returns its result object or a CKAN error.
pub fn run_action(
    catalog: &Catalog,
    action: &str,
    params: &Map<String, Value>,
) -> Result<Value, CkanError> {
    match action {
        "package_list" => {
            let mut errors = BTreeMap::new();
            let limit = natural(params, "limit", &mut errors);
            let offset = natural(params, "offset", &mut errors);
            if !errors.is_empty() {
                return Err(CkanError::Validation(errors));
            }
            let mut names: Vec<&str> = catalog
                .packages
                .iter()
                .filter(|p| p.is_public_active())
                .map(|p| p.name.as_str())
                .collect();
            names.sort_unstable();
            let names: Vec<Value> = names
                .into_iter()
                .skip(offset.unwrap_or(0))
                .take(limit.unwrap_or(usize::MAX))
                .map(|n| Value::String(n.to_owned()))
                .collect();
            Ok(Value::Array(names))
        }
        "package_show" => {
            let id = string_param(params, "id")
                .or_else(|| string_param(params, "name_or_id"))
                .ok_or_else(|| missing("name_or_id"))?;
            let p = find_package(catalog, &id).ok_or(CkanError::NotFound(None))?;
            Ok(to_val(p))
        }
        "package_search" => {
            let sp = parse_search_params(params)?;
            Ok(to_val(&package_search(&catalog.packages, &sp)))
        }
        "organization_list" => group_list(&catalog.organizations, params, &catalog.packages, true),
        "organization_show" => group_show(&catalog.organizations, params, &catalog.packages, true),
        "group_list" => group_list(&catalog.groups, params, &catalog.packages, false),
        "group_show" => group_show(&catalog.groups, params, &catalog.packages, false),
        "resource_show" => {
            let id = string_param(params, "id").ok_or_else(|| missing("id"))?;
            catalog
                .packages
                .iter()
                .filter(|p| p.is_public_active())
                .flat_map(|p| p.resources.iter())
                .find(|r| r.id == id && r.state == "active")
                .map(to_val)
                .ok_or(CkanError::NotFound(Some("Resource was not found.".into())))
        }
        "status_show" => {
            let s = &catalog.site;
            let mut m = Map::new();
            m.insert("site_title".into(), Value::String(s.site_title.clone()));
            m.insert(
                "site_description".into(),
                Value::String(s.site_description.clone()),
            );
            m.insert("site_url".into(), Value::String(s.site_url.clone()));
            m.insert("ckan_version".into(), Value::String(CKAN_VERSION.into()));
            m.insert("error_emails_to".into(), Value::Null);
            m.insert(
                "locale_default".into(),
                Value::String(s.locale_default.clone()),
            );
            m.insert(
                "extensions".into(),
                Value::Array(s.extensions.iter().cloned().map(Value::String).collect()),
            );
            Ok(Value::Object(m))
        }
        other => Err(CkanError::BadRequest(format!(
            "Action name not known: {other}"
        ))),
    }
}

fn to_val<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// Runs an action and renders CKAN's full response (status and exact body). The `help`
/// URL always names API version 3, as CKAN's does, whether the request came to
/// `/api/3/action/` or `/api/action/`.
#[must_use]
pub fn handle_action(
    catalog: &Catalog,
    action: &str,
    params: &Map<String, Value>,
) -> ActionResponse {
    let help = help_url(&catalog.site.site_url, action);
    match run_action(catalog, action, params) {
        Ok(result) => ActionResponse {
            status: 200,
            body: success_body(&help, &result),
        },
        Err(e) => error_response(&help, &e),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn org() -> Group {
        Group {
            id: "0b6b4b8e-org".into(),
            name: "chachoengsao".into(),
            title: "เทศบาลเมืองฉะเชิงเทรา".into(),
            display_name: "เทศบาลเมืองฉะเชิงเทรา".into(),
            description: String::new(),
            image_url: String::new(),
            image_display_url: String::new(),
            created: "2023-01-01T00:00:00.000000".into(),
            is_organization: true,
            approval_status: "approved".into(),
            state: "active".into(),
            kind: "organization".into(),
            package_count: 0,
            packages: None,
        }
    }

    fn pkg(name: &str, title: &str, tags: &[&str], format: &str, modified: &str) -> Package {
        let o = org();
        let mut p = Package {
            id: format!("id-{name}"),
            name: name.into(),
            title: title.into(),
            notes: Some(format!("รายละเอียด {title}")),
            owner_org: Some(o.id.clone()),
            organization: Some(OrganizationRef::from(&o)),
            resources: vec![Resource {
                id: format!("res-{name}"),
                package_id: String::new(),
                name: format!("{title} (CSV)"),
                description: String::new(),
                format: format.into(),
                url: format!("https://example.invalid/{name}.csv"),
                mimetype: Some("text/csv".into()),
                size: None,
                created: modified.into(),
                last_modified: None,
                metadata_modified: modified.into(),
                position: 0,
                state: "active".into(),
                url_type: None,
                gdc: ThaiGdcResourceFields::default(),
            }],
            tags: tags.iter().map(|t| Tag::new(t)).collect(),
            groups: vec![],
            license_id: Some("Open Data Common".into()),
            license_title: Some("Open Data Common".into()),
            license_url: None,
            isopen: true,
            author: None,
            author_email: None,
            maintainer: Some("กองคลัง".into()),
            maintainer_email: Some("finance@example.invalid".into()),
            url: None,
            version: None,
            metadata_created: modified.into(),
            metadata_modified: modified.into(),
            creator_user_id: None,
            num_resources: 0,
            num_tags: 0,
            state: "active".into(),
            kind: "dataset".into(),
            private: false,
            extras: vec![],
            gdc: ThaiGdcFields {
                data_type: Some("ข้อมูลระเบียน".into()),
                data_category: Some("ข้อมูลสาธารณะ".into()),
                update_frequency_unit: Some("เดือน".into()),
                update_frequency_interval: Some("1".into()),
                data_format: vec!["CSV".into()],
                ..ThaiGdcFields::default()
            },
        };
        p.normalize();
        p
    }

    fn catalog() -> Catalog {
        Catalog {
            site: SiteInfo {
                site_url: "https://data.example.invalid".into(),
                site_title: "ข้อมูลเปิด เทศบาลเมืองฉะเชิงเทรา".into(),
                site_description: String::new(),
                locale_default: "th".into(),
                extensions: vec!["scheming_datasets".into(), "thai_gdc".into()],
            },
            packages: vec![
                pkg(
                    "procurement-2566",
                    "สรุปผลการจัดซื้อจัดจ้าง ปี 2566",
                    &["จัดซื้อจัดจ้าง", "สขร1"],
                    "CSV",
                    "2023-10-05T03:00:00.000000",
                ),
                pkg(
                    "complaints-2566",
                    "สถิติเรื่องร้องเรียน ปี 2566",
                    &["ร้องเรียน"],
                    "JSON",
                    "2023-11-01T03:00:00.000000",
                ),
                pkg(
                    "budget-2567",
                    "งบประมาณรายจ่าย ปี 2567",
                    &["งบประมาณ"],
                    "CSV",
                    "2023-09-20T03:00:00.000000",
                ),
            ],
            organizations: vec![org()],
            groups: vec![],
        }
    }

    #[test]
    fn not_found_envelope_is_byte_exact() {
        // ckan/views/api.py: return_dict = {'help': …}; on NotFound the view sets
        // 'error' = {'__type': 'Not Found Error', 'message': 'Not found'} and then
        // 'success' = False, and json.dumps keeps that insertion order.
        let mut params = Map::new();
        params.insert("id".into(), Value::String("nope".into()));
        let r = handle_action(&catalog(), "package_show", &params);
        assert_eq!(r.status, 404);
        assert_eq!(
            r.body,
            r#"{"help": "https://data.example.invalid/api/3/action/help_show?name=package_show", "error": {"__type": "Not Found Error", "message": "Not found"}, "success": false}"#
        );
    }

    #[test]
    fn validation_error_envelope_is_byte_exact() {
        let params = params_from_query_string("q=x&rows=abc");
        let r = handle_action(&catalog(), "package_search", &params);
        assert_eq!(r.status, 409);
        assert_eq!(
            r.body,
            r#"{"help": "https://data.example.invalid/api/3/action/help_show?name=package_search", "error": {"rows": ["Invalid integer"], "__type": "Validation Error"}, "success": false}"#
        );
        let r = handle_action(
            &catalog(),
            "package_search",
            &params_from_query_string("rows=-1"),
        );
        assert!(r.body.contains(r#""rows": ["Must be a natural number"]"#));
        let r = handle_action(&catalog(), "package_show", &Map::new());
        assert_eq!(r.status, 409);
        assert!(
            r.body
                .contains(r#"{"name_or_id": ["Missing value"], "__type": "Validation Error"}"#)
        );
    }

    #[test]
    fn authorization_and_bad_request_bodies() {
        let r = error_response("h", &CkanError::Authorization(None));
        assert_eq!(r.status, 403);
        assert_eq!(
            r.body,
            r#"{"help": "h", "error": {"__type": "Authorization Error", "message": "Access denied"}, "success": false}"#
        );
        let r = handle_action(&catalog(), "package_create", &Map::new());
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body,
            r#""Bad request - Action name not known: package_create""#
        );
        assert!(params_from_json_body(b"[1]").is_err());
        assert!(params_from_json_body(b"{nope").is_err());
        assert_eq!(
            params_from_json_body(b"{\"rows\": 2}").map(|m| m.len()),
            Ok(1)
        );
    }

    #[test]
    fn success_envelope_escapes_like_python() {
        let r = handle_action(&catalog(), "package_list", &Map::new());
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body,
            r#"{"help": "https://data.example.invalid/api/3/action/help_show?name=package_list", "success": true, "result": ["budget-2567", "complaints-2566", "procurement-2566"]}"#
        );
        let r = handle_action(&catalog(), "status_show", &Map::new());
        assert!(r.body.contains(r#""ckan_version": "2.10.4""#));
        assert!(r.body.contains(r#""site_title": "\u0e02\u0e49\u0e2d"#));
    }

    #[test]
    fn search_q_fq_rows_start_sort() {
        let c = catalog();
        let s = |qs: &str| {
            let p = parse_search_params(&params_from_query_string(qs)).unwrap();
            package_search(&c.packages, &p)
        };
        let all = s("");
        assert_eq!(all.count, 3);
        assert_eq!(all.sort, "score desc, metadata_modified desc");
        assert_eq!(all.results[0].name, "complaints-2566");
        // Thai substring in the title.
        let r = s("q=%E0%B8%88%E0%B8%B1%E0%B8%94%E0%B8%8B%E0%B8%B7%E0%B9%89%E0%B8%AD"); // จัดซื้อ
        assert_eq!(r.count, 1);
        assert_eq!(r.results[0].name, "procurement-2566");
        assert_eq!(s("fq=res_format:CSV").count, 2);
        assert_eq!(s("fq=res_format:csv+organization:chachoengsao").count, 2);
        assert_eq!(s("fq=tags:%E0%B8%A3%E0%B9%89%E0%B8%AD%E0%B8%87%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99").count, 1);
        assert_eq!(s("fq=organization:elsewhere").count, 0);
        assert_eq!(s("fq=data_category:%E0%B8%82%E0%B9%89%E0%B8%AD%E0%B8%A1%E0%B8%B9%E0%B8%A5%E0%B8%AA%E0%B8%B2%E0%B8%98%E0%B8%B2%E0%B8%A3%E0%B8%93%E0%B8%B0").count, 3);
        let names = |r: SearchResult| r.results.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(
            names(s("sort=name+asc")),
            ["budget-2567", "complaints-2566", "procurement-2566"]
        );
        assert_eq!(
            names(s("sort=metadata_modified+desc&rows=1&start=1")),
            ["procurement-2566"]
        );
        assert_eq!(s("rows=5000").count, 3);
        assert!(parse_search_params(&params_from_query_string("sort=bogus+asc")).is_err());
        assert_eq!(
            parse_search_params(&params_from_query_string("rows=5000")).map(|p| p.rows),
            Ok(1000)
        );
    }

    #[test]
    fn search_q_matches_thai_words() {
        let c = catalog();
        let s = |q: &str| {
            let mut m = Map::new();
            m.insert("q".into(), Value::String(q.into()));
            let p = parse_search_params(&m).unwrap();
            package_search(&c.packages, &p)
                .results
                .into_iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
        };
        // A Thai word inside a title written without spaces.
        assert_eq!(s("รายจ่าย"), ["budget-2567"]);
        assert_eq!(s("เรื่องร้องเรียน"), ["complaints-2566"]);
        assert_eq!(s("จัดซื้อจัดจ้าง"), ["procurement-2566"]);
        // Every word must be there; Thai digits are Arabic ones.
        assert_eq!(s("งบประมาณ ๒๕๖๗"), ["budget-2567"]);
        assert!(s("งบประมาณ ร้องเรียน").is_empty());
        // A piece of a word is not a word.
        assert!(s("สถิ").is_empty());
        assert_eq!(s("-ร้องเรียน").len(), 2);
        // Latin terms still match as substrings.
        assert_eq!(s("procurement"), ["procurement-2566"]);
    }

    #[test]
    fn organizations_and_resources() {
        let c = catalog();
        let mut p = Map::new();
        p.insert("all_fields".into(), Value::String("true".into()));
        let v = run_action(&c, "organization_list", &p).unwrap();
        assert_eq!(v[0]["package_count"], 3);
        assert_eq!(
            run_action(&c, "organization_list", &Map::new()).unwrap(),
            serde_json::json!(["chachoengsao"])
        );
        let mut p = Map::new();
        p.insert("id".into(), Value::String("chachoengsao".into()));
        p.insert("include_datasets".into(), Value::Bool(true));
        let v = run_action(&c, "organization_show", &p).unwrap();
        assert_eq!(v["packages"].as_array().map(Vec::len), Some(3));
        let mut p = Map::new();
        p.insert("id".into(), Value::String("res-budget-2567".into()));
        let v = run_action(&c, "resource_show", &p).unwrap();
        assert_eq!(v["package_id"], "id-budget-2567");
        let pk = run_action(
            &c,
            "package_show",
            &params_from_query_string("id=budget-2567"),
        )
        .unwrap();
        assert_eq!(pk["data_type"], "ข้อมูลระเบียน");
        assert_eq!(pk["num_resources"], 1);
        assert_eq!(pk["organization"]["name"], "chachoengsao");
        let back: Package = serde_json::from_value(pk).unwrap();
        assert_eq!(back.gdc.update_frequency_unit.as_deref(), Some("เดือน"));
    }

    #[test]
    fn query_string_repeats_become_lists() {
        let m = params_from_query_string("a=1&a=2&b=x+y&c=%E0%B8%81");
        assert_eq!(m["a"], serde_json::json!(["1", "2"]));
        assert_eq!(m["b"], "x y");
        assert_eq!(m["c"], "ก");
    }
}
