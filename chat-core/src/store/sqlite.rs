//! The embedded default backend: one SQLite file in WAL mode with
//! `synchronous=FULL`, so a committed write survives a power cut.

use super::group_commit::{self, AppendOp, ConversationOp, Job, VisitorOp};
use super::rows::{self, DbRow, Key, SUMMARY_SELECT, USER_COLUMNS};
use super::sql_store::sql_store;
use super::sqlite_writer::Sqlite;
use super::{Appended, ChannelPart, NewMessage, NewUserRecord, StaffPresence, StoreError};
use parlor_domain::{
    Availability, Channel, ChannelDepartments, ChannelId, ChannelIdentity, ChannelRules,
    ChannelSettings, ChannelSummary, ChannelTriggers, Conversation, ConversationId,
    ConversationPreview, ConversationRating, ConversationSummary, Embedding, Message, Note, Seq,
    User, UserId, VisitorId, VisitorProfile,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Messages, visitors and conversations are written by one
    /// group-committing writer.
    writer: tokio::sync::mpsc::Sender<Job>,
}

impl SqliteStore {
    /// Routing needs no lock of its own: SQLite runs one write at a time.
    const ROUTING_LOCK: Option<&'static str> = None;
    /// Claiming mail needs no row locks either: one write at a time.
    const CLAIM_LOCK: &'static str = "";
    /// Transactions that write tickets take the write lock up front,
    /// waiting on busy_timeout. Deferred, with the full-text index's
    /// triggers on `tickets`, two concurrent saves failed at once with
    /// "database is locked" (a read upgraded to a write after another
    /// writer committed is never retried).
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    /// Ticket words are looked up in the `ticket_search` trigram index.
    const TICKET_FTS: bool = true;
    /// SQLite's LIKE ignores the case of ASCII letters.
    const CASELESS_LIKE: &'static str = "LIKE";

    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // Checkpoints run on their own task (below), not inside whichever
            // commit crosses the threshold: a checkpoint's copy and fsync
            // inside the message writer's commit was the latency tail.
            .pragma("wal_autocheckpoint", "0");
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
            }
        }
        migrate(&options).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        let writer = group_commit::spawn(Sqlite(options.connect().await?));
        tokio::spawn(checkpoints(pool.clone()));
        Ok(Self { pool, writer })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Runs the migrations on a connection of their own with foreign keys off:
/// SQLite changes a table's constraints only by rebuilding it, and dropping
/// a parent table with them on would cascade (sqlite.org/lang_altertable.html).
/// After a migration ran, every reference must still hold, or the store
/// does not open.
async fn migrate(options: &SqliteConnectOptions) -> Result<(), StoreError> {
    let mut conn = options.clone().foreign_keys(false).connect().await?;
    let applied = || sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations");
    // A new file has no table yet: count that as nothing applied.
    let before = applied().fetch_one(&mut conn).await.unwrap_or(0);
    MIGRATOR.run(&mut conn).await?;
    // The check reads every row: only after a migration ran.
    if applied().fetch_one(&mut conn).await? != before {
        let dangling: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut conn)
                .await?;
        if let Some((table,)) = dangling.first() {
            return Err(StoreError::Corrupt(format!(
                "after migrating, {table} refers to rows that do not exist"
            )));
        }
    }
    conn.close().await?;
    Ok(())
}

/// Copies the WAL back into the database once a second. PASSIVE never
/// blocks the writer; it does what it can and the next round does the rest.
async fn checkpoints(pool: SqlitePool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
        if pool.is_closed() {
            return;
        }
    }
}

const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

sql_store!(SqliteStore, sqlx::Sqlite, {
    async fn conversation_summaries(
        &self,
        channels: Option<&[ChannelId]>,
        closed_limit: u32,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        // Channel ids are UUIDs we produced; binding them keeps it plain SQL.
        let filter = match channels {
            None => String::new(),
            Some(ids) => format!(
                " AND c.channel_id IN ({})",
                vec!["?"; ids.len().max(1)].join(", ")
            ),
        };
        let mut out = Vec::new();
        for (status, order, limit) in [
            ("open", "COALESCE(c.last_at, c.created_at) DESC", -1i64),
            ("closed", "c.closed_at DESC", i64::from(closed_limit)),
        ] {
            let sql = format!(
                "{SUMMARY_SELECT} WHERE c.status = '{status}'{filter} ORDER BY {order} LIMIT ?"
            );
            let mut q = sqlx::query(&sql);
            match channels {
                Some([]) => q = q.bind(""),
                Some(ids) => {
                    for id in ids {
                        q = q.bind(Key(id.0));
                    }
                }
                None => {}
            }
            for row in q.bind(limit).fetch_all(&self.pool).await? {
                out.push(rows::summary(&row)?);
            }
        }
        Ok(out)
    }
});
