//! The helpdesk, as in Odoo Helpdesk and Zammad: teams receive tickets
//! (from live chat, a website form, email, the API or a chatbot), move them
//! through their own ordered stages, and assign them to their members.
//! These are the values and the rules that need no database.

use crate::user::UserId;
use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The longest team name, in characters.
pub const MAX_TEAM_NAME: usize = 60;
/// The longest stage name, in characters.
pub const MAX_STAGE_NAME: usize = 40;
/// A team has at least one stage and at most this many.
pub const MAX_STAGES: usize = 20;
/// The longest ticket title, in characters.
pub const MAX_TICKET_TITLE: usize = 200;
/// The longest ticket description, in characters (a chat transcript or
/// an email's text goes there; the thread keeps everything else).
pub const MAX_TICKET_DESCRIPTION: usize = 20_000;
/// The longest customer name and email address, in characters.
pub const MAX_CUSTOMER_NAME: usize = 120;
pub const MAX_CUSTOMER_EMAIL: usize = 254;
/// A ticket's tags: at most this many, each at most `MAX_TAG` characters.
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG: usize = 30;
/// The longest email alias (the address's local part), in characters.
pub const MAX_ALIAS: usize = 64;
/// The most tickets one list or Kanban page returns.
pub const TICKET_PAGE: u32 = 200;

/// The stages a new team starts with: (name, whether it closes the ticket).
pub const DEFAULT_STAGES: [(&str, bool); 5] = [
    ("New", false),
    ("In progress", false),
    ("On hold", false),
    ("Solved", true),
    ("Cancelled", true),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TeamId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StageId(pub i64);

/// A ticket's number, shown as `#123`: one sequence for the whole desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketNumber(pub i64);

impl std::fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl TicketNumber {
    /// `#123` or `123`, as typed into a search.
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.trim().strip_prefix('#').unwrap_or(text.trim());
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(TicketNumber)
    }

    /// The tickets a text names as `#123`, in order, each once, at most
    /// [`MAX_TICKET_REFS`]. A `#` inside a word (`a#1`, `&#39;`) is not one.
    pub fn mentioned_in(text: &str) -> Vec<TicketNumber> {
        let mut found = Vec::new();
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            let starts = c == '#' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '&');
            prev = Some(c);
            if !starts {
                continue;
            }
            let digits: String = text[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let after = text[i + 1 + digits.len()..].chars().next();
            if after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            if let Some(n) = Self::parse(&digits).filter(|n| !found.contains(n)) {
                found.push(n);
                if found.len() == MAX_TICKET_REFS {
                    break;
                }
            }
        }
        found
    }
}

/// The most ticket links drawn under one note.
pub const MAX_TICKET_REFS: usize = 5;

/// How a team's new tickets find an assignee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// Nobody until someone takes or assigns it.
    #[default]
    Manual,
    /// Each member in turn.
    RoundRobin,
    /// The member with the fewest open tickets.
    Balanced,
}

impl Assignment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assignment::Manual => "manual",
            Assignment::RoundRobin => "round_robin",
            Assignment::Balanced => "balanced",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "manual" => Some(Assignment::Manual),
            "round_robin" => Some(Assignment::RoundRobin),
            "balanced" => Some(Assignment::Balanced),
            _ => None,
        }
    }
}

/// A ticket's priority, shown as 0–3 stars.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    /// The number of stars, 0–3.
    pub fn stars(self) -> u8 {
        self as u8
    }

    pub fn from_stars(stars: i64) -> Option<Self> {
        Priority::ALL.get(usize::try_from(stars).ok()?).copied()
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Urgent => "Urgent",
        }
    }
}

/// Where a ticket came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSource {
    Chat,
    Form,
    Email,
    Api,
    Chatbot,
}

impl TicketSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketSource::Chat => "chat",
            TicketSource::Form => "form",
            TicketSource::Email => "email",
            TicketSource::Api => "api",
            TicketSource::Chatbot => "chatbot",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "chat" => Some(TicketSource::Chat),
            "form" => Some(TicketSource::Form),
            "email" => Some(TicketSource::Email),
            "api" => Some(TicketSource::Api),
            "chatbot" => Some(TicketSource::Chatbot),
            _ => None,
        }
    }
}

/// One column of a team's Kanban.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    /// A ticket in this stage is closed (Solved, Cancelled).
    pub closes: bool,
}

