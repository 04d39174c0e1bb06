//! The chat window: header with the connection state, the conversation,
//! typing indicator, and the composer. Every text is inserted as text.

use crate::chat::{new_id, Chat, Delivery, Line, Link};
use crate::files::{AttachmentView, Files};
use crate::i18n::Texts;
use crate::socket::Socket;
use leptos::prelude::*;
use parlor_protocol::live::{
    Rating, VisitorFrame, MAX_QUEUE_PLACE, MAX_RATING_COMMENT_CHARS, TYPING_TIMEOUT_SECS,
};
use parlor_protocol::{ConversationMode, Theme, WidgetConfig};
use wasm_bindgen::JsCast;

const STYLE: &str = include_str!("widget.css");
/// "Typing" is repeated this often while the visitor types, and ends after
/// this long a pause.
const TYPING_REPEAT_MS: f64 = 2_000.0;
const TYPING_PAUSE_MS: f64 = 3_000.0;

#[component]
pub fn ChatWindow(
    config: WidgetConfig,
    chat: Chat,
    socket: Socket,
    full_page: bool,
    t: &'static Texts,
    /// False while the window was opened by a rule's timer rather than by
    /// the visitor: the host page keeps its focus.
    focus_on_open: StoredValue<bool>,
) -> impl IntoView {
    let WidgetConfig {
        window_title,
        header_color,
        button_color,
        welcome_message,
        input_placeholder,
        theme,
        conversation_mode,
        departments,
        ..
    } = config;
    // With several departments, the visitor picks one before writing.
    let several = departments.len() > 1;
    let config_departments = StoredValue::new(departments);
    let picking = move || several && !chat.started();
    let chosen = RwSignal::new(chat.saved.with_value(|s| s.department));
    let picked = move || chosen.get();
    let choose = move |id: u32| {
        chosen.set(Some(id));
        chat.saved.update_value(|s| s.department = Some(id));
        chat.saved
            .with_value(|s| crate::saved::store(chat.channel, s));
        socket.send(&VisitorFrame::Department { id });
    };
    let multiple = conversation_mode == ConversationMode::Multiple;
    // The list is asked for when shown, and again after a reconnect.
    Effect::new(move || {
        if chat.listing.get() && chat.link.get() == Link::Online {
            socket.send(&VisitorFrame::List);
        }
    });
    let show_list = move |_| {
        if chat.listing.get_untracked() {
            chat.listing.set(false);
            return;
        }
        chat.list.set(None);
        chat.listing.set(true);
        if chat.saved.with_value(|s| s.token.is_none()) {
            // A new visitor has no conversations to list.
            chat.list.set(Some(Vec::new()));
        } else {
            socket.connect();
        }
    };
    let dark = RwSignal::new(theme == Theme::Dark);
    if theme == Theme::Auto {
        follow_color_scheme(dark);
    }
    let open = chat.open;
    let has_welcome = !welcome_message.trim().is_empty();
    let label = window_title.clone();
    let draft = RwSignal::new(String::new());
    let typing_at = StoredValue::new(None::<f64>);
    let last_key = StoredValue::new(0.0_f64);

    let stop_typing = move || {
        if typing_at.get_value().is_some() {
            typing_at.set_value(None);
            socket.send(&VisitorFrame::Typing { typing: false });
        }
    };
    // Once a second: end our typing after a pause, drop a stale operator
    // indicator, and notice single-page navigation.
    let tick = move || {
        let now = js_sys::Date::now();
        if typing_at.get_value().is_some() && now - last_key.get_value() > TYPING_PAUSE_MS {
            stop_typing();
        }
        let stale = chat.typing.with_untracked(|t| {
            t.as_ref()
                .is_some_and(|(_, at)| now - at > f64::from(TYPING_TIMEOUT_SECS) * 1000.0)
        });
        if stale {
            chat.typing.set(None);
        }
        socket.check_page();
    };
    let _ = set_interval_with_handle(tick, std::time::Duration::from_secs(1));

    let on_input = move |ev| {
        draft.set(event_target_value(&ev));
        let now = js_sys::Date::now();
        last_key.set_value(now);
        if typing_at
            .get_value()
            .is_none_or(|at| now - at > TYPING_REPEAT_MS)
        {
            typing_at.set_value(Some(now));
            socket.send(&VisitorFrame::Typing { typing: true });
        }
    };
    // A message, with a file the visitor uploaded (the text may be empty).
    let send_with = move |file: Option<parlor_protocol::WireAttachment>| {
        let body = draft.get_untracked().trim().to_string();
        let Some(id) = new_id().filter(|_| !body.is_empty() || file.is_some()) else {
            return;
        };
        if picking() && picked().is_none() {
            return;
        }
        stop_typing();
        if let Some((trigger_id, before)) = chat.answer_trigger(id) {
            socket.send(&VisitorFrame::Triggered { trigger_id, before });
        }
        chat.queue(id, body.clone(), file);
        socket.deliver(id, body);
        draft.set(String::new());
    };
    let send = move || send_with(None);
    let files = Files::new(chat, socket.url.get_value());
    provide_context(files);
    // The file on its way up, or why the last one was refused (the text
    // typed stays in the composer either way).
    let uploading = RwSignal::new(None::<String>);
    let file_error = RwSignal::new(None::<String>);
    let attach = move |file: web_sys::File| {
        if untrack(|| chat.offline_form())
            || uploading.get_untracked().is_some()
            || (picking() && picked().is_none())
        {
            return;
        }
        file_error.set(None);
        uploading.set(Some(file.name()));
        files.upload(&file, t, move |done| {
            uploading.set(None);
            match done {
                Ok(a) => send_with(Some(a)),
                Err(why) => file_error.set(Some(why)),
            }
        });
    };
    let picker = NodeRef::<leptos::html::Input>::new();
    let picked_file = move |_| {
        if let Some(input) = picker.get_untracked() {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                attach(file);
            }
            // Picking the same file again is a change too.
            input.set_value("");
        }
    };
    // Files dragged over the window: enter and leave nest over children.
    let drags = RwSignal::new(0_i32);
    let has_file = |ev: &leptos::ev::DragEvent| {
        ev.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    // The offline form shares the composer's draft: if an operator comes
    // online meanwhile, the text moves to the composer.
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let bad_contact = RwSignal::new(false);
    let leave_color = button_color.to_string();
    let leave = move || {
        let body = draft.get_untracked().trim().to_string();
        let (who, mail) = (name.get_untracked(), email.get_untracked());
        let (who, mail) = (who.trim().to_string(), mail.trim().to_string());
        let looks_right = !who.is_empty() && looks_like_email(&mail);
        bad_contact.set(!looks_right);
        chat.form_refused.set(None);
        let Some(id) = new_id().filter(|_| looks_right && !body.is_empty()) else {
            return;
        };
        if picking() && picked().is_none() {
            return;
        }
        chat.leave(id, who, mail, body.clone());
        socket.deliver(id, body);
        draft.set(String::new());
    };
    // A refused form message comes back to the form, to be corrected.
    Effect::new(move || {
        if let Some((body, _)) = chat.form_refused.get() {
            draft.set(body);
        }
    });
    // An open window follows whether anyone is online (chat or offline
    // form), so it connects; a closed one waits for a first message.
    Effect::new(move || {
        if open.get() {
            socket.connect();
        }
    });
    let retry = move |line: Line| {
        chat.requeue(&line);
        socket.deliver(line.id, line.body);
    };
    let status = move || match chat.link.get() {
        Link::Connecting => t.connecting,
        Link::Offline => t.offline,
        Link::Idle | Link::Online => "",
    };
    Effect::new(move || {
        if open.get() {
            chat.mark_seen();
        }
    });
    // The read receipt: what the visitor has had on screen, once connected
    // (again after a reconnection; the server ignores what it has).
    Effect::new(move || {
        if let (Some(seq), Link::Online) = (chat.seen_upto.get(), chat.link.get()) {
            socket.send(&VisitorFrame::Read { seq });
        }
    });
    // Coming back to a tab whose window is open reads what arrived.
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let back = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            if open.get_untracked() {
                chat.mark_seen();
            }
        });
        let _ =
            doc.add_event_listener_with_callback("visibilitychange", back.as_ref().unchecked_ref());
        // The window lives as long as the page.
        back.forget();
    }
    // Keep the newest line in view as lines, typing or the end arrive.
    let list = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        chat.lines.track();
        chat.typing.track();
        chat.ended.track();
        open.track();
        // After this update's DOM changes (other effects) have run.
        request_animation_frame(move || {
            if let Some(el) = list.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });

    // Opening moves the focus into the window, onto the composer.
    // (The offline form's first field, when it replaces the composer.)
    let composer = NodeRef::<leptos::html::Textarea>::new();
    let name_field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if open.get() && focus_on_open.get_value() {
            request_animation_frame(move || {
                let _ = if untrack(|| chat.offline_form()) {
                    name_field.get_untracked().map(|el| el.focus())
                } else {
                    composer.get_untracked().map(|el| el.focus())
                };
            });
        }
    });
    let window = NodeRef::<leptos::html::Div>::new();
    follow_visual_viewport(window);

    view! {
        <style>{STYLE}</style>
        <div
            node_ref=window
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" && !full_page {
                    open.set(false);
                }
            }
            on:dragenter=move |ev| {
                if has_file(&ev) {
                    ev.prevent_default();
                    drags.update(|n| *n += 1);
                }
            }
            on:dragover=move |ev| {
                if has_file(&ev) {
                    ev.prevent_default();
                }
            }
            on:dragleave=move |_| drags.update(|n| *n = (*n - 1).max(0))
            on:drop=move |ev| {
                drags.set(0);
                if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                    ev.prevent_default();
                    attach(file);
                }
            }
            class:dragging=move || { drags.get() > 0 }
            class="window"
            lang=t.lang
            dir=if t.rtl { "rtl" } else { "ltr" }
            class:open=move || open.get()
            class:dark=move || dark.get()
            class:listing=move || chat.listing.get()
            class:page=full_page
            role="dialog"
            aria-label=label
            aria-hidden=move || (!open.get()).to_string()
        >
            <header class="head" style:background-color=header_color.to_string()>
                <div class="heading">
                    <span class="title">{window_title}</span>
                    <span class="status" role="status">{status}</span>
                </div>
                <Show when=move || multiple>
                    <button
                        type="button"
                        class="list-toggle"
                        aria-label=t.conversations
                        title=t.conversations
                        aria-pressed=move || chat.listing.get().to_string()
                        on:click=show_list
                    >
                        "☰"
                    </button>
                </Show>
                // Once there is something to end: a trigger's message alone
                // is not a conversation yet.
                <Show when=move || {
                    chat.lines.with(|l| l.iter().any(|x| x.seq.is_some() || x.operator.is_none()))
                        && !chat.ended.get()
                }>
                    <button type="button" class="end" on:click=move |_| socket.send(&VisitorFrame::End)>
                        {t.end}
                    </button>
                </Show>
                <Show when=move || !full_page>
                    <button type="button" class="close" aria-label=t.close on:click=move |_| open.set(false)>
                        "×"
                    </button>
                </Show>
            </header>
            <Show when=move || chat.listing.get()>
                <ConversationList chat socket t />
            </Show>
            <div class="messages" role="log" aria-live="polite" node_ref=list>
                <Show when=move || has_welcome>
                    <div class="msg operator">
                        <div class="bubble welcome">{welcome_message.clone()}</div>
                    </div>
                </Show>
                // Re-rendered whole on change: a keyed list costs more bytes
                // than a conversation's worth of lines costs time.
                {move || {
                    let read = chat.team_read.get();
                    chat.lines
                        .get()
                        .into_iter()
                        .map(|line| {
                            let seen = line.seq.is_some_and(|s| s <= read);
                            view! { <LineView line seen retry t /> }
                        })
                        .collect_view()
                }}
                <Show when=move || chat.typing.with(Option::is_some)>
                    <div class="typing">
                        {move || chat.typing.with(|who| who.as_ref().map(|(n, _)| format!("{n}{}", t.is_typing)))}
                    </div>
                </Show>
                {move || chat.left.get().map(|to| view! { <p class="left">{t.left}{to}</p> })}
                {move || {
                    chat.queue.get().map(|n| {
                        let place = if n >= MAX_QUEUE_PLACE { format!("{n}+") } else { n.to_string() };
                        view! { <p class="queue" role="status">{t.queue.replace("{n}", &place)}</p> }
                    })
                }}
                <Show when=move || chat.ended.get()>
                    <div class="ended">
                        <p>{t.ended}</p>
                        <RateEnded chat socket t />
                        <button type="button" class="restart" on:click=move |_| chat.start_over()>
                            {t.start_over}
                        </button>
                    </div>
                </Show>
            </div>
            <Show when=picking>
                <div class="department">
                    <select
                        aria-label=t.department
                        on:change=move |ev| {
                            if let Ok(id) = event_target_value(&ev).parse() {
                                choose(id);
                            }
                        }
                    >
                        <option value="" selected=picked().is_none() disabled=true>{t.choose_department}</option>
                        {config_departments
                            .get_value()
                            .into_iter()
                            .map(|d| {
                                let id = d.id;
                                view! {
                                    <option value=id.to_string() selected=picked() == Some(id)>{d.name.clone()}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </Show>
            <Show when=move || chat.offline_form()>
                <form class="leave" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    leave();
                }>
                    <p class="leave-title">{t.leave_title}</p>
                    <p class="leave-intro">{t.leave_intro}</p>
                    <input
                        node_ref=name_field
                        type="text"
                        autocomplete="name"
                        maxlength=80
                        aria-label=t.your_name
                        placeholder=t.your_name
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <input
                        type="email"
                        autocomplete="email"
                        maxlength=200
                        aria-label=t.your_email
                        placeholder=t.your_email
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                    <textarea
                        rows=3
                        aria-label=t.message
                        placeholder=t.message
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    ></textarea>
                    <Show when=move || bad_contact.get() || chat.form_refused.with(Option::is_some)>
                        <p class="leave-error" role="alert">
                            {move || {
                                chat.form_refused
                                    .with(|r| r.as_ref().map(|(_, why)| why.clone()))
                                    .unwrap_or_else(|| t.bad_contact.to_string())
                            }}
                        </p>
                    </Show>
                    <button
                        type="submit"
                        class="leave-send"
                        disabled=move || draft.with(|d| d.trim().is_empty()) || (picking() && picked().is_none())
                        style:background-color=leave_color.clone()
                    >
                        {t.leave_send}
                    </button>
                </form>
            </Show>
            {move || uploading.get().map(|n| view! { <p class="file-note" role="status">{t.uploading.replace("{name}", &n)}</p> })}
            {move || file_error.get().map(|e| view! { <p class="file-note failed" role="alert">{e}</p> })}
            <div class="drop-hint" aria-hidden="true">{t.drop_file}</div>
            <form class="composer" class:hidden=move || chat.offline_form() on:submit=move |ev| {
                ev.prevent_default();
                send();
            }>
                <input type="file" class="picker" tabindex=-1 aria-hidden="true" node_ref=picker on:change=picked_file />
                <button
                    type="button"
                    class="attach"
                    aria-label=t.attach
                    title=t.attach
                    disabled=move || uploading.with(Option::is_some)
                    on:click=move |_| {
                        if let Some(input) = picker.get_untracked() {
                            input.click();
                        }
                    }
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M21 11l-9 9a6 6 0 0 1-8.5-8.5l9-9a4 4 0 0 1 5.7 5.7l-9 9a2 2 0 0 1-2.9-2.9l8.5-8.4" />
                    </svg>
                </button>
                <textarea
                    node_ref=composer
                    rows=1
                    aria-label=t.message
                    placeholder=input_placeholder
                    prop:value=move || draft.get()
                    on:input=on_input
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" && !ev.shift_key() {
                            ev.prevent_default();
                            send();
                        }
                    }
                ></textarea>
                <button
                    type="submit"
                    class="send"
                    aria-label=t.send
                    disabled=move || draft.with(|d| d.trim().is_empty()) || (picking() && picked().is_none())
                    style:background-color=button_color.to_string()
                >
                    "➤"
                </button>
            </form>
        </div>
    }
}

