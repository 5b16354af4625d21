//! Synthetic organizations for scale tests and demonstrations (`prongsai dev generate`):
//! organizations spread over the 76 provinces and the five organization types in about
//! the country's proportions, each with a 36-project plan (budgets per year, ITA and
//! case-reduction targets), yearly progress, ITA scores, corruption case counts and a
//! four-risk register with controls linked to projects.
//!
//! Everything is written with multi-row INSERTs of literal values (all generated here,
//! quoted) in one transaction per batch of organizations, bypassing the audit trail:
//! this is test data, never a real organization's. Deterministic for a given seed and
//! current fiscal year.

use std::collections::HashMap;
use std::fmt::Write as _;

use prongsai_domain::OrgType;
use prongsai_domain::national::PROVINCES;
use prongsai_domain::risk::{RiskMatrix, Score};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{AnyConnection, Connection, Row};

use crate::backup::Progress;
use crate::error::{Result, StoreError};
use crate::{Db, schema};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub orgs: usize,
    pub first_year: i64,
    pub last_year: i64,
    pub seed: u64,
    /// The fiscal year "now": progress and scores exist up to it, not after.
    pub current_year: i64,
    /// Organizations per transaction.
    pub batch: usize,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    pub organizations: u64,
    pub projects: u64,
    pub budgets: u64,
    pub progress: u64,
    pub ita_scores: u64,
    pub risks: u64,
}

pub const PROJECTS_PER_PLAN: usize = 36;

/// Project names per dimension (the NACC template's four dimensions), 12 + 9 + 9 + 6.
const PROJECTS: [(u32, &str, &str); PROJECTS_PER_PLAN] = [
    (1, "1.1", "โครงการส่งเสริมการบริหารงานตามหลักธรรมาภิบาล"),
    (1, "1.1", "โครงการเสริมสร้างค่านิยมต่อต้านการทุจริต"),
    (1, "1.1", "กิจกรรมอบรมคุณธรรมจริยธรรมแก่บุคลากร"),
    (1, "1.1", "โครงการปลูกฝังวิถีคิดแยกแยะผลประโยชน์ส่วนตนและส่วนรวม"),
    (1, "1.2", "มาตรการ No Gift Policy"),
    (1, "1.2", "มาตรการป้องกันผลประโยชน์ทับซ้อน"),
    (1, "1.2", "โครงการพัฒนาความรู้ด้านกฎหมายและระเบียบ"),
    (1, "1.2", "มาตรการส่งเสริมการปฏิบัติงานตามประมวลจริยธรรม"),
    (1, "1.3", "โครงการเยาวชนต้นแบบความซื่อสัตย์"),
    (1, "1.3", "กิจกรรมโตไปไม่โกง"),
    (1, "1.3", "โครงการส่งเสริมความพอเพียงในชุมชน"),
    (1, "1.3", "กิจกรรมวันต่อต้านคอร์รัปชันสากล"),
    (2, "2.1", "มาตรการแสดงเจตจำนงสุจริตของผู้บริหาร"),
    (2, "2.2", "มาตรการสร้างความโปร่งใสในการบริหารงานบุคคล"),
    (2, "2.2", "กิจกรรมสร้างความโปร่งใสในการพิจารณาเลื่อนขั้นเงินเดือน"),
    (2, "2.2", "มาตรการควบคุมการเบิกจ่ายเงินตามข้อบัญญัติงบประมาณ"),
    (2, "2.2", "กิจกรรมวิเคราะห์ผลการจัดซื้อจัดจ้างประจำปี"),
    (
        2,
        "2.2",
        "โครงการเสริมสร้างความโปร่งใสในการใช้ทรัพย์สินของทางราชการ",
    ),
    (2, "2.3", "โครงการพัฒนาคุณภาพการให้บริการประชาชน"),
    (2, "2.3", "โครงการพัฒนาระบบการให้บริการผ่านระบบอิเล็กทรอนิกส์"),
    (2, "2.4", "มาตรการมอบอำนาจอนุมัติ อนุญาต สั่งการ"),
    (3, "3.1", "โครงการพัฒนาศูนย์ข้อมูลข่าวสาร"),
    (3, "3.1", "มาตรการเผยแพร่ข้อมูลข่าวสารทางเว็บไซต์"),
    (3, "3.2", "โครงการประชาคมหมู่บ้าน"),
    (3, "3.2", "มาตรการจัดการเรื่องร้องเรียนร้องทุกข์"),
    (3, "3.2", "มาตรการจัดให้มีช่องทางแจ้งเบาะแสการทุจริต"),
    (3, "3.3", "โครงการแต่งตั้งตัวแทนประชาคมร่วมตรวจรับงานจ้าง"),
    (3, "3.3", "กิจกรรมประเมินความพึงพอใจของประชาชน"),
    (3, "3.3", "โครงการสำรวจความต้องการของประชาชน"),
    (3, "3.3", "กิจกรรมรายงานผลการดำเนินงานต่อสาธารณะ"),
    (4, "4.1", "โครงการจัดทำแผนการตรวจสอบภายในประจำปี"),
    (4, "4.1", "กิจกรรมติดตามประเมินผลการควบคุมภายใน"),
    (4, "4.1", "มาตรการบริหารจัดการความเสี่ยงการทุจริต"),
    (4, "4.2", "โครงการส่งเสริมบทบาทสภาท้องถิ่นในการตรวจสอบ"),
    (4, "4.3", "กิจกรรมส่งเสริมภาคประชาชนร่วมตรวจสอบ"),
    (4, "4.4", "มาตรการเฝ้าระวังการทุจริตโดยชุมชน"),
];

