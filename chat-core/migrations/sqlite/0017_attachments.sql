-- Attachments (`chat_core::attachments`). Files are stored under an id we
-- generate (UUIDv7), never under the uploaded name. The bytes live in the
-- database, in a table of their own so that metadata reads never touch them:
-- every node sharing the database serves every file, with no extra service
-- (see ARCHITECTURE.md). An upload belongs to no conversation until a
-- message claims it; unclaimed uploads are swept after a day.
CREATE TABLE attachments (
    id                  TEXT    PRIMARY KEY,
    -- Exactly one uploader: a visitor or a staff user.
    uploader_visitor_id TEXT    REFERENCES visitors (id) ON DELETE CASCADE,
    uploader_user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    conversation_id     TEXT    REFERENCES conversations (id) ON DELETE CASCADE,
    message_id          TEXT,
    name                TEXT    NOT NULL,
    content_type        TEXT    NOT NULL,
    size                INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
);
-- The sweep of unclaimed uploads, and the per-uploader rate limit.
CREATE INDEX attachments_unclaimed ON attachments (created_at) WHERE conversation_id IS NULL;
CREATE INDEX attachments_visitor ON attachments (uploader_visitor_id, created_at);
CREATE INDEX attachments_user ON attachments (uploader_user_id, created_at);

CREATE TABLE attachment_bodies (
    attachment_id TEXT PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
    bytes         BLOB NOT NULL
);

-- A sent message's attachment metadata (JSON), so history reads need no join.
ALTER TABLE messages ADD COLUMN attachment TEXT;
