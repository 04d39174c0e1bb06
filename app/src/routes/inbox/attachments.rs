//! Attachments in the inbox: the composer's paperclip and the drop target
//! (thread and composer) upload to `/api/inbox/files`, then the composer
//! sends a reply naming the file; a message's file shows in the thread as a
//! preview (images) or a download link. The session cookie authorises both
//! ways (same origin). Names are shown as text, never markup.

use leptos::prelude::*;
use parlor_protocol::attachments::{human_size, operator_file_path};
use parlor_protocol::live::WireMessage;
use parlor_protocol::{ConversationId, WireAttachment};

/// What a note refuses: files go to the visitor, notes never do.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const NOT_IN_NOTES: &str = "Notes do not take files: switch to Reply to send one.";

/// The conversation list's preview of a message: its text, or "📎 name"
/// for a file sent without text.
pub fn preview(m: &WireMessage) -> String {
    match &m.attachment {
        Some(a) if m.body.trim().is_empty() => format!("📎 {}", a.name),
        _ => m.body.clone(),
    }
}

/// Uploads for one open conversation, shared by the thread (a drop target)
/// and the composer (the paperclip, and who sends the uploaded file).
#[derive(Clone, Copy)]
pub struct Uploads {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    conversation: ConversationId,
    /// The name of the file being uploaded.
    pub busy: RwSignal<Option<String>>,
    /// Why the last upload failed (the server's message).
    pub error: RwSignal<Option<String>>,
    /// A file is being dragged over a drop target.
    pub dragging: RwSignal<bool>,
    /// The composer is writing a note (notes take no files).
    pub noting: RwSignal<bool>,
    /// Sends an uploaded file (set by the composer).
    ready: StoredValue<Option<Callback<WireAttachment>>>,
}

impl Uploads {
    pub fn new(conversation: ConversationId) -> Self {
        Self {
            conversation,
            busy: RwSignal::new(None),
            error: RwSignal::new(None),
            dragging: RwSignal::new(false),
            noting: RwSignal::new(false),
            ready: StoredValue::new(None),
        }
    }

    /// The composer sends each uploaded file with `send`.
    pub fn on_ready(&self, send: impl Fn(WireAttachment) + Send + Sync + 'static) {
        self.ready.set_value(Some(Callback::new(send)));
    }