/// The server's rule (`parlor_domain`'s, which the widget does not link):
/// one `@`, something before it, a dot inside the domain, no spaces.
fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
}

/// Follows the host page's `prefers-color-scheme` as it changes (the
/// channel's theme is `auto`).
fn follow_color_scheme(dark: RwSignal<bool>) {
    let Some(query) = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok())
        .flatten()
    else {
        return;
    };
    dark.set(query.matches());
    let watched = query.clone();
    let listener =
        wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || dark.set(watched.matches()));
    let _ = query.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
    // The window lives as long as the page.
    listener.forget();
}

/// Keeps the window within the visible part of the page, which an
/// on-screen keyboard shrinks without resizing the layout (the CSS uses
/// `--vh` and `--vt` on small screens only).
fn follow_visual_viewport(window: NodeRef<leptos::html::Div>) {
    let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) else {
        return;
    };
    let apply = {
        let vv = vv.clone();
        move || {
            if let Some(el) = window.get_untracked() {
                let style = web_sys::HtmlElement::style(&el);
                // Whole pixels: formatting a float would pull float
                // printing into the bundle (8 KB brotli).
                let px = |v: f64| format!("{}px", v.round() as i32);
                let _ = style.set_property("--vh", &px(vv.height()));
                let _ = style.set_property("--vt", &px(vv.offset_top()));
            }
        }
    };
    apply();
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(apply);
    for event in ["resize", "scroll"] {
        let _ = vv.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    }
    // The window lives as long as the page.
    listener.forget();
}

