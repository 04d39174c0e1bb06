//! Canned responses: admins add, edit in place and delete them; operators
//! see the list (the composer offers them after `:` + shortcut).

use super::layout::{may, use_me};
use crate::api::canned::{list_canned, CreateCanned, DeleteCanned, UpdateCanned};
use crate::components::fields::{FieldMessage, FormFeedback, FormStatus, TextField};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use parlor_domain::canned::{MAX_CANNED_BODY, MAX_SHORTCUT};
use parlor_domain::Power;
use parlor_domain::{CannedInput, CannedResponse, Field};

#[component]
pub fn CannedPage() -> impl IntoView {
    let me = use_me();
    // Moves after each successful change only: a refused edit keeps its
    // row open with the errors (an action's version moves on errors too).
    let changed = RwSignal::new(0u32);
    let list = Resource::new(move || changed.get(), |_| list_canned());
    view! {
        <Title text="Canned responses" />
        <div class="page-head">
            <h1>"Canned responses"</h1>
            <p class="hint">
                "In a reply, type : and a shortcut to insert its text. Shortcuts use letters a-z, digits, - and _."
            </p>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                may(me, Power::ManageCanned).await.then(|| view! { <NewCannedForm changed /> })
            })}
        </Suspense>
        <Transition fallback=|| view! { <p class="loading">"Loading canned responses…"</p> }>
            {move || Suspend::new(async move {
                let admin = may(me, Power::ManageCanned).await;
                match list.await {
                    Ok(list) if list.is_empty() => EitherOf3::A(view! {
                        <p class="empty">"No canned responses yet."</p>
                    }),
                    Ok(list) => EitherOf3::B(view! {
                        <table class="list canned">
                            <thead>
                                <tr>
                                    <th>"Shortcut"</th>
                                    <th>"Text"</th>
                                    {admin.then(|| view! { <th>"Actions"</th> })}
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|canned| {
                                        if admin {
                                            view! { <CannedRow canned changed /> }.into_any()
                                        } else {
                                            view! {
                                                <tr data-canned=canned.id>
                                                    <td><code class="shortcut">{canned.shortcut}</code></td>
                                                    <td class="canned-body">{canned.body}</td>
                                                </tr>
                                            }
                                            .into_any()
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }),
                    Err(e) => EitherOf3::C(view! { <p class="form-error">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// An admin's row: Edit turns the cells into fields, Delete asks once more.
#[component]
fn CannedRow(canned: CannedResponse, changed: RwSignal<u32>) -> impl IntoView {
    let id = canned.id;
    // What the row shows: the stored values, and the saved ones after an edit
    // (before the list is read again).
    let shown = RwSignal::new((canned.shortcut, canned.body));
    let save = ServerAction::<UpdateCanned>::new();
    let remove = ServerAction::<DeleteCanned>::new();
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let shortcut = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let feedback = FormFeedback::default();
    Effect::new(move || match save.value().get() {
        Some(Ok(saved)) => {
            shown.set((saved.shortcut, saved.body));
            editing.set(false);
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => feedback.refused(&e),
        None => {}
    });
    Effect::new(move || match remove.value().get() {
        Some(Ok(())) => changed.update(|n| *n += 1),
        Some(Err(e)) => {
            confirming.set(false);
            feedback.refused(&e);
        }
        None => {}
    });
    let err = move |f: Field| feedback.field(f);
    let start_edit = move |_| {
        let (s, b) = shown.get_untracked();
        shortcut.set(s);
        body.set(b);
        feedback.clear();
        confirming.set(false);
        editing.set(true);
    };
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CannedInput {
            shortcut: shortcut.get_untracked(),
            body: body.get_untracked(),
        };
        if let Err(e) = input.parse() {
            feedback.invalid(e);
            return;
        }
        feedback.clear();
        save.dispatch(UpdateCanned { id, canned: input });
    };
    let form_id = format!("canned-{id}-form");
    let shortcut_id = format!("canned-{id}-shortcut");
    let body_id = format!("canned-{id}-body");
    let (form_a, form_b) = (form_id.clone(), form_id.clone());
    let shortcut_error = err(Field::Shortcut);
    let body_error = err(Field::CannedBody);
    view! {
        <tr data-canned=id class:editing=move || editing.get()>
            <td>
                <Show
                    when=move || editing.get()
                    fallback=move || view! { <code class="shortcut">{move || shown.with(|s| s.0.clone())}</code> }
                >
                    <div class="field" class:invalid=move || shortcut_error.get().is_some()>
                        <label for=shortcut_id.clone()>"Shortcut"</label>
                        <input
                            type="text"
                            id=shortcut_id.clone()
                            form=form_a.clone()
                            prop:value=move || shortcut.get()
                            on:input=move |ev| shortcut.set(event_target_value(&ev))
                            aria-invalid=move || shortcut_error.get().is_some().to_string()
                            aria-describedby=format!("{shortcut_id}-error")
                        />
                        <FieldMessage error=shortcut_error id=format!("{shortcut_id}-error") />
                    </div>
                </Show>
            </td>
            <td class="canned-body">
                <Show when=move || editing.get() fallback=move || shown.with(|s| s.1.clone())>
                    <div class="field" class:invalid=move || body_error.get().is_some()>
                        <label for=body_id.clone()>"Text"</label>
                        <textarea
                            id=body_id.clone()
                            form=form_b.clone()
                            rows=4
                            prop:value=move || body.get()
                            on:input=move |ev| body.set(event_target_value(&ev))
                            aria-invalid=move || body_error.get().is_some().to_string()
                            aria-describedby=format!("{body_id}-error")
                        ></textarea>
                        <FieldMessage error=body_error id=format!("{body_id}-error") />
                    </div>
                </Show>
            </td>
            <td class="row-actions">
                <Show when=move || editing.get()>
                    <form id=form_id.clone() on:submit=on_save novalidate>
                        <button type="submit" class="button primary small" disabled=move || save.pending().get()>
                            "Save"
                        </button>
                        <button type="button" class="button small" on:click=move |_| editing.set(false)>
                            "Cancel"
                        </button>
                    </form>
                </Show>
                <Show when=move || !editing.get() && !confirming.get()>
                    <button type="button" class="button small" on:click=start_edit>"Edit"</button>
                    <button type="button" class="button small danger" on:click=move |_| {
                        feedback.clear();
                        confirming.set(true);
                    }>"Delete"</button>
                </Show>
                <Show when=move || !editing.get() && confirming.get()>
                    <button
                        type="button"
                        class="button small danger"
                        disabled=move || remove.pending().get()
                        on:click=move |_| {
                            remove.dispatch(DeleteCanned { id });
                        }
                    >
                        "Really delete?"
                    </button>
                    <button type="button" class="button small" on:click=move |_| confirming.set(false)>
                        "Cancel"
                    </button>
                </Show>
                <FormStatus feedback />
            </td>
        </tr>
    }
}

#[component]
fn NewCannedForm(changed: RwSignal<u32>) -> impl IntoView {
    let create = ServerAction::<CreateCanned>::new();
    let shortcut = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let feedback = FormFeedback::default();
    Effect::new(move || match create.value().get() {
        Some(Ok(canned)) => {
            feedback.saved(format!("Added :{}.", canned.shortcut));
            shortcut.set(String::new());
            body.set(String::new());
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => feedback.refused(&e),
        None => {}
    });
    let err = move |f: Field| feedback.field(f);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CannedInput {
            shortcut: shortcut.get_untracked(),
            body: body.get_untracked(),
        };
        if let Err(e) = input.parse() {
            feedback.invalid(e);
            return;
        }
        feedback.clear();
        create.dispatch(CreateCanned { canned: input });
    };
    view! {
        <form class="card new-canned" on:submit=on_submit novalidate>
            <h2>"Add a canned response"</h2>
            <TextField id="canned-shortcut" label="Shortcut" value=shortcut max=MAX_SHORTCUT error=err(Field::Shortcut) />
            <TextField
                id="canned-body"
                label="Text"
                value=body
                max=MAX_CANNED_BODY
                error=err(Field::CannedBody)
                multiline=true
            />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || create.pending().get()>
                    "Add canned response"
                </button>
                <FormStatus feedback />
            </div>
        </form>
    }
}
