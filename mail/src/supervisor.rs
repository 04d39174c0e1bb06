//! Runs the desk's mail with the settings in force: the environment's
//! where it sets them, else what an admin saved in the app. When an admin
//! saves new settings (on any node: each looks at their version every few
//! seconds), the sender and the intake stop and start again with them.
//! Stopping either mid-way loses nothing: a mail being sent is sent again
//! after its lease, and a mail being read stays in the mailbox until filed.

use crate::imap::Connector;
use crate::intake::ImapIntake;
use crate::settings::{Endpoint, ImapSettings, MailSettings, Secret, Security};
use crate::smtp::Smtp;
use chat_core::ticket_thread::MailIdentity;
use chat_core::Parlor;
use parlor_domain::mail_settings::{DeskMail, MailSecurity, MailServer};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The settings in force: each way from the environment when it sets it,
/// else from the saved ones.
pub fn effective(env: &MailSettings, saved: &DeskMail) -> MailSettings {
    let mut now = env.clone();
    if env.smtp.is_none() {
        if let Some(out) = &saved.outgoing {
            now.smtp = Some(endpoint(&out.server, &out.password));
            now.identity = Some(MailIdentity {
                address: out.from.clone(),
                name: if out.from_name.is_empty() {
                    "Parlor Helpdesk".into()
                } else {
                    out.from_name.clone()
                },
            });
        }
    }
    if env.imap.is_none() {
        now.imap = saved.incoming.as_ref().map(|inc| ImapSettings {
            endpoint: endpoint(&inc.server, &inc.password),
            mailbox: inc.mailbox.clone(),
            refused_folder: inc.refused_folder.clone(),
            poll: Duration::from_secs(inc.poll_secs.into()),
        });
    }
    now
}

fn endpoint(server: &MailServer, password: &str) -> Endpoint {
    Endpoint {
        host: server.host.clone(),
        port: server.port,
        security: match server.security {
            MailSecurity::Starttls => Security::StartTls,
            MailSecurity::Tls => Security::Tls,
            MailSecurity::None => Security::None,
        },
        user: Some(server.user.clone()).filter(|u| !u.is_empty()),
        password: Some(password).filter(|p| !p.is_empty()).map(Secret::new),
    }
}

/// The sender and the intake for `settings`, as far as they are set up;
/// a way that cannot start (a CA file gone) says why in the log.
fn start(parlor: &Parlor, settings: &MailSettings) -> Vec<JoinHandle<()>> {
    let mut running = Vec::new();
    // Replies are taken only while a sender runs.
    let mut sending = None;
    match (&settings.smtp, &settings.identity) {
        (Some(endpoint), Some(identity)) => {
            match Smtp::new(endpoint, settings.ca_file.as_deref(), identity.domain()) {
                Ok(smtp) => {
                    sending = Some(identity.clone());
                    tracing::info!(host = %endpoint.host, port = endpoint.port, "outgoing mail through SMTP");
                    running.push(tokio::spawn(crate::sender::run(
                        parlor.mail_outbox().clone(),
                        smtp,
                    )));
                }
                Err(e) => tracing::error!(error = %e, "outgoing mail cannot start"),
            }
        }
        _ => tracing::info!("outgoing mail is off: tickets take notes, not replies"),
    }
    match &settings.imap {
        Some(imap) => match Connector::new(settings.ca_file.as_deref()) {
            Ok(connector) => {
                tracing::info!(host = %imap.endpoint.host, mailbox = %imap.mailbox, "incoming mail through IMAP");
                let intake = ImapIntake::new(connector, imap.clone());
                running.push(tokio::spawn(intake.run(parlor.mail_intake().clone())));
            }
            Err(e) => tracing::error!(error = %e, "incoming mail cannot start"),
        },
        None => tracing::info!("incoming mail is off"),
    }
    parlor.desk_address().set(sending);
    running
}

/// Runs until the process ends.
pub async fn run(parlor: Parlor, env: MailSettings) {
    let settings = parlor.mail_settings().clone();
    let mut version = None;
    let mut running: Vec<JoinHandle<()>> = Vec::new();
    loop {
        match settings.current().await {
            Ok((saved, v)) if version != Some(v) => {
                version = Some(v);
                for task in running.drain(..) {
                    task.abort();
                }
                running = start(&parlor, &effective(&env, &saved));
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "reading the mail settings failed");
                // The environment's mail does not wait for the database.
                if version.is_none() {
                    version = Some(-1);
                    running = start(&parlor, &effective(&env, &DeskMail::default()));
                }
            }
        }
        settings.changed().await;
    }
}
