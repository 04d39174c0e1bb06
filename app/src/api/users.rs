use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{Availability, NewUser, User, UserId};

#[server(prefix = "/api", endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<User>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.users().list(&actor).await?)
}

#[server(prefix = "/api", endpoint = "users/create", input = Json)]
pub async fn create_user(user: NewUser) -> Result<User, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.create_user(&actor, user).await?)
}

/// A staff member's status and load, for the Users page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffStatus {
    pub user_id: i64,
    pub availability: Availability,
    /// Routing gives them at most this many chats at once.
    pub max_chats: u32,
    /// Open conversations they have now.
    pub open_chats: u32,
}

/// Each staff member's status and load now.
#[server(prefix = "/api", endpoint = "users/presence")]
pub async fn team_presence() -> Result<Vec<StaffStatus>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    require_user().await?;
    let parlor = &ctx()?.parlor;
    let team = parlor.team().await;
    let load = parlor.staff_load().await?;
    Ok(team
        .into_iter()
        .map(|m| {
            let (max_chats, open_chats) = load
                .iter()
                .find(|(u, _, _)| *u == m.user)
                .map(|(_, max, open)| (*max, *open))
                .unwrap_or_default();
            StaffStatus {
                user_id: m.user.0,
                availability: m.availability,
                max_chats,
                open_chats,
            }
        })
        .collect())
}

/// An admin sets how many chats routing gives `user` at once.
#[server(prefix = "/api", endpoint = "users/max_chats", input = Json)]
pub async fn set_max_chats(user: UserId, max_chats: u32) -> Result<(), AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.set_max_chats(&actor, user, max_chats).await?)
}
