//! The `Parlor` value: construction, wiring and shutdown. Feature services
//! are values of their own, built here over the narrow store traits they
//! need and reached through accessors; the older features are still `impl
//! Parlor` blocks in a module of their own. This one holds what they share
//! (the store, the hub, metrics, presence) and starts what runs in the
//! background.

use crate::alerts::Alerts;
use crate::auth::Auth;
use crate::bus;
use crate::canned::CannedResponses;
use crate::chat_tickets::ChatTickets;
use crate::edits::Edits;
use crate::help_forms::HelpForms;
use crate::hub::Hub;
use crate::identity::Identities;
use crate::mail_intake::MailIntake;
use crate::mail_outbox::{MailOutbox, RetryPolicy};
use crate::mail_settings::{FromEnvironment, MailSettings};
use crate::metrics::Metrics;
use crate::notes::Notes;
use crate::presence::Presence;
use crate::search::Search;
use crate::store::{self, Store};
use crate::teams::Teams;
use crate::ticket_files::TicketFiles;
use crate::ticket_thread::{DeskAddress, MailIdentity, TicketThread};
use crate::tickets::Tickets;
use crate::transfer::Transfers;
use crate::users::Users;
use crate::Result;
use std::sync::Arc;

/// The feature services, built once.
struct Services {
    canned: CannedResponses,
    alerts: Alerts,
    search: Search,
    edits: Edits,
    notes: Notes,
    users: Users,
    auth: Auth,
    identities: Identities,
    transfers: Transfers,
    teams: Teams,
    tickets: Tickets,
    chat_tickets: ChatTickets,
    ticket_thread: TicketThread,
    ticket_files: TicketFiles,
    mail_settings: MailSettings,
    desk_address: DeskAddress,
    mail_outbox: MailOutbox,
    mail_intake: MailIntake,
    help_forms: HelpForms,
}

/// The service facade, cheap to clone and shared by every request.
#[derive(Clone)]
pub struct Parlor {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) presence: Arc<Presence>,
    /// Feature services of their own (the shape new features take),
    /// behind one pointer: every live session holds a `Parlor`.
    services: Arc<Services>,
    /// Flips to true when the process is shutting down: every live session
    /// tells its client to reconnect (elsewhere) and ends.
    shutdown: Arc<tokio::sync::watch::Sender<bool>>,
}

/// What a deployment sets beyond its database.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Who the helpdesk's mail comes from; `None` when outgoing mail is not
    /// set up.
    pub mail: Option<MailIdentity>,
    /// When failed mail is tried again.
    pub mail_retry: RetryPolicy,
    /// Which mail settings the environment makes (the app's page then
    /// shows them read-only).
    pub mail_from_environment: FromEnvironment,
}

