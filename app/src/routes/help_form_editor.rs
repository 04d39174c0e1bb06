//! A team's website form in admin: where its public page is, the snippet
//! that embeds it elsewhere, and the fields added after the built-in ones
//! (name, email, subject, message): their type, label, placeholder,
//! description, default, whether required, the choices of a list, and
//! their order. Loaded when opened, in the browser.

use crate::api::help_forms::{get_help_form, save_help_form, HelpFormView};
use crate::components::copy_button::CopyButton;
use crate::components::fields::{FormFeedback, FormStatus, RowInput};
use crate::components::ordered_list::{AddRow, EditList, OrderedList, RowPlace};
use leptos::prelude::*;
use parlor_domain::help_form::MAX_FORM_FIELDS;
use parlor_domain::{Field, FieldKind, FormField, HelpForm, TeamId};

/// A field being edited.
#[derive(Clone, Copy)]
struct FieldRow {
    kind: RwSignal<FieldKind>,
    label: RwSignal<String>,
    placeholder: RwSignal<String>,
    description: RwSignal<String>,
    default_value: RwSignal<String>,
    required: RwSignal<bool>,
    /// One choice per line.
    choices: RwSignal<String>,
}

impl FieldRow {
    fn new(f: &FormField) -> Self {
        Self {
            kind: RwSignal::new(f.kind),
            label: RwSignal::new(f.label.clone()),
            placeholder: RwSignal::new(f.placeholder.clone()),
            description: RwSignal::new(f.description.clone()),
            default_value: RwSignal::new(f.default_value.clone()),
            required: RwSignal::new(f.required),
            choices: RwSignal::new(f.choices.join("\n")),
        }
    }

    fn field(&self) -> FormField {
        FormField {
            kind: self.kind.get_untracked(),
            label: self.label.get_untracked(),
            placeholder: self.placeholder.get_untracked(),
            description: self.description.get_untracked(),
            default_value: self.default_value.get_untracked(),
            required: self.required.get_untracked(),
            choices: self
                .choices
                .get_untracked()
                .lines()
                .map(str::to_string)
                .collect(),
        }
    }
}

#[component]
pub fn HelpFormEditor(team: TeamId) -> impl IntoView {
    let loaded = LocalResource::new(move || get_help_form(team));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the form…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <Editor team view /> }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(team: TeamId, view: HelpFormView) -> impl IntoView {
    let fields = EditList::new(
        view.form
            .fields
            .iter()
            .map(FieldRow::new)
            .collect::<Vec<_>>(),
    );
    let feedback = FormFeedback::default();
    let saving = RwSignal::new(false);
    let list = format!("team-{}-field", team.0);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = HelpForm {
            fields: fields.map_untracked(FieldRow::field),
        };
        if let Err(e) = form.clone().parse() {
            feedback.invalid(e);
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            let saved = save_help_form(team, form).await;
            saving.set(false);
            match saved {
                Ok(_) => feedback.saved("Saved."),
                Err(e) => feedback.failed(&e),
            }
        });
    };
    view! {
        <form class="help-form-editor" on:submit=save novalidate>
            <p>
                "Public page: "
                <a href=view.page_url.clone() target="_blank" rel="noopener">{view.page_url.clone()}</a>
            </p>
            <div class="field">
                <label for=format!("team-{}-snippet", team.0)>"Embed it in another site"</label>
                <textarea id=format!("team-{}-snippet", team.0) readonly rows=2>{view.snippet.clone()}</textarea>
                <CopyButton text=view.snippet.clone() label="Copy snippet" />
            </div>
            <p class="hint">"Name, email, subject and message are always asked. Fields added here follow them:"</p>
            <OrderedList
                list=fields
                noun="field"
                empty="No fields of its own."
                item_class="rule form-field"
                reorder=true
                row=move |row: FieldRow, place: RowPlace| view! {
                    <FieldEditor row place list=list.clone() feedback />
                }
            />
            <AddRow list=fields label="Add a field" max=MAX_FORM_FIELDS new=|| FieldRow::new(&FormField::default()) />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || saving.get()>"Save form"</button>
                <FormStatus feedback />
            </div>
        </form>
    }
}

#[component]
fn FieldEditor(
    row: FieldRow,
    place: RowPlace,
    list: String,
    feedback: FormFeedback,
) -> impl IntoView {
    let id = move |name: &str| place.id(&list, name);
    let error = Signal::derive(move || {
        let at = Field::FormField(u16::try_from(place.index.get()).unwrap_or(u16::MAX));
        feedback.error_of(at)
    });
    let kind_id = id("kind");
    let choices_id = id("choices");
    view! {
        <div class="grid">
            <div class="field">
                <label for=kind_id.clone()>"Type"</label>
                <select id=kind_id on:change=move |ev| {
                    if let Some(k) = FieldKind::parse(&event_target_value(&ev)) { row.kind.set(k); }
                }>
                    {FieldKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || row.kind.get() == k>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <RowInput id=id("label") label="Label" value=row.label error />
            <RowInput id=id("placeholder") label="Placeholder" value=row.placeholder error=Signal::derive(|| None) />
            <RowInput id=id("description") label="Description" value=row.description error=Signal::derive(|| None) />
            <RowInput id=id("default") label="Default value" value=row.default_value error=Signal::derive(|| None) />
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || row.required.get()
                    on:change=move |ev| row.required.set(event_target_checked(&ev))
                />
                "Required"
            </label>
        </div>
        <Show when=move || row.kind.get() == FieldKind::Choice>
            <div class="field">
                <label for=choices_id.clone()>"Choices (one per line)"</label>
                <textarea
                    id=choices_id.clone()
                    rows=4
                    prop:value=move || row.choices.get()
                    on:input=move |ev| row.choices.set(event_target_value(&ev))
                ></textarea>
            </div>
        </Show>
    }
}
