//! chat-core's integration tests, one binary: the services and both stores
//! against a real database (SQLite, or PostgreSQL when
//! `PARLOR_TEST_POSTGRES` is set).

#![allow(clippy::unwrap_used)] // tests may panic on setup failures

mod attachments_store;
mod help_forms;
mod helpdesk;
mod mail_intake;
mod mail_settings;
mod messages;
mod one_active;
mod schema_parity;
mod store_contract;
mod store_story;
mod ticket_thread;
