//! Helpdesk teams (`helpdesk_teams`, their members, linked channels and
//! ordered stages). Few rows, read whole: a team is loaded with everything
//! it has.

use super::StoreError;
use parlor_domain::{ChannelId, Team, TeamId, TeamInput};

#[async_trait::async_trait]
pub trait TeamStore: Send + Sync {
    /// Every team, in the admin's order.
    async fn list_teams(&self) -> Result<Vec<Team>, StoreError>;

    async fn get_team(&self, id: TeamId) -> Result<Option<Team>, StoreError>;

    /// A new team, last in the order. `Conflict("team")` if the name or
    /// the alias is taken.
    async fn insert_team(&self, fields: &TeamInput, now: i64) -> Result<Team, StoreError>;

    /// Replaces a team's settings, members, channels and stages in one
    /// transaction. Stages keep their ids; one that is dropped must hold no
    /// ticket (`Conflict("stage with tickets")`), and an id that is not the
    /// team's is `NotFound("stage")`.
    async fn update_team(
        &self,
        id: TeamId,
        fields: &TeamInput,
        now: i64,
    ) -> Result<Team, StoreError>;

    /// `Conflict("team with tickets")` if any ticket is in it.
    async fn delete_team(&self, id: TeamId) -> Result<(), StoreError>;

    /// The teams whose live-chat intake links `channel`, in the admin's order.
    async fn teams_for_channel(&self, channel: ChannelId) -> Result<Vec<TeamId>, StoreError>;

    /// The teams `user` is a member of.
    async fn member_teams(&self, user: parlor_domain::UserId) -> Result<Vec<TeamId>, StoreError>;
}

