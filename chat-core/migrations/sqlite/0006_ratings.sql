-- The visitor's rating of an ended conversation (Odoo's happy / neutral /
-- unhappy) and optional comment; rating again replaces it.
ALTER TABLE conversations ADD COLUMN rating TEXT;
ALTER TABLE conversations ADD COLUMN rating_comment TEXT;
ALTER TABLE conversations ADD COLUMN rated_at INTEGER;
