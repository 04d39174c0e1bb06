//! Helpdesk teams: every staff member sees who works which team; admins
//! add teams and edit them in place: name, assignment, members, the live-chat
//! channels whose `/ticket` lands in the team, and the ordered stages.

use super::layout::{may, use_me};
use crate::api::channels::list_channels;
use crate::api::helpdesk::{list_teams, CreateTeam, DeleteTeam, UpdateTeam};
use crate::api::users::list_users;
use crate::components::fields::{FieldMessage, FormFeedback, FormStatus, RowInput};
use crate::components::ordered_list::{AddRow, EditList, OrderedList, RowPlace};
use crate::routes::help_form_editor::HelpFormEditor;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use parlor_domain::helpdesk::MAX_STAGES;
use parlor_domain::Power;
use parlor_domain::{
    Assignment, ChannelId, ChannelSummary, Field, StageId, StageInput, Team, TeamInput, User,
    UserId,
};

/// What a team's form chooses from.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Choices {
    users: Vec<User>,
    channels: Vec<ChannelSummary>,
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let me = use_me();
    // Moves after each saved change: the list is read again.
    let changed = RwSignal::new(0u32);
    let teams = Resource::new(move || changed.get(), |_| list_teams());
    let choices = Resource::new(
        || (),
        |_| async move {
            Ok::<_, crate::error::AppError>(Choices {
                users: list_users().await?,
                channels: list_channels().await?,
            })
        },
    );
    let adding = RwSignal::new(false);
    view! {
        <Title text="Helpdesk teams" />
        <div class="page-head">
            <h1>"Helpdesk teams"</h1>
            <p class="hint">
                "A team works the tickets it receives. In a live chat of a linked channel, "
                "/ticket <title> opens one in the first team (in this order) that links the channel."
            </p>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading teams…"</p> }>
            {move || Suspend::new(async move {
                let admin = may(me, Power::ManageHelpdesk).await;
                let (teams, choices) = (teams.await, choices.await);
                let (teams, choices) = match (teams, choices) {
                    (Ok(t), Ok(c)) => (t, c),
                    (Err(e), _) | (_, Err(e)) => {
                        return EitherOf3::A(view! { <p class="form-error">{e.to_string()}</p> });
                    }
                };
                let new_form = admin.then(|| {
                    let choices = choices.clone();
                    view! {
                        <Show
                            when=move || adding.get()
                            fallback=move || view! {
                                <button type="button" class="button primary" on:click=move |_| adding.set(true)>
                                    "New team"
                                </button>
                            }
                        >
                            <TeamForm team=None choices=choices.clone() changed done=move || adding.set(false) />
                        </Show>
                    }
                });
                if teams.is_empty() {
                    return EitherOf3::B(view! {
                        {new_form}
                        <p class="empty">"No helpdesk teams yet."</p>
                    });
                }
                EitherOf3::C(view! {
                    {new_form}
                    <div class="teams">
                        {teams
                            .into_iter()
                            .map(|team| view! { <TeamCard team choices=choices.clone() admin changed /> })
                            .collect_view()}
                    </div>
                })
            })}
        </Transition>
    }
}

