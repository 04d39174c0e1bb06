-- The widget's theme (auto follows the host page) and how a visitor's
-- messages map to conversations (`one_active` or `multiple`).
ALTER TABLE channels ADD COLUMN theme TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE channels ADD COLUMN conversation_mode TEXT NOT NULL DEFAULT 'one_active';
