-- Channel rules (an ordered JSON list, `parlor_domain::ChannelRules`) and
-- where the widget may be embedded (`parlor_domain::Embedding`). Channels
-- made before allowed sites existed accept any site ("in_app"), so an
-- upgrade breaks no embed; admins narrow them in the Widget tab.
ALTER TABLE channels ADD COLUMN rules TEXT NOT NULL DEFAULT '[]';
ALTER TABLE channels ADD COLUMN embedding TEXT NOT NULL DEFAULT '{"sites":[],"in_app":true}';
