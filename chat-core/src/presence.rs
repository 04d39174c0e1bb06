//! Operator presence, across nodes. The database holds the facts: what each
//! operator chose (`users.availability`) and, per node, whether an inbox of
//! theirs is connected there (`operator_presence`, refreshed by a heartbeat
//! so a node that dies stops counting). Each node derives everyone's status
//! from them with `PresenceFacts::effective` every [`REFRESH`], and at once
//! when anything changes here or a bus event says it changed on another
//! node. What changed goes to this node's inboxes (teammates' statuses) and
//! to its visitors of the channels concerned (the offline form).

use crate::events::FeedEvent;
use crate::{now_unix, Parlor, Result};
use parlor_domain::{Availability, ChannelId, User, UserId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::Duration;
use tokio::sync::watch;

/// How often each node derives the statuses again (grace periods end
/// between two of them).
pub const REFRESH: Duration = Duration::from_secs(2);
/// How often a node tells the database its inboxes are still connected.
pub const HEARTBEAT_SECS: i64 = 10;
/// A connection whose node was not heard from for this long stops counting.
pub const STALE_SECS: i64 = 3 * HEARTBEAT_SECS + 5;

pub use crate::events::Member;

#[derive(Default)]
struct State {
    loaded: bool,
    staff: Vec<Member>,
    /// The operators of each channel.
    members: HashMap<ChannelId, Vec<UserId>>,
    /// Whether each watched channel has an operator online.
    watchers: HashMap<ChannelId, watch::Sender<bool>>,
}

impl State {
    /// The operators of `channel` who are online.
    fn online_operators(&self, channel: ChannelId) -> impl Iterator<Item = UserId> + '_ {
        self.members
            .get(&channel)
            .into_iter()
            .flatten()
            .copied()
            .filter(|u| {
                self.staff
                    .iter()
                    .any(|m| m.user == *u && m.availability == Availability::Online)
            })
    }

    fn channel_online(&self, channel: ChannelId) -> bool {
        self.online_operators(channel).next().is_some()
    }
}

pub(crate) struct Presence {
    /// This process's row key in `operator_presence`.
    node: String,
    grace_secs: AtomicI64,
    /// Inbox connections per operator on this node.
    local: Mutex<HashMap<UserId, usize>>,
    /// Operators whose row could not be written; the heartbeat retries.
    failed: Mutex<Vec<UserId>>,
    /// A refresh is asked for and not started yet (other nodes' nudges
    /// arrive in bursts; one reading answers them all).
    pending: std::sync::atomic::AtomicBool,
    state: Mutex<State>,
    /// One refresh at a time, so an older reading never overwrites a newer.
    refreshing: tokio::sync::Mutex<()>,
    /// One write of this node's row at a time; each writes the count as it
    /// is then, so a quick leave-and-return never ends as "disconnected".
    writing: tokio::sync::Mutex<()>,
    started: Once,
    /// Bumped whenever someone came online; routing follows it.
    arrivals: watch::Sender<u64>,
}

impl Default for Presence {
    fn default() -> Self {
        Self {
            node: uuid::Uuid::new_v4().to_string(),
            grace_secs: AtomicI64::new(parlor_domain::presence::DEFAULT_GRACE_SECS),
            local: Mutex::default(),
            failed: Mutex::default(),
            pending: std::sync::atomic::AtomicBool::new(false),
            state: Mutex::default(),
            refreshing: tokio::sync::Mutex::const_new(()),
            writing: tokio::sync::Mutex::const_new(()),
            started: Once::new(),
            arrivals: watch::channel(0).0,
        }
    }
}

