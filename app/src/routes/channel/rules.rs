//! The channel's Rules tab, as in Odoo Live Chat: an ordered list of rules,
//! each a button choice (with a timer for "Open automatically"), a URL
//! pattern and countries. The first rule that matches a visitor applies;
//! `parlor_domain::rules` holds the rules and checks them, here and on save.

use crate::api::channels::UpdateChannelRules;
use crate::components::fields::{FieldMessage, FormFeedback, RowInput, SaveButton};
use crate::components::ordered_list::{AddRow, EditList, OrderedList, RowPlace};
use leptos::prelude::*;
use parlor_domain::rules::{parse_rules, DisplayChoice, MAX_RULES};
use parlor_domain::{Channel, Field, RuleInput};

/// One rule as edited.
#[derive(Clone, Copy)]
struct RuleRow {
    display: RwSignal<DisplayChoice>,
    open_after: RwSignal<String>,
    url_regex: RwSignal<String>,
    countries: RwSignal<String>,
}

impl RuleRow {
    fn new(input: RuleInput) -> Self {
        Self {
            display: RwSignal::new(input.display),
            open_after: RwSignal::new(input.open_after),
            url_regex: RwSignal::new(input.url_regex),
            countries: RwSignal::new(input.countries),
        }
    }

    fn input(&self) -> RuleInput {
        RuleInput {
            display: self.display.get(),
            open_after: self.open_after.get(),
            url_regex: self.url_regex.get(),
            countries: self.countries.get(),
        }
    }
}

#[component]
pub fn RulesTab(channel: RwSignal<Channel>, can_edit: bool) -> impl IntoView {
    let rows = EditList::new(channel.with_untracked(|c| {
        c.rules
            .0
            .iter()
            .map(|r| RuleRow::new(RuleInput::from(r)))
            .collect::<Vec<_>>()
    }));
    let save = ServerAction::<UpdateChannelRules>::new();
    let checks = Memo::new(move |_| {
        parse_rules(&rows.map(RuleRow::input))
            .err()
            .unwrap_or_default()
    });
    let feedback = FormFeedback::checking(checks);
    feedback.follow(save, move |updated| channel.set(updated));
    let on_submit = feedback.submit(save, move || UpdateChannelRules {
        id: channel.with_untracked(|c| c.id),
        rules: rows.map_untracked(RuleRow::input),
    });
    view! {
        <form class="rules-form" on:submit=on_submit novalidate>
            <p class="hint">
                "The first rule that matches the visitor's page and country decides how the chat button shows. "
                "Where no rule matches, the button shows."
            </p>
            <fieldset disabled=move || !can_edit>
                <OrderedList
                    list=rows
                    noun="rule"
                    empty="No rules: the button shows on every page."
                    item_class="rule"
                    reorder=true
                    row=move |row: RuleRow, place: RowPlace| view! { <RuleFields row place feedback /> }
                />
                <FieldMessage error=feedback.field(Field::Rules) id="rules-error".to_string() />
                <div class="actions">
                    <AddRow list=rows label="Add a rule" max=MAX_RULES new=|| RuleRow::new(RuleInput::new()) />
                    <SaveButton save label="Save rules" feedback />
                </div>
            </fieldset>
        </form>
    }
}

/// One rule's fields; the list draws its heading and buttons.
#[component]
fn RuleFields(row: RuleRow, place: RowPlace, feedback: FormFeedback) -> impl IntoView {
    let error = move |field: fn(u16) -> Field| {
        Signal::derive(move || feedback.error_of(field(place.index.get() as u16)))
    };
    let id = move |name: &str| place.id("rule", name);
    let (timer_error, url_error, countries_error) = (
        error(Field::RuleOpenAfter),
        error(Field::RuleUrlRegex),
        error(Field::RuleCountries),
    );
    view! {
        <div class="grid">
            <div class="field">
                <label for=id("display")>"Livechat button"</label>
                <select
                    id=id("display")
                    class="rule-display"
                    on:change=move |ev| {
                        if let Some(c) = DisplayChoice::from_id(&event_target_value(&ev)) {
                            row.display.set(c);
                        }
                    }
                >
                    {DisplayChoice::ALL
                        .into_iter()
                        .map(|c| {
                            view! {
                                <option value=c.id() selected=move || row.display.get() == c>
                                    {c.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <Show when=move || row.display.get() == DisplayChoice::Open>
                <RowInput
                    id=id("timer")
                    label="Open after (seconds)"
                    value=row.open_after
                    error=timer_error
                    numeric=true
                />
            </Show>
        </div>
        <div class="grid">
            <RowInput id=id("url") label="URL regex" value=row.url_regex error=url_error />
            <RowInput
                id=id("countries")
                label="Countries (two-letter codes; empty: every country)"
                value=row.countries
                error=countries_error
            />
        </div>
    }
}
