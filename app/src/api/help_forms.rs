//! A team's website form: its extra fields (admins edit them), the public
//! page's address and the snippet that embeds it in another site.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{HelpForm, TeamId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpFormView {
    pub form: HelpForm,
    /// The public page, `…/help/{team}/new`.
    pub page_url: String,
    /// An `<iframe>` that shows the page in another site.
    pub snippet: String,
}

#[server(prefix = "/api", endpoint = "helpdesk/form", input = Json)]
pub async fn get_help_form(team: TeamId) -> Result<HelpFormView, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    let ctx = ctx()?;
    let form = ctx.parlor.help_forms().get(&actor, team).await?;
    Ok(view_of(form, &ctx.public_url, team))
}

#[server(prefix = "/api", endpoint = "helpdesk/form/save", input = Json)]
pub async fn save_help_form(team: TeamId, form: HelpForm) -> Result<HelpFormView, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    let ctx = ctx()?;
    let form = ctx.parlor.help_forms().save(&actor, team, form).await?;
    Ok(view_of(form, &ctx.public_url, team))
}

#[cfg(feature = "ssr")]
fn view_of(form: HelpForm, public_url: &str, team: TeamId) -> HelpFormView {
    let page_url = format!("{}/help/{}/new", public_url.trim_end_matches('/'), team.0);
    // No inline style: the frame's size comes from its attributes, so the
    // snippet works under a strict CSP too.
    let snippet = format!(
        r#"<iframe src="{page_url}" title="Contact form" width="100%" height="760" loading="lazy"></iframe>"#
    );
    HelpFormView {
        form,
        page_url,
        snippet,
    }
}