macro_rules! teams_sql {
    ($store:ty, $db:ty) => {
        /// Loads teams (all, or one) with their members, channels and stages.
        async fn load_teams<'e, E>(ex: E, only: Option<parlor_domain::TeamId>) -> Result<Vec<parlor_domain::Team>, StoreError>
        where
            E: sqlx::Executor<'e, Database = $db> + Copy,
        {
            let only = only.map(|t| t.0);
            let rows = sqlx::query(
                "SELECT id, name, assignment, live_chat, web_form, email_alias
                 FROM helpdesk_teams WHERE ($1 IS NULL OR id = $1) ORDER BY position, id",
            )
            .bind(only)
            .fetch_all(ex)
            .await?;
            let mut teams = Vec::with_capacity(rows.len());
            for r in &rows {
                teams.push(parlor_domain::Team {
                    id: parlor_domain::TeamId(r.int("id")?),
                    name: r.text("name")?,
                    assignment: rows::parsed(r, "assignment", parlor_domain::Assignment::parse)?,
                    members: Vec::new(),
                    live_chat: r.int("live_chat")? != 0,
                    channels: Vec::new(),
                    web_form: r.int("web_form")? != 0,
                    email_alias: r.opt_text("email_alias")?,
                    stages: Vec::new(),
                });
            }
            let find = |teams: &[parlor_domain::Team], id: i64| -> Option<usize> {
                teams.iter().position(|t| t.id.0 == id)
            };
            let members = sqlx::query(
                "SELECT team_id, user_id FROM helpdesk_team_members
                 WHERE ($1 IS NULL OR team_id = $1) ORDER BY user_id",
            )
            .bind(only)
            .fetch_all(ex)
            .await?;
            for r in &members {
                if let Some(i) = find(&teams, r.int("team_id")?) {
                    teams[i].members.push(parlor_domain::UserId(r.int("user_id")?));
                }
            }
            let channels = sqlx::query(
                "SELECT c.team_id, c.channel_id FROM helpdesk_team_channels c
                 JOIN channels ch ON ch.id = c.channel_id
                 WHERE ($1 IS NULL OR c.team_id = $1) ORDER BY ch.name, ch.id",
            )
            .bind(only)
            .fetch_all(ex)
            .await?;
            for r in &channels {
                if let Some(i) = find(&teams, r.int("team_id")?) {
                    teams[i].channels.push(parlor_domain::ChannelId(r.uuid("channel_id")?));
                }
            }
            let stages = sqlx::query(
                "SELECT id, team_id, name, closes FROM helpdesk_stages
                 WHERE ($1 IS NULL OR team_id = $1) ORDER BY position, id",
            )
            .bind(only)
            .fetch_all(ex)
            .await?;
            for r in &stages {
                if let Some(i) = find(&teams, r.int("team_id")?) {
                    teams[i].stages.push(parlor_domain::Stage {
                        id: parlor_domain::StageId(r.int("id")?),
                        name: r.text("name")?,
                        closes: r.int("closes")? != 0,
                    });
                }
            }
            Ok(teams)
        }

        /// Writes a team's members, channels and stages (after its row).
        async fn write_team_parts(
            tx: &mut sqlx::Transaction<'_, $db>,
            id: parlor_domain::TeamId,
            f: &parlor_domain::TeamInput,
        ) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM helpdesk_team_members WHERE team_id = $1")
                .bind(id.0)
                .execute(&mut **tx)
                .await?;
            for m in &f.members {
                sqlx::query("INSERT INTO helpdesk_team_members (team_id, user_id) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(m.0)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| match e {
                        e if rows::is_foreign_key_violation(&e) => StoreError::NotFound("user"),
                        e => e.into(),
                    })?;
            }
            sqlx::query("DELETE FROM helpdesk_team_channels WHERE team_id = $1")
                .bind(id.0)
                .execute(&mut **tx)
                .await?;
            for c in &f.channels {
                sqlx::query(
                    "INSERT INTO helpdesk_team_channels (team_id, channel_id) VALUES ($1, $2)",
                )
                .bind(id.0)
                .bind(Key(c.0))
                .execute(&mut **tx)
                .await
                .map_err(|e| match e {
                    e if rows::is_foreign_key_violation(&e) => StoreError::NotFound("channel"),
                    e => e.into(),
                })?;
            }
            // Stages: those kept are renumbered in place, those dropped must
            // be empty, new ones are added.
            let existing: Vec<i64> = sqlx::query("SELECT id FROM helpdesk_stages WHERE team_id = $1")
                .bind(id.0)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.int("id"))
                .collect::<Result<_, _>>()?;
            for gone in existing.iter().filter(|s| !f.stages.iter().any(|k| k.id.map(|i| i.0) == Some(**s))) {
                let used = sqlx::query("SELECT COUNT(*) AS n FROM tickets WHERE stage_id = $1")
                    .bind(gone)
                    .fetch_one(&mut **tx)
                    .await?
                    .int("n")?;
                if used > 0 {
                    return Err(StoreError::Conflict("stage with tickets"));
                }
                sqlx::query("DELETE FROM helpdesk_stages WHERE id = $1")
                    .bind(gone)
                    .execute(&mut **tx)
                    .await?;
            }
            for (position, stage) in f.stages.iter().enumerate() {
                let position = position as i64;
                match stage.id {
                    Some(sid) if existing.contains(&sid.0) => {
                        sqlx::query(
                            "UPDATE helpdesk_stages SET name = $1, position = $2, closes = $3
                             WHERE id = $4",
                        )
                        .bind(&stage.name)
                        .bind(position)
                        .bind(i64::from(stage.closes))
                        .bind(sid.0)
                        .execute(&mut **tx)
                        .await?;
                    }
                    Some(_) => return Err(StoreError::NotFound("stage")),
                    None => {
                        sqlx::query(
                            "INSERT INTO helpdesk_stages (team_id, name, position, closes)
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(id.0)
                        .bind(&stage.name)
                        .bind(position)
                        .bind(i64::from(stage.closes))
                        .execute(&mut **tx)
                        .await?;
                    }
                }
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl $crate::store::TeamStore for $store {
            async fn list_teams(&self) -> Result<Vec<parlor_domain::Team>, StoreError> {
                load_teams(&self.pool, None).await
            }

            async fn get_team(&self, id: parlor_domain::TeamId) -> Result<Option<parlor_domain::Team>, StoreError> {
                Ok(load_teams(&self.pool, Some(id)).await?.pop())
            }

            async fn insert_team(
                &self,
                f: &parlor_domain::TeamInput,
                now: i64,
            ) -> Result<parlor_domain::Team, StoreError> {
                let mut tx = self.pool.begin().await?;
                let inserted = sqlx::query(
                    "INSERT INTO helpdesk_teams (name, position, assignment, live_chat, web_form,
                         email_alias, created_at, updated_at)
                     VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM helpdesk_teams),
                         $2, $3, $4, $5, $6, $6)
                     RETURNING id",
                )
                .bind(&f.name)
                .bind(f.assignment.as_str())
                .bind(i64::from(f.live_chat))
                .bind(i64::from(f.web_form))
                .bind(f.alias())
                .bind(now)
                .fetch_one(&mut *tx)
                .await;
                let id = match inserted {
                    Ok(row) => parlor_domain::TeamId(row.int("id")?),
                    Err(e) if rows::is_unique_violation(&e) => return Err(StoreError::Conflict("team")),
                    Err(e) => return Err(e.into()),
                };
                write_team_parts(&mut tx, id, f).await?;
                tx.commit().await?;
                load_teams(&self.pool, Some(id))
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound("team"))
            }

            async fn update_team(
                &self,
                id: parlor_domain::TeamId,
                f: &parlor_domain::TeamInput,
                now: i64,
            ) -> Result<parlor_domain::Team, StoreError> {
                let mut tx = self.pool.begin().await?;
                let updated = sqlx::query(
                    "UPDATE helpdesk_teams SET name = $1, assignment = $2, live_chat = $3,
                         web_form = $4, email_alias = $5, updated_at = $6
                     WHERE id = $7",
                )
                .bind(&f.name)
                .bind(f.assignment.as_str())
                .bind(i64::from(f.live_chat))
                .bind(i64::from(f.web_form))
                .bind(f.alias())
                .bind(now)
                .bind(id.0)
                .execute(&mut *tx)
                .await;
                match updated {
                    Ok(done) if done.rows_affected() == 0 => return Err(StoreError::NotFound("team")),
                    Ok(_) => {}
                    Err(e) if rows::is_unique_violation(&e) => return Err(StoreError::Conflict("team")),
                    Err(e) => return Err(e.into()),
                }
                write_team_parts(&mut tx, id, f).await?;
                tx.commit().await?;
                load_teams(&self.pool, Some(id))
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound("team"))
            }

            async fn delete_team(&self, id: parlor_domain::TeamId) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let used = sqlx::query("SELECT COUNT(*) AS n FROM tickets WHERE team_id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?
                    .int("n")?;
                if used > 0 {
                    return Err(StoreError::Conflict("team with tickets"));
                }
                let done = sqlx::query("DELETE FROM helpdesk_teams WHERE id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("team"));
                }
                tx.commit().await?;
                Ok(())
            }

            async fn teams_for_channel(&self, channel: parlor_domain::ChannelId) -> Result<Vec<parlor_domain::TeamId>, StoreError> {
                let rows = sqlx::query(
                    "SELECT t.id FROM helpdesk_teams t
                     JOIN helpdesk_team_channels c ON c.team_id = t.id
                     WHERE c.channel_id = $1 AND t.live_chat = 1
                     ORDER BY t.position, t.id",
                )
                .bind(Key(channel.0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(parlor_domain::TeamId(r.int("id")?))).collect()
            }

            async fn member_teams(
                &self,
                user: parlor_domain::UserId,
            ) -> Result<Vec<parlor_domain::TeamId>, StoreError> {
                let rows = sqlx::query(
                    "SELECT team_id FROM helpdesk_team_members WHERE user_id = $1 ORDER BY team_id",
                )
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| Ok(parlor_domain::TeamId(r.int("team_id")?)))
                    .collect()
            }
        }
    };
}

pub(super) use teams_sql;
