//! Tickets (`tickets`, `ticket_tags`). A ticket's id is its number.

use super::{NewEntry, StoreError};
use parlor_domain::{
    NewTicket, OutgoingMail, TeamId, Ticket, TicketCounts, TicketFilter, TicketNumber, UserId,
};

#[async_trait::async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores a checked ticket in its team's first stage, with the assignee
    /// the team's assignment picks (in the same transaction, so two tickets
    /// at once do not both go to the same turn). `NotFound("team")` if the
    /// team is gone. `first` is its thread's first entry (its `ticket` is
    /// set here) and that entry's mail, written in the same transaction;
    /// a ticket found by its request id gets none.
    async fn insert_ticket(
        &self,
        ticket: &NewTicket,
        first: Option<(&NewEntry<'_>, Option<&OutgoingMail>)>,
        now: i64,
    ) -> Result<Ticket, StoreError>;

    async fn get_ticket(&self, number: TicketNumber) -> Result<Option<Ticket>, StoreError>;

    /// Tickets matching `filter`, highest priority first, within `teams`
    /// (`None`: every team, for admins).
    async fn list_tickets(
        &self,
        filter: &TicketFilter,
        teams: Option<&[TeamId]>,
    ) -> Result<Vec<Ticket>, StoreError>;

    /// Writes every field of `ticket` if it is still at `ticket.version`,
    /// and returns it at the next version; `Conflict("ticket changed")` if
    /// someone changed it meanwhile, `NotFound("ticket")` if it is gone.
    async fn save_ticket(&self, ticket: &Ticket, now: i64) -> Result<Ticket, StoreError>;

    /// Open tickets assigned to `user`, and open unassigned ones, within
    /// `teams` (`None`: every team).
    async fn ticket_counts(
        &self,
        user: UserId,
        teams: Option<&[TeamId]>,
    ) -> Result<TicketCounts, StoreError>;
}

