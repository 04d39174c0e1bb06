-- Triggers (`parlor_domain::ChannelTriggers`, a JSON list): a message in the
-- channel's name after some seconds on matching pages.
ALTER TABLE channels ADD COLUMN triggers TEXT NOT NULL DEFAULT '[]';
