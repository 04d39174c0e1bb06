-- Routing (`chat_core::routing`): how many open conversations an operator
-- takes at once, and the order in which operators last got one (round
-- robin among the equally busy). The index serves the per-operator counts.
ALTER TABLE users ADD COLUMN max_chats BIGINT NOT NULL DEFAULT 5;
ALTER TABLE users ADD COLUMN assign_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX conversations_assignee ON conversations (assignee_id, status);
