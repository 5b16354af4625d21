//! The authorization matrix: every staff route × every role (+ a member of another
//! organization + anonymous). The expectation comes from `Role::allows`, so the table
//! cannot drift from the permission model.

use std::collections::BTreeSet;

use prongsai_domain::{Permission, Role};
use prongsai_store::audit::Actor;
use prongsai_store::users;
use prongsai_web::routes::{STAFF_ROUTES, StaffRoute, registered};

use crate::helpers::{PASSWORD, TestApp, location};

#[test]
fn every_staff_route_in_the_router_is_in_the_matrix_table_and_back() {
    let in_router: BTreeSet<(&str, &str)> = registered()
        .into_iter()
        .filter(|(_, p)| p.contains("/staff"))
        .collect();
    let in_table: BTreeSet<(&str, &str)> =
        STAFF_ROUTES.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        in_router, in_table,
        "routes::STAFF_ROUTES and the router disagree"
    );
}

#[test]
fn docs_list_every_staff_route() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/web.md"))
        .expect("docs/web.md");
    for r in STAFF_ROUTES {
        let line = format!("`{} {}`", r.method, r.path);
        assert!(docs.contains(&line), "docs/web.md does not mention {line}");
    }
}

/// The form a route needs to succeed, given a fresh counter for unique names.
fn body(r: &StaffRoute, csrf: &str, division: i64, n: usize) -> Vec<(String, String)> {
    let mut f = vec![("csrf".to_string(), csrf.to_string())];
    let mut add = |k: &str, v: String| f.push((k.to_string(), v));
    match r.path {
        "/{org}/staff/users" => {
            add("username", format!("new-user-{n}"));
            add("display_name", "ผู้ใช้ใหม่".into());
            add("password", PASSWORD.into());
            add("role", "officer".into());
            add("division", division.to_string());
        }
        "/{org}/staff/users/{user_id}/role" => {
            add("role", "officer".into());
            add("division", division.to_string());
        }
        "/{org}/staff/users/{user_id}/password" => add("password", format!("{PASSWORD}-{n}")),
        // An account of the other organization only (made in the matrix's setup).
        "/{org}/staff/users/add" => {
            add("username", "loner".into());
            add("role", "clerk".into());
        }
        "/{org}/staff/divisions" => {
            add("code", format!("div-{n}"));
            add("name_th", "กองใหม่".into());
        }
        "/{org}/staff/divisions/{division_id}/head" => add("head", String::new()),
        "/{org}/staff/complaints/new" => {
            add("channel", "phone".into());
            add("category", "roads".into());
            add("description", "ถนนชำรุด".into());
        }
        "/{org}/staff/complaints/routing" => add("category", "roads".into()),
        "/{org}/staff/complaints/{complaint_id}/action" => add("action", "acknowledge".into()),
        "/{org}/staff/complaints/{complaint_id}/note" => add("text", "บันทึกภายใน".into()),
        "/{org}/staff/progress/{project_key}/{year}" => {
            add("status", "in_progress".into());
            add("disbursed", "๑,๐๐๐".into());
        }
        "/{org}/staff/progress/{project_key}/{year}/evidence" => {
            add("link", format!("https://example.org/{n}"))
        }
        "/{org}/staff/progress/{project_key}/{year}/return" => add("comment", "แก้ไขตัวเลข".into()),
        "/{org}/staff/rounds/{year}/{round}/submit" => add("note", format!("แก้ไขครั้งที่ {n}")),
        "/{org}/staff/integrity/settings" => {
            add("retention_days", "๑๘๒๖".into());
            add("conclude_days", "90".into());
        }
        "/{org}/staff/integrity/{report_id}/status" => add("action", "acknowledge".into()),
        "/{org}/staff/integrity/{report_id}/reply" => add("body", format!("reply {n}")),
        "/{org}/staff/integrity/{report_id}/identity" => add("reason", "matrix test reason".into()),
        "/{org}/staff/integrity/{report_id}/officers" => {
            add("user_id", "0".into());
            add("op", "link".into());
        }
        "/{org}/staff/settings" => {
            add("name_th", "เทศบาลเมืองทดสอบ".into());
            add("complaint_deadline_days", "๑๕".into());
        }
        "/{org}/staff/ita/score" => {
            add("fiscal_year", "2567".into());
            add("score", "72.5".into());
        }
        "/{org}/staff/ita/cases" => {
            add("fiscal_year", "2565".into());
            add("cases", "3".into());
        }
        "/{org}/staff/risks" | "/{org}/staff/risks/{risk_id}" => {
            add("process", format!("ขั้นตอน {n}"));
            add("likelihood", "2".into());
            add("impact", "3".into());
        }
        "/{org}/staff/risks/matrix" => {
            add("medium_from", "4".into());
            add("high_from", "9".into());
            add("very_high_from", "15".into());
        }
        "/{org}/staff/procurement" => {
            add("ref_no", format!("T-{n}"));
            add("fiscal_year", "2567".into());
            add("subject", "จัดซื้อวัสดุ".into());
            add("method", "specific".into());
            add("budget", "๑๐,๐๐๐".into());
        }
        "/{org}/staff/procurement/plan" => {
            add("fiscal_year", "2567".into());
            add("kind", "procurement".into());
            add("subject", "จัดซื้อวัสดุ".into());
            add("budget", "10000".into());
        }
        "/{org}/staff/procurement/checks" => {
            add("fiscal_year", "2567".into());
            add("disbursement_ref", format!("ฎีกา {n}"));
            add("amount", "500".into());
            add("lawful", "1".into());
            add("on_purpose", "1".into());
            add("worth_it", "1".into());
            add("efficient", "1".into());
        }
        "/{org}/staff/coi" => {
            add("kind", "relative".into());
            add("name", format!("นายทดสอบ {n}"));
        }
        "/{org}/staff/coi/flags/{flag_id}" => {
            add("status", "confirmed".into());
            add("note", "ตรวจแล้ว".into());
        }
        "/{org}/staff/info/new" | "/{org}/staff/info/{no}" => {
            add("group", "basic".into());
            add("title", format!("ข้อมูล {n}"));
            add("fiscal_year", "2568".into());
            add("rhythm", "yearly".into());
        }
        "/{org}/staff/info/executives" => add("executives", "นายก | นายกเทศมนตรี".into()),
        "/{org}/staff/oit/load" | "/{org}/staff/oit/{code}/link" => add("year", "2568".into()),
        "/{org}/staff/risks/{risk_id}/review" => {
            add("fiscal_year", "2567".into());
            add("likelihood", "3".into());
            add("impact", "3".into());
        }
        _ => {}
    }
    f
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Role(Role),
    OtherOrgAdmin,
    Anonymous,
}

