//! The `prongsai` command: the server and the administrator's tools in one binary.
//!
//! Every subcommand lives in `commands/`; `config.rs` decides where the data and the
//! database are (flags, then environment, then the config file, then defaults);
//! `error.rs` turns failures into a clear message in English and Thai and a non-zero
//! exit code. Every change made from here is recorded in the audit trail as `cli`.

mod commands;
mod config;
mod demo;
mod demo_info;
mod demo_progress;
mod error;
mod plan_cmd;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::CliError;

#[derive(Parser, Debug)]
#[command(
    name = "prongsai",
    version,
    about = "Prongsai (โปร่งใส): runs a Thai local government's anti-corruption action plan"
)]
pub struct Cli {
    /// Where keys, uploaded files and the SQLite database live.
    #[arg(long, global = true, env = "PRONGSAI_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://… (default: sqlite://<data-dir>/prongsai.sqlite).
    #[arg(
        long,
        global = true,
        env = "PRONGSAI_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Settings file (TOML); default <data-dir>/prongsai.toml if present.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Organizations (องค์กรปกครองส่วนท้องถิ่น).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Accounts and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// The tamper-evident audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The anti-corruption action plan: read, check and import plan files.
    #[command(subcommand)]
    Plan(plan_cmd::PlanCommand),
    /// Reports of the 6- and 12-month rounds (JSON, XLSX, PDF) and the e-PlanNACC export.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// Corruption and misconduct reports (แจ้งเบาะแส): retention.
    #[command(subcommand)]
    Integrity(IntegrityCommand),
    /// Developer tools: synthetic data for scale tests.
    #[command(subcommand)]
    Dev(commands::dev::DevCommand),
    /// Write a consistent backup of the whole installation (safe while the server runs).
    Backup {
        /// The zip file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup into an empty database.
    Restore {
        /// The backup zip.
        file: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PRONGSAI_LISTEN", default_value = None, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Set up a demonstration municipality with one account per role (in a fresh
    /// temporary data directory unless --data-dir is given).
    #[arg(long)]
    pub demo: bool,
    /// Prongsai is reached over HTTPS (via a TLS proxy): secure cookies and HSTS.
    #[arg(long)]
    pub behind_tls: bool,
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Apply pending schema migrations.
    Migrate,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an organization.
    Create {
        /// URL name: lowercase letters, digits and hyphens (e.g. chachoengsao).
        #[arg(long)]
        slug: String,
        /// Thai name, e.g. เทศบาลเมืองฉะเชิงเทรา.
        #[arg(long)]
        name_th: String,
        /// English name.
        #[arg(long, default_value = "")]
        name_en: String,
        /// provincial, city_municipality, town_municipality, subdistrict_municipality,
        /// subdistrict (Thai names such as เทศบาลเมือง or อบต. work too).
        #[arg(long = "type", value_name = "TYPE")]
        org_type: String,
        /// Province (จังหวัด).
        #[arg(long, default_value = "")]
        province: String,
    },
    /// List organizations.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write an organization with all its data as JSON to standard output.
    Export { slug: String },
    /// Import an organization exported by `org export` (from this or another installation).
    Import { file: PathBuf },
    /// Add a division (สำนัก/กอง).
    DivisionAdd {
        slug: String,
        /// Short code: lowercase letters, digits, - or _ (e.g. finance).
        code: String,
        name_th: String,
        name_en: Option<String>,
    },
    /// API keys for machine clients (Open311 POST, chat bots).
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Create a key for an organization; it is printed once.
    Create { slug: String, name: String },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account, optionally with a role in an organization.
    Create {
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        email: String,
        /// The password (visible in the process list: prefer --password-stdin).
        #[arg(long, conflicts_with = "password_stdin")]
        password: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Organization to join.
        #[arg(long, requires = "role")]
        org: Option<String>,
        /// Role in that organization (officer, division_head, clerk, executive,
        /// internal_auditor, integrity_officer, council_member, admin, citizen).
        #[arg(long, requires = "org")]
        role: Option<String>,
        /// Division code (needed for officer and division_head).
        #[arg(long, requires = "org")]
        division: Option<String>,
    },
    /// List accounts (of one organization, with roles, when --org is given).
    List {
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Give an account a role in an organization (replacing its earlier role there).
    SetRole {
        username: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        division: Option<String>,
    },
    /// Set a new password; prints a generated one unless --password-stdin is given.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `prongsai integrity …`: the corruption-report channel (แจ้งเบาะแส).
#[derive(Subcommand, Debug)]
pub enum IntegrityCommand {
    /// Delete for good the reports past their organization's retention period.
    Purge {
        /// Only this organization (default: every organization).
        #[arg(long, value_name = "SLUG")]
        org: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check every hash chain; exit code 1 and the first broken row if any.
    Verify,
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only on a terminal: log files and journald get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return error::report(&CliError::Io(e)),
    };
    match rt.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => error::report(&e),
    }
}
