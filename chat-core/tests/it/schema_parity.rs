//! The two backends' migrations build the same schema: a fresh SQLite
//! database and a fresh PostgreSQL schema, both migrated, have the same
//! tables, columns, nullability, type family, primary keys, unique
//! constraints and indexes. Drift fails with a list of every difference.
//! Needs PostgreSQL (`PARLOR_TEST_POSTGRES`); without it the test says it
//! was skipped (and fails on CI).

use chat_core::store::{PostgresStore, SqliteStore};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// One table as both backends can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// Column → (nullable, type family).
    columns: BTreeMap<String, (bool, String)>,
    primary_key: Vec<String>,
    /// Column lists of UNIQUE constraints (not of unique indexes).
    unique: BTreeSet<Vec<String>>,
    /// Indexes created by name (`CREATE [UNIQUE] INDEX`), not those behind
    /// a constraint, whose names each backend makes up.
    indexes: BTreeSet<Index>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    name: String,
    /// Column names in order; an expression is `<expr>`.
    columns: Vec<String>,
    unique: bool,
    /// Has a `WHERE`.
    partial: bool,
}

type Schema = BTreeMap<String, Table>;

/// What a declared type holds, as far as both backends agree. Ids are UUIDs
/// in PostgreSQL and their text in SQLite (`store/rows.rs`), so `uuid` is
/// text here; JSON is kept as text on both.
fn family(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let known = if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") || t == "uuid" {
        "text"
    } else if t.contains("blob") || t == "bytea" {
        "bytes"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") {
        "real"
    } else {
        // Reported as it is, so a new kind of column shows up in the diff.
        return t;
    };
    known.to_string()
}

async fn sqlite_schema(pool: &sqlx::SqlitePool) -> Schema {
    let mut schema = Schema::new();
    let tables: Vec<String> = sqlx::query_scalar(
        // `ticket_search` (and its shadow tables) is SQLite's full-text
        // index of tickets; PostgreSQL searches the columns themselves.
        "SELECT name FROM sqlite_master WHERE type = 'table'
          AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
          AND name NOT LIKE 'ticket\\_search%' ESCAPE '\\'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for name in tables {
        let mut table = Table::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for col in sqlx::query(&format!("PRAGMA table_info(\"{name}\")"))
            .fetch_all(pool)
            .await
            .unwrap()
        {
            let column: String = col.get("name");
            let pk_order: i64 = col.get("pk");
            // A primary key column is never NULL on PostgreSQL; SQLite's
            // pragma says notnull = 0 unless it was declared so.
            let nullable = col.get::<i64, _>("notnull") == 0 && pk_order == 0;
            let declared: String = col.get("type");
            table
                .columns
                .insert(column.clone(), (nullable, family(&declared)));
            if pk_order > 0 {
                pk.push((pk_order, column));
            }
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        for index in sqlx::query(&format!("PRAGMA index_list(\"{name}\")"))
            .fetch_all(pool)
            .await
            .unwrap()
        {
            let index_name: String = index.get("name");
            let origin: String = index.get("origin");
            let columns: Vec<String> = sqlx::query(&format!("PRAGMA index_info(\"{index_name}\")"))
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|c| {
                    c.get::<Option<String>, _>("name")
                        .unwrap_or_else(|| "<expr>".into())
                })
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    table.unique.insert(columns);
                }
                _ => {
                    table.indexes.insert(Index {
                        name: index_name,
                        columns,
                        unique: index.get::<i64, _>("unique") == 1,
                        partial: index.get::<i64, _>("partial") == 1,
                    });
                }
            }
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(pool: &sqlx::PgPool) -> Schema {
    let mut schema = Schema::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for name in &tables {
        schema.insert(name.clone(), Table::default());
    }
    for col in sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, is_nullable::text AS n,
                data_type::text AS ty
           FROM information_schema.columns WHERE table_schema = current_schema()",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        if let Some(table) = schema.get_mut(&col.get::<String, _>("t")) {
            let declared: String = col.get("ty");
            table.columns.insert(
                col.get("c"),
                (col.get::<String, _>("n") == "YES", family(&declared)),
            );
        }
    }
    for index in sqlx::query(
        "SELECT t.relname::text AS t, i.relname::text AS name, ix.indisunique AS is_unique,
                ix.indpred IS NOT NULL AS partial, con.contype::text AS constraint_kind,
                ARRAY(SELECT COALESCE(a.attname::text, '<expr>')
                        FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                        LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                       ORDER BY k.n) AS columns
           FROM pg_index ix
           JOIN pg_class i ON i.oid = ix.indexrelid
           JOIN pg_class t ON t.oid = ix.indrelid
           JOIN pg_namespace ns ON ns.oid = t.relnamespace
           LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.contype IN ('p', 'u')
          WHERE ns.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        let Some(table) = schema.get_mut(&index.get::<String, _>("t")) else {
            continue;
        };
        let columns: Vec<String> = index.get("columns");
        match index.get::<Option<String>, _>("constraint_kind").as_deref() {
            Some("p") => table.primary_key = columns,
            Some(_) => {
                table.unique.insert(columns);
            }
            None => {
                table.indexes.insert(Index {
                    name: index.get("name"),
                    columns,
                    unique: index.get("is_unique"),
                    partial: index.get("partial"),
                });
            }
        }
    }
    schema
}

/// Every difference, one line each.
fn diff(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.push(format!("table {name}: only in SQLite"));
                continue;
            }
            (None, _) => {
                out.push(format!("table {name}: only in PostgreSQL"));
                continue;
            }
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            match (s.columns.get(column), p.columns.get(column)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => out.push(format!(
                    "{name}.{column}: (nullable, type) SQLite {a:?}, PostgreSQL {b:?}"
                )),
                (Some(_), None) => out.push(format!("{name}.{column}: only in SQLite")),
                (None, _) => out.push(format!("{name}.{column}: only in PostgreSQL")),
            }
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "{name}: primary key SQLite {:?}, PostgreSQL {:?}",
                s.primary_key, p.primary_key
            ));
        }
        for u in s.unique.difference(&p.unique) {
            out.push(format!("{name}: UNIQUE {u:?} only in SQLite"));
        }
        for u in p.unique.difference(&s.unique) {
            out.push(format!("{name}: UNIQUE {u:?} only in PostgreSQL"));
        }
        for i in s.indexes.difference(&p.indexes) {
            out.push(format!("{name}: index {i:?} only in SQLite (or differs)"));
        }
        for i in p.indexes.difference(&s.indexes) {
            out.push(format!(
                "{name}: index {i:?} only in PostgreSQL (or differs)"
            ));
        }
    }
    out
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let Some(base) = chat_core::testing::postgres() else {
        chat_core::testing::skip_without_postgres("both_backends_migrate_to_the_same_schema");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&format!("sqlite://{}/parity.db", dir.path().display()))
        .await
        .unwrap();
    let url = chat_core::testing::fresh_schema(&base).await.unwrap();
    let postgres = PostgresStore::open(&url).await.unwrap();

    let sqlite = sqlite_schema(sqlite.pool()).await;
    let postgres = postgres_schema(postgres.pool()).await;
    assert!(!sqlite.is_empty(), "no tables found in SQLite");
    assert!(!postgres.is_empty(), "no tables found in PostgreSQL");

    let drift = diff(&sqlite, &postgres);
    assert!(
        drift.is_empty(),
        "the SQLite and PostgreSQL schemas differ:\n  {}",
        drift.join("\n  ")
    );
}
