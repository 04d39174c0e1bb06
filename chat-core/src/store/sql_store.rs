//! The `Store` methods whose SQL is the same on both backends, written once:
//! `sql_store!` expands them into each backend's `impl Store`, which passes
//! in only what really differs. (A generic impl over sqlx's `Database` would
//! need a trait bound per bound type and statement.) The SQL uses `$1`-style
//! parameters, which both drivers accept, and binds ids as [`Key`]s.
//!
//! A backend's type has a `pool` (its sqlx pool) and a `writer` (the
//! group-commit queue); `$db` is its sqlx database type.

macro_rules! sql_store {
    ($store:ty, $db:ty, { $($specific:tt)* }) => {
        type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

        /// Binds the nine settings columns, in the order name, window_title,
        /// notification_text, button_color, header_color, welcome_message,
        /// input_placeholder, theme, conversation_mode: every statement that
        /// writes settings lists them so.
        fn bind_settings<'q>(query: Query<'q>, s: &'q ChannelSettings) -> Query<'q> {
            query
                .bind(&s.name)
                .bind(&s.window_title)
                .bind(&s.notification_text)
                .bind(s.button_color.as_str())
                .bind(s.header_color.as_str())
                .bind(&s.welcome_message)
                .bind(&s.input_placeholder)
                .bind(s.theme.as_str())
                .bind(s.conversation_mode.as_str())
        }

        type Conn = <$db as sqlx::Database>::Connection;

        /// Stores a note unless its id is stored already; `condition` adds
        /// to the `WHERE` on the conversation `c`. Whether it was new.
        async fn insert_note(db: &mut Conn, note: &Note, condition: &str) -> Result<bool, StoreError> {
            let sql = format!(
                "INSERT INTO notes (id, conversation_id, author_user_id, after_seq, body, created_at, transfer_to, position)
                 SELECT $1, c.id, $3, c.last_seq, $4, $5, $6,
                        (SELECT COALESCE(MAX(n.position), 0) + 1 FROM notes n WHERE n.conversation_id = c.id)
                   FROM conversations c WHERE c.id = $2 {condition}
                 ON CONFLICT (id) DO NOTHING"
            );
            let inserted = sqlx::query(&sql)
                .bind(Key(note.id.0))
                .bind(Key(note.conversation.0))
                .bind(note.author.map(|u| u.0))
                .bind(&note.body)
                .bind(note.created_at)
                .bind(note.transfer_to.as_deref())
                .execute(&mut *db)
                .await?;
            Ok(inserted.rows_affected() == 1)
        }

        /// The note stored under `note`'s id, which must belong to the same
        /// conversation.
        async fn stored_note(db: &mut Conn, note: &Note, new: bool) -> Result<Appended<Note>, StoreError> {
            let row = sqlx::query("SELECT * FROM notes WHERE id = $1")
                .bind(Key(note.id.0))
                .fetch_optional(&mut *db)
                .await?;
            // Nothing stored and nothing there: no such conversation.
            let stored = rows::note(&row.ok_or(StoreError::NotFound("conversation"))?)?;
            if stored.conversation != note.conversation {
                return Err(StoreError::Conflict("note id"));
            }
            Ok(if new {
                Appended::New(stored)
            } else {
                Appended::Existing(stored)
            })
        }

        /// Moves a read marker (`read_seq`, the team's, or `visitor_read_seq`)
        /// forward, never past the last message; the new marker if it moved.
        async fn move_read_marker(
            pool: &sqlx::Pool<$db>,
            column: &'static str,
            id: ConversationId,
            seq: Seq,
        ) -> Result<Option<Seq>, StoreError> {
            let sql = format!(
                "UPDATE conversations SET {column} = CASE WHEN $1 < last_seq THEN $1 ELSE last_seq END
                  WHERE id = $2 AND {column} < CASE WHEN $1 < last_seq THEN $1 ELSE last_seq END
                 RETURNING {column}"
            );
            let row = sqlx::query(&sql)
                .bind(seq.0 as i64)
                .bind(Key(id.0))
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok(Seq(row.int(column)? as u64))).transpose()
        }

        fn is_unique_violation(e: &sqlx::Error) -> bool {
            matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
        }

        #[async_trait::async_trait]
        impl Store for $store {
            $($specific)*
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
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&u.email)
                .bind(&u.display_name)
                .bind(u.role.as_str())
                .bind(&u.password_hash)
                .bind(crate::now_unix())
                .fetch_one(&self.pool)
                .await;
                match res {
                    Ok(row) => Ok(User {
                        id: UserId(row.int("id")?),
                        email: u.email.clone(),
                        display_name: u.display_name.clone(),
                        role: u.role,
                    }),
                    Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("user")),
                    Err(e) => Err(e.into()),
                }
            }

            async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
                let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::user).transpose()
            }

            async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
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
                    "SELECT {USER_COLUMNS} FROM users ORDER BY lower(display_name), id"
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
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
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
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::user).transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn count_sessions(&self, user: UserId, now: i64) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2",
                )
                .bind(user.0)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                Ok(n as u64)
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
                embedding: &Embedding,
                identity: &ChannelIdentity,
                operators: &[UserId],
                now: i64,
            ) -> Result<Channel, StoreError> {
                let mut tx = self.pool.begin().await?;
                bind_settings(
                    sqlx::query(
                        "INSERT INTO channels (name, window_title, notification_text, button_color,
                             header_color, welcome_message, input_placeholder, theme, conversation_mode,
                             id, created_at, updated_at, embedding, identity)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    ),
                    s,
                )
                .bind(Key(id.0))
                .bind(now)
                .bind(now)
                .bind(rows::to_json(embedding)?)
                .bind(rows::to_json(identity)?)
                .execute(&mut *tx)
                .await?;
                for user in operators {
                    sqlx::query("INSERT INTO channel_operators (channel_id, user_id) VALUES ($1, $2)")
                        .bind(Key(id.0))
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(Channel {
                    id,
                    settings: s.clone(),
                    rules: ChannelRules::default(),
                    embedding: embedding.clone(),
                    identity: identity.clone(),
                    triggers: ChannelTriggers::default(),
                    departments: ChannelDepartments::default(),
                    operators: operators.to_vec(),
                })
            }

            async fn get_channel(&self, id: ChannelId) -> Result<Option<Channel>, StoreError> {
                let Some(row) = sqlx::query("SELECT * FROM channels WHERE id = $1")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let operators: Vec<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM channel_operators WHERE channel_id = $1 ORDER BY user_id",
                )
                .bind(Key(id.0))
                .fetch_all(&self.pool)
                .await?;
                Ok(Some(Channel {
                    id,
                    settings: rows::settings(&row)?,
                    rules: rows::json(&row, "rules")?,
                    embedding: rows::json(&row, "embedding")?,
                    identity: rows::json(&row, "identity")?,
                    triggers: rows::json(&row, "triggers")?,
                    departments: rows::json(&row, "departments")?,
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
                        "UPDATE channels SET name = $1, window_title = $2, notification_text = $3,
                             button_color = $4, header_color = $5, welcome_message = $6,
                             input_placeholder = $7, theme = $8, conversation_mode = $9,
                             updated_at = $10
                         WHERE id = $11",
                    ),
                    s,
                )
                .bind(now)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("channel"));
                }
                self.get_channel(id)
                    .await?
                    .ok_or(StoreError::NotFound("channel"))
            }

            async fn update_channel_part(
                &self,
                id: ChannelId,
                part: ChannelPart<'_>,
                now: i64,
            ) -> Result<Channel, StoreError> {
                // The column comes from `ChannelPart`, never from input.
                let sql = format!("UPDATE channels SET {} = $1, updated_at = $2 WHERE id = $3", part.column());
                let done = sqlx::query(&sql)
                    .bind(part.json()?)
                    .bind(now)
                    .bind(Key(id.0))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("channel"));
                }
                self.get_channel(id)
                    .await?
                    .ok_or(StoreError::NotFound("channel"))
            }

            async fn set_conversation_start(
                &self,
                id: ConversationId,
                department: Option<u32>,
                offline: bool,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE conversations SET department_id = $1, offline = $2 WHERE id = $3")
                    .bind(department.map(i64::from))
                    .bind(i64::from(offline))
                    .bind(Key(id.0))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_availability(
                &self,
                user: UserId,
                availability: Availability,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET availability = $1 WHERE id = $2")
                    .bind(availability.as_str())
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_presence(
                &self,
                node: &str,
                user: UserId,
                connected: bool,
                now: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO operator_presence (node, user_id, connected, seen_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (node, user_id) DO UPDATE SET connected = excluded.connected, seen_at = excluded.seen_at",
                )
                .bind(node)
                .bind(user.0)
                .bind(i64::from(connected))
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn presence_heartbeat(&self, node: &str, now: i64) -> Result<(), StoreError> {
                sqlx::query("UPDATE operator_presence SET seen_at = $1 WHERE node = $2 AND connected = 1")
                    .bind(now)
                    .bind(node)
                    .execute(&self.pool)
                    .await?;
                // Rows of nodes long gone say nothing any more.
                sqlx::query("DELETE FROM operator_presence WHERE seen_at < $1")
                    .bind(now - 7 * 24 * 3600)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn staff_presence(&self, fresh_since: i64) -> Result<Vec<StaffPresence>, StoreError> {
                let rows = sqlx::query(
                    "SELECT u.id, u.display_name, u.availability,
                            CAST(MAX(CASE WHEN p.connected = 1 AND p.seen_at >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS connected,
                            MAX(p.seen_at) AS last_seen
                       FROM users u LEFT JOIN operator_presence p ON p.user_id = u.id
                      GROUP BY u.id, u.display_name, u.availability
                      ORDER BY lower(u.display_name), u.id",
                )
                .bind(fresh_since)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::staff_presence).collect()
            }

            async fn route_conversation(
                &self,
                id: ConversationId,
                candidates: &[UserId],
            ) -> Result<Option<UserId>, StoreError> {
                if candidates.is_empty() {
                    return Ok(None);
                }
                let list = (0..candidates.len())
                    .map(|i| format!("${}", i + 2))
                    .collect::<Vec<_>>()
                    .join(", ");
                // One statement decides and assigns: the load is counted
                // where the write happens.
                let sql = format!(
                    "UPDATE conversations SET assignee_id = (
                        SELECT u.id FROM users u
                         WHERE u.id IN ({list})
                           AND (SELECT COUNT(*) FROM conversations o
                                 WHERE o.assignee_id = u.id AND o.status = 'open') < u.max_chats
                         ORDER BY (SELECT COUNT(*) FROM conversations o
                                    WHERE o.assignee_id = u.id AND o.status = 'open'),
                                  u.assign_seq, u.id
                         LIMIT 1)
                      WHERE id = $1 AND assignee_id IS NULL AND status = 'open'
                      RETURNING assignee_id"
                );
                let mut tx = self.pool.begin().await?;
                if let Some(lock) = Self::ROUTING_LOCK {
                    sqlx::query(lock).execute(&mut *tx).await?;
                }
                let mut query = sqlx::query(&sql).bind(Key(id.0));
                for user in candidates {
                    query = query.bind(user.0);
                }
                let row = query.fetch_optional(&mut *tx).await?;
                let assignee = match row {
                    Some(row) => row.opt_int("assignee_id")?.map(UserId),
                    None => None,
                };
                if let Some(user) = assignee {
                    sqlx::query(
                        "UPDATE users SET assign_seq = (SELECT MAX(assign_seq) + 1 FROM users) WHERE id = $1",
                    )
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(assignee)
            }

            async fn take_conversation(
                &self,
                id: ConversationId,
                user: UserId,
            ) -> Result<Option<UserId>, StoreError> {
                sqlx::query(
                    "UPDATE conversations SET assignee_id = $1
                      WHERE id = $2 AND assignee_id IS NULL AND status = 'open'",
                )
                .bind(user.0)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                let row = sqlx::query("SELECT assignee_id FROM conversations WHERE id = $1 AND status = 'open'")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(row) => Ok(row.opt_int("assignee_id")?.map(UserId)),
                    None => Ok(None),
                }
            }

            async fn waiting_conversations(
                &self,
                limit: u32,
            ) -> Result<Vec<(ConversationId, ChannelId, Option<u32>)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, channel_id, department_id FROM conversations
                      WHERE status = 'open' AND assignee_id IS NULL
                      ORDER BY created_at, id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            ConversationId(r.uuid("id")?),
                            ChannelId(r.uuid("channel_id")?),
                            r.opt_int("department_id")?.map(|d| d as u32),
                        ))
                    })
                    .collect()
            }

            async fn channel_queue(
                &self,
                channel: ChannelId,
                limit: u32,
            ) -> Result<Vec<ConversationId>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id FROM conversations
                      WHERE channel_id = $1 AND status = 'open' AND assignee_id IS NULL AND offline = 0
                      ORDER BY created_at, id LIMIT $2",
                )
                .bind(Key(channel.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| r.uuid("id").map(ConversationId)).collect()
            }

            async fn queue_place(&self, id: ConversationId, limit: u32) -> Result<u32, StoreError> {
                let place: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (
                        SELECT 1 FROM conversations q JOIN conversations c ON c.id = $1
                         WHERE c.status = 'open' AND c.assignee_id IS NULL AND c.offline = 0
                           AND q.channel_id = c.channel_id AND q.status = 'open'
                           AND q.assignee_id IS NULL AND q.offline = 0
                           AND (q.created_at < c.created_at OR (q.created_at = c.created_at AND q.id <= c.id))
                         LIMIT $2) AS ahead",
                )
                .bind(Key(id.0))
                .bind(i64::from(limit))
                .fetch_one(&self.pool)
                .await?;
                Ok(place as u32)
            }

            async fn add_note(&self, note: &Note) -> Result<Appended<Note>, StoreError> {
                let mut tx = self.pool.begin().await?;
                let new = insert_note(&mut tx, note, "").await?;
                let stored = stored_note(&mut tx, note, new).await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn transfer_conversation(
                &self,
                assignee: Option<UserId>,
                department: Option<u32>,
                note: &Note,
            ) -> Result<Appended<Note>, StoreError> {
                let mut tx = self.pool.begin().await?;
                // Only an open conversation moves; a resent transfer finds
                // its note stored and moves nothing again.
                let new = insert_note(&mut tx, note, "AND c.status = 'open'").await?;
                if new {
                    sqlx::query(
                        "UPDATE conversations SET assignee_id = $1, department_id = COALESCE($2, department_id)
                          WHERE id = $3",
                    )
                    .bind(assignee.map(|u| u.0))
                    .bind(department.map(i64::from))
                    .bind(Key(note.conversation.0))
                    .execute(&mut *tx)
                    .await?;
                } else {
                    let done = sqlx::query("SELECT 1 FROM notes WHERE id = $1")
                        .bind(Key(note.id.0))
                        .fetch_optional(&mut *tx)
                        .await?;
                    if done.is_none() {
                        // Not stored now nor before: closed, or missing.
                        return Err(StoreError::Closed);
                    }
                }
                let stored = stored_note(&mut tx, note, new).await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn notes(&self, conversation: ConversationId) -> Result<Vec<Note>, StoreError> {
                let rows = sqlx::query(
                    "SELECT * FROM notes WHERE conversation_id = $1 ORDER BY after_seq, position, created_at, id",
                )
                .bind(Key(conversation.0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::note).collect()
            }

            async fn set_max_chats(&self, user: UserId, max_chats: u32) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET max_chats = $1 WHERE id = $2")
                    .bind(i64::from(max_chats))
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn staff_load(&self) -> Result<Vec<(UserId, u32, u32)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT u.id, u.max_chats,
                            (SELECT COUNT(*) FROM conversations o
                              WHERE o.assignee_id = u.id AND o.status = 'open') AS open
                       FROM users u ORDER BY u.id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            UserId(r.int("id")?),
                            r.int("max_chats")? as u32,
                            r.int("open")? as u32,
                        ))
                    })
                    .collect()
            }

            async fn channel_members(&self) -> Result<Vec<(ChannelId, UserId)>, StoreError> {
                let rows = sqlx::query("SELECT channel_id, user_id FROM channel_operators")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| Ok((ChannelId(r.uuid("channel_id")?), UserId(r.int("user_id")?))))
                    .collect()
            }

            async fn set_channel_operator(
                &self,
                id: ChannelId,
                user: UserId,
                member: bool,
            ) -> Result<(), StoreError> {
                let sql = if member {
                    "INSERT INTO channel_operators (channel_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                } else {
                    "DELETE FROM channel_operators WHERE channel_id = $1 AND user_id = $2"
                };
                let res = sqlx::query(sql)
                    .bind(Key(id.0))
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
                            custom_fields = $5
                      WHERE id = $6",
                )
                .bind(&p.name)
                .bind(&p.email)
                .bind(&p.external_id)
                .bind(i64::from(p.verified))
                .bind(rows::to_json(&p.fields)?)
                .bind(Key(visitor.0))
                .execute(&self.pool)
                .await?;
                Ok(())
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

            async fn move_conversations(
                &self,
                from: VisitorId,
                to: VisitorId,
                channel: ChannelId,
            ) -> Result<Vec<ConversationId>, StoreError> {
                let rows = sqlx::query(
                    "UPDATE conversations SET visitor_id = $1
                      WHERE visitor_id = $2 AND channel_id = $3 RETURNING id",
                )
                .bind(Key(to.0))
                .bind(Key(from.0))
                .bind(Key(channel.0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| r.uuid("id").map(ConversationId))
                    .collect()
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
                let row = sqlx::query("SELECT * FROM conversations WHERE id = $1")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::conversation).transpose()
            }

            async fn visitor_conversations(
                &self,
                visitor: VisitorId,
                channel: ChannelId,
                limit: u32,
            ) -> Result<Vec<ConversationPreview>, StoreError> {
                let rows = sqlx::query(
                    "SELECT c.*, m.body AS last_body
                       FROM conversations c
                       LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
                      WHERE c.visitor_id = $1 AND c.channel_id = $2
                      ORDER BY c.created_at DESC, c.id DESC
                      LIMIT $3",
                )
                .bind(Key(visitor.0))
                .bind(Key(channel.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let conversation = rows::conversation(row)?;
                        Ok(ConversationPreview {
                            last_at: row.opt_int("last_at")?.unwrap_or(conversation.created_at),
                            last_body: row.opt_text("last_body")?,
                            conversation,
                        })
                    })
                    .collect()
            }

            async fn open_conversation(
                &self,
                visitor: VisitorId,
                channel: ChannelId,
            ) -> Result<Option<Conversation>, StoreError> {
                let row = sqlx::query(
                    "SELECT * FROM conversations
                      WHERE visitor_id = $1 AND channel_id = $2 AND status = 'open'
                      ORDER BY created_at DESC, id DESC LIMIT 1",
                )
                .bind(Key(visitor.0))
                .bind(Key(channel.0))
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
                    attachment: m.attachment.cloned(),
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
                    "SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(Key(conversation.0))
                .bind(after.0 as i64)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::message).collect()
            }

            async fn operator_channels(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
                let rows = sqlx::query("SELECT channel_id FROM channel_operators WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| r.uuid("channel_id").map(ChannelId))
                    .collect()
            }

            async fn conversation_summary(
                &self,
                id: ConversationId,
            ) -> Result<Option<ConversationSummary>, StoreError> {
                let sql = format!("{SUMMARY_SELECT} WHERE c.id = $1");
                let row = sqlx::query(&sql)
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::summary).transpose()
            }

            async fn close_conversation(&self, id: ConversationId, now: i64) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE conversations SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'",
                )
                .bind(now)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn rate_conversation(
                &self,
                id: ConversationId,
                r: &ConversationRating,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE conversations SET rating = $1, rating_comment = $2, rated_at = $3
                      WHERE id = $4 AND status = 'closed'",
                )
                .bind(r.rating.as_str())
                .bind(&r.comment)
                .bind(r.rated_at)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn mark_read(&self, id: ConversationId, seq: Seq) -> Result<Option<Seq>, StoreError> {
                move_read_marker(&self.pool, "read_seq", id, seq).await
            }

            async fn set_visitor_page(&self, visitor: VisitorId, url: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE visitors SET page_url = $1 WHERE id = $2")
                    .bind(url)
                    .bind(Key(visitor.0))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_canned(&self) -> Result<Vec<parlor_domain::CannedResponse>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, shortcut, body FROM canned_responses ORDER BY shortcut, id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(parlor_domain::CannedResponse {
                            id: r.int("id")?,
                            shortcut: r.text("shortcut")?,
                            body: r.text("body")?,
                        })
                    })
                    .collect()
            }

            async fn create_canned(
                &self,
                shortcut: &str,
                body: &str,
                now: i64,
            ) -> Result<parlor_domain::CannedResponse, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO canned_responses (shortcut, body, created_at, updated_at)
                     VALUES ($1, $2, $3, $3) RETURNING id",
                )
                .bind(shortcut)
                .bind(body)
                .bind(now)
                .fetch_one(&self.pool)
                .await;
                match res {
                    Ok(row) => Ok(parlor_domain::CannedResponse {
                        id: row.int("id")?,
                        shortcut: shortcut.to_string(),
                        body: body.to_string(),
                    }),
                    Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("canned response")),
                    Err(e) => Err(e.into()),
                }
            }

            async fn update_canned(
                &self,
                id: i64,
                shortcut: &str,
                body: &str,
                now: i64,
            ) -> Result<parlor_domain::CannedResponse, StoreError> {
                let res = sqlx::query(
                    "UPDATE canned_responses SET shortcut = $1, body = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(shortcut)
                .bind(body)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await;
                match res {
                    Ok(done) if done.rows_affected() == 0 => Err(StoreError::NotFound("canned response")),
                    Ok(_) => Ok(parlor_domain::CannedResponse {
                        id,
                        shortcut: shortcut.to_string(),
                        body: body.to_string(),
                    }),
                    Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("canned response")),
                    Err(e) => Err(e.into()),
                }
            }

            async fn delete_canned(&self, id: i64) -> Result<(), StoreError> {
                let done = sqlx::query("DELETE FROM canned_responses WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("canned response"));
                }
                Ok(())
            }

            async fn get_message(
                &self,
                conversation: ConversationId,
                id: parlor_domain::MessageId,
            ) -> Result<Option<Message>, StoreError> {
                let row = sqlx::query("SELECT * FROM messages WHERE id = $1 AND conversation_id = $2")
                    .bind(Key(id.0))
                    .bind(Key(conversation.0))
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::message).transpose()
            }

            async fn edit_message(
                &self,
                id: parlor_domain::MessageId,
                conversation: ConversationId,
                body: &str,
                editor: Option<UserId>,
                now: i64,
            ) -> Result<Option<Message>, StoreError> {
                let mut tx = self.pool.begin().await?;
                // A write first: it takes the row's lock (PostgreSQL) or the
                // database's (SQLite) before the text is read, so a
                // concurrent edit waits and then reads this one's result.
                let found = sqlx::query(
                    "UPDATE messages SET body = body WHERE id = $1 AND conversation_id = $2",
                )
                .bind(Key(id.0))
                .bind(Key(conversation.0))
                .execute(&mut *tx)
                .await?;
                if found.rows_affected() == 0 {
                    return Ok(None);
                }
                let row = sqlx::query("SELECT * FROM messages WHERE id = $1")
                    .bind(Key(id.0))
                    .fetch_one(&mut *tx)
                    .await?;
                let mut message = rows::message(&row)?;
                if message.body == body {
                    return Ok(Some(message));
                }
                sqlx::query(
                    "INSERT INTO message_edits (message_id, conversation_id, previous_body, edited_by, edited_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(Key(id.0))
                .bind(Key(conversation.0))
                .bind(&message.body)
                .bind(editor.map(|u| u.0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE messages SET body = $1, edited_at = $2 WHERE id = $3")
                    .bind(body)
                    .bind(now)
                    .bind(Key(id.0))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                message.body = body.to_string();
                message.edited_at = Some(now);
                Ok(Some(message))
            }

            async fn message_edits(
                &self,
                message: parlor_domain::MessageId,
            ) -> Result<Vec<parlor_domain::MessageEdit>, StoreError> {
                let rows = sqlx::query("SELECT * FROM message_edits WHERE message_id = $1 ORDER BY id")
                    .bind(Key(message.0))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(rows::message_edit).collect()
            }

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

            async fn mark_visitor_read(&self, id: ConversationId, seq: Seq) -> Result<Option<Seq>, StoreError> {
                move_read_marker(&self.pool, "visitor_read_seq", id, seq).await
            }

            async fn alert_settings(&self, user: UserId) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT alert_settings FROM users WHERE id = $1")
                    .bind(user.0)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(row) => row.opt_text("alert_settings"),
                    None => Ok(None),
                }
            }

            async fn set_alert_settings(&self, user: UserId, json: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET alert_settings = $1 WHERE id = $2")
                    .bind(json)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_visitor_context(&self, id: ConversationId, json: &str) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE conversations SET visitor_context = $1
                      WHERE id = $2 AND (visitor_context IS NULL OR visitor_context <> $1)",
                )
                .bind(json)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn uploads_since(
                &self,
                uploader: parlor_domain::attachments::Uploader,
                since: i64,
            ) -> Result<u32, StoreError> {
                let (visitor, user) = rows::uploader_columns(uploader);
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n FROM attachments
                      WHERE (uploader_visitor_id = $1 OR uploader_user_id = $2) AND created_at >= $3",
                )
                .bind(visitor.map(Key))
                .bind(user)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                Ok(row.int("n")? as u32)
            }

            async fn insert_attachment(
                &self,
                attachment: &parlor_domain::Attachment,
                uploader: parlor_domain::attachments::Uploader,
                bytes: &[u8],
                now: i64,
            ) -> Result<(), StoreError> {
                let (visitor, user) = rows::uploader_columns(uploader);
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO attachments (id, uploader_visitor_id, uploader_user_id, name, content_type, size, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(Key(attachment.id.0))
                .bind(visitor.map(Key))
                .bind(user)
                .bind(&attachment.name)
                .bind(&attachment.content_type)
                .bind(attachment.size as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO attachment_bodies (attachment_id, bytes) VALUES ($1, $2)")
                    .bind(Key(attachment.id.0))
                    .bind(bytes)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn get_attachment(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<Option<crate::store::StoredAttachment>, StoreError> {
                let row = sqlx::query(
                    "SELECT a.*, c.visitor_id AS c_visitor_id, c.channel_id AS c_channel_id
                       FROM attachments a
                       LEFT JOIN conversations c ON c.id = a.conversation_id
                      WHERE a.id = $1",
                )
                .bind(Key(id.0))
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::stored_attachment).transpose()
            }

            async fn attachment_bytes(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<Option<Vec<u8>>, StoreError> {
                let row = sqlx::query("SELECT bytes FROM attachment_bodies WHERE attachment_id = $1")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(match row {
                    Some(row) => Some(sqlx::Row::try_get::<Vec<u8>, _>(&row, "bytes")?),
                    None => None,
                })
            }

            async fn claim_attachment(
                &self,
                id: parlor_domain::AttachmentId,
                uploader: parlor_domain::attachments::Uploader,
                conversation: ConversationId,
                message: parlor_domain::MessageId,
            ) -> Result<parlor_domain::Attachment, StoreError> {
                let (visitor, user) = rows::uploader_columns(uploader);
                // Matched rows count, so a repeated claim by the same message
                // (a resend) counts as done on both backends. A claim whose
                // message was never stored (its conversation closed first)
                // moves with the message's resend to its new conversation.
                let done = sqlx::query(
                    "UPDATE attachments SET conversation_id = $1, message_id = $2
                      WHERE id = $3 AND (uploader_visitor_id = $4 OR uploader_user_id = $5)
                        AND (conversation_id IS NULL
                             OR (conversation_id = $1 AND message_id = $2)
                             OR (message_id = $2 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = $2)))",
                )
                .bind(Key(conversation.0))
                .bind(Key(message.0))
                .bind(Key(id.0))
                .bind(visitor.map(Key))
                .bind(user)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("attachment"));
                }
                match self.get_attachment(id).await? {
                    Some(stored) => Ok(stored.attachment),
                    None => Err(StoreError::NotFound("attachment")),
                }
            }

            async fn sweep_attachments(&self, before: i64) -> Result<u64, StoreError> {
                // Bodies go with their row (ON DELETE CASCADE).
                let done = sqlx::query(
                    "DELETE FROM attachments
                      WHERE created_at < $1
                        AND (message_id IS NULL
                             OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = attachments.message_id))",
                )
                .bind(before)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(super) use sql_store;
