-- Appending a message is one statement (see store/sqlite_writer.rs): the
-- insert takes its number from the conversation, and this trigger moves the
-- conversation on in the same statement. An operator's message takes an
-- unassigned conversation and marks it read.
CREATE TRIGGER messages_advance_conversation AFTER INSERT ON messages
BEGIN
    UPDATE conversations
       SET last_seq = NEW.seq,
           last_at = NEW.created_at,
           assignee_id = CASE WHEN NEW.author_kind = 'operator'
                              THEN COALESCE(assignee_id, NEW.author_user_id)
                              ELSE assignee_id END,
           read_seq = CASE WHEN NEW.author_kind = 'operator' THEN NEW.seq ELSE read_seq END
     WHERE id = NEW.conversation_id;
END;
