//! Channels: created and configured by admins, read by everyone signed in,
//! and exposed to visitors only as a `WidgetConfig`.

use crate::auth::require_admin;
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::{
    Channel, ChannelId, ChannelSettings, ChannelSettingsInput, ChannelSummary, User, UserId,
};
use parlor_protocol::WidgetConfig;

impl Parlor {
    pub async fn list_channels(&self, _actor: &User) -> Result<Vec<ChannelSummary>> {
        Ok(self.store.list_channels().await?)
    }

    pub async fn channel(&self, _actor: &User, id: ChannelId) -> Result<Channel> {
        self.store
            .get_channel(id)
            .await?
            .ok_or(Error::NotFound("channel"))
    }

    /// Creates a channel with default settings and the given name.
    pub async fn create_channel(&self, actor: &User, name: &str) -> Result<Channel> {
        require_admin(actor)?;
        self.insert_channel(ChannelSettings::new_named(name.trim()), &[])
            .await
    }

    pub(crate) async fn insert_channel(
        &self,
        settings: ChannelSettings,
        operators: &[UserId],
    ) -> Result<Channel> {
        settings.validate()?;
        Ok(self
            .store
            .insert_channel(
                ChannelId(uuid::Uuid::new_v4()),
                &settings,
                operators,
                now_unix(),
            )
            .await?)
    }

    /// Validates every field first and then writes them all at once.
    pub async fn update_channel(
        &self,
        actor: &User,
        id: ChannelId,
        input: ChannelSettingsInput,
    ) -> Result<Channel> {
        require_admin(actor)?;
        let settings = input.parse()?;
        Ok(self
            .store
            .update_channel_settings(id, &settings, now_unix())
            .await?)
    }

    pub async fn set_channel_operator(
        &self,
        actor: &User,
        id: ChannelId,
        user: UserId,
        member: bool,
    ) -> Result<Channel> {
        require_admin(actor)?;
        self.store.set_channel_operator(id, user, member).await?;
        self.channel(actor, id).await
    }

    /// The first channel created (the one the demo host page embeds).
    pub async fn default_channel(&self) -> Result<Option<ChannelId>> {
        Ok(self.store.list_channels().await?.first().map(|c| c.id))
    }

    /// What a visitor's widget may know about a channel. Public.
    pub async fn widget_config(&self, id: ChannelId) -> Result<WidgetConfig> {
        let channel = self
            .store
            .get_channel(id)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        Ok(channel.widget_config())
    }
}
