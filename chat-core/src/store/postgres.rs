//! The production backend: PostgreSQL, shared by every Parlor node. Same
//! tables as SQLite (migrations/postgres/), same group commit; the one
//! connection per node that writes the message path commits in batches, and
//! PostgreSQL's own locks order the nodes' writes.

use super::group_commit::{self, AppendOp, ConversationOp, Job, VisitorOp};
use super::postgres_writer::Postgres;
use super::rows::{self, DbRow, Key, SUMMARY_SELECT, USER_COLUMNS};
use super::sql_store::sql_store;
use super::{Appended, ChannelPart, NewMessage, NewUserRecord, StaffPresence, StoreError};
use parlor_domain::{
    Availability, Channel, ChannelDepartments, ChannelId, ChannelIdentity, ChannelRules,
    ChannelSettings, ChannelSummary, ChannelTriggers, Conversation, ConversationId,
    ConversationPreview, ConversationRating, ConversationSummary, Embedding, Message, Note, Seq,
    User, UserId, VisitorId, VisitorProfile,
};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections for reads and the rarer writes, per node. The message path
/// has its own writer connection besides.
const POOL_SIZE: u32 = 16;

#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    /// Messages, visitors and conversations are written by one
    /// group-committing writer per node.
    writer: tokio::sync::mpsc::Sender<Job>,
}

impl PostgresStore {
    /// Routings take turns across nodes, so two never both count an
    /// operator's last free slot (released at commit).
    const ROUTING_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(7412053101)");
    /// Nodes claiming mail at once pass over each other's rows rather than
    /// wait for them and come back empty.
    const CLAIM_LOCK: &'static str = "FOR UPDATE SKIP LOCKED";
    /// Row locks do for PostgreSQL: a plain transaction.
    const BEGIN_WRITE: &'static str = "BEGIN";
    /// Ticket words are matched with LIKE over the columns (fast enough
    /// here; see docs/performance.md).
    const TICKET_FTS: bool = false;
    /// Case folded as the database's locale says, on both sides alike.
    const CASELESS_LIKE: &'static str = "ILIKE";

    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        // Nodes starting together take turns: sqlx holds an advisory lock
        // while it migrates.
        MIGRATOR.run(&pool).await?;
        // Acks wait for the WAL flush whatever the server's default says.
        let writer_options = options.options([("synchronous_commit", "on")]);
        let writer = group_commit::spawn(Postgres::new(writer_options));
        Ok(Self { pool, writer })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

sql_store!(PostgresStore, sqlx::Postgres, {
    async fn conversation_summaries(
        &self,
        channels: Option<&[ChannelId]>,
        closed_limit: u32,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        let ids: Option<Vec<uuid::Uuid>> = channels.map(|ids| ids.iter().map(|c| c.0).collect());
        let mut out = Vec::new();
        for (status, order, limit) in [
            ("open", "COALESCE(c.last_at, c.created_at) DESC", None),
            ("closed", "c.closed_at DESC", Some(i64::from(closed_limit))),
        ] {
            // LIMIT NULL is no limit; a NULL channel list is every channel.
            let sql = format!(
                "{SUMMARY_SELECT} WHERE c.status = '{status}'
                   AND ($1::uuid[] IS NULL OR c.channel_id = ANY($1))
                 ORDER BY {order} LIMIT $2"
            );
            let rows = sqlx::query(&sql)
                .bind(&ids)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
            for row in rows {
                out.push(rows::summary(&row)?);
            }
        }
        Ok(out)
    }
});
