//! Searching conversations from the inbox (messages, visitor name or email).

use super::StoreError;
use parlor_domain::ChannelId;

/// Searching conversations.
#[async_trait::async_trait]
pub trait SearchStore: Send + Sync {
    /// Conversations with a message whose text matches `query`, or whose
    /// visitor's name or email does, newest hit first, at most `limit`.
    /// One hit per conversation: its newest matching message (or, when only
    /// the visitor matched, its newest message), with `created_at` in
    /// `[from, until)`. `channels` restricts them (`Some(&[])`: none).
    async fn search(
        &self,
        query: &parlor_domain::search::SearchQuery,
        channels: Option<&[ChannelId]>,
        limit: u32,
    ) -> Result<Vec<parlor_domain::search::SearchHit>, StoreError>;
}

/// `SearchStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! search_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::SearchStore for $store {
            async fn search(
                &self,
                query: &parlor_domain::search::SearchQuery,
                channels: Option<&[ChannelId]>,
                limit: u32,
            ) -> Result<Vec<parlor_domain::search::SearchHit>, StoreError> {
                if channels.is_some_and(|ids| ids.is_empty()) || limit == 0 {
                    return Ok(Vec::new());
                }
                // $1 the pattern, $2 the limit; the filters number on.
                let mut filter = String::new();
                let mut n = 2;
                let mut next = || {
                    n += 1;
                    format!("${n}")
                };
                if query.channel.is_some() {
                    filter += &format!(" AND c.channel_id = {}", next());
                }
                if query.from.is_some() {
                    filter += &format!(" AND m.created_at >= {}", next());
                }
                if query.until.is_some() {
                    filter += &format!(" AND m.created_at < {}", next());
                }
                if let Some(ids) = channels {
                    let list: Vec<String> = ids.iter().map(|_| next()).collect();
                    filter += &format!(" AND c.channel_id IN ({})", list.join(", "));
                }
                // Each conversation's newest matching message: a message whose
                // text matches ranks before one that is there because the
                // visitor matched. Within a second, the newer conversation
                // first (ids are time-ordered UUIDs).
                let sql = format!(
                    "SELECT conversation_id, visitor_id, visitor_name, channel_name, body, seq, created_at
                       FROM (SELECT m.conversation_id, c.visitor_id, v.name AS visitor_name,
                                    ch.name AS channel_name, m.body, m.seq, m.created_at,
                                    ROW_NUMBER() OVER (
                                        PARTITION BY m.conversation_id
                                        ORDER BY (lower(m.body) LIKE $1 ESCAPE '\\') DESC, m.seq DESC
                                    ) AS pick
                               FROM messages m
                               JOIN conversations c ON c.id = m.conversation_id
                               JOIN visitors v ON v.id = c.visitor_id
                               JOIN channels ch ON ch.id = c.channel_id
                              WHERE (lower(m.body) LIKE $1 ESCAPE '\\'
                                     OR lower(v.name) LIKE $1 ESCAPE '\\'
                                     OR lower(v.email) LIKE $1 ESCAPE '\\'){filter}) hits
                      WHERE pick = 1
                      ORDER BY created_at DESC, conversation_id DESC
                      LIMIT $2"
                );
                let mut q = sqlx::query(&sql)
                    .bind(query.like_pattern())
                    .bind(i64::from(limit));
                if let Some(channel) = query.channel {
                    q = q.bind(Key(channel.0));
                }
                if let Some(from) = query.from {
                    q = q.bind(from);
                }
                if let Some(until) = query.until {
                    q = q.bind(until);
                }
                for id in channels.unwrap_or_default() {
                    q = q.bind(Key(id.0));
                }
                let rows = q.fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| {
                        Ok(parlor_domain::search::SearchHit {
                            conversation: ConversationId(row.uuid("conversation_id")?),
                            visitor: VisitorId(row.uuid("visitor_id")?),
                            visitor_name: row.opt_text("visitor_name")?,
                            channel_name: row.text("channel_name")?,
                            body: row.text("body")?,
                            seq: Seq(row.int("seq")? as u64),
                            at: row.int("created_at")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(super) use search_sql;
