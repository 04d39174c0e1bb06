//! One module per page.

pub mod canned;
pub mod channel;
pub mod channels;
pub mod desk_live;
pub mod help_form_editor;
pub mod helpdesk;
pub mod inbox;
pub mod layout;
pub mod login;
pub mod mail_settings;
pub mod ticket_thread;
pub mod tickets;
pub mod users;

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="centered">
            <div class="card">
                <h1>"Page not found"</h1>
                <p><a href="/channels">"Back to channels"</a></p>
            </div>
        </main>
    }
}
