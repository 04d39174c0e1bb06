//! The server's integration tests, one binary: each module boots real
//! servers on loopback ports (`common`) against SQLite, or PostgreSQL when
//! `PARLOR_TEST_POSTGRES` is set. One binary links the stack once.

#![allow(clippy::unwrap_used)] // tests may panic on setup failures

mod common;

mod alert_settings;
mod attachments;
mod canned;
mod channel_access;
mod chat_tickets;
mod connections;
mod desk;
mod edits;
mod help_form;
mod http;
mod identity;
mod inbox;
mod live;
mod mail_settings;
mod nodes;
mod notes;
mod presence;
mod read_receipts;
mod roles;
mod routing;
mod rules;
mod search;
mod streamed_uploads;
mod ticket_files;
mod transfer;
mod visitor_panel;
