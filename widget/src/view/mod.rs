//! The chat window: the frame around the components (one file each), the
//! per-window wiring (the clock, page visibility, focus on opening, the
//! on-screen keyboard, the colour scheme) and dropping files onto it.
//! Every text is inserted as text.

mod composer;
mod conversations;
mod departments;
mod header;
mod lines;
mod offline_form;
mod rating;

use crate::chat::Chat;
use crate::files::Files;
use crate::i18n::Texts;
use composer::{attach, Composer};
use conversations::ConversationList;
use departments::DepartmentPicker;
use header::Header;
use leptos::prelude::*;
use lines::Lines;
use offline_form::OfflineForm;
use parlor_protocol::{ConversationMode, Theme, WidgetConfig};
use wasm_bindgen::JsCast;
use widget::state::{Event, State};

const STYLE: &str = include_str!("../widget.css");

#[component]
pub fn ChatWindow(
    config: WidgetConfig,
    chat: Chat,
    full_page: bool,
    t: &'static Texts,
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
    let multiple = conversation_mode == ConversationMode::Multiple;
    let dark = RwSignal::new(theme == Theme::Dark);
    if theme == Theme::Auto {
        follow_color_scheme(dark);
    }
    let label = window_title.clone();
    // Once a second: end the visitor's typing after a pause, drop a stale
    // operator indicator, and notice single-page navigation.
    let _ = set_interval_with_handle(
        move || {
            chat.dispatch(Event::Tick(js_sys::Date::now()));
            chat.socket.check_page();
        },
        std::time::Duration::from_secs(1),
    );
    let files = Files::new(chat);
    provide_context(files);
    // Coming back to a tab whose window is open reads what arrived.
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let back = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            chat.dispatch(Event::Visible(crate::page_visible()))
        });
        let _ =
            doc.add_event_listener_with_callback("visibilitychange", back.as_ref().unchecked_ref());
        // The window lives as long as the page.
        back.forget();
    }
    // Opening moves the focus into the window, onto the composer.
    // (The offline form's first field, when it replaces the composer.)
    let open = chat.memo(|s| s.open);
    let composer = NodeRef::<leptos::html::Textarea>::new();
    let name_field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if open.get() && chat.state.with_untracked(|s| s.focus_on_open) {
            request_animation_frame(move || {
                let _ = if chat.state.with_untracked(State::offline_form) {
                    name_field.get_untracked().map(|el| el.focus())
                } else {
                    composer.get_untracked().map(|el| el.focus())
                };
            });
        }
    });
    let window = NodeRef::<leptos::html::Div>::new();
    follow_visual_viewport(window);
    // Files dragged over the window: enter and leave nest over children.
    let drags = RwSignal::new(0_i32);
    let has_file = |ev: &leptos::ev::DragEvent| {
        ev.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let color = button_color.to_string();
    let listing = move || chat.state.with(|s| s.listing);

    view! {
        <style>{STYLE}</style>
        <div
            node_ref=window
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" && !full_page {
                    chat.dispatch(Event::Open { open: false, focus: false });
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
                    attach(chat, files, t, file);
                }
            }
            class:dragging=move || { drags.get() > 0 }
            class="window"
            lang=t.lang
            dir=if t.rtl { "rtl" } else { "ltr" }
            class:open=move || open.get()
            class:dark=move || dark.get()
            class:listing=listing
            class:page=full_page
            role="dialog"
            aria-label=label
            aria-hidden=move || (!open.get()).to_string()
        >
            <Header chat t title=window_title color=header_color.to_string() multiple full_page />
            <Show when=listing>
                <ConversationList chat t />
            </Show>
            <Lines chat t welcome=welcome_message />
            <Show when=move || chat.state.with(State::picking)>
                <DepartmentPicker chat t departments=departments.clone() />
            </Show>
            <Show when=move || chat.state.with(State::offline_form)>
                <OfflineForm chat t color=color.clone() name_field />
            </Show>
            <Composer chat t files placeholder=input_placeholder color=button_color.to_string() composer />
        </div>
    }
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
