//! The channel form, with tabs as in Odoo Live Chat: Operators, Options,
//! Channel Rules (`channel_rules.rs`), Triggers (`channel_triggers.rs`) and
//! Widget (`channel_widget.rs`). All tabs stay mounted (only hidden), so unsaved edits survive a
//! switch between tabs.

use super::channel_rules::RulesTab;
use super::channel_triggers::TriggersTab;
use super::channel_widget::WidgetTab;
use super::layout::{is_admin, use_me};
use crate::api::channels::{
    get_channel, ChannelDetail, SetChannelOperator, SetDepartmentMember, UpdateChannel,
    UpdateChannelDepartments,
};
use crate::components::color_field::ColorField;
use crate::components::fields::{FieldMessage, SaveState, SaveStatus, TextField};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use parlor_domain::channel::{
    MAX_INPUT_PLACEHOLDER, MAX_NAME, MAX_NOTIFICATION_TEXT, MAX_WELCOME_MESSAGE, MAX_WINDOW_TITLE,
};
use parlor_domain::{
    Channel, ChannelId, ChannelSettings, ChannelSettingsInput, Field, User, ValidationErrors,
};
use parlor_protocol::{ConversationMode, Theme};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Operators,
    Options,
    Rules,
    Triggers,
    Widget,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Operators,
        Tab::Options,
        Tab::Rules,
        Tab::Triggers,
        Tab::Widget,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Operators => "Operators",
            Tab::Options => "Options",
            Tab::Rules => "Channel Rules",
            Tab::Triggers => "Triggers",
            Tab::Widget => "Widget",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Operators => "operators",
            Tab::Options => "options",
            Tab::Rules => "rules",
            Tab::Triggers => "triggers",
            Tab::Widget => "widget",
        }
    }
}