/// A helpdesk team: who works its tickets, how they are assigned, which
/// ways in are switched on, and its stages in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub assignment: Assignment,
    pub members: Vec<UserId>,
    /// Live chat intake, and the live-chat channels it links (`/ticket`
    /// in those channels' conversations lands in this team).
    pub live_chat: bool,
    pub channels: Vec<parlor_protocol::ChannelId>,
    /// The public form at `/help/{team id}/new`.
    pub web_form: bool,
    /// The local part of the team's email alias, when email is on.
    pub email_alias: Option<String>,
    pub stages: Vec<Stage>,
}

impl Team {
    /// The team as its admin would submit it unchanged: the start of an
    /// edit (`TeamInput { members, ..team.input() }`).
    pub fn input(&self) -> TeamInput {
        TeamInput {
            name: self.name.clone(),
            assignment: self.assignment,
            members: self.members.clone(),
            live_chat: self.live_chat,
            channels: self.channels.clone(),
            web_form: self.web_form,
            email_alias: self.email_alias.clone().unwrap_or_default(),
            stages: self
                .stages
                .iter()
                .map(|s| StageInput {
                    id: Some(s.id),
                    name: s.name.clone(),
                    closes: s.closes,
                })
                .collect(),
        }
    }

    pub fn is_member(&self, user: UserId) -> bool {
        self.members.contains(&user)
    }

    /// Where new tickets start: the first stage.
    pub fn first_stage(&self) -> Option<&Stage> {
        self.stages.first()
    }

    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// A stage as an admin edits it: an existing one keeps its id (and its
/// tickets); a new one has none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInput {
    pub id: Option<StageId>,
    pub name: String,
    pub closes: bool,
}

/// A team as an admin submits it. [`TeamInput::parse`] checks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInput {
    pub name: String,
    pub assignment: Assignment,
    pub members: Vec<UserId>,
    pub live_chat: bool,
    pub channels: Vec<parlor_protocol::ChannelId>,
    pub web_form: bool,
    /// Empty: email intake is off.
    pub email_alias: String,
    /// Empty for a new team: it gets [`DEFAULT_STAGES`].
    pub stages: Vec<StageInput>,
}

impl TeamInput {
    /// The alias to store: `None` when email intake is off.
    pub fn alias(&self) -> Option<&str> {
        Some(self.email_alias.as_str()).filter(|a| !a.is_empty())
    }

    /// Trimmed, lower-cased where it matters and de-duplicated, with the
    /// default stages if none are given; or every problem with it (fields
    /// `Name`, `EmailAlias`, `Stages`).
    pub fn parse(&self) -> Result<TeamInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = self.name.trim().to_string();
        e.check_line(Field::Name, &name, true, MAX_TEAM_NAME);
        let alias = self.email_alias.trim().to_lowercase();
        if !alias.is_empty() {
            check_alias(&mut e, &alias);
        }
        let stages = if self.stages.is_empty() {
            DEFAULT_STAGES
                .iter()
                .map(|(name, closes)| StageInput {
                    id: None,
                    name: (*name).to_string(),
                    closes: *closes,
                })
                .collect()
        } else {
            check_stages(&mut e, &self.stages)
        };
        let mut members = self.members.clone();
        members.sort();
        members.dedup();
        let mut channels = Vec::new();
        for c in &self.channels {
            if !channels.contains(c) {
                channels.push(*c);
            }
        }
        e.into_result().map(|()| TeamInput {
            name,
            assignment: self.assignment,
            members,
            live_chat: self.live_chat,
            channels,
            web_form: self.web_form,
            email_alias: alias,
            stages,
        })
    }
}

fn check_alias(e: &mut ValidationErrors, alias: &str) {
    let ok = alias.chars().all(|c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '+')
    });
    if !ok {
        e.push(
            Field::EmailAlias,
            "may contain only letters a-z, digits, '.', '-', '_' and '+' (the part before @)",
        );
    } else if alias.starts_with('.') || alias.ends_with('.') || alias.contains("..") {
        e.push(
            Field::EmailAlias,
            "cannot start or end with '.' or have '..'",
        );
    } else if alias.len() > MAX_ALIAS {
        e.push(
            Field::EmailAlias,
            format!("is too long (at most {MAX_ALIAS} characters)"),
        );
    }
}

