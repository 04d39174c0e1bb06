//! The signed-in operator's own alert settings (the inbox's Alerts panel).
//! There is no user parameter: everyone reads and changes only their own.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::AlertSettings;

#[server(prefix = "/api", endpoint = "alerts/get")]
pub async fn get_alert_settings() -> Result<AlertSettings, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let user = require_user().await?;
    Ok(ctx()?.parlor.alerts().settings(&user).await?)
}

#[server(prefix = "/api", endpoint = "alerts/set", input = Json)]
pub async fn set_alert_settings(settings: AlertSettings) -> Result<(), AppError> {
    use crate::server_ctx::{ctx, require_user};
    let user = require_user().await?;
    Ok(ctx()?
        .parlor
        .alerts()
        .set_settings(&user, user.id, &settings)
        .await?)
}
