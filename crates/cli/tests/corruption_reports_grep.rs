//! The grep test of the corruption-report channel: a reporter's name given as a unique
//! marker cannot be found in the database files (SQLite file, WAL), uploaded files,
//! backups (unzipped) or the server's logs — with the real `prongsai` binary, logging
//! at debug level, driven over HTTP with `curl`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const PASSWORD: &str = "grep-test-password-1";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, log: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prongsai"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env_remove("PRONGSAI_DATABASE_URL")
        .env_remove("PRONGSAI_DATA_DIR")
        .env_remove("PRONGSAI_REPORTS_KEY")
        .env("RUST_LOG", "debug")
        .env("PRONGSAI_DEMO_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("start prongsai serve");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Prongsai is listening on ") {
            break rest.trim().to_string();
        }
    };
    // Keep reading stdout into the log's neighbour so the pipe never fills.
    let out = log.with_extension("stdout");
    std::thread::spawn(move || {
        let mut all = String::new();
        for l in lines.map_while(Result::ok) {
            all.push_str(&l);
            all.push('\n');
            let _ = std::fs::write(&out, &all);
        }
    });
    Server { child, base }
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20"])
        .args(args)
        .output()
        .expect("curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

/// A 1×1 PNG whose tEXt chunk carries `text` (metadata that must be stripped).
fn png_with_text(text: &str) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut c = kind.to_vec();
        c.extend_from_slice(data);
        out.extend_from_slice(&c);
        out.extend_from_slice(&crc32(&c).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let mut t = b"Author\0".to_vec();
    t.extend_from_slice(text.as_bytes());
    chunk(&mut out, b"tEXt", &t);
    chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
        ],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_reporters_name_is_nowhere_on_disk_in_backups_or_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let log = tmp.path().join("server.log");
    let marker = format!("ZZMARKER-{:x}", std::process::id() as u64 * 7919 + 0x5eed);
    let server = start(&data, &log);
    let base = server.base.clone();
    let slug = "chachoengsao";

    // 1. Through the API, with the marker as name, contact, text and file metadata.
    let png = png_with_text(&marker);
    let body = serde_json::json!({
        "name": marker, "contact": format!("{marker}@example.org"),
        "who_name": "นายตัวอย่าง", "what": format!("ทุจริต {marker}"),
        "how_known": marker,
        "files": [{ "data_base64": base64(&png) }],
    })
    .to_string();
    let r = curl(&[
        "-H",
        "content-type: application/json",
        "--data-binary",
        &body,
        &format!("{base}/api/v1/orgs/{slug}/corruption-reports"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&r).unwrap_or_else(|_| panic!("{r}"));
    let receipt = v["receipt"].as_str().expect("receipt").to_string();
    curl(&[
        "-H",
        "content-type: application/json",
        "--data-binary",
        &serde_json::json!({ "receipt": receipt, "message": format!("เพิ่ม {marker}") }).to_string(),
        &format!("{base}/api/v1/corruption-reports/messages"),
    ]);

    // 2. Through the HTML form (multipart), with the anonymous CSRF cookie.
    let jar = tmp.path().join("jar.txt");
    let jar_s = jar.to_str().unwrap();
    let form = curl(&[
        "-c",
        jar_s,
        "-b",
        jar_s,
        &format!("{base}/{slug}/integrity/report"),
    ]);
    let token = hidden(&form, "csrf");
    let png_path = tmp.path().join("evidence.png");
    std::fs::write(&png_path, &png).unwrap();
    let page = curl(&[
        "-c",
        jar_s,
        "-b",
        jar_s,
        "-F",
        &format!("csrf={token}"),
        "-F",
        &format!("name={marker}"),
        "-F",
        &format!("what=เห็นการรับเงิน {marker}"),
        "-F",
        &format!("files=@{};type=image/png", png_path.display()),
        &format!("{base}/{slug}/integrity/report"),
    ]);
    assert!(page.contains("id=\"receipt\""), "{page}");

    // 3. Requests that fail, with the marker in them: bad JSON, wrong receipt, too big.
    curl(&[
        "-H",
        "content-type: application/json",
        "--data-binary",
        &format!("{{\"what\": 5, \"name\": \"{marker}\"}}"),
        &format!("{base}/api/v1/orgs/{slug}/corruption-reports"),
    ]);
    curl(&[
        "-H",
        "content-type: application/json",
        "--data-binary",
        &format!("{{\"receipt\": \"{marker}\"}}"),
        &format!("{base}/api/v1/corruption-reports/lookup"),
    ]);
    let big = format!("{{\"what\": \"{}\"}}", marker.repeat(30_000));
    let big_path = tmp.path().join("big.json");
    std::fs::write(&big_path, big).unwrap();
    curl(&[
        "-H",
        "content-type: application/json",
        "--data-binary",
        &format!("@{}", big_path.display()),
        &format!("{base}/api/v1/orgs/{slug}/corruption-reports"),
    ]);

    // 4. The integrity officer opens the report and reveals the identity.
    let staff = tmp.path().join("staff.txt");
    let staff_s = staff.to_str().unwrap();
    let login = curl(&["-c", staff_s, "-b", staff_s, &format!("{base}/login")]);
    curl(&[
        "-c",
        staff_s,
        "-b",
        staff_s,
        "--data-urlencode",
        &format!("csrf={}", hidden(&login, "csrf")),
        "--data-urlencode",
        "username=integrity",
        "--data-urlencode",
        &format!("password={PASSWORD}"),
        "--data-urlencode",
        "next=",
        &format!("{base}/login"),
    ]);
    let list = curl(&[
        "-c",
        staff_s,
        "-b",
        staff_s,
        &format!("{base}/{slug}/staff/integrity/"),
    ]);
    let i = list.find("/staff/integrity/").expect("queue");
    let ids: Vec<String> = list[i..]
        .split("/staff/integrity/")
        .filter_map(|s| {
            let id: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
            (!id.is_empty()).then_some(id)
        })
        .collect();
    assert!(ids.len() >= 2, "{list}");
    let mut revealed = false;
    for id in &ids {
        let detail = curl(&[
            "-c",
            staff_s,
            "-b",
            staff_s,
            &format!("{base}/{slug}/staff/integrity/{id}"),
        ]);
        if detail.contains(&format!("ทุจริต {marker}")) {
            let shown = curl(&[
                "-c",
                staff_s,
                "-b",
                staff_s,
                "--data-urlencode",
                &format!("csrf={}", hidden(&detail, "csrf")),
                "--data-urlencode",
                "reason=ต้องติดต่อผู้แจ้งเพื่อขอหลักฐานเพิ่ม",
                &format!("{base}/{slug}/staff/integrity/{id}/identity"),
            ]);
            assert!(
                shown.contains(&format!("{marker}@example.org")),
                "identity shown to the officer"
            );
            revealed = true;
        }
    }
    assert!(revealed, "the officer found the report");

    // 5. A backup while the server runs, then a hard kill (the WAL stays as it is).
    let zip = tmp.path().join("backup.zip");
    let out = Command::new(env!("CARGO_BIN_EXE_prongsai"))
        .arg("--data-dir")
        .arg(&data)
        .args(["backup", "--out"])
        .arg(&zip)
        .env("RUST_LOG", "debug")
        .env_remove("PRONGSAI_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let backup_log = tmp.path().join("backup.log");
    std::fs::write(&backup_log, [out.stdout, out.stderr].concat()).unwrap();
    drop(server);
    let unzipped = tmp.path().join("unzipped");
    let st = Command::new("unzip")
        .args(["-q", "-o"])
        .arg(&zip)
        .arg("-d")
        .arg(&unzipped)
        .status()
        .unwrap();
    assert!(st.success());

    let mut all = Vec::new();
    files_under(&data, &mut all);
    files_under(&unzipped, &mut all);
    all.push(log.clone());
    all.push(log.with_extension("stdout"));
    all.push(backup_log);
    let names: Vec<String> = all.iter().map(|p| p.display().to_string()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("prongsai.sqlite")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("whistle/")),
        "evidence stored: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("unzipped/files/whistle/")),
        "evidence in the backup: {names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.contains("unzipped/tables/corruption_reports.jsonl")),
        "sealed rows in the backup"
    );
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("DEBUG") || log_text.contains("INFO"),
        "logging was on"
    );
    let mut found = Vec::new();
    for p in &all {
        let bytes = std::fs::read(p).unwrap_or_default();
        if contains(&bytes, marker.as_bytes()) {
            found.push(p.display().to_string());
        }
    }
    assert!(
        found.is_empty(),
        "the marker {marker} was found in {found:?}"
    );
    // And the receipt is not stored either (only its keyed hash).
    let canonical: String = receipt.chars().filter(|c| *c != '-').collect();
    for p in &all {
        let bytes = std::fs::read(p).unwrap_or_default();
        assert!(
            !contains(&bytes, canonical.as_bytes()),
            "receipt in {}",
            p.display()
        );
    }
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}
