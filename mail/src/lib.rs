//! Parlor's mail transport. The services decide what mail to send and keep
//! it in the outbox (`chat_core::mail_outbox`); this crate speaks SMTP to
//! send it (`smtp`, `sender`) and IMAP to read mailboxes (`imap`), always
//! through maintained crates (lettre, async-imap) over rustls.

pub mod imap;
pub mod inbound;
pub mod intake;
pub mod sender;
pub mod settings;
pub mod smtp;
pub mod supervisor;
mod tls;

pub use settings::{Endpoint, ImapSettings, MailSettings, Secret, Security, SettingsError};
pub use smtp::Smtp;
