-- A team's website form (`chat_core::help_forms`): the fields an admin added
-- after the built-in ones, as JSON (`parlor_domain::HelpForm`).
CREATE TABLE help_forms (
    team_id    BIGINT PRIMARY KEY REFERENCES helpdesk_teams (id) ON DELETE CASCADE,
    fields     TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);
