//! Getting the operator's attention while the inbox tab is hidden: a short
//! tone, a browser notification (once they allowed it), and a count in the
//! page title until they come back.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Alerts {
    /// Alerts since the tab was last visible; shown in the title.
    pub unseen: RwSignal<u32>,
    /// "default", "granted" or "denied", as the browser says.
    pub permission: RwSignal<String>,
}

impl Alerts {
    pub fn new() -> Self {
        Self {
            unseen: RwSignal::new(0),
            permission: RwSignal::new(String::new()),
        }
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::super::state::Alert;
    use super::*;
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

    /// A soft two-tone chime, made on the spot: no audio file to load.
    fn chime() {
        let Ok(ctx) = AudioContext::new() else { return };
        let now = ctx.current_time();
        for (i, freq) in [660.0_f32, 880.0].into_iter().enumerate() {
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return;
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
    }

    fn notify(alert: &Alert) {
        let (title, body) = match alert {
            Alert::NewConversation(visitor) => {
                (format!("New conversation: {visitor}"), String::new())
            }
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

    impl Alerts {
        /// Wires the page: tracks visibility and the notification permission.
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

        pub fn raise(&self, alerts: Vec<Alert>) {
            if alerts.is_empty() || visible() {
                return;
            }
            self.unseen.update(|n| *n += alerts.len() as u32);
            chime();
            if permission() == "granted" {
                for alert in &alerts {
                    notify(alert);
                }
            }
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
