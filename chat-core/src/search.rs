//! Searching conversations from the inbox, a service of its own: by the
//! text of their messages or the visitor's name or email, in one channel or
//! all, between two dates. An operator finds only conversations of the
//! channels they work in. It holds only the search store; `Parlor::search`
//! hands it out.

use crate::inbox::Access;
use crate::store::SearchStore;
use crate::Result;
use parlor_domain::{ChannelId, SearchHit, SearchQuery, SEARCH_LIMIT};
use std::sync::Arc;

#[derive(Clone)]
pub struct Search {
    store: Arc<dyn SearchStore>,
}

impl Search {
    pub fn new(store: Arc<dyn SearchStore>) -> Self {
        Self { store }
    }

    /// The conversations matching `query` that `access` opens, newest hit
    /// first, one hit each, at most [`SEARCH_LIMIT`]. A channel filter
    /// outside `access` finds nothing, like a channel that does not exist.
    pub async fn conversations(
        &self,
        access: &Access,
        query: SearchQuery,
    ) -> Result<Vec<SearchHit>> {
        let query = query.parse()?;
        if let Some(channel) = query.channel {
            if !access.allows(channel) {
                return Ok(Vec::new());
            }
        }
        let channels: Option<Vec<ChannelId>> = match access {
            Access::All => None,
            Access::Channels(set) => Some(set.iter().copied().collect()),
        };
        Ok(self
            .store
            .search(&query, channels.as_deref(), SEARCH_LIMIT as u32)
            .await?)
    }
}
