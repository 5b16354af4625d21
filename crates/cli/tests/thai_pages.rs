//! The Thai interface is Thai: the real `prongsai serve --demo` is crawled in Thai —
//! anonymously and as every staff role — following every link it shows, and every HTML
//! page must be free of leftover English words (from enums, codes, untranslated
//! labels), ISO or Gregorian dates, and mixed digit styles. Every GET route the router
//! registers must have been reached by the crawl or be listed below with the reason it
//! cannot be (so a new page is checked as soon as something links to it).
//!
//! What counts as "leftover English" is decided on the page's visible text and on the
//! attributes a person reads (`title`, `placeholder`, `aria-label`, `alt`). Text that is
//! legitimately Latin — user names, file names, e-mail addresses, URLs, tracking codes,
//! the English switch itself — is marked up as such by the templates (`<code>`, `<kbd>`,
//! `<samp>`, `translate="no"` or `lang="en"`) and skipped; well-known acronyms
//! (ITA, OIT, PDF, …) and the names of standards are allowed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const PASSWORD: &str = "thai-pages-password-1";
/// Pages crawled per visitor at most (the demo has a few hundred).
const MAX_PAGES: usize = 600;

struct Server {
    child: Child,
    base: String,
    /// The demo's accounts, as it printed them.
    usernames: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prongsai"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env_remove("PRONGSAI_DATABASE_URL")
        .env_remove("PRONGSAI_DATA_DIR")
        .env("PRONGSAI_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start prongsai serve --demo");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut usernames = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Prongsai is listening on ") {
            break rest.trim().to_string();
        }
        // The sign-in table: URL USERNAME PASSWORD ROLE
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() >= 3 && cols[0].ends_with("/login") {
            usernames.push(cols[1].to_string());
        }
    };
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    Server {
        child,
        base,
        usernames,
    }
}

/// GET routes no link leads to, and why. Keep this short: a page a person can reach
/// should be linked from somewhere.
const NOT_CRAWLED: &[(&str, &str)] = &[
    ("/healthz", "not a page"),
    ("/static/app.css", "a style sheet"),
    ("/lang", "switches the language and redirects back"),
    ("/{org}", "redirects to /{org}/"),
    ("/{org}/staff", "redirects to /{org}/staff/"),
    (
        "/login/totp",
        "needs an account with a second factor; tests/web/auth.rs",
    ),
    // Machine-readable: JSON/XML for programs, not pages in a language.
    ("/api/v1/complaints/{tracking_code}", "JSON API"),
    ("/api/v1/orgs", "JSON API"),
    ("/api/v1/orgs/{org}", "JSON API"),
    ("/api/v1/openapi.json", "JSON API"),
    ("/api/3/action/{action}", "CKAN API"),
    ("/api/action/{action}", "CKAN API"),
    ("/open311/v2/{resource}", "Open311 API"),
    ("/open311/v2/services/{service}", "Open311 API"),
    ("/open311/v2/requests/{request}", "Open311 API"),
    ("/{org}/opendata/{file}", "data files"),
    // Uploaded files and generated documents, not HTML.
    ("/{org}/complaints/track/{code}/files/{file_id}", "a file"),
    (
        "/{org}/staff/complaints/{complaint_id}/files/{file_id}",
        "a file",
    ),
    (
        "/{org}/staff/integrity/{report_id}/files/{file_id}",
        "a file",
    ),
    (
        "/{org}/staff/progress/{project_key}/{year}/evidence/{evidence_id}",
        "a file",
    ),
    ("/{org}/procurement/records/{id}/files/{file_id}", "a file"),
    ("/{org}/info/{no}/files/{file_id}", "a file"),
    // TODO(lead): remove once the demo submits its past rounds (after the round rules of
    // issue 9 land); tests/web/progress.rs checks the page itself.
    (
        "/{org}/reports/{year}/{round}",
        "the demo has no submitted round yet",
    ),
    (
        "/{org}/reports/{year}/{round}/report.pdf",
        "a PDF (crates/docs tests read it)",
    ),
    (
        "/{org}/reports/{year}/{round}/report.xlsx",
        "a spreadsheet (crates/docs tests)",
    ),
];

// ---- the checker -------------------------------------------------------------------

