//! Demonstration procurement data for `serve --demo`: a fiscal year 2566 of the demo
//! municipality with a spending and a procurement plan, procurements by every method,
//! office supplies bought three times from one shop in a month (each under the
//! 500,000-baht limit, together over it), a single-bid e-bidding awarded above its
//! reference price, a spending check, and a **planted conflict of interest**: the demo
//! finance officer declares a business tie (a partnership and its tax id), sits on the
//! committee of a procurement that partnership bids in, and the bid is flagged.

use sqlx::AnyConnection;

use crate::audit::Actor;
use crate::error::Result;
use crate::procurement::{
    self as p, BidderInput, DeclarationInput, PlanItemInput, ProcurementInput, SpendingCheckInput,
};
use crate::{orgs, users};

/// The username whose declaration is planted, and the procurement it conflicts with.
pub const CONFLICTED_USER: &str = "officer";
pub const CONFLICTED_REF: &str = "66027001455";

/// A 13-digit number with a valid check digit, from its first twelve digits.
pub fn with_check_digit(first12: &str) -> String {
    let sum: u32 = first12
        .chars()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| d * (13 - i as u32))
        .sum();
    format!("{first12}{}", (11 - sum % 11) % 10)
}

/// What seeding did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    pub procurements: usize,
    pub conflict_flags: usize,
}

async fn member(
    conn: &mut AnyConnection,
    org_id: i64,
    username: &str,
) -> Result<Option<users::User>> {
    match users::by_username(conn, username).await? {
        Some(u) if users::membership(conn, org_id, u.id).await?.is_some() => Ok(Some(u)),
        _ => Ok(None),
    }
}

fn baht(b: i64) -> i64 {
    b * 100
}

/// Seeds the demo organization's procurement data, unless it already has some. The
/// demo accounts `officer` (finance) and `head` are the staff of the planted conflict.
pub async fn seed(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    hash_key: &[u8],
    org_id: i64,
) -> Result<Seeded> {
    seed_with(conn, audit_key, hash_key, org_id, CONFLICTED_USER, "head").await
}

