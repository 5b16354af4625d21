//! `prongsai dev …`: tools for developers and benchmarks. `dev generate` fills the
//! database with synthetic organizations (see `prongsai_store::generate`).

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use prongsai_domain::{FiscalYear, thai};
use prongsai_store::generate::{self, Options};

use super::Ctx;
use crate::error::{CliError, Result};

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Fill the database with synthetic organizations across the 76 provinces, each with
    /// a 36-project plan, yearly progress, ITA scores, corruption cases and a risk
    /// register. Test data only: written without the audit trail.
    Generate {
        /// How many organizations.
        #[arg(long)]
        orgs: usize,
        /// Fiscal years (B.E.), e.g. 2566-2570.
        #[arg(long, default_value = "2566-2570")]
        years: String,
        /// Random seed (the same seed gives the same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The fiscal year taken as "now" (default: the current one): progress and
        /// scores exist up to it.
        #[arg(long)]
        current_year: Option<i64>,
        /// Organizations per transaction.
        #[arg(long, default_value_t = 250)]
        batch: usize,
    },
}

fn parse_years(s: &str) -> Result<(i64, i64)> {
    let s = thai::normalize_digits(s.trim());
    let (a, b) = s.split_once('-').unwrap_or((&s, &s));
    match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
        (Ok(a), Ok(b)) if (2500..=2700).contains(&a) && a <= b && b - a <= 20 => Ok((a, b)),
        _ => Err(CliError::usage(format!(
            "--years must be a B.E. range like 2566-2570 (got {s:?})"
        ))),
    }
}

pub async fn run(ctx: &Ctx, cmd: DevCommand) -> Result<ExitCode> {
    match cmd {
        DevCommand::Generate {
            orgs,
            years,
            seed,
            current_year,
            batch,
        } => {
            let (first_year, last_year) = parse_years(&years)?;
            if orgs == 0 || orgs > 100_000 {
                return Err(CliError::usage("--orgs must be 1–100000"));
            }
            let current_year =
                current_year.unwrap_or_else(|| i64::from(FiscalYear::current().be()));
            let db = ctx.db().await?;
            let started = Instant::now();
            let bar = crate::progress::Bar::new();
            let g = generate::generate(
                &db,
                &Options {
                    orgs,
                    first_year,
                    last_year,
                    seed,
                    current_year,
                    batch,
                },
                &bar,
            )
            .await?;
            println!(
                "generated {} organizations ({} projects, {} budget rows, {} progress rows, {} ITA scores, {} risks) in {:.1} s",
                g.organizations,
                g.projects,
                g.budgets,
                g.progress,
                g.ita_scores,
                g.risks,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(parse_years("2566-2570").ok(), Some((2566, 2570)));
        assert_eq!(parse_years("๒๕๖๖-๒๕๖๗").ok(), Some((2566, 2567)));
        assert_eq!(parse_years("2567").ok(), Some((2567, 2567)));
        assert!(parse_years("2570-2566").is_err());
        assert!(parse_years("2023-2027").is_err());
    }
}
