-- Visitors are anonymous browsers. They prove who they are with a secret
-- token kept in the host page's storage; only its SHA-256 is stored.
CREATE TABLE visitors (
    id         TEXT    PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE conversations (
    id         TEXT    PRIMARY KEY,
    channel_id TEXT    NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    visitor_id TEXT    NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    -- The last sequence number handed out; bumped in the same transaction
    -- that inserts the message, so numbers have no gaps.
    last_seq   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX conversations_visitor ON conversations (visitor_id, created_at);

-- The id is the one the author's client chose: a resend finds the original.
CREATE TABLE messages (
    id              TEXT    PRIMARY KEY,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    author_kind     TEXT    NOT NULL CHECK (author_kind IN ('visitor', 'operator')),
    author_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
