-- Canned responses (`chat_core::canned`): a shortcut (`refund`) for a text
-- operators send often. Admins manage them; every operator reads them.
-- Shortcuts are stored lower-cased, so UNIQUE is case-insensitive in effect.
CREATE TABLE canned_responses (
    id         INTEGER PRIMARY KEY,
    shortcut   TEXT    NOT NULL UNIQUE,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
