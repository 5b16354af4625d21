//! Load and durability bench for public submissions (see `bench/submissions/run.sh`).
//!
//! - `load BASE ORG SECONDS CONCURRENCY OUT [complaints]`: fires concurrent corruption
//!   reports (`POST /api/v1/orgs/{org}/corruption-reports`; every 10th with a small
//!   evidence file) and, with `complaints`, general complaints too, from a second
//!   process. Every answered receipt/code is appended to OUT at once. Connection errors
//!   (the server was killed) are counted, not fatal.
//! - `verify BASE OUT`: every answered submission must be there and complete.
//! - `baseline DB_URL N`: a bare insert-and-commit loop on the same database, one row per
//!   transaction, for the ratio.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";

fn fake_ip(n: u64) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("load") => load(&args[1..]).await,
        Some("verify") => verify(&args[1..]).await,
        Some("baseline") => baseline(&args[1..]).await,
        _ => {
            eprintln!("usage: submissions_load load|verify|baseline …");
            std::process::exit(2);
        }
    }
}

async fn load(a: &[String]) {
    let (base, org) = (a[0].clone(), a[1].clone());
    let seconds: u64 = a[2].parse().unwrap();
    let conc: usize = a[3].parse().unwrap();
    let out = Arc::new(Mutex::new(std::fs::File::create(&a[4]).unwrap()));
    let complaints = a.get(5).is_some_and(|s| s == "complaints");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conc)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let seq = Arc::new(AtomicU64::new(0));
    let last_ok = Arc::new(Mutex::new(Instant::now()));
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, base, org, out) = (client.clone(), base.clone(), org.clone(), out.clone());
        let (ok, failed, seq, last_ok) = (ok.clone(), failed.clone(), seq.clone(), last_ok.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < end {
                let n = seq.fetch_add(1, Ordering::Relaxed);
                let complaint = complaints && n % 2 == 1;
                let with_file = !complaint && n % 10 == 0;
                let res = if complaint {
                    client
                        .post(format!("{base}/api/v1/orgs/{org}/complaints"))
                        .header("x-forwarded-for", fake_ip(n))
                        .json(&serde_json::json!({
                            "category": "tax", "description": format!("ถนนชำรุด จุดที่ {n}"),
                            "location_text": "ซอย 3", "privacy_accepted": true }))
                        .send()
                        .await
                } else {
                    let mut body = serde_json::json!({
                        "what": format!("เรียกรับเงินเพื่อเร่งออกใบอนุญาต กรณีที่ {n}"),
                        "who_position": "นักวิชาการ", "when": "มีนาคม 2568" });
                    if with_file {
                        body["files"] = serde_json::json!([{ "data_base64": PNG }]);
                    }
                    client
                        .post(format!("{base}/api/v1/orgs/{org}/corruption-reports"))
                        .header("x-forwarded-for", fake_ip(n))
                        .json(&body)
                        .send()
                        .await
                };
                let answered = match res {
                    Ok(r) if r.status().as_u16() == 201 => r.json::<serde_json::Value>().await.ok(),
                    Ok(_) | Err(_) => None,
                };
                match answered {
                    Some(v) => {
                        let line = if complaint {
                            format!("c {}\n", v["tracking_code"].as_str().unwrap_or(""))
                        } else {
                            format!(
                                "r {} {}\n",
                                v["receipt"].as_str().unwrap_or(""),
                                u8::from(with_file)
                            )
                        };
                        let mut f = out.lock().await;
                        f.write_all(line.as_bytes()).unwrap();
                        f.flush().unwrap();
                        drop(f);
                        ok.fetch_add(1, Ordering::Relaxed);
                        *last_ok.lock().await = Instant::now();
                    }
                    None => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let alive = last_ok.lock().await.duration_since(start).as_secs_f64();
    let n = ok.load(Ordering::Relaxed);
    println!(
        "answered={n} failed={} alive_s={alive:.2} rate_per_s={:.0}",
        failed.load(Ordering::Relaxed),
        n as f64 / alive.max(0.001)
    );
}

async fn verify(a: &[String]) {
    let base = a[0].clone();
    let text = std::fs::read_to_string(&a[1]).unwrap();
    let client = reqwest::Client::new();
    let (mut ok, mut missing, mut incomplete) = (0u64, 0u64, 0u64);
    for (i, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split(' ').collect();
        let ip = fake_ip(1_000_000 + i as u64);
        match parts.as_slice() {
            ["r", receipt, files] => {
                let r = client
                    .post(format!("{base}/api/v1/corruption-reports/lookup"))
                    .header("x-forwarded-for", &ip)
                    .json(&serde_json::json!({ "receipt": receipt }))
                    .send()
                    .await
                    .unwrap();
                if r.status() != 200 {
                    missing += 1;
                    continue;
                }
                let v: serde_json::Value = r.json().await.unwrap();
                let want: u64 = files.parse().unwrap();
                if v["status"] == "received" && v["files"].as_u64() == Some(want) {
                    ok += 1;
                } else {
                    incomplete += 1;
                }
            }
            ["c", code] => {
                let r = client
                    .get(format!("{base}/api/v1/complaints/{code}"))
                    .header("x-forwarded-for", &ip)
                    .send()
                    .await
                    .unwrap();
                if r.status() == 200 {
                    let v: serde_json::Value = r.json().await.unwrap();
                    if v["tracking_code"].as_str() == Some(code) && v["replies"].is_array() {
                        ok += 1;
                    } else {
                        incomplete += 1;
                    }
                } else {
                    missing += 1;
                }
            }
            _ => incomplete += 1,
        }
    }
    println!("verified={ok} missing={missing} incomplete={incomplete}");
    if missing + incomplete > 0 {
        std::process::exit(1);
    }
}

async fn baseline(a: &[String]) {
    let url = &a[0];
    let n: u64 = a[1].parse().unwrap();
    let db = prongsai_store::Db::connect(url).await.unwrap();
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_baseline (id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, body TEXT NOT NULL, at BIGINT NOT NULL)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM bench_baseline")
        .execute(&db.pool)
        .await
        .unwrap();
    let body = "x".repeat(400);
    let mut conn = db.pool.acquire().await.unwrap();
    let start = Instant::now();
    for i in 0..n as i64 {
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        sqlx::query("INSERT INTO bench_baseline (id, org_id, body, at) VALUES ($1, 1, $2, $3)")
            .bind(i)
            .bind(&body)
            .bind(i)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let s = start.elapsed().as_secs_f64();
    drop(conn);
    sqlx::query("DROP TABLE bench_baseline")
        .execute(&db.pool)
        .await
        .unwrap();
    println!(
        "baseline rows={n} seconds={s:.2} rate_per_s={:.0}",
        n as f64 / s
    );
}
