-- Staff accounts. Emails are stored lower-cased by the service.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'operator')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Sign-in sessions. Only a SHA-256 of the cookie's token is kept, so a leaked
-- database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE channels (
    id                TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL,
    window_title      TEXT    NOT NULL,
    notification_text TEXT    NOT NULL,
    button_color      TEXT    NOT NULL,
    header_color      TEXT    NOT NULL,
    welcome_message   TEXT    NOT NULL,
    input_placeholder TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE channel_operators (
    channel_id TEXT    NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, user_id)
);
