-- The desk's mail settings as an admin saved them in the app
-- (`store/mail_settings.rs`): one row, the settings as JSON, passwords
-- included (never sent back to a browser). Every node reads `version` to
-- notice a change and reconnect with the new settings.
CREATE TABLE mail_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    settings   TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
