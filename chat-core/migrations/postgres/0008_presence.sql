-- Operator presence (`chat_core::presence`): the status each operator chose,
-- and per node whether an inbox of theirs is connected there (`seen_at` is
-- refreshed while it is, and set when the last one leaves).
ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'online';
CREATE TABLE operator_presence (
    node      TEXT    NOT NULL,
    user_id   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connected BIGINT  NOT NULL,
    seen_at   BIGINT  NOT NULL,
    PRIMARY KEY (node, user_id)
);
-- A conversation the visitor started with the offline form.
ALTER TABLE conversations ADD COLUMN offline BIGINT NOT NULL DEFAULT 0;
