//! Installation-wide views over many organizations: Thailand's 76 provinces (จังหวัด;
//! Bangkok is a special administrative area, not one of them), used to order
//! provincial summaries and by the synthetic-data generator.

/// The 76 provinces, in the Thai alphabetical order government lists use.
pub const PROVINCES: [&str; 76] = [
    "กระบี่",
    "กาญจนบุรี",
    "กาฬสินธุ์",
    "กำแพงเพชร",
    "ขอนแก่น",
    "จันทบุรี",
    "ฉะเชิงเทรา",
    "ชลบุรี",
    "ชัยนาท",
    "ชัยภูมิ",
    "ชุมพร",
    "เชียงราย",
    "เชียงใหม่",
    "ตรัง",
    "ตราด",
    "ตาก",
    "นครนายก",
    "นครปฐม",
    "นครพนม",
    "นครราชสีมา",
    "นครศรีธรรมราช",
    "นครสวรรค์",
    "นนทบุรี",
    "นราธิวาส",
    "น่าน",
    "บึงกาฬ",
    "บุรีรัมย์",
    "ปทุมธานี",
    "ประจวบคีรีขันธ์",
    "ปราจีนบุรี",
    "ปัตตานี",
    "พระนครศรีอยุธยา",
    "พะเยา",
    "พังงา",
    "พัทลุง",
    "พิจิตร",
    "พิษณุโลก",
    "เพชรบุรี",
    "เพชรบูรณ์",
    "แพร่",
    "ภูเก็ต",
    "มหาสารคาม",
    "มุกดาหาร",
    "แม่ฮ่องสอน",
    "ยโสธร",
    "ยะลา",
    "ร้อยเอ็ด",
    "ระนอง",
    "ระยอง",
    "ราชบุรี",
    "ลพบุรี",
    "ลำปาง",
    "ลำพูน",
    "เลย",
    "ศรีสะเกษ",
    "สกลนคร",
    "สงขลา",
    "สตูล",
    "สมุทรปราการ",
    "สมุทรสงคราม",
    "สมุทรสาคร",
    "สระแก้ว",
    "สระบุรี",
    "สิงห์บุรี",
    "สุโขทัย",
    "สุพรรณบุรี",
    "สุราษฎร์ธานี",
    "สุรินทร์",
    "หนองคาย",
    "หนองบัวลำภู",
    "อ่างทอง",
    "อำนาจเจริญ",
    "อุดรธานี",
    "อุตรดิตถ์",
    "อุทัยธานี",
    "อุบลราชธานี",
];

/// A province's position in [`PROVINCES`] (unknown names sort last).
pub fn province_order(name: &str) -> usize {
    let n = name.trim();
    PROVINCES
        .iter()
        .position(|p| *p == n)
        .unwrap_or(PROVINCES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventy_six_distinct_provinces() {
        let set: std::collections::BTreeSet<_> = PROVINCES.iter().collect();
        assert_eq!(set.len(), 76);
        assert!(!PROVINCES.contains(&"กรุงเทพมหานคร"));
        assert_eq!(province_order("ฉะเชิงเทรา"), 6);
        assert_eq!(province_order("ไม่มี"), 76);
    }
}
