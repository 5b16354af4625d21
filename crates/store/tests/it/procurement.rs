//! Budget and procurement: plans, records with bidders, the monthly summary (แบบ สขร.1)
//! adding up to the records, spending checks, conflict-of-interest declarations and
//! the planted demo conflict being flagged, scoping, audit, and the export section.

use crate::both_backends;
use crate::common::{TestDb, populate};
use prongsai_domain::procurement::{self as dp, MatchKind};
use prongsai_store::audit::{self, Actor};
use prongsai_store::procurement::{
    self as p, BidderInput, DeclarationInput, ProcurementInput, SpendingCheckInput,
};
use prongsai_store::procurement_demo::{self, CONFLICTED_REF, with_check_digit};
use prongsai_store::transfer::{export_org_string, import_org};

async fn seed(
    t: &TestDb,
    slug: &str,
) -> (prongsai_store::orgs::Organization, procurement_demo::Seeded) {
    let org = populate(t, slug).await;
    let mut c = t.conn().await;
    let s = procurement_demo::seed_with(
        &mut c,
        t.key(),
        &t.keys.reports,
        org.id,
        &format!("{slug}-officer"),
        &format!("{slug}-head"),
    )
    .await
    .unwrap();
    (org, s)
}

both_backends! {
    async fn records_and_the_monthly_summary_add_up(t: TestDb) {
        let (org, seeded) = seed(&t, "bang-pra").await;
        assert_eq!(seeded.procurements, 6);
        let mut c = t.conn().await;
        let list = p::list(&mut c, org.id, Some(2566)).await.unwrap();
        assert_eq!(list.len(), 6);
        let truck = list.iter().find(|x| x.ref_no == "66019005678").unwrap();
        assert_eq!(truck.bidders.len(), 3);
        assert_eq!(truck.winner().unwrap().name, "บริษัท รถดี จำกัด");
        assert_eq!(truck.contract_amount, Some(240_000_000));

        let records = p::records(&mut c, org.id, Some(2566)).await.unwrap();
        let jan = dp::monthly_summary(&records, 2023, 1);
        // January 2023: three office-supply purchases and the garbage truck.
        assert_eq!(jan.rows.len(), 4);
        let in_jan: Vec<&p::Procurement> = list.iter().filter(|x| x.awarded_on.starts_with("2023-01")).collect();
        assert_eq!(jan.total_budget, in_jan.iter().map(|x| x.budget).sum::<i64>());
        assert_eq!(jan.total_agreed, in_jan.iter().map(|x| x.contract_amount.unwrap()).sum::<i64>());
        assert_eq!(jan.total_agreed, (450_000 + 420_000 + 390_000 + 2_400_000) * 100);
        // Every month's summary together covers every awarded record exactly once.
        let months = p::summary_months(&mut c, org.id).await.unwrap();
        assert_eq!(months, [(2023, 3), (2023, 2), (2023, 1)]);
        let all: i64 = months.iter().map(|(y, m)| dp::monthly_summary(&records, *y, *m).total_agreed).sum();
        assert_eq!(all, list.iter().filter_map(|x| x.contract_amount).sum::<i64>());

        let a = dp::analyse(&records, &dp::AnalysisConfig::default());
        assert_eq!(a.splits.len(), 1);
        assert_eq!(a.splits[0].procurement_ids.len(), 3);
        assert_eq!(a.single_bidder.len(), 1);
        let flags = dp::red_flags(&records, &dp::AnalysisConfig::default());
        let road = list.iter().find(|x| x.ref_no == "66029001122").unwrap();
        let codes: Vec<&str> = flags.iter().filter(|f| f.procurement_id == road.id).map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["PS03", "R003", "R018"]);

        let items = p::plan_items(&mut c, org.id, 2566, Some("procurement")).await.unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].seq, 1);
        assert_eq!(p::plan_items(&mut c, org.id, 2566, None).await.unwrap().len(), 7);
        assert_eq!(p::fiscal_years(&mut c, org.id).await.unwrap(), [2566]);

        // Another organization sees none of it.
        let other = populate(&t, "other").await;
        assert!(p::list(&mut c, other.id, None).await.unwrap().is_empty());
        assert!(p::flags(&mut c, other.id, None).await.unwrap().is_empty());
        assert!(p::get(&mut c, other.id, road.id).await.unwrap().is_none());
    }

    async fn the_planted_conflict_is_flagged(t: TestDb) {
        let (org, seeded) = seed(&t, "bang-pra").await;
        assert_eq!(seeded.conflict_flags, 1);
        let mut c = t.conn().await;
        let flags = p::flags(&mut c, org.id, None).await.unwrap();
        assert_eq!(flags.len(), 1);
        let f = &flags[0];
        assert_eq!(f.procurement_ref, CONFLICTED_REF);
        assert_eq!(f.username, "bang-pra-officer");
        assert_eq!(f.match_kind, MatchKind::TaxId);
        assert_eq!(f.bidder_name, "ห้างหุ้นส่วนจำกัด ทรัพย์สมบูรณ์ก่อสร้าง");
        assert_eq!(f.status, "open");
        let trail = audit::recent(&mut c, org.id, 500, None).await.unwrap();
        assert!(trail.iter().any(|e| e.action == "coi.flag"));

        // The number itself is nowhere in the declarations: only a keyed hash and the
        // last four digits.
        let partner = with_check_digit("024356100777");
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT id_hash, id_last4 FROM coi_declarations WHERE org_id = $1")
            .bind(org.id).fetch_all(&mut *c).await.unwrap();
        assert!(rows.iter().all(|(h, _)| !h.contains(&partner)));
        assert!(rows.iter().any(|(h, l)| h == &p::id_hash(&t.keys.reports, &partner) && l == &partner[9..]));

        // Saving again does not flag twice; a name-only tie flags by name.
        let officer = prongsai_store::users::by_username(&mut c, "bang-pra-officer").await.unwrap().unwrap();
        p::declare(&mut c, t.key(), &t.keys.reports, org.id, officer.id, &DeclarationInput {
            kind: "relative".into(), name: "นายวิชัย ฉะเชิงเทราการโยธา".into(), relation: "พี่ชาย".into(), id_number: String::new(),
        }, &Actor::cli()).await.unwrap();
        let x = p::get(&mut c, org.id, f.procurement_id).await.unwrap().unwrap();
        let input = ProcurementInput {
            ref_no: x.ref_no.clone(), fiscal_year: 2566, subject: x.subject.clone(), method: "selection".into(),
            budget: x.budget, division_id: x.division_id,
            bidders: x.bidders.iter().map(|b| BidderInput { name: b.name.clone(), tax_id: b.tax_id.clone(), amount: b.amount, status: b.status.clone() }).collect(),
            winner: Some(0), staff: x.staff.iter().map(|s| (s.user_id, s.duty.clone())).collect(),
            awarded_on: x.awarded_on.clone(), ..ProcurementInput::default()
        };
        let (_, new_flags) = p::update(&mut c, t.key(), &t.keys.reports, org.id, x.id, &input, &Actor::cli()).await.unwrap();
        // "วิชัยฉะเชิงเทราการโยธา" contains "ฉะเชิงเทราการโยธา"… the other way round: the
        // bidder's name is inside the declared one.
        assert_eq!(new_flags.len(), 1);
        assert_eq!(new_flags[0].match_kind, MatchKind::NameContains);
        assert_eq!(p::flags(&mut c, org.id, None).await.unwrap().len(), 2);

        p::resolve_flag(&mut c, t.key(), org.id, f.id, "confirmed", "ให้ถอนตัวจากคณะกรรมการ", &Actor::cli()).await.unwrap();
        assert!(p::resolve_flag(&mut c, t.key(), org.id, f.id, "cleared", "", &Actor::cli()).await.is_err());
        let after = p::flags_for_procurement(&mut c, org.id, x.id).await.unwrap();
        assert_eq!(after.iter().find(|g| g.id == f.id).unwrap().status, "confirmed");

        // Bad numbers are refused.
        let last = partner.chars().last().unwrap().to_digit(10).unwrap();
        let wrong = format!("{}{}", &partner[..12], (last + 1) % 10);
        assert!(p::declare(&mut c, t.key(), &t.keys.reports, org.id, officer.id, &DeclarationInput {
            kind: "business".into(), name: "บริษัท ก จำกัด".into(), relation: String::new(), id_number: wrong,
        }, &Actor::cli()).await.is_err());
    }

    async fn validation_and_spending_checks(t: TestDb) {
        let (org, _) = seed(&t, "bang-pra").await;
        let mut c = t.conn().await;
        let good = ProcurementInput {
            ref_no: "X-1".into(), fiscal_year: 2567, subject: "จัดซื้อ".into(), method: "specific".into(), budget: 100,
            bidders: vec![BidderInput { name: "ร้าน ก".into(), ..BidderInput::default() }], winner: Some(0),
            awarded_on: "๐๕/๑๐/๒๕๖๖".into(), ..ProcurementInput::default()
        };
        let (stored, _) = p::create(&mut c, t.key(), &t.keys.reports, org.id, &good, &Actor::cli()).await.unwrap();
        assert_eq!(stored.awarded_on, "2023-10-05", "Thai digits and B.E. dates are read");
        assert_eq!(stored.bidders[0].status, "valid");
        assert!(p::create(&mut c, t.key(), &t.keys.reports, org.id, &good, &Actor::cli()).await.is_err(), "same number twice");
        for bad in [
            ProcurementInput { ref_no: "X-2".into(), method: "auction".into(), ..good.clone() },
            ProcurementInput { ref_no: "X-3".into(), winner: Some(3), ..good.clone() },
            ProcurementInput { ref_no: "X-4".into(), bidders: vec![BidderInput { name: "ก".into(), tax_id: "1234567890123".into(), ..BidderInput::default() }], ..good.clone() },
            ProcurementInput { ref_no: "X-5".into(), awarded_on: "31/02/2566".into(), ..good.clone() },
            ProcurementInput { ref_no: "X-6".into(), budget: -1, ..good.clone() },
        ] {
            assert!(p::create(&mut c, t.key(), &t.keys.reports, org.id, &bad, &Actor::cli()).await.is_err(), "{}", bad.ref_no);
        }
        let failing = SpendingCheckInput {
            fiscal_year: 2566, disbursement_ref: "ฎีกา 1".into(), paid_on: "2023-02-01".into(), amount: 5_000,
            lawful: true, on_purpose: false, worth_it: true, efficient: true, notes: String::new(), procurement_id: None,
        };
        assert!(p::add_spending_check(&mut c, t.key(), org.id, &failing, &Actor::cli()).await.is_err(), "a failed point needs a note");
        let ok = p::add_spending_check(&mut c, t.key(), org.id, &SpendingCheckInput { notes: "ซื้อเกินความจำเป็น".into(), ..failing }, &Actor::cli()).await.unwrap();
        assert!(!ok.all_passed());
        assert_eq!(p::spending_checks(&mut c, org.id, 2566).await.unwrap().len(), 2);
    }

    async fn export_import_export_keeps_procurement(t: TestDb) {
        let (org, _) = seed(&t, "bang-pra").await;
        let first = {
            let mut c = t.conn().await;
            export_org_string(&mut c, t.blobs.clone(), org.id).await.unwrap()
        };
        assert!(first.contains("\"procurement\""));
        assert!(first.contains(CONFLICTED_REF));
        assert!(!first.contains("\"id_number\""));
        let target = t.another().await;
        populate(&target, "first-here").await;
        let imported = import_org(&target.db, target.key(), target.blobs.clone(), &first, &Actor::cli()).await.unwrap();
        let mut c = target.conn().await;
        let second = export_org_string(&mut c, target.blobs.clone(), imported.id).await.unwrap();
        assert_eq!(first, second);
        assert_eq!(p::flags(&mut c, imported.id, None).await.unwrap().len(), 1);
    }
}