impl Presence {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn local(&self) -> MutexGuard<'_, HashMap<UserId, usize>> {
        self.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn failed(&self) -> MutexGuard<'_, Vec<UserId>> {
        self.failed.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Held while an operator's inbox is connected; dropping it counts them out.
pub struct PresenceGuard {
    parlor: Parlor,
    user: UserId,
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        let last = {
            let mut local = self.parlor.presence.local();
            let n = local.entry(self.user).or_default();
            *n = n.saturating_sub(1);
            let last = *n == 0;
            if last {
                local.remove(&self.user);
            }
            last
        };
        if last {
            let parlor = self.parlor.clone();
            let user = self.user;
            // The grace period starts now; the refresh loop ends it.
            tokio::spawn(async move { parlor.write_presence(user).await });
        }
    }
}

impl Parlor {
    /// How long a disconnected operator keeps their status (default
    /// [`parlor_domain::presence::DEFAULT_GRACE_SECS`]).
    pub fn set_presence_grace(&self, secs: i64) {
        self.presence
            .grace_secs
            .store(secs.max(0), Ordering::Relaxed);
    }

    /// Counts an inbox of `user` as connected until the guard is dropped.
    pub async fn inbox_connected(&self, user: &User) -> PresenceGuard {
        let first = {
            let mut local = self.presence.local();
            let n = local.entry(user.id).or_default();
            *n += 1;
            *n == 1
        };
        // The guard exists before anything is awaited: a connection dropped
        // meanwhile still counts itself out.
        let guard = PresenceGuard {
            parlor: self.clone(),
            user: user.id,
        };
        if first {
            self.write_presence(user.id).await;
        }
        guard
    }

    /// Stores whether this node has an inbox of `user` now, and tells
    /// everyone. A failed write is logged and tried again by the next
    /// heartbeat.
    async fn write_presence(&self, user: UserId) {
        {
            let _one = self.presence.writing.lock().await;
            let connected = self.presence.local().contains_key(&user);
            let node = &self.presence.node;
            let written = self
                .store
                .presence()
                .set_presence(node, user, connected, now_unix())
                .await;
            let mut failed = self.presence.failed();
            match written {
                Ok(()) => failed.retain(|u| *u != user),
                Err(e) => {
                    tracing::warn!(error = %e, "could not store an operator's presence");
                    if !failed.contains(&user) {
                        failed.push(user);
                    }
                }
            }
        }
        self.presence_changed().await;
    }

    /// The status `user` chose; everyone sees the result at once.
    pub async fn set_availability(&self, user: &User, availability: Availability) -> Result<()> {
        self.store
            .presence()
            .set_availability(user.id, availability)
            .await?;
        self.presence_changed().await;
        Ok(())
    }

    /// Every staff member's status now, ordered by name.
    pub async fn team(&self) -> Vec<Member> {
        self.ensure_presence().await;
        self.presence.state().staff.clone()
    }

    /// Whether an operator of `channel` is online now.
    pub async fn operator_online(&self, channel: ChannelId) -> bool {
        self.ensure_presence().await;
        self.presence.state().channel_online(channel)
    }

    /// The operators of `channel` who are online now (routing's candidates).
    pub(crate) async fn available_operators(&self, channel: ChannelId) -> Vec<UserId> {
        self.ensure_presence().await;
        self.presence.state().online_operators(channel).collect()
    }

    /// Whether an operator of `channel` is online, kept current.
    pub async fn channel_online(&self, channel: ChannelId) -> watch::Receiver<bool> {
        self.ensure_presence().await;
        let mut state = self.presence.state();
        let online = state.channel_online(channel);
        state
            .watchers
            .entry(channel)
            .or_insert_with(|| watch::channel(online).0)
            .subscribe()
    }

    /// Something changed here: derive again, and have the other nodes do so.
    pub(crate) async fn presence_changed(&self) {
        self.refresh_presence().await;
        self.hub.relay_presence();
    }

