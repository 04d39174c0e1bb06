//! A ticket's thread on its page: every reply, note and customer message,
//! oldest first, each reply with where its mail is; below, a box to reply
//! to the customer (by email) or log a note for the team. Loaded in the
//! browser only, and read again every few seconds while a reply waits to
//! go out, so its state moves from "Queued" to "Sent" on its own.

use crate::api::ticket_thread::{note_ticket, reply_ticket, ticket_thread, ThreadView};
use crate::components::fields::{FormFeedback, FormStatus};
use leptos::prelude::*;
use parlor_domain::{
    Delivery, EntryInput, EntryKind, Field, ThreadEntry, TicketFile, TicketNumber,
};

/// "7 Dec 2026, 14:05" in the reader's own time zone.
fn when(unix: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
        String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    }
    #[cfg(not(feature = "hydrate"))]
    unix.to_string()
}

fn delivery_label(d: &Delivery) -> (&'static str, String) {
    match d {
        Delivery::Queued { error: None, .. } => ("queued", "Queued to send".into()),
        Delivery::Queued {
            error: Some(e),
            attempts,
        } => (
            "retrying",
            format!("Not sent yet ({attempts} tries), will retry: {e}"),
        ),
        Delivery::Sent { .. } => ("sent", "Sent".into()),
        Delivery::Failed { error } => ("failed", format!("Not delivered: {error}")),
    }
}

/// The thread is drawn in the browser only, once the page has hydrated:
/// the server's render would differ (times in the reader's zone, a
/// resource the server does not load), and a mismatch stops hydration.
#[component]
pub fn TicketThread(number: TicketNumber) -> impl IntoView {
    let mounted = RwSignal::new(false);
    Effect::new(move || mounted.set(true));
    view! {
        <Show when=move || mounted.get()>
            <ThreadSection number />
        </Show>
    }
}

