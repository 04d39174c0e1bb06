//! The embedded default backend: one SQLite file in WAL mode with
//! `synchronous=FULL`, so a committed write survives a power cut.

use super::{sqlite_writer, Appended, NewMessage, NewUserRecord, Store, StoreError};
use async_trait::async_trait;
use parlor_domain::{
    Author, Channel, ChannelId, ChannelSettings, ChannelSummary, Conversation, ConversationId,
    ConversationStatus, ConversationSummary, HexColor, Message, Role, Seq, User, UserId, VisitorId,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Row};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Messages, visitors and conversations are written by one
    /// group-committing writer.
    writer: tokio::sync::mpsc::Sender<sqlite_writer::Job>,
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
        let writer = sqlite_writer::spawn(options.connect().await?);
        tokio::spawn(checkpoints(pool.clone()));
        Ok(Self { pool, writer })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Hands a job to the writer and waits for its durable outcome.
    async fn write<T>(
        &self,
        job: impl FnOnce(tokio::sync::oneshot::Sender<Result<T, StoreError>>) -> sqlite_writer::Job,
    ) -> Result<T, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let gone = || StoreError::Unavailable("the writer stopped".into());
        self.writer.send(job(reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
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

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: UserId(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
    })
}

fn color(row: &sqlx::sqlite::SqliteRow, col: &str) -> Result<HexColor, StoreError> {
    let s: String = row.try_get(col)?;
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{col} {s:?}")))
}

/// Parses a UUID-keyed id column.
fn uuid_col<T: FromStr>(row: &sqlx::sqlite::SqliteRow, col: &str) -> Result<T, StoreError> {
    let s: String = row.try_get(col)?;
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{col} {s:?}")))
}

fn conversation_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Conversation, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Conversation {
        id: uuid_col(row, "id")?,
        channel: uuid_col(row, "channel_id")?,
        visitor: uuid_col(row, "visitor_id")?,
        status: ConversationStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        assignee: row.try_get::<Option<i64>, _>("assignee_id")?.map(UserId),
        last_seq: Seq(row.try_get::<i64, _>("last_seq")? as u64),
        created_at: row.try_get("created_at")?,
    })
}

/// The inbox's view of a conversation: one row per conversation, with the
/// newest message joined by its (unique) sequence number.
const SUMMARY_SELECT: &str = "
    SELECT c.*, ch.name AS channel_name, u.display_name AS assignee_name, v.page_url,
           m.id AS m_id, m.conversation_id AS m_conversation_id, m.seq AS m_seq, m.author_kind AS m_author_kind,
           m.author_user_id AS m_author_user_id, m.body AS m_body, m.created_at AS m_created_at,
           (SELECT COUNT(*) FROM messages x
             WHERE x.conversation_id = c.id AND x.seq > c.read_seq
               AND x.author_kind = 'visitor') AS unread
      FROM conversations c
      JOIN channels ch ON ch.id = c.channel_id
      JOIN visitors v ON v.id = c.visitor_id
      LEFT JOIN users u ON u.id = c.assignee_id
      LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq";

fn summary_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<ConversationSummary, StoreError> {
    let conversation = conversation_from_row(row)?;
    let last_message = match row.try_get::<Option<String>, _>("m_id")? {
        None => None,
        Some(_) => Some(message_columns(row, "m_")?),
    };
    Ok(ConversationSummary {
        conversation,
        channel_name: row.try_get("channel_name")?,
        assignee_name: row.try_get("assignee_name")?,
        last_message,
        unread: row.try_get::<i64, _>("unread")? as u32,
        page_url: row.try_get("page_url")?,
    })
}

pub(super) fn message_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Message, StoreError> {
    message_columns(row, "")
}

/// A message from columns named `{prefix}id`, `{prefix}seq`, and so on.
fn message_columns(row: &sqlx::sqlite::SqliteRow, prefix: &str) -> Result<Message, StoreError> {
    let col = |name: &str| format!("{prefix}{name}");
    let kind: String = row.try_get(col("author_kind").as_str())?;
    let author = match (
        kind.as_str(),
        row.try_get::<Option<i64>, _>(col("author_user_id").as_str())?,
    ) {
        ("visitor", _) => Author::Visitor,
        ("operator", Some(user)) => Author::Operator { user: UserId(user) },
        _ => return Err(StoreError::Corrupt(format!("author {kind:?}"))),
    };
    Ok(Message {
        id: uuid_col(row, &col("id"))?,
        conversation: uuid_col(row, &col("conversation_id"))?,
        seq: Seq(row.try_get::<i64, _>(col("seq").as_str())? as u64),
        author,
        body: row.try_get(col("body").as_str())?,
        created_at: row.try_get(col("created_at").as_str())?,
    })
}

fn settings_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<ChannelSettings, StoreError> {
    Ok(ChannelSettings {
        name: row.try_get("name")?,
        window_title: row.try_get("window_title")?,
        notification_text: row.try_get("notification_text")?,
        button_color: color(row, "button_color")?,
        header_color: color(row, "header_color")?,
        welcome_message: row.try_get("welcome_message")?,
        input_placeholder: row.try_get("input_placeholder")?,
    })
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

const USER_COLUMNS: &str = "id, email, display_name, role";

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn write_queue_depth(&self) -> usize {
        self.writer.max_capacity() - self.writer.capacity()
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
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY display_name COLLATE NOCASE, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
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
        row.as_ref().map(user_from_row).transpose()
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
            settings: settings_from_row(&row)?,
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
                    id: uuid_col(row, "id")?,
                    name: row.try_get("name")?,
                    button_color: color(row, "button_color")?,
                    operator_count: row.try_get::<i64, _>("operators")? as u32,
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
        let token_hash = token_hash.to_string();
        self.write(|reply| sqlite_writer::Job::Visitor {
            id,
            token_hash,
            now,
            reply,
        })
        .await
    }

    async fn visitor_by_token(&self, token_hash: &str) -> Result<Option<VisitorId>, StoreError> {
        let row = sqlx::query("SELECT id FROM visitors WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| uuid_col(r, "id")).transpose()
    }

    async fn insert_conversation(
        &self,
        id: ConversationId,
        channel: ChannelId,
        visitor: VisitorId,
        now: i64,
    ) -> Result<Conversation, StoreError> {
        self.write(|reply| sqlite_writer::Job::Conversation {
            id,
            channel,
            visitor,
            now,
            reply,
        })
        .await
    }

    async fn get_conversation(
        &self,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError> {
        let row = sqlx::query("SELECT * FROM conversations WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(conversation_from_row).transpose()
    }

    async fn append_message(&self, m: &NewMessage<'_>) -> Result<Appended, StoreError> {
        let body = m.body.to_string();
        self.write(|reply| sqlite_writer::Job::Append {
            id: m.id,
            conversation: m.conversation,
            author: m.author,
            body,
            now: m.now,
            reply,
        })
        .await
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
        rows.iter().map(message_from_row).collect()
    }

    async fn operator_channels(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
        let rows = sqlx::query("SELECT channel_id FROM channel_operators WHERE user_id = ?")
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| uuid_col(r, "channel_id")).collect()
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
                out.push(summary_from_row(&row)?);
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
        row.as_ref().map(summary_from_row).transpose()
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
