//! The department picker: with several departments, the visitor picks one
//! before writing.

use crate::chat::Chat;
use crate::i18n::Texts;
use leptos::prelude::*;
use parlor_protocol::widget::WireDepartment;
use widget::state::Event;

#[component]
pub fn DepartmentPicker(
    chat: Chat,
    t: &'static Texts,
    departments: Vec<WireDepartment>,
) -> impl IntoView {
    // Read once: the select itself shows what the visitor picks next.
    let picked = chat.state.with_untracked(|s| s.saved.department);
    view! {
        <div class="department">
            <select
                aria-label=t.department
                on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse() {
                        chat.dispatch(Event::Department(id));
                    }
                }
            >
                <option value="" selected=picked.is_none() disabled=true>{t.choose_department}</option>
                {departments
                    .into_iter()
                    .map(|d| {
                        let id = d.id;
                        view! { <option value=id.to_string() selected=picked == Some(id)>{d.name}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
