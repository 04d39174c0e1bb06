//! The Alerts dialog: per kind of event, whether it plays a sound, shows a
//! browser notification and counts in the title; the sound while the tab is
//! visible; the browser's notification permission. Every change applies at
//! once and is saved on its own ("Saved." once the server has it).

use super::alerts::Alerts;
use leptos::prelude::*;
use parlor_domain::{AlertKind, AlertWay};

/// What the last save came to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    Idle,
    Saving,
    Saved,
    Failed(String),
}

#[component]
pub fn AlertSettingsButton(alerts: Alerts) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        open.set(false);
        // The focus goes back to where it came from.
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    view! {
        <button
            type="button"
            class="button ghost small"
            aria-haspopup="dialog"
            aria-expanded=move || open.get().to_string()
            node_ref=button
            on:click=move |_| open.set(true)
        >
            "Alerts"
        </button>
        <Show when=move || open.get()>
            {move || {
                let close = Callback::new(move |()| close());
                Suspend::new(super::dialog(super::Dialog::Alerts(alerts, close)))
            }}
        </Show>
    }
}

#[component]
pub(super) fn AlertSettingsDialog(
    alerts: Alerts,
    close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let status = RwSignal::new(Status::Idle);
    // Read with the first alert, or now.
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(alerts.load());
    // Saves run one at a time, each with the settings as they are then, so
    // the last change is the one stored.
    let saving = StoredValue::new(false);
    let again = StoredValue::new(false);
    let save = move || {
        status.set(Status::Saving);
        if saving.get_value() {
            again.set_value(true);
            return;
        }
        saving.set_value(true);
        leptos::task::spawn_local(async move {
            loop {
                let settings = alerts.settings.get_untracked();
                let result = crate::api::alerts::set_alert_settings(settings).await;
                // The dialog may have closed meanwhile (Escape while
                // saving): its values are gone, and the save was sent.
                match again.try_get_value() {
                    Some(true) => {
                        again.try_set_value(false);
                        continue;
                    }
                    Some(false) => {}
                    None => break,
                }
                saving.try_set_value(false);
                status.set(match result {
                    Ok(()) => Status::Saved,
                    Err(e) => Status::Failed(e.to_string()),
                });
                break;
            }
        });
    };
    let status_text = move || match status.get() {
        Status::Idle if !alerts.loaded.get() => "Loading your settings…".to_string(),
        Status::Idle => String::new(),
        Status::Saving => "Saving…".to_string(),
        Status::Saved => "Saved.".to_string(),
        Status::Failed(e) => format!("Not saved: {e}"),
    };
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        alerts.ask_permission();
    };
    let test_sound = move |_| {
        #[cfg(feature = "hydrate")]
        alerts.play();
    };
    let permission_text = move || {
        match alerts.permission.get().as_str() {
        "granted" => "Browser notifications are allowed.",
        "denied" => "Browser notifications are blocked for this site; allow them in the browser's site settings.",
        _ => "Browser notifications are not allowed yet.",
    }
    };
    view! {
        <div class="overlay" on:click=move |_| close()>
            <div
                class="card alert-settings"
                role="dialog"
                aria-modal="true"
                aria-labelledby="alert-settings-title"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        close();
                    }
                }
            >
                <header>
                    <h2 id="alert-settings-title">"Alerts"</h2>
                    <button
                        type="button"
                        class="button ghost small"
                        aria-label="Close alerts"
                        autofocus=true
                        on:click=move |_| close()
                    >
                        "×"
                    </button>
                </header>
                <p class="hint">"While the inbox tab is hidden, each kind of event can play a sound, show a notification and count in the tab's title."</p>
                <table>
                    <caption class="visually-hidden">"How each event alerts you"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Event"</th>
                            {AlertWay::ALL
                                .into_iter()
                                .map(|way| view! { <th scope="col">{way.label()}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {AlertKind::ALL
                            .into_iter()
                            .map(|kind| {
                                view! {
                                    <tr>
                                        <th scope="row">{kind.label()}</th>
                                        {AlertWay::ALL
                                            .into_iter()
                                            .map(|way| {
                                                let label = format!("{}: {}", kind.label(), way.label());
                                                view! {
                                                    <td>
                                                        <input
                                                            type="checkbox"
                                                            disabled=move || !alerts.loaded.get()
                                                            aria-label=label
                                                            data-kind=kind.as_str()
                                                            data-way=way.as_str()
                                                            prop:checked=move || {
                                                                alerts.settings.with(|s| s.choice(kind).get(way))
                                                            }
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                alerts
                                                                    .settings
                                                                    .update(|s| s.choice_mut(kind).set(way, on));
                                                                save();
                                                            }
                                                        />
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <label class="check">
                    <input
                        type="checkbox"
                        disabled=move || !alerts.loaded.get()
                        prop:checked=move || alerts.settings.with(|s| s.sound_when_visible)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            alerts.settings.update(|s| s.sound_when_visible = on);
                            save();
                        }
                    />
                    " Also play sounds while the inbox tab is visible"
                </label>
                <div class="alert-permission">
                    <span class="permission">{permission_text}</span>
                    <Show when=move || alerts.permission.get() == "default">
                        <button type="button" class="button ghost small" on:click=ask>
                            "Enable notifications"
                        </button>
                    </Show>
                </div>
                <div class="alert-actions">
                    <button type="button" class="button small" on:click=test_sound>
                        "Play test sound"
                    </button>
                    <span class="status" role="status" aria-live="polite">{status_text}</span>
                </div>
            </div>
        </div>
    }
}
