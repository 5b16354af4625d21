//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>): documents in XML and
//! JSON, and parsing of `POST requests` bodies.
//!
//! XML follows the spec's element names and order, with the declaration
//! `<?xml version="1.0" encoding="utf-8"?>`, no namespace. JSON follows the spec's "Spark
//! convention" mapping of that XML: the list documents (`services`, `service_requests`,
//! `errors`) become arrays of objects, `service_definition` and `discovery` objects.
//! Codes and ids are JSON strings: the spec's JSON examples write `"service_code":001`,
//! which is not valid JSON (RFC 8259 forbids leading zeros), so we keep them as the
//! strings they are. Date-times are W3C (ISO 8601 with offset), in Bangkok time (+07:00).

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use std::collections::BTreeMap;
use time::OffsetDateTime;

use crate::w3c::{format_w3c_bangkok, parse_w3c};

/// Spec URL, used in discovery documents.
pub const SPECIFICATION_URL: &str = "http://wiki.open311.org/GeoReport_v2";
/// `description` limit from the spec.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// Output format, chosen by the resource's extension (`services.xml`, `requests.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    #[must_use]
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "xml" => Some(Format::Xml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
    /// The spec's content types.
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }
}

/// Problems reading an Open311 document.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Open311Error {
    #[error("XML: {0}")]
    Xml(String),
    #[error("missing or invalid element <{0}>")]
    Field(String),
}

// ---- A small document tree shared by the XML and JSON writers ----

#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(Option<String>),
    Bool(bool),
    /// A number, already formatted.
    Num(Option<String>),
}

#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Leaf(&'static str, Scalar),
    Object(&'static str, Vec<Node>),
    List(&'static str, Vec<Node>),
}

fn s(name: &'static str, v: &str) -> Node {
    Node::Leaf(name, Scalar::Str(Some(v.to_owned())))
}
fn os(name: &'static str, v: Option<&String>) -> Node {
    Node::Leaf(name, Scalar::Str(v.cloned()))
}
fn b(name: &'static str, v: bool) -> Node {
    Node::Leaf(name, Scalar::Bool(v))
}
fn num(name: &'static str, v: Option<f64>) -> Node {
    Node::Leaf(name, Scalar::Num(v.map(|f| format!("{f}"))))
}
fn dt(name: &'static str, v: Option<OffsetDateTime>) -> Node {
    Node::Leaf(name, Scalar::Str(v.map(format_w3c_bangkok)))
}

fn write_node(w: &mut Writer<Vec<u8>>, n: &Node) -> std::io::Result<()> {
    match n {
        Node::Leaf(name, v) => {
            let text = match v {
                Scalar::Str(t) | Scalar::Num(t) => t.clone(),
                Scalar::Bool(x) => Some(x.to_string()),
            };
            match text {
                Some(t) if !t.is_empty() => {
                    w.write_event(Event::Start(BytesStart::new(*name)))?;
                    w.write_event(Event::Text(BytesText::new(&t)))?;
                    w.write_event(Event::End(BytesEnd::new(*name)))?;
                }
                _ => w.write_event(Event::Empty(BytesStart::new(*name)))?,
            }
        }
        Node::Object(name, children) | Node::List(name, children) => {
            w.write_event(Event::Start(BytesStart::new(*name)))?;
            for c in children {
                write_node(w, c)?;
            }
            w.write_event(Event::End(BytesEnd::new(*name)))?;
        }
    }
    Ok(())
}

fn to_xml(root: &Node) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    let ok = w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|()| write_node(&mut w, root));
    if ok.is_err() {
        return String::new();
    }
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn write_json(out: &mut String, n: &Node) {
    match n {
        Node::Leaf(_, v) => match v {
            Scalar::Str(Some(t)) => out.push_str(&json_str(t)),
            Scalar::Num(Some(t)) => out.push_str(t),
            Scalar::Bool(x) => out.push_str(if *x { "true" } else { "false" }),
            Scalar::Str(None) | Scalar::Num(None) => out.push_str("null"),
        },
        Node::Object(_, children) => {
            out.push('{');
            for (i, c) in children.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let name = match c {
                    Node::Leaf(n, _) | Node::Object(n, _) | Node::List(n, _) => n,
                };
                out.push_str(&json_str(name));
                out.push(':');
                write_json(out, c);
            }
            out.push('}');
        }
        Node::List(_, items) => {
            out.push('[');
            for (i, c) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, c);
            }
            out.push(']');
        }
    }
}

fn to_json(root: &Node) -> String {
    let mut out = String::new();
    write_json(&mut out, root);
    out
}

// ---- Generic parsed XML ----

/// A parsed XML element (names, trimmed text, children), for reading documents back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlElement {
    pub name: String,
    pub text: String,
    pub children: Vec<XmlElement>,
}

