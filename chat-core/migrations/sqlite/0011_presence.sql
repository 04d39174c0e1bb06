-- Operator presence (`chat_core::presence`): the status each operator chose,
-- and per node whether an inbox of theirs is connected there (`seen_at` is
-- refreshed while it is, and set when the last one leaves).
ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'online';
CREATE TABLE operator_presence (
    node      TEXT    NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connected INTEGER NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (node, user_id)
);
-- A conversation the visitor started with the offline form.
ALTER TABLE conversations ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
