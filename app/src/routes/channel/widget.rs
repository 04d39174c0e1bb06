//! The channel's Widget tab: the sites that may embed the chat (amoCRM's
//! placement address), then the embed snippet, offered only once a site is
//! given or "embedded in an app" is on, with what a site's
//! Content-Security-Policy must allow, and the direct chat link.

use crate::api::channels::{SetIdentityRequired, UpdateChannelSites};
use crate::components::copy_button::CopyButton;
use crate::components::fields::{FieldMessage, FormFeedback, FormStatus};
use leptos::prelude::*;
use parlor_domain::{Channel, Field};

#[component]
pub fn WidgetTab(
    channel: RwSignal<Channel>,
    can_edit: bool,
    /// May see the identity secret (admins: `Power::ManageSettings`).
    secrets: bool,
    snippet: String,
    chat_link: String,
    csp: String,
) -> impl IntoView {
    let sites = RwSignal::new(channel.with_untracked(|c| c.embedding.sites_text()));
    let in_app = RwSignal::new(channel.with_untracked(|c| c.embedding.in_app));
    let save = ServerAction::<UpdateChannelSites>::new();
    let feedback = FormFeedback::default();
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            feedback.saved("Saved.");
            sites.set(updated.embedding.sites_text());
            channel.set(updated);
        }
        Some(Err(e)) => feedback.refused_at(&e, Field::Sites),
        None => {}
    });
    let error = feedback.field(Field::Sites);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.edited();
        save.dispatch(UpdateChannelSites {
            id: channel.with_untracked(|c| c.id),
            sites: sites.get_untracked(),
            in_app: in_app.get_untracked(),
        });
    };
    let configured = move || channel.with(|c| c.embedding.is_configured());
    view! {
        <form class="embed sites-form" on:submit=on_submit novalidate>
            <h2>"Allowed sites"</h2>
            <p class="hint">
                "The chat shows only on these sites; pages elsewhere cannot load it. One per line, such as "
                <code>"shop.example.com"</code>", "<code>"http://127.0.0.1:8180"</code>" or "
                <code>"*.example.com"</code>" for every subdomain."
            </p>
            <fieldset disabled=move || !can_edit>
                <div class="field" class:invalid=move || error.get().is_some()>
                    <label for="allowed-sites">"Sites"</label>
                    <textarea
                        id="allowed-sites"
                        rows=3
                        prop:value=move || sites.get()
                        on:input=move |ev| {
                            feedback.edited();
                            sites.set(event_target_value(&ev));
                        }
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby="allowed-sites-error"
                    ></textarea>
                    <FieldMessage error=error id="allowed-sites-error".to_string() />
                </div>
                <label class="check">
                    <input
                        type="checkbox"
                        id="in-app"
                        prop:checked=move || in_app.get()
                        on:change=move |ev| {
                            feedback.edited();
                            in_app.set(event_target_checked(&ev));
                        }
                    />
                    " Embedded in an app (web views have no site to check: any site may load the chat)"
                </label>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        "Save sites"
                    </button>
                    <FormStatus feedback />
                </div>
            </fieldset>
        </form>
        <div class="embed">
            <h2>"Embed on your website"</h2>
            <Show
                when=configured
                fallback=|| {
                    view! {
                        <p class="hint" id="snippet-needs-site">
                            "Add the site that will show the chat (or switch on \"Embedded in an app\") to get the snippet."
                        </p>
                    }
                }
            >
                <p class="hint">"Paste this tag into the " <code>"<head>"</code> " of every page that should show the chat."</p>
                <pre class="snippet"><code id="widget-snippet">{snippet.clone()}</code></pre>
                <CopyButton text=snippet.clone() label="Copy snippet" />
                <p class="hint">
                    "If your site sends a " <code>"Content-Security-Policy"</code>
                    ", add these sources to its directives (styles need none):"
                </p>
                <pre class="snippet"><code id="widget-csp">{csp.clone()}</code></pre>
            </Show>
        </div>
        <IdentitySection channel secrets />
        <div class="embed">
            <h2>"Direct chat link"</h2>
            <p class="hint">"Send this link to customers: it opens a full-page chat with this channel."</p>
            <pre class="snippet"><code id="chat-link">{chat_link.clone()}</code></pre>
            <CopyButton text=chat_link label="Copy link" />
        </div>
    }
}

/// The secret sites sign visitors' identities with, and whether unsigned
/// identities are ignored (docs/embedding.md).
#[component]
fn IdentitySection(channel: RwSignal<Channel>, secrets: bool) -> impl IntoView {
    let save = ServerAction::<SetIdentityRequired>::new();
    let feedback = FormFeedback::default();
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            feedback.clear();
            channel.set(updated);
        }
        Some(Err(_)) => feedback.error("Could not save; try again."),
        None => {}
    });
    let secret = move || channel.with(|c| c.identity.secret.clone());
    view! {
        <div class="embed identity">
            <h2>"Identity verification"</h2>
            <p class="hint">
                "Your site's server signs each visitor's external id with this secret "
                "(HMAC-SHA256, hex) and passes the signature to "<code>"Parlor.identify"</code>
                ". A signed identity joins the visitor's history across devices. "
                "A wrongly signed one is never shown as the visitor's name: operators see it "
                "only in the visitor panel, as an unverified claim."
            </p>
            <Show when=move || secrets fallback=|| view! { <p class="hint">"Only admins see the secret."</p> }>
                <pre class="snippet"><code id="identity-secret">{secret}</code></pre>
                <CopyButton text=secret() label="Copy secret" />
            </Show>
            <label class="check">
                <input
                    type="checkbox"
                    id="identity-required"
                    disabled=move || !secrets || save.pending().get()
                    prop:checked=move || channel.with(|c| c.identity.required)
                    on:change=move |ev| {
                        save.dispatch(SetIdentityRequired {
                            id: channel.with_untracked(|c| c.id),
                            required: event_target_checked(&ev),
                        });
                    }
                />
                " Require signed identities (an unsigned identity is then an unverified claim too, and the visitor stays anonymous)"
            </label>
            <FormStatus feedback block=true />
        </div>
    }
}
