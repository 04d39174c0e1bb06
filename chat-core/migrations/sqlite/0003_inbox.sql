-- What the operator inbox needs: who has a conversation, when it ended, how
-- far operators have read, and the newest activity for ordering the list.
ALTER TABLE conversations ADD COLUMN assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN closed_at INTEGER;
ALTER TABLE conversations ADD COLUMN read_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN last_at INTEGER;
CREATE INDEX conversations_status ON conversations (status, channel_id);

-- The page the visitor was last seen on.
ALTER TABLE visitors ADD COLUMN page_url TEXT;
