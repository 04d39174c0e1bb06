-- Read receipts: how far the visitor has read, beside the team's `read_seq`.
ALTER TABLE conversations ADD COLUMN visitor_read_seq BIGINT NOT NULL DEFAULT 0;
