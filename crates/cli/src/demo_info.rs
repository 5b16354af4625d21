//! The demo's public information (`serve --demo`): published items in each of the
//! plan's five groups (ข้อมูลพื้นฐาน, การบริหารงาน, การบริหารเงินงบประมาณ,
//! การบริหารและพัฒนาทรัพยากรบุคคล, การส่งเสริมความโปร่งใส), the executives on the home
//! page, and ITA results for 2566–2567 with corruption case counts from the 2565
//! baseline, so the public ITA page and the dashboard show a trend against the plan's
//! targets.
//!
//! Everything goes through the store's own functions (audited, indexed for search).
//! The procurement plan is published twice (a revision: two versions in its history),
//! and the quarterly service statistics were last published four months ago, so the
//! staff list and the OIT readiness view show a stale item.
//!
//! Written once: each part is skipped when the organization already has some (a demo
//! restarted on the same data directory keeps what people changed).

use prongsai_domain::disclosure::{InfoGroup, UpdateRhythm};
use prongsai_domain::ita::ItaResult;
use prongsai_store::audit::Actor;
use prongsai_store::disclosure::{self, Executive, ItemDraft};
use prongsai_store::{Db, Keys, ita, orgs, users};

use crate::error::Result;

/// A demo item: group, title, body, date, fiscal year, rhythm, division code.
struct Item {
    group: InfoGroup,
    title: &'static str,
    body: &'static str,
    date: &'static str,
    year: i64,
    rhythm: UpdateRhythm,
    division: &'static str,
    links: &'static str,
}

const DAY_MS: i64 = 86_400_000;

