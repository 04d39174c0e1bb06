-- Edited messages (`chat_core::edits`): an operator corrects a message
-- already sent. The message keeps its current text and the time of its
-- last edit; every text it had before is kept here, the audit trail
-- admins read. Appends list their columns, so `edited_at` stays NULL for
-- new messages, and the append trigger fires on INSERT only.
ALTER TABLE messages ADD COLUMN edited_at INTEGER;

CREATE TABLE message_edits (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- The text the edit replaced.
    previous_body   TEXT    NOT NULL,
    edited_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    edited_at       INTEGER NOT NULL
);
CREATE INDEX message_edits_message ON message_edits (message_id, id);