fn check_stages(e: &mut ValidationErrors, stages: &[StageInput]) -> Vec<StageInput> {
    if stages.len() > MAX_STAGES {
        e.push(
            Field::Stages,
            format!("a team has at most {MAX_STAGES} stages"),
        );
    }
    let mut out: Vec<StageInput> = Vec::new();
    for stage in stages {
        let name = stage.name.trim().to_string();
        if name.is_empty() {
            e.push(Field::Stages, "every stage needs a name");
        } else if name.chars().any(char::is_control) || name.chars().count() > MAX_STAGE_NAME {
            e.push(
                Field::Stages,
                format!("a stage's name is one line of at most {MAX_STAGE_NAME} characters"),
            );
        } else if out.iter().any(|s| s.name.eq_ignore_ascii_case(&name)) {
            e.push(Field::Stages, format!("two stages are named {name:?}"));
        } else if stage.id.is_some() && out.iter().any(|s| s.id == stage.id) {
            e.push(Field::Stages, "a stage is listed twice");
        }
        out.push(StageInput {
            id: stage.id,
            name,
            closes: stage.closes,
        });
    }
    if !out.iter().any(|s| !s.closes) {
        e.push(
            Field::Stages,
            "at least one stage must keep tickets open (new tickets start in the first)",
        );
    } else if out.first().is_some_and(|s| s.closes) {
        e.push(
            Field::Stages,
            "the first stage is where new tickets start: it cannot close them",
        );
    }
    out
}

/// The customer a ticket is for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    /// Where replies go; empty when only a chat visitor is known.
    pub email: String,
    /// The live-chat visitor, when the ticket came from a chat.
    pub visitor: Option<parlor_protocol::VisitorId>,
}

impl Customer {
    /// How lists show them: their name, else their address, else the chat
    /// visitor's name in the inbox ("Visitor 4f2a"); empty if none is known.
    pub fn label(&self) -> String {
        if !self.name.is_empty() {
            self.name.clone()
        } else if !self.email.is_empty() {
            self.email.clone()
        } else {
            self.visitor
                .map(crate::conversation::anonymous_visitor)
                .unwrap_or_default()
        }
    }
}

/// A stored ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub number: TicketNumber,
    pub title: String,
    pub description: String,
    pub customer: Customer,
    pub team: TeamId,
    pub stage: StageId,
    pub assignee: Option<UserId>,
    pub tags: Vec<String>,
    pub priority: Priority,
    pub source: TicketSource,
    /// The conversation it was made from, for `/ticket`.
    pub conversation: Option<parlor_protocol::ConversationId>,
    /// Set while the ticket is in a closing stage.
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Bumped by every change: a change made from an older version is
    /// refused rather than silently undoing someone else's.
    pub version: i64,
}

/// A new ticket as it comes in, from any source. [`NewTicket::parse`]
/// checks and trims it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub team: TeamId,
    pub title: String,
    pub description: String,
    pub customer: Customer,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub source: TicketSource,
    pub conversation: Option<parlor_protocol::ConversationId>,
    /// An id the creator chose: a second ticket with it is the first one.
    pub request_id: Option<String>,
}

impl NewTicket {
    pub fn parse(mut self) -> Result<NewTicket, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.title = self.title.trim().to_string();
        e.check_line(Field::Title, &self.title, true, MAX_TICKET_TITLE);
        self.description = self.description.trim().to_string();
        e.check_text(
            Field::Description,
            &self.description,
            false,
            MAX_TICKET_DESCRIPTION,
        );
        self.customer = check_customer(&mut e, &self.customer);
        self.tags = check_tags(&mut e, &self.tags);
        e.into_result().map(|()| self)
    }
}

fn check_customer(e: &mut ValidationErrors, c: &Customer) -> Customer {
    let name = c.name.trim().to_string();
    e.check_line(Field::DisplayName, &name, false, MAX_CUSTOMER_NAME);
    let email = c.email.trim().to_string();
    if !email.is_empty() {
        if email.chars().count() > MAX_CUSTOMER_EMAIL {
            e.push(
                Field::Email,
                format!("is too long (at most {MAX_CUSTOMER_EMAIL} characters)"),
            );
        } else if !plausible_email(&email) {
            e.push(Field::Email, "is not an email address (name@example.com)");
        }
    }
    Customer {
        name,
        email,
        visitor: c.visitor,
    }
}

/// One `@`, something on each side, a dot in the domain, no spaces or
/// control characters: what a form can check before a mail bounces.
pub fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// Tags trimmed, lower-cased and de-duplicated, in the order given.
fn check_tags(e: &mut ValidationErrors, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() || out.contains(&tag) {
            continue;
        }
        if tag.chars().any(char::is_control) || tag.chars().count() > MAX_TAG {
            e.push(
                Field::Tags,
                format!("a tag is one line of at most {MAX_TAG} characters"),
            );
            continue;
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        e.push(Field::Tags, format!("a ticket has at most {MAX_TAGS} tags"));
    }
    out
}

