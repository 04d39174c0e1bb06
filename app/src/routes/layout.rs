//! The frame around every signed-in page: navigation, the user, sign-out.
//! The server already turned away requests without a session (see the
//! server's `guard.rs`); a session that ends while the app is open shows up
//! here as `None` and goes back to the sign-in page.
//!
//! Pages render outside this frame's suspense boundaries (the `Outlet` is not
//! inside one), so their own resources are created exactly once.

use crate::api::auth::{current_user, Logout};
use crate::error::AppError;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::Outlet;
use parlor_domain::{Power, User};

/// The signed-in user, loaded once by the layout and shared with pages.
#[derive(Clone, Copy)]
pub struct Me(Resource<Result<Option<User>, AppError>>);

/// Whether the signed-in user's role has `power`; false while unknown or
/// signed out. The server checks again: this only decides what to show.
pub async fn may(me: Option<Me>, power: Power) -> bool {
    match me {
        Some(Me(resource)) => matches!(resource.await, Ok(Some(u)) if u.may(power)),
        None => false,
    }
}

pub fn use_me() -> Option<Me> {
    use_context::<Me>()
}

#[component]
pub fn AdminLayout() -> impl IntoView {
    let me = Me(Resource::new(|| (), |_| current_user()));
    provide_context(me);
    let pulse = super::desk_live::DeskPulse::new();
    provide_context(pulse);
    #[cfg(feature = "hydrate")]
    super::desk_live::start(pulse);
    view! {
        <div class="frame">
            <header class="topbar">
                <a class="brand" href="/inbox">"Parlor"</a>
                <nav class="mainnav">
                    <NavLink href="/inbox">"Inbox"</NavLink>
                    <NavLink href="/tickets">"Tickets"<TicketCounts /></NavLink>
                    <NavLink href="/channels">"Channels"</NavLink>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            // Managers see the team's load there, and set
                            // each operator's chat limit.
                            let users = may(Some(me), Power::ManageUsers).await
                                || may(Some(me), Power::Supervise).await;
                            let settings = may(Some(me), Power::ManageSettings).await;
                            view! {
                                {users.then(|| view! { <NavLink href="/users">"Users"</NavLink> })}
                                {settings.then(|| view! { <NavLink href="/settings/mail">"Mail"</NavLink> })}
                            }
                        })}
                    </Suspense>
                    <NavLink href="/canned">"Canned responses"</NavLink>
                    <NavLink href="/helpdesk/teams">"Helpdesk teams"</NavLink>
                </nav>
                <div class="me">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match me.0.await {
                                Ok(Some(user)) => EitherOf3::A(view! {
                                    <span class="me-name">{user.display_name}</span>
                                    <span class="role">{user.role.as_str()}</span>
                                }),
                                // The guard lets no one in without a session, so
                                // this is one that ended since.
                                Ok(None) => EitherOf3::B(view! { <a href="/login">"Sign in again"</a> }),
                                Err(e) => EitherOf3::C(view! { <span class="form-error">{e.to_string()}</span> }),
                            }
                        })}
                    </Suspense>
                    // A plain form: the server ends the session and sends the
                    // browser to the sign-in page (no form code in the bundle).
                    <form method="post" action=Logout::url()>
                        <button type="submit" class="button ghost">"Sign out"</button>
                    </form>
                </div>
            </header>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}

/// A navigation entry, `aria-current` on its page and the pages under it.
/// A plain link (the router follows it) rather than the router's `<A>`,
/// whose general href handling the main bundle does not need.
#[component]
fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let current = move || {
        location.pathname.with(|path| {
            path.strip_prefix(href)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                .then_some("page")
        })
    };
    view! {
        <a href=href aria-current=current>
            {children()}
        </a>
    }
}

/// The Tickets entry's counts: open tickets assigned to you, and open
/// unassigned ones in your teams. Read again at each page change and
/// whenever a ticket changes.
#[component]
fn TicketCounts() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let pulse = expect_context::<super::desk_live::DeskPulse>();
    let counts = Resource::new(
        move || (location.pathname.get(), pulse.version()),
        |_| crate::api::helpdesk::count_tickets(),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                counts.await.ok().map(|c| view! {
                    <span class="nav-count" title="Assigned to you">{c.mine}</span>
                    <span class="nav-count unassigned" title="Unassigned">{c.unassigned}</span>
                })
            })}
        </Suspense>
    }
}
