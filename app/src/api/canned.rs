//! Canned responses: every staff member lists them (the composer offers
//! them after `:` + shortcut); admins create, edit and delete them on the
//! Canned responses page.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{CannedInput, CannedResponse};

/// Every canned response, by shortcut.
#[server(prefix = "/api", endpoint = "canned/list")]
pub async fn list_canned() -> Result<Vec<CannedResponse>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.canned().list(&actor).await?)
}

#[server(prefix = "/api", endpoint = "canned/create", input = Json)]
pub async fn create_canned(canned: CannedInput) -> Result<CannedResponse, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.canned().create(&actor, canned).await?)
}

/// Replaces the shortcut and text of canned response `id`.
#[server(prefix = "/api", endpoint = "canned/update", input = Json)]
pub async fn update_canned(id: i64, canned: CannedInput) -> Result<CannedResponse, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.canned().update(&actor, id, canned).await?)
}

#[server(prefix = "/api", endpoint = "canned/delete", input = Json)]
pub async fn delete_canned(id: i64) -> Result<(), AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.canned().delete(&actor, id).await?)
}
