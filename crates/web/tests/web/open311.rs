//! Open311 GeoReport v2, with requests written straight from the specification
//! (http://wiki.open311.org/GeoReport_v2): JSON and XML, parsed here with quick-xml.

use prongsai_store::audit::Actor;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::helpers::TestApp;

/// Every (element path, text) of an XML document.
fn xml_texts(xml: &str) -> Vec<(String, String)> {
    let mut r = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => path.push(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let s = t.unescape().expect("text").into_owned();
                if !s.trim().is_empty() {
                    out.push((path.join("/"), s));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn xml_get<'a>(texts: &'a [(String, String)], path: &str) -> Option<&'a str> {
    texts
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
}

async fn api_key(app: &TestApp) -> String {
    let mut conn = app.db.pool.acquire().await.expect("conn");
    prongsai_store::open311_keys::create(
        &mut conn,
        &app.keys.audit,
        app.org.id,
        "spec client",
        &Actor::cli(),
    )
    .await
    .expect("key")
}

#[tokio::test]
async fn discovery_services_and_definitions() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    let d: serde_json::Value = c
        .get(app.url("/open311/v2/discovery.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let r = c
        .get(app.url("/open311/v2/discovery.xml"))
        .send()
        .await
        .expect("get");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/xml")
    );
    let x = xml_texts(&r.text().await.expect("body"));
    assert_eq!(
        xml_get(&x, "discovery/endpoints/endpoint/specification"),
        Some("http://wiki.open311.org/GeoReport_v2")
    );

    // GET services.xml?jurisdiction_id=… — optional on a one-organization install.
    let s: serde_json::Value = c
        .get(app.url("/open311/v2/services.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let list = s.as_array().expect("array");
    assert!(list.iter().any(|s| s["service_code"] == "roads"
        && s["type"] == "realtime"
        && s["metadata"] == false));
    let x = c
        .get(app.url("/open311/v2/services.xml?jurisdiction_id=testville"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("b");
    let x = xml_texts(&x);
    assert!(
        x.iter()
            .any(|(p, t)| p == "services/service/service_code" && t == "water")
    );
    assert!(
        x.iter()
            .any(|(p, t)| p == "services/service/service_name" && t == "น้ำประปา")
    );
    let def: serde_json::Value = c
        .get(app.url("/open311/v2/services/roads.json?jurisdiction_id=testville"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(def["service_code"], "roads");
    let r = c
        .get(app.url("/open311/v2/services/nope.xml"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let x = xml_texts(&r.text().await.expect("b"));
    assert_eq!(xml_get(&x, "errors/error/code"), Some("404"));
    // An unknown jurisdiction.
    let r = c
        .get(app.url("/open311/v2/services.json?jurisdiction_id=nowhere"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let e: serde_json::Value = r.json().await.expect("json");
    assert_eq!(e[0]["code"], 404);
}

#[tokio::test]
async fn post_get_and_filter_requests() {
    let app = TestApp::spawn().await;
    let key = api_key(&app).await;
    let c = reqwest::Client::new();
    // From the spec's POST example (with our jurisdiction and a service code we offer).
    let body = format!(
        "api_key={key}&jurisdiction_id=testville&service_code=roads&lat=13.6904&long=101.0779&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    );
    let r = c
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    let id = v[0]["service_request_id"].as_str().expect("id").to_string();
    assert!(
        v[0]["service_notice"]
            .as_str()
            .is_some_and(|n| n.contains("กำหนดแล้วเสร็จ"))
    );
    // The same in XML.
    let r = c
        .post(app.url("/open311/v2/requests.xml"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.replace("sinkhole", "pothole"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    let x = xml_texts(&r.text().await.expect("b"));
    let id2 = xml_get(&x, "service_requests/request/service_request_id")
        .expect("id")
        .to_string();
    assert_ne!(id, id2);

    // Without a key, and with a wrong one: 403 per the spec.
    for bad in ["", "api_key=xyz&"] {
        let r = c
            .post(app.url("/open311/v2/requests.xml"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "{bad}jurisdiction_id=testville&service_code=roads&address_string=x"
            ))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403);
        let x = xml_texts(&r.text().await.expect("b"));
        assert_eq!(xml_get(&x, "errors/error/code"), Some("403"));
    }
    // No location: 400.
    let r = c
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("api_key={key}&service_code=roads&description=x"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);

    // GET requests/{id}.json — no contact data.
    let r = c
        .get(app.url(&format!(
            "/open311/v2/requests/{id}.json?jurisdiction_id=testville"
        )))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("b");
    assert!(!text.contains("sfgov") && !text.contains("111111111") && !text.contains("john"));
    let one: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(one[0]["service_request_id"], id.as_str());
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["service_code"], "roads");
    assert_eq!(one[0]["lat"], 13.6904);
    let x = c
        .get(app.url(&format!("/open311/v2/requests/{id2}.xml")))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("b");
    let x = xml_texts(&x);
    assert_eq!(xml_get(&x, "service_requests/request/status"), Some("open"));
    assert!(
        xml_get(&x, "service_requests/request/requested_datetime")
            .is_some_and(|d| d.ends_with("+07:00"))
    );
    assert_eq!(
        c.get(app.url("/open311/v2/requests/2569-0000-0000.json"))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );

    // GET requests.json with the spec's filters.
    let all: serde_json::Value = c
        .get(app.url("/open311/v2/requests.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(all.as_array().expect("list").len(), 2);
    let both: serde_json::Value = c
        .get(app.url(&format!(
            "/open311/v2/requests.json?service_request_id={id},{id2}"
        )))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(both.as_array().expect("list").len(), 2);
    let none: serde_json::Value = c
        .get(app.url("/open311/v2/requests.json?status=closed"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(none.as_array().expect("list").len(), 0);
    let water: serde_json::Value = c
        .get(app.url("/open311/v2/requests.json?service_code=water"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(water.as_array().expect("list").len(), 0);
    let future: serde_json::Value = c
        .get(app.url("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z&end_date=2099-02-01T00:00:00Z"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(future.as_array().expect("list").len(), 0);
    let x = c
        .get(app.url("/open311/v2/requests.xml?status=open&service_code=roads"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("b");
    assert_eq!(
        xml_texts(&x)
            .iter()
            .filter(|(p, _)| p == "service_requests/request/service_request_id")
            .count(),
        2
    );
    assert_eq!(
        c.get(app.url("/open311/v2/requests.json?start_date=yesterday"))
            .send()
            .await
            .expect("get")
            .status(),
        400
    );
}

#[tokio::test]
async fn jurisdiction_is_required_with_several_organizations() {
    let app = TestApp::spawn().await;
    app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    let c = reqwest::Client::new();
    let r = c
        .get(app.url("/open311/v2/requests.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 400);
    let e: serde_json::Value = r.json().await.expect("json");
    assert!(
        e[0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("jurisdiction_id"))
    );
    assert_eq!(
        c.get(app.url("/open311/v2/requests.json?jurisdiction_id=otherville"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
    // A key of one organization cannot file in another.
    let key = api_key(&app).await;
    let r = c
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "api_key={key}&jurisdiction_id=otherville&service_code=roads&address_string=x"
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
}
