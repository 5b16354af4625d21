//! `prongsai user …`: accounts, roles and passwords.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use prongsai_domain::Role;
use prongsai_store::audit::Actor;
use prongsai_store::{StoreError, orgs, users};
use serde::Serialize;

use super::{Ctx, org_by_slug};
use crate::UserCommand;
use crate::error::{CliError, Result};

/// A random password of 16 letters and digits (about 95 bits).
pub fn generate_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut r = rand::rngs::OsRng;
    (0..16)
        .map(|_| char::from(CHARS[r.gen_range(0..CHARS.len())]))
        .collect()
}

fn read_stdin_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        return Err(CliError::usage("no password on standard input"));
    }
    Ok(p)
}

/// Asks on the terminal without echoing (via `stty`, where there is one).
fn prompt_password() -> Result<String> {
    let stty = |arg: &str| {
        std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let ask = |label: &str| -> Result<String> {
        eprint!("{label}: ");
        std::io::stderr().flush()?;
        let hidden = stty("-echo");
        let mut line = String::new();
        let r = std::io::stdin().lock().read_line(&mut line);
        if hidden {
            stty("echo");
            eprintln!();
        }
        r?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    };
    let p1 = ask("Password (รหัสผ่าน)")?;
    let p2 = ask("Again (ยืนยัน)")?;
    if p1 != p2 {
        return Err(CliError::usage("the two passwords differ"));
    }
    Ok(p1)
}

fn parse_role(s: &str) -> Result<Role> {
    s.trim().parse::<Role>().map_err(|_| {
        CliError::usage(format!(
            "unknown role {s:?}; use one of: {}",
            Role::ALL
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

async fn division_id(
    conn: &mut sqlx::AnyConnection,
    org: &orgs::Organization,
    code: Option<&str>,
) -> Result<Option<i64>> {
    let Some(code) = code else { return Ok(None) };
    let d = orgs::division_by_code(conn, org.id, code).await?.ok_or_else(|| {
        CliError::usage(format!(
            "organization {} has no division {code:?} (add it with `prongsai org division-add`)",
            org.slug
        ))
    })?;
    Ok(Some(d.id))
}

#[derive(Serialize)]
struct Listed {
    username: String,
    display_name: String,
    email: String,
    disabled: bool,
    locked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    division: Option<String>,
}

pub async fn run(ctx: &Ctx, cmd: UserCommand) -> Result<ExitCode> {
    match cmd {
        UserCommand::Create {
            username,
            name,
            email,
            password,
            password_stdin,
            org,
            role,
            division,
        } => {
            let role = role.as_deref().map(parse_role).transpose()?;
            let mut generated = false;
            let password = match (password, password_stdin) {
                (Some(p), _) => p,
                (None, true) => read_stdin_line()?,
                (None, false) if std::io::stdin().is_terminal() => prompt_password()?,
                (None, false) => {
                    generated = true;
                    generate_password()
                }
            };
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            let org = match &org {
                Some(slug) => Some(org_by_slug(&mut tx, slug).await?),
                None => None,
            };
            let chain = org.as_ref().map(|o| o.id).unwrap_or(0);
            let user = users::create(
                &mut tx,
                &keys.audit,
                chain,
                username.trim(),
                &name,
                &email,
                &password,
                &Actor::cli(),
            )
            .await?;
            if let (Some(org), Some(role)) = (&org, role) {
                let div = division_id(&mut tx, org, division.as_deref()).await?;
                users::set_role(
                    &mut tx,
                    &keys.audit,
                    org.id,
                    user.id,
                    role,
                    div,
                    &Actor::cli(),
                )
                .await?;
            }
            tx.commit().await.map_err(StoreError::from)?;
            match (&org, role) {
                (Some(o), Some(r)) => println!(
                    "created user {} as {} in {}",
                    user.username,
                    r.code(),
                    o.slug
                ),
                _ => println!("created user {}", user.username),
            }
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List { org, json } => {
            let db = ctx.db().await?;
            let mut c = db.pool.acquire().await.map_err(StoreError::from)?;
            let now = prongsai_store::now_ms();
            let listed: Vec<Listed> = match &org {
                Some(slug) => {
                    let o = org_by_slug(&mut c, slug).await?;
                    let divs = orgs::divisions(&mut c, o.id).await?;
                    users::members(&mut c, o.id)
                        .await?
                        .into_iter()
                        .map(|m| Listed {
                            division: m.membership.division_id.and_then(|id| {
                                divs.iter().find(|d| d.id == id).map(|d| d.code.clone())
                            }),
                            role: Some(m.membership.role),
                            locked: m.user.locked_until > now,
                            disabled: m.user.disabled,
                            username: m.user.username,
                            display_name: m.user.display_name,
                            email: m.user.email,
                        })
                        .collect()
                }
                None => users::list(&mut c, i64::MAX, 0)
                    .await?
                    .into_iter()
                    .map(|u| Listed {
                        locked: u.locked_until > now,
                        disabled: u.disabled,
                        username: u.username,
                        display_name: u.display_name,
                        email: u.email,
                        role: None,
                        division: None,
                    })
                    .collect(),
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&listed)
                        .map_err(|e| CliError::usage(e.to_string()))?
                );
            } else {
                println!(
                    "{:<24} {:<18} {:<12} {:<30} STATUS",
                    "USERNAME", "ROLE", "DIVISION", "NAME"
                );
                for u in listed {
                    let status = if u.disabled {
                        "disabled"
                    } else if u.locked {
                        "locked"
                    } else {
                        ""
                    };
                    println!(
                        "{:<24} {:<18} {:<12} {:<30} {status}",
                        u.username,
                        u.role.map(|r| r.code()).unwrap_or("-"),
                        u.division.as_deref().unwrap_or("-"),
                        u.display_name
                    );
                }
            }
        }
        UserCommand::SetRole {
            username,
            org,
            role,
            division,
        } => {
            let role = parse_role(&role)?;
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            let o = org_by_slug(&mut tx, &org).await?;
            let user = users::by_username(&mut tx, &username)
                .await?
                .ok_or_else(|| CliError::usage(format!("no user {username:?}")))?;
            let div = division_id(&mut tx, &o, division.as_deref()).await?;
            users::set_role(
                &mut tx,
                &keys.audit,
                o.id,
                user.id,
                role,
                div,
                &Actor::cli(),
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            println!("{} is now {} in {}", user.username, role.code(), o.slug);
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                (read_stdin_line()?, false)
            } else {
                (generate_password(), true)
            };
            let keys = ctx.keys()?;
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            let user = users::by_username(&mut tx, &username)
                .await?
                .ok_or_else(|| CliError::usage(format!("no user {username:?}")))?;
            users::set_password(&mut tx, &keys.audit, 0, user.id, &password, &Actor::cli()).await?;
            tx.commit().await.map_err(StoreError::from)?;
            println!(
                "password of {} reset; the account is unlocked and signed out everywhere",
                user.username
            );
            if generated {
                println!("new password: {password}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
