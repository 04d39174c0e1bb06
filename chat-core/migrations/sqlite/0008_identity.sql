-- Identified visitors (the JS API's identify): each channel has a secret
-- for signatures (HMAC-SHA256 of the external id), and may require them.
ALTER TABLE channels ADD COLUMN identity TEXT NOT NULL DEFAULT '{"secret":"","required":false}';
UPDATE channels SET identity = '{"secret":"' || lower(hex(randomblob(32))) || '","required":false}';
-- What the visitor told us (shown to operators), and whether it was signed.
ALTER TABLE visitors ADD COLUMN name TEXT;
ALTER TABLE visitors ADD COLUMN email TEXT;
ALTER TABLE visitors ADD COLUMN external_id TEXT;
ALTER TABLE visitors ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
-- A signed external id is one person across devices: the first visitor to
-- carry it in a channel keeps it, and other devices get tokens for them.
CREATE TABLE visitor_identities (
    channel_id  TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    visitor_id  TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, external_id)
);
-- Tokens besides the one each visitor was created with.
CREATE TABLE visitor_tokens (
    token_hash TEXT    PRIMARY KEY,
    visitor_id TEXT    NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
