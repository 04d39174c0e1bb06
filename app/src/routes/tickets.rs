//! Tickets: a list with filters, a Kanban by stage (one team at a time, drag
//! a card to another column), and a ticket page where every field can be
//! edited. Staff see their teams' tickets; admins all. Stars set the
//! priority wherever a ticket shows.

use crate::api::helpdesk::{change_ticket, get_ticket, list_teams, list_tickets, ChangeTicket};
use crate::api::users::list_users;
use crate::components::fields::{FormFeedback, FormStatus, RowInput};
use crate::error::AppError;
use crate::routes::desk_live::DeskPulse;
use crate::routes::ticket_thread::TicketThread;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use parlor_domain::{
    Customer, Field, Priority, StageId, Team, TeamId, Ticket, TicketChange, TicketFilter,
    TicketNumber, TicketSort, User, UserId,
};

/// Which open tickets the list starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Mine,
    Unassigned,
    All,
}

/// How the tickets show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    List,
    Kanban,
}

/// The teams and the staff, to name ids.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Directory {
    teams: Vec<Team>,
    users: Vec<User>,
}

impl Directory {
    fn team(&self, id: TeamId) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    fn user_name(&self, id: UserId) -> String {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("user {}", id.0), |u| u.display_name.clone())
    }

    fn stage_name(&self, t: &Ticket) -> String {
        self.team(t.team)
            .and_then(|team| team.stage(t.stage))
            .map_or_else(String::new, |s| s.name.clone())
    }
}

