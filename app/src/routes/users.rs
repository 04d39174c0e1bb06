use super::layout::{may, use_me};
use crate::api::users::{list_users, CreateUser, SetMaxChats, StaffStatus};
use crate::components::fields::{FieldMessage, FormFeedback, FormStatus};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use parlor_domain::{Availability, Field, NewUser, Power, Role, ValidationErrors};

#[component]
pub fn UsersPage() -> impl IntoView {
    let me = use_me();
    let create = ServerAction::<CreateUser>::new();
    let users = Resource::new(move || create.version().get(), |_| list_users());
    // Statuses, read in the browser only, into a plain signal: the
    // server's page would show whatever the status was when it rendered,
    // and a resource read in the table would hold up its Suspense. They
    // change on their own: read again every few seconds.
    let presence = RwSignal::new(None::<Vec<StaffStatus>>);
    #[cfg(feature = "hydrate")]
    {
        let tick = RwSignal::new(0u32);
        let timer = set_interval_with_handle(
            move || tick.update(|n| *n += 1),
            std::time::Duration::from_secs(5),
        );
        on_cleanup(move || {
            if let Ok(t) = timer {
                t.clear();
            }
        });
        Effect::new(move || {
            create.version().track();
            tick.track();
            leptos::task::spawn_local(async move {
                if let Ok(list) = crate::api::users::team_presence().await {
                    presence.try_set(Some(list));
                }
            });
        });
    }
    let staff_of = move |id: i64| {
        presence
            .try_with(|list| {
                list.as_ref()
                    .and_then(|list| list.iter().find(|s| s.user_id == id).cloned())
            })
            .flatten()
    };
    let status_of = move |id: i64| staff_of(id).map(|s| s.availability);
    view! {
        <Title text="Users" />
        <div class="page-head">
            <h1>"Users"</h1>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                may(me, Power::ManageUsers).await.then(|| view! { <NewUserForm create /> })
            })}
        </Suspense>
        <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                let admin = may(me, Power::Supervise).await;
                match users.await {
                    Ok(list) => Either::Left(view! {
                        <table class="list users">
                            <thead>
                                <tr>
                                    <th>"Name"</th>
                                    <th>"Email"</th>
                                    <th>"Role"</th>
                                    <th>"Status"</th>
                                    <th>"Chats"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|u| {
                                        let id = u.id.0;
                                        view! {
                                            <tr data-user=id>
                                                <td>{u.display_name}</td>
                                                <td>{u.email}</td>
                                                <td><span class="role">{u.role.as_str()}</span></td>
                                                <td class="presence">
                                                    <span class="dot" data-status=move || status_of(id).map(Availability::as_str)></span>
                                                    " "
                                                    <span class="status-label">{move || status_of(id).map_or("…", Availability::label)}</span>
                                                </td>
                                                <td class="chats">
                                                    <ChatLoad staff=Signal::derive(move || staff_of(id)) user=id admin />
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }),
                    Err(e) => Either::Right(view! { <p class="form-error">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// Open chats and the maximum routing gives: an admin or a manager
/// changes the maximum.
#[component]
fn ChatLoad(staff: Signal<Option<StaffStatus>>, user: i64, admin: bool) -> impl IntoView {
    let save = ServerAction::<SetMaxChats>::new();
    let max = RwSignal::new(String::new());
    // The field starts at the stored maximum, and follows it until edited.
    let edited = RwSignal::new(false);
    Effect::new(move || {
        if let Some(s) = staff.try_get().flatten() {
            if !edited.get_untracked() {
                max.set(s.max_chats.to_string());
            }
        }
    });
    let error = move || match save.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    // Confirmed once stored, and only until the field is edited again.
    let saved = move || {
        !save.pending().get() && !edited.get() && matches!(save.value().get(), Some(Ok(())))
    };
    let open = move || {
        staff
            .try_get()
            .flatten()
            .map(|s| s.open_chats)
            .unwrap_or_default()
    };
    let label = format!("Maximum chats for user {user}");
    view! {
        <span class="open-chats">{open}" open"</span>
        {admin.then(|| view! {
            <form class="max-chats" on:submit=move |ev| {
                ev.prevent_default();
                match max.get_untracked().trim().parse::<u32>() {
                    Ok(n) => {
                        edited.set(false);
                        save.dispatch(SetMaxChats {
                            user: parlor_domain::UserId(user),
                            max_chats: n,
                        });
                    }
                    Err(_) => save.value().set(Some(Err(crate::error::AppError::Validation(
                        ValidationErrors::single(Field::MaxChats, "must be a whole number"),
                    )))),
                }
            }>
                <label>
                    "at most "
                    <input
                        type="number"
                        min=1
                        max=parlor_domain::user::MAX_CHATS_LIMIT
                        aria-label=label
                        prop:value=move || max.get()
                        on:input=move |ev| {
                            edited.set(true);
                            max.set(event_target_value(&ev));
                        }
                    />
                </label>
                <button type="submit" class="button small">"Save"</button>
                <Show when=move || error().is_some()>
                    <span class="form-error" role="alert">{error}</span>
                </Show>
                <Show when=saved>
                    <span class="saved" role="status">"Saved"</span>
                </Show>
            </form>
        })}
        {(!admin).then(|| view! {
            <span class="max-chats">{move || staff.try_get().flatten().map(|s| format!("of at most {}", s.max_chats))}</span>
        })}
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let feedback = FormFeedback::default();
    Effect::new(move || match create.value().get() {
        Some(Ok(user)) => {
            feedback.saved(format!("Created {}.", user.display_name));
            email.set(String::new());
            display_name.set(String::new());
            password.set(String::new());
        }
        Some(Err(e)) => feedback.refused(&e),
        None => {}
    });
    let err = move |f: Field| feedback.field(f);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = NewUser {
            email: email.get_untracked(),
            display_name: display_name.get_untracked(),
            password: password.get_untracked(),
            role: role.get_untracked(),
        }
        .normalized();
        if let Err(e) = user.validate() {
            feedback.invalid(e);
            return;
        }
        feedback.clear();
        create.dispatch(CreateUser { user });
    };
    view! {
        <form class="card new-user" on:submit=on_submit novalidate>
            <h2>"Add a user"</h2>
            <div class="grid">
                <div class="field">
                    <label for="user-name">"Name"</label>
                    <input id="user-name" type="text" prop:value=move || display_name.get()
                        on:input=move |ev| display_name.set(event_target_value(&ev)) />
                    <FieldMessage error=err(Field::DisplayName) id="user-name-error".to_string() />
                </div>
                <div class="field">
                    <label for="user-email">"Email"</label>
                    <input id="user-email" type="email" prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                    <FieldMessage error=err(Field::Email) id="user-email-error".to_string() />
                </div>
                <div class="field">
                    <label for="user-password">"Password"</label>
                    <input id="user-password" type="password" autocomplete="new-password" prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <FieldMessage error=err(Field::Password) id="user-password-error".to_string() />
                </div>
                <div class="field">
                    <label for="user-role">"Role"</label>
                    <select id="user-role" on:change=move |ev| {
                        role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Operator))
                    }>
                        {Role::ALL
                            .into_iter()
                            .rev()
                            .map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Add user"</button>
                <FormStatus feedback />
            </div>
        </form>
    }
}
