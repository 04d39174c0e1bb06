//! The composer's commands: a line starting with `/` and a word runs one
//! instead of being sent, and an unknown one is refused where it was typed
//! (never sent to the visitor). The registry is one table; a new command
//! is one more entry and its function.

use super::connection::Conn;
use super::state::Inbox;
use leptos::prelude::*;
use parlor_protocol::inbox::{InboxChannel, OperatorFrame, TeamMember, TransferTarget};
use parlor_protocol::{ChannelId, ConversationId};

/// What the thread shows beside the messages on request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Help,
    History,
    /// The answer to `/search_tickets`.
    Tickets,
}

/// The parts of the open thread a command may act on.
#[derive(Clone, Copy)]
pub struct ThreadUi {
    pub panel: RwSignal<Option<Panel>>,
    /// The transfer form is open, with this note to start with.
    pub transfer: RwSignal<Option<String>>,
    /// The find field above the thread is open.
    pub find: RwSignal<bool>,
}

impl ThreadUi {
    pub fn new() -> Self {
        Self {
            panel: RwSignal::new(None),
            transfer: RwSignal::new(None),
            find: RwSignal::new(false),
        }
    }
}

/// What a command runs with.
pub struct Context {
    pub conversation: ConversationId,
    pub channel: ChannelId,
    pub conn: Conn,
    pub inbox: RwSignal<Inbox>,
    pub ui: ThreadUi,
    /// A fresh id for a frame that must not apply twice.
    pub new_id: fn() -> Option<parlor_protocol::MessageId>,
}

/// A command ran (the composer empties) or could not (it keeps the text
/// and shows why).
pub type Outcome = Result<(), String>;

pub struct Command {
    pub name: &'static str,
    /// How its arguments read, for `/help`.
    pub args: &'static str,
    pub help: &'static str,
    pub run: fn(&Context, &str) -> Outcome,
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        args: "",
        help: "List the commands",
        run: |cx, _| {
            cx.ui.panel.set(Some(Panel::Help));
            Ok(())
        },
    },
    Command {
        name: "history",
        args: "",
        help: "Show the visitor's past conversations",
        run: |cx, _| {
            cx.ui.panel.set(Some(Panel::History));
            Ok(())
        },
    },
    Command {
        name: "transfer",
        args: "[operator or department] [note]",
        help: "Hand the conversation over, with a note",
        run: transfer,
    },
    Command {
        name: "ticket",
        args: "<title>",
        help: "Open a helpdesk ticket with this chat's transcript (its number shows as a note)",
        run: ticket,
    },
    Command {
        name: "search_tickets",
        args: "<words or #number>",
        help: "Find helpdesk tickets, shown only to you",
        run: search_tickets,
    },
    Command {
        name: "close",
        args: "",
        help: "Close the conversation",
        run: |cx, _| {
            cx.conn.send(OperatorFrame::Close {
                conversation_id: cx.conversation,
            });
            Ok(())
        },
    },
];

/// The command a composer line names, and the rest of the line: `None`
/// when the line is text (see `parlor_protocol::inbox::command_name`),
/// `Some(Err(why))` for a name no command has: the line is kept, and the
/// refusal lists the commands.
pub fn parse(line: &str) -> Option<Result<(&'static Command, &str), String>> {
    let (name, args) = parlor_protocol::inbox::command_name(line)?;
    Some(
        COMMANDS
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| (c, args))
            .ok_or_else(|| {
                let known: Vec<String> = COMMANDS.iter().map(|c| format!("/{}", c.name)).collect();
                format!(
                    "/{name} is not a command, and was not sent. Commands: {}",
                    known.join(", ")
                )
            }),
    )
}

/// The commands offered while typing `/` and the start of a name.
pub fn matching(line: &str) -> Vec<&'static Command> {
    let Some(typed) = line.strip_prefix('/') else {
        return Vec::new();
    };
    if typed.contains(char::is_whitespace) {
        return Vec::new();
    }
    let typed = typed.to_ascii_lowercase();
    COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(&typed))
        .collect()
}

/// `/ticket <title>`: the server makes the ticket and leaves its number in
/// the conversation as a note.
fn ticket(cx: &Context, args: &str) -> Outcome {
    if args.is_empty() {
        return Err("Give the ticket a title: /ticket <title>".into());
    }
    let request_id = (cx.new_id)().ok_or("no random ids in this browser")?;
    cx.conn.send(OperatorFrame::CreateTicket {
        conversation_id: cx.conversation,
        request_id,
        title: args.to_string(),
    });
    Ok(())
}

/// `/search_tickets <words or #number>`: the answer shows in a panel.
fn search_tickets(cx: &Context, args: &str) -> Outcome {
    if args.is_empty() {
        return Err("Say what to look for: /search_tickets <words or #number>".into());
    }
    cx.inbox.update(|i| i.found_tickets = None);
    cx.ui.panel.set(Some(Panel::Tickets));
    cx.conn.send(OperatorFrame::SearchTickets {
        conversation_id: cx.conversation,
        query: args.to_string(),
    });
    Ok(())
}

