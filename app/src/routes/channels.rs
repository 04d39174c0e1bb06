use super::layout::{may, use_me};
use crate::api::channels::{list_channels, CreateChannel};
use crate::components::fields::FieldMessage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use parlor_domain::Field;
use parlor_domain::Power;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let me = use_me();
    let channels = Resource::new(|| (), |_| list_channels());
    view! {
        <Title text="Channels" />
        <div class="page-head">
            <h1>"Channels"</h1>
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading channels…"</p> }>
            {move || Suspend::new(async move {
                let form = may(me, Power::ManageChannels).await.then(|| view! { <NewChannelForm /> });
                let list = match channels.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"No channels yet."</p> }.into_any()
                    }
                    Ok(list) => view! {
                            <table class="list">
                                <thead>
                                    <tr>
                                        <th>"Name"</th>
                                        <th>"Button"</th>
                                        <th>"Operators"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|c| {
                                            view! {
                                                <tr>
                                                    <td>
                                                        <a class="channel-link" href=format!("/channels/{}", c.id)>
                                                            {c.name}
                                                        </a>
                                                    </td>
                                                    <td>
                                                        <span
                                                            class="swatch"
                                                            style:background-color=c.button_color.to_string()
                                                        ></span>
                                                        <code>{c.button_color.to_string()}</code>
                                                    </td>
                                                    <td>{c.operator_count}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                };
                view! { {form} {list} }
            })}
        </Suspense>
    }
}

#[component]
fn NewChannelForm() -> impl IntoView {
    let create = ServerAction::<CreateChannel>::new();
    let name = RwSignal::new(String::new());
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/channels/{id}"), Default::default());
        }
    });
    let error = Signal::derive(move || {
        create.value().get().and_then(|r| r.err()).map(|e| {
            e.validation()
                .and_then(|v| v.for_field(Field::Name))
                .map(|m| format!("Name {m}"))
                .unwrap_or_else(|| e.to_string())
        })
    });
    view! {
        <form
            class="inline-form"
            on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateChannel { name: name.get_untracked() });
            }
        >
            <label for="new-channel">"New channel"</label>
            <input
                id="new-channel"
                type="text"
                placeholder="e.g. Sales"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <button type="submit" class="button primary" disabled=move || create.pending().get()>
                "Create"
            </button>
            <FieldMessage error id="new-channel-error".to_string() />
        </form>
    }
}
