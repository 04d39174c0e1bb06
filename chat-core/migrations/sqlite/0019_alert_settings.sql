-- Each operator's alert settings (`parlor_domain::AlertSettings`) as JSON;
-- NULL until they change something, which reads as the defaults.
ALTER TABLE users ADD COLUMN alert_settings TEXT;