/// Acronyms, names of standards and products that Thai pages use as they are.
const ALLOWED_WORDS: &[&str] = &[
    "ITA",
    "OIT",
    "PDF",
    "XLSX",
    "CSV",
    "JSON",
    "API",
    "OCDS",
    "CKAN",
    "Open311",
    "GeoReport",
    "e-PlanNACC",
    "NACC",
    "PDPA",
    "QR",
    "TOTP",
    "LINE",
    "Excel",
    "OpenAPI",
    "URL",
    "ID",
    "e-mail",
    "E-mail",
    "HTTPS",
    "SMS",
    "KPI",
    "ZIP",
    "DOCX",
    "docx",
    "xlsx",
    "csv",
    "pdf",
    "json",
    "JPEG",
    "PNG",
    "WebP",
    "MB",
    "KB",
    "GB",
    "IP",
    "Cardinal",
    // The procurement methods' official Thai names carry these (ระเบียบกระทรวงการคลังฯ
    // พ.ศ. ๒๕๖๐: "วิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)").
    "e-bidding",
    "e-market",
];

#[derive(Default)]
struct TextOut {
    /// Visible text, in order, with element boundaries as spaces.
    text: String,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let bytes = tag.as_bytes();
    let mut i = 0;
    while let Some(pos) = tag[i..].find(name) {
        let at = i + pos;
        let before_ok = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let after = &tag[at + name.len()..];
        if before_ok && let Some(rest) = after.strip_prefix("=\"") {
            return rest.find('"').map(|end| &rest[..end]);
        }
        i = at + name.len();
    }
    None
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The text a Thai reader sees (and the attributes they hear or hover), leaving out
/// scripts, styles and anything marked as Latin on purpose.
fn visible_text(html: &str) -> TextOut {
    let mut out = TextOut::default();
    // Stack of (tag name, skipped).
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut rest = html;
    let skipping = |stack: &Vec<(String, bool)>| stack.iter().any(|(_, s)| *s);
    while let Some(lt) = rest.find('<') {
        if !skipping(&stack) {
            out.text.push_str(&decode(&rest[..lt]));
        }
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map(|e| e + 3).unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(pos) = stack.iter().rposition(|(n, _)| *n == name) {
                stack.truncate(pos);
            }
            out.text.push(' ');
            continue;
        }
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        let lang = attr(tag, "lang");
        let skip = matches!(
            name.as_str(),
            "script" | "style" | "code" | "kbd" | "samp" | "textarea" | "template"
        ) || attr(tag, "translate") == Some("no")
            || lang.is_some_and(|l| !l.starts_with("th"));
        if !skip && !skipping(&stack) {
            for a in ["title", "placeholder", "aria-label", "alt"] {
                if let Some(v) = attr(tag, a) {
                    out.text.push(' ');
                    out.text.push_str(&decode(v));
                    out.text.push(' ');
                }
            }
            // A submit button's label is its value.
            if name == "input"
                && matches!(attr(tag, "type"), Some("submit") | Some("button"))
                && let Some(v) = attr(tag, "value")
            {
                out.text.push(' ');
                out.text.push_str(&decode(v));
            }
        }
        out.text.push(' ');
        if (name == "script" || name == "style") && !tag.ends_with('/') {
            // Raw text: jump to the closing tag.
            let close = format!("</{name}");
            let end = rest.find(&close).unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push((name, skip));
        }
    }
    if !skipping(&stack) {
        out.text.push_str(&decode(rest));
    }
    out
}

fn is_thai_digit(c: char) -> bool {
    ('๐'..='๙').contains(&c)
}

