//! The channel's Rules tab, as in Odoo Live Chat: an ordered list of rules,
//! each a button choice (with a timer for "Open automatically"), a URL
//! pattern and countries. The first rule that matches a visitor applies;
//! `parlor_domain::rules` holds the rules and checks them, here and on save.

use crate::api::channels::UpdateChannelRules;
use crate::components::fields::{FieldMessage, RowInput, SaveStatus};
use leptos::prelude::*;
use parlor_domain::rules::{parse_rules, DisplayChoice, MAX_RULES};
use parlor_domain::{Channel, Field, RuleInput, ValidationErrors};

/// One rule as edited. `key` keeps a row's inputs in place while rows move.
#[derive(Clone, Copy)]
struct RuleRow {
    key: u64,
    display: RwSignal<DisplayChoice>,
    open_after: RwSignal<String>,
    url_regex: RwSignal<String>,
    countries: RwSignal<String>,
}

impl RuleRow {
    fn new(key: u64, input: RuleInput) -> Self {
        Self {
            key,
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

fn rows_of(channel: &Channel) -> Vec<RuleRow> {
    channel
        .rules
        .0
        .iter()
        .enumerate()
        .map(|(i, r)| RuleRow::new(i as u64, RuleInput::from(r)))
        .collect()
}

#[component]
pub fn RulesTab(channel: RwSignal<Channel>, is_admin: bool) -> impl IntoView {
    let rows = RwSignal::new(channel.with_untracked(rows_of));
    let next_key = StoredValue::new(rows.with_untracked(Vec::len) as u64);
    let save = ServerAction::<UpdateChannelRules>::new();
    let inputs = move || rows.with(|r| r.iter().map(RuleRow::input).collect::<Vec<_>>());
    let live_errors = Memo::new(move |_| parse_rules(&inputs()).err().unwrap_or_default());
    let server_errors = RwSignal::new(ValidationErrors::default());
    let status = RwSignal::new(None::<Result<&'static str, String>>);
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            server_errors.set(ValidationErrors::default());
            status.set(Some(Ok("Saved.")));
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
        rows.update(|r| r.push(RuleRow::new(key, RuleInput::new())));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        if !live_errors.with_untracked(ValidationErrors::is_empty) {
            status.set(Some(Err("Please correct the highlighted fields.".into())));
            return;
        }
        save.dispatch(UpdateChannelRules {
            id: channel.with_untracked(|c| c.id),
            rules: rows.with_untracked(|r| r.iter().map(RuleRow::input).collect()),
        });
    };
    let list_error = move || {
        live_errors
            .with(|e| e.for_field(Field::Rules).map(str::to_string))
            .or_else(|| server_errors.with(|e| e.for_field(Field::Rules).map(str::to_string)))
    };
    view! {
        <form class="rules-form" on:submit=on_submit novalidate>
            <p class="hint">
                "The first rule that matches the visitor's page and country decides how the chat button shows. "
                "Where no rule matches, the button shows."
            </p>
            <fieldset disabled=move || !is_admin>
                <Show when=move || rows.with(Vec::is_empty)>
                    <p class="empty">"No rules: the button shows on every page."</p>
                </Show>
                <ol class="rules">
                    <For each=move || rows.get() key=|row| row.key let:row>
                        <RuleEditor row rows live_errors server_errors />
                    </For>
                </ol>
                <FieldMessage error=Signal::derive(list_error) id="rules-error".to_string() />
                <div class="actions">
                    <button
                        type="button"
                        class="button ghost"
                        on:click=add
                        disabled=move || rows.with(|r| r.len() >= MAX_RULES)
                    >
                        "Add a rule"
                    </button>
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        "Save rules"
                    </button>
                    <SaveStatus status />
                </div>
            </fieldset>
        </form>
    }
}

#[component]
fn RuleEditor(
    row: RuleRow,
    rows: RwSignal<Vec<RuleRow>>,
    live_errors: Memo<ValidationErrors>,
    server_errors: RwSignal<ValidationErrors>,
) -> impl IntoView {
    let key = row.key;
    let index = Memo::new(move |_| {
        rows.with(|r| r.iter().position(|x| x.key == key))
            .unwrap_or_default()
    });
    let error = move |field: fn(u16) -> Field| {
        Signal::derive(move || {
            let f = field(index.get() as u16);
            live_errors
                .with(|e| e.for_field(f).map(str::to_string))
                .or_else(|| server_errors.with(|e| e.for_field(f).map(str::to_string)))
        })
    };
    let shift = move |by: isize| {
        rows.update(|r| {
            let i = index.get_untracked();
            let j = i as isize + by;
            if j >= 0 && (j as usize) < r.len() {
                r.swap(i, j as usize);
            }
        })
    };
    let remove = move |_| rows.update(|r| r.retain(|x| x.key != key));
    let id = move |name: &str| format!("rule-{key}-{name}");
    let (timer_error, url_error, countries_error) = (
        error(Field::RuleOpenAfter),
        error(Field::RuleUrlRegex),
        error(Field::RuleCountries),
    );
    view! {
        <li class="rule">
            <div class="rule-head">
                <h3>{move || format!("Rule {}", index.get() + 1)}</h3>
                <div class="rule-moves">
                    <button
                        type="button"
                        class="button ghost small"
                        aria-label=move || format!("Move rule {} up", index.get() + 1)
                        disabled=move || index.get() == 0
                        on:click=move |_| shift(-1)
                    >
                        "↑"
                    </button>
                    <button
                        type="button"
                        class="button ghost small"
                        aria-label=move || format!("Move rule {} down", index.get() + 1)
                        disabled=move || rows.with(|r| index.get() + 1 >= r.len())
                        on:click=move |_| shift(1)
                    >
                        "↓"
                    </button>
                    <button
                        type="button"
                        class="button ghost small danger"
                        aria-label=move || format!("Remove rule {}", index.get() + 1)
                        on:click=remove
                    >
                        "Remove"
                    </button>
                </div>
            </div>
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
        </li>
    }
}