/// `/transfer`: with a known name first, hands over at once with the rest
/// as the note; otherwise opens the transfer form.
fn transfer(cx: &Context, args: &str) -> Outcome {
    let found = cx.inbox.with_untracked(|i| {
        let me = i.me_id();
        resolve_target(&i.channels, &i.team, cx.channel, me, args)
    });
    match found {
        Some((to, note)) => {
            let note_id = (cx.new_id)().ok_or("no random ids in this browser")?;
            cx.conn.send(OperatorFrame::Transfer {
                conversation_id: cx.conversation,
                note_id,
                to,
                note: note.to_string(),
            });
            Ok(())
        }
        None => {
            cx.ui.transfer.set(Some(args.to_string()));
            Ok(())
        }
    }
}

/// Where `/transfer <name> <note>` sends the conversation of `channel`:
/// the one operator of the channel (not `me`) or department whose name
/// starts the arguments (the longest such name wins), and the note after
/// it. `None` when nothing or several things match.
pub fn resolve_target<'a>(
    channels: &[InboxChannel],
    team: &[TeamMember],
    channel: ChannelId,
    me: Option<i64>,
    args: &'a str,
) -> Option<(TransferTarget, &'a str)> {
    let c = channels.iter().find(|c| c.id == channel)?;
    let mut found: Vec<(usize, TransferTarget, &'a str)> = Vec::new();
    for m in team {
        if Some(m.user_id) != me && c.operators.contains(&m.user_id) {
            if let Some(rest) = after_name(args, &m.name) {
                found.push((
                    m.name.chars().count(),
                    TransferTarget::Operator { user_id: m.user_id },
                    rest,
                ));
            }
        }
    }
    for d in &c.departments {
        if let Some(rest) = after_name(args, &d.name) {
            found.push((
                d.name.chars().count(),
                TransferTarget::Department {
                    department_id: d.id,
                },
                rest,
            ));
        }
    }
    let longest = found.iter().map(|(len, ..)| *len).max()?;
    let mut best = found.into_iter().filter(|(len, ..)| *len == longest);
    let (_, target, rest) = best.next()?;
    if best.next().is_some() {
        return None;
    }
    Some((target, rest.trim()))
}

/// What follows `name` at the start of `text` (compared without case, a
/// character at a time, so any script works), if a whole word ends there.
fn after_name<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = text;
    for want in name.chars() {
        let mut chars = rest.chars();
        let got = chars.next()?;
        if !got.to_lowercase().eq(want.to_lowercase()) {
            return None;
        }
        rest = chars.as_str();
    }
    rest.chars()
        .next()
        .is_none_or(char::is_whitespace)
        .then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_protocol::inbox::Availability;
    use parlor_protocol::widget::WireDepartment;

    fn member(user_id: i64, name: &str) -> TeamMember {
        TeamMember {
            user_id,
            name: name.into(),
            availability: Availability::Online,
        }
    }

    #[test]
    fn lines_name_commands_by_their_first_word() {
        let named = |line| parse(line).map(|p| p.map(|(c, a)| (c.name, a)));
        assert_eq!(named("/close"), Some(Ok(("close", ""))));
        assert_eq!(
            named("/transfer Bo  wants a refund "),
            Some(Ok(("transfer", "Bo  wants a refund")))
        );
        assert_eq!(
            named("/ticket Printer on fire"),
            Some(Ok(("ticket", "Printer on fire")))
        );
        assert_eq!(named("/HELP"), Some(Ok(("help", ""))));
        assert!(parse("/etc/hosts is the file").is_none());
        assert!(parse("hello /close").is_none());
        // A mistyped command is refused, with the list, and never sent.
        let Some(Err(refused)) = parse("/clsoe") else {
            panic!("a mistyped command is refused")
        };
        assert!(refused.starts_with("/clsoe is not a command"), "{refused}");
        assert!(refused.contains("/close") && refused.contains("/ticket"));
        let names: Vec<_> = matching("/h").iter().map(|c| c.name).collect();
        assert_eq!(names, ["help", "history"]);
        assert_eq!(matching("/").len(), COMMANDS.len());
        assert!(matching("/close now").is_empty());
        assert!(matching("close").is_empty());
    }

    #[test]
    fn transfer_names_an_operator_or_department_of_the_channel() {
        let channel = ChannelId(uuid::Uuid::new_v4());
        let channels = vec![InboxChannel {
            id: channel,
            name: "Shop".into(),
            operators: vec![1, 2, 3],
            departments: vec![WireDepartment {
                id: 9,
                name: "Billing".into(),
            }],
        }];
        let team = vec![
            member(1, "Ann"),
            member(2, "Bo"),
            member(3, "Bo Lee"),
            member(4, "Cy"),
        ];
        let resolve = |args| resolve_target(&channels, &team, channel, Some(1), args);
        assert_eq!(
            resolve("bo lee knows the order"),
            Some((TransferTarget::Operator { user_id: 3 }, "knows the order"))
        );
        assert_eq!(
            resolve("Bo"),
            Some((TransferTarget::Operator { user_id: 2 }, ""))
        );
        assert_eq!(
            resolve("billing invoice 7"),
            Some((TransferTarget::Department { department_id: 9 }, "invoice 7"))
        );
        assert_eq!(resolve("Cy please"), None, "not an operator here");
        assert_eq!(resolve("Ann"), None, "not to oneself");
        assert_eq!(resolve("Bob"), None, "a whole name only");
        assert_eq!(resolve(""), None);
        assert_eq!(after_name("İSTANBUL team", "i̇stanbul"), None, "no panic");
        assert_eq!(after_name("ÅSA please", "åsa"), Some(" please"));
    }
}
