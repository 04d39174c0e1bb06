//! Sending one mail over SMTP with lettre, and telling a failure worth a
//! retry from one that is final. The message is plain text, UTF-8, with
//! the threading headers the outbox row carries.

use crate::settings::{Endpoint, Security};
use crate::tls::{read_ca_file, TlsError};
use chat_core::mail_outbox::SendFailure;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use parlor_domain::OutgoingMail;
use std::path::Path;
use std::time::Duration;

/// Each SMTP command's limit; a mail's lease (`chat_core::mail_outbox::LEASE_SECS`)
/// outlasts a batch of them.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("SMTP settings: {0}")]
    Lettre(#[from] lettre::transport::smtp::Error),
}

/// A configured SMTP server.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    /// `hello` is the name Parlor gives itself in EHLO: the desk's domain.
    pub fn new(
        endpoint: &Endpoint,
        ca_file: Option<&Path>,
        hello: &str,
    ) -> Result<Self, SmtpSetupError> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&endpoint.host)
            .port(endpoint.port)
            .timeout(Some(COMMAND_TIMEOUT))
            .hello_name(ClientId::Domain(hello.to_string()));
        if endpoint.security != Security::None {
            let mut params = TlsParameters::builder(endpoint.host.clone());
            if let Some(path) = ca_file {
                let (pem, _) = read_ca_file(path)?;
                params = params.add_root_certificate(Certificate::from_pem(&pem)?);
            }
            let params = params.build_rustls()?;
            builder = builder.tls(match endpoint.security {
                Security::Tls => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        if let (Some(user), Some(password)) = (&endpoint.user, &endpoint.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose().to_string(),
            ));
        }
        Ok(Smtp {
            transport: builder.build(),
        })
    }

    /// Sends `mail`; a failure says whether to try again.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendFailure> {
        let message = build(mail).map_err(SendFailure::Permanent)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(classify(&e)),
        }
    }
}

/// The MIME message. Addresses come from the outbox; one the mail library
/// cannot use makes the mail fail for good, with the reason.
pub fn build(mail: &OutgoingMail) -> Result<Message, String> {
    let mailbox = |name: &str, email: &str| -> Result<Mailbox, String> {
        let address = email
            .parse()
            .map_err(|e| format!("the address {email:?} cannot be used: {e}"))?;
        let name = (!name.trim().is_empty()).then(|| name.to_string());
        Ok(Mailbox::new(name, address))
    };
    let mut builder = Message::builder()
        .from(mailbox(&mail.from.name, &mail.from.email)?)
        .to(mailbox(&mail.to.name, &mail.to.email)?)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}>", mail.message_id)));
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !mail.references.is_empty() {
        let refs: Vec<String> = mail.references.iter().map(|r| format!("<{r}>")).collect();
        builder = builder.references(refs.join(" "));
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone())
        .map_err(|e| format!("the mail cannot be built: {e}"))
}

/// A 5xx reply to the mail itself is final. Everything else is retried:
/// a refused connection, a timeout, a TLS failure, a 4xx, and a 5xx to
/// signing in (530, 534, 535, 538), which fixing the settings cures.
fn classify(e: &lettre::transport::smtp::Error) -> SendFailure {
    let text = e.to_string();
    let auth = e
        .status()
        .map(u16::from)
        .is_some_and(|code| matches!(code, 530 | 534 | 535 | 538));
    if e.is_permanent() && !auth {
        SendFailure::Permanent(text)
    } else {
        SendFailure::Transient(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_domain::Mailbox as Box_;

    fn mail() -> OutgoingMail {
        OutgoingMail {
            from: Box_ {
                name: "Billing, \"EU\"".into(),
                email: "billing@parlor.test".into(),
            },
            to: Box_ {
                name: "Dee <script>".into(),
                email: "dee@customer.test".into(),
            },
            subject: "[#7] Ünïcode <b>bold</b>".into(),
            text: "Line one\n<script>alert(1)</script>\n".into(),
            message_id: "ticket-7.abc@parlor.test".into(),
            in_reply_to: Some("cust-1@customer.test".into()),
            references: vec!["a@x".into(), "cust-1@customer.test".into()],
        }
    }

    #[test]
    fn the_message_is_plain_text_with_threading_headers() {
        let raw = String::from_utf8(build(&mail()).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <ticket-7.abc@parlor.test>"),
            "{raw}"
        );
        assert!(raw.contains("In-Reply-To: <cust-1@customer.test>"), "{raw}");
        assert!(
            raw.contains("References: <a@x> <cust-1@customer.test>"),
            "{raw}"
        );
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        // Names and subjects are encoded, never raw header text.
        assert!(!raw.contains("Subject: [#7] Ünïcode"), "{raw}");
    }

    #[test]
    fn a_bad_address_is_final() {
        let mut m = mail();
        m.to.email = "not an address".into();
        assert!(build(&m).unwrap_err().contains("cannot be used"));
    }
}
