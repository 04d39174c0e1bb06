use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{Availability, NewUser, User};

#[server(prefix = "/api", endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<User>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.list_users(&actor).await?)
}

#[server(prefix = "/api", endpoint = "users/create", input = Json)]
pub async fn create_user(user: NewUser) -> Result<User, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.create_user(&actor, user).await?)
}

/// Each staff member's status now (user id, status), for the Users page.
#[server(prefix = "/api", endpoint = "users/presence")]
pub async fn team_presence() -> Result<Vec<(i64, Availability)>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    require_user().await?;
    let team = ctx()?.parlor.team().await;
    Ok(team
        .into_iter()
        .map(|m| (m.user.0, m.availability))
        .collect())
}