/// Latin words of the demo's own documents (the seed plan writes "E-Service", "No Gift
/// Policy", "Call Center"): the organization's words, shown as written.
fn document_words() -> BTreeSet<String> {
    let seed = include_str!("../../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    seed.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .map(|w| w.trim_matches('-').to_string())
        .collect()
}

/// Problems in one page's visible text.
fn findings(text: &str) -> Vec<String> {
    static WORDS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    findings_with(text, WORDS.get_or_init(document_words))
}

/// Names that Thai official usage writes in English: the NACC's ITA calls the policy
/// "No Gift Policy".
const ALLOWED_PHRASES: &[&str] = &["No Gift Policy"];

fn findings_with(text: &str, documents: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let mut text = text.to_string();
    for phrase in ALLOWED_PHRASES {
        text = text.replace(phrase, " ");
    }
    let text = text.as_str();
    // Words: runs of Latin letters with inner - . _ '
    // Links and e-mail addresses shown as text are data: drop them whole first.
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !(w.contains("://") || w.contains('@') || w.starts_with("www.")))
        .flat_map(|w| w.split(|c: char| "()[]{},;:!?\"«»“”‘’·|/…–—=<>+*".contains(c)))
        .filter(|w| !w.is_empty())
        .collect();
    for raw in &words {
        // A file extension written as such (".docx", ".txt") is a name, not a word.
        if raw.starts_with('.') && raw[1..].chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let w = raw.trim_matches(|c: char| c == '.' || c == '\'' || c == '-' || c == '%');
        if w.contains('@') || w.contains("://") || w.starts_with("www.") {
            continue; // e-mail addresses and links are data
        }
        let letters = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
        if letters < 2 {
            continue;
        }
        if ALLOWED_WORDS.contains(&w) || documents.contains(w) {
            continue;
        }
        // Codes: all capitals and digits with separators (CP-2567-000123, O12, ABCD-EFGH).
        if w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_.#".contains(c))
        {
            continue;
        }
        // Domain names shown as text (example.go.th).
        if w.contains('.')
            && w.rsplit('.').next().is_some_and(|tld| {
                ["th", "com", "org", "net", "go", "ac", "or", "in", "io"].contains(&tld)
            })
        {
            continue;
        }
        if w.chars().any(|c| c.is_ascii_alphabetic()) {
            found.push(format!("English word {w:?}"));
        }
    }
    // Dates: ISO (2023-10-02) and Gregorian day/month/year (02/10/2023).
    let chars: Vec<char> = text.chars().collect();
    let s: String = chars.iter().collect();
    for (i, _) in s.match_indices('-') {
        let before: String = s[..i]
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after: String = s[i + 1..].chars().take(5).collect();
        if before.len() == 4
            && before.chars().all(|c| c.is_ascii_digit())
            && after.len() == 5
            && after.chars().take(2).all(|c| c.is_ascii_digit())
            && after.chars().nth(2) == Some('-')
            && after.chars().skip(3).all(|c| c.is_ascii_digit())
        {
            found.push(format!("ISO date near {:?}", format!("{before}-{after}")));
        }
    }
    for (i, _) in s.match_indices('/') {
        let after: String = s[i + 1..].chars().take(5).collect();
        let before: String = s[..i]
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if before.chars().all(|c| c.is_ascii_digit())
            && before.len() == 2
            && after.len() >= 4
            && (after.starts_with("19") || after.starts_with("20"))
            && after.chars().take(4).all(|c| c.is_ascii_digit())
        {
            found.push(format!("Gregorian date near {before}/{after}"));
        }
    }
    // One digit style per page.
    let thai = text.chars().filter(|c| is_thai_digit(*c)).count();
    let arabic = text.chars().filter(|c| c.is_ascii_digit()).count();
    if thai > 0 && arabic > 0 {
        found.push(format!(
            "mixed digits: {thai} Thai and {arabic} Arabic digits on one page"
        ));
    }
    found
}

// ---- the crawl ---------------------------------------------------------------------

const BOUNDARY: &str = "----prongsai-thai-pages";