#[tokio::test]
async fn authorization_matrix() {
    let app = TestApp::spawn().await;
    let other = app.create_org("otherville", "เทศบาลตำบลอื่น").await;
    let division = app.divisions[0].id;
    let target = app.user("target", Role::Officer).await;
    app.user_in(other.id, "loner", Role::Clerk).await;
    let (report_id, file_id) = crate::corruption_reports::seed_report(&app).await;
    let risk_id = {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        let input = prongsai_store::risk::RiskInput {
            process: "ทดสอบ".into(),
            likelihood: 3,
            impact: 3,
            ..Default::default()
        };
        prongsai_store::risk::create(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            &input,
            &Actor::cli(),
        )
        .await
        .expect("risk")
        .id
    };
    // An information item with a draft file, and the OIT list (information centre).
    let (info_no, info_file_id) = crate::disclosure::seed_item(&app).await;
    // A complaint of the division officers and heads belong to, with an attachment.
    let (complaint_id, complaint_file_id) = app.complaint_in_division(division).await;
    // The seed plan, a project of that division, and an evidence file (progress routes).
    let (project_key, evidence_id) = app.progress_fixture(division).await;

    // Procurement data with a planted conflict (the target officer on the committee).
    let (procurement_id, declaration_id, flag_id) = {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        prongsai_store::procurement_demo::seed_with(
            &mut conn,
            &app.keys.audit,
            &app.keys.reports,
            app.org.id,
            "target",
            "nobody",
        )
        .await
        .expect("procurement demo");
        let flags = prongsai_store::procurement::flags(&mut conn, app.org.id, None)
            .await
            .expect("flags");
        let decl = prongsai_store::procurement::declarations_of(&mut conn, app.org.id, target.id)
            .await
            .expect("declarations");
        (flags[0].procurement_id, decl[0].id, flags[0].id)
    };

    let mut clients = Vec::new();
    for role in Role::ALL {
        let u = app
            .user(&format!("as-{}", role.code().replace('_', "-")), role)
            .await;
        let (c, csrf) = app.signed_in(&u).await;
        clients.push((Who::Role(role), Some((c, csrf))));
    }
    let outsider = app.user_in(other.id, "outsider", Role::Admin).await;
    let (c, csrf) = app.signed_in(&outsider).await;
    clients.push((Who::OtherOrgAdmin, Some((c, csrf))));
    clients.push((Who::Anonymous, None));
    let (anon, _) = app.client();

    let mut n = 0;
    let mut failures = Vec::new();
    for route in STAFF_ROUTES {
        for (who, client) in &clients {
            n += 1;
            // Put the target back as it was (a previous row may have removed it).
            {
                let mut conn = app.db.pool.acquire().await.expect("conn");
                users::set_role(
                    &mut conn,
                    &app.keys.audit,
                    app.org.id,
                    target.id,
                    Role::Officer,
                    Some(division),
                    &Actor::cli(),
                )
                .await
                .expect("reset target");
            }
            let path = route
                .path
                .replace("{org}", &app.org.slug)
                .replace("{user_id}", &target.id.to_string())
                .replace("{division_id}", &division.to_string())
                .replace(
                    "{complaint_id}/files/{file_id}",
                    &format!("{complaint_id}/files/{complaint_file_id}"),
                )
                .replace(
                    "{no}/files/{file_id}",
                    &format!("{info_no}/files/{info_file_id}"),
                )
                .replace("{no}", &info_no.to_string())
                .replace("{code}", "o1")
                .replace("{report_id}", &report_id.to_string())
                .replace("{file_id}", &file_id.to_string())
                .replace("{risk_id}", &risk_id.to_string())
                .replace("{complaint_id}", &complaint_id.to_string())
                .replace("{project_key}", &project_key.to_string())
                .replace("{year}", "2567")
                .replace("{round}", "6m")
                .replace("{evidence_id}", &evidence_id.to_string())
                .replace("{id}", &procurement_id.to_string())
                .replace("{declaration_id}", &declaration_id.to_string())
                .replace("{flag_id}", &flag_id.to_string());
            let (c, csrf) = match client {
                Some((c, csrf)) => (c, csrf.as_str()),
                None => (&anon, ""),
            };
            let req = match route.method {
                "GET" => c.get(app.url(&path)),
                _ => c.post(app.url(&path)).form(&body(route, csrf, division, n)),
            };
            let res = req.send().await.expect("request");
            let status = res.status().as_u16();
            let loc = location(&res);
            let ok = match who {
                Who::Anonymous => status == 303 && loc.starts_with("/login"),
                Who::OtherOrgAdmin => status == 403,
                Who::Role(role) => {
                    let allowed =
                        role.allows(Permission::StaffArea) && role.allows(route.permission);
                    if allowed {
                        (200..400).contains(&status) && !loc.starts_with("/login")
                    } else {
                        status == 403
                    }
                }
            };
            if !ok {
                failures.push(format!(
                    "{} {} as {:?}: {} {}",
                    route.method, route.path, who, status, loc
                ));
            }
        }
    }
    assert!(n >= STAFF_ROUTES.len() * 11);
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n{}",
        failures.join("\n")
    );
}
