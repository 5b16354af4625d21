//! A stand-in demo server for the browser tests while `prongsai serve --demo` is not
//! available: a fresh SQLite database in a directory, one municipality, one account per
//! staff role (user names are the role codes, e.g. `clerk`), all with the password in
//! `PRONGSAI_DEMO_PASSWORD`.
//!
//! `cargo run -p prongsai-web --example demo_server -- DATA_DIR 127.0.0.1:8080`

use std::sync::Arc;

use prongsai_domain::{OrgType, Role, Slug};
use prongsai_store::audit::Actor;
use prongsai_store::files::LocalDir;
use prongsai_store::orgs::{self, NewOrganization, OrgProfile};
use prongsai_store::{Db, Keys, users};
use prongsai_web::{AppState, WebConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: demo_server DATA_DIR ADDR")?);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8080".into());
    let password =
        std::env::var("PRONGSAI_DEMO_PASSWORD").unwrap_or_else(|_| "demo-password-123".into());
    std::fs::create_dir_all(&dir)?;
    let db = Db::connect(&format!("sqlite://{}/prongsai.sqlite", dir.display())).await?;
    let keys = Keys::load(&dir)?;
    if db.is_empty().await? {
        let mut conn = db.pool.acquire().await?;
        let actor = Actor::cli();
        let org = orgs::create(
            &mut conn,
            &keys.audit,
            &NewOrganization {
                slug: Slug::parse("chachoengsao")?,
                name_th: "เทศบาลเมืองฉะเชิงเทรา".into(),
                name_en: "Chachoengsao Town Municipality".into(),
                org_type: OrgType::TownMunicipality,
                province: "ฉะเชิงเทรา".into(),
            },
            &actor,
        )
        .await?;
        let profile = OrgProfile {
            name_th: org.name_th.clone(),
            name_en: org.name_en.clone(),
            province: org.province.clone(),
            address: "ถนนมรุพงษ์ ตำบลหน้าเมือง อำเภอเมืองฉะเชิงเทรา จังหวัดฉะเชิงเทรา 24000".into(),
            phone: "038-511-017".into(),
            email: "saraban@example.go.th".into(),
            website: String::new(),
            about_th: "เทศบาลเมืองฉะเชิงเทรามุ่งบริหารงานด้วยความโปร่งใส ตรวจสอบได้".into(),
            about_en: "Chachoengsao Town Municipality works to be transparent and accountable."
                .into(),
            require_staff_totp: false,
            complaint_deadline_days: 15,
        };
        orgs::update_profile(&mut conn, &keys.audit, org.id, &profile, &actor).await?;
        let office = orgs::create_division(
            &mut conn,
            &keys.audit,
            org.id,
            "office",
            "สำนักปลัดเทศบาล",
            "Office of the Clerk",
            &actor,
        )
        .await?;
        orgs::create_division(
            &mut conn,
            &keys.audit,
            org.id,
            "finance",
            "กองคลัง",
            "Finance Division",
            &actor,
        )
        .await?;
        for role in Role::ALL.into_iter().filter(|r| r.is_staff()) {
            let name = role.code().replace('_', "-");
            let u = users::create(
                &mut conn,
                &keys.audit,
                org.id,
                &name,
                role.label_th(),
                "",
                &password,
                &actor,
            )
            .await?;
            let division = matches!(role, Role::Officer | Role::DivisionHead).then_some(office.id);
            users::set_role(&mut conn, &keys.audit, org.id, u.id, role, division, &actor).await?;
        }
    }
    let blobs = Arc::new(LocalDir::new(dir.join("files"))?);
    let state = AppState::new(db, keys, blobs, WebConfig::default());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    prongsai_web::serve(state, listener).await?;
    Ok(())
}
