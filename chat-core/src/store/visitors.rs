//! Visitors: their tokens, profile (with an untrusted identity claim kept
//! apart, `identity_claim`), identities and page (`visitors`,
//! `visitor_tokens`, `visitor_identities`).

use super::StoreError;
use parlor_domain::{ChannelId, VisitorId, VisitorProfile};

/// Visitors and how they are recognised.
#[async_trait::async_trait]
pub trait VisitorStore: Send + Sync {
    async fn insert_visitor(
        &self,
        id: VisitorId,
        channel: ChannelId,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    /// The visitor a token names, and the channel they belong to (`None`
    /// for visitors made before tokens were bound to a channel, who never
    /// started a conversation).
    async fn visitor_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(VisitorId, Option<ChannelId>)>, StoreError>;

    /// Another token for an existing visitor (a device that proved to be them).
    async fn add_visitor_token(
        &self,
        visitor: VisitorId,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    async fn visitor_profile(&self, visitor: VisitorId) -> Result<VisitorProfile, StoreError>;

    async fn save_visitor_profile(
        &self,
        visitor: VisitorId,
        profile: &VisitorProfile,
    ) -> Result<(), StoreError>;

    /// Writes `profile`'s identity (name, email, external id, claim) over
    /// `visitor`'s, but only while they still hold `external_id` unverified:
    /// a visitor who signed in or changed meanwhile keeps their change.
    /// Other columns (custom fields) are left alone.
    async fn demote_unsigned_identity(
        &self,
        visitor: VisitorId,
        external_id: &str,
        profile: &VisitorProfile,
    ) -> Result<(), StoreError>;

    /// The visitor who holds `external_id` in `channel`: `visitor`, if no
    /// one held it yet (it is theirs from now on).
    async fn claim_identity(
        &self,
        channel: ChannelId,
        external_id: &str,
        visitor: VisitorId,
    ) -> Result<VisitorId, StoreError>;

    async fn set_visitor_page(&self, visitor: VisitorId, url: &str) -> Result<(), StoreError>;

    /// `channel`'s visitors with an identity taken without a valid
    /// signature (external id set, not verified), with their profiles.
    async fn unsigned_identities(
        &self,
        channel: ChannelId,
    ) -> Result<Vec<(VisitorId, VisitorProfile)>, StoreError>;
}

/// `VisitorStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! visitors_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::VisitorStore for $store {
            async fn insert_visitor(
                &self,
                id: VisitorId,
                channel: ChannelId,
                token_hash: &str,
                now: i64,
            ) -> Result<(), StoreError> {
                let op = VisitorOp {
                    id,
                    channel,
                    token_hash: token_hash.to_string(),
                    now,
                };
                group_commit::write(&self.writer, |reply| Job::Visitor(op, reply)).await
            }

            async fn visitor_by_token(
                &self,
                token_hash: &str,
            ) -> Result<Option<(VisitorId, Option<ChannelId>)>, StoreError> {
                let row = sqlx::query(
                    "SELECT id, channel_id FROM visitors WHERE token_hash = $1
                     UNION ALL
                     SELECT v.id, v.channel_id FROM visitor_tokens t
                       JOIN visitors v ON v.id = t.visitor_id WHERE t.token_hash = $1",
                )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref()
                    .map(|r| {
                        Ok((
                            VisitorId(r.uuid("id")?),
                            r.opt_uuid("channel_id")?.map(ChannelId),
                        ))
                    })
                    .transpose()
            }

            async fn add_visitor_token(
                &self,
                visitor: VisitorId,
                token_hash: &str,
                now: i64,
            ) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO visitor_tokens (token_hash, visitor_id, created_at) VALUES ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(Key(visitor.0))
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn visitor_profile(&self, visitor: VisitorId) -> Result<VisitorProfile, StoreError> {
                let row = sqlx::query("SELECT * FROM visitors WHERE id = $1")
                    .bind(Key(visitor.0))
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound("visitor"))?;
                rows::visitor_profile(&row, "")
            }

            async fn save_visitor_profile(
                &self,
                visitor: VisitorId,
                p: &VisitorProfile,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE visitors SET name = $1, email = $2, external_id = $3, verified = $4,
                            custom_fields = $5, identity_claim = $6
                      WHERE id = $7",
                )
                .bind(&p.name)
                .bind(&p.email)
                .bind(&p.external_id)
                .bind(i64::from(p.verified))
                .bind(rows::to_json(&p.fields)?)
                .bind(p.claim.as_ref().map(rows::to_json).transpose()?)
                .bind(Key(visitor.0))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn demote_unsigned_identity(
                &self,
                visitor: VisitorId,
                external_id: &str,
                p: &VisitorProfile,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE visitors SET name = $1, email = $2, external_id = $3, identity_claim = $4
                      WHERE id = $5 AND verified = 0 AND external_id = $6",
                )
                .bind(&p.name)
                .bind(&p.email)
                .bind(&p.external_id)
                .bind(p.claim.as_ref().map(rows::to_json).transpose()?)
                .bind(Key(visitor.0))
                .bind(external_id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn unsigned_identities(
                &self,
                channel: ChannelId,
            ) -> Result<Vec<(VisitorId, VisitorProfile)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT * FROM visitors
                      WHERE channel_id = $1 AND verified = 0 AND external_id IS NOT NULL",
                )
                .bind(Key(channel.0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| Ok((VisitorId(r.uuid("id")?), rows::visitor_profile(r, "")?)))
                    .collect()
            }

            async fn claim_identity(
                &self,
                channel: ChannelId,
                external_id: &str,
                visitor: VisitorId,
            ) -> Result<VisitorId, StoreError> {
                sqlx::query(
                    "INSERT INTO visitor_identities (channel_id, external_id, visitor_id)
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(Key(channel.0))
                .bind(external_id)
                .bind(Key(visitor.0))
                .execute(&self.pool)
                .await?;
                let row = sqlx::query(
                    "SELECT visitor_id FROM visitor_identities WHERE channel_id = $1 AND external_id = $2",
                )
                .bind(Key(channel.0))
                .bind(external_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(VisitorId(row.uuid("visitor_id")?))
            }

            async fn set_visitor_page(&self, visitor: VisitorId, url: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE visitors SET page_url = $1 WHERE id = $2")
                    .bind(url)
                    .bind(Key(visitor.0))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(super) use visitors_sql;
