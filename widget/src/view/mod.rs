//! The chat window, drawn with plain DOM calls (widget/src/dom.rs). Each
//! part (one file each) is built once and then brought up to date by
//! `update`, which compares the state shown with the new one and touches
//! only what changed. Also the per-window wiring: the clock, page
//! visibility, focus on opening, the on-screen keyboard, the colour scheme
//! and dropping files onto the window. Every text is inserted as text.

mod composer;
mod conversations;
mod departments;
mod header;
pub mod lines;
mod offline_form;
mod rating;

use crate::chat::Chat;
use crate::dom::{self, attr, class, on};
use crate::i18n::Texts;
use parlor_protocol::{ConversationMode, Theme, WidgetConfig};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};
use widget::state::{Event, State};

const STYLE: &str = include_str!("../widget.css");

/// Whether `part` of the state differs from what is shown (everything
/// differs before the first drawing).
pub fn changed<T: PartialEq>(prev: Option<&State>, cur: &State, part: fn(&State) -> T) -> bool {
    prev.is_none_or(|p| part(p) != part(cur))
}

pub struct View {
    pub t: &'static Texts,
    window: HtmlElement,
    header: header::Header,
    convs: conversations::List,
    pub lines: lines::Lines,
    departments: Option<departments::Picker>,
    offline: offline_form::Form,
    composer: composer::Composer,
    /// The launcher's element (`data-open`) and, in its shadow root, the
    /// launcher button and its unread badge. `None` on the direct link.
    launcher: Option<(Element, Option<Element>, Option<Element>)>,
}

/// The window's stylesheet, adopted by `root` (a shadow root or, on the
/// direct link's page, the document): a constructed sheet, which a strict
/// CSP allows where a `<style>` element is refused. Added to the sheets
/// already there (the loader's launcher).
fn adopt_style(root: &Node) {
    let Ok(sheet) = web_sys::CssStyleSheet::new() else {
        return;
    };
    let _ = sheet.replace_sync(STYLE);
    let sheets = js_sys::Reflect::get(root, &"adoptedStyleSheets".into())
        .ok()
        .and_then(|s| s.dyn_into::<js_sys::Array>().ok())
        .unwrap_or_default();
    let all = sheets.concat(&js_sys::Array::of1(&sheet));
    let _ = js_sys::Reflect::set(root, &"adoptedStyleSheets".into(), &all);
}

impl View {
    /// Draws the window into `parent`, which lives in `root`.
    pub fn build(
        chat: &Chat,
        config: WidgetConfig,
        full_page: bool,
        t: &'static Texts,
        root: &Node,
        parent: &Node,
        host: Option<Element>,
    ) -> Self {
        adopt_style(root);
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
        let window = dom::el(parent, "div", "window");
        attr(&window, "lang", t.lang);
        attr(&window, "dir", if t.rtl { "rtl" } else { "ltr" });
        attr(&window, "role", "dialog");
        attr(&window, "aria-label", &window_title);
        class(&window, "page", full_page);
        match theme {
            Theme::Dark => class(&window, "dark", true),
            Theme::Auto => follow_color_scheme(&window),
            Theme::Light => {}
        }
        let multiple = conversation_mode == ConversationMode::Multiple;
        let header = header::Header::build(
            &window,
            chat,
            t,
            &window_title,
            header_color.as_str(),
            multiple,
            full_page,
        );
        let convs = conversations::List::build(&window, chat, t);
        let lines = lines::Lines::build(&window, chat, t, &welcome_message);
        let departments = (departments.len() > 1)
            .then(|| departments::Picker::build(&window, chat, t, departments));
        let offline = offline_form::Form::build(&window, chat, t, button_color.as_str());
        let composer =
            composer::Composer::build(&window, chat, t, &input_placeholder, button_color.as_str());
        let launcher = host.map(|host| {
            let part = |selector: &str| {
                host.shadow_root()
                    .and_then(|r| r.query_selector(selector).ok().flatten())
            };
            let (launcher, badge) = (part(".launcher"), part(".badge"));
            (host, launcher, badge)
        });
        let view = Self {
            t,
            window,
            header,
            convs,
            lines,
            departments,
            offline,
            composer,
            launcher,
        };
        view.wire(chat, full_page);
        view
    }

