//! Signing in to an IMAP mailbox over TLS or STARTTLS (never in clear:
//! the password would cross the wire). The mail intake reads through it.

use crate::settings::{Endpoint, Security};
use crate::tls::{client_config, read_ca_file, TlsError};
use rustls_pki_types::ServerName;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::TlsConnector;

/// A signed-in IMAP session.
pub type Session = async_imap::Session<TlsStream<TcpStream>>;

/// Connecting and signing in must finish within this.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("IMAP needs TLS or STARTTLS: the password is never sent in clear")]
    Plaintext,
    #[error("IMAP settings need a user and a password")]
    NoCredentials,
    #[error("{0:?} is not a host name or address")]
    Host(String),
    #[error("cannot reach the IMAP server: {0}")]
    Connect(#[from] std::io::Error),
    #[error("the IMAP server did not answer in time")]
    Timeout,
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
}

/// Opens IMAP connections with one trust configuration.
#[derive(Clone)]
pub struct Connector {
    tls: Arc<ClientConfig>,
}

impl Connector {
    pub fn new(ca_file: Option<&Path>) -> Result<Self, ImapError> {
        let extra = match ca_file {
            Some(path) => read_ca_file(path)?.1,
            None => Vec::new(),
        };
        Ok(Connector {
            tls: client_config(&extra)?,
        })
    }

    /// Connects to `endpoint` and signs in.
    pub async fn sign_in(&self, endpoint: &Endpoint) -> Result<Session, ImapError> {
        tokio::time::timeout(CONNECT_TIMEOUT, self.sign_in_now(endpoint))
            .await
            .map_err(|_| ImapError::Timeout)?
    }

    async fn sign_in_now(&self, endpoint: &Endpoint) -> Result<Session, ImapError> {
        let (Some(user), Some(password)) = (&endpoint.user, &endpoint.password) else {
            return Err(ImapError::NoCredentials);
        };
        let name = ServerName::try_from(endpoint.host.clone())
            .map_err(|_| ImapError::Host(endpoint.host.clone()))?;
        let tcp = TcpStream::connect((endpoint.host.as_str(), endpoint.port)).await?;
        let connector = TlsConnector::from(self.tls.clone());
        let client = match endpoint.security {
            Security::None => return Err(ImapError::Plaintext),
            Security::Tls => {
                let mut client = async_imap::Client::new(connector.connect(name, tcp).await?);
                client.read_response().await?;
                client
            }
            Security::StartTls => {
                let mut plain = async_imap::Client::new(tcp);
                plain.read_response().await?;
                plain.run_command_and_check_ok("STARTTLS", None).await?;
                // No greeting follows STARTTLS.
                async_imap::Client::new(connector.connect(name, plain.into_inner()).await?)
            }
        };
        client
            .login(user, password.expose())
            .await
            .map_err(|(e, _)| ImapError::Protocol(e))
    }
}