#[component]
fn ThreadSection(number: TicketNumber) -> impl IntoView {
    let version = RwSignal::new(0u32);
    // Set when the thread loads (it loads in the browser only).
    let mail_on = RwSignal::new(false);
    let can_reply = move || mail_on.get();
    // A note, reply or customer mail added elsewhere shows at once.
    if let Some(pulse) = use_context::<crate::routes::desk_live::DeskPulse>() {
        Effect::new(move |seen: Option<u64>| {
            let at = pulse.version();
            if seen.is_some() && pulse.touches(number.0) {
                version.update(|n| *n += 1);
            }
            at
        });
    }
    let thread = LocalResource::new(move || {
        version.track();
        async move { ticket_thread(number).await }
    });
    // While a reply waits, look again in a few seconds: one timer at a
    // time, however often the thread is read meanwhile.
    #[cfg(feature = "hydrate")]
    let timer = StoredValue::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        let waiting = thread
            .try_with(|t| {
                t.as_ref().and_then(|r| r.as_ref().ok()).is_some_and(|v| {
                    v.entries
                        .iter()
                        .any(|e| matches!(e.delivery, Some(Delivery::Queued { .. })))
                })
            })
            .unwrap_or(false);
        if waiting && !timer.get_value() {
            timer.set_value(true);
            set_timeout(
                move || {
                    timer.try_set_value(false);
                    version.try_update(|n| *n += 1).unwrap_or_default()
                },
                std::time::Duration::from_secs(3),
            );
        }
    });
    let body = RwSignal::new(String::new());
    let feedback = FormFeedback::default();
    let sending = RwSignal::new(false);
    let send = move |reply: bool| {
        if sending.get_untracked() {
            return;
        }
        let entry = EntryInput {
            body: body.get_untracked(),
            request_id: crate::components::random::uuid(),
        };
        if let Err(e) = entry.clone().parse() {
            feedback.invalid(e);
            return;
        }
        sending.set(true);
        leptos::task::spawn_local(async move {
            let done = if reply {
                reply_ticket(number, entry).await
            } else {
                note_ticket(number, entry).await
            };
            sending.set(false);
            match done {
                Ok(_) => {
                    body.set(String::new());
                    feedback.saved(if reply {
                        "Reply queued to send."
                    } else {
                        "Note logged."
                    });
                    version.update(|n| *n += 1);
                }
                Err(e) => feedback.failed(&e),
            }
        });
    };
    view! {
        <section class="card ticket-thread" aria-labelledby="thread-heading">
            <h2 id="thread-heading">"Thread"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the thread…"</p> }>
                {move || Suspend::new(async move {
                    match thread.await {
                        Ok(view) => {
                            mail_on.try_set(view.can_reply);
                            view_entries(view).into_any()
                        }
                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <form class="thread-composer" on:submit=move |ev| { ev.prevent_default(); send(true); } novalidate>
                <label for="thread-body">"Reply to the customer, or log a note for the team"</label>
                <textarea
                    id="thread-body"
                    rows=5
                    aria-invalid=move || feedback.error_of(Field::Body).is_some().to_string()
                    prop:value=move || body.get()
                    on:input=move |ev| { body.set(event_target_value(&ev)); feedback.edited(); }
                ></textarea>
                {move || feedback.error_of(Field::Body).map(|e| view! { <p class="field-error">{e}</p> })}
                {move || feedback.error_of(Field::Email).map(|e| view! { <p class="field-error">{e}</p> })}
                <div class="actions">
                    <button type="submit" class="button primary"
                        disabled=move || sending.get() || !can_reply()
                        title=move || (!can_reply()).then_some("Outgoing mail is not set up: see README, Mail")>
                        "Send reply"
                    </button>
                    <button type="button" class="button" disabled=move || sending.get()
                        on:click=move |_| send(false)>"Log note"</button>
                    <FormStatus feedback />
                </div>
            </form>
        </section>
    }
}

fn view_entries(view: ThreadView) -> impl IntoView {
    if view.entries.is_empty() {
        return view! { <p class="muted">"Nothing written yet."</p> }.into_any();
    }
    let files = view.files;
    view! {
        <ol class="ticket-entries">
            {view.entries.into_iter().map(|e| {
                let mine: Vec<TicketFile> = files.iter().filter(|f| f.entry == Some(e.id)).cloned().collect();
                view_entry(e, mine)
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// "12 KB", "3.4 MB".
fn size_label(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        // Tenths by integer arithmetic: float formatting weighs kilobytes of wasm.
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

fn view_entry(e: ThreadEntry, files: Vec<TicketFile>) -> impl IntoView {
    let (class, kind) = match e.kind {
        EntryKind::Reply => ("entry entry-reply", "Reply"),
        EntryKind::Note => ("entry entry-note", "Internal note"),
        EntryKind::Customer => ("entry entry-customer", "Customer"),
    };
    let delivery = e.delivery.as_ref().map(|d| {
        let (state, text) = delivery_label(d);
        view! { <span class=format!("delivery {state}")>{text}</span> }
    });
    view! {
        <li class=class data-entry=e.id.0.to_string()>
            <p class="entry-head">
                <strong>{e.author_name}</strong>
                <span class="badge">{kind}</span>
                <time>{when(e.created_at)}</time>
                {delivery}
            </p>
            // Text, never HTML: whatever anyone wrote shows as written.
            <p class="entry-body">{e.body}</p>
            {(!files.is_empty()).then(|| view! {
                <ul class="entry-files" aria-label="Attachments">
                    {files.into_iter().map(|f| view! {
                        <li>
                            <a href=format!("/api/helpdesk/files/{}", f.file.id.0) download=f.file.name.clone()>
                                {f.file.name.clone()}
                            </a>
                            " "<span class="muted">{size_label(f.file.size)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::size_label;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_label(1), "1 KB");
        assert_eq!(size_label(1024 * 1024 - 1), "1024 KB");
        assert_eq!(size_label(1024 * 1024), "1.0 MB");
        assert_eq!(size_label(3_565_158), "3.4 MB");
        assert_eq!(size_label(1024 * 1024 * 10 - 1), "10.0 MB");
    }
}
