//! The channel's Operators tab: who answers its visitors, its departments
//! (with two or more, visitors pick one) and who takes each department's
//! conversations.

use crate::api::channels::{SetChannelOperator, SetDepartmentMember, UpdateChannelDepartments};
use crate::components::fields::{FieldMessage, FormFeedback, FormStatus, SaveButton};
use leptos::prelude::*;
use parlor_domain::{Channel, Field, User};

/// Who answers the channel's visitors: a checkbox per staff member.
#[component]
pub(super) fn OperatorsTab(
    channel: RwSignal<Channel>,
    users: Vec<User>,
    can_edit: bool,
) -> impl IntoView {
    let toggle = ServerAction::<SetChannelOperator>::new();
    let feedback = FormFeedback::default();
    Effect::new(move || match toggle.value().get() {
        Some(Ok(updated)) => {
            feedback.clear();
            channel.set(updated);
        }
        Some(Err(e)) => {
            feedback.failed(&e);
            // Re-apply the stored membership to the checkbox the user clicked.
            channel.update(|_| ());
        }
        None => {}
    });
    view! {
        <p class="hint">"Operators of this channel answer its visitors."</p>
        <ul class="operator-list">
            {users
                .into_iter()
                .map(|u| {
                    let uid = u.id;
                    let checked = move || channel.with(|c| c.operators.contains(&uid));
                    view! {
                        <li>
                            <label>
                                <input
                                    type="checkbox"
                                    prop:checked=checked
                                    disabled=move || !can_edit || toggle.pending().get()
                                    on:change=move |ev| {
                                        let id = channel.with_untracked(|c| c.id);
                                        toggle.dispatch(SetChannelOperator {
                                            id,
                                            user: uid,
                                            member: event_target_checked(&ev),
                                        });
                                    }
                                />
                                <span class="op-name">{u.display_name}</span>
                                <span class="op-email">{u.email}</span>
                                <span class="role">{u.role.as_str()}</span>
                            </label>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <FormStatus feedback block=true />
    }
}

/// The channel's departments, one per line. With two or more, visitors
/// pick one before their first message.
#[component]
pub(super) fn DepartmentsForm(channel: RwSignal<Channel>, can_edit: bool) -> impl IntoView {
    let text = RwSignal::new(channel.with_untracked(|c| c.departments.text()));
    let save = ServerAction::<UpdateChannelDepartments>::new();
    let feedback = FormFeedback::default();
    let error = feedback.field(Field::Departments);
    feedback.follow(save, move |updated| {
        text.set(updated.departments.text());
        channel.set(updated);
    });
    let on_submit = feedback.submit(save, move || UpdateChannelDepartments {
        id: channel.with_untracked(|c| c.id),
        departments: text.get_untracked(),
    });
    view! {
        <form class="departments-form" on:submit=on_submit novalidate>
            <h2>"Departments"</h2>
            <p class="hint">"One per line. With two or more, visitors choose one before their first message."</p>
            <fieldset disabled=move || !can_edit>
                <div class="field" class:invalid=move || error.get().is_some()>
                    <label for="departments">"Departments"</label>
                    <textarea
                        id="departments"
                        rows=3
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        aria-describedby="departments-error"
                    ></textarea>
                    <FieldMessage error=error id="departments-error".to_string() />
                </div>
                <div class="actions">
                    <SaveButton save label="Save departments" feedback />
                </div>
            </fieldset>
        </form>
    }
}

/// Who takes each department's conversations: a grid of the channel's
/// operators. A department without members goes to any of them.
#[component]
pub(super) fn DepartmentMembers(
    channel: RwSignal<Channel>,
    users: Vec<User>,
    can_edit: bool,
) -> impl IntoView {
    let toggle = ServerAction::<SetDepartmentMember>::new();
    let feedback = FormFeedback::default();
    Effect::new(move || match toggle.value().get() {
        Some(Ok(updated)) => {
            feedback.saved("Saved.");
            channel.set(updated);
        }
        Some(Err(e)) => {
            feedback.failed(&e);
            channel.update(|_| ());
        }
        None => {}
    });
    let users = StoredValue::new(users);
    let rows = move || {
        channel.with(|c| {
            let operators: Vec<User> = users.with_value(|all| {
                all.iter()
                    .filter(|u| c.operators.contains(&u.id))
                    .cloned()
                    .collect()
            });
            c.departments
                .0
                .iter()
                .map(|d| (d.id, d.name.clone(), operators.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || channel.with(|c| !c.departments.0.is_empty())>
            <section class="department-members">
                <h2>"Department members"</h2>
                <p class="hint">"A department's conversations go to its members; with none ticked, to every operator of the channel."</p>
                <For
                    each=rows
                    key=|(id, name, ops)| (*id, name.clone(), ops.iter().map(|u| u.id).collect::<Vec<_>>())
                    children=move |(department, name, operators)| {
                        view! {
                            <fieldset class="members" disabled=move || !can_edit>
                                <legend>{name.clone()}</legend>
                                {operators
                                    .into_iter()
                                    .map(|u| {
                                        let uid = u.id;
                                        let checked = move || {
                                            channel.with(|c| {
                                                c.departments.get(department).is_some_and(|d| d.members.contains(&uid))
                                            })
                                        };
                                        view! {
                                            <label>
                                                <input
                                                    type="checkbox"
                                                    prop:checked=checked
                                                    disabled=move || toggle.pending().get()
                                                    on:change=move |ev| {
                                                        feedback.edited();
                                                        toggle.dispatch(SetDepartmentMember {
                                                            id: channel.with_untracked(|c| c.id),
                                                            department,
                                                            user: uid,
                                                            member: event_target_checked(&ev),
                                                        });
                                                    }
                                                />
                                                " "{u.display_name}
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                        }
                    }
                />
                <FormStatus feedback block=true />
            </section>
        </Show>
    }
}
