-- Mail waiting to be sent (`chat_core::mail_outbox`). A row is written in
-- the same transaction as what caused it (a reply, a confirmation), so a
-- crash or an SMTP outage delays mail but loses none.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    -- The thread entry it carries, when it is a ticket reply.
    entry_id        INTEGER UNIQUE REFERENCES ticket_entries (id) ON DELETE SET NULL,
    -- Lower-cased recipient: one recipient's mail goes out in order.
    recipient       TEXT    NOT NULL,
    from_name       TEXT    NOT NULL,
    from_email      TEXT    NOT NULL,
    to_name         TEXT    NOT NULL,
    to_email        TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    message_id      TEXT    NOT NULL UNIQUE,
    in_reply_to     TEXT,
    -- Space-separated Message-IDs, oldest first.
    mail_references TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A sender holds the row until then; after it, another may try.
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient, state, id);