/// [`seed`] with the usernames of the conflicted officer and the approving head.
pub async fn seed_with(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    hash_key: &[u8],
    org_id: i64,
    officer_username: &str,
    head_username: &str,
) -> Result<Seeded> {
    if !p::list(conn, org_id, None).await?.is_empty() {
        return Ok(Seeded::default());
    }
    let actor = Actor::system();
    let finance = orgs::division_by_code(conn, org_id, "finance")
        .await?
        .map(|d| d.id);
    let office = orgs::division_by_code(conn, org_id, "office")
        .await?
        .map(|d| d.id);
    let health = orgs::division_by_code(conn, org_id, "health")
        .await?
        .map(|d| d.id);
    let officer = member(conn, org_id, officer_username).await?;
    let head = member(conn, org_id, head_username).await?;
    // Plan project links: projects 4 and 10 of the current plan, when there is one.
    let mut key_of = std::collections::BTreeMap::new();
    if let Some(v) = crate::plans::current(conn, org_id).await? {
        for pr in crate::plans::projects(conn, org_id, v.id).await? {
            key_of.insert(pr.no, pr.project_key);
        }
    }
    for (kind, subject, division, method, budget, month) in [
        ("spending", "ค่าวัสดุสำนักงาน", office, "", 1_500_000, 0),
        (
            "spending",
            "ค่าก่อสร้างถนน คสล. ซอยศุภกิจ",
            finance,
            "",
            3_000_000,
            0,
        ),
        (
            "spending",
            "ค่าครุภัณฑ์ยานพาหนะ (รถบรรทุกขยะ)",
            health,
            "",
            2_500_000,
            0,
        ),
        (
            "procurement",
            "จัดซื้อวัสดุสำนักงาน",
            office,
            "specific",
            1_500_000,
            1,
        ),
        (
            "procurement",
            "ก่อสร้างถนน คสล. ซอยศุภกิจ",
            finance,
            "e_bidding",
            3_000_000,
            2,
        ),
        (
            "procurement",
            "จัดซื้อรถบรรทุกขยะ",
            health,
            "e_bidding",
            2_500_000,
            1,
        ),
        (
            "procurement",
            "จ้างซ่อมแซมอาคารสำนักงาน",
            finance,
            "selection",
            800_000,
            3,
        ),
    ] {
        p::add_plan_item(
            conn,
            audit_key,
            org_id,
            &PlanItemInput {
                fiscal_year: 2566,
                kind: kind.into(),
                subject: subject.into(),
                division_id: division,
                method: method.into(),
                budget: baht(budget),
                planned_month: month,
                project_key: key_of.get(&4).copied(),
            },
            &actor,
        )
        .await?;
    }

    let shop_tax = with_check_digit("010355300012");
    let road_tax = with_check_digit("010555612345");
    let truck_a = with_check_digit("010553701234");
    let truck_b = with_check_digit("010554401111");
    let truck_c = with_check_digit("010556002222");
    let partner_tax = with_check_digit("024356100777");
    let other_builder = with_check_digit("024355900888");

    let bid = |name: &str, tax: &str, amount: i64| BidderInput {
        name: name.into(),
        tax_id: tax.into(),
        amount: Some(baht(amount)),
        status: "valid".into(),
    };
    let base = |ref_no: &str, subject: &str, division: Option<i64>, method: &str, budget: i64| {
        ProcurementInput {
            ref_no: ref_no.into(),
            fiscal_year: 2566,
            subject: subject.into(),
            division_id: division,
            method: method.into(),
            category: "goods".into(),
            budget: baht(budget),
            reference_price: Some(baht(budget)),
            winner: Some(0),
            project_key: key_of.get(&10).copied(),
            ..ProcurementInput::default()
        }
    };
    let mut list: Vec<ProcurementInput> = Vec::new();
    for (n, (day, amount)) in [
        ("2023-01-05", 450_000),
        ("2023-01-12", 420_000),
        ("2023-01-25", 390_000),
    ]
    .into_iter()
    .enumerate()
    {
        let mut x = base(
            &format!("6601100{:04}", 120 + n),
            &format!("จัดซื้อวัสดุสำนักงาน ครั้งที่ {}", n + 1),
            office,
            "specific",
            480_000,
        );
        x.bidders = vec![bid("ร้านรุ่งเรืองพาณิชย์", &shop_tax, amount)];
        x.contract_amount = Some(baht(amount));
        x.contract_no = format!("ใบสั่งซื้อ {}/2566", n + 1);
        x.selection_reason = "เป็นผู้มีอาชีพขายโดยตรงและเสนอราคาไม่เกินวงเงินงบประมาณ".into();
        x.awarded_on = day.into();
        x.contract_date = day.into();
        list.push(x);
    }
    // Single bid, awarded above the reference price, announced three days before the
    // deadline.
    let mut road = base(
        "66029001122",
        "ก่อสร้างถนน คสล. ซอยศุภกิจ",
        finance,
        "e_bidding",
        3_000_000,
    );
    road.category = "works".into();
    road.reference_price = Some(baht(2_900_000));
    road.bidders = vec![bid("บริษัท ถนนดี จำกัด", &road_tax, 2_950_000)];
    road.contract_amount = Some(baht(2_950_000));
    road.contract_no = "สัญญาจ้าง 5/2566".into();
    road.announced_on = "2023-01-30".into();
    road.tender_end_on = "2023-02-02".into();
    road.awarded_on = "2023-02-10".into();
    road.contract_date = "2023-02-15".into();
    road.contract_start = "2023-02-16".into();
    road.contract_end = "2023-06-15".into();
    list.push(road);
    let mut truck = base(
        "66019005678",
        "จัดซื้อรถบรรทุกขยะ",
        health,
        "e_bidding",
        2_500_000,
    );
    truck.bidders = vec![
        bid("บริษัท รถดี จำกัด", &truck_a, 2_400_000),
        bid("บริษัท รถเร็ว จำกัด", &truck_b, 2_450_000),
        bid("บริษัท รถถูก จำกัด", &truck_c, 2_480_000),
    ];
    truck.contract_amount = Some(baht(2_400_000));
    truck.contract_no = "สัญญาซื้อขาย 3/2566".into();
    truck.announced_on = "2022-12-20".into();
    truck.tender_end_on = "2023-01-05".into();
    truck.awarded_on = "2023-01-20".into();
    truck.contract_date = "2023-01-27".into();
    list.push(truck);
    // The planted conflict: the finance officer sits on the committee; the winning
    // partnership is the one the officer declared (same tax id).
    let mut repair = base(
        CONFLICTED_REF,
        "จ้างซ่อมแซมอาคารสำนักงาน",
        finance,
        "selection",
        800_000,
    );
    repair.category = "works".into();
    repair.reference_price = Some(baht(780_000));
    repair.bidders = vec![
        bid("ห้างหุ้นส่วนจำกัด ทรัพย์สมบูรณ์ก่อสร้าง", &partner_tax, 760_000),
        bid("หจก. ฉะเชิงเทราการโยธา", &other_builder, 775_000),
    ];
    repair.contract_amount = Some(baht(760_000));
    repair.contract_no = "สัญญาจ้าง 9/2566".into();
    repair.awarded_on = "2023-03-08".into();
    repair.contract_date = "2023-03-14".into();
    repair.staff = officer
        .iter()
        .map(|u| (u.id, "กรรมการพิจารณาผล".to_string()))
        .chain(head.iter().map(|u| (u.id, "ผู้อนุมัติ".to_string())))
        .collect();
    list.push(repair);

    if let Some(u) = &officer {
        p::declare(
            conn,
            audit_key,
            hash_key,
            org_id,
            u.id,
            &DeclarationInput {
                kind: "business".into(),
                name: "หจก. ทรัพย์สมบูรณ์ก่อสร้าง".into(),
                relation: "คู่สมรสเป็นหุ้นส่วนผู้จัดการ".into(),
                id_number: partner_tax.clone(),
            },
            &actor,
        )
        .await?;
        p::declare(
            conn,
            audit_key,
            hash_key,
            org_id,
            u.id,
            &DeclarationInput {
                kind: "relative".into(),
                name: "นางสมศรี ทรัพย์สมบูรณ์".into(),
                relation: "คู่สมรส".into(),
                id_number: String::new(),
            },
            &actor,
        )
        .await?;
    }

    let mut out = Seeded::default();
    let mut first_id = None;
    for x in &list {
        let (stored, flags) = p::create(conn, audit_key, hash_key, org_id, x, &actor).await?;
        first_id.get_or_insert(stored.id);
        out.procurements += 1;
        out.conflict_flags += flags.len();
    }
    p::add_spending_check(
        conn,
        audit_key,
        org_id,
        &SpendingCheckInput {
            fiscal_year: 2566,
            procurement_id: first_id,
            disbursement_ref: "ฎีกา 0123/2566".into(),
            paid_on: "2023-01-20".into(),
            amount: baht(450_000),
            lawful: true,
            on_purpose: true,
            worth_it: false,
            efficient: true,
            notes: "ซื้อซ้ำจากร้านเดิมสามครั้งในเดือนเดียว ควรรวมซื้อครั้งเดียว".into(),
        },
        &actor,
    )
    .await?;
    Ok(out)
}