fn items() -> Vec<Item> {
    use InfoGroup::{Administration, Basic, Budget, HumanResources, Transparency};
    use UpdateRhythm::{Monthly, Once, Quarterly, Yearly};
    vec![
        Item {
            group: Basic,
            title: "โครงสร้างส่วนราชการของเทศบาลเมืองฉะเชิงเทรา",
            body: "เทศบาลเมืองฉะเชิงเทราแบ่งส่วนราชการออกเป็น สำนักปลัดเทศบาล กองคลัง กองยุทธศาสตร์และงบประมาณ กองการเจ้าหน้าที่ กองสาธารณสุขและสิ่งแวดล้อม กองการศึกษา กองสวัสดิการสังคม และหน่วยงานตรวจสอบภายใน\n\nแต่ละส่วนราชการมีผู้อำนวยการกองเป็นผู้บังคับบัญชา ขึ้นตรงต่อปลัดเทศบาล",
            date: "2023-10-02",
            year: 2567,
            rhythm: Yearly,
            division: "office",
            links: "",
        },
        Item {
            group: Basic,
            title: "อำนาจหน้าที่ของเทศบาลเมือง",
            body: "เทศบาลเมืองมีอำนาจหน้าที่ตามพระราชบัญญัติเทศบาล พ.ศ. ๒๔๙๖ มาตรา ๕๓ และมาตรา ๕๔ และพระราชบัญญัติกำหนดแผนและขั้นตอนการกระจายอำนาจให้แก่องค์กรปกครองส่วนท้องถิ่น พ.ศ. ๒๕๔๒ มาตรา ๑๖ เช่น การรักษาความสะอาดของถนน ทางเดิน และที่สาธารณะ การป้องกันและระงับโรคติดต่อ การจัดการศึกษา และการส่งเสริมอาชีพของราษฎร",
            date: "2023-10-02",
            year: 2567,
            rhythm: Once,
            division: "office",
            links: "",
        },
        Item {
            group: Basic,
            title: "แผนพัฒนาท้องถิ่น (พ.ศ. ๒๕๖๖–๒๕๗๐)",
            body: "แผนพัฒนาท้องถิ่นห้าปีของเทศบาลเมืองฉะเชิงเทรา ผ่านความเห็นชอบของคณะกรรมการพัฒนาเทศบาลและประกาศใช้แล้ว ประกอบด้วยยุทธศาสตร์การพัฒนา ๖ ด้าน และบัญชีโครงการพัฒนา",
            date: "2022-06-15",
            year: 2566,
            rhythm: Once,
            division: "strategy",
            links: "",
        },
        Item {
            group: Administration,
            title: "คู่มือการปฏิบัติงานเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
            body: "คู่มือนี้กำหนดขั้นตอนการรับและจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบของเจ้าหน้าที่ ตั้งแต่การรับเรื่อง การลงทะเบียน การคุ้มครองผู้ร้องเรียน การตรวจสอบข้อเท็จจริง จนถึงการแจ้งผลให้ผู้ร้องทราบภายใน ๑๕ วันทำการ\n\nช่องทางร้องเรียน: ศูนย์รับเรื่องร้องเรียนของเทศบาล โทรศัพท์ ๐ ๓๘๕๑ ๑๐๒๔ และหน้าเว็บไซต์นี้",
            date: "2023-11-01",
            year: 2567,
            rhythm: Yearly,
            division: "office",
            links: "",
        },
        Item {
            group: Administration,
            title: "คู่มือมาตรฐานการให้บริการ การขอใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ",
            body: "ขั้นตอน ระยะเวลา และเอกสารประกอบการยื่นขอใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ ตามพระราชบัญญัติการอำนวยความสะดวกในการพิจารณาอนุญาตของทางราชการ พ.ศ. ๒๕๕๘ ระยะเวลาให้บริการไม่เกิน ๓๐ วัน",
            date: "2023-11-01",
            year: 2567,
            rhythm: Yearly,
            division: "health",
            links: "",
        },
        Item {
            group: Administration,
            title: "ข้อมูลเชิงสถิติการให้บริการ ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๗",
            body: "สถิติการให้บริการประชาชน ตุลาคม–ธันวาคม ๒๕๖๖: ชำระภาษีที่ดินและสิ่งปลูกสร้าง ๑,๒๔๕ ราย ขอใบอนุญาตก่อสร้าง ๓๘ ราย จดทะเบียนพาณิชย์ ๕๖ ราย รับเรื่องร้องเรียน ๔๒ เรื่อง",
            date: "2024-01-10",
            year: 2567,
            rhythm: Quarterly,
            division: "office",
            links: "",
        },
        Item {
            group: Administration,
            title: "รายงานผลการดำเนินงานประจำปี ๒๕๖๖",
            body: "สรุปผลการดำเนินงานตามแผนพัฒนาท้องถิ่นในปีงบประมาณ ๒๕๖๖ จำนวนโครงการที่ดำเนินการแล้วเสร็จ ผลการเบิกจ่ายงบประมาณ ปัญหาอุปสรรค และข้อเสนอแนะ",
            date: "2023-12-15",
            year: 2566,
            rhythm: Yearly,
            division: "strategy",
            links: "",
        },
        Item {
            group: Budget,
            title: "แผนการใช้จ่ายงบประมาณประจำปี พ.ศ. ๒๕๖๗",
            body: "แผนการใช้จ่ายงบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. ๒๕๖๗ จำแนกตามแผนงานและรายไตรมาส ตามเทศบัญญัติงบประมาณรายจ่ายประจำปี",
            date: "2023-10-16",
            year: 2567,
            rhythm: Yearly,
            division: "finance",
            links: "",
        },
        Item {
            group: Budget,
            title: "แผนการจัดซื้อจัดจ้างประจำปี ๒๕๖๗",
            body: "แผนการจัดซื้อจัดจ้างประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ตามพระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. ๒๕๖๐ มาตรา ๑๑ เผยแพร่ในระบบเครือข่ายสารสนเทศของกรมบัญชีกลางและของเทศบาล",
            date: "2023-10-20",
            year: 2567,
            rhythm: Yearly,
            division: "finance",
            links: "ระบบการจัดซื้อจัดจ้างภาครัฐ | https://www.gprocurement.go.th/",
        },
        Item {
            group: Budget,
            title: "ประกาศผลการจัดซื้อจัดจ้างประจำเดือน มีนาคม ๒๕๖๗",
            body: "สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือนมีนาคม ๒๕๖๗ (แบบ สขร.๑) รายการจัดซื้อจัดจ้าง วงเงิน วิธีซื้อหรือจ้าง ผู้เสนอราคา ผู้ได้รับการคัดเลือก และเหตุผลที่คัดเลือก",
            date: "2024-04-05",
            year: 2567,
            rhythm: Monthly,
            division: "finance",
            links: "",
        },
        Item {
            group: Budget,
            title: "รายงานผลการใช้จ่ายงบประมาณ รอบ ๖ เดือน ปีงบประมาณ ๒๕๖๗",
            body: "ผลการเบิกจ่ายงบประมาณ ตุลาคม ๒๕๖๖ – มีนาคม ๒๕๖๗ เทียบกับแผนการใช้จ่าย จำแนกตามแผนงาน พร้อมปัญหาอุปสรรคในการเบิกจ่าย",
            date: "2024-04-20",
            year: 2567,
            rhythm: Yearly,
            division: "finance",
            links: "",
        },
        Item {
            group: HumanResources,
            title: "นโยบายการบริหารทรัพยากรบุคคล ประจำปี ๒๕๖๗",
            body: "นโยบายด้านการวางแผนกำลังคน การสรรหา การพัฒนา การประเมินผลการปฏิบัติงาน และการเสริมสร้างขวัญกำลังใจของพนักงานเทศบาล ลูกจ้างประจำ และพนักงานจ้าง",
            date: "2023-10-05",
            year: 2567,
            rhythm: Yearly,
            division: "personnel",
            links: "",
        },
        Item {
            group: HumanResources,
            title: "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล",
            body: "หลักเกณฑ์การสรรหาและคัดเลือก การแต่งตั้ง การเลื่อนขั้นเงินเดือน และการพัฒนาบุคลากร ตามประกาศคณะกรรมการพนักงานเทศบาลจังหวัดฉะเชิงเทรา",
            date: "2023-10-05",
            year: 2567,
            rhythm: Once,
            division: "personnel",
            links: "",
        },
        Item {
            group: HumanResources,
            title: "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี ๒๕๖๖",
            body: "ผลการดำเนินการตามแผนพัฒนาบุคลากร ปีงบประมาณ ๒๕๖๖: ฝึกอบรม ๒๔ หลักสูตร ผู้เข้ารับการอบรม ๓๑๒ คน ผลการประเมินความพึงพอใจเฉลี่ยร้อยละ ๘๘",
            date: "2023-11-30",
            year: 2566,
            rhythm: Yearly,
            division: "personnel",
            links: "",
        },
        Item {
            group: Transparency,
            title: "ประกาศเจตจำนงสุจริตของผู้บริหาร",
            body: "ข้าพเจ้า นายกเทศมนตรีเมืองฉะเชิงเทรา ขอประกาศเจตจำนงว่าจะบริหารงานด้วยความซื่อสัตย์สุจริต โปร่งใส และตรวจสอบได้ ไม่ทนต่อการทุจริตทุกรูปแบบ และจะส่งเสริมให้บุคลากรทุกคนปฏิบัติหน้าที่ตามหลักธรรมาภิบาล\n\nประกาศ ณ วันที่ ๒ ตุลาคม พ.ศ. ๒๕๖๖",
            date: "2023-10-02",
            year: 2567,
            rhythm: Yearly,
            division: "office",
            links: "",
        },
        Item {
            group: Transparency,
            title: "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปี ๒๕๖๗",
            body: "มาตรการที่เทศบาลกำหนดจากผลการประเมิน ITA ปี ๒๕๖๖ เพื่อปรับปรุงการเปิดเผยข้อมูล การจัดการเรื่องร้องเรียน และการป้องกันผลประโยชน์ทับซ้อน พร้อมผู้รับผิดชอบและระยะเวลาดำเนินการ",
            date: "2024-01-15",
            year: 2567,
            rhythm: Yearly,
            division: "office",
            links: "",
        },
        Item {
            group: Transparency,
            title: "ประกาศนโยบายไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่ (No Gift Policy)",
            body: "ผู้บริหารและเจ้าหน้าที่ของเทศบาลเมืองฉะเชิงเทราทุกคนงดให้และงดรับของขวัญหรือของกำนัลทุกชนิดจากการปฏิบัติหน้าที่ ในทุกเทศกาลและโอกาส",
            date: "2023-12-20",
            year: 2567,
            rhythm: Yearly,
            division: "office",
            links: "",
        },
    ]
}

