//! Settings → Mail (admins): the SMTP server replies go out through and
//! the address they come from, and the IMAP mailbox the intake reads. A
//! saved password is never shown: its field stays empty, says it is set,
//! and left empty keeps it. What the environment sets shows read-only.

use crate::api::mail_settings::{get_mail_settings, SaveMailSettings};
use crate::components::fields::{FormFeedback, FormStatus, RowInput};
use leptos::prelude::*;
use leptos_meta::Title;
use parlor_domain::mail_settings::{
    MailPart, MailSecurity, MailServer, MailSettingsInput, MailSettingsView, MailSide, ServerInput,
};
use parlor_domain::Field;

/// One connection's fields.
#[derive(Clone, Copy)]
struct ServerForm {
    side: MailSide,
    on: RwSignal<bool>,
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<MailSecurity>,
    user: RwSignal<String>,
    password: RwSignal<String>,
    password_set: RwSignal<bool>,
    locked: bool,
}

impl ServerForm {
    fn new(side: MailSide, v: &parlor_domain::mail_settings::ServerView, locked: bool) -> Self {
        Self {
            side,
            on: RwSignal::new(v.on),
            host: RwSignal::new(v.server.host.clone()),
            port: RwSignal::new(if v.server.port == 0 {
                String::new()
            } else {
                v.server.port.to_string()
            }),
            security: RwSignal::new(v.server.security),
            user: RwSignal::new(v.server.user.clone()),
            password: RwSignal::new(String::new()),
            password_set: RwSignal::new(v.password_set),
            locked,
        }
    }

    fn input(&self) -> ServerInput {
        let password = self.password.get_untracked();
        ServerInput {
            on: self.on.get_untracked(),
            server: MailServer {
                host: self.host.get_untracked(),
                port: self.port.get_untracked().trim().parse().unwrap_or(0),
                security: self.security.get_untracked(),
                user: self.user.get_untracked(),
            },
            password: (!password.is_empty()).then_some(password),
        }
    }

    /// After a save: the typed password is gone, the view says it is set.
    fn saved(&self, v: &parlor_domain::mail_settings::ServerView) {
        self.password.set(String::new());
        self.password_set.set(v.password_set);
    }
}

#[component]
pub fn MailSettingsPage() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| get_mail_settings());
    view! {
        <Title text="Mail settings" />
        <div class="page-head">
            <h1>"Mail"</h1>
            <p class="muted">"Replies to tickets go out by SMTP; mail to the teams' aliases comes in from one mailbox over IMAP."</p>
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(v) => view! { <MailForm v /> }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MailForm(v: MailSettingsView) -> impl IntoView {
    let out = ServerForm::new(MailSide::Outgoing, &v.outgoing, v.outgoing_from_environment);
    let inc = ServerForm::new(MailSide::Incoming, &v.incoming, v.incoming_from_environment);
    let from = RwSignal::new(v.from.clone());
    let from_name = RwSignal::new(v.from_name.clone());
    let mailbox = RwSignal::new(v.mailbox.clone());
    let refused_folder = RwSignal::new(v.refused_folder.clone());
    let poll = RwSignal::new(v.poll_secs.to_string());
    let save = ServerAction::<SaveMailSettings>::new();
    let feedback = FormFeedback::default();
    feedback.follow(save, move |saved: MailSettingsView| {
        out.saved(&saved.outgoing);
        inc.saved(&saved.incoming);
    });
    let input = move || SaveMailSettings {
        settings: MailSettingsInput {
            outgoing: out.input(),
            from: from.get_untracked(),
            from_name: from_name.get_untracked(),
            incoming: inc.input(),
            mailbox: mailbox.get_untracked(),
            refused_folder: refused_folder.get_untracked(),
            poll_secs: poll.get_untracked().trim().parse().unwrap_or(0),
        },
    };
    let at = move |side, part| feedback.field(Field::MailSetting(side, part));
    view! {
        <form class="card mail-settings" on:submit=feedback.submit(save, input) novalidate>
            <ServerFields form=out legend="Outgoing mail (SMTP)" switch="Send replies by email" feedback>
                <RowInput id="mail-from".into() label="From address" value=from error=at(MailSide::Outgoing, MailPart::From) />
                <RowInput id="mail-from-name".into() label="From name" value=from_name error=at(MailSide::Outgoing, MailPart::FromName) />
            </ServerFields>
            <ServerFields form=inc legend="Incoming mail (IMAP)" switch="Read a mailbox for new tickets" feedback>
                <RowInput id="imap-mailbox".into() label="Mailbox" value=mailbox error=at(MailSide::Incoming, MailPart::Mailbox) />
                <RowInput id="imap-refused".into() label="Folder for mail that cannot be imported" value=refused_folder error=at(MailSide::Incoming, MailPart::RefusedFolder) />
                <RowInput id="imap-poll".into() label="Check every (seconds)" value=poll numeric=true error=at(MailSide::Incoming, MailPart::Poll) />
            </ServerFields>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save mail settings"</button>
                <FormStatus feedback />
            </div>
        </form>
    }
}

#[component]
fn ServerFields(
    form: ServerForm,
    legend: &'static str,
    /// The switch's label.
    switch: &'static str,
    feedback: FormFeedback,
    children: Children,
) -> impl IntoView {
    let side = form.side;
    let prefix = match side {
        MailSide::Outgoing => "smtp",
        MailSide::Incoming => "imap",
    };
    let at = move |part| feedback.field(Field::MailSetting(side, part));
    let id = move |what: &str| format!("{prefix}-{what}");
    let password_error = at(MailPart::Password);
    view! {
        <fieldset class="mail-server" disabled=form.locked>
            <legend>{legend}</legend>
            {form.locked.then(|| view! {
                <p class="muted">"Set by environment variables, which win over this page (see README, Mail)."</p>
            })}
            <label class="check">
                <input type="checkbox" prop:checked=move || form.on.get()
                    on:change=move |ev| form.on.set(event_target_checked(&ev)) />
                " "{switch}
            </label>
            <div class="grid" hidden=move || !form.on.get()>
                <RowInput id=id("host") label="Server" value=form.host error=at(MailPart::Host) />
                <RowInput id=id("port") label="Port" value=form.port numeric=true error=at(MailPart::Port) />
                <div class="field">
                    <label for=id("security")>"Security"</label>
                    <select id=id("security") on:change=move |ev| {
                        form.security.set(match event_target_value(&ev).as_str() {
                            "tls" => MailSecurity::Tls,
                            "none" => MailSecurity::None,
                            _ => MailSecurity::Starttls,
                        });
                    }>
                        {[(MailSecurity::Starttls, "STARTTLS"), (MailSecurity::Tls, "TLS"), (MailSecurity::None, "None (local relay)")]
                            .into_iter()
                            .map(|(s, label)| view! {
                                <option value=s.as_str() selected=move || form.security.get() == s>{label}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <RowInput id=id("user") label="User" value=form.user error=at(MailPart::User) />
                <div class="field" class:invalid=move || password_error.get().is_some()>
                    <label for=id("password")>"Password"</label>
                    <input
                        type="password"
                        id=id("password")
                        autocomplete="new-password"
                        placeholder=move || if form.password_set.get() { "Saved; leave empty to keep it" } else { "" }
                        prop:value=move || form.password.get()
                        on:input=move |ev| form.password.set(event_target_value(&ev))
                        aria-invalid=move || password_error.get().is_some().to_string()
                    />
                    {move || password_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </div>
                {children()}
            </div>
        </fieldset>
    }
}
