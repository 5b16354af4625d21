//! Reading the live schema back from either database: tables, columns and foreign keys.
//! Backups and restores use it to handle every table generically, so a table added by a
//! later migration is backed up without touching this code.

use sqlx::AnyConnection;

use crate::db::Backend;
use crate::error::Result;

/// The bookkeeping table of migrations; backups record its version instead of its rows.
pub const MIGRATIONS_TABLE: &str = "schema_migrations";

/// How a column's values are stored, whatever the backend calls the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    Float,
    Text,
    Blob,
}

impl ColumnKind {
    fn from_declared(ty: &str) -> ColumnKind {
        let t = ty.to_ascii_lowercase();
        if t.contains("int") {
            ColumnKind::Int
        } else if t.contains("blob") || t.contains("bytea") {
            ColumnKind::Blob
        } else if t.contains("real")
            || t.contains("double")
            || t.contains("float")
            || t.contains("numeric")
        {
            ColumnKind::Float
        } else {
            ColumnKind::Text
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// Every application table (not SQLite's internal ones), sorted by name.
pub async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// A table's columns in definition order.
pub async fn columns(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<Column>> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql)
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(name, ty)| Column {
            kind: ColumnKind::from_declared(&ty),
            name,
        })
        .collect())
}

/// Pairs (table, table it references) for every foreign key.
pub async fn foreign_keys(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Vec<(String, String)>> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT m.name, p.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) p \
             WHERE m.type = 'table'"
        }
        Backend::Postgres => {
            "SELECT DISTINCT tc.table_name::text, ccu.table_name::text \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.constraint_column_usage ccu \
               ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
        }
    };
    Ok(sqlx::query_as(sql).fetch_all(&mut *conn).await?)
}

/// Orders tables so that every table comes after the tables it references (ties by
/// name), which is the order rows can be inserted in.
pub fn insert_order(tables: &[String], fks: &[(String, String)]) -> Vec<String> {
    let mut left: Vec<String> = tables.to_vec();
    left.sort();
    let mut out: Vec<String> = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            fks.iter()
                .filter(|(from, to)| from == t && to != t)
                .all(|(_, to)| out.contains(to) || !left.contains(to))
        });
        // A cycle (none today) falls back to name order; the insert then reports it.
        let i = ready.unwrap_or(0);
        out.push(left.remove(i));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_tables_come_first() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let fks = vec![
            ("memberships".to_string(), "users".to_string()),
            ("memberships".to_string(), "organizations".to_string()),
            ("divisions".to_string(), "organizations".to_string()),
            ("memberships".to_string(), "divisions".to_string()),
        ];
        let order = insert_order(
            &t(&[
                "memberships",
                "divisions",
                "users",
                "organizations",
                "audit_log",
            ]),
            &fks,
        );
        assert_eq!(
            order,
            t(&[
                "audit_log",
                "organizations",
                "divisions",
                "users",
                "memberships"
            ])
        );
    }

    #[test]
    fn kinds_from_declared_types() {
        assert_eq!(ColumnKind::from_declared("BIGINT"), ColumnKind::Int);
        assert_eq!(ColumnKind::from_declared("bigint"), ColumnKind::Int);
        assert_eq!(ColumnKind::from_declared("INTEGER"), ColumnKind::Int);
        assert_eq!(ColumnKind::from_declared("bytea"), ColumnKind::Blob);
        assert_eq!(ColumnKind::from_declared("BLOB"), ColumnKind::Blob);
        assert_eq!(
            ColumnKind::from_declared("double precision"),
            ColumnKind::Float
        );
        assert_eq!(ColumnKind::from_declared("TEXT"), ColumnKind::Text);
    }
}
