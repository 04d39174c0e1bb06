-- Two indexes PostgreSQL has had since its first migration and SQLite never
-- got (found by tests/schema_parity.rs). Both serve statements SQLite runs
-- too: the sweep of expired sessions on every sign-in, and a user's channels
-- (and the cascade when a user is deleted).
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX channel_operators_user ON channel_operators (user_id);
