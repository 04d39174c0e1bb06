-- Internal notes (`chat_core::notes`): remarks on a conversation for the
-- team only. A table of their own, apart from the messages, so no visitor
-- path can read one.
CREATE TABLE notes (
    id              TEXT    PRIMARY KEY,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- The conversation's last message when the note was written: the note
    -- shows right after it.
    after_seq       INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, created_at);
