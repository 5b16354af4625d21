//! The JSON API.

use crate::helpers::TestApp;

#[tokio::test]
async fn lists_organizations_and_shows_one_with_divisions() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    let list: serde_json::Value = c
        .get(app.url("/api/v1/orgs"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(list["orgs"][0]["slug"], "testville");
    assert_eq!(list["orgs"][0]["name_th"], "เทศบาลเมืองทดสอบ");
    let one: serde_json::Value = c
        .get(app.url("/api/v1/orgs/testville"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(one["divisions"][1]["code"], "finance");
    assert_eq!(one["complaint_deadline_days"], 15);
}

#[tokio::test]
async fn errors_are_json_in_both_languages() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    let r = c
        .get(app.url("/api/v1/orgs/nowhere"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let e: serde_json::Value = r.json().await.expect("json");
    assert_eq!(e["error"]["code"], "not_found");
    assert!(
        e["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(
        e["error"]["message_th"]
            .as_str()
            .is_some_and(|m| m.contains("ไม่พบ"))
    );
    let r = c
        .get(app.url("/api/v1/orgs?limit=abc"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 400);
    let e: serde_json::Value = r.json().await.expect("json");
    assert_eq!(e["error"]["code"], "bad_request");
}

#[tokio::test]
async fn serves_its_openapi_document() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(doc["paths"]["/orgs/{org}"]["get"].is_object());
}
