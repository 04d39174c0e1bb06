-- Internal notes (`chat_core::notes`): remarks on a conversation for the
-- team only. A table of their own, apart from the messages, so no visitor
-- path can read one.
CREATE TABLE notes (
    id              UUID   PRIMARY KEY,
    conversation_id UUID   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_user_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The conversation's last message when the note was written: the note
    -- shows right after it.
    after_seq       BIGINT NOT NULL,
    body            TEXT   NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, created_at);