/// One team as everyone sees it; an admin's Edit opens its form in place.
#[component]
fn TeamCard(team: Team, choices: Choices, admin: bool, changed: RwSignal<u32>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let form_open = RwSignal::new(false);
    let remove = ServerAction::<DeleteTeam>::new();
    let feedback = FormFeedback::default();
    Effect::new(move || match remove.value().get() {
        Some(Ok(())) => changed.update(|n| *n += 1),
        Some(Err(e)) => feedback.failed(&e),
        None => {}
    });
    let id = team.id;
    let name_of = |users: &[User], id: UserId| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("user {}", id.0), |u| u.display_name.clone())
    };
    let members: Vec<String> = team
        .members
        .iter()
        .map(|m| name_of(&choices.users, *m))
        .collect();
    let channels: Vec<(ChannelId, String)> = team
        .channels
        .iter()
        .map(|c| {
            let name = choices
                .channels
                .iter()
                .find(|s| s.id == *c)
                .map_or_else(|| "a channel".to_string(), |s| s.name.clone());
            (*c, name)
        })
        .collect();
    let shown = team.clone();
    view! {
        <section class="card helpdesk-team" data-team=id.0>
            <Show
                when=move || editing.get()
                fallback=move || {
                    let team = shown.clone();
                    let members = members.clone();
                    let channels = channels.clone();
                    view! {
                        <header class="team-head">
                            <h2>{team.name.clone()}</h2>
                            {admin.then(|| view! {
                                <div class="row-actions">
                                    <button type="button" class="button small" on:click=move |_| editing.set(true)>
                                        "Edit"
                                    </button>
                                    <button
                                        type="button"
                                        class="button small danger"
                                        disabled=move || remove.pending().get()
                                        on:click=move |_| { remove.dispatch(DeleteTeam { id }); }
                                    >
                                        "Delete"
                                    </button>
                                </div>
                            })}
                        </header>
                        <FormStatus feedback block=true />
                        <dl class="team-facts">
                            <dt>"Assignment"</dt>
                            <dd>{assignment_label(team.assignment)}</dd>
                            <dt>"Members"</dt>
                            <dd>{if members.is_empty() { "Nobody yet".to_string() } else { members.join(", ") }}</dd>
                            <dt>"Live chat"</dt>
                            <dd>
                                {if !team.live_chat {
                                    Either::Left("Off")
                                } else {
                                    Either::Right(channels
                                        .into_iter()
                                        .map(|(id, name)| view! {
                                            <a class="chip" href=format!("/channels/{}", id.0)>
                                                {name}" — configure"
                                            </a>
                                        })
                                        .collect_view())
                                }}
                            </dd>
                            <dt>"Website form"</dt>
                            <dd>
                                {if team.web_form {
                                    Either::Left(view! {
                                        <a class="chip" href=format!("/help/{}/new", id.0)>"Open the form"</a>
                                        {admin.then(|| view! {
                                            <button type="button" class="button small" on:click=move |_| form_open.update(|o| *o = !*o)>
                                                {move || if form_open.get() { "Close form settings" } else { "Form fields and snippet" }}
                                            </button>
                                        })}
                                    })
                                } else {
                                    Either::Right("Off")
                                }}
                            </dd>
                            <dt>"Email"</dt>
                            <dd>{team.email_alias.clone().map_or_else(|| "Off".to_string(), |a| format!("Alias: {a}"))}</dd>
                            <dt>"Stages"</dt>
                            <dd>
                                <ol class="stages">
                                    {team.stages.iter().map(|s| view! {
                                        <li class:closes=s.closes>{s.name.clone()}</li>
                                    }).collect_view()}
                                </ol>
                            </dd>
                        </dl>
                        <Show when=move || form_open.get()>
                            <HelpFormEditor team=id />
                        </Show>
                    }
                }
            >
                <TeamForm team=Some(team.clone()) choices=choices.clone() changed done=move || editing.set(false) />
            </Show>
        </section>
    }
}

fn assignment_label(a: Assignment) -> &'static str {
    match a {
        Assignment::Manual => "Manual: tickets wait until someone takes them",
        Assignment::RoundRobin => "Round robin: each member in turn",
        Assignment::Balanced => "Balanced: the member with the fewest open tickets",
    }
}

/// A stage being edited.
#[derive(Clone, Copy)]
struct StageRow {
    id: Option<StageId>,
    name: RwSignal<String>,
    closes: RwSignal<bool>,
}

impl StageRow {
    fn new(id: Option<StageId>, name: &str, closes: bool) -> Self {
        Self {
            id,
            name: RwSignal::new(name.to_string()),
            closes: RwSignal::new(closes),
        }
    }

    fn input(&self) -> StageInput {
        StageInput {
            id: self.id,
            name: self.name.get_untracked(),
            closes: self.closes.get_untracked(),
        }
    }
}

