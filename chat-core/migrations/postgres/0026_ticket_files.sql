-- A ticket's files (`store/ticket_files.rs`): the attachments of the mail
-- that opened or joined it, stored like chat attachments (in chunks) but
-- tied to the ticket and its thread entry rather than a conversation. They
-- are written in the entry's transaction, so a mail fetched again after a
-- crash finds all of them or none.
ALTER TABLE attachments ADD COLUMN ticket_id BIGINT REFERENCES tickets (id) ON DELETE CASCADE;
ALTER TABLE attachments ADD COLUMN entry_id BIGINT REFERENCES ticket_entries (id) ON DELETE CASCADE;
CREATE INDEX attachments_ticket ON attachments (ticket_id, id) WHERE ticket_id IS NOT NULL;
