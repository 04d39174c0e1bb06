-- Words in the ticket list's search (`store/tickets.rs`): a full-text index
-- of trigrams, so "word anywhere in the title, description or customer"
-- reads the index instead of every ticket (187 ms at 100,000 tickets with
-- LIKE, see docs/performance.md). It indexes the tickets table's own
-- columns (external content); the triggers keep it in step, in the same
-- transaction as the change. PostgreSQL has no counterpart: LIKE there
-- meets the budget.
CREATE VIRTUAL TABLE ticket_search USING fts5(
    title, description, customer_name, customer_email,
    content = 'tickets', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 0'
);
INSERT INTO ticket_search (ticket_search) VALUES ('rebuild');

CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search (rowid, title, description, customer_name, customer_email)
    VALUES (new.id, new.title, new.description, new.customer_name, new.customer_email);
END;

CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO ticket_search (ticket_search, rowid, title, description, customer_name, customer_email)
    VALUES ('delete', old.id, old.title, old.description, old.customer_name, old.customer_email);
END;

-- Saving a ticket sets every column; only a change of text reindexes it.
CREATE TRIGGER ticket_search_update AFTER UPDATE ON tickets
WHEN old.title IS NOT new.title OR old.description IS NOT new.description
  OR old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email
BEGIN
    INSERT INTO ticket_search (ticket_search, rowid, title, description, customer_name, customer_email)
    VALUES ('delete', old.id, old.title, old.description, old.customer_name, old.customer_email);
    INSERT INTO ticket_search (rowid, title, description, customer_name, customer_email)
    VALUES (new.id, new.title, new.description, new.customer_name, new.customer_email);
END;
