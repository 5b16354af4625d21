//! Print a plan file as JSON, then its lint findings: `cargo run -p prongsai-plan --example dump -- FILE`
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    match prongsai_plan::parse_file(std::path::Path::new(&path)) {
        Ok(o) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&o.plan).unwrap_or_default()
            );
            for n in &o.notes {
                println!("NOTE: {n}");
            }
            for f in prongsai_plan::lint(&o) {
                println!(
                    "{:?}\t{}\t{:?}\t{:?}\t{}\t{}",
                    f.severity, f.code, f.project, f.line, f.message_en, f.message_th
                );
            }
        }
        Err(e) => {
            eprintln!("{e}\n{}", e.message_th());
            std::process::exit(1);
        }
    }
}
