use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{
    Channel, ChannelId, ChannelSettingsInput, ChannelSummary, RuleInput, TriggerInput, User, UserId,
};
use serde::{Deserialize, Serialize};

/// Everything the channel form needs in one round trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelDetail {
    pub channel: Channel,
    /// Candidates for the Operators tab.
    pub users: Vec<User>,
    /// The `<script>` tag for the Widget tab.
    pub snippet: String,
    /// The direct chat link for the Widget tab.
    pub chat_link: String,
    /// What a host page's Content-Security-Policy must allow, for the
    /// Widget tab.
    pub csp: String,
}

#[server(prefix = "/api", endpoint = "channels/list")]
pub async fn list_channels() -> Result<Vec<ChannelSummary>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.list_channels(&actor).await?)
}

#[server(prefix = "/api", endpoint = "channels/get", input = Json)]
pub async fn get_channel(id: ChannelId) -> Result<ChannelDetail, AppError> {
    use crate::server_ctx::{ctx, require_user};
    use parlor_protocol::embed;
    let actor = require_user().await?;
    let ctx = ctx()?;
    let channel = ctx.parlor.channel(&actor, id).await?;
    let users = ctx.parlor.users().list(&actor).await?;
    Ok(ChannelDetail {
        snippet: embed::snippet(&ctx.public_url, id),
        chat_link: embed::chat_link(&ctx.public_url, id),
        csp: embed::csp(&ctx.public_url),
        channel,
        users,
    })
}

#[server(prefix = "/api", endpoint = "channels/create", input = Json)]
pub async fn create_channel(name: String) -> Result<ChannelId, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.create_channel(&actor, &name).await?.id)
}

#[server(prefix = "/api", endpoint = "channels/update", input = Json)]
pub async fn update_channel(
    id: ChannelId,
    settings: ChannelSettingsInput,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.update_channel(&actor, id, settings).await?)
}

#[server(prefix = "/api", endpoint = "channels/operator", input = Json)]
pub async fn set_channel_operator(
    id: ChannelId,
    user: UserId,
    member: bool,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .set_channel_operator(&actor, id, user, member)
        .await?)
}

#[server(prefix = "/api", endpoint = "channels/rules", input = Json)]
pub async fn update_channel_rules(
    id: ChannelId,
    rules: Vec<RuleInput>,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .update_channel_rules(&actor, id, &rules)
        .await?)
}

/// `sites`: one per line, as typed in the Widget tab.
#[server(prefix = "/api", endpoint = "channels/sites", input = Json)]
pub async fn update_channel_sites(
    id: ChannelId,
    sites: String,
    in_app: bool,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .update_channel_embedding(&actor, id, &sites, in_app)
        .await?)
}

#[server(prefix = "/api", endpoint = "channels/identity", input = Json)]
pub async fn set_identity_required(id: ChannelId, required: bool) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .identities()
        .set_required(&actor, id, required)
        .await?)
}

#[server(prefix = "/api", endpoint = "channels/triggers", input = Json)]
pub async fn update_channel_triggers(
    id: ChannelId,
    triggers: Vec<TriggerInput>,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .update_channel_triggers(&actor, id, &triggers)
        .await?)
}

/// `departments`: one name per line, as typed in the Operators tab.
#[server(prefix = "/api", endpoint = "channels/departments", input = Json)]
pub async fn update_channel_departments(
    id: ChannelId,
    departments: String,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .update_channel_departments(&actor, id, &departments)
        .await?)
}

/// Makes `user` a member of one of the channel's departments, or not.
#[server(prefix = "/api", endpoint = "channels/department_member", input = Json)]
pub async fn set_department_member(
    id: ChannelId,
    department: u32,
    user: UserId,
    member: bool,
) -> Result<Channel, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .set_department_member(&actor, id, department, user, member)
        .await?)
}
