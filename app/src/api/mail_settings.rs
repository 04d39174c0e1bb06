//! The desk's mail settings for the admin page. Passwords go in, never
//! out: the view says whether one is set.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::mail_settings::{MailSettingsInput, MailSettingsView};

#[server(prefix = "/api", endpoint = "settings/mail")]
pub async fn get_mail_settings() -> Result<MailSettingsView, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.mail_settings().view(&actor).await?)
}

/// Saves them; every node's mail picks them up within seconds.
#[server(prefix = "/api", endpoint = "settings/mail/save", input = Json)]
pub async fn save_mail_settings(settings: MailSettingsInput) -> Result<MailSettingsView, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.mail_settings().save(&actor, settings).await?)
}
