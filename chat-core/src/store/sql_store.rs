//! How the SQL both backends share is written once. Each aggregate's file
//! (`users.rs`, `channels.rs`, …) holds its trait and a macro with that
//! trait's statements (`users_sql!`, …), which expands into an `impl` for a
//! backend's type. `sql_store!` expands them all; `sqlite.rs` and
//! `postgres.rs` call it once each and pass in only what really differs.
//! (A generic impl over sqlx's `Database` would need a trait bound per bound
//! type and statement.) The SQL uses `$1`-style parameters, which both
//! drivers accept, and binds ids as [`Key`](super::rows::Key)s.
//!
//! A backend's type has a `pool` (its sqlx pool) and a `writer` (the
//! group-commit queue); `$db` is its sqlx database type. The macros expand
//! in the backend's module, so their helpers (`bind_settings`,
//! `insert_note`, …) are that module's items and one aggregate's
//! statements may call another's helper: `routing_sql!`'s transfer uses
//! `notes_sql!`'s `insert_note`.

macro_rules! sql_store {
    ($store:ty, $db:ty, { $($specific:tt)* }) => {
        $crate::store::health::health_sql!($store, $db);
        $crate::store::users::users_sql!($store, $db);
        $crate::store::alerts::alerts_sql!($store, $db);
        $crate::store::channels::channels_sql!($store, $db);
        $crate::store::presence::presence_sql!($store, $db);
        $crate::store::visitors::visitors_sql!($store, $db);
        $crate::store::conversations::conversations_sql!($store, $db, { $($specific)* });
        $crate::store::messages::messages_sql!($store, $db);
        $crate::store::routing::routing_sql!($store, $db);
        $crate::store::notes::notes_sql!($store, $db);
        $crate::store::canned::canned_sql!($store, $db);
        $crate::store::edits::edits_sql!($store, $db);
        $crate::store::attachments::attachments_sql!($store, $db);
        $crate::store::search::search_sql!($store, $db);
        $crate::store::teams::teams_sql!($store, $db);
        $crate::store::tickets::tickets_sql!($store, $db);
        $crate::store::mail_outbox::mail_outbox_sql!($store, $db);
        $crate::store::ticket_files::ticket_files_sql!($store, $db);
        $crate::store::ticket_thread::ticket_thread_sql!($store, $db);
        $crate::store::help_forms::help_forms_sql!($store, $db);
        $crate::store::mail_settings::mail_settings_sql!($store, $db);
    };
}

pub(super) use sql_store;