fn multipart(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn get_text(c: &reqwest::Client, url: String) -> String {
    c.get(url).send().await.unwrap().text().await.unwrap()
}

/// Files a complaint and a corruption report as a citizen would, so that the pages
/// about them exist; returns the links the confirmation pages show.
async fn seed_cases(c: &reqwest::Client, base: &str) -> Vec<String> {
    let mut out = Vec::new();
    let form = get_text(c, format!("{base}/chachoengsao/complaints/new")).await;
    let category = form
        .split("<option value=\"")
        .skip(1)
        .map(|o| o[..o.find('"').unwrap_or(0)].to_string())
        .find(|v| !v.is_empty())
        .expect("a complaint category");
    // The form refuses what is sent faster than a person types.
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let r = c
        .post(format!("{base}/chachoengsao/complaints/new"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&[
            ("csrf", &hidden(&form, "csrf")),
            ("t", &hidden(&form, "t")),
            ("category", &category),
            ("description", "ไฟฟ้าส่องสว่างดับทั้งซอย ๓ คืนแล้ว"),
            ("location_text", "ซอยมรุพงษ์ ๕"),
            ("privacy", "1"),
        ]))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "complaint filed: {}", r.status());
    let filed = r.text().await.unwrap();
    out.extend(links(&filed).into_iter().filter(|l| l.contains("/track/")));
    assert!(!out.is_empty(), "the filed page links to tracking");

    let form = get_text(c, format!("{base}/chachoengsao/integrity/report")).await;
    let r = c
        .post(format!("{base}/chachoengsao/integrity/report"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&[
            ("csrf", &hidden(&form, "csrf")),
            ("what", "มีการเรียกรับเงินเพื่อเร่งออกใบอนุญาตก่อสร้าง"),
            ("where", "กองช่าง"),
            ("website", ""),
        ]))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "report filed: {}", r.status());
    out
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
}

fn links(html: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        if let Some(end) = rest.find('"') {
            v.push(decode(&rest[..end]));
            rest = &rest[end..];
        }
    }
    v
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

async fn sign_in(c: &reqwest::Client, base: &str, username: &str) {
    let page = get_text(c, format!("{base}/login")).await;
    let csrf = hidden(&page, "csrf");
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("next", ""),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "{username} signs in: {}",
        r.status()
    );
    let body = r.text().await.unwrap();
    assert!(
        !body.contains("name=\"password\""),
        "{username} is signed in"
    );
}

/// The route pattern a concrete path matches (`/chachoengsao/staff/risks/3` →
/// `/{org}/staff/risks/{risk_id}`).
fn pattern_of<'a>(path: &str, routes: &'a [&'static str]) -> Option<&'a str> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let trailing = path.ends_with('/') && path != "/";
    let mut best: Option<(&str, usize)> = None;
    for r in routes {
        let rsegs: Vec<&str> = r.trim_end_matches('/').split('/').collect();
        let r_trailing = r.ends_with('/') && *r != "/";
        if r_trailing != trailing && !r.contains("{*") {
            continue;
        }
        if rsegs.len() != segs.len() && !r.contains("{*") {
            continue;
        }
        let mut literal = 0;
        let ok = rsegs.iter().zip(&segs).all(|(a, b)| {
            if a.starts_with('{') {
                true
            } else {
                literal += 1;
                a == b
            }
        });
        if ok && best.is_none_or(|(_, l)| literal > l) {
            best = Some((r, literal));
        }
    }
    best.map(|(r, _)| r)
}

struct Crawl {
    /// Findings per URL.
    bad: BTreeMap<String, Vec<String>>,
    /// Route patterns reached.
    reached: BTreeSet<String>,
    pages: usize,
}

