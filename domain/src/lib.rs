//! Parlor's domain: the types the admin app and the services agree on, and
//! the rules that make a value valid. No I/O, no transport; it compiles for
//! the browser too, so the admin form checks input with the same rules the
//! server enforces.

pub mod alerts;
pub mod attachments;
pub mod canned;
pub mod channel;
pub mod conversation;
pub mod departments;
pub mod edits;
pub mod help_form;
pub mod helpdesk;
pub mod identity;
pub mod mail;
pub mod mail_settings;
pub mod mentions;
pub mod presence;
pub mod rules;
pub mod search;
pub mod sites;
pub mod ticket_thread;
pub mod triggers;
pub mod user;
pub mod validation;
pub mod visitor_context;

pub use alerts::{AlertChoice, AlertKind, AlertSettings, AlertWay};
pub use attachments::{Attachment, AttachmentError, AttachmentKind};
pub use canned::{CannedInput, CannedResponse};
pub use channel::{Channel, ChannelSettings, ChannelSettingsInput, ChannelSummary};
pub use conversation::{
    Author, Conversation, ConversationPreview, ConversationRating, ConversationStatus,
    ConversationSummary, Message, MessageBody, Note,
};
pub use departments::{ChannelDepartments, Department};
pub use edits::{EditError, EditRefusal, MessageEdit};
pub use help_form::{FieldKind, FormAnswers, FormField, HelpForm};
pub use helpdesk::{
    next_assignee, Assignment, Customer, NewTicket, Priority, Stage, StageId, StageInput, Team,
    TeamId, TeamInput, Ticket, TicketChange, TicketCounts, TicketFilter, TicketNumber, TicketSort,
    TicketSource,
};
pub use identity::{ChannelIdentity, Contact, Identity, Signature, VisitorProfile};
pub use mail::{InboundFile, InboundMail, MailId, Mailbox, OutgoingMail, QueuedMail};
pub use parlor_protocol::{
    AttachmentId, ChannelId, ConversationId, HexColor, MessageId, Seq, VisitorId,
};
pub use presence::{Availability, PresenceFacts};
pub use rules::{ChannelRule, ChannelRules, CountryCode, RuleInput};
pub use search::{SearchHit, SearchQuery, SEARCH_LIMIT};
pub use sites::{Embedding, Site};
pub use ticket_thread::{Delivery, EntryId, EntryInput, EntryKind, ThreadEntry, TicketFile};
pub use triggers::{ChannelTriggers, Trigger, TriggerInput};
pub use user::{NewUser, Power, Role, User, UserId};
pub use validation::{Field, FieldError, ValidationErrors};
pub use visitor_context::VisitorContext;