impl XmlElement {
    fn child(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find(|c| c.name == name)
    }
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.clone())
            .filter(|t| !t.is_empty())
    }
    fn req(&self, name: &str) -> Result<String, Open311Error> {
        self.text_of(name)
            .ok_or_else(|| Open311Error::Field(name.to_owned()))
    }
    fn bool_of(&self, name: &str) -> Result<bool, Open311Error> {
        match self.text_of(name).as_deref() {
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            _ => Err(Open311Error::Field(name.to_owned())),
        }
    }
    fn f64_of(&self, name: &str) -> Result<Option<f64>, Open311Error> {
        self.text_of(name)
            .map(|t| {
                t.parse::<f64>()
                    .map_err(|_| Open311Error::Field(name.to_owned()))
            })
            .transpose()
    }
    fn dt_of(&self, name: &str) -> Result<Option<OffsetDateTime>, Open311Error> {
        self.text_of(name)
            .map(|t| parse_w3c(&t).ok_or_else(|| Open311Error::Field(name.to_owned())))
            .transpose()
    }
}

/// Parses XML into a tree (text trimmed; comments and declaration dropped).
pub fn parse_xml(xml: &str) -> Result<XmlElement, Open311Error> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<XmlElement> = Vec::new();
    let mut root = None;
    let err = |e: &dyn std::fmt::Display| Open311Error::Xml(e.to_string());
    loop {
        match reader.read_event().map_err(|e| err(&e))? {
            Event::Start(e) => stack.push(XmlElement {
                name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                ..XmlElement::default()
            }),
            Event::Empty(e) => {
                let el = XmlElement {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    ..XmlElement::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| err(&e))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(text.trim());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text
                        .push_str(String::from_utf8_lossy(&t.into_inner()).trim());
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| Open311Error::Xml("unbalanced end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| Open311Error::Xml("no root element".into()))
}

fn expect_root<'a>(e: &'a XmlElement, name: &str) -> Result<&'a XmlElement, Open311Error> {
    if e.name == name {
        Ok(e)
    } else {
        Err(Open311Error::Field(name.to_owned()))
    }
}

/// A document of the GeoReport v2 API.
pub trait Document: Sized {
    #[doc(hidden)]
    fn node(&self) -> Node;
    /// Reads the document back from XML.
    fn from_xml(xml: &str) -> Result<Self, Open311Error>;
    fn to_xml(&self) -> String {
        to_xml(&self.node())
    }
    fn to_json(&self) -> String {
        to_json(&self.node())
    }
    fn render(&self, f: Format) -> String {
        match f {
            Format::Xml => self.to_xml(),
            Format::Json => self.to_json(),
        }
    }
}

// ---- Services ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceType {
    Realtime,
    Batch,
    Blackbox,
}

impl ServiceType {
    fn code(self) -> &'static str {
        match self {
            ServiceType::Realtime => "realtime",
            ServiceType::Batch => "batch",
            ServiceType::Blackbox => "blackbox",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "realtime" => Some(ServiceType::Realtime),
            "batch" => Some(ServiceType::Batch),
            "blackbox" => Some(ServiceType::Blackbox),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Whether a service definition (attributes) exists.
    pub metadata: bool,
    pub kind: ServiceType,
    /// Comma separated keywords.
    pub keywords: String,
    pub group: String,
}

/// `GET services`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceList(pub Vec<Service>);

impl Document for ServiceList {
    fn node(&self) -> Node {
        Node::List(
            "services",
            self.0
                .iter()
                .map(|x| {
                    Node::Object(
                        "service",
                        vec![
                            s("service_code", &x.service_code),
                            s("service_name", &x.service_name),
                            s("description", &x.description),
                            b("metadata", x.metadata),
                            s("type", x.kind.code()),
                            s("keywords", &x.keywords),
                            s("group", &x.group),
                        ],
                    )
                })
                .collect(),
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "services")?;
        let mut out = Vec::new();
        for e in root.children.iter().filter(|c| c.name == "service") {
            out.push(Service {
                service_code: e.req("service_code")?,
                service_name: e.req("service_name")?,
                description: e.text_of("description").unwrap_or_default(),
                metadata: e.bool_of("metadata")?,
                kind: e
                    .text_of("type")
                    .as_deref()
                    .and_then(ServiceType::parse)
                    .ok_or_else(|| Open311Error::Field("type".into()))?,
                keywords: e.text_of("keywords").unwrap_or_default(),
                group: e.text_of("group").unwrap_or_default(),
            });
        }
        Ok(ServiceList(out))
    }
}

// ---- Service definition ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    SingleValueList,
    MultiValueList,
}

