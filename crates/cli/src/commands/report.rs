//! `prongsai report`: a reporting round's report (`round`: JSON, XLSX or PDF) and the
//! e-PlanNACC export (`eplannacc`: CSV or XLSX), from the latest submitted version of
//! the round, or — when it has not been submitted — from the live data, labelled as a
//! draft.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use prongsai_docs::rounds::{Edition, round_pdf, round_xlsx};
use prongsai_domain::{FiscalYear, ReportingRound, thai};
use prongsai_store::rounds::{self, RoundVersion};

use super::{Ctx, org_by_slug};
use crate::error::{CliError, Result};

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The 6- or 12-month report of a fiscal year.
    Round {
        /// The organization's slug.
        #[arg(long)]
        org: String,
        /// Fiscal year, B.E. (e.g. 2567; Thai digits accepted).
        #[arg(long)]
        year: String,
        /// 6m or 12m.
        #[arg(long)]
        round: String,
        #[arg(long, value_enum)]
        format: RoundFormat,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The e-PlanNACC export of a round (see docs/eplannacc.md).
    Eplannacc {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: String,
        #[arg(long)]
        round: String,
        #[arg(long, value_enum)]
        format: EplanFormat,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RoundFormat {
    Json,
    Xlsx,
    Pdf,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum EplanFormat {
    Csv,
    Xlsx,
}

/// How a version is labelled in documents.
pub fn edition(v: Option<&RoundVersion>) -> Edition {
    match v {
        Some(v) => Edition::Submitted {
            version: v.version,
            submitted_on: thai::format_datetime_th(prongsai_store::from_ms(v.submitted_at)),
            submitted_by: v.submitted_by_name.clone(),
        },
        None => Edition::LiveDraft {
            printed_on: thai::format_datetime_th(time::OffsetDateTime::now_utc()),
        },
    }
}

fn parse_round(year: &str, round: &str) -> Result<(FiscalYear, ReportingRound)> {
    let fy: FiscalYear = year
        .parse()
        .map_err(|e: prongsai_domain::fiscal::FiscalYearError| CliError::usage(e.to_string()))?;
    let r: ReportingRound = round.parse().map_err(CliError::usage)?;
    Ok((fy, r))
}

fn docs_error(e: prongsai_docs::DocsError) -> CliError {
    CliError::usage(format!("cannot write the document: {e}"))
}

pub async fn run(ctx: &Ctx, cmd: ReportCommand) -> Result<ExitCode> {
    let (org, year, round, out) = match &cmd {
        ReportCommand::Round {
            org,
            year,
            round,
            out,
            ..
        }
        | ReportCommand::Eplannacc {
            org,
            year,
            round,
            out,
            ..
        } => (org, year, round, out),
    };
    let (fy, r) = parse_round(year, round)?;
    let db = ctx.db().await?;
    let mut conn = db
        .pool
        .acquire()
        .await
        .map_err(prongsai_store::StoreError::from)?;
    let o = org_by_slug(&mut conn, org).await?;
    let (version, report) = rounds::latest_or_live(&mut conn, o.id, fy, r)
        .await?
        .ok_or_else(|| {
            CliError::usage(format!(
                "{org} has no plan yet: import one with `prongsai plan import`"
            ))
        })?;
    let ed = edition(version.as_ref());
    let bytes = match cmd {
        ReportCommand::Round {
            format: RoundFormat::Json,
            ..
        } => {
            let doc = serde_json::json!({
                "edition": match &version {
                    Some(v) => serde_json::json!({ "kind": "submitted", "version": v.version, "submitted_at": v.submitted_at,
                        "submitted_by": v.submitted_by_name, "note": v.note }),
                    None => serde_json::json!({ "kind": "live_draft" }),
                },
                "label_th": ed.label_th(),
                "report": report,
            });
            serde_json::to_vec_pretty(&doc).map_err(|e| CliError::usage(e.to_string()))?
        }
        ReportCommand::Round {
            format: RoundFormat::Xlsx,
            ..
        } => round_xlsx(&report, &ed).map_err(docs_error)?,
        ReportCommand::Round {
            format: RoundFormat::Pdf,
            ..
        } => round_pdf(&report, &ed).map_err(docs_error)?,
        ReportCommand::Eplannacc {
            format: EplanFormat::Csv,
            ..
        } => prongsai_docs::eplannacc::to_csv(&report),
        ReportCommand::Eplannacc {
            format: EplanFormat::Xlsx,
            ..
        } => prongsai_docs::eplannacc::to_xlsx(&report).map_err(docs_error)?,
    };
    std::fs::write(out, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes): {} {} — {}",
        out.display(),
        bytes.len(),
        r.label_en(),
        fy.label_en(),
        match &version {
            Some(v) => format!("submitted version {}", v.version),
            None => "live draft, not submitted".into(),
        }
    );
    Ok(ExitCode::SUCCESS)
}
