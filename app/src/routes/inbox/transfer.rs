//! The transfer form under the thread's header: to an operator of the
//! channel (with their status) or one of its departments, with a note for
//! the colleague.

use super::commands::ThreadUi;
use super::connection::Conn;
use super::new_message_id;
use super::state::Inbox;
use leptos::prelude::*;
use parlor_protocol::inbox::{OperatorFrame, TransferTarget};
use parlor_protocol::{ChannelId, ConversationId};

/// A choice's value in the `<select>`: `op:7` or `dept:2`.
fn target_value(t: TransferTarget) -> String {
    match t {
        TransferTarget::Operator { user_id } => format!("op:{user_id}"),
        TransferTarget::Department { department_id } => format!("dept:{department_id}"),
    }
}

fn parse_target(v: &str) -> Option<TransferTarget> {
    match v.split_once(':')? {
        ("op", id) => Some(TransferTarget::Operator {
            user_id: id.parse().ok()?,
        }),
        ("dept", id) => Some(TransferTarget::Department {
            department_id: id.parse().ok()?,
        }),
        _ => None,
    }
}

#[component]
pub fn TransferForm(
    id: ConversationId,
    channel: ChannelId,
    inbox: RwSignal<Inbox>,
    conn: Conn,
    ui: ThreadUi,
) -> impl IntoView {
    let note = RwSignal::new(ui.transfer.get_untracked().unwrap_or_default());
    let target = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    // Colleagues of this channel (not oneself), then its departments.
    // Drawn again only when the choices change, so the pick stays shown.
    let choices = Memo::new(move |_| {
        inbox.with(|i| {
            let me = i.me_id();
            let Some(c) = i.channels.iter().find(|c| c.id == channel) else {
                return (Vec::new(), Vec::new());
            };
            // A supervisor, who may operate no channel, can take it over.
            let owner = i
                .conversations
                .get(&id)
                .and_then(|c| c.assignee.as_ref())
                .map(|a| a.user_id);
            let take_over = me.filter(|_| i.supervisor && owner != me).map(|user_id| {
                (
                    target_value(TransferTarget::Operator { user_id }),
                    "Take it over yourself".to_string(),
                )
            });
            let people: Vec<(String, String)> = take_over
                .into_iter()
                .chain(
                    i.team
                        .iter()
                        .filter(|m| Some(m.user_id) != me && c.operators.contains(&m.user_id))
                        .map(|m| {
                            (
                                target_value(TransferTarget::Operator { user_id: m.user_id }),
                                format!("{} ({})", m.name, m.availability.label()),
                            )
                        }),
                )
                .collect();
            let departments: Vec<(String, String)> = c
                .departments
                .iter()
                .map(|d| {
                    (
                        target_value(TransferTarget::Department {
                            department_id: d.id,
                        }),
                        d.name.clone(),
                    )
                })
                .collect();
            (people, departments)
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(to) = parse_target(&target.get_untracked()) else {
            problem.set(Some("Choose whom to transfer it to."));
            return;
        };
        let Some(note_id) = new_message_id() else {
            return;
        };
        conn.send(OperatorFrame::Transfer {
            conversation_id: id,
            note_id,
            to,
            note: note.get_untracked().trim().to_string(),
        });
        ui.transfer.set(None);
    };
    view! {
        <form class="transfer card" aria-label="Transfer" on:submit=submit>
            <h2>"Transfer this conversation"</h2>
            <div class="field">
                <label for="transfer-to">"To"</label>
                <select id="transfer-to" prop:value=move || target.get() on:change=move |ev| {
                    problem.set(None);
                    target.set(event_target_value(&ev));
                }>
                    <option value="">"Choose…"</option>
                    {move || {
                        let (people, departments) = choices.get();
                        view! {
                            <optgroup label="Operators">
                                {people
                                    .into_iter()
                                    .map(|(v, label)| view! { <option value=v>{label}</option> })
                                    .collect_view()}
                            </optgroup>
                            <optgroup label="Departments">
                                {departments
                                    .into_iter()
                                    .map(|(v, label)| view! { <option value=v>{label}</option> })
                                    .collect_view()}
                            </optgroup>
                        }
                    }}
                </select>
            </div>
            <div class="field">
                <label for="transfer-note">"Note for them"</label>
                <textarea
                    id="transfer-note"
                    rows=2
                    placeholder="What they should know (only the team sees it)"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
            </div>
            <Show when=move || problem.get().is_some()>
                <p class="form-error" role="alert">{move || problem.get()}</p>
            </Show>
            <div class="actions">
                <button type="submit" class="button primary">"Transfer"</button>
                <button type="button" class="button ghost" on:click=move |_| ui.transfer.set(None)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_through_the_select() {
        for t in [
            TransferTarget::Operator { user_id: 7 },
            TransferTarget::Department { department_id: 2 },
        ] {
            assert_eq!(parse_target(&target_value(t)), Some(t));
        }
        assert_eq!(parse_target(""), None);
        assert_eq!(parse_target("op:x"), None);
    }
}
