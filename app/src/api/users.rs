use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{NewUser, User};

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
