//! `prongsai plan …`: read a plan file (`parse`), check it (`lint`), and store it in an
//! organization as a new version (`import`). `parse` and `lint` need no database.
//!
//! Exit codes: 0 done; 1 `lint` found an error (or a database failure); 2 the file
//! could not be read or is not a plan.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use prongsai_plan::{Finding, MAX_INPUT_BYTES, ParseOutcome, PlanError, Severity};
use prongsai_store::audit::Actor;
use prongsai_store::plans;

use crate::commands::{Ctx, org_by_slug};
use crate::error::{CliError, Result};

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Read a plan file (.txt or .docx) and print it as JSON (notes go to stderr).
    Parse {
        /// The plan: UTF-8 text or .docx, at most 20 MB.
        file: PathBuf,
    },
    /// Check a plan file; exit code 1 when any finding is an error.
    Lint {
        file: PathBuf,
        /// Print the findings as a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Store a plan file in an organization as its new current version and print what
    /// changed against the previous version.
    Import {
        file: PathBuf,
        /// The organization's slug.
        #[arg(long)]
        org: String,
    },
}

/// The exit code for a file that cannot be read or is not a plan.
const NOT_A_PLAN: u8 = 2;

fn plan_error(e: &PlanError) -> ExitCode {
    eprintln!("error: {e}");
    eprintln!("ข้อผิดพลาด: {}", e.message_th());
    ExitCode::from(NOT_A_PLAN)
}

/// Reads a file with the 20 MB limit checked before reading.
fn read_bytes(path: &Path) -> std::result::Result<Vec<u8>, PlanError> {
    let io = |source| PlanError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a directory")));
    }
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(PlanError::TooLarge {
            size: meta.len(),
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    std::fs::read(path).map_err(io)
}

fn print_notes(outcome: &ParseOutcome) {
    for n in &outcome.notes {
        eprintln!("note: {n}");
    }
}

fn json_text<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v).map_err(|e| CliError::usage(format!("cannot write JSON: {e}")))
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// "3 errors, 10 warnings, 12 info"
fn tally(findings: &[Finding]) -> String {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} error(s), {} warning(s), {} info",
        n(Severity::Error),
        n(Severity::Warning),
        n(Severity::Info)
    )
}

/// The findings for a person: one block per finding, errors first.
pub fn human_findings(findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| (f.severity, f.line.unwrap_or(usize::MAX)));
    let mut out = String::new();
    for f in sorted {
        let project = f.project.map_or_else(|| "-".to_string(), |p| p.to_string());
        let line = f.line.map_or_else(|| "-".to_string(), |l| l.to_string());
        out.push_str(&format!(
            "{:<8} {:<26} project {:<4} line {}\n    th: {}\n    en: {}\n",
            severity_name(f.severity),
            f.code,
            project,
            line,
            f.message_th,
            f.message_en
        ));
    }
    out.push_str(&format!(
        "{} finding(s): {}\n",
        findings.len(),
        tally(findings)
    ));
    out
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

pub async fn run(ctx: &Ctx, cmd: PlanCommand) -> Result<ExitCode> {
    match cmd {
        PlanCommand::Parse { file } => {
            let outcome = match read_bytes(&file).and_then(|b| prongsai_plan::parse_bytes(&b)) {
                Ok(o) => o,
                Err(e) => return Ok(plan_error(&e)),
            };
            print_notes(&outcome);
            write_stdout(&format!("{}\n", json_text(&outcome.plan)?))?;
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::Lint { file, json } => {
            let outcome = match read_bytes(&file).and_then(|b| prongsai_plan::parse_bytes(&b)) {
                Ok(o) => o,
                Err(e) => return Ok(plan_error(&e)),
            };
            print_notes(&outcome);
            let findings = prongsai_plan::lint(&outcome);
            if json {
                write_stdout(&format!("{}\n", json_text(&findings)?))?;
            } else {
                write_stdout(&human_findings(&findings))?;
            }
            Ok(if findings.iter().any(|f| f.severity == Severity::Error) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        PlanCommand::Import { file, org } => {
            let bytes = match read_bytes(&file) {
                Ok(b) => b,
                Err(e) => return Ok(plan_error(&e)),
            };
            let outcome = match prongsai_plan::parse_bytes(&bytes) {
                Ok(o) => o,
                Err(e) => return Ok(plan_error(&e)),
            };
            print_notes(&outcome);
            let findings = prongsai_plan::lint(&outcome);
            let sha = prongsai_store::files::sha256_hex(&bytes);
            let source_name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            let o = org_by_slug(&mut tx, &org).await?;
            let (version, change) = plans::import(
                &mut tx,
                &keys.audit,
                o.id,
                &source_name,
                &sha,
                &outcome,
                &findings,
                &Actor::cli(),
            )
            .await?;
            // The plan's Part 1 risks seed the risk register (new processes only).
            prongsai_store::risk::seed_from_plan(&mut tx, &keys.audit, o.id, &Actor::cli()).await?;
            tx.commit()
                .await
                .map_err(prongsai_store::StoreError::from)?;
            let mut out = format!(
                "imported {} into {} as plan version {} ({} projects; {})\n",
                source_name,
                o.slug,
                version.version,
                version.project_count,
                tally(&findings)
            );
            if version.version == 1 {
                let years: Vec<String> = change
                    .budget_totals
                    .iter()
                    .map(|t| format!("{} {}", t.fiscal_year, prongsai_plan::diff::baht(t.new)))
                    .collect();
                out.push_str(&format!(
                    "first version: {} projects added; budget per fiscal year (baht): {}\n",
                    change.projects_added.len(),
                    if years.is_empty() {
                        "none".to_string()
                    } else {
                        years.join(", ")
                    }
                ));
            } else if change.is_empty() {
                out.push_str(&format!(
                    "no changes against version {}\n",
                    version.version - 1
                ));
            } else {
                out.push_str(&format!(
                    "changes against version {}:\n",
                    version.version - 1
                ));
                for line in change.lines_en() {
                    out.push_str("  ");
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            if version.error_count > 0 {
                out.push_str(&format!(
                    "the plan has {} error finding(s): see `prongsai plan lint {}`\n",
                    version.error_count,
                    file.display()
                ));
            }
            write_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
