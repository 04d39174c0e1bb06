//! The sections split out of the main bundle. Each `#[leptos::lazy]`
//! function below becomes a wasm module of its own (scripts/build.sh splits
//! them), fetched when one of its pages is first opened; code that two
//! sections share goes to a chunk both load. The pages' components are named
//! only here, which is what keeps their code out of the main bundle.
//!
//! Sections are coarse on purpose: every module costs a request, and code
//! moved out of the main bundle weighs about twice as much on its own
//! (docs/admin-splitting.md). The inbox stays in the main bundle: it is the
//! first page after signing in.

use crate::routes::canned::CannedPage;
use crate::routes::channel::ChannelEditPage;
use crate::routes::channels::ChannelsPage;
use crate::routes::helpdesk::TeamsPage;
use crate::routes::login::LoginPage;
use crate::routes::mail_settings::MailSettingsPage;
use crate::routes::tickets::{TicketPage, TicketsPage};
use crate::routes::users::UsersPage;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// A page of a split section (`pages::PageView::Lazy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// `/`, which sends the browser on to the inbox (the server answers
    /// it with a redirect; only a link followed in the app gets here).
    Home,
    /// The sign-in page: nobody signed in needs its code.
    SignIn,
    Channels(Channels),
    Tickets(Tickets),
    Team(Team),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channels {
    List,
    Edit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tickets {
    List,
    One,
}

/// The people and settings around the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Team {
    Users,
    Teams,
    Canned,
    Mail,
}

impl Section {
    /// The page, once its section's module is in.
    pub async fn view(self) -> AnyView {
        match self {
            Section::Home => home().await,
            Section::SignIn => sign_in().await,
            Section::Channels(page) => channels(page).await,
            Section::Tickets(page) => tickets(page).await,
            Section::Team(page) => team(page).await,
        }
    }

    /// Fetches the section's module (on the server, nothing to do).
    pub async fn preload(self) {
        #[cfg(feature = "hydrate")]
        match self {
            Section::Home => __preload_home().await,
            Section::SignIn => __preload_sign_in().await,
            Section::Channels(_) => __preload_channels().await,
            Section::Tickets(_) => __preload_tickets().await,
            Section::Team(_) => __preload_team().await,
        }
    }
}

#[leptos::lazy]
fn home() -> AnyView {
    view! { <Redirect path=crate::pages::INBOX /> }.into_any()
}

#[leptos::lazy]
fn sign_in() -> AnyView {
    view! { <LoginPage /> }.into_any()
}

#[leptos::lazy]
fn channels(page: Channels) -> AnyView {
    match page {
        Channels::List => view! { <ChannelsPage /> }.into_any(),
        Channels::Edit => view! { <ChannelEditPage /> }.into_any(),
    }
}

#[leptos::lazy]
fn tickets(page: Tickets) -> AnyView {
    match page {
        Tickets::List => view! { <TicketsPage /> }.into_any(),
        Tickets::One => view! { <TicketPage /> }.into_any(),
    }
}

#[leptos::lazy]
fn team(page: Team) -> AnyView {
    match page {
        Team::Users => view! { <UsersPage /> }.into_any(),
        Team::Teams => view! { <TeamsPage /> }.into_any(),
        Team::Canned => view! { <CannedPage /> }.into_any(),
        Team::Mail => view! { <MailSettingsPage /> }.into_any(),
    }
}
