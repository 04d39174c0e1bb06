//! First-run set-up: the first admin and a default channel, as Odoo creates
//! after install. Both steps do nothing once their table has a row.

use crate::{Parlor, Result};
use parlor_domain::{Channel, ChannelSettings, Embedding, NewUser, Role, User};
use rand::distributions::{Alphanumeric, DistString};

/// The outcome of creating the first admin.
#[derive(Debug)]
pub enum FirstAdmin {
    /// Users existed already; nothing was created.
    AlreadySetUp,
    /// Created with the password the operator supplied.
    Created(User),
    /// Created with a generated password, which must be shown once.
    Generated { user: User, password: String },
}

impl Parlor {
    pub async fn ensure_first_admin(
        &self,
        email: &str,
        password: Option<&str>,
    ) -> Result<FirstAdmin> {
        if self.store.users().count_users().await? > 0 {
            return Ok(FirstAdmin::AlreadySetUp);
        }
        let (password, generated) = match password {
            Some(p) => (p.to_string(), false),
            None => (
                Alphanumeric.sample_string(&mut rand::thread_rng(), 20),
                true,
            ),
        };
        let user = self
            .users()
            .insert(NewUser {
                email: email.to_string(),
                display_name: "Administrator".into(),
                password: password.clone(),
                role: Role::Admin,
            })
            .await?;
        Ok(if generated {
            FirstAdmin::Generated { user, password }
        } else {
            FirstAdmin::Created(user)
        })
    }

    /// Creates "Website" if there are no channels, with the admin as operator,
    /// allowed on `site` (the demo host page's origin, when there is one).
    pub async fn ensure_default_channel(
        &self,
        admin: Option<&User>,
        site: Option<&str>,
    ) -> Result<Option<Channel>> {
        if self.store.channels().count_channels().await? > 0 {
            return Ok(None);
        }
        let operators: Vec<_> = admin.iter().map(|a| a.id).collect();
        let channel = self
            .insert_channel(
                ChannelSettings::new_named("Website"),
                &Embedding::parse(site.unwrap_or_default(), false)?,
                &operators,
            )
            .await?;
        Ok(Some(channel))
    }
}