impl Datatype {
    fn code(self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Number => "number",
            Datatype::Datetime => "datetime",
            Datatype::Text => "text",
            Datatype::SingleValueList => "singlevaluelist",
            Datatype::MultiValueList => "multivaluelist",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Datatype::String,
            "number" => Datatype::Number,
            "datetime" => Datatype::Datetime,
            "text" => Datatype::Text,
            "singlevaluelist" => Datatype::SingleValueList,
            "multivaluelist" => Datatype::MultiValueList,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// `false`: only informational text, no input.
    pub variable: bool,
    pub code: String,
    pub datatype: Datatype,
    pub required: bool,
    pub datatype_description: Option<String>,
    pub order: u32,
    pub description: String,
    pub values: Vec<AttributeValue>,
}

/// `GET services/{service_code}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

impl Document for ServiceDefinition {
    fn node(&self) -> Node {
        let attrs = self
            .attributes
            .iter()
            .map(|a| {
                let mut fields = vec![
                    b("variable", a.variable),
                    s("code", &a.code),
                    s("datatype", a.datatype.code()),
                    b("required", a.required),
                    os("datatype_description", a.datatype_description.as_ref()),
                    Node::Leaf("order", Scalar::Num(Some(a.order.to_string()))),
                    s("description", &a.description),
                ];
                if !a.values.is_empty() {
                    fields.push(Node::List(
                        "values",
                        a.values
                            .iter()
                            .map(|v| {
                                Node::Object("value", vec![s("key", &v.key), s("name", &v.name)])
                            })
                            .collect(),
                    ));
                }
                Node::Object("attribute", fields)
            })
            .collect();
        Node::Object(
            "service_definition",
            vec![
                s("service_code", &self.service_code),
                Node::List("attributes", attrs),
            ],
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "service_definition")?;
        let mut attributes = Vec::new();
        if let Some(list) = root.child("attributes") {
            for a in list.children.iter().filter(|c| c.name == "attribute") {
                let values = a
                    .child("values")
                    .map(|vs| {
                        vs.children
                            .iter()
                            .filter(|v| v.name == "value")
                            .map(|v| {
                                Ok(AttributeValue {
                                    key: v.req("key")?,
                                    name: v.req("name")?,
                                })
                            })
                            .collect::<Result<Vec<_>, Open311Error>>()
                    })
                    .transpose()?
                    .unwrap_or_default();
                attributes.push(Attribute {
                    variable: a.bool_of("variable")?,
                    code: a.req("code")?,
                    datatype: a
                        .text_of("datatype")
                        .as_deref()
                        .and_then(Datatype::parse)
                        .ok_or_else(|| Open311Error::Field("datatype".into()))?,
                    required: a.bool_of("required")?,
                    datatype_description: a.text_of("datatype_description"),
                    order: a
                        .req("order")?
                        .parse()
                        .map_err(|_| Open311Error::Field("order".into()))?,
                    description: a.text_of("description").unwrap_or_default(),
                    values,
                });
            }
        }
        Ok(ServiceDefinition {
            service_code: root.req("service_code")?,
            attributes,
        })
    }
}

// ---- Service requests ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Status::Open),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    pub service_request_id: String,
    pub status: Status,
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    pub description: Option<String>,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: OffsetDateTime,
    pub updated_datetime: Option<OffsetDateTime>,
    pub expected_datetime: Option<OffsetDateTime>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

/// `GET requests` and `GET requests/{id}` (a list of one).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequests(pub Vec<ServiceRequest>);

impl Document for ServiceRequests {
    fn node(&self) -> Node {
        Node::List(
            "service_requests",
            self.0
                .iter()
                .map(|r| {
                    Node::Object(
                        "request",
                        vec![
                            s("service_request_id", &r.service_request_id),
                            s("status", r.status.code()),
                            os("status_notes", r.status_notes.as_ref()),
                            s("service_name", &r.service_name),
                            s("service_code", &r.service_code),
                            os("description", r.description.as_ref()),
                            os("agency_responsible", r.agency_responsible.as_ref()),
                            os("service_notice", r.service_notice.as_ref()),
                            dt("requested_datetime", Some(r.requested_datetime)),
                            dt("updated_datetime", r.updated_datetime),
                            dt("expected_datetime", r.expected_datetime),
                            os("address", r.address.as_ref()),
                            os("address_id", r.address_id.as_ref()),
                            os("zipcode", r.zipcode.as_ref()),
                            num("lat", r.lat),
                            num("long", r.long),
                            os("media_url", r.media_url.as_ref()),
                        ],
                    )
                })
                .collect(),
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "service_requests")?;
        let mut out = Vec::new();
        for e in root.children.iter().filter(|c| c.name == "request") {
            out.push(ServiceRequest {
                service_request_id: e.req("service_request_id")?,
                status: e
                    .text_of("status")
                    .as_deref()
                    .and_then(Status::parse)
                    .ok_or_else(|| Open311Error::Field("status".into()))?,
                status_notes: e.text_of("status_notes"),
                service_name: e.req("service_name")?,
                service_code: e.req("service_code")?,
                description: e.text_of("description"),
                agency_responsible: e.text_of("agency_responsible"),
                service_notice: e.text_of("service_notice"),
                requested_datetime: e
                    .dt_of("requested_datetime")?
                    .ok_or_else(|| Open311Error::Field("requested_datetime".into()))?,
                updated_datetime: e.dt_of("updated_datetime")?,
                expected_datetime: e.dt_of("expected_datetime")?,
                address: e.text_of("address"),
                address_id: e.text_of("address_id"),
                zipcode: e.text_of("zipcode"),
                lat: e.f64_of("lat")?,
                long: e.f64_of("long")?,
                media_url: e.text_of("media_url"),
            });
        }
        Ok(ServiceRequests(out))
    }
}

/// One entry of a `POST requests` response (or of `GET tokens/{token}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostResult {
    /// Returned for realtime services; never together with `token`.
    pub service_request_id: Option<String>,
    /// Returned for batch services.
    pub token: Option<String>,
    pub service_notice: Option<String>,
    pub account_id: Option<String>,
}