#[component]
fn LineView(
    line: Line,
    /// An operator has read it (the visitor's own lines show "Seen").
    seen: bool,
    retry: impl Fn(Line) + Copy + 'static,
    t: &'static Texts,
) -> impl IntoView {
    let mine = line.operator.is_none();
    let state = match &line.delivery {
        Delivery::Sending => Some(("state", t.sending.to_string())),
        Delivery::Sent if seen => mine.then(|| ("state seen", t.seen.to_string())),
        Delivery::Sent => mine.then(|| ("state", t.sent.to_string())),
        Delivery::Failed(why) | Delivery::Refused(why) => {
            Some(("state failed", format!("{}{why}", t.not_sent)))
        }
    };
    let failed = matches!(line.delivery, Delivery::Failed(_));
    let name = line.operator.clone();
    view! {
        <div class="msg" class:mine=mine class:operator=!mine data-state=match line.delivery {
            Delivery::Sending => "sending",
            Delivery::Sent => "sent",
            Delivery::Failed(_) | Delivery::Refused(_) => "failed",
        }>
            {name.map(|n| view! { <span class="who">{n}</span> })}
            <div class="bubble">
                {line.attachment.clone().zip(use_context::<Files>()).map(|(a, files)| view! { <AttachmentView a files /> })}
                {line.body.clone()}
            </div>
            {line.edited.then(|| view! { <span class="edited">{t.edited}</span> })}
            {state.map(|(class, text)| view! { <span class=class>{text}</span> })}
            {failed.then(|| {
                let line = line.clone();
                view! {
                    <button type="button" class="retry" on:click=move |_| retry(line.clone())>{t.retry}</button>
                }
            })}
        </div>
    }
}

