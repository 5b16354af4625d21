//! Plain timing of parse + lint for each seed half (no bench framework).
//! Run: `cargo bench -p prongsai-plan --bench parse`
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/plans");
    let iterations: u32 = std::env::var("PLAN_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    for name in [
        "chachoengsao-2566-2570-a.txt",
        "chachoengsao-2566-2570-b.txt",
        "chachoengsao-2566-2570-both.txt",
    ] {
        let text = match std::fs::read_to_string(dir.join(name)) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{name}: {e}");
                continue;
            }
        };
        // warm-up
        let mut findings = 0;
        for _ in 0..3 {
            if let Ok(o) = prongsai_plan::parse_text(&text) {
                findings = prongsai_plan::lint(&o).len();
            }
        }
        let mut parse_total = 0.0f64;
        let start = Instant::now();
        for _ in 0..iterations {
            let t0 = Instant::now();
            let o = prongsai_plan::parse_text(std::hint::black_box(&text));
            parse_total += t0.elapsed().as_secs_f64();
            if let Ok(o) = o {
                std::hint::black_box(prongsai_plan::lint(&o));
            }
        }
        let total = start.elapsed().as_secs_f64();
        let per = total / f64::from(iterations);
        let mb = text.len() as f64 / 1_000_000.0;
        println!(
            "{name}: {:.2} ms per parse+lint ({:.2} ms parse), {:.1} MB/s, {} bytes, {} findings, {iterations} iterations",
            per * 1000.0,
            parse_total / f64::from(iterations) * 1000.0,
            mb / per,
            text.len(),
            findings
        );
    }
}
