//! A ticket's files, a service of its own: the attachments of the mail that
//! opened or joined the ticket (stored with the entry, see
//! `store/ticket_files.rs`). Whoever sees the ticket sees its files; to
//! anyone else a file is "not found", like the ticket.

use crate::attachments::FileBody;
use crate::store::Store;
use crate::tickets::Tickets;
use crate::{Error, Result};
use parlor_domain::{Attachment, AttachmentId, TicketFile, TicketNumber, User};
use std::sync::Arc;

#[derive(Clone)]
pub struct TicketFiles {
    /// The whole store: a file's body reads its chunks as it streams.
    store: Arc<dyn Store>,
    tickets: Tickets,
}

impl TicketFiles {
    pub fn new(store: Arc<dyn Store>, tickets: Tickets) -> Self {
        Self { store, tickets }
    }

    /// The ticket's files, in the order they came.
    pub async fn list(&self, actor: &User, number: TicketNumber) -> Result<Vec<TicketFile>> {
        self.tickets.get(actor, number).await?;
        Ok(self.store.ticket_files().files_of_ticket(number).await?)
    }

    /// One file to download, for whoever sees its ticket.
    pub async fn open(&self, actor: &User, id: AttachmentId) -> Result<(Attachment, FileBody)> {
        let file = self
            .store
            .ticket_files()
            .ticket_file(id)
            .await?
            .ok_or(Error::NotFound("file"))?;
        self.tickets
            .get(actor, file.ticket)
            .await
            .map_err(|e| match e {
                Error::NotFound(_) => Error::NotFound("file"),
                other => other,
            })?;
        let body = FileBody::open(self.store.clone(), id).await?;
        Ok((file.file, body))
    }
}