/// `POST requests` response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostResponse(pub Vec<PostResult>);

impl Document for PostResponse {
    fn node(&self) -> Node {
        Node::List(
            "service_requests",
            self.0
                .iter()
                .map(|r| {
                    let mut f = Vec::new();
                    if let Some(id) = &r.service_request_id {
                        f.push(s("service_request_id", id));
                    }
                    if let Some(t) = &r.token {
                        f.push(s("token", t));
                    }
                    f.push(os("service_notice", r.service_notice.as_ref()));
                    f.push(os("account_id", r.account_id.as_ref()));
                    Node::Object("request", f)
                })
                .collect(),
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "service_requests")?;
        Ok(PostResponse(
            root.children
                .iter()
                .filter(|c| c.name == "request")
                .map(|e| PostResult {
                    service_request_id: e.text_of("service_request_id"),
                    token: e.text_of("token"),
                    service_notice: e.text_of("service_notice"),
                    account_id: e.text_of("account_id"),
                })
                .collect(),
        ))
    }
}

/// One entry of a `GET tokens/{token}` response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResult {
    /// Not yet known while the batch system has not created the request.
    pub service_request_id: Option<String>,
    pub token: String,
}

/// `GET tokens/{token}` response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse(pub Vec<TokenResult>);

impl Document for TokenResponse {
    fn node(&self) -> Node {
        Node::List(
            "service_requests",
            self.0
                .iter()
                .map(|r| {
                    Node::Object(
                        "request",
                        vec![
                            os("service_request_id", r.service_request_id.as_ref()),
                            s("token", &r.token),
                        ],
                    )
                })
                .collect(),
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "service_requests")?;
        root.children
            .iter()
            .filter(|c| c.name == "request")
            .map(|e| {
                Ok(TokenResult {
                    service_request_id: e.text_of("service_request_id"),
                    token: e.req("token")?,
                })
            })
            .collect::<Result<Vec<_>, Open311Error>>()
            .map(TokenResponse)
    }
}

// ---- Errors ----

/// One `<error>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    pub description: String,
}

/// An error response: HTTP status plus the `errors` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    pub status: u16,
    pub errors: Vec<ApiError>,
}

impl ErrorResponse {
    #[must_use]
    pub fn new(status: u16, description: &str) -> Self {
        ErrorResponse {
            status,
            errors: vec![ApiError {
                code: status,
                description: description.to_owned(),
            }],
        }
    }
    /// 404 for an unknown service code, jurisdiction, request or token.
    #[must_use]
    pub fn not_found(what: &str) -> Self {
        ErrorResponse::new(404, &format!("{what} not found"))
    }
}

