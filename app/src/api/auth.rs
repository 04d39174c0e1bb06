use crate::error::AppError;
use leptos::prelude::*;
use parlor_domain::User;

/// Signs in and sets the session cookie. Form-encoded, so the sign-in form
/// also works before the app has hydrated.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::server_ctx::{ctx, set_session_cookie};
    let ctx = ctx()?;
    let session = ctx.parlor.sign_in(&email, &password).await?;
    set_session_cookie(&ctx, &session.token);
    leptos_axum::redirect("/inbox");
    Ok(())
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server_ctx::{ctx, end_session};
    end_session(&ctx()?).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "me")]
pub async fn current_user() -> Result<Option<User>, AppError> {
    crate::server_ctx::session_user().await
}