/// Happy / neutral / unhappy, then an optional comment, for the conversation
/// that just ended; thanks once the server has stored it.
#[component]
fn RateEnded(chat: Chat, socket: Socket, t: &'static Texts) -> impl IntoView {
    let choice = RwSignal::new(None::<Rating>);
    let comment = RwSignal::new(String::new());
    let send = move |_| {
        if let (Some(conversation_id), Some(rating)) =
            (chat.ended_id.get_value(), choice.get_untracked())
        {
            socket.send(&VisitorFrame::Rate {
                conversation_id,
                rating,
                comment: comment.get_untracked(),
            });
        }
    };
    view! {
        <Show when=move || !chat.rated.get() fallback=move || view! { <p class="thanks">{t.thanks}</p> }>
            <div class="rate" role="group" aria-label=t.rate>
                <p>{t.rate}</p>
                <div class="faces">
                    {Rating::ALL
                        .into_iter()
                        .zip(t.ratings)
                        .map(|(r, label)| {
                            let face = match r {
                                Rating::Happy => "😊",
                                Rating::Neutral => "😐",
                                Rating::Unhappy => "😞",
                            };
                            view! {
                                <button
                                    type="button"
                                    class="face"
                                    data-rating=r.as_str()
                                    aria-label=label
                                    title=label
                                    aria-pressed=move || (choice.get() == Some(r)).to_string()
                                    on:click=move |_| choice.set(Some(r))
                                >
                                    {face}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <Show when=move || choice.with(Option::is_some)>
                    <textarea
                        class="rate-comment"
                        rows=2
                        maxlength=MAX_RATING_COMMENT_CHARS
                        aria-label=t.comment
                        placeholder=t.comment
                        prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))
                    ></textarea>
                    <button type="button" class="rate-send" on:click=send>{t.send_rating}</button>
                </Show>
            </div>
        </Show>
    }
}

/// The visitor's conversations ("multiple" mode): open one to read it (and
/// write, if it is still open), or start a new one.
#[component]
fn ConversationList(chat: Chat, socket: Socket, t: &'static Texts) -> impl IntoView {
    let start_new = move |_| {
        socket.send(&VisitorFrame::Switch {
            conversation_id: None,
            last_seq: None,
        });
        chat.switched(None);
    };
    let rows = move || {
        chat.list.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="conv-empty">{t.no_conversations}</p> }.into_any();
            }
            list.into_iter()
                .map(|c| {
                    let id = c.id;
                    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(c.last_at as f64 * 1000.0))
                        .to_locale_date_string(t.lang, &wasm_bindgen::JsValue::UNDEFINED);
                    let meta = if c.closed {
                        format!("{} · {}", String::from(date), t.ended_tag)
                    } else {
                        String::from(date)
                    };
                    view! {
                        <button
                            type="button"
                            class="conv"
                            on:click=move |_| {
                                socket.send(&VisitorFrame::Switch {
                                    conversation_id: Some(id),
                                    last_seq: None,
                                })
                            }
                        >
                            <span class="conv-text">{c.last_body.unwrap_or_else(|| t.no_messages.to_string())}</span>
                            <span class="conv-meta">{meta}</span>
                        </button>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <div class="convs" role="region" aria-label=t.conversations>
            <button type="button" class="new-conv" on:click=start_new>{t.new_conversation}</button>
            {rows}
        </div>
    }
}
