//! The channel's Triggers tab, as in Rocket.Chat: when the visitor's page
//! matches a URL pattern and they have been on it for some seconds, the
//! chat opens with a message in the channel's name. `parlor_domain::triggers`
//! checks them, here and on save.

use crate::api::channels::UpdateChannelTriggers;
use crate::components::fields::{FieldMessage, FormFeedback, RowInput, SaveButton};
use crate::components::ordered_list::{AddRow, EditList, OrderedList, RowPlace};
use leptos::prelude::*;
use parlor_domain::triggers::{parse_triggers, MAX_TRIGGERS};
use parlor_domain::{Channel, Field, TriggerInput};

/// One trigger as edited; `id` is the stored trigger's, `None` until saved.
#[derive(Clone, Copy)]
struct TriggerRow {
    id: Option<u32>,
    url_regex: RwSignal<String>,
    after_secs: RwSignal<String>,
    message: RwSignal<String>,
}

impl TriggerRow {
    fn new(t: TriggerInput) -> Self {
        Self {
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
        .map(|t| TriggerRow::new(TriggerInput::from(t)))
        .collect()
}

#[component]
pub fn TriggersTab(channel: RwSignal<Channel>, can_edit: bool) -> impl IntoView {
    let rows = EditList::new(channel.with_untracked(rows_of));
    let save = ServerAction::<UpdateChannelTriggers>::new();
    let checks = Memo::new(move |_| {
        parse_triggers(&rows.map(TriggerRow::input))
            .err()
            .unwrap_or_default()
    });
    let feedback = FormFeedback::checking(checks);
    feedback.follow(save, move |updated| {
        // New triggers got their ids: edit those from now on.
        rows.reset(rows_of(&updated));
        channel.set(updated);
    });
    let on_submit = feedback.submit(save, move || UpdateChannelTriggers {
        id: channel.with_untracked(|c| c.id),
        triggers: rows.map_untracked(TriggerRow::input),
    });
    view! {
        <form class="rules-form" on:submit=on_submit novalidate>
            <p class="hint">
                "When a visitor has spent the given time on a page whose path matches, the chat opens "
                "with your message, in the channel's name. It is kept in the conversation if they answer."
            </p>
            <fieldset disabled=move || !can_edit>
                <OrderedList
                    list=rows
                    noun="trigger"
                    empty="No triggers."
                    item_class="rule trigger"
                    row=move |row: TriggerRow, place: RowPlace| view! { <TriggerFields row place feedback /> }
                />
                <FieldMessage error=feedback.field(Field::Triggers) id="triggers-error".to_string() />
                <div class="actions">
                    <AddRow
                        list=rows
                        label="Add a trigger"
                        max=MAX_TRIGGERS
                        new=|| TriggerRow::new(TriggerInput::new())
                    />
                    <SaveButton save label="Save triggers" feedback />
                </div>
            </fieldset>
        </form>
    }
}

/// One trigger's fields; the list draws its heading and button.
#[component]
fn TriggerFields(row: TriggerRow, place: RowPlace, feedback: FormFeedback) -> impl IntoView {
    let err = move |f: fn(u16) -> Field| {
        Signal::derive(move || feedback.error_of(f(place.index.get() as u16)))
    };
    let id = move |name: &str| place.id("trigger", name);
    let message_error = err(Field::TriggerMessage);
    view! {
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
        <div class="field" class:invalid=move || message_error.get().is_some()>
            <label for=id("message")>"Message"</label>
            <textarea
                id=id("message")
                rows=2
                prop:value=move || row.message.get()
                on:input=move |ev| row.message.set(event_target_value(&ev))
                aria-describedby=id("message-error")
            ></textarea>
            <FieldMessage error=message_error id=id("message-error") />
        </div>
    }
}
