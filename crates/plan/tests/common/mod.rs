//! Shared test helpers: the seed fixtures and a small synthetic plan whose
//! every inconsistency can be switched on one at a time.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

pub fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn seed_a() -> String {
    fixture("chachoengsao-2566-2570-a.txt")
}
pub fn seed_b() -> String {
    fixture("chachoengsao-2566-2570-b.txt")
}
pub fn seed_both() -> String {
    fixture("chachoengsao-2566-2570-both.txt")
}

/// Knobs for the synthetic plan. `Default` gives a consistent plan.
#[derive(Clone)]
pub struct Synth {
    pub total_declared: u32,
    pub dim1_declared: u32,
    pub dim1_total_row: &'static str,
    pub extra_control: &'static str,
    pub sheet2_no: u32,
    pub sheet3_no: u32,
    pub sheet2_name: &'static str,
    pub sheet1_budget: &'static str,
    pub sheet1_mission: &'static str,
    pub unit3: &'static str,
    pub target_group1: &'static str,
    pub outcome1: &'static str,
    pub dim_word: &'static str,
    pub with_sheet3: bool,
    pub twice: bool,
}

impl Default for Synth {
    fn default() -> Self {
        Synth {
            total_declared: 3,
            dim1_declared: 2,
            dim1_total_row: "10,000 บาท",
            extra_control: "กิจกรรมค่ายเยาวชนสุจริต",
            sheet2_no: 2,
            sheet3_no: 3,
            sheet2_name: "กิจกรรมค่ายเยาวชนสุจริต",
            sheet1_budget: "10,000 บาท (หนึ่งหมื่นบาทถ้วน)",
            sheet1_mission: "1.1",
            unit3: "กองคลัง",
            target_group1: "พนักงานเทศบาล จำนวน 50 คน",
            outcome1: "จำนวนข้อร้องเรียนการทุจริต ลดลง",
            dim_word: "มิติที่",
            with_sheet3: true,
            twice: false,
        }
    }
}

impl Synth {
    pub fn text(&self) -> String {
        let one = self.one();
        if self.twice {
            format!("{one}\n\n{one}")
        } else {
            one
        }
    }

