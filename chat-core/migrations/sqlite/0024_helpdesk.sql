-- The helpdesk (`chat_core::helpdesk`): teams, their ordered stages, and
-- tickets. A ticket's id is its number (#123), one sequence for the desk.
CREATE TABLE helpdesk_teams (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    -- The admin's order: `/ticket` in a channel linked by several teams
    -- lands in the first.
    position       INTEGER NOT NULL,
    assignment     TEXT    NOT NULL CHECK (assignment IN ('manual', 'round_robin', 'balanced')),
    live_chat      INTEGER NOT NULL DEFAULT 0,
    web_form       INTEGER NOT NULL DEFAULT 0,
    -- The local part of the team's address; NULL when email is off.
    email_alias    TEXT    UNIQUE,
    -- Round robin's cursor: the member who got the last ticket.
    last_assignee  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE helpdesk_team_members (
    team_id INTEGER NOT NULL REFERENCES helpdesk_teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX helpdesk_team_members_user ON helpdesk_team_members (user_id);

CREATE TABLE helpdesk_team_channels (
    team_id    INTEGER NOT NULL REFERENCES helpdesk_teams (id) ON DELETE CASCADE,
    channel_id TEXT    NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, channel_id)
);
CREATE INDEX helpdesk_team_channels_channel ON helpdesk_team_channels (channel_id);

CREATE TABLE helpdesk_stages (
    id       INTEGER PRIMARY KEY,
    team_id  INTEGER NOT NULL REFERENCES helpdesk_teams (id) ON DELETE CASCADE,
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    -- Tickets in this stage are closed (Solved, Cancelled).
    closes   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX helpdesk_stages_team ON helpdesk_stages (team_id, position);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    team_id         INTEGER NOT NULL REFERENCES helpdesk_teams (id),
    stage_id        INTEGER NOT NULL REFERENCES helpdesk_stages (id),
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    customer_name   TEXT    NOT NULL,
    customer_email  TEXT    NOT NULL,
    visitor_id      TEXT    REFERENCES visitors (id) ON DELETE SET NULL,
    conversation_id TEXT    REFERENCES conversations (id) ON DELETE SET NULL,
    assignee_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    priority        INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
    source          TEXT    NOT NULL CHECK (source IN ('chat', 'form', 'email', 'api', 'chatbot')),
    -- An id its creator chose (a `/ticket` command's, an API caller's
    -- idempotency key): sent again, it creates nothing new.
    request_id      TEXT    UNIQUE,
    closed_at       INTEGER,
    -- Bumped by every change: concurrent edits are detected, not lost.
    version         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX tickets_team_stage ON tickets (team_id, stage_id, priority, updated_at);
CREATE INDEX tickets_assignee ON tickets (assignee_id, closed_at);
CREATE INDEX tickets_updated ON tickets (priority, updated_at);
CREATE INDEX tickets_conversation ON tickets (conversation_id);

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tag       TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag);