    /// The window's own listeners, the clock and the page's state.
    fn wire(&self, chat: &Chat, full_page: bool) {
        let w = &self.window;
        let c = chat.clone();
        on(w, "keydown", move |e| {
            let key = e.unchecked_ref::<web_sys::KeyboardEvent>().key();
            if key == "Escape" && !full_page {
                c.dispatch(Event::Open {
                    open: false,
                    focus: false,
                });
            }
        });
        // Files dragged over the window: enter and leave nest over children.
        let drags = std::rc::Rc::new(std::cell::Cell::new(0_i32));
        let has_file = |e: &web_sys::Event| {
            e.dyn_ref::<web_sys::DragEvent>()
                .and_then(|d| d.data_transfer())
                .is_some_and(|d| d.types().includes(&"Files".into(), 0))
        };
        let (d, win) = (drags.clone(), w.clone());
        on(w, "dragenter", move |e| {
            if has_file(&e) {
                e.prevent_default();
                d.set(d.get() + 1);
                class(&win, "dragging", true);
            }
        });
        on(w, "dragover", move |e| {
            if has_file(&e) {
                e.prevent_default();
            }
        });
        let (d, win) = (drags.clone(), w.clone());
        on(w, "dragleave", move |_| {
            d.set((d.get() - 1).max(0));
            class(&win, "dragging", d.get() > 0);
        });
        let (c, win) = (chat.clone(), w.clone());
        on(w, "drop", move |e| {
            drags.set(0);
            class(&win, "dragging", false);
            let file = e
                .dyn_ref::<web_sys::DragEvent>()
                .and_then(|d| d.data_transfer())
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                e.prevent_default();
                composer::attach(&c, file);
            }
        });
        // Once a second: end the visitor's typing after a pause, drop a
        // stale operator indicator, and notice single-page navigation.
        let c = chat.clone();
        let tick = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            c.dispatch(Event::Tick(js_sys::Date::now()));
            c.socket.check_page();
        });
        if let Some(win) = web_sys::window() {
            let _ = win.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                1000,
            );
        }
        tick.forget();
        // Coming back to a tab whose window is open reads what arrived.
        let c = chat.clone();
        on(&dom::doc(), "visibilitychange", move |_| {
            c.dispatch(Event::Visible(crate::page_visible()))
        });
        follow_visual_viewport(w);
    }

    /// Brings the window from `prev` (what it shows) to `cur`.
    pub fn update(&self, chat: &Chat, prev: Option<&State>, cur: &State) {
        let w = &self.window;
        if changed(prev, cur, |s| s.open) {
            class(w, "open", cur.open);
            attr(w, "aria-hidden", dom::yes_no(!cur.open));
            self.launcher_follows(prev.is_some(), cur.open);
            // Opening moves the focus into the window: onto the composer,
            // or the offline form's first field when it replaces it.
            if cur.open && cur.focus_on_open {
                let field = if cur.offline_form() {
                    self.offline.first_field()
                } else {
                    self.composer.field()
                };
                dom::next_frame(move || {
                    let _ = field.focus();
                });
            }
        }
        if changed(prev, cur, |s| s.listing) {
            class(w, "listing", cur.listing);
        }
        self.header.update(prev, cur);
        self.convs.update(prev, cur);
        self.lines.update(chat, prev, cur);
        if let Some(d) = &self.departments {
            d.update(prev, cur);
        }
        self.offline.update(prev, cur);
        self.composer.update(prev, cur);
        if changed(prev, cur, |s| s.unread) {
            if let Some((_, _, Some(badge))) = &self.launcher {
                badge.set_text_content(Some(&cur.unread.to_string()));
                dom::flag(badge, "hidden", cur.unread == 0);
            }
        }
    }

    /// The launcher shows whether the window is open; closing from inside
    /// the window hands the focus back to the launcher, where a keyboard
    /// user left it.
    fn launcher_follows(&self, drawn: bool, open: bool) {
        let Some((host, launcher, _)) = &self.launcher else {
            return;
        };
        dom::flag(host, "data-open", open);
        if let Some(l) = launcher {
            attr(l, "aria-expanded", dom::yes_no(open));
            let inside = host
                .shadow_root()
                .and_then(|r| r.active_element())
                .is_some_and(|e| &e != l);
            if drawn && !open && inside {
                let _ = l.unchecked_ref::<HtmlElement>().focus();
            }
        }
    }
}

/// Follows the host page's `prefers-color-scheme` as it changes (the
/// channel's theme is `auto`).
fn follow_color_scheme(window: &HtmlElement) {
    let Some(query) = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok())
        .flatten()
    else {
        return;
    };
    class(window, "dark", query.matches());
    let (watched, window) = (query.clone(), window.clone());
    on(&query, "change", move |_| {
        class(&window, "dark", watched.matches())
    });
}

/// Keeps the window within the visible part of the page, which an
/// on-screen keyboard shrinks without resizing the layout (the CSS uses
/// `--vh` and `--vt` on small screens only). CSSOM custom properties: a
/// strict CSP allows them where a style attribute is refused.
fn follow_visual_viewport(window: &HtmlElement) {
    let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) else {
        return;
    };
    let apply = |vv: &web_sys::VisualViewport, window: &HtmlElement| {
        let style = window.style();
        // Whole pixels: formatting a float would pull float printing into
        // the bundle.
        let px = |v: f64| format!("{}px", v.round() as i32);
        let _ = style.set_property("--vh", &px(vv.height()));
        let _ = style.set_property("--vt", &px(vv.offset_top()));
    };
    apply(&vv, window);
    let (watched, window) = (vv.clone(), window.clone());
    let f = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        apply(&watched, &window)
    });
    for event in ["resize", "scroll"] {
        let _ = vv.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
    }
    // The window lives as long as the page.
    f.forget();
}