/// The four processes of the template's Part 1 risk table, with the projects (by
/// number) that carry out their controls.
const RISKS: [(&str, [u32; 3]); 4] = [
    ("การบริหารงานของหน่วยงานและการปฏิบัติงานของบุคลากร", [1, 2, 8]),
    ("การบริหารงานบุคคล", [14, 15, 13]),
    (
        "การบริหารการเงิน งบประมาณ การจัดซื้อจัดจ้าง และการบริหารพัสดุ",
        [16, 17, 18],
    ),
    ("การให้บริการสาธารณะ/บริการประชาชน", [5, 19, 20]),
];

const DIVISIONS: [(&str, &str); 3] = [
    ("office", "สำนักปลัด"),
    ("finance", "กองคลัง"),
    ("works", "กองช่าง"),
];

/// Quotes text as an SQL literal (the values are ours, but quote them properly anyway).
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn kind_of(name: &str) -> &'static str {
    if name.starts_with("มาตรการ") {
        "measure"
    } else if name.starts_with("กิจกรรม") {
        "activity"
    } else {
        "project"
    }
}

/// Runs one multi-row INSERT per `chunk` rows of `values` (each a parenthesised tuple).
async fn insert(conn: &mut AnyConnection, head: &str, values: &[String]) -> Result<()> {
    for chunk in values.chunks(1000) {
        let mut sql =
            String::with_capacity(head.len() + chunk.iter().map(|v| v.len() + 2).sum::<usize>());
        sql.push_str(head);
        sql.push_str(" VALUES ");
        sql.push_str(&chunk.join(", "));
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// A type for the i-th organization: the first 76 are the provinces' อบจ., the rest
/// drawn in about the country's proportions.
fn org_type(i: usize, rng: &mut StdRng) -> OrgType {
    if i < PROVINCES.len() {
        return OrgType::Provincial;
    }
    match rng.gen_range(0..1000) {
        0..=3 => OrgType::CityMunicipality,
        4..=28 => OrgType::TownMunicipality,
        29..=314 => OrgType::SubdistrictMunicipality,
        _ => OrgType::Subdistrict,
    }
}

/// The synthetic plan every generated organization stores as JSON.
fn plan_json(first: i64, last: i64) -> Result<String> {
    use prongsai_plan::{Plan, Project, ProjectKind, Targets};
    let years: Vec<u32> = (first..=last)
        .filter_map(|y| u32::try_from(y).ok())
        .collect();
    let mut targets = Targets::default();
    for (i, y) in years.iter().enumerate() {
        targets
            .ita_score
            .insert(y.to_string(), 65.0 + 5.0 * i as f64);
        targets
            .corruption_case_reduction_percent
            .insert(y.to_string(), 10.0 * (i as f64 + 1.0));
    }
    let projects = PROJECTS
        .iter()
        .enumerate()
        .map(|(i, (dim, mission, name))| Project {
            no: i as u32 + 1,
            dimension: *dim,
            mission: (*mission).to_string(),
            kind: match kind_of(name) {
                "measure" => ProjectKind::Measure,
                "activity" => ProjectKind::Activity,
                _ => ProjectKind::Project,
            },
            name: (*name).to_string(),
            ..Project::default()
        })
        .collect();
    let plan = Plan {
        organization: "องค์กรตัวอย่าง".into(),
        title: "แผนปฏิบัติการป้องกันการทุจริต (ข้อมูลสังเคราะห์)".into(),
        fiscal_years: years,
        targets,
        projects,
        ..Plan::default()
    };
    serde_json::to_string(&plan)
        .map_err(|e| StoreError::Invalid(format!("cannot write the synthetic plan: {e}")))
}

/// Fills the database. Organizations get slugs `gen-00001`… continuing after any
/// generated before.
pub async fn generate(db: &Db, o: &Options, progress: &dyn Progress) -> Result<Generated> {
    if o.first_year > o.last_year
        || !(2500..=2700).contains(&o.first_year)
        || o.last_year - o.first_year > 20
    {
        return Err(StoreError::Invalid(format!(
            "years {}–{} are not a B.E. range",
            o.first_year, o.last_year
        )));
    }
    let mut conn = db.pool.acquire().await?;
    let has_progress = schema::tables(&mut conn, db.backend)
        .await?
        .iter()
        .any(|t| t == "progress");
    let (start,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM organizations WHERE slug LIKE 'gen-%'")
            .fetch_one(&mut *conn)
            .await?;
    let plan_json = q(&plan_json(o.first_year, o.last_year)?);
    let mut rng = StdRng::seed_from_u64(o.seed);
    let mut out = Generated::default();
    let now = crate::now_ms();
    let years: Vec<i64> = (o.first_year..=o.last_year).collect();
    progress.stage("organizations", o.orgs as u64);
    let batch = o.batch.max(1);
    let mut done = 0usize;
    while done < o.orgs {
        let n = batch.min(o.orgs - done);
        let mut tx = conn.begin().await?;
        // Organizations.
        let mut values = Vec::with_capacity(n);
        for k in 0..n {
            let i = done + k;
            let idx = start as usize + i + 1;
            let g = idx - 1;
            let ty = org_type(g, &mut rng);
            let province = PROVINCES[g % PROVINCES.len()];
            let name = match ty {
                OrgType::Provincial => format!("{}{province}", ty.label_th()),
                _ => format!("{}ตัวอย่างที่ {idx}", ty.label_th()),
            };
            values.push(format!(
                "({}, {}, {}, {}, {}, {now})",
                q(&format!("gen-{idx:05}")),
                q(&name),
                q(&format!("Sample {} {idx}", ty.label_en())),
                q(ty.code()),
                q(province),
            ));
        }
        let sql = format!(
            "INSERT INTO organizations (slug, name_th, name_en, org_type, province, created_at) VALUES {} RETURNING id",
            values.join(", ")
        );
        let mut org_ids: Vec<i64> = sqlx::query(&sql)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        org_ids.sort_unstable();

        // Divisions, plans.
        let mut divs = Vec::new();
        let mut plans = Vec::new();
        for id in &org_ids {
            for (s, (code, name)) in DIVISIONS.iter().enumerate() {
                divs.push(format!("({id}, {}, {}, {s})", q(code), q(name)));
            }
            plans.push(format!(
                "({id}, 1, 'แผนปฏิบัติการป้องกันการทุจริต (ข้อมูลสังเคราะห์)', 'องค์กรตัวอย่าง', {}, {}, 'generated', \
                 '0000000000000000000000000000000000000000000000000000000000000000', {plan_json}, '[]', {}, 0, 0, \
                 'system', {now}, 1)",
                o.first_year, o.last_year, PROJECTS_PER_PLAN
            ));
        }
        insert(
            &mut tx,
            "INSERT INTO divisions (org_id, code, name_th, sort_order)",
            &divs,
        )
        .await?;
        let sql = format!(
            "INSERT INTO plans (org_id, version, title, organization_name, first_year, last_year, source_name, \
             source_sha256, plan_json, findings_json, project_count, error_count, warning_count, imported_by, \
             imported_at, is_current) VALUES {} RETURNING id, org_id",
            plans.join(", ")
        );
        let plan_of: HashMap<i64, i64> = sqlx::query(&sql)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(1)?, r.try_get::<i64, _>(0)?)))
            .collect::<Result<_>>()?;
        let div_rows: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
            "SELECT id, org_id, code FROM divisions WHERE org_id >= {} AND org_id <= {}",
            org_ids.first().copied().unwrap_or(0),
            org_ids.last().copied().unwrap_or(0)
        ))
        .fetch_all(&mut *tx)
        .await?;
        let div_of: HashMap<(i64, String), i64> = div_rows
            .into_iter()
            .map(|(id, org, code)| ((org, code), id))
            .collect();

        let (mut projects, mut budgets, mut targets, mut prog, mut ita, mut cases, mut risks) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for id in &org_ids {
            let plan = plan_of.get(id).copied().unwrap_or(0);
            for (p, (dim, mission, name)) in PROJECTS.iter().enumerate() {
                let no = p + 1;
                let code = DIVISIONS[p % DIVISIONS.len()].0;
                let div = div_of
                    .get(&(*id, code.to_string()))
                    .map_or("NULL".to_string(), |d| d.to_string());
                projects.push(format!(
                    "({id}, {plan}, {no}, {no}, {dim}, {}, {}, {}, {}, {div})",
                    q(mission),
                    q(kind_of(name)),
                    q(name),
                    q(DIVISIONS[p % DIVISIONS.len()].1)
                ));
                for y in &years {
                    let amount: i64 = if rng.gen_bool(0.3) {
                        0
                    } else {
                        rng.gen_range(1..=100) * 5_000
                    };
                    budgets.push(format!("({id}, {plan}, {no}, {y}, {amount})"));
                    if has_progress && *y <= o.current_year {
                        let roll = rng.gen_range(0..100);
                        let past = *y < o.current_year;
                        let status = match (past, roll) {
                            (true, 0..=74) | (false, 0..=14) => Some("done"),
                            (true, 75..=84) => Some("could_not_be_done"),
                            (true, 85..=89) | (false, 15..=64) => Some("in_progress"),
                            _ => None,
                        };
                        if let Some(status) = status {
                            let share = match status {
                                "done" => rng.gen_range(60..=100),
                                "in_progress" => rng.gen_range(0..=50),
                                _ => 0,
                            };
                            let disbursed = amount * 100 * share / 100;
                            let reason = if status == "could_not_be_done" {
                                "'no_budget'"
                            } else {
                                "NULL"
                            };
                            prog.push(format!(
                                "({id}, {no}, {y}, '{status}', {reason}, {}, {disbursed}, '{}', 'system', {now})",
                                amount * 100,
                                if past { "approved" } else { "draft" }
                            ));
                        }
                    }
                }
            }
            for (i, y) in years.iter().enumerate() {
                targets.push(format!(
                    "({id}, {plan}, 'ita_score', {y}, {})",
                    65 + 5 * i as i64
                ));
                targets.push(format!(
                    "({id}, {plan}, 'corruption_case_reduction_percent', {y}, {})",
                    10 * (i as i64 + 1)
                ));
            }
            let base: f64 = rng.gen_range(55.0..90.0);
            let baseline_cases: i64 = rng.gen_range(0..=6);
            cases.push(format!(
                "({id}, 2565, {baseline_cases}, '', 'system', {now})"
            ));
            for (i, y) in years
                .iter()
                .enumerate()
                .filter(|(_, y)| **y <= o.current_year)
            {
                let score = (base + 2.5 * i as f64 + rng.gen_range(-4.0..4.0)).clamp(0.0, 100.0);
                let part = |r: &mut StdRng| (score + r.gen_range(-8.0..8.0)).clamp(0.0, 100.0);
                let (iit, eit, oit) = (part(&mut rng), part(&mut rng), part(&mut rng));
                ita.push(format!(
                    "({id}, {y}, {:.2}, {iit:.2}, {eit:.2}, {oit:.2}, '', 'system', {now})",
                    score
                ));
                let c = (baseline_cases - i as i64 + rng.gen_range(-1..=1)).max(0);
                cases.push(format!("({id}, {y}, {c}, '', 'system', {now})"));
            }
            for (r, (process, _)) in RISKS.iter().enumerate() {
                let (l, i): (i64, i64) = (rng.gen_range(1..=5), rng.gen_range(1..=5));
                let level = match (Score::new(l), Score::new(i)) {
                    (Some(l), Some(i)) => RiskMatrix::default().level(l, i),
                    _ => return Err(StoreError::Invalid("a generated score left 1–5".into())),
                };
                let owner = div_of
                    .get(&(*id, DIVISIONS[r % DIVISIONS.len()].0.to_string()))
                    .map_or("NULL".to_string(), |d| d.to_string());
                risks.push(format!(
                    "({id}, {}, {}, '[]', {l}, {i}, '{}', {owner}, '', {plan}, {}, {now}, {now})",
                    r + 1,
                    q(process),
                    level.code(),
                    r + 1
                ));
            }
        }
        insert(
            &mut tx,
            "INSERT INTO plan_projects (org_id, plan_id, no, project_key, dimension, mission, kind, name, responsible, division_id)",
            &projects,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO plan_budgets (org_id, plan_id, project_no, fiscal_year, amount)",
            &budgets,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO plan_targets (org_id, plan_id, kind, fiscal_year, value)",
            &targets,
        )
        .await?;
        if has_progress {
            insert(
                &mut tx,
                "INSERT INTO progress (org_id, project_key, fiscal_year, status, reason, ordinance_satang, \
                 disbursed_satang, approval, updated_by, updated_at)",
                &prog,
            )
            .await?;
        }
        insert(
            &mut tx,
            "INSERT INTO ita_scores (org_id, fiscal_year, score, iit, eit, oit, note, updated_by, updated_at)",
            &ita,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO corruption_cases (org_id, fiscal_year, cases, note, updated_by, updated_at)",
            &cases,
        )
        .await?;
        let mut sql = String::from(
            "INSERT INTO risks (org_id, no, process, issues_json, likelihood, impact, level, owner_division_id, \
             review_date, source_plan_id, source_seq, created_at, updated_at) VALUES ",
        );
        sql.push_str(&risks.join(", "));
        sql.push_str(" RETURNING id, org_id, no");
        let risk_rows = sqlx::query(&sql).fetch_all(&mut *tx).await?;
        let mut controls = Vec::new();
        for r in &risk_rows {
            let (rid, org, no): (i64, i64, i64) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let Some((_, keys)) = usize::try_from(no - 1).ok().and_then(|i| RISKS.get(i)) else {
                continue;
            };
            for (s, key) in keys.iter().enumerate() {
                let name = PROJECTS.get(*key as usize - 1).map_or("", |p| p.2);
                let mut v = String::new();
                let _ = write!(v, "({org}, {rid}, {}, {}, {key})", s + 1, q(name));
                controls.push(v);
            }
        }
        insert(
            &mut tx,
            "INSERT INTO risk_controls (org_id, risk_id, seq, text, project_key)",
            &controls,
        )
        .await?;
        tx.commit().await?;

        out.organizations += n as u64;
        out.projects += projects.len() as u64;
        out.budgets += budgets.len() as u64;
        out.progress += prog.len() as u64;
        out.ita_scores += ita.len() as u64;
        out.risks += risks.len() as u64;
        done += n;
        progress.advance(n as u64);
    }
    progress.finish();
    // Fresh statistics, so the planner uses the year indexes at once.
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(out)
}
