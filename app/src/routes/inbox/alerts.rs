//! Getting the operator's attention: a short tone, a browser notification
//! (once they allowed it), and a count in the page title until they come
//! back, each per kind of event as the operator's own settings say
//! (`parlor_domain::AlertSettings`, edited in `alert_settings.rs`). By
//! default all three, only while the tab is hidden.

use super::state::Alert;
use leptos::prelude::*;
use parlor_domain::{AlertKind, AlertSettings};

impl Alert {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn kind(&self) -> AlertKind {
        match self {
            Alert::NewConversation(_) => AlertKind::NewConversation,
            Alert::Queued(_) => AlertKind::Queued,
            Alert::Assigned(_) => AlertKind::Assigned,
            Alert::Mentioned { .. } => AlertKind::Mentioned,
            Alert::Message { .. } => AlertKind::Message,
        }
    }
}

#[derive(Clone, Copy)]
pub struct Alerts {
    /// Alerts since the tab was last visible; shown in the title.
    pub unseen: RwSignal<u32>,
    /// "default", "granted" or "denied", as the browser says.
    pub permission: RwSignal<String>,
    /// This operator's settings: the defaults until theirs have loaded.
    pub settings: RwSignal<AlertSettings>,
    /// Chimes played so far, shown on the page (`data-chimes`) so a test
    /// can tell a sound from silence.
    pub chimes: RwSignal<u32>,
    /// The operator's own settings have loaded: only then may they be
    /// changed (a change saves them whole, and must not save the defaults
    /// over theirs).
    pub loaded: RwSignal<bool>,
}

impl Alerts {
    pub fn new() -> Self {
        Self {
            unseen: RwSignal::new(0),
            permission: RwSignal::new(String::new()),
            settings: RwSignal::new(AlertSettings::default()),
            chimes: RwSignal::new(0),
            loaded: RwSignal::new(false),
        }
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use parlor_domain::AlertWay;
    use web_sys::{AudioContext, Notification, NotificationOptions, VisibilityState};

    pub fn visible() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .is_none_or(|d| d.visibility_state() == VisibilityState::Visible)
    }

    fn permission() -> String {
        match Notification::permission() {
            web_sys::NotificationPermission::Granted => "granted",
            web_sys::NotificationPermission::Denied => "denied",
            _ => "default",
        }
        .to_string()
    }

    thread_local! {
        // One context for the page: browsers limit how many may exist.
        static AUDIO: std::cell::RefCell<Option<AudioContext>> = const { std::cell::RefCell::new(None) };
    }

    /// A soft two-tone chime, made on the spot: no audio file to load.
    /// Whether it could be scheduled.
    fn chime() -> bool {
        let ctx = AUDIO.with(|a| {
            let mut a = a.borrow_mut();
            if a.is_none() {
                *a = AudioContext::new().ok();
            }
            a.clone()
        });
        let Some(ctx) = ctx else { return false };
        // Suspended until the page had a user gesture; this asks again.
        let _ = ctx.resume();
        let now = ctx.current_time();
        for (i, freq) in [660.0_f32, 880.0].into_iter().enumerate() {
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return false;
            };
            let start = now + i as f64 * 0.12;
            osc.frequency().set_value(freq);
            gain.gain().set_value(0.0);
            let _ = gain.gain().linear_ramp_to_value_at_time(0.2, start + 0.02);
            let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.2);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = osc.start_with_when(start);
            let _ = osc.stop_with_when(start + 0.22);
        }
        true
    }

    fn notify(alert: &Alert) {
        let (title, body) = match alert {
            Alert::NewConversation(visitor) => {
                (format!("New conversation: {visitor}"), String::new())
            }
            Alert::Queued(visitor) => (format!("Waiting in the queue: {visitor}"), String::new()),
            Alert::Message { from, body } => (from.clone(), body.clone()),
            Alert::Mentioned { by, body } => (format!("{by} mentioned you"), body.clone()),
            Alert::Assigned(visitor) => (format!("Assigned to you: {visitor}"), String::new()),
        };
        let options = NotificationOptions::new();
        options.set_body(&body);
        options.set_tag("parlor-inbox");
        // The body is plain text by the Notifications API's definition.
        let _ = Notification::new_with_options(&title, &options);
    }

    /// What to ring: alerts as they came, or the test sound.
    pub enum Ring {
        /// With whether the tab was visible when they came: the settings
        /// may take a moment to load, and the answer must not change.
        Alerts(Vec<Alert>, bool),
        Test,
    }

    /// Counts, sounds and shows alerts as the operator set them (loading
    /// the settings the first time). Split out of the main bundle, so the
    /// settings, audio and notification code comes with the first alert.
    #[leptos::lazy]
    pub fn ring(alerts: Alerts, what: Ring) {
        let (list, visible) = match what {
            Ring::Test => {
                if chime() {
                    alerts.chimes.update(|n| *n += 1);
                }
                return;
            }
            Ring::Alerts(list, visible) => (list, visible),
        };
        leptos::task::spawn_local(async move {
            alerts.load().await;
            // The page may have closed meanwhile: then there is nothing to do.
            let Some(settings) = alerts.settings.try_get_untracked() else {
                return;
            };
            let wants = |a: &Alert, way| settings.wants(a.kind(), way, visible);
            let counted = list.iter().filter(|a| wants(a, AlertWay::Title)).count();
            if counted > 0 {
                alerts.unseen.update(|n| *n += counted as u32);
            }
            if permission() == "granted" {
                for alert in list.iter().filter(|a| wants(a, AlertWay::Notification)) {
                    notify(alert);
                }
            }
            if list.iter().any(|a| wants(a, AlertWay::Sound)) && chime() {
                alerts.chimes.update(|n| *n += 1);
            }
        });
    }

    impl Alerts {
        /// Wires the page: tracks visibility and the notification
        /// permission. The operator's settings load with the first alert or
        /// the Alerts dialog (`load`).
        pub fn install(self) {
            // After hydration: the server rendered the page without knowing
            // the permission, and the first render must match it.
            Effect::new(move || self.permission.set(permission()));
            let handle = window_event_listener_untyped("visibilitychange", move |_| {
                if visible() {
                    self.unseen.set(0);
                }
            });
            on_cleanup(move || handle.remove());
        }

        /// Loads the operator's settings, once; until they load (or if they
        /// cannot), the defaults alert.
        /// `try_` reads throughout: the inbox page may close while a load
        /// is under way, and a closed page's signals cannot be read.
        pub async fn load(self) {
            if self.loaded.try_get_untracked() != Some(false) {
                return;
            }
            if let Ok(settings) = crate::api::alerts::get_alert_settings().await {
                // Another load may have finished first, and the operator
                // changed the settings since: theirs stand.
                if self.loaded.try_get_untracked() == Some(false) {
                    self.settings.set(settings);
                    self.loaded.set(true);
                }
            }
        }

        /// Each alert counts, sounds and notifies as its kind is set to;
        /// one chime for the lot.
        pub fn raise(&self, alerts: Vec<Alert>) {
            if !alerts.is_empty() {
                let this = *self;
                leptos::task::spawn_local(ring(this, Ring::Alerts(alerts, visible())));
            }
        }

        /// Plays the chime and counts it.
        pub fn play(&self) {
            leptos::task::spawn_local(ring(*self, Ring::Test));
        }

        pub fn ask_permission(self) {
            if let Ok(promise) = Notification::request_permission() {
                leptos::task::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                    self.permission.set(permission());
                });
            }
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::visible;
