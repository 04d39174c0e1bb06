-- Customer messages a program sent (auto-replies, bounces, bulk mail): the
-- thread marks them, and nothing ever answers them.
ALTER TABLE ticket_entries ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0;