    fn one(&self) -> String {
        let years = "ปี 2566\tปี 2567\tปี 2568\tปี 2569\tปี 2570";
        let dash5 = "-\t-\t-\t-\t-";
        let ten5 = "10,000\t10,000\t10,000\t10,000\t10,000";
        let t1 = self.dim1_total_row;
        let total1 = format!("{t1}\t{t1}\t{t1}\t{t1}\t{t1}");
        let mut s = String::new();
        s += "แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความ\nโปร่งใสของเทศบาลตำบลทดสอบ\n(พ.ศ. 2566 - 2570)\n\n";
        s += &format!(
            "ส่วนที่ 2 ประกอบด้วย โครงการ/กิจกรรม/มาตรการ แยกตาม 2 มิติ รวมทั้งสิ้นจำนวน {} โครงการ ดังนี้\n\n",
            self.total_declared
        );
        s += &format!(
            "มิติที่ 1 การสร้างวัฒนธรรมสุจริต จำนวน {} โครงการ\n\n",
            self.dim1_declared
        );
        s += "มิติที่ 2 การบริหารราชการด้วยความโปร่งใส จำนวน 1 โครงการ\n\n";
        s += "ส่วนที่ 1\n\nบทนำ\n\n1. การประเมินความเสี่ยงการทุจริตในองค์กร\n\n";
        s += "ลำดับ ที่\tขั้นตอน การดำเนินงาน\tประเด็นความเสี่ยงการ ทุจริต\tRisk Score\tมาตรการ ควบคุมความเสี่ยงการทุจริต\n";
        s += &format!(
            "1\tการจัดซื้อจัดจ้าง\t1. ไม่เป็นไปตามระเบียบ 2. ใช้เงินไม่เกิดประโยชน์\tสูง ปานกลาง\t1. มาตรการป้องกันผลประโยชน์ทับซ้อนของหน่วยงาน 2. {}\n\n",
            self.extra_control
        );
        s += "4. เป้าหมาย\n\n";
        s += &format!("ค่าเป้าหมาย\t{years}\n");
        s +=
            "จำนวนคดีทุจริต ลดลง (คำนวณจากปี 2565)\tร้อยละ 10\tร้อยละ 20\tร้อยละ 30\tร้อยละ 40\tร้อยละ 50\n";
        s += "คะแนน ITA\t65 คะแนน\t70 คะแนน\t75 คะแนน\t80 คะแนน\t85 คะแนน\n\n";
        s += "ส่วนที่ 2\n\n";
        s += &format!("มิติ\tภารกิจตามมิติ\tโครงการ/กิจกรรม/มาตรการ\t{years}\tหมายเหตุ\n");
        s += "\t\t\tงบประมาณ (บาท)\tงบประมาณ (บาท)\tงบประมาณ (บาท)\tงบประมาณ (บาท)\tงบประมาณ (บาท)\t\n";
        s += &format!(
            "1. การสร้างวัฒนธรรมสุจริต\t1.1 การเสริมสร้างจิตสำนึกแก่บุคลากร\t1) โครงการอบรมคุณธรรมจริยธรรมพนักงาน\t{ten5}\t\n"
        );
        s += &format!("\t1.2 การสร้างจิตสำนึกแก่เด็กและเยาวชน\t2) กิจกรรมค่ายเยาวชนสุจริต\t{dash5}\t\n");
        s += &format!("\tรวม\tจำนวน 2 โครงการ\t{total1}\t\n");
        s += &format!(
            "2. การบริหารราชการด้วยความโปร่งใส\t2.1 การเปิดเผยข้อมูลสาธารณะ\t1) มาตรการป้องกันผลประโยชน์ทับซ้อนของเทศบาลตำบลทดสอบ\t{dash5}\t\n"
        );
        s += "\tรวม\tจำนวน 1 โครงการ\tจำนวน - บาท\tจำนวน - บาท\tจำนวน - บาท\tจำนวน - บาท\tจำนวน - บาท\t\n";
        s += "\tรวมทั้งสิ้น\tจำนวน 3 โครงการ\t10,000 บาท\t10,000 บาท\t10,000 บาท\t10,000 บาท\t10,000 บาท\t\n\n";
        s += "ส่วนที่ 3\n\nรายละเอียดโครงการ/กิจกรรม/มาตรการ\n\n";
        s += &format!("{} 1 การสร้างวัฒนธรรมสุจริต\n\n", self.dim_word);
        s += &format!("{} การเสริมสร้างจิตสำนึกแก่บุคลากร\n\n", self.sheet1_mission);
        s += &sheet(
            1,
            "โครงการอบรมคุณธรรมจริยธรรมพนักงาน",
            self.target_group1,
            self.sheet1_budget,
            "สำนักปลัดเทศบาล",
            "ผู้เข้ารับการอบรมมีความรู้ ไม่น้อยกว่าร้อยละ 80",
            self.outcome1,
        );
        s += "1.2 การสร้างจิตสำนึกแก่เด็กและเยาวชน\n\n";
        s += &sheet(
            self.sheet2_no,
            self.sheet2_name,
            "นักเรียน จำนวน 100 คน",
            "ไม่ใช้งบประมาณ",
            "กองการศึกษา",
            "จัดค่ายอย่างน้อยปีละ 1 ครั้ง",
            "นักเรียนมีความพึงพอใจ ไม่น้อยกว่าร้อยละ 80",
        );
        if self.with_sheet3 {
            s += "มิติที่ 2 การบริหารราชการด้วยความโปร่งใส\n\n2.1 การเปิดเผยข้อมูลสาธารณะ\n\n";
            s += &sheet(
                self.sheet3_no,
                "มาตรการป้องกันผลประโยชน์ทับซ้อนของเทศบาลตำบลทดสอบ",
                "เจ้าหน้าที่พัสดุ จำนวน 10 คน",
                "ไม่ใช้งบประมาณ",
                self.unit3,
                "มีประกาศมาตรการ จำนวน 1 ฉบับ",
                "ข้อร้องเรียนเกี่ยวกับการจัดซื้อจัดจ้าง ลดลง",
            );
        }
        s
    }
}

fn sheet(
    no: u32,
    name: &str,
    target: &str,
    budget: &str,
    unit: &str,
    output: &str,
    outcome: &str,
) -> String {
    format!(
        "ลำดับที่ {no}\n\n1. ชื่อโครงการ : {name}\n\n2. หลักการและเหตุผล\n\nเพื่อป้องกันการทุจริตในองค์กร\n\n\
3. วัตถุประสงค์\n\n1) เพื่อสร้างจิตสำนึก\n\n2) เพื่อป้องกันการทุจริต\n\n4. กลุ่มเป้าหมาย\n\n{target}\n\n\
5. วิธีดำเนินการ\n\n1) จัดทำโครงการ\n\n2) ดำเนินการ\n\n3) รายงานผล\n\n6. ระยะเวลาดำเนินการ\n\nปีงบประมาณ พ.ศ. 2566 - 2570\n\n\
7. งบประมาณดำเนินการ\n\n{budget}\n\n8. ผู้รับผิดชอบโครงการ\n\n{unit}\n\n9. ผลผลิต/ผลลัพธ์\n\nผลผลิต\n\n{output}\n\nผลลัพธ์\n\n{outcome}\n\n\n\n"
    )
}
