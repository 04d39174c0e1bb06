//! The channel's Options tab: its name, the widget's texts and colours,
//! theme and conversations mode, checked while typing with the rules the
//! server applies (`ChannelSettingsInput::parse`).

use crate::api::channels::UpdateChannel;
use crate::components::color_field::ColorField;
use crate::components::fields::{FormFeedback, SaveButton, TextField};
use leptos::prelude::*;
use parlor_domain::channel::{
    MAX_INPUT_PLACEHOLDER, MAX_NAME, MAX_NOTIFICATION_TEXT, MAX_WELCOME_MESSAGE, MAX_WINDOW_TITLE,
};
use parlor_domain::{Channel, ChannelSettings, ChannelSettingsInput, Field};
use parlor_protocol::{ConversationMode, Theme};

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

/// The channel's name, texts, colours, theme and conversations mode.
#[component]
pub(super) fn OptionsTab(channel: RwSignal<Channel>, can_edit: bool) -> impl IntoView {
    let form = OptionsForm::new(&channel.get_untracked().settings);
    let save = ServerAction::<UpdateChannel>::new();
    // Errors found while typing, with the same rules the server applies.
    let checks = Memo::new(move |_| form.input().parse().err().unwrap_or_default());
    let feedback = FormFeedback::checking(checks);
    let error_for = move |field: Field| feedback.field(field);
    feedback.follow(save, move |updated| channel.set(updated));
    let on_submit = feedback.submit(save, move || UpdateChannel {
        id: channel.with_untracked(|c| c.id),
        settings: form.input(),
    });
    view! {
        <form class="options-form" on:submit=on_submit novalidate>
            <fieldset disabled=move || !can_edit>
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
                    <SaveButton save label="Save" feedback />
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