async fn crawl(
    c: &reqwest::Client,
    base: &str,
    starts: &[&str],
    routes: &[&'static str],
    out: &mut Crawl,
) {
    let mut queue: VecDeque<String> = starts.iter().map(|s| s.to_string()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    // Per route pattern, a few concrete pages are enough.
    let mut per_pattern: BTreeMap<String, usize> = BTreeMap::new();
    let mut n = 0;
    while let Some(path) = queue.pop_front() {
        if n >= MAX_PAGES {
            break;
        }
        n += 1;
        let Ok(r) = c.get(format!("{base}{path}")).send().await else {
            out.bad
                .entry(path.clone())
                .or_default()
                .push("request failed".into());
            continue;
        };
        let final_path = r.url().path().to_string();
        let status = r.status();
        let ctype = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if let Some(p) = pattern_of(&final_path, routes) {
            out.reached.insert(p.to_string());
        }
        if let Some(p) = pattern_of(path.split('?').next().unwrap_or(&path), routes) {
            out.reached.insert(p.to_string());
        }
        if !ctype.starts_with("text/html") {
            continue;
        }
        let body = r.text().await.unwrap_or_default();
        if status.is_server_error() {
            out.bad
                .entry(path.clone())
                .or_default()
                .push(format!("status {status}"));
        }
        assert!(
            body.contains("<html lang=\"th\""),
            "{path} is not served in Thai"
        );
        let f = findings(&visible_text(&body).text);
        if !f.is_empty() {
            out.bad.entry(path.clone()).or_default().extend(f);
        }
        for l in links(&body) {
            if !l.starts_with('/') || l.starts_with("//") {
                continue;
            }
            let l = l.split('#').next().unwrap_or("").to_string();
            if l.is_empty()
                || l.starts_with("/lang")
                || l.contains("lang=en")
                || l.starts_with("/static/")
                || l == "/logout"
            {
                continue;
            }
            let pat = pattern_of(l.split('?').next().unwrap_or(&l), routes)
                .unwrap_or("?")
                .to_string();
            let count = per_pattern.entry(pat).or_default();
            if *count >= 4 {
                continue;
            }
            if seen.insert(l.clone()) {
                *count += 1;
                queue.push_back(l);
            }
        }
    }
    out.pages += n;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_thai_is_thai() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let base = server.base.clone();
    let routes: Vec<&'static str> = prongsai_web::routes::registered()
        .into_iter()
        .filter(|(m, _)| *m == "GET")
        .map(|(_, p)| p)
        .collect();
    let mut out = Crawl {
        bad: BTreeMap::new(),
        reached: BTreeSet::new(),
        pages: 0,
    };

    // Anonymous: the public site.
    let anon = client();
    let tracking = seed_cases(&anon, &base).await;
    let mut starts = vec!["/", "/chachoengsao/", "/login", "/national"];
    starts.extend(tracking.iter().map(String::as_str));
    crawl(&anon, &base, &starts, &routes, &mut out).await;
    // Every staff role.
    assert!(server.usernames.len() >= 8, "the demo printed its accounts");
    for username in &server.usernames {
        let c = client();
        sign_in(&c, &base, username).await;
        crawl(
            &c,
            &base,
            &["/chachoengsao/staff/", "/account"],
            &routes,
            &mut out,
        )
        .await;
    }

    let mut report = String::new();
    for (url, f) in &out.bad {
        let mut uniq: Vec<&String> = f.iter().collect();
        uniq.sort();
        uniq.dedup();
        report.push_str(&format!("{url}\n"));
        for x in uniq.iter().take(12) {
            report.push_str(&format!("    {x}\n"));
        }
    }
    let exempt: BTreeSet<&str> = NOT_CRAWLED.iter().map(|(p, _)| *p).collect();
    let missed: Vec<&&str> = routes
        .iter()
        .filter(|r| !out.reached.contains(**r) && !exempt.contains(**r))
        .collect();
    assert!(out.pages > 50, "the crawl reached only {} pages", out.pages);
    assert!(
        out.bad.is_empty() && missed.is_empty(),
        "{} of {} pages are not all Thai:\n{report}\nGET routes no crawl reached: {missed:#?}",
        out.bad.len(),
        out.pages
    );
}

#[test]
fn the_checker_finds_what_it_should() {
    let page = r#"<html lang="th"><body><p>สถานะ valid</p><p title="goods">ก</p>
        <code>clerk</code><span translate="no">file.pdf</span><a lang="en">English</a>
        <p>วันที่ 2023-10-02 และ 02/10/2023</p><script>var x = "nothing";</script>
        <p>ร้อยละ ๘๐ และ 80</p><p>ITA O12 CP-2567-0001 saraban@example.go.th</p></body></html>"#;
    let f = findings(&visible_text(page).text);
    let joined = f.join("\n");
    assert!(joined.contains("\"valid\""), "{joined}");
    assert!(joined.contains("\"goods\""), "{joined}");
    assert!(joined.contains("ISO date"), "{joined}");
    assert!(joined.contains("Gregorian date"), "{joined}");
    assert!(joined.contains("mixed digits"), "{joined}");
    for ok in [
        "clerk", "file", "English", "nothing", "ITA", "O12", "saraban",
    ] {
        assert!(
            !joined.contains(&format!("\"{ok}")),
            "{ok} flagged: {joined}"
        );
    }
    let clean = r#"<html lang="th"><p>สถานะ ถูกต้อง ๒ ธ.ค. ๒๕๖๙ ร้อยละ ๘๐</p></html>"#;
    assert!(findings(&visible_text(clean).text).is_empty());
}
