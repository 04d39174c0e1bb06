-- Transfers (`chat_core::transfer`) are kept in the conversation's history
-- as notes that name where the conversation went, as it was called then.
ALTER TABLE notes ADD COLUMN transfer_to TEXT;
-- The order notes were written in, per conversation: two written after the
-- same message in the same second keep their order.
ALTER TABLE notes ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