macro_rules! tickets_sql {
    ($store:ty, $db:ty) => {
        const TICKET_COLUMNS: &str = "id, team_id, stage_id, title, description, customer_name,
            customer_email, visitor_id, conversation_id, assignee_id, priority, source,
            closed_at, created_at, updated_at, version";

        fn ticket_row(r: &impl DbRow) -> Result<parlor_domain::Ticket, StoreError> {
            let priority = r.int("priority")?;
            Ok(parlor_domain::Ticket {
                number: parlor_domain::TicketNumber(r.int("id")?),
                title: r.text("title")?,
                description: r.text("description")?,
                customer: parlor_domain::Customer {
                    name: r.text("customer_name")?,
                    email: r.text("customer_email")?,
                    visitor: r.opt_uuid("visitor_id")?.map(parlor_domain::VisitorId),
                },
                team: parlor_domain::TeamId(r.int("team_id")?),
                stage: parlor_domain::StageId(r.int("stage_id")?),
                assignee: r.opt_int("assignee_id")?.map(parlor_domain::UserId),
                tags: Vec::new(),
                priority: parlor_domain::Priority::from_stars(priority)
                    .ok_or_else(|| StoreError::Corrupt(format!("priority {priority}")))?,
                source: rows::parsed(r, "source", parlor_domain::TicketSource::parse)?,
                conversation: r.opt_uuid("conversation_id")?.map(parlor_domain::ConversationId),
                closed_at: r.opt_int("closed_at")?,
                created_at: r.int("created_at")?,
                updated_at: r.int("updated_at")?,
                version: r.int("version")?,
            })
        }

        /// Fills in the tickets' tags, in one query.
        async fn with_tags<'e, E>(ex: E, mut tickets: Vec<parlor_domain::Ticket>) -> Result<Vec<parlor_domain::Ticket>, StoreError>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            if tickets.is_empty() {
                return Ok(tickets);
            }
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id IN (",
            );
            let mut ids = q.separated(", ");
            for t in &tickets {
                ids.push_bind(t.number.0);
            }
            q.push(") ORDER BY tag");
            for r in q.build().fetch_all(ex).await? {
                let id = r.int("ticket_id")?;
                if let Some(t) = tickets.iter_mut().find(|t| t.number.0 == id) {
                    t.tags.push(r.text("tag")?);
                }
            }
            Ok(tickets)
        }

        async fn write_tags(
            tx: &mut sqlx::Transaction<'_, $db>,
            number: parlor_domain::TicketNumber,
            tags: &[String],
        ) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM ticket_tags WHERE ticket_id = $1")
                .bind(number.0)
                .execute(&mut **tx)
                .await?;
            for tag in tags {
                sqlx::query("INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)")
                    .bind(number.0)
                    .bind(tag)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }

        /// `AND team_id IN (…)`, or nothing for every team; an empty list
        /// matches nothing.
        fn push_teams(q: &mut sqlx::QueryBuilder<'_, $db>, teams: Option<&[parlor_domain::TeamId]>) {
            match teams {
                None => {}
                Some([]) => {
                    q.push(" AND 1 = 0");
                }
                Some(teams) => {
                    q.push(" AND team_id IN (");
                    let mut ids = q.separated(", ");
                    for t in teams {
                        ids.push_bind(t.0);
                    }
                    q.push(")");
                }
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::TicketStore for $store {
            async fn insert_ticket(
                &self,
                t: &parlor_domain::NewTicket,
                first: Option<(&$crate::store::NewEntry<'_>, Option<&parlor_domain::OutgoingMail>)>,
                now: i64,
            ) -> Result<parlor_domain::Ticket, StoreError> {
                let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                // Taking the team's row first serializes its new tickets:
                // round robin's cursor moves one step per ticket.
                let locked = sqlx::query("UPDATE helpdesk_teams SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(t.team.0)
                    .execute(&mut *tx)
                    .await?;
                if locked.rows_affected() == 0 {
                    return Err(StoreError::NotFound("team"));
                }
                if let Some(request) = &t.request_id {
                    // Under the team's lock: the same request twice at once
                    // finds the first one here.
                    let done = sqlx::query(&format!(
                        "SELECT {TICKET_COLUMNS} FROM tickets WHERE request_id = $1"
                    ))
                    .bind(request)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(row) = done {
                        let ticket = ticket_row(&row)?;
                        tx.rollback().await?;
                        return with_tags(&self.pool, vec![ticket])
                            .await?
                            .pop()
                            .ok_or(StoreError::NotFound("ticket"));
                    }
                }
                let team = sqlx::query("SELECT assignment, last_assignee FROM helpdesk_teams WHERE id = $1")
                    .bind(t.team.0)
                    .fetch_one(&mut *tx)
                    .await?;
                let assignment = rows::parsed(&team, "assignment", parlor_domain::Assignment::parse)?;
                let last = team.opt_int("last_assignee")?.map(parlor_domain::UserId);
                let stage = sqlx::query(
                    "SELECT id FROM helpdesk_stages WHERE team_id = $1 ORDER BY position, id LIMIT 1",
                )
                .bind(t.team.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("stage"))?
                .int("id")?;
                let members: Vec<parlor_domain::UserId> = sqlx::query(
                    "SELECT user_id FROM helpdesk_team_members WHERE team_id = $1 ORDER BY user_id",
                )
                .bind(t.team.0)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.int("user_id").map(parlor_domain::UserId))
                .collect::<Result<_, _>>()?;
                let open: Vec<(parlor_domain::UserId, i64)> = if assignment == parlor_domain::Assignment::Balanced {
                    sqlx::query(
                        "SELECT assignee_id, COUNT(*) AS n FROM tickets
                         WHERE team_id = $1 AND closed_at IS NULL AND assignee_id IS NOT NULL
                         GROUP BY assignee_id",
                    )
                    .bind(t.team.0)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| Ok((parlor_domain::UserId(r.int("assignee_id")?), r.int("n")?)))
                    .collect::<Result<_, StoreError>>()?
                } else {
                    Vec::new()
                };
                let assignee = parlor_domain::next_assignee(assignment, &members, last, &open);
                let row = sqlx::query(&format!(
                    "INSERT INTO tickets (team_id, stage_id, title, description, customer_name,
                         customer_email, visitor_id, conversation_id, assignee_id, priority, source,
                         created_at, updated_at, request_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
                     RETURNING {TICKET_COLUMNS}"
                ))
                .bind(t.team.0)
                .bind(stage)
                .bind(&t.title)
                .bind(&t.description)
                .bind(&t.customer.name)
                .bind(&t.customer.email)
                .bind(t.customer.visitor.map(|v| Key(v.0)))
                .bind(t.conversation.map(|c| Key(c.0)))
                .bind(assignee.map(|u| u.0))
                .bind(i64::from(t.priority.stars()))
                .bind(t.source.as_str())
                .bind(now)
                .bind(t.request_id.as_deref())
                .fetch_one(&mut *tx)
                .await?;
                let mut ticket = ticket_row(&row)?;
                write_tags(&mut tx, ticket.number, &t.tags).await?;
                if let Some((entry, mail)) = first {
                    let entry = $crate::store::NewEntry {
                        ticket: ticket.number,
                        ..entry.clone()
                    };
                    let mail = mail.map(|m| m.numbered(ticket.number.0));
                    insert_entry_tx(&mut tx, &entry, mail.as_ref(), now).await?;
                }
                if let Some(a) = assignee {
                    sqlx::query("UPDATE helpdesk_teams SET last_assignee = $1 WHERE id = $2")
                        .bind(a.0)
                        .bind(t.team.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                ticket.tags = t.tags.clone();
                Ok(ticket)
            }

            async fn get_ticket(&self, number: parlor_domain::TicketNumber) -> Result<Option<parlor_domain::Ticket>, StoreError> {
                let row = sqlx::query(&format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1"))
                    .bind(number.0)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    None => Ok(None),
                    Some(r) => Ok(with_tags(&self.pool, vec![ticket_row(&r)?]).await?.pop()),
                }
            }

            async fn list_tickets(
                &self,
                f: &parlor_domain::TicketFilter,
                teams: Option<&[parlor_domain::TeamId]>,
            ) -> Result<Vec<parlor_domain::Ticket>, StoreError> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {TICKET_COLUMNS} FROM tickets WHERE 1 = 1"
                ));
                push_teams(&mut q, teams);
                if let Some(team) = f.team {
                    q.push(" AND team_id = ").push_bind(team.0);
                }
                if let Some(stage) = f.stage {
                    q.push(" AND stage_id = ").push_bind(stage.0);
                } else if !f.include_closed {
                    q.push(" AND closed_at IS NULL");
                }
                if let Some(user) = f.assignee {
                    q.push(" AND assignee_id = ").push_bind(user.0);
                }
                if f.unassigned {
                    q.push(" AND assignee_id IS NULL");
                }
                if let Some(p) = f.priority {
                    q.push(" AND priority = ").push_bind(i64::from(p.stars()));
                }
                if let Some(tag) = &f.tag {
                    q.push(" AND id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ")
                        .push_bind(tag.trim().to_lowercase())
                        .push(")");
                }
                if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    match parlor_domain::TicketNumber::parse(text) {
                        Some(n) => {
                            q.push(" AND id = ").push_bind(n.0);
                        }
                        None => {
                            let words: Vec<&str> = text.split_whitespace().take(8).collect();
                            // On SQLite, words of three characters or more are
                            // looked up in the trigram index; shorter ones, and
                            // every word on PostgreSQL, by LIKE below.
                            let (indexed, scanned): (Vec<&str>, Vec<&str>) = if Self::TICKET_FTS {
                                words.iter().partition(|w| w.chars().count() >= 3)
                            } else {
                                (Vec::new(), words)
                            };
                            if !indexed.is_empty() {
                                let phrases: Vec<String> = indexed
                                    .iter()
                                    .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                                    .collect();
                                q.push(" AND id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ")
                                    .push_bind(phrases.join(" AND "))
                                    .push(")");
                            }
                            // Every word somewhere in the title, description or
                            // customer; `%` and `_` match themselves.
                            for word in scanned {
                                let like = format!(
                                    "%{}%",
                                    word.replace('\\', "\\\\")
                                        .replace('%', "\\%")
                                        .replace('_', "\\_")
                                );
                                q.push(" AND (");
                                for (i, col) in ["title", "description", "customer_name", "customer_email"]
                                    .iter()
                                    .enumerate()
                                {
                                    if i > 0 {
                                        q.push(" OR ");
                                    }
                                    q.push(format!("{col} {} ", Self::CASELESS_LIKE))
                                        .push_bind(like.clone())
                                        .push(" ESCAPE '\\'");
                                }
                                q.push(")");
                            }
                        }
                    }
                }
                q.push(match f.sort {
                    parlor_domain::TicketSort::Updated => " ORDER BY priority DESC, updated_at DESC, id DESC",
                    parlor_domain::TicketSort::Created => " ORDER BY priority DESC, id DESC",
                    parlor_domain::TicketSort::Oldest => " ORDER BY priority DESC, id ASC",
                });
                let limit = match f.limit {
                    0 => parlor_domain::helpdesk::TICKET_PAGE,
                    n => n.min(parlor_domain::helpdesk::TICKET_PAGE),
                };
                q.push(" LIMIT ").push_bind(i64::from(limit));
                let rows = q.build().fetch_all(&self.pool).await?;
                let tickets = rows.iter().map(ticket_row).collect::<Result<Vec<_>, _>>()?;
                with_tags(&self.pool, tickets).await
            }

            async fn save_ticket(&self, t: &parlor_domain::Ticket, now: i64) -> Result<parlor_domain::Ticket, StoreError> {
                let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                let saved = sqlx::query(&format!(
                    "UPDATE tickets SET team_id = $1, stage_id = $2, title = $3, description = $4,
                         customer_name = $5, customer_email = $6, assignee_id = $7, priority = $8,
                         closed_at = $9, updated_at = $10, version = version + 1
                     WHERE id = $11 AND version = $12
                     RETURNING {TICKET_COLUMNS}"
                ))
                .bind(t.team.0)
                .bind(t.stage.0)
                .bind(&t.title)
                .bind(&t.description)
                .bind(&t.customer.name)
                .bind(&t.customer.email)
                .bind(t.assignee.map(|u| u.0))
                .bind(i64::from(t.priority.stars()))
                .bind(t.closed_at)
                .bind(now)
                .bind(t.number.0)
                .bind(t.version)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| match e {
                    e if rows::is_foreign_key_violation(&e) => StoreError::NotFound("user"),
                    e => e.into(),
                })?;
                let Some(row) = saved else {
                    let exists = sqlx::query("SELECT 1 AS one FROM tickets WHERE id = $1")
                        .bind(t.number.0)
                        .fetch_optional(&mut *tx)
                        .await?
                        .is_some();
                    return Err(if exists {
                        StoreError::Conflict("ticket changed")
                    } else {
                        StoreError::NotFound("ticket")
                    });
                };
                let mut saved = ticket_row(&row)?;
                write_tags(&mut tx, saved.number, &t.tags).await?;
                tx.commit().await?;
                saved.tags = t.tags.clone();
                Ok(saved)
            }

            async fn ticket_counts(
                &self,
                user: parlor_domain::UserId,
                teams: Option<&[parlor_domain::TeamId]>,
            ) -> Result<parlor_domain::TicketCounts, StoreError> {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT COALESCE(SUM(CASE WHEN assignee_id = ",
                );
                q.push_bind(user.0)
                    .push(" THEN 1 ELSE 0 END), 0) AS mine,
                        COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned
                     FROM tickets WHERE closed_at IS NULL");
                push_teams(&mut q, teams);
                let row = q.build().fetch_one(&self.pool).await?;
                let count = |col| -> Result<u32, StoreError> {
                    Ok(u32::try_from(row.int(col)?).unwrap_or(u32::MAX))
                };
                Ok(parlor_domain::TicketCounts {
                    mine: count("mine")?,
                    unassigned: count("unassigned")?,
                })
            }
        }
    };
}

pub(super) use tickets_sql;
