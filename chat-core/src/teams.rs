//! Helpdesk teams, a service of its own: admins set them up (members,
//! assignment, intake channels, stages); every staff member may read them.
//! Switching live chat on for a team that links no channel creates one
//! named after the team, for the admin to configure.

use crate::auth::require;
use crate::hub::{DeskEvent, Hub};
use crate::store::{ChannelStore, StoreError, TeamStore};
use crate::{now_unix, Error, Result};
use parlor_domain::Power;
use parlor_domain::{
    ChannelId, ChannelIdentity, ChannelSettings, Embedding, Field, Team, TeamId, TeamInput, User,
    ValidationErrors,
};
use std::sync::Arc;

#[derive(Clone)]
pub struct Teams {
    store: Arc<dyn TeamStore>,
    channels: Arc<dyn ChannelStore>,
    hub: Arc<Hub>,
}

impl Teams {
    pub fn new(store: Arc<dyn TeamStore>, channels: Arc<dyn ChannelStore>, hub: Arc<Hub>) -> Self {
        Self {
            store,
            channels,
            hub,
        }
    }

    /// Every team, in the admin's order. Any signed-in staff member.
    pub async fn list(&self, _actor: &User) -> Result<Vec<Team>> {
        Ok(self.store.list_teams().await?)
    }

    pub async fn get(&self, _actor: &User, id: TeamId) -> Result<Team> {
        self.store
            .get_team(id)
            .await?
            .ok_or(Error::NotFound("team"))
    }

    /// The teams a user works in (all of them for a supervisor): whose
    /// tickets they see.
    pub async fn visible_to(&self, actor: &User) -> Result<Option<Vec<TeamId>>> {
        if actor.may(Power::Supervise) {
            return Ok(None);
        }
        Ok(Some(self.store.member_teams(actor.id).await?))
    }

    /// The teams whose live-chat intake links `channel`, in the admin's order.
    pub async fn for_channel(&self, channel: ChannelId) -> Result<Vec<TeamId>> {
        Ok(self.store.teams_for_channel(channel).await?)
    }

    /// Admins and managers. A new team gets the default stages.
    pub async fn create(&self, actor: &User, input: TeamInput) -> Result<Team> {
        require(actor, Power::ManageHelpdesk)?;
        let fields = self.checked(None, &input).await?;
        let fields = self.with_chat_channel(fields).await?;
        let team = self
            .store
            .insert_team(&fields, now_unix())
            .await
            .map_err(conflict)?;
        tracing::info!(actor = %actor.id, team = team.id.0, "helpdesk team created");
        self.hub.to_desk(DeskEvent::Teams);
        Ok(team)
    }

    /// Replaces a team's settings. Admins and managers.
    pub async fn update(&self, actor: &User, id: TeamId, input: TeamInput) -> Result<Team> {
        require(actor, Power::ManageHelpdesk)?;
        let fields = self.checked(Some(id), &input).await?;
        let fields = self.with_chat_channel(fields).await?;
        let team = self
            .store
            .update_team(id, &fields, now_unix())
            .await
            .map_err(conflict)?;
        // Members may have come or gone: screens read what they see again.
        self.hub.to_desk(DeskEvent::Teams);
        Ok(team)
    }

    /// Admins and managers; a team that still has tickets is kept.
    pub async fn delete(&self, actor: &User, id: TeamId) -> Result<()> {
        require(actor, Power::ManageHelpdesk)?;
        self.store.delete_team(id).await.map_err(conflict)?;
        tracing::info!(actor = %actor.id, team = id.0, "helpdesk team deleted");
        self.hub.to_desk(DeskEvent::Teams);
        Ok(())
    }

    /// The input, checked, with a taken name or alias said beside its field.
    async fn checked(&self, id: Option<TeamId>, input: &TeamInput) -> Result<TeamInput> {
        let fields = input.parse()?;
        let mut e = ValidationErrors::default();
        for other in self.store.list_teams().await? {
            if Some(other.id) == id {
                continue;
            }
            if other.name.to_lowercase() == fields.name.to_lowercase() {
                e.push(Field::Name, "is already used by another team");
            }
            if other.email_alias.is_some() && other.email_alias.as_deref() == fields.alias() {
                e.push(Field::EmailAlias, "is already another team's alias");
            }
        }
        e.into_result()?;
        Ok(fields)
    }

    /// Live chat on and no channel linked: a new channel named after the
    /// team (no operators and no allowed site yet, like any new channel).
    async fn with_chat_channel(&self, mut fields: TeamInput) -> Result<TeamInput> {
        if fields.live_chat && fields.channels.is_empty() {
            let settings = ChannelSettings::new_named(&fields.name);
            settings.validate()?;
            let channel = self
                .channels
                .insert_channel(
                    ChannelId(uuid::Uuid::now_v7()),
                    &settings,
                    &Embedding::default(),
                    &ChannelIdentity::default(),
                    &[],
                    now_unix(),
                )
                .await?;
            fields.channels.push(channel.id);
        }
        Ok(fields)
    }
}

/// What the admin can fix, as their words; the rest as errors.
fn conflict(e: StoreError) -> Error {
    match e {
        StoreError::Conflict("team") => Error::Validation(ValidationErrors::single(
            Field::Name,
            "is already used by another team (or the alias is taken)",
        )),
        StoreError::Conflict("stage with tickets") => Error::Validation(ValidationErrors::single(
            Field::Stages,
            "a stage that still holds tickets cannot be removed; move them first",
        )),
        StoreError::Conflict("team with tickets") => {
            Error::NotPermitted("a team with tickets cannot be deleted; move its tickets first")
        }
        StoreError::NotFound("user") => Error::Validation(ValidationErrors::single(
            Field::Name,
            "a member is not a user any more; reload and try again",
        )),
        other => other.into(),
    }
}