impl Parlor {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_options(store, Options::default())
    }

    pub fn with_options(store: Arc<dyn Store>, options: Options) -> Self {
        let hub: Arc<Hub> = Arc::default();
        let teams = Teams::new(store.clone(), store.clone(), hub.clone());
        let tickets = Tickets::new(store.clone(), store.clone(), teams.clone(), hub.clone());
        let notes = Notes::new(store.clone(), hub.clone());
        let mail_outbox = MailOutbox::new(store.clone(), options.mail_retry);
        let desk_address = DeskAddress::new(options.mail);
        let services = Arc::new(Services {
            help_forms: HelpForms::new(
                store.clone(),
                store.clone(),
                store.clone(),
                tickets.clone(),
                desk_address.clone(),
            ),
            mail_intake: MailIntake::new(
                store.clone(),
                store.clone(),
                tickets.clone(),
                desk_address.clone(),
            ),
            ticket_thread: TicketThread::new(
                store.clone(),
                store.clone(),
                tickets.clone(),
                mail_outbox.clone(),
                desk_address.clone(),
            ),
            mail_settings: MailSettings::new(store.clone(), options.mail_from_environment),
            desk_address,
            ticket_files: TicketFiles::new(store.clone(), tickets.clone()),
            mail_outbox,
            chat_tickets: ChatTickets::new(
                teams.clone(),
                tickets.clone(),
                notes.clone(),
                store.clone(),
                store.clone(),
                store.clone(),
            ),
            tickets,
            teams,
            notes,
            canned: CannedResponses::new(store.clone()),
            alerts: Alerts::new(store.clone()),
            search: Search::new(store.clone()),
            edits: Edits::new(store.clone(), store.clone(), store.clone(), hub.clone()),
            users: Users::new(store.clone()),
            auth: Auth::new(store.clone()),
            identities: Identities::new(store.clone(), store.clone(), store.clone(), hub.clone()),
            transfers: Transfers::new(
                store.clone(),
                store.clone(),
                store.clone(),
                store.clone(),
                hub.clone(),
            ),
        });
        let parlor = Self {
            services,
            store,
            hub,
            metrics: Arc::default(),
            presence: Arc::default(),
            shutdown: Arc::new(tokio::sync::watch::channel(false).0),
        };
        // Routing follows presence: an operator coming online takes the
        // line. (Outside a runtime there is nothing to route yet.)
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(parlor.clone().route_on_arrivals());
        }
        parlor
    }

    /// Canned responses.
    pub fn teams(&self) -> &Teams {
        &self.services.teams
    }

    pub fn tickets(&self) -> &Tickets {
        &self.services.tickets
    }

    pub fn chat_tickets(&self) -> &ChatTickets {
        &self.services.chat_tickets
    }

    /// Tickets' threads: replies by mail, and notes.
    pub fn ticket_thread(&self) -> &TicketThread {
        &self.services.ticket_thread
    }

    /// The desk's mail settings (admins, and the mail supervisor).
    pub fn mail_settings(&self) -> &MailSettings {
        &self.services.mail_settings
    }

    /// Who the desk's mail comes from now (the supervisor sets it).
    pub fn desk_address(&self) -> &DeskAddress {
        &self.services.desk_address
    }

    /// Tickets' files (the customer's mail attachments).
    pub fn ticket_files(&self) -> &TicketFiles {
        &self.services.ticket_files
    }

    /// Teams' website forms.
    pub fn help_forms(&self) -> &HelpForms {
        &self.services.help_forms
    }

    /// Incoming mail, for the IMAP intake.
    pub fn mail_intake(&self) -> &MailIntake {
        &self.services.mail_intake
    }

    /// Outgoing mail, for the sender.
    pub fn mail_outbox(&self) -> &MailOutbox {
        &self.services.mail_outbox
    }

    pub fn canned(&self) -> &CannedResponses {
        &self.services.canned
    }

    /// Operators' alert settings.
    pub fn alerts(&self) -> &Alerts {
        &self.services.alerts
    }

    /// Searching conversations.
    pub fn search(&self) -> &Search {
        &self.services.search
    }

    /// Editing sent messages, and their audit trail.
    pub fn edits(&self) -> &Edits {
        &self.services.edits
    }

    /// Internal notes on conversations.
    pub fn notes(&self) -> &Notes {
        &self.services.notes
    }

    /// Staff accounts.
    pub fn users(&self) -> &Users {
        &self.services.users
    }

    /// Sign-in sessions.
    pub fn auth(&self) -> &Auth {
        &self.services.auth
    }

    /// Visitors' identities and profiles, as the host page tells them.
    pub fn identities(&self) -> &Identities {
        &self.services.identities
    }

    /// Checking and writing transfers (`Parlor::transfer` is the entry
    /// point, as routing follows them).
    pub(crate) fn transfers(&self) -> &Transfers {
        &self.services.transfers
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Starts a graceful shutdown of the live connections (see `drained`).
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub(crate) fn shutdown_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Waits until no live connection is left, or `limit` has passed;
    /// true if none is left.
    pub async fn drained(&self, limit: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.metrics.connections_open() > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        true
    }

    /// The `/metrics` text.
    pub fn render_metrics(&self) -> String {
        self.metrics.render(self.store.health().write_queue_depth())
    }

    /// Ready to serve: the database answers.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.health().ping().await?)
    }

    /// Opens the store named by `database_url` and runs its migrations.
    /// A failed migration is an error: the caller must not start serving.
    /// On PostgreSQL the node also joins the others' live events (`bus`).
    pub async fn open(database_url: &str) -> Result<Self> {
        Self::open_with(database_url, Options::default()).await
    }

    /// [`Parlor::open`] with a deployment's options.
    pub async fn open_with(database_url: &str, options: Options) -> Result<Self> {
        let store = store::open(database_url).await?;
        let parlor = Self::with_options(store, options);
        if store::is_postgres(database_url) {
            let node = bus::Node {
                hub: parlor.hub.clone(),
                store: parlor.store.clone(),
                metrics: parlor.metrics.clone(),
            };
            bus::start(node, database_url).await?;
        }
        Ok(parlor)
    }
}