/// The executives on the home page.
pub const EXECUTIVES: &[(&str, &str)] = &[
    ("นายกิตติพงษ์ ศรีสุวรรณ", "นายกเทศมนตรีเมืองฉะเชิงเทรา"),
    ("นางสาวพรทิพย์ วงศ์ทองดี", "รองนายกเทศมนตรี"),
    ("นายสมชาย แก้วประเสริฐ", "รองนายกเทศมนตรี"),
    ("นางวิไลวรรณ จันทร์หอม", "ปลัดเทศบาล"),
    ("นายอนุชา บุญมาก", "รองปลัดเทศบาล"),
];

/// ITA results: (year, ITA, IIT, EIT, OIT), ITA = 30 % IIT + 30 % EIT + 40 % OIT.
pub const ITA: &[(i64, f64, f64, f64, f64)] = &[
    (2566, 78.98, 90.12, 82.47, 68.0),
    (2567, 87.04, 92.35, 85.1, 84.5),
];

/// Corruption and misconduct cases: the 2565 baseline, then 2566–2567.
pub const CASES: &[(i64, i64)] = &[(2565, 10), (2566, 8), (2567, 7)];

/// Adds whatever of the demo's information, executives and ITA results the
/// organization does not have yet.
pub async fn seed(db: &Db, keys: &Keys, org_id: i64, org_slug: &str) -> Result<()> {
    let mut conn = db.pool.acquire().await?;
    let key = &keys.audit;
    // The clerk publishes (any division's items); staff of "system" otherwise.
    let clerk = users::by_username(&mut conn, "clerk")
        .await?
        .map_or_else(Actor::system, |u| Actor::user(u.id, "clerk"));

    if disclosure::list(&mut conn, org_id).await?.is_empty() {
        let now = prongsai_store::now_ms();
        for it in items() {
            let division = orgs::division_by_code(&mut conn, org_id, it.division)
                .await?
                .map(|d| d.id);
            let mut draft = ItemDraft {
                group: it.group,
                title: it.title.into(),
                body: it.body.into(),
                item_date: it.date.into(),
                fiscal_year: it.year,
                rhythm: it.rhythm,
                links: it.links.into(),
                division_id: division,
            };
            let item = disclosure::create(&mut conn, key, org_id, &draft, &clerk).await?;
            let (first, revised) = if it.rhythm == UpdateRhythm::Quarterly {
                (now - 120 * DAY_MS, false)
            } else if it.title.starts_with("แผนการจัดซื้อจัดจ้าง")
            {
                (now - 30 * DAY_MS, true)
            } else {
                (now - DAY_MS, false)
            };
            disclosure::publish_at(&mut conn, key, org_id, org_slug, item.no, &clerk, first)
                .await?;
            if revised {
                draft.title = format!("{} (ฉบับปรับปรุง ครั้งที่ ๑)", it.title);
                draft.body = format!(
                    "{}\n\nปรับปรุงครั้งที่ ๑: เพิ่มรายการจัดซื้อครุภัณฑ์การศึกษาตามเทศบัญญัติงบประมาณรายจ่ายเพิ่มเติม",
                    it.body
                );
                disclosure::update(&mut conn, key, org_id, item.no, &draft, &clerk).await?;
                disclosure::publish_at(&mut conn, key, org_id, org_slug, item.no, &clerk, now)
                    .await?;
            }
        }
    }

    if disclosure::executives(&mut conn, org_id).await?.is_empty() {
        let list: Vec<Executive> = EXECUTIVES
            .iter()
            .map(|(name, position)| Executive {
                name: (*name).into(),
                position: (*position).into(),
            })
            .collect();
        disclosure::set_executives(&mut conn, key, org_id, &list, &clerk).await?;
    }

    let have: Vec<i64> = ita::scores(&mut conn, org_id)
        .await?
        .iter()
        .map(|s| s.fiscal_year)
        .collect();
    for &(year, score, iit, eit, oit) in ITA {
        if !have.contains(&year) {
            let r = ItaResult {
                fiscal_year: year,
                score,
                iit: Some(iit),
                eit: Some(eit),
                oit: Some(oit),
            };
            ita::set_score(
                &mut conn,
                key,
                org_id,
                &r,
                "ผลการประเมินจากสำนักงาน ป.ป.ช.",
                &clerk,
            )
            .await?;
        }
    }
    let have: Vec<i64> = ita::cases(&mut conn, org_id)
        .await?
        .iter()
        .map(|c| c.fiscal_year)
        .collect();
    for &(year, n) in CASES {
        if !have.contains(&year) {
            let note = if year == prongsai_domain::ita::BASELINE_YEAR {
                "ปีฐานของแผน"
            } else {
                ""
            };
            ita::set_cases(&mut conn, key, org_id, year, n, note, &clerk).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use prongsai_domain::{OrgType, Slug};
    use prongsai_store::orgs::NewOrganization;

    #[test]
    fn every_group_has_items_and_they_validate() {
        let all = items();
        for g in InfoGroup::ALL {
            assert!(
                all.iter().filter(|i| i.group == g).count() >= 3,
                "{g:?} has too few items"
            );
        }
        for it in &all {
            assert!(
                crate::demo::DIVISIONS.iter().any(|d| d.0 == it.division),
                "{}",
                it.title
            );
        }
        for &(_, score, iit, eit, oit) in ITA {
            let weighted = 0.3 * iit + 0.3 * eit + 0.4 * oit;
            assert!((weighted - score).abs() < 0.01, "{score} vs {weighted}");
        }
    }

    #[tokio::test]
    async fn the_demo_creates_its_information_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.sqlite").display());
        let db = Db::connect(&url).await.unwrap();
        let keys = Keys::for_tests();
        let mut c = db.pool.acquire().await.unwrap();
        let org = orgs::create(
            &mut c,
            &keys.audit,
            &NewOrganization {
                slug: Slug::parse(crate::demo::SLUG).unwrap(),
                name_th: "เทศบาลเมืองฉะเชิงเทรา".into(),
                name_en: String::new(),
                org_type: OrgType::TownMunicipality,
                province: "ฉะเชิงเทรา".into(),
            },
            &Actor::cli(),
        )
        .await
        .unwrap();
        for (code, th, en) in crate::demo::DIVISIONS {
            orgs::create_division(&mut c, &keys.audit, org.id, code, th, en, &Actor::cli())
                .await
                .unwrap();
        }
        drop(c);
        for _ in 0..2 {
            seed(&db, &keys, org.id, &org.slug).await.unwrap();
        }
        let mut c = db.pool.acquire().await.unwrap();
        let list = disclosure::list(&mut c, org.id).await.unwrap();
        assert_eq!(list.len(), items().len(), "created once");
        assert!(
            list.iter()
                .all(|i| i.is_public() && i.division_id.is_some())
        );
        let public = disclosure::public_list(&mut c, org.id).await.unwrap();
        for g in InfoGroup::ALL {
            assert!(public.iter().any(|p| p.group == g), "{g:?} not public");
        }
        let now = prongsai_store::now_ms();
        let stale: Vec<_> = list.iter().filter(|i| i.is_stale(now)).collect();
        assert_eq!(stale.len(), 1, "the quarterly statistics");
        let plan = list
            .iter()
            .find(|i| i.title.starts_with("แผนการจัดซื้อจัดจ้าง"))
            .unwrap();
        assert_eq!(plan.version, 2, "the procurement plan was revised");
        assert_eq!(
            disclosure::executives(&mut c, org.id).await.unwrap().len(),
            EXECUTIVES.len()
        );
        let cmp = ita::comparison(&mut c, org.id).await.unwrap();
        assert_eq!(cmp.baseline_cases, Some(10));
        let scored: Vec<i64> = cmp
            .years
            .iter()
            .filter(|y| y.ita.is_some())
            .map(|y| y.fiscal_year)
            .collect();
        assert_eq!(scored, [2566, 2567]);
        assert_eq!(ita::cases(&mut c, org.id).await.unwrap().len(), CASES.len());
        let hits = prongsai_store::search::search(&mut c, org.id, "จัดซื้อจัดจ้าง", 10)
            .await
            .unwrap();
        assert!(!hits.is_empty(), "published items are searchable");
    }
}
