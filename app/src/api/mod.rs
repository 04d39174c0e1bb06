//! Server functions. Each body is a few lines: find the user, call
//! `chat_core::Parlor`, convert the result. These are the admin app's private
//! API; the widget never calls them (it uses `/widget/v1/…`).

pub mod auth;
pub mod channels;
pub mod inbox;
pub mod live;
pub mod tuned_ws;
pub mod users;
