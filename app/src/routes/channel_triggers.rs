//! The channel's Triggers tab, as in Rocket.Chat: when the visitor's page
//! matches a URL pattern and they have been on it for some seconds, the
//! chat opens with a message in the channel's name. `parlor_domain::triggers`
//! checks them, here and on save.

use crate::api::channels::UpdateChannelTriggers;
use crate::components::fields::{FieldMessage, RowInput, SaveStatus};
use leptos::prelude::*;
use parlor_domain::triggers::{parse_triggers, MAX_TRIGGERS};
use parlor_domain::{Channel, Field, TriggerInput, ValidationErrors};

/// One trigger as edited; `key` keeps a row's inputs in place.
#[derive(Clone, Copy)]
struct TriggerRow {
    key: u64,
    id: Option<u32>,
    url_regex: RwSignal<String>,
    after_secs: RwSignal<String>,
    message: RwSignal<String>,
}

impl TriggerRow {
    fn new(key: u64, t: TriggerInput) -> Self {
        Self {
            key,
            id: t.id,
            url_regex: RwSignal::new(t.url_regex),
            after_secs: RwSignal::new(t.after_secs),
            message: RwSignal::new(t.message),
        }
    }

    fn input(&self) -> TriggerInput {
        TriggerInput {
            id: self.id,
            url_regex: self.url_regex.get(),
            after_secs: self.after_secs.get(),
            message: self.message.get(),
        }
    }
}

fn rows_of(channel: &Channel) -> Vec<TriggerRow> {
    channel
        .triggers
        .0
        .iter()
        .enumerate()
        .map(|(i, t)| TriggerRow::new(i as u64, TriggerInput::from(t)))
        .collect()
}

#[component]
pub fn TriggersTab(channel: RwSignal<Channel>, is_admin: bool) -> impl IntoView {
    let rows = RwSignal::new(channel.with_untracked(rows_of));
    let next_key = StoredValue::new(rows.with_untracked(Vec::len) as u64);
    let save = ServerAction::<UpdateChannelTriggers>::new();
    let inputs = move || rows.with(|r| r.iter().map(TriggerRow::input).collect::<Vec<_>>());
    let live_errors = Memo::new(move |_| parse_triggers(&inputs()).err().unwrap_or_default());
    let server_errors = RwSignal::new(ValidationErrors::default());
    let status = RwSignal::new(None::<Result<&'static str, String>>);
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            server_errors.set(ValidationErrors::default());
            status.set(Some(Ok("Saved.")));
            // New triggers got their ids: edit those from now on.
            rows.set(rows_of(&updated));
            next_key.set_value(updated.triggers.0.len() as u64);
            channel.set(updated);
        }
        Some(Err(e)) => {
            server_errors.set(e.validation().cloned().unwrap_or_default());
            status.set(Some(Err(e.to_string())));
        }
        None => {}
    });
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(TriggerRow::new(key, TriggerInput::new())));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        if !live_errors.with_untracked(ValidationErrors::is_empty) {
            status.set(Some(Err("Please correct the highlighted fields.".into())));
            return;
        }
        save.dispatch(UpdateChannelTriggers {
            id: channel.with_untracked(|c| c.id),
            triggers: rows.with_untracked(|r| r.iter().map(TriggerRow::input).collect()),
        });
    };
    let error_for = move |field: Field| {
        live_errors
            .with(|e| e.for_field(field).map(str::to_string))
            .or_else(|| server_errors.with(|e| e.for_field(field).map(str::to_string)))
    };
    view! {
        <form class="rules-form" on:submit=on_submit novalidate>
            <p class="hint">
                "When a visitor has spent the given time on a page whose path matches, the chat opens "
                "with your message, in the channel's name. It is kept in the conversation if they answer."
            </p>
            <fieldset disabled=move || !is_admin>
                <Show when=move || rows.with(Vec::is_empty)>
                    <p class="empty">"No triggers."</p>
                </Show>
                <ol class="rules">
                    <For each=move || rows.get() key=|row| row.key let:row>
                        {
                            let key = row.key;
                            let index = Memo::new(move |_| {
                                rows.with(|r| r.iter().position(|x| x.key == key)).unwrap_or_default()
                            });
                            let err = move |f: fn(u16) -> Field| {
                                Signal::derive(move || error_for(f(index.get() as u16)))
                            };
                            let id = move |name: &str| format!("trigger-{key}-{name}");
                            view! {
                                <li class="rule trigger">
                                    <div class="rule-head">
                                        <h3>{move || format!("Trigger {}", index.get() + 1)}</h3>
                                        <button
                                            type="button"
                                            class="button ghost small danger"
                                            aria-label=move || format!("Remove trigger {}", index.get() + 1)
                                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != key))
                                        >
                                            "Remove"
                                        </button>
                                    </div>
                                    <div class="grid">
                                        <RowInput id=id("url") label="Page URL regex" value=row.url_regex error=err(Field::TriggerUrl) />
                                        <RowInput
                                            id=id("after")
                                            label="Time on the page (seconds)"
                                            value=row.after_secs
                                            error=err(Field::TriggerAfter)
                                            numeric=true
                                        />
                                    </div>
                                    <div class="field" class:invalid=move || err(Field::TriggerMessage).get().is_some()>
                                        <label for=id("message")>"Message"</label>
                                        <textarea
                                            id=id("message")
                                            rows=2
                                            prop:value=move || row.message.get()
                                            on:input=move |ev| row.message.set(event_target_value(&ev))
                                            aria-describedby=id("message-error")
                                        ></textarea>
                                        <FieldMessage error=err(Field::TriggerMessage) id=id("message-error") />
                                    </div>
                                </li>
                            }
                        }
                    </For>
                </ol>
                <FieldMessage error=Signal::derive(move || error_for(Field::Triggers)) id="triggers-error".to_string() />
                <div class="actions">
                    <button
                        type="button"
                        class="button ghost"
                        on:click=add
                        disabled=move || rows.with(|r| r.len() >= MAX_TRIGGERS)
                    >
                        "Add a trigger"
                    </button>
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        "Save triggers"
                    </button>
                    <SaveStatus status />
                </div>
            </fieldset>
        </form>
    }
}
