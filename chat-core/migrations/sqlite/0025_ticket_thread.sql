-- A ticket's thread (`chat_core::ticket_thread`): replies to the customer,
-- internal notes, and the customer's messages, in the order written.
CREATE TABLE ticket_entries (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('reply', 'note', 'customer')),
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    -- The email's Message-ID (a reply's own, or the customer's mail's):
    -- a mail fetched twice is stored once.
    message_id  TEXT    UNIQUE,
    -- The writer's idempotency key: a retried click adds nothing.
    request_id  TEXT    UNIQUE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ticket_entries_ticket ON ticket_entries (ticket_id, id);
