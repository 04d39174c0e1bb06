//! The frame around every signed-in page: navigation, the user, sign-out.
//! The server already turned away requests without a session (see the
//! server's `guard.rs`); a session that ends while the app is open lands here
//! as `None` and goes back to the sign-in page.

use crate::api::auth::{current_user, Logout};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use parlor_domain::User;

#[component]
pub fn AdminLayout() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => {
                        provide_context(user.clone());
                        EitherOf3::A(view! { <Frame user /> })
                    }
                    Ok(None) => EitherOf3::B(view! { <Redirect path="/login" /> }),
                    Err(e) => EitherOf3::C(view! { <p class="form-error">{e.to_string()}</p> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(user: User) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = user.is_admin();
    view! {
        <div class="frame">
            <header class="topbar">
                <a class="brand" href="/channels">"Parlor"</a>
                <nav class="mainnav">
                    <A href="/channels">"Channels"</A>
                    <Show when=move || is_admin>
                        <A href="/users">"Users"</A>
                    </Show>
                </nav>
                <div class="me">
                    <span class="me-name">{user.display_name.clone()}</span>
                    <span class="role">{user.role.as_str()}</span>
                    <ActionForm action=logout>
                        <button type="submit" class="button ghost">"Sign out"</button>
                    </ActionForm>
                </div>
            </header>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}

/// The signed-in user, provided by `AdminLayout`.
pub fn use_user() -> Option<User> {
    use_context::<User>()
}