async fn directory() -> Result<Directory, AppError> {
    Ok(Directory {
        teams: list_teams().await?,
        users: list_users().await?,
    })
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let scope = RwSignal::new(Scope::All);
    let layout = RwSignal::new(Layout::List);
    let team = RwSignal::new(None::<TeamId>);
    let priority = RwSignal::new(None::<Priority>);
    let text = RwSignal::new(String::new());
    let sort = RwSignal::new(TicketSort::Updated);
    // Moves after every change made here: the list is read again.
    let changed = RwSignal::new(0u32);
    // Other operators' changes, on any node, read the list again.
    let pulse = expect_context::<DeskPulse>();
    let dir = Resource::new(move || pulse.teams(), |_| directory());
    let filter = move || TicketFilter {
        mine: scope.get() == Scope::Mine,
        unassigned: scope.get() == Scope::Unassigned,
        team: team.get(),
        priority: priority.get(),
        text: Some(text.get()).filter(|t| !t.trim().is_empty()),
        sort: sort.get(),
        ..TicketFilter::default()
    };
    // Which card is being dragged: kept here, above the Kanban, which a
    // live reload may draw anew in the middle of a drag.
    let dragged = RwSignal::new(None::<TicketNumber>);
    let tickets = Resource::new(
        move || (filter(), changed.get(), pulse.version()),
        |(f, _, _)| list_tickets(f),
    );
    view! {
        <Title text="Tickets" />
        <div class="page-head">
            <h1>"Tickets"</h1>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading tickets…"</p> }>
            {move || Suspend::new(async move {
                let dir = match dir.await {
                    Ok(d) => d,
                    Err(e) => return Either::Left(view! { <p class="form-error">{e.to_string()}</p> }),
                };
                let teams = dir.teams.clone();
                Either::Right(view! {
                    <div class="ticket-filters" role="search">
                        <div class="segmented" role="group" aria-label="Which tickets">
                            {[(Scope::Mine, "Mine"), (Scope::Unassigned, "Unassigned"), (Scope::All, "All open")]
                                .into_iter()
                                .map(|(s, label)| view! {
                                    <button
                                        type="button"
                                        class="button small"
                                        aria-pressed=move || (scope.get() == s).to_string()
                                        on:click=move |_| scope.set(s)
                                    >
                                        {label}
                                    </button>
                                })
                                .collect_view()}
                        </div>
                        <label>
                            "Team "
                            <select on:change=move |ev| {
                                team.set(event_target_value(&ev).parse().ok().map(TeamId));
                            }>
                                <option value="">"All teams"</option>
                                {teams.into_iter().map(|t| {
                                    let id = t.id;
                                    view! {
                                        <option value=id.0.to_string() selected=move || team.get() == Some(id)>
                                            {t.name}
                                        </option>
                                    }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>
                            "Priority "
                            <select on:change=move |ev| {
                                priority.set(event_target_value(&ev).parse().ok().and_then(Priority::from_stars));
                            }>
                                <option value="">"Any"</option>
                                {Priority::ALL.into_iter().map(|p| view! {
                                    <option value=p.stars().to_string()>{p.label()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label>
                            "Sort "
                            <select on:change=move |ev| {
                                sort.set(match event_target_value(&ev).as_str() {
                                    "created" => TicketSort::Created,
                                    "oldest" => TicketSort::Oldest,
                                    _ => TicketSort::Updated,
                                });
                            }>
                                <option value="updated">"Recently changed"</option>
                                <option value="created">"Newest"</option>
                                <option value="oldest">"Oldest"</option>
                            </select>
                        </label>
                        <input
                            type="search"
                            aria-label="Search tickets"
                            placeholder="Words or #number"
                            on:change=move |ev| text.set(event_target_value(&ev))
                        />
                        <div class="segmented" role="group" aria-label="Layout">
                            <button type="button" class="button small"
                                aria-pressed=move || (layout.get() == Layout::List).to_string()
                                on:click=move |_| layout.set(Layout::List)>"List"</button>
                            <button type="button" class="button small"
                                aria-pressed=move || (layout.get() == Layout::Kanban).to_string()
                                on:click=move |_| layout.set(Layout::Kanban)>"Kanban"</button>
                        </div>
                    </div>
                    <TicketResults tickets dir layout team changed dragged />
                })
            })}
        </Transition>
    }
}

#[component]
fn TicketResults(
    tickets: Resource<Result<Vec<Ticket>, AppError>>,
    dir: Directory,
    layout: RwSignal<Layout>,
    team: RwSignal<Option<TeamId>>,
    changed: RwSignal<u32>,
    dragged: RwSignal<Option<TicketNumber>>,
) -> impl IntoView {
    // A boundary of its own: the filters stay while the list reloads.
    let results = move || {
        let dir = dir.clone();
        Suspend::new(async move {
            let list = match tickets.await {
                Ok(list) => list,
                Err(e) => return EitherOf3::A(view! { <p class="form-error">{e.to_string()}</p> }),
            };
            match (layout.get(), team.get().and_then(|t| dir.team(t).cloned())) {
                (Layout::Kanban, Some(team)) => {
                    EitherOf3::B(view! { <Kanban list team dir changed dragged /> })
                }
                (Layout::Kanban, None) => EitherOf3::A(view! {
                    <p class="empty">{"Choose a team: the Kanban shows one team's stages.".to_string()}</p>
                }),
                (Layout::List, _) if list.is_empty() => {
                    EitherOf3::A(view! { <p class="empty">{"No tickets match.".to_string()}</p> })
                }
                (Layout::List, _) => EitherOf3::C(view! {
                    <table class="list tickets">
                        <thead>
                            <tr>
                                <th>"Ticket"</th>
                                <th>"Priority"</th>
                                <th>"Customer"</th>
                                <th>"Team · stage"</th>
                                <th>"Assignee"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|t| {
                                let team_name = dir.team(t.team).map(|x| x.name.clone()).unwrap_or_default();
                                let stage = dir.stage_name(&t);
                                let assignee = t.assignee.map_or_else(|| "Unassigned".to_string(), |a| dir.user_name(a));
                                let customer = t.customer.label();
                                view! {
                                    <tr data-ticket=t.number.0>
                                        <td>
                                            <a href=format!("/tickets/{}", t.number.0)>
                                                <span class="number">{t.number.to_string()}</span>" "{t.title.clone()}
                                            </a>
                                        </td>
                                        <td><Stars number=t.number priority=t.priority changed /></td>
                                        <td>{customer}</td>
                                        <td>{format!("{team_name} · {stage}")}</td>
                                        <td>{assignee}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }),
            }
        })
    };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading tickets…"</p> }>
            {results}
        </Transition>
    }
}

/// One team's tickets in columns by stage; a card dropped on another
/// column moves the ticket there.
#[component]
fn Kanban(
    list: Vec<Ticket>,
    team: Team,
    dir: Directory,
    changed: RwSignal<u32>,
    dragged: RwSignal<Option<TicketNumber>>,
) -> impl IntoView {
    let feedback = FormFeedback::default();
    let move_ticket = move |number: TicketNumber, stage: StageId| {
        leptos::task::spawn_local(async move {
            let change = TicketChange {
                stage: Some(stage),
                ..TicketChange::default()
            };
            match change_ticket(number, change).await {
                Ok(_) => changed.update(|n| *n += 1),
                Err(e) => feedback.failed(&e),
            }
        });
    };
    let move_to = move |stage: StageId| {
        if let Some(number) = dragged.get_untracked() {
            dragged.set(None);
            move_ticket(number, stage);
        }
    };
    let stages: Vec<(StageId, String)> =
        team.stages.iter().map(|s| (s.id, s.name.clone())).collect();
    view! {
        <FormStatus feedback block=true />
        <div class="kanban" aria-label=format!("{} by stage", team.name)>
            {team.stages.iter().map(|stage| {
                let sid = stage.id;
                let cards: Vec<Ticket> = list.iter().filter(|t| t.stage == sid).cloned().collect();
                let count = cards.len();
                let dir = dir.clone();
                view! {
                    <section
                        class="kanban-column"
                        data-stage=sid.0
                        on:dragover=move |ev| ev.prevent_default()
                        on:drop=move |ev| {
                            ev.prevent_default();
                            move_to(sid);
                        }
                    >
                        <h2>{stage.name.clone()}" "<span class="count">{count}</span></h2>
                        {cards.into_iter().map(|t| {
                            let number = t.number;
                            let assignee = t.assignee.map(|a| dir.user_name(a));
                            let stages = stages.clone();
                            view! {
                                <article
                                    class="card ticket-card"
                                    draggable="true"
                                    data-ticket=number.0
                                    on:dragstart=move |_| dragged.set(Some(number))
                                >
                                    <a href=format!("/tickets/{}", number.0)>
                                        <span class="number">{number.to_string()}</span>" "{t.title.clone()}
                                    </a>
                                    <div class="ticket-card-foot">
                                        <Stars number priority=t.priority changed />
                                        <span class="assignee">{assignee.unwrap_or_else(|| "Unassigned".into())}</span>
                                    </div>
                                    // Dragging's keyboard (and single-tap) alternative.
                                    <select
                                        class="card-stage"
                                        aria-label=format!("Stage of {number}")
                                        on:change=move |ev| {
                                            if let Ok(id) = event_target_value(&ev).parse() {
                                                move_ticket(number, StageId(id));
                                            }
                                        }
                                    >
                                        {stages.into_iter().map(|(id, name)| view! {
                                            <option value=id.0.to_string() selected={id == sid}>{name}</option>
                                        }).collect_view()}
                                    </select>
                                </article>
                            }
                        }).collect_view()}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

/// 0–3 stars; a click sets the priority (the current one again lowers it
/// by one, so the first star can be taken back).
#[component]
fn Stars(
    number: TicketNumber,
    #[prop(into)] priority: Signal<Priority>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let shown = RwSignal::new(priority.get_untracked());
    // A change from elsewhere shows too.
    Effect::new(move || shown.set(priority.get()));
    let set = move |stars: u8| {
        let current = shown.get_untracked().stars();
        let next = if current == stars { stars - 1 } else { stars };
        let Some(next) = Priority::from_stars(next.into()) else {
            return;
        };
        shown.set(next);
        leptos::task::spawn_local(async move {
            let change = TicketChange {
                priority: Some(next),
                ..TicketChange::default()
            };
            if change_ticket(number, change).await.is_ok() {
                changed.update(|n| *n += 1);
            }
        });
    };
    view! {
        <span class="stars" role="group" aria-label=move || format!("Priority: {}", shown.get().label())>
            {[1u8, 2, 3].into_iter().map(move |n| {
                let label = Priority::from_stars(n.into()).map(Priority::label).unwrap_or_default();
                view! {
                    <button
                        type="button"
                        class="star"
                        class:lit=move || { shown.get().stars() >= n }
                        aria-label=format!("Priority {label}")
                        aria-pressed=move || { (shown.get().stars() >= n).to_string() }
                        on:click=move |_| set(n)
                    >
                        "★"
                    </button>
                }
            }).collect_view()}
        </span>
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || {
        params
            .read()
            .get("number")
            .and_then(|s| TicketNumber::parse(&s))
    };
    let loaded = Resource::new(number, |number| async move {
        let number = number.ok_or_else(|| AppError::NotFound("ticket".into()))?;
        Ok::<_, AppError>((get_ticket(number).await?, directory().await?))
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading ticket…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((ticket, dir)) => Either::Left(view! { <TicketEditor ticket dir /> }),
                    Err(e) => Either::Right(view! {
                        <Title text="Ticket" />
                        <p class="form-error">{e.to_string()}</p>
                        <p><a href="/tickets">"All tickets"</a></p>
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketEditor(ticket: Ticket, dir: Directory) -> impl IntoView {
    let number = ticket.number;
    let stored = RwSignal::new(ticket.clone());
    let title = RwSignal::new(ticket.title.clone());
    let description = RwSignal::new(ticket.description.clone());
    let name = RwSignal::new(ticket.customer.name.clone());
    let email = RwSignal::new(ticket.customer.email.clone());
    let team = RwSignal::new(ticket.team);
    let stage = RwSignal::new(ticket.stage);
    let assignee = RwSignal::new(ticket.assignee);
    let tags = RwSignal::new(ticket.tags.join(", "));
    let save = ServerAction::<ChangeTicket>::new();
    let feedback = FormFeedback::default();
    let changed = RwSignal::new(0u32);
    // Set when the ticket went where this viewer cannot follow.
    let gone = RwSignal::new(None::<String>);
    // Someone else's change, read again: each field not edited here takes
    // the new value; one being edited keeps what was typed, and saving
    // then sends only that field.
    let merge = move |fresh: Ticket| {
        // The page may be gone (the read outlives it), and an older read
        // may answer after a newer one: neither changes anything.
        let Some(was) = stored.try_get_untracked() else {
            return;
        };
        if fresh.version <= was.version {
            return;
        }
        // Moved to another team: its stage and assignee belong to that
        // team, whatever was chosen here.
        let moved = fresh.team != was.team;
        if title.get_untracked() == was.title {
            title.set(fresh.title.clone());
        }
        if description.get_untracked() == was.description {
            description.set(fresh.description.clone());
        }
        if name.get_untracked() == was.customer.name {
            name.set(fresh.customer.name.clone());
        }
        if email.get_untracked() == was.customer.email {
            email.set(fresh.customer.email.clone());
        }
        if tags.get_untracked() == was.tags.join(", ") {
            tags.set(fresh.tags.join(", "));
        }
        if team.get_untracked() == was.team {
            team.set(fresh.team);
        }
        if moved || stage.get_untracked() == was.stage {
            stage.set(fresh.stage);
        }
        if moved || assignee.get_untracked() == was.assignee {
            assignee.set(fresh.assignee);
        }
        stored.set(fresh);
    };
    let pulse = expect_context::<DeskPulse>();
    Effect::new(move |seen: Option<u64>| {
        let version = pulse.version();
        if seen.is_some() && pulse.touches(number.0) {
            leptos::task::spawn_local(async move {
                match get_ticket(number).await {
                    Ok(fresh) => {
                        gone.try_set(None);
                        merge(fresh);
                    }
                    Err(e) => {
                        gone.try_set(Some(e.to_string()));
                    }
                }
            });
        }
        version
    });
    feedback.follow(save, move |saved: Ticket| {
        title.set(saved.title.clone());
        description.set(saved.description.clone());
        name.set(saved.customer.name.clone());
        email.set(saved.customer.email.clone());
        tags.set(saved.tags.join(", "));
        team.set(saved.team);
        stage.set(saved.stage);
        assignee.set(saved.assignee);
        stored.set(saved);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Only what was edited here: a field someone else changed
        // meanwhile keeps their value.
        let was = stored.get_untracked();
        let differs = |now: String, then: &str| (now != then).then_some(now);
        let moved = (team.get_untracked() != was.team).then(|| team.get_untracked());
        let tag_list: Vec<String> = tags
            .get_untracked()
            .split(',')
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        let customer = Customer {
            name: name.get_untracked(),
            email: email.get_untracked(),
            visitor: None,
        };
        let change = TicketChange {
            title: differs(title.get_untracked(), &was.title),
            description: differs(description.get_untracked(), &was.description),
            customer: (customer.name != was.customer.name || customer.email != was.customer.email)
                .then_some(customer),
            // Another team puts the ticket in its first stage.
            stage: (moved.is_none() && stage.get_untracked() != was.stage)
                .then(|| stage.get_untracked()),
            assignee: (moved.is_none() && assignee.get_untracked() != was.assignee)
                .then(|| assignee.get_untracked()),
            tags: (tag_list != was.tags).then_some(tag_list),
            priority: None,
            team: moved,
        };
        if let Err(e) = change.clone().parse() {
            feedback.invalid(e);
            return;
        }
        save.dispatch(ChangeTicket { number, change });
    };
    let teams = dir.teams.clone();
    let dir_stages = dir.clone();
    let dir_members = dir.clone();
    let stages = move || {
        dir_stages
            .team(team.get())
            .map(|t| t.stages.clone())
            .unwrap_or_default()
    };
    let members = move || {
        dir_members
            .team(team.get())
            .map(|t| {
                t.members
                    .iter()
                    .map(|m| (*m, dir_members.user_name(*m)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let heading = move || stored.with(|t| format!("{} {}", t.number, t.title));
    let source = ticket.source;
    view! {
        <Title text=heading />
        <div class="page-head">
            <p><a href="/tickets">"← Tickets"</a></p>
            <h1>{heading}</h1>
            <div class="ticket-meta">
                <Stars number priority=Signal::derive(move || stored.with(|t| t.priority)) changed />
                <span class="badge">{format!("from {}", source.as_str())}</span>
                {move || stored.with(|t| t.closed_at.is_some()).then(|| view! { <span class="badge">"Closed"</span> })}
            </div>
        </div>
        {move || gone.get().map(|why| view! {
            <p class="form-error" role="alert">{format!("This ticket could not be read again: {why}")}</p>
        })}
        <form class="card ticket-form" on:submit=on_submit novalidate>
            <RowInput id="ticket-title".into() label="Title" value=title error=feedback.field(Field::Title) />
            <div class="field">
                <label for="ticket-description">"Description"</label>
                <textarea
                    id="ticket-description"
                    rows=8
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                ></textarea>
            </div>
            <div class="grid">
                <RowInput id="ticket-customer".into() label="Customer" value=name error=feedback.field(Field::DisplayName) />
                <RowInput id="ticket-email".into() label="Customer email" value=email error=feedback.field(Field::Email) />
                <div class="field">
                    <label for="ticket-team">"Team"</label>
                    <select id="ticket-team" on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() { team.set(TeamId(id)); }
                    }>
                        {teams.iter().map(|t| {
                            let id = t.id;
                            view! { <option value=id.0.to_string() selected=move || team.get() == id>{t.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-stage">"Stage"</label>
                    <select id="ticket-stage" on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() { stage.set(StageId(id)); }
                    }>
                        {move || stages().into_iter().map(|s| {
                            let id = s.id;
                            view! { <option value=id.0.to_string() selected=move || stage.get() == id>{s.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-assignee">"Assignee"</label>
                    <select id="ticket-assignee" on:change=move |ev| {
                        assignee.set(event_target_value(&ev).parse().ok().map(UserId));
                    }>
                        <option value="" selected=move || assignee.get().is_none()>"Unassigned"</option>
                        {move || members().into_iter().map(|(id, name)| view! {
                            <option value=id.0.to_string() selected=move || assignee.get() == Some(id)>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <RowInput id="ticket-tags".into() label="Tags (comma-separated)" value=tags error=feedback.field(Field::Tags) />
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save ticket"</button>
                <FormStatus feedback />
            </div>
        </form>
        <TicketThread number />
    }
}