/// A new team's form (`team` is `None`), or an existing one's.
#[component]
fn TeamForm(
    team: Option<Team>,
    choices: Choices,
    changed: RwSignal<u32>,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let existing = team.as_ref().map(|t| t.id);
    let prefix = existing.map_or_else(|| "team-new".to_string(), |id| format!("team-{}", id.0));
    let name = RwSignal::new(team.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let assignment = RwSignal::new(team.as_ref().map(|t| t.assignment).unwrap_or_default());
    let members = RwSignal::new(team.as_ref().map(|t| t.members.clone()).unwrap_or_default());
    let live_chat = RwSignal::new(team.as_ref().is_some_and(|t| t.live_chat));
    let channels = RwSignal::new(
        team.as_ref()
            .map(|t| t.channels.clone())
            .unwrap_or_default(),
    );
    let web_form = RwSignal::new(team.as_ref().is_some_and(|t| t.web_form));
    let email_alias = RwSignal::new(
        team.as_ref()
            .and_then(|t| t.email_alias.clone())
            .unwrap_or_default(),
    );
    let stages = EditList::new(match &team {
        Some(t) => t
            .stages
            .iter()
            .map(|s| StageRow::new(Some(s.id), &s.name, s.closes))
            .collect::<Vec<_>>(),
        None => parlor_domain::helpdesk::DEFAULT_STAGES
            .iter()
            .map(|(n, c)| StageRow::new(None, n, *c))
            .collect(),
    });
    let input = move || TeamInput {
        name: name.get_untracked(),
        assignment: assignment.get_untracked(),
        members: members.get_untracked(),
        live_chat: live_chat.get_untracked(),
        channels: channels.get_untracked(),
        web_form: web_form.get_untracked(),
        email_alias: email_alias.get_untracked(),
        stages: stages.map_untracked(StageRow::input),
    };
    let create = ServerAction::<CreateTeam>::new();
    let update = ServerAction::<UpdateTeam>::new();
    let feedback = FormFeedback::default();
    for result in [create.value(), update.value()] {
        Effect::new(move || match result.get() {
            Some(Ok(_)) => {
                changed.update(|n| *n += 1);
                done();
            }
            Some(Err(e)) => feedback.failed(&e),
            None => {}
        });
    }
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let team = input();
        if let Err(e) = team.parse() {
            feedback.invalid(e);
            return;
        }
        feedback.clear();
        match existing {
            Some(id) => {
                update.dispatch(UpdateTeam { id, team });
            }
            None => {
                create.dispatch(CreateTeam { team });
            }
        }
    };
    let pending = move || create.pending().get() || update.pending().get();
    let id = |name: &str| format!("{prefix}-{name}");
    let assignment_id = id("assignment");
    let stages_error = feedback.field(Field::Stages);
    let label = if existing.is_some() {
        "Save team"
    } else {
        "Create team"
    };
    view! {
        <form class="team-form" on:submit=on_submit novalidate>
            <RowInput id=id("name") label="Team name" value=name error=feedback.field(Field::Name) />
            <div class="field">
                <label for=assignment_id.clone()>"Assignment"</label>
                <select
                    id=assignment_id
                    on:change=move |ev| {
                        let chosen = Assignment::parse(&event_target_value(&ev)).unwrap_or_default();
                        assignment.set(chosen);
                    }
                >
                    {[Assignment::Manual, Assignment::RoundRobin, Assignment::Balanced]
                        .into_iter()
                        .map(|a| view! {
                            <option value=a.as_str() selected=move || assignment.get() == a>
                                {assignment_label(a)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <fieldset class="choices">
                <legend>"Members"</legend>
                <Checklist
                    items=choices.users.iter().map(|u| (u.id, u.display_name.clone())).collect()
                    chosen=members
                />
            </fieldset>
            <fieldset class="choices">
                <legend>"Live chat"</legend>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || live_chat.get()
                        on:change=move |ev| live_chat.set(event_target_checked(&ev))
                    />
                    "Tickets from live chat (/ticket)"
                </label>
                <Show when=move || live_chat.get()>
                    <p class="hint">"Linked channels (none: a channel named after the team is created):"</p>
                    <Checklist
                        items=choices.channels.iter().map(|c| (c.id, c.name.clone())).collect()
                        chosen=channels
                    />
                </Show>
            </fieldset>
            <fieldset class="choices">
                <legend>"Website form"</legend>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || web_form.get()
                        on:change=move |ev| web_form.set(event_target_checked(&ev))
                    />
                    "Tickets from a public form (its fields and snippet are on the team's card)"
                </label>
            </fieldset>
            <fieldset class="choices">
                <legend>"Email"</legend>
                <RowInput
                    id=format!("{prefix}-alias")
                    label="Email alias (the part before @; empty: email off)"
                    value=email_alias
                    error=feedback.field(Field::EmailAlias)
                />
            </fieldset>
            <fieldset class="choices stages-edit">
                <legend>"Stages"</legend>
                <p class="hint">"New tickets start in the first. Stages that close tickets: Solved, Cancelled…"</p>
                <OrderedList
                    list=stages
                    noun="stage"
                    empty="No stages."
                    item_class="rule stage"
                    reorder=true
                    row={
                        let list = format!("{prefix}-stage");
                        move |row: StageRow, place: RowPlace| view! { <StageFields row place list=list.clone() /> }
                    }
                />
                <FieldMessage error=stages_error id=format!("{prefix}-stages-error") />
                <AddRow list=stages label="Add a stage" max=MAX_STAGES new=|| StageRow::new(None, "", false) />
            </fieldset>
            <div class="actions">
                <button type="submit" class="button primary" disabled=pending>{label}</button>
                <button type="button" class="button" on:click=move |_| done()>"Cancel"</button>
                <FormStatus feedback />
            </div>
        </form>
    }
}

/// A checkbox per item; `chosen` holds the checked ones' keys.
#[component]
fn Checklist<K>(items: Vec<(K, String)>, chosen: RwSignal<Vec<K>>) -> impl IntoView
where
    K: Copy + PartialEq + Send + Sync + 'static,
{
    items
        .into_iter()
        .map(|(key, label)| {
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || chosen.with(|c| c.contains(&key))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|x| *x != key);
                                if on {
                                    c.push(key);
                                }
                            });
                        }
                    />
                    {label}
                </label>
            }
        })
        .collect_view()
}

#[component]
fn StageFields(row: StageRow, place: RowPlace, list: String) -> impl IntoView {
    let id = move |name: &str| place.id(&list, name);
    view! {
        <div class="grid">
            <RowInput id=id("name") label="Stage name" value=row.name error=Signal::derive(|| None) />
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || row.closes.get()
                    on:change=move |ev| row.closes.set(event_target_checked(&ev))
                />
                "Closes the ticket"
            </label>
        </div>
    }
}