/// A change to a ticket's fields; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub customer: Option<Customer>,
    pub stage: Option<StageId>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
    pub tags: Option<Vec<String>>,
    pub priority: Option<Priority>,
    /// Moving a ticket to another team puts it in that team's first stage.
    pub team: Option<TeamId>,
}

impl TicketChange {
    pub fn parse(mut self) -> Result<TicketChange, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if let Some(title) = &mut self.title {
            *title = title.trim().to_string();
            e.check_line(Field::Title, title, true, MAX_TICKET_TITLE);
        }
        if let Some(description) = &mut self.description {
            *description = description.trim().to_string();
            e.check_text(
                Field::Description,
                description,
                false,
                MAX_TICKET_DESCRIPTION,
            );
        }
        if let Some(customer) = &self.customer {
            self.customer = Some(check_customer(&mut e, customer));
        }
        if let Some(tags) = &self.tags {
            self.tags = Some(check_tags(&mut e, tags));
        }
        e.into_result().map(|()| self)
    }
}

/// Which tickets a list or Kanban shows. Every field narrows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFilter {
    /// Assigned to this user.
    pub assignee: Option<UserId>,
    /// Assigned to whoever asks ("mine").
    pub mine: bool,
    pub unassigned: bool,
    pub team: Option<TeamId>,
    pub stage: Option<StageId>,
    pub priority: Option<Priority>,
    pub tag: Option<String>,
    /// Words in the title, description or customer, or a `#number`.
    pub text: Option<String>,
    /// Include tickets in closing stages (lists hide them by default).
    pub include_closed: bool,
    pub sort: TicketSort,
    /// At most [`TICKET_PAGE`].
    pub limit: u32,
}

/// The order of a ticket list. Each puts the highest priority first, then
/// sorts by its own key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    /// Most recently changed first.
    #[default]
    Updated,
    /// Newest first.
    Created,
    /// Oldest first.
    Oldest,
}

/// The navigation's ticket counts for one operator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCounts {
    /// Open tickets assigned to them.
    pub mine: u32,
    /// Open, unassigned tickets of the teams they see.
    pub unassigned: u32,
}

