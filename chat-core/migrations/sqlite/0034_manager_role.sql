-- A third role: the livechat manager (domain::user::Role). SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt as
-- sqlite.org/lang_altertable.html describes. Migrations run with foreign
-- keys off (SqliteStore::open), so dropping the old table neither cascades
-- to sessions nor fails; ids are copied, so every reference still holds,
-- and open checks that afterwards.
CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'manager', 'operator')),
    password_hash  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    availability   TEXT    NOT NULL DEFAULT 'online',
    max_chats      INTEGER NOT NULL DEFAULT 5,
    assign_seq     INTEGER NOT NULL DEFAULT 0,
    alert_settings TEXT
);
INSERT INTO users_new (id, email, display_name, role, password_hash, created_at,
                       availability, max_chats, assign_seq, alert_settings)
SELECT id, email, display_name, role, password_hash, created_at,
       availability, max_chats, assign_seq, alert_settings
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
