-- A visitor token is valid only for the channel whose widget made it.
-- Visitors from before keep the channel of their first conversation; those
-- who never started one stay unbound (NULL) and are accepted anywhere.
ALTER TABLE visitors ADD COLUMN channel_id TEXT REFERENCES channels (id) ON DELETE CASCADE;
UPDATE visitors SET channel_id = (
    SELECT c.channel_id FROM conversations c
     WHERE c.visitor_id = visitors.id
     ORDER BY c.created_at, c.id LIMIT 1
);
CREATE INDEX visitors_channel ON visitors (channel_id);