/// Who gets a team's next ticket: nobody (manual, or no members), the
/// member after `last` in id order (round robin), or the member with the
/// fewest open tickets in `open`, ties to the lowest id (balanced).
/// `members` must be sorted by id.
pub fn next_assignee(
    assignment: Assignment,
    members: &[UserId],
    last: Option<UserId>,
    open: &[(UserId, i64)],
) -> Option<UserId> {
    match assignment {
        Assignment::Manual => None,
        Assignment::RoundRobin => members
            .iter()
            .find(|m| last.is_none_or(|l| **m > l))
            .or_else(|| members.first())
            .copied(),
        Assignment::Balanced => members
            .iter()
            .min_by_key(|m| {
                let load = open.iter().find(|(u, _)| u == *m).map_or(0, |(_, n)| *n);
                (load, **m)
            })
            .copied(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_customer_is_shown_by_name_address_or_visitor() {
        let visitor: parlor_protocol::VisitorId =
            serde_json::from_str("\"4f2a0000-0000-4000-8000-000000000000\"").unwrap();
        let mut c = Customer {
            name: String::new(),
            email: String::new(),
            visitor: Some(visitor),
        };
        assert_eq!(c.label(), "Visitor 4f2a");
        c.email = "dee@x.test".into();
        assert_eq!(c.label(), "dee@x.test");
        c.name = "Dee".into();
        assert_eq!(c.label(), "Dee");
        assert_eq!(Customer::default().label(), "");
    }

    #[test]
    fn tickets_named_in_a_text() {
        let refs = TicketNumber::mentioned_in(
            "Ticket #12 created; see #7, #12 and #0, not a#3 or &#39; or #5x (#9)",
        );
        assert_eq!(refs, [TicketNumber(12), TicketNumber(7), TicketNumber(9)]);
        let many: String = (1..20).map(|n| format!("#{n} ")).collect();
        assert_eq!(TicketNumber::mentioned_in(&many).len(), MAX_TICKET_REFS);
        assert!(TicketNumber::mentioned_in("#").is_empty());
    }
    use super::*;

    fn team(stages: Vec<StageInput>) -> TeamInput {
        TeamInput {
            name: "  Support ".into(),
            stages,
            ..TeamInput::default()
        }
    }

    fn stage(name: &str, closes: bool) -> StageInput {
        StageInput {
            id: None,
            name: name.into(),
            closes,
        }
    }

    #[test]
    fn a_new_team_gets_the_default_stages_and_a_trimmed_name() {
        let fields = team(vec![]).parse().unwrap();
        assert_eq!(fields.name, "Support");
        let names: Vec<_> = fields.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["New", "In progress", "On hold", "Solved", "Cancelled"]
        );
        let closing: Vec<_> = fields.stages.iter().map(|s| s.closes).collect();
        assert_eq!(closing, [false, false, false, true, true]);
        assert_eq!(fields.alias(), None);
    }

    #[test]
    fn stages_must_start_open_and_have_distinct_names() {
        let e = team(vec![stage("Done", true), stage("New", false)])
            .parse()
            .unwrap_err();
        assert!(e.for_field(Field::Stages).unwrap().contains("first stage"));
        let e = team(vec![stage("New", false), stage("new", false)])
            .parse()
            .unwrap_err();
        assert!(e.for_field(Field::Stages).unwrap().contains("two stages"));
        let e = team(vec![stage("Gone", true)]).parse().unwrap_err();
        assert!(e.for_field(Field::Stages).is_some());
        let e = team(vec![stage(" ", false)]).parse().unwrap_err();
        assert!(e.for_field(Field::Stages).is_some());
    }

    #[test]
    fn aliases_are_local_parts() {
        let mut t = team(vec![]);
        t.email_alias = " Support.Desk ".into();
        assert_eq!(t.parse().unwrap().alias(), Some("support.desk"));
        for bad in ["a b", "x@y.test", ".a", "a..b", "<script>"] {
            t.email_alias = bad.into();
            assert!(t.parse().is_err(), "{bad}");
        }
    }

    #[test]
    fn new_tickets_are_trimmed_and_checked() {
        let ticket = NewTicket {
            team: TeamId(1),
            title: "  Printer on fire ".into(),
            description: "It smokes.\n".into(),
            customer: Customer {
                name: " Ann ".into(),
                email: "ann@example.com".into(),
                visitor: None,
            },
            priority: Priority::High,
            tags: vec!["Hardware".into(), "hardware ".into(), String::new()],
            source: TicketSource::Form,
            conversation: None,
            request_id: None,
        };
        let parsed = ticket.clone().parse().unwrap();
        assert_eq!(parsed.title, "Printer on fire");
        assert_eq!(parsed.customer.name, "Ann");
        assert_eq!(parsed.tags, ["hardware"]);

        let mut bad = ticket;
        bad.title = "two\nlines".into();
        bad.customer.email = "ann at example".into();
        let e = bad.parse().unwrap_err();
        assert!(e.for_field(Field::Title).is_some());
        assert!(e.for_field(Field::Email).is_some());
    }

    #[test]
    fn ticket_numbers_parse_with_or_without_hash() {
        assert_eq!(TicketNumber::parse("#12"), Some(TicketNumber(12)));
        assert_eq!(TicketNumber::parse(" 7 "), Some(TicketNumber(7)));
        for bad in ["#", "", "#0", "12a", "-3", "#99999999999999999999"] {
            assert_eq!(TicketNumber::parse(bad), None, "{bad}");
        }
        assert_eq!(TicketNumber(42).to_string(), "#42");
    }

    #[test]
    fn priorities_are_stars() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_stars(p.stars().into()), Some(p));
        }
        assert_eq!(Priority::from_stars(4), None);
        assert_eq!(Priority::from_stars(-1), None);
        assert!(Priority::Urgent > Priority::Low);
    }

    #[test]
    fn plausible_emails() {
        assert!(plausible_email("a@b.co"));
        for bad in ["a@b", "@b.co", "a@@b.co", "a b@c.co", "a@.co", "<a@b.co>"] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
    #[test]
    fn assignment_takes_turns_or_balances() {
        let m = [UserId(2), UserId(5), UserId(9)];
        assert_eq!(next_assignee(Assignment::Manual, &m, None, &[]), None);
        assert_eq!(next_assignee(Assignment::RoundRobin, &[], None, &[]), None);
        let rr = |last| next_assignee(Assignment::RoundRobin, &m, last, &[]);
        assert_eq!(rr(None), Some(UserId(2)));
        assert_eq!(rr(Some(UserId(2))), Some(UserId(5)));
        assert_eq!(rr(Some(UserId(9))), Some(UserId(2)));
        // A last assignee who left the team: the next one after them.
        assert_eq!(rr(Some(UserId(6))), Some(UserId(9)));
        let open = [(UserId(2), 3), (UserId(5), 1), (UserId(9), 1)];
        assert_eq!(
            next_assignee(Assignment::Balanced, &m, None, &open),
            Some(UserId(5))
        );
        assert_eq!(
            next_assignee(Assignment::Balanced, &m, None, &[(UserId(2), 1)]),
            Some(UserId(5))
        );
    }
}
