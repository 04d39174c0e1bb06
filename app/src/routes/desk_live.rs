//! The helpdesk screens' live link: one connection per tab to
//! `/api/helpdesk/live`, opened by the layout once the page has hydrated,
//! reconnecting with backoff. It says which tickets changed; screens read
//! again what they show. Changes arriving together are gathered for a
//! moment, so a burst (a mailbox's backlog) costs one reload, not hundreds.

use leptos::prelude::*;

/// What the screens follow, provided by the layout.
#[derive(Clone, Copy)]
pub struct DeskPulse {
    /// Bumped after each gathered batch of changes.
    version: RwSignal<u64>,
    /// Bumped when who sees what may have changed (teams, members).
    teams: RwSignal<u64>,
    /// The tickets of the last batch; `None`: any ticket may have changed.
    changed: StoredValue<Option<Vec<i64>>>,
    /// Changes waiting for the batch to close.
    pending: StoredValue<Option<Vec<i64>>>,
    scheduled: StoredValue<bool>,
}

/// How long changes are gathered before screens read again.
#[cfg(feature = "hydrate")]
const GATHER_MS: u64 = 250;

impl DeskPulse {
    pub fn new() -> Self {
        Self {
            version: RwSignal::new(0),
            teams: RwSignal::new(0),
            changed: StoredValue::new(None),
            pending: StoredValue::new(Some(Vec::new())),
            scheduled: StoredValue::new(false),
        }
    }

    /// Tracked: moves whenever any ticket the viewer sees changed.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// Tracked: moves when teams or their members changed.
    pub fn teams(&self) -> u64 {
        self.teams.get()
    }

    /// Whether the last batch may concern ticket `number` (read it after
    /// `version` moved).
    pub fn touches(&self, number: i64) -> bool {
        self.changed
            .with_value(|c| c.as_ref().is_none_or(|list| list.contains(&number)))
    }

    /// A change arrived: `None` means anything.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn note(&self, number: Option<i64>) {
        self.pending.update_value(|p| match (p.as_mut(), number) {
            (Some(list), Some(n)) => {
                if !list.contains(&n) {
                    list.push(n)
                }
            }
            _ => *p = None,
        });
        #[cfg(feature = "hydrate")]
        if !self.scheduled.get_value() {
            self.scheduled.set_value(true);
            let pulse = *self;
            set_timeout(
                move || pulse.flush(),
                std::time::Duration::from_millis(GATHER_MS),
            );
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn flush(&self) {
        self.scheduled.set_value(false);
        let batch = self
            .pending
            .try_update_value(|p| p.replace(Vec::new()))
            .flatten();
        self.changed.set_value(batch);
        self.version.try_update(|v| *v += 1);
    }
}

impl Default for DeskPulse {
    fn default() -> Self {
        Self::new()
    }
}

/// Connects after hydration; stops with the layout.
#[cfg(feature = "hydrate")]
pub fn start(pulse: DeskPulse) {
    let (run, abort) = futures::future::abortable(run(pulse));
    leptos::task::spawn_local(async move {
        let _ = run.await;
    });
    on_cleanup(move || abort.abort());
}

#[cfg(feature = "hydrate")]
async fn run(pulse: DeskPulse) {
    use crate::api::desk::desk_live;
    use futures::StreamExt;
    use parlor_protocol::desk::DeskFrame;
    use parlor_protocol::framed::Framed;

    let mut backoff_ms = 500;
    loop {
        // Held open for the connection's life: the server needs nothing.
        let (_tx, rx) = futures::channel::mpsc::unbounded();
        if let Ok(stream) = desk_live(rx.into()).await {
            let mut stream: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> =
                stream.into();
            while let Some(Ok(Framed(frame))) = stream.next().await {
                match frame {
                    // Whatever changed before the connection (even the
                    // first: the page was read on the server, earlier) is
                    // read again.
                    DeskFrame::Ready => {
                        backoff_ms = 500;
                        pulse.note(None);
                    }
                    DeskFrame::Ticket { number } => pulse.note(Some(number)),
                    DeskFrame::Resync => {
                        pulse.teams.update(|v| *v += 1);
                        pulse.note(None);
                    }
                }
            }
        }
        crate::components::timer::sleep(backoff_ms).await;
        backoff_ms = (backoff_ms * 2).min(8_000);
    }
}
