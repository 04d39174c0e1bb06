//! The embedded default backend: one SQLite file in WAL mode with
//! `synchronous=FULL`, so a committed write survives a power cut.

use super::group_commit::{self, AppendOp, ConversationOp, Job, VisitorOp};
use super::rows::{self, DbRow, SUMMARY_SELECT, USER_COLUMNS};
use super::sqlite_writer::Sqlite;
use super::{Appended, NewMessage, NewUserRecord, Store, StoreError};
use async_trait::async_trait;
use parlor_domain::{
    Channel, ChannelId, ChannelSettings, ChannelSummary, Conversation, ConversationId,
    ConversationSummary, Message, Seq, User, UserId, VisitorId,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::ConnectOptions;
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let writer = group_commit::spawn(Sqlite(options.connect().await?));
        tokio::spawn(checkpoints(pool.clone()));
        Ok(Self { pool, writer })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
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

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds the seven settings columns, in the order name, window_title,
/// notification_text, button_color, header_color, welcome_message,
/// input_placeholder: every statement that writes settings lists them so.
fn bind_settings<'q>(query: Query<'q>, s: &'q ChannelSettings) -> Query<'q> {
    query
        .bind(&s.name)
        .bind(&s.window_title)
        .bind(&s.notification_text)
        .bind(s.button_color.as_str())
        .bind(s.header_color.as_str())
        .bind(&s.welcome_message)
        .bind(&s.input_placeholder)
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn write_queue_depth(&self) -> usize {
        group_commit::queue_depth(&self.writer)
    }

    async fn count_users(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn insert_user(&self, u: &NewUserRecord) -> Result<User, StoreError> {
        let res = sqlx::query(
            "INSERT INTO users (email, display_name, role, password_hash, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&u.email)
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(crate::now_unix())
        .execute(&self.pool)
        .await;
        match res {
            Ok(done) => Ok(User {
                id: UserId(done.last_insert_rowid()),
                email: u.email.clone(),
                display_name: u.display_name.clone(),
                role: u.role,
            }),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("user")),
            Err(e) => Err(e.into()),
        }
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((rows::user(&row)?, row.text("password_hash")?))),
            None => Ok(None),
        }
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY display_name COLLATE NOCASE, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::user).collect()
    }

    async fn insert_session(
        &self,
        token_hash: &str,
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        // Expired sessions are swept here, on the rare write path.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str, now: i64) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.role
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ? AND s.expires_at > ?",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn count_channels(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM channels")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn insert_channel(
        &self,
        id: ChannelId,
        s: &ChannelSettings,
        operators: &[UserId],
        now: i64,
    ) -> Result<Channel, StoreError> {
        let mut tx = self.pool.begin().await?;
        bind_settings(
            sqlx::query(
                "INSERT INTO channels (name, window_title, notification_text, button_color,
                     header_color, welcome_message, input_placeholder, id, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ),
            s,
        )
        .bind(id.to_string())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for user in operators {
            sqlx::query("INSERT INTO channel_operators (channel_id, user_id) VALUES (?, ?)")
                .bind(id.to_string())
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Channel {
            id,
            settings: s.clone(),
            operators: operators.to_vec(),
        })
    }

    async fn get_channel(&self, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        let Some(row) = sqlx::query("SELECT * FROM channels WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let operators: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM channel_operators WHERE channel_id = ? ORDER BY user_id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(Channel {
            id,
            settings: rows::settings(&row)?,
            operators: operators.into_iter().map(UserId).collect(),
        }))
    }

    async fn list_channels(&self) -> Result<Vec<ChannelSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, c.button_color,
                    (SELECT COUNT(*) FROM channel_operators o WHERE o.channel_id = c.id) AS operators
             FROM channels c ORDER BY c.created_at, c.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ChannelSummary {
                    id: ChannelId(row.uuid("id")?),
                    name: row.text("name")?,
                    button_color: rows::color(row, "button_color")?,
                    operator_count: row.int("operators")? as u32,
                })
            })
            .collect()
    }

    async fn update_channel_settings(
        &self,
        id: ChannelId,
        s: &ChannelSettings,
        now: i64,
    ) -> Result<Channel, StoreError> {
        let done = bind_settings(
            sqlx::query(
                "UPDATE channels SET name = ?, window_title = ?, notification_text = ?,
                     button_color = ?, header_color = ?, welcome_message = ?,
                     input_placeholder = ?, updated_at = ?
                 WHERE id = ?",
            ),
            s,
        )
        .bind(now)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("channel"));
        }
        self.get_channel(id)
            .await?
            .ok_or(StoreError::NotFound("channel"))
    }

    async fn set_channel_operator(
        &self,
        id: ChannelId,
        user: UserId,
        member: bool,
    ) -> Result<(), StoreError> {
        let sql = if member {
            "INSERT OR IGNORE INTO channel_operators (channel_id, user_id) VALUES (?, ?)"
        } else {
            "DELETE FROM channel_operators WHERE channel_id = ? AND user_id = ?"
        };
        let res = sqlx::query(sql)
            .bind(id.to_string())
            .bind(user.0)
            .execute(&self.pool)
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(StoreError::NotFound("channel or user"))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn insert_visitor(
        &self,
        id: VisitorId,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let op = VisitorOp {
            id,
            token_hash: token_hash.to_string(),
            now,
        };
        group_commit::write(&self.writer, |reply| Job::Visitor(op, reply)).await
    }

    async fn visitor_by_token(&self, token_hash: &str) -> Result<Option<VisitorId>, StoreError> {
        let row = sqlx::query("SELECT id FROM visitors WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|r| r.uuid("id").map(VisitorId))
            .transpose()
    }

    async fn insert_conversation(
        &self,
        id: ConversationId,
        channel: ChannelId,
        visitor: VisitorId,
        now: i64,
    ) -> Result<Conversation, StoreError> {
        let op = ConversationOp {
            id,
            channel,
            visitor,
            now,
        };
        group_commit::write(&self.writer, |reply| Job::Conversation(op, reply)).await
    }

    async fn get_conversation(
        &self,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError> {
        let row = sqlx::query("SELECT * FROM conversations WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::conversation).transpose()
    }

    async fn append_message(&self, m: &NewMessage<'_>) -> Result<Appended, StoreError> {
        let op = AppendOp {
            id: m.id,
            conversation: m.conversation,
            author: m.author,
            body: m.body.to_string(),
            now: m.now,
        };
        group_commit::write(&self.writer, |reply| Job::Append(op, reply)).await
    }

    async fn messages_after(
        &self,
        conversation: ConversationId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(conversation.to_string())
        .bind(after.0 as i64)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::message).collect()
    }

    async fn operator_channels(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
        let rows = sqlx::query("SELECT channel_id FROM channel_operators WHERE user_id = ?")
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.uuid("channel_id").map(ChannelId))
            .collect()
    }

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
                        q = q.bind(id.to_string());
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

    async fn conversation_summary(
        &self,
        id: ConversationId,
    ) -> Result<Option<ConversationSummary>, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE c.id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::summary).transpose()
    }

    async fn close_conversation(&self, id: ConversationId, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
        )
        .bind(now)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_read(&self, id: ConversationId, seq: Seq) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conversations SET read_seq = MIN(MAX(read_seq, ?), last_seq) WHERE id = ?",
        )
        .bind(seq.0 as i64)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_visitor_page(&self, visitor: VisitorId, url: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE visitors SET page_url = ? WHERE id = ?")
            .bind(url)
            .bind(visitor.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