impl Document for ErrorResponse {
    fn node(&self) -> Node {
        Node::List(
            "errors",
            self.errors
                .iter()
                .map(|e| {
                    Node::Object(
                        "error",
                        vec![
                            Node::Leaf("code", Scalar::Num(Some(e.code.to_string()))),
                            s("description", &e.description),
                        ],
                    )
                })
                .collect(),
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "errors")?;
        let errors = root
            .children
            .iter()
            .filter(|c| c.name == "error")
            .map(|e| {
                Ok(ApiError {
                    code: e
                        .req("code")?
                        .parse()
                        .map_err(|_| Open311Error::Field("code".into()))?,
                    description: e.text_of("description").unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, Open311Error>>()?;
        let status = errors.first().map_or(400, |e| e.code);
        Ok(ErrorResponse { status, errors })
    }
}

// ---- Discovery ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    /// `production` or `test`.
    pub kind: String,
    /// MIME types, e.g. `text/xml`, `application/json`.
    pub formats: Vec<String>,
}

/// The Service Discovery document (`/discovery.{xml,json}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

impl Document for Discovery {
    fn node(&self) -> Node {
        Node::Object(
            "discovery",
            vec![
                s("changeset", &self.changeset),
                s("contact", &self.contact),
                s("key_service", &self.key_service),
                Node::List(
                    "endpoints",
                    self.endpoints
                        .iter()
                        .map(|e| {
                            Node::Object(
                                "endpoint",
                                vec![
                                    s("specification", &e.specification),
                                    s("url", &e.url),
                                    s("changeset", &e.changeset),
                                    s("type", &e.kind),
                                    Node::List(
                                        "formats",
                                        e.formats.iter().map(|f| s("format", f)).collect(),
                                    ),
                                ],
                            )
                        })
                        .collect(),
                ),
            ],
        )
    }
    fn from_xml(xml: &str) -> Result<Self, Open311Error> {
        let root = parse_xml(xml)?;
        let root = expect_root(&root, "discovery")?;
        let endpoints = root
            .child("endpoints")
            .map(|eps| {
                eps.children
                    .iter()
                    .filter(|c| c.name == "endpoint")
                    .map(|e| {
                        Ok(Endpoint {
                            specification: e.req("specification")?,
                            url: e.req("url")?,
                            changeset: e.text_of("changeset").unwrap_or_default(),
                            kind: e.text_of("type").unwrap_or_default(),
                            formats: e
                                .child("formats")
                                .map(|f| {
                                    f.children
                                        .iter()
                                        .filter(|x| x.name == "format")
                                        .map(|x| x.text.clone())
                                        .collect()
                                })
                                .unwrap_or_default(),
                        })
                    })
                    .collect::<Result<Vec<_>, Open311Error>>()
            })
            .transpose()?
            .unwrap_or_default();
        Ok(Discovery {
            changeset: root.text_of("changeset").unwrap_or_default(),
            contact: root.text_of("contact").unwrap_or_default(),
            key_service: root.text_of("key_service").unwrap_or_default(),
            endpoints,
        })
    }
}

// ---- POST requests ----

/// Where the problem is: at least one of these is present.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub lat_long: Option<(f64, f64)>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
}

/// A validated `POST requests` body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewServiceRequest {
    pub api_key: Option<String>,
    pub jurisdiction_id: Option<String>,
    pub service_code: String,
    pub location: Location,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[code]=value` / `attribute[code][]=value`, values in order.
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// What the server knows when it parses a POST.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostOptions<'a> {
    /// Multi-jurisdiction endpoint: `jurisdiction_id` must be given.
    pub require_jurisdiction: bool,
    /// POST needs an API key (the spec says it does); a missing key is a 403.
    pub require_api_key: bool,
    /// The service's definition, to check `attribute[...]` values.
    pub definition: Option<&'a ServiceDefinition>,
}

fn nonempty(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Parses and validates an `application/x-www-form-urlencoded` POST body. Errors come
/// back as a spec-conformant [`ErrorResponse`] (403 for the API key, 400 otherwise), with
/// every problem found listed.
pub fn parse_post_request(
    body: &str,
    opts: PostOptions<'_>,
) -> Result<NewServiceRequest, ErrorResponse> {
    let pairs = crate::ckan::parse_urlencoded(body);
    let mut single: BTreeMap<String, String> = BTreeMap::new();
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        if let Some(rest) = k.strip_prefix("attribute[") {
            let code = match rest.strip_suffix("][]") {
                Some(c) => c,
                None => rest.strip_suffix(']').unwrap_or(rest),
            };
            attributes.entry(code.to_owned()).or_default().push(v);
        } else {
            single.entry(k).or_insert(v);
        }
    }
    let get = |k: &str| nonempty(single.get(k));
    let mut errors: Vec<ApiError> = Vec::new();
    let mut bad = |code: u16, d: &str| {
        errors.push(ApiError {
            code,
            description: d.to_owned(),
        })
    };

    let api_key = get("api_key");
    if opts.require_api_key && api_key.is_none() {
        bad(403, "api_key was not provided");
    }
    let jurisdiction_id = get("jurisdiction_id");
    if opts.require_jurisdiction && jurisdiction_id.is_none() {
        bad(400, "jurisdiction_id was not provided");
    }
    let service_code = get("service_code");
    if service_code.is_none() {
        bad(400, "service_code was not provided");
    }
    let lat = get("lat");
    let long = get("long");
    let mut lat_long_given = false;
    let lat_long = match (lat, long) {
        (None, None) => None,
        (Some(la), Some(lo)) => match (la.parse::<f64>(), lo.parse::<f64>()) {
            (Ok(la), Ok(lo)) if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) => {
                Some((la, lo))
            }
            _ => {
                lat_long_given = true;
                bad(400, "lat and long must be WGS84 decimal degrees");
                None
            }
        },
        _ => {
            lat_long_given = true;
            bad(400, "lat and long must both be sent");
            None
        }
    };
    let location = Location {
        lat_long,
        address_string: get("address_string"),
        address_id: get("address_id"),
    };
    if location.lat_long.is_none()
        && location.address_string.is_none()
        && location.address_id.is_none()
        && !lat_long_given
    {
        bad(
            400,
            "A full location parameter must be submitted: lat and long, address_string or address_id",
        );
    }
    let description = get("description");
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        bad(400, "description is longer than 4,000 characters");
    }
    let email = get("email");
    if email
        .as_ref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        bad(400, "email is not a valid e-mail address");
    }
    if let Some(def) = opts.definition {
        for a in def.attributes.iter().filter(|a| a.variable) {
            let vals: Vec<&String> = attributes
                .get(&a.code)
                .map(|v| v.iter().filter(|s| !s.trim().is_empty()).collect())
                .unwrap_or_default();
            if a.required && vals.is_empty() {
                bad(400, &format!("attribute[{}] is required", a.code));
                continue;
            }
            match a.datatype {
                Datatype::SingleValueList | Datatype::MultiValueList => {
                    if a.datatype == Datatype::SingleValueList && vals.len() > 1 {
                        bad(400, &format!("attribute[{}] takes one value", a.code));
                    }
                    for v in &vals {
                        if !a.values.iter().any(|x| &&x.key == v) {
                            bad(400, &format!("attribute[{}] has no value {v:?}", a.code));
                        }
                    }
                }
                Datatype::Number => {
                    for v in &vals {
                        if v.trim().parse::<f64>().is_err() {
                            bad(400, &format!("attribute[{}] must be a number", a.code));
                        }
                    }
                }
                Datatype::Datetime => {
                    for v in &vals {
                        if parse_w3c(v).is_none() {
                            bad(
                                400,
                                &format!("attribute[{}] must be an ISO 8601 date-time", a.code),
                            );
                        }
                    }
                }
                Datatype::String | Datatype::Text => {}
            }
        }
        for code in attributes.keys() {
            if !def.attributes.iter().any(|a| &a.code == code) {
                bad(
                    400,
                    &format!("attribute[{code}] is not defined for this service"),
                );
            }
        }
    }
    if !errors.is_empty() {
        let status = if errors.iter().any(|e| e.code == 403) {
            403
        } else {
            400
        };
        return Err(ErrorResponse { status, errors });
    }
    Ok(NewServiceRequest {
        api_key,
        jurisdiction_id,
        service_code: service_code.unwrap_or_default(),
        location,
        email,
        device_id: get("device_id"),
        account_id: get("account_id"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        phone: get("phone"),
        description,
        media_url: get("media_url"),
        attributes,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Examples copied from the GeoReport v2 specification text.
    const SPEC_SERVICES: &str = r#"<?xml version="1.0" encoding="utf-8"?>
    <services>
        <service>
            <service_code>001</service_code>
            <service_name>Cans left out 24x7</service_name>
            <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
            <metadata>true</metadata>
            <type>realtime</type>
            <keywords>lorem, ipsum, dolor</keywords>
            <group>sanitation</group>
        </service>
        <service>
            <service_code>002</service_code>
            <metadata>true</metadata>
            <type>realtime</type>
            <keywords>lorem, ipsum, dolor</keywords>
            <group>street</group>
            <service_name>Construction plate shifted</service_name>
            <description>Metal construction plate covering the street or sidewalk has been moved.</description>
        </service>
        <service>
            <service_code>003</service_code>
            <metadata>true</metadata>
            <type>realtime</type>
            <keywords>lorem, ipsum, dolor</keywords>
            <group>street</group>
            <service_name>Curb or curb ramp defect</service_name>
            <description>Sidewalk curb or ramp has problems such as cracking, missing pieces, holes, and/or chipped curb.</description>
        </service>
    </services>"#;

    const SPEC_DEFINITION: &str = r#"<?xml version="1.0" encoding="utf-8"?>
    <service_definition>
        <service_code>DMV66</service_code>
        <attributes>
            <attribute>
                <variable>true</variable>
                <code>WHISHETN</code>
                <datatype>singlevaluelist</datatype>
                <required>true</required>
                <datatype_description></datatype_description>
                <order>1</order>
                <description>What is the ticket/tag/DL number?</description>
                <values>
                    <value>
                        <key>123</key>
                        <name>Ford</name>
                    </value>
                    <value>
                        <key>124</key>
                        <name>Chrysler</name>
                    </value>
                </values>
            </attribute>
        </attributes>
    </service_definition>"#;

    const SPEC_POST_RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
    <service_requests>
        <request>
            <service_request_id>293944</service_request_id>
            <service_notice>
                The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code
            </service_notice>
            <account_id/>
        </request>
    </service_requests>"#;

    const SPEC_TOKEN_RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
    <service_requests>
        <request>
            <service_request_id>638344</service_request_id>
            <token>12345</token>
        </request>
    </service_requests>"#;

    const SPEC_REQUESTS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
    <service_requests>
        <request>
            <service_request_id>638344</service_request_id>
            <status>closed</status>
            <status_notes>Duplicate request.</status_notes>
            <service_name>Sidewalk and Curb Issues</service_name>
            <service_code>006</service_code>
            <description></description>
            <agency_responsible></agency_responsible>
            <service_notice></service_notice>
            <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
            <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
            <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
            <address>8TH AVE and JUDAH ST</address>
            <address_id>545483</address_id>
            <zipcode>94122</zipcode>
            <lat>37.762221815</lat>
            <long>-122.4651145</long>
            <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
        </request>
        <request>
            <service_request_id>638349</service_request_id>
            <status>open</status>
            <status_notes></status_notes>
            <service_name>Sidewalk and Curb Issues</service_name>
            <service_code>006</service_code>
            <description></description>
            <agency_responsible></agency_responsible>
            <service_notice></service_notice>
            <requested_datetime>2010-04-19T06:37:38-08:00</requested_datetime>
            <updated_datetime>2010-04-19T06:37:38-08:00</updated_datetime>
            <expected_datetime>2010-04-19T06:37:38-08:00</expected_datetime>
            <address>8TH AVE and JUDAH ST</address>
            <address_id>545483</address_id>
            <zipcode>94122</zipcode>
            <lat>37.762221815</lat>
            <long>-122.4651145</long>
            <media_url>http://city.gov.s3.amazonaws.com/requests/media/638349.jpg </media_url>
        </request>
    </service_requests>"#;

    const SPEC_ERRORS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
    <errors>
        <error>
            <code>403</code>
            <description>Invalid api_key received -- can't proceed with create_request.</description>
        </error>
    </errors>"#;

    const SPEC_POST_BODY: &str = "api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001";

    /// Parse the spec's example, write it, parse ours: same data both times.
    fn round_trip<T: Document + PartialEq + std::fmt::Debug>(xml: &str) -> T {
        let a = T::from_xml(xml).unwrap();
        let ours = a.to_xml();
        assert!(ours.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));
        let b = T::from_xml(&ours).unwrap();
        assert_eq!(a, b);
        // Element names, order-insensitive per parent, are the spec's.
        let mut spec_names = names(&parse_xml(xml).unwrap());
        let mut our_names = names(&parse_xml(&ours).unwrap());
        spec_names.sort();
        our_names.sort();
        assert_eq!(spec_names, our_names);
        a
    }

    fn names(e: &XmlElement) -> Vec<String> {
        let mut v = vec![e.name.clone()];
        for c in &e.children {
            v.extend(names(c));
        }
        v
    }

    #[test]
    fn spec_services_round_trip() {
        let l: ServiceList = round_trip(SPEC_SERVICES);
        assert_eq!(l.0.len(), 3);
        assert_eq!(l.0[1].service_name, "Construction plate shifted");
        assert_eq!(
            ServiceList(vec![l.0[0].clone()]).to_json(),
            r#"[{"service_code":"001","service_name":"Cans left out 24x7","description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.","metadata":true,"type":"realtime","keywords":"lorem, ipsum, dolor","group":"sanitation"}]"#
        );
    }

    #[test]
    fn spec_definition_round_trip() {
        let d: ServiceDefinition = round_trip(SPEC_DEFINITION);
        assert_eq!(d.attributes[0].values[1].name, "Chrysler");
        assert_eq!(
            d.to_json(),
            r#"{"service_code":"DMV66","attributes":[{"variable":true,"code":"WHISHETN","datatype":"singlevaluelist","required":true,"datatype_description":null,"order":1,"description":"What is the ticket/tag/DL number?","values":[{"key":"123","name":"Ford"},{"key":"124","name":"Chrysler"}]}]}"#
        );
    }

    #[test]
    fn spec_requests_round_trip() {
        let r: ServiceRequests = round_trip(SPEC_REQUESTS);
        assert_eq!(r.0.len(), 2);
        assert_eq!(r.0[0].status, Status::Closed);
        assert_eq!(r.0[0].lat, Some(37.762_221_815));
        // Same instant, shown in Bangkok time.
        let xml = r.to_xml();
        assert!(xml.contains("<requested_datetime>2010-04-14T21:37:38+07:00</requested_datetime>"));
        let json = r.to_json();
        assert!(json.starts_with(r#"[{"service_request_id":"638344","status":"closed","status_notes":"Duplicate request.","service_name":"Sidewalk and Curb Issues","service_code":"006","description":null,"agency_responsible":null,"service_notice":null,"requested_datetime":"2010-04-14T21:37:38+07:00""#));
        assert!(json.contains(r#""lat":37.762221815,"long":-122.4651145,"media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"}"#));
    }

    #[test]
    fn spec_post_and_token_responses_round_trip() {
        let p: PostResponse = round_trip(SPEC_POST_RESPONSE);
        assert_eq!(p.0[0].service_request_id.as_deref(), Some("293944"));
        assert_eq!(p.0[0].account_id, None);
        assert!(p.to_xml().contains("<account_id/>"));
        assert!(p.to_json().ends_with(r#""account_id":null}]"#));
        let t: TokenResponse = round_trip(SPEC_TOKEN_RESPONSE);
        assert_eq!(t.0[0].token, "12345");
        assert_eq!(
            t.to_json(),
            r#"[{"service_request_id":"638344","token":"12345"}]"#
        );
    }

    #[test]
    fn spec_errors_round_trip() {
        let e: ErrorResponse = round_trip(SPEC_ERRORS);
        assert_eq!(e.status, 403);
        assert_eq!(
            e.to_json(),
            r#"[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]"#
        );
    }

    #[test]
    fn xml_escapes_and_thai() {
        let r = ServiceRequests(vec![ServiceRequest {
            service_request_id: "CCS-2566-0001".into(),
            status: Status::Open,
            status_notes: Some("รับเรื่องแล้ว <ส่งกองช่าง> & ติดตาม".into()),
            service_name: "ไฟฟ้าส่องสว่างชำรุด".into(),
            service_code: "streetlight".into(),
            description: Some("ไฟดับ \"หน้าตลาด\"".into()),
            agency_responsible: Some("กองช่าง".into()),
            service_notice: None,
            requested_datetime: time::macros::datetime!(2023-01-15 03:00 UTC),
            updated_datetime: None,
            expected_datetime: Some(time::macros::datetime!(2023-01-30 10:00 +7)),
            address: Some("ถนนมหาจักรพรรดิ์".into()),
            address_id: None,
            zipcode: Some("24000".into()),
            lat: Some(13.6904),
            long: Some(101.0779),
            media_url: None,
        }]);
        let xml = r.to_xml();
        assert!(
            xml.contains("<status_notes>รับเรื่องแล้ว &lt;ส่งกองช่าง&gt; &amp; ติดตาม</status_notes>")
        );
        assert!(xml.contains("<requested_datetime>2023-01-15T10:00:00+07:00</requested_datetime>"));
        assert_eq!(ServiceRequests::from_xml(&xml).unwrap(), r);
    }

    #[test]
    fn spec_post_body_parses() {
        let def = ServiceDefinition {
            service_code: "001".into(),
            attributes: vec![
                Attribute {
                    variable: true,
                    code: "WHISPAWN".into(),
                    datatype: Datatype::Number,
                    required: true,
                    datatype_description: None,
                    order: 1,
                    description: String::new(),
                    values: vec![],
                },
                Attribute {
                    variable: true,
                    code: "WHISDORN".into(),
                    datatype: Datatype::String,
                    required: false,
                    datatype_description: None,
                    order: 2,
                    description: String::new(),
                    values: vec![],
                },
            ],
        };
        let r = parse_post_request(
            SPEC_POST_BODY,
            PostOptions {
                require_jurisdiction: true,
                require_api_key: true,
                definition: Some(&def),
            },
        )
        .unwrap();
        assert_eq!(r.api_key.as_deref(), Some("xyz"));
        assert_eq!(r.location.lat_long, Some((37.765_240_78, -122.421_204_3)));
        assert_eq!(
            r.location.address_string.as_deref(),
            Some("1234 5th street")
        );
        assert_eq!(r.email.as_deref(), Some("smit333@sfgov.edu"));
        assert_eq!(
            r.media_url.as_deref(),
            Some("http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg")
        );
        assert_eq!(r.attributes["WHISPAWN"], ["123456"]);
        assert_eq!(r.attributes["WHISDORN"], ["COISL001"]);
    }

    #[test]
    fn post_errors() {
        let e = parse_post_request(
            "service_code=001",
            PostOptions {
                require_api_key: true,
                ..PostOptions::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.status, 403);
        assert_eq!(e.errors.len(), 2);
        let xml = e.to_xml();
        assert!(xml.contains("<code>403</code>"));
        assert!(xml.contains("<description>A full location parameter must be submitted: lat and long, address_string or address_id</description>"));
        let e = parse_post_request("lat=13.7", PostOptions::default()).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(
            e.errors
                .iter()
                .any(|x| x.description == "service_code was not provided")
        );
        assert!(
            e.errors
                .iter()
                .any(|x| x.description == "lat and long must both be sent")
        );
        let def = ServiceDefinition {
            service_code: "x".into(),
            attributes: vec![Attribute {
                variable: true,
                code: "kind".into(),
                datatype: Datatype::MultiValueList,
                required: true,
                datatype_description: None,
                order: 1,
                description: String::new(),
                values: vec![
                    AttributeValue {
                        key: "a".into(),
                        name: "A".into(),
                    },
                    AttributeValue {
                        key: "b".into(),
                        name: "B".into(),
                    },
                ],
            }],
        };
        let ok = parse_post_request("service_code=x&address_string=%E0%B8%95%E0%B8%A5%E0%B8%B2%E0%B8%94&attribute[kind][]=a&attribute[kind][]=b", PostOptions { definition: Some(&def), ..PostOptions::default() }).unwrap();
        assert_eq!(ok.attributes["kind"], ["a", "b"]);
        assert_eq!(ok.location.address_string.as_deref(), Some("ตลาด"));
        let e = parse_post_request(
            "service_code=x&address_id=9&attribute[kind][]=z",
            PostOptions {
                definition: Some(&def),
                ..PostOptions::default()
            },
        )
        .unwrap_err();
        assert!(e.errors[0].description.contains("has no value"));
        let long = format!(
            "service_code=x&address_id=9&description={}",
            "ก".repeat(4001)
        );
        assert!(parse_post_request(&long, PostOptions::default()).is_err());
    }

    #[test]
    fn discovery_round_trip() {
        let d = Discovery {
            changeset: "2023-01-15T10:00:00+07:00".into(),
            contact: "ศูนย์รับเรื่องร้องเรียน โทร 038-000-000".into(),
            key_service: "https://example.invalid/open311/api-key".into(),
            endpoints: vec![Endpoint {
                specification: SPECIFICATION_URL.into(),
                url: "https://example.invalid/open311/v2".into(),
                changeset: "2023-01-15T10:00:00+07:00".into(),
                kind: "production".into(),
                formats: vec!["text/xml".into(), "application/json".into()],
            }],
        };
        assert_eq!(Discovery::from_xml(&d.to_xml()).unwrap(), d);
        assert!(
            d.to_json()
                .contains(r#""formats":["text/xml","application/json"]"#)
        );
    }
}
