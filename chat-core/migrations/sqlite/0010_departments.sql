-- Departments (`parlor_domain::ChannelDepartments`, a JSON list) and the one a
-- conversation's visitor picked.
ALTER TABLE channels ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN department_id INTEGER;