#[component]
pub fn ChannelEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<ChannelId>().ok())
    };
    let me = use_me();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_channel(id).await,
            None => Err(AppError::NotFound("channel".into())),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading channel…"</p> }>
            {move || Suspend::new(async move {
                let is_admin = is_admin(me).await;
                match detail.await {
                    Ok(detail) => Either::Left(view! { <ChannelEditor detail is_admin /> }),
                    Err(e) => Either::Right(view! { <p class="form-error">{e.to_string()}</p> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChannelEditor(detail: ChannelDetail, is_admin: bool) -> impl IntoView {
    let channel = RwSignal::new(detail.channel);
    let tab = RwSignal::new(Tab::Options);
    let title = move || channel.with(|c| c.settings.name.clone());
    view! {
        <Title text=title />
        <div class="page-head">
            <p class="crumbs"><a href="/channels">"Channels"</a>" /"</p>
            <h1 class="channel-title">{title}</h1>
        </div>
        <div class="tabs" role="tablist">
            {Tab::ALL
                .into_iter()
                .map(|t| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("tab-{}", t.id())
                            aria-controls=format!("panel-{}", t.id())
                            aria-selected=move || (tab.get() == t).to_string()
                            class:active=move || tab.get() == t
                            on:click=move |_| tab.set(t)
                        >
                            {t.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <TabPanel tab current=Tab::Operators>
            <OperatorsTab channel users=detail.users.clone() is_admin />
            <DepartmentsForm channel is_admin />
            <DepartmentMembers channel users=detail.users is_admin />
        </TabPanel>
        <TabPanel tab current=Tab::Options>
            <OptionsTab channel is_admin />
        </TabPanel>
        <TabPanel tab current=Tab::Rules>
            <RulesTab channel is_admin />
        </TabPanel>
        <TabPanel tab current=Tab::Triggers>
            <TriggersTab channel is_admin />
        </TabPanel>
        <TabPanel tab current=Tab::Widget>
            <WidgetTab channel is_admin snippet=detail.snippet chat_link=detail.chat_link />
        </TabPanel>
    }
}

/// One tab's panel: always mounted, hidden unless `current` is shown.
#[component]
fn TabPanel(tab: RwSignal<Tab>, current: Tab, children: Children) -> impl IntoView {
    view! {
        <section
            class="panel"
            role="tabpanel"
            id=format!("panel-{}", current.id())
            aria-labelledby=format!("tab-{}", current.id())
            hidden=move || tab.get() != current
        >
            {children()}
        </section>
    }
}

#[component]
fn OperatorsTab(channel: RwSignal<Channel>, users: Vec<User>, is_admin: bool) -> impl IntoView {
    let toggle = ServerAction::<SetChannelOperator>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move || match toggle.value().get() {
        Some(Ok(updated)) => {
            error.set(None);
            channel.set(updated);
        }
        Some(Err(e)) => {
            error.set(Some(e.to_string()));
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
                                    disabled=move || !is_admin || toggle.pending().get()
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
        <Show when=move || error.get().is_some()>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </Show>
    }
}

/// The channel's departments, one per line. With two or more, visitors
/// pick one before their first message.
#[component]
fn DepartmentsForm(channel: RwSignal<Channel>, is_admin: bool) -> impl IntoView {
    let text = RwSignal::new(channel.with_untracked(|c| c.departments.text()));
    let save = ServerAction::<UpdateChannelDepartments>::new();
    let status: SaveState = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            error.set(None);
            status.set(Some(Ok("Saved.")));
            text.set(updated.departments.text());
            channel.set(updated);
        }
        Some(Err(e)) => {
            error.set(
                e.validation()
                    .and_then(|v| v.for_field(Field::Departments).map(str::to_string)),
            );
            status.set(Some(Err(e.to_string())));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        save.dispatch(UpdateChannelDepartments {
            id: channel.with_untracked(|c| c.id),
            departments: text.get_untracked(),
        });
    };
    view! {
        <form class="departments-form" on:submit=on_submit novalidate>
            <h2>"Departments"</h2>
            <p class="hint">"One per line. With two or more, visitors choose one before their first message."</p>
            <fieldset disabled=move || !is_admin>
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
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        "Save departments"
                    </button>
                    <SaveStatus status />
                </div>
            </fieldset>
        </form>
    }
}

/// Who takes each department's conversations: a grid of the channel's
/// operators. A department without members goes to any of them.
#[component]
fn DepartmentMembers(
    channel: RwSignal<Channel>,
    users: Vec<User>,
    is_admin: bool,
) -> impl IntoView {
    let toggle = ServerAction::<SetDepartmentMember>::new();
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    Effect::new(move || match toggle.value().get() {
        Some(Ok(updated)) => {
            error.set(None);
            saved.set(true);
            channel.set(updated);
        }
        Some(Err(e)) => {
            error.set(Some(e.to_string()));
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
                            <fieldset class="members" disabled=move || !is_admin>
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
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get()}</p>
                </Show>
                <Show when=move || saved.get() && !toggle.pending().get() && error.get().is_none()>
                    <p class="saved" role="status">"Saved."</p>
                </Show>
            </section>
        </Show>
    }
}

/// One signal per field of the Options form.
#[derive(Clone, Copy)]
struct OptionsForm {
    name: RwSignal<String>,
    window_title: RwSignal<String>,
    notification_text: RwSignal<String>,
    button_color: RwSignal<String>,
    header_color: RwSignal<String>,
    welcome_message: RwSignal<String>,
    input_placeholder: RwSignal<String>,
    theme: RwSignal<Theme>,
    conversation_mode: RwSignal<ConversationMode>,
}

impl OptionsForm {
    fn new(s: &ChannelSettings) -> Self {
        let i = ChannelSettingsInput::from(s);
        Self {
            name: RwSignal::new(i.name),
            window_title: RwSignal::new(i.window_title),
            notification_text: RwSignal::new(i.notification_text),
            button_color: RwSignal::new(i.button_color),
            header_color: RwSignal::new(i.header_color),
            welcome_message: RwSignal::new(i.welcome_message),
            input_placeholder: RwSignal::new(i.input_placeholder),
            theme: RwSignal::new(i.theme),
            conversation_mode: RwSignal::new(i.conversation_mode),
        }
    }

    fn input(&self) -> ChannelSettingsInput {
        ChannelSettingsInput {
            name: self.name.get(),
            window_title: self.window_title.get(),
            notification_text: self.notification_text.get(),
            button_color: self.button_color.get(),
            header_color: self.header_color.get(),
            welcome_message: self.welcome_message.get(),
            input_placeholder: self.input_placeholder.get(),
            theme: self.theme.get(),
            conversation_mode: self.conversation_mode.get(),
        }
    }

    fn reset_colors(&self) {
        self.button_color
            .set(ChannelSettings::default_button_color().to_string());
        self.header_color
            .set(ChannelSettings::default_header_color().to_string());
    }
}

#[component]
fn OptionsTab(channel: RwSignal<Channel>, is_admin: bool) -> impl IntoView {
    let form = OptionsForm::new(&channel.get_untracked().settings);
    let save = ServerAction::<UpdateChannel>::new();
    // Errors found while typing, with the same rules the server applies.
    let live_errors = Memo::new(move |_| form.input().parse().err().unwrap_or_default());
    let server_errors = RwSignal::new(ValidationErrors::default());
    let status = RwSignal::new(None::<Result<&'static str, String>>);
    let error_for = move |field: Field| {
        Signal::derive(move || {
            live_errors
                .with(|e| e.for_field(field).map(str::to_string))
                .or_else(|| server_errors.with(|e| e.for_field(field).map(str::to_string)))
        })
    };
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
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        if !live_errors.with_untracked(ValidationErrors::is_empty) {
            status.set(Some(Err("Please correct the highlighted fields.".into())));
            return;
        }
        let id = channel.with_untracked(|c| c.id);
        save.dispatch(UpdateChannel {
            id,
            settings: form.input(),
        });
    };
    view! {
        <form class="options-form" on:submit=on_submit novalidate>
            <fieldset disabled=move || !is_admin>
                <div class="grid">
                    <TextField id="name" label="Channel name" value=form.name max=MAX_NAME error=error_for(Field::Name) />
                    <TextField
                        id="window_title"
                        label="Window title"
                        value=form.window_title
                        max=MAX_WINDOW_TITLE
                        error=error_for(Field::WindowTitle)
                    />
                </div>
                <TextField
                    id="notification_text"
                    label="Notification text"
                    value=form.notification_text
                    max=MAX_NOTIFICATION_TEXT
                    error=error_for(Field::NotificationText)
                />
                <div class="grid colors">
                    <ColorField
                        id="button_color"
                        label="Livechat button colour"
                        value=form.button_color
                        error=error_for(Field::ButtonColor)
                    />
                    <ColorField
                        id="header_color"
                        label="Channel header colour"
                        value=form.header_color
                        error=error_for(Field::HeaderColor)
                    />
                    <button type="button" class="button ghost reset-colors" on:click=move |_| form.reset_colors()>
                        "Reset colours to defaults"
                    </button>
                </div>
                <TextField
                    id="welcome_message"
                    label="Welcome message"
                    value=form.welcome_message
                    max=MAX_WELCOME_MESSAGE
                    error=error_for(Field::WelcomeMessage)
                    multiline=true
                />
                <TextField
                    id="input_placeholder"
                    label="Chat input placeholder"
                    value=form.input_placeholder
                    max=MAX_INPUT_PLACEHOLDER
                    error=error_for(Field::InputPlaceholder)
                />
                <div class="grid">
                    <Choice
                        id="theme"
                        label="Widget theme"
                        value=form.theme
                        options=Theme::ALL.map(|t| (t, t.as_str(), theme_label(t))).to_vec()
                    />
                    <Choice
                        id="conversation_mode"
                        label="Conversations"
                        value=form.conversation_mode
                        options=ConversationMode::ALL.map(|m| (m, m.as_str(), mode_label(m))).to_vec()
                    />
                </div>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        "Save"
                    </button>
                    <SaveStatus status />
                </div>
            </fieldset>
        </form>
    }
}

fn theme_label(t: Theme) -> &'static str {
    match t {
        Theme::Auto => "Follow the visitor's light or dark setting",
        Theme::Light => "Always light",
        Theme::Dark => "Always dark",
    }
}

fn mode_label(m: ConversationMode) -> &'static str {
    match m {
        ConversationMode::OneActive => "One active: every message goes to one conversation",
        ConversationMode::Multiple => {
            "Multiple: visitors see their conversations and start new ones"
        }
    }
}

/// A labelled `<select>` over a few typed choices.
#[component]
fn Choice<T>(
    id: &'static str,
    label: &'static str,
    value: RwSignal<T>,
    options: Vec<(T, &'static str, &'static str)>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let keys: Vec<(T, &'static str)> = options.iter().map(|&(v, key, _)| (v, key)).collect();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some((v, _)) = keys.iter().find(|(_, key)| *key == picked) {
                        value.set(*v);
                    }
                }
            >
                {options
                    .iter()
                    .map(|&(v, key, text)| {
                        view! { <option value=key selected=move || value.get() == v>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