    /// Lets a dragged file be dropped here.
    pub fn drag_over(&self, ev: leptos::ev::DragEvent) {
        #[cfg(feature = "hydrate")]
        if ev
            .data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
        {
            ev.prevent_default();
            self.dragging.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// Leaving the drop target, not just moving over one of its children.
    pub fn drag_leave(&self, ev: leptos::ev::DragEvent) {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let node = |t: Option<web_sys::EventTarget>| t?.dyn_into::<web_sys::Node>().ok();
            let inside = node(ev.current_target())
                .zip(node(ev.related_target()))
                .is_some_and(|(zone, to)| zone.contains(Some(&to)));
            if inside {
                return;
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
        self.dragging.set(false);
    }

    pub fn drop(&self, ev: leptos::ev::DragEvent) {
        self.dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            ev.prevent_default();
            self.start(file);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// The hidden file input changed.
    pub fn picked(&self, ev: leptos::ev::Event) {
        #[cfg(feature = "hydrate")]
        {
            let input = event_target::<web_sys::HtmlInputElement>(&ev);
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                self.start(file);
            }
            // Picking the same file again is a change too.
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    #[cfg(feature = "hydrate")]
    fn start(&self, file: web_sys::File) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        if self.noting.get_untracked() {
            self.error.set(Some(NOT_IN_NOTES.to_string()));
            return;
        }
        let Some(send) = self.ready.get_value() else {
            return;
        };
        self.error.set(None);
        self.busy.set(Some(file.name()));
        let (this, conversation) = (*self, self.conversation);
        leptos::task::spawn_local(async move {
            let result = upload(conversation, file).await;
            // The conversation may have been closed meanwhile.
            if this.busy.try_set(None).is_none() {
                match result {
                    Ok(a) => send.run(a),
                    Err(why) => this.error.set(Some(why)),
                }
            }
        });
    }
}

/// POSTs the file's bytes; the stored attachment, or the server's reason.
#[cfg(feature = "hydrate")]
async fn upload(
    conversation: ConversationId,
    file: web_sys::File,
) -> Result<WireAttachment, String> {
    use parlor_protocol::attachments::OPERATOR_UPLOAD_PATH;
    use parlor_protocol::ApiError;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let lost = || "The file could not be uploaded: check the connection.".to_string();
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let url = format!("{OPERATOR_UPLOAD_PATH}?conversation={conversation}&name={name}");
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let window = web_sys::window().ok_or_else(lost)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| lost())?
        .unchecked_into();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    if response.status() == 201 {
        serde_json::from_str(&text).map_err(|_| lost())
    } else {
        Err(serde_json::from_str::<ApiError>(&text).map_or_else(
            |_| {
                format!(
                    "The file could not be uploaded (HTTP {}).",
                    response.status()
                )
            },
            |e| e.message,
        ))
    }
}

/// The paperclip and its hidden file input (replies only).
#[component]
pub fn AttachButton(uploads: Uploads) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    view! {
        <input
            type="file"
            class="file-picker"
            tabindex="-1"
            aria-hidden="true"
            node_ref=input
            on:change=move |ev| uploads.picked(ev)
        />
        <button
            type="button"
            class="button attach"
            aria-label="Attach a file"
            title="Attach a file (or drop one on the conversation)"
            hidden=move || uploads.noting.get()
            disabled=move || uploads.busy.with(Option::is_some)
            on:click=move |_| {
                if let Some(el) = input.get_untracked() {
                    el.click();
                }
            }
        >
            <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M21 11l-9 9a6 6 0 0 1-8.5-8.5l9-9a4 4 0 0 1 5.7 5.7l-9 9a2 2 0 0 1-2.9-2.9l8.5-8.4" />
            </svg>
        </button>
    }
}

/// "Uploading name…", the last upload's error, or the drop hint.
#[component]
pub fn UploadStatus(uploads: Uploads) -> impl IntoView {
    view! {
        <Show when=move || uploads.dragging.get()>
            <p class="upload-note drop">"Drop the file to send it to the visitor"</p>
        </Show>
        {move || uploads.busy.get().map(|name| view! {
            <p class="upload-note" role="status">"Uploading "{name}"…"</p>
        })}
        {move || uploads.error.get().map(|why| view! {
            <p class="form-error upload-note" role="alert">{why}</p>
        })}
    }
}

/// A message's file in the thread: an image previewed (opens in a new tab),
/// anything else a download link with its size.
#[component]
pub fn FileView(a: WireAttachment) -> impl IntoView {
    let href = operator_file_path(a.id);
    let size = human_size(a.size);
    let (name, alt) = (a.name.clone(), a.name.clone());
    if a.image {
        let src = href.clone();
        let title = format!("Open {name}");
        view! {
            <figure class="attachment image">
                <a href=href target="_blank" rel="noopener noreferrer" title=title>
                    <img src=src alt=alt />
                </a>
                <figcaption>{name}" · "{size}</figcaption>
            </figure>
        }
        .into_any()
    } else {
        view! {
            <a class="attachment file" href=href download=alt>
                <span class="file-name">{name}</span>
                <span class="file-size">{size}</span>
            </a>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_protocol::live::WireAuthor;
    use parlor_protocol::{AttachmentId, MessageId, Seq};

    fn message(body: &str, name: Option<&str>) -> WireMessage {
        WireMessage {
            id: MessageId(uuid::Uuid::new_v4()),
            conversation_id: ConversationId(uuid::Uuid::new_v4()),
            seq: Seq(1),
            author: WireAuthor::Visitor,
            body: body.into(),
            sent_at: 0,
            edited_at: None,
            attachment: name.map(|n| WireAttachment {
                id: AttachmentId(uuid::Uuid::new_v4()),
                name: n.into(),
                content_type: "image/png".into(),
                size: 3,
                image: true,
            }),
        }
    }

    #[test]
    fn a_file_alone_previews_as_its_name() {
        assert_eq!(preview(&message("", Some("cat.png"))), "📎 cat.png");
        assert_eq!(preview(&message("look", Some("cat.png"))), "look");
        assert_eq!(preview(&message("hello", None)), "hello");
    }
}
