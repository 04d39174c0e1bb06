//! Channels: created and configured by admins, read by everyone signed in,
//! and exposed to visitors only as a `WidgetConfig`.

use crate::auth::{new_token, require};
use crate::events::FeedEvent;
use crate::store::ChannelPart;
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::rules::parse_rules;
use parlor_domain::triggers::parse_triggers;
use parlor_domain::Power;
use parlor_domain::{
    Channel, ChannelId, ChannelIdentity, ChannelSettings, ChannelSettingsInput, ChannelSummary,
    CountryCode, Embedding, Field, RuleInput, TriggerInput, User, UserId, ValidationErrors,
};
use parlor_protocol::{ButtonDisplay, Display, WidgetConfig, WireTrigger};

impl Parlor {
    pub async fn list_channels(&self, _actor: &User) -> Result<Vec<ChannelSummary>> {
        Ok(self.store.channels().list_channels().await?)
    }

    /// The identity secret only reaches admins: it lets its holder vouch
    /// for any visitor's identity.
    pub async fn channel(&self, actor: &User, id: ChannelId) -> Result<Channel> {
        let channel = self
            .store
            .channels()
            .get_channel(id)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        Ok(redacted(actor, channel))
    }

    /// Creates a channel with default settings and the given name.
    pub async fn create_channel(&self, actor: &User, name: &str) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        // No allowed site yet: the Widget tab asks for one before it offers
        // the snippet. Its creator is its first operator, as in Odoo.
        let channel = self
            .insert_channel(
                ChannelSettings::new_named(name.trim()),
                &Embedding::default(),
                &[actor.id],
            )
            .await?;
        self.presence_changed().await;
        self.staffing_changed();
        Ok(redacted(actor, channel))
    }

    pub(crate) async fn insert_channel(
        &self,
        settings: ChannelSettings,
        embedding: &Embedding,
        operators: &[UserId],
    ) -> Result<Channel> {
        settings.validate()?;
        Ok(self
            .store
            .channels()
            .insert_channel(
                ChannelId(uuid::Uuid::now_v7()),
                &settings,
                embedding,
                &ChannelIdentity {
                    secret: new_token(),
                    required: false,
                },
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
        require(actor, Power::ManageChannels)?;
        let settings = input.parse()?;
        let updated = self
            .store
            .channels()
            .update_channel_settings(id, &settings, now_unix())
            .await?;
        Ok(redacted(actor, updated))
    }

    /// Replaces the channel's rules with the Rules tab's list, in order.
    pub async fn update_channel_rules(
        &self,
        actor: &User,
        id: ChannelId,
        input: &[RuleInput],
    ) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        let rules = parse_rules(input)?;
        let updated = self
            .store
            .channels()
            .update_channel_part(id, ChannelPart::Rules(&rules), now_unix())
            .await?;
        Ok(redacted(actor, updated))
    }

    /// Sets where the channel's widget may be embedded (one site per line).
    pub async fn update_channel_embedding(
        &self,
        actor: &User,
        id: ChannelId,
        sites: &str,
        in_app: bool,
    ) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        let embedding = Embedding::parse(sites, in_app)?;
        let updated = self
            .store
            .channels()
            .update_channel_part(id, ChannelPart::Embedding(&embedding), now_unix())
            .await?;
        Ok(redacted(actor, updated))
    }

    pub async fn set_channel_operator(
        &self,
        actor: &User,
        id: ChannelId,
        user: UserId,
        member: bool,
    ) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        self.store
            .channels()
            .set_channel_operator(id, user, member)
            .await?;
        if !member {
            // No longer an operator here: no longer in its departments.
            let mut departments = self.channel(actor, id).await?.departments;
            let before = departments.clone();
            for d in departments.0.iter_mut() {
                d.members.retain(|u| *u != user);
            }
            if departments != before {
                self.store
                    .channels()
                    .update_channel_part(id, ChannelPart::Departments(&departments), now_unix())
                    .await?;
            }
        }
        // Whether the channel has someone online may have changed, and
        // with a newcomer, who can take what waits.
        self.presence_changed().await;
        self.staffing_changed();
        if member {
            self.route_waiting().await;
        }
        self.channel(actor, id).await
    }

    /// The first channel created (the one the demo host page embeds).
    pub async fn default_channel(&self) -> Result<Option<ChannelId>> {
        Ok(self
            .store
            .channels()
            .list_channels()
            .await?
            .first()
            .map(|c| c.id))
    }

    /// What a visitor's widget may know about a channel. Public.
    pub async fn widget_config(&self, id: ChannelId) -> Result<WidgetConfig> {
        self.widget_config_for(id, None).await
    }

    /// The config, for a page with this `Origin` (`OriginRefused` if the
    /// channel does not allow that site).
    pub async fn widget_config_for(
        &self,
        id: ChannelId,
        origin: Option<&str>,
    ) -> Result<WidgetConfig> {
        Ok(self.public_channel(id, origin).await?.widget_config())
    }

    /// The channel a page with this `Origin` may embed
    /// (`Embedding::allows`): `OriginRefused` for any other site.
    pub(crate) async fn public_channel(
        &self,
        id: ChannelId,
        origin: Option<&str>,
    ) -> Result<Channel> {
        let channel = self
            .store
            .channels()
            .get_channel(id)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        if !channel.embedding.allows(origin) {
            return Err(Error::OriginRefused);
        }
        Ok(channel)
    }

    /// How the launcher shows on the page at `path` of a site with this
    /// `Origin`, for a visitor in `country`: the first matching rule's
    /// choice. Public; refuses sites the channel does not allow.
    pub async fn widget_display(
        &self,
        id: ChannelId,
        origin: Option<&str>,
        path: &str,
        country: Option<CountryCode>,
    ) -> Result<Display> {
        let channel = self.public_channel(id, origin).await?;
        // Stored rules were valid when saved; compiling again cannot fail
        // unless the stored data was changed behind our back.
        let rules = channel
            .rules
            .compile()
            .map_err(|e| Error::Internal(format!("stored rules of channel {id}: {e}")))?;
        let button = rules.decide(path, country);
        let triggers = if button == ButtonDisplay::Hide {
            Vec::new()
        } else {
            channel
                .triggers
                .for_path(path)
                .into_iter()
                .map(|t| WireTrigger {
                    id: t.id,
                    after_secs: t.after_secs,
                    message: t.message.clone(),
                })
                .collect()
        };
        Ok(Display {
            button,
            triggers,
            online: self.operator_online(id).await,
        })
    }

    /// Sets the channel's departments from the admin's list (one per line).
    pub async fn update_channel_departments(
        &self,
        actor: &User,
        id: ChannelId,
        text: &str,
    ) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        let old = self.channel(actor, id).await?.departments;
        let departments = parlor_domain::ChannelDepartments::parse(text, &old)?;
        let updated = self
            .store
            .channels()
            .update_channel_part(id, ChannelPart::Departments(&departments), now_unix())
            .await?;
        self.staffing_changed();
        Ok(redacted(actor, updated))
    }

    /// Makes `user` a member of department `department` of the channel, or
    /// not. Members must operate the channel; routing gives the
    /// department's conversations to its members.
    pub async fn set_department_member(
        &self,
        actor: &User,
        id: ChannelId,
        department: u32,
        user: UserId,
        member: bool,
    ) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        let channel = self.channel(actor, id).await?;
        if member && !channel.operators.contains(&user) {
            return Err(ValidationErrors::single(
                Field::Departments,
                "only an operator of the channel can join its departments",
            )
            .into());
        }
        let mut departments = channel.departments;
        departments.set_member(department, user, member)?;
        let updated = self
            .store
            .channels()
            .update_channel_part(id, ChannelPart::Departments(&departments), now_unix())
            .await?;
        self.staffing_changed();
        // A newcomer can take what waits; a department left without
        // members routes to any operator of the channel.
        self.route_waiting().await;
        Ok(redacted(actor, updated))
    }

    /// Open inboxes, on every node, read what they may see again.
    fn staffing_changed(&self) {
        self.hub.to_feed(FeedEvent::Staffing);
    }

    /// Replaces the channel's triggers with the Triggers tab's list.
    pub async fn update_channel_triggers(
        &self,
        actor: &User,
        id: ChannelId,
        input: &[TriggerInput],
    ) -> Result<Channel> {
        require(actor, Power::ManageChannels)?;
        let triggers = parse_triggers(input)?;
        let updated = self
            .store
            .channels()
            .update_channel_part(id, ChannelPart::Triggers(&triggers), now_unix())
            .await?;
        Ok(redacted(actor, updated))
    }
}

/// The channel as `actor` may see it: the identity secret only reaches
/// those who may manage settings (it lets its holder vouch for any
/// visitor's identity). Every channel a staff call returns goes through
/// here.
fn redacted(actor: &User, mut channel: Channel) -> Channel {
    if !actor.may(Power::ManageSettings) {
        channel.identity.secret.clear();
    }
    channel
}