    /// Another node changed something: derive again soon, once for a burst.
    pub(crate) fn presence_nudged(&self) {
        if self.presence.pending.swap(true, Ordering::AcqRel) {
            return;
        }
        let parlor = self.clone();
        tokio::spawn(async move {
            // Waits for a refresh under way, then reads once for every
            // nudge that came meanwhile.
            let _one = parlor.presence.refreshing.lock().await;
            parlor.presence.pending.store(false, Ordering::Release);
            drop(_one);
            parlor.refresh_presence().await;
        });
    }

    /// Someone came online (on any node): waiting conversations may have
    /// an operator now. Presence only announces it; routing subscribes.
    pub(crate) fn presence_arrivals(&self) -> watch::Receiver<u64> {
        self.presence.arrivals.subscribe()
    }

    /// Starts the refresh loop once and makes sure a first reading exists.
    async fn ensure_presence(&self) {
        self.presence.started.call_once(|| {
            tokio::spawn(run(self.clone()));
            tokio::spawn(follow_other_nodes(self.clone()));
        });
        if !self.presence.state().loaded {
            self.refresh_presence().await;
        }
    }

    /// Derives every status from the database and tells listeners what
    /// changed.
    pub(crate) async fn refresh_presence(&self) {
        let _one = self.presence.refreshing.lock().await;
        let now = now_unix();
        let read = async {
            let staff = self
                .store
                .presence()
                .staff_presence(now - STALE_SECS)
                .await?;
            let members = self.store.channels().channel_members().await?;
            Ok::<_, crate::StoreError>((staff, members))
        };
        let (staff, pairs) = match read.await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "could not read operator presence");
                return;
            }
        };
        let grace = self.presence.grace_secs.load(Ordering::Relaxed);
        let staff: Vec<Member> = staff
            .into_iter()
            .map(|s| Member {
                user: s.user,
                name: s.name,
                availability: s.facts.effective(now, grace),
                chosen: s.facts.chosen,
            })
            .collect();
        let mut members: HashMap<ChannelId, Vec<UserId>> = HashMap::new();
        for (channel, user) in pairs {
            members.entry(channel).or_default().push(user);
        }
        let mut state = self.presence.state();
        // Nobody listened before the first reading.
        let changed: Vec<Member> = staff
            .iter()
            .filter(|m| state.loaded && !state.staff.contains(m))
            .cloned()
            .collect();
        state.loaded = true;
        state.staff = staff;
        state.members = members;
        let mut watchers = std::mem::take(&mut state.watchers);
        watchers.retain(|channel, tx| {
            let online = state.channel_online(*channel);
            tx.send_if_modified(|was| std::mem::replace(was, online) != online);
            tx.receiver_count() > 0
        });
        state.watchers = watchers;
        drop(state);
        let someone_came = changed
            .iter()
            .any(|m| m.availability == Availability::Online);
        for m in changed {
            self.hub.deliver_to_feed(FeedEvent::Presence(m));
        }
        if someone_came {
            self.presence
                .arrivals
                .send_modify(|n| *n = n.wrapping_add(1));
        }
    }
}

/// Derives the statuses again whenever the hub hears that presence changed
/// on another node (or that events were lost).
async fn follow_other_nodes(parlor: Parlor) {
    let mut elsewhere = parlor.hub.presence_elsewhere();
    while elsewhere.changed().await.is_ok() {
        parlor.presence_nudged();
    }
}

/// Keeps this node's view current and its connected rows fresh.
async fn run(parlor: Parlor) {
    let mut tick = tokio::time::interval(REFRESH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_beat = 0;
    loop {
        tick.tick().await;
        let now = now_unix();
        if now - last_beat >= HEARTBEAT_SECS {
            last_beat = now;
            if let Err(e) = parlor
                .store
                .presence()
                .presence_heartbeat(&parlor.presence.node, now)
                .await
            {
                tracing::warn!(error = %e, "presence heartbeat failed");
            }
            let retry = parlor.presence.failed().clone();
            for user in retry {
                parlor.write_presence(user).await;
            }
        }
        parlor.refresh_presence().await;
    }
}
