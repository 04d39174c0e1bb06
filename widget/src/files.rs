//! Attachments on the visitor's side: uploading a picked or dropped file,
//! and fetching files for previews and downloads. Both carry the visitor's
//! token in a header (the widget sends no cookies), so a plain `<img src>`
//! or link cannot fetch them: the bytes become an object URL. XHR rather
//! than `fetch`: callbacks need no futures crate in the bundle.

use crate::chat::Chat;
use crate::i18n::Texts;
use leptos::prelude::*;
use parlor_protocol::attachments::human_size;
use parlor_protocol::{ApiError, AttachmentId, WireAttachment};
use std::collections::HashMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, Url, XmlHttpRequest, XmlHttpRequestResponseType};

/// The widget's file endpoints and the previews fetched so far.
#[derive(Clone, Copy)]
pub struct Files {
    chat: Chat,
    /// The live endpoint (`ws:`/`wss:`): the file endpoints sit beside it.
    live: StoredValue<String>,
    /// Object URLs by attachment, `None` while loading. Kept across the
    /// list's re-renders; revoked once no line shows the file.
    previews: StoredValue<HashMap<AttachmentId, ArcRwSignal<Option<String>>>>,
}

impl Files {
    pub fn new(chat: Chat) -> Self {
        let files = Self {
            chat,
            live: chat.socket.url,
            previews: StoredValue::new(HashMap::new()),
        };
        Effect::new(move || {
            chat.state.with(|s| {
                let lines = &s.lines;
                files.previews.update_value(|p| {
                    p.retain(|id, url| {
                        let shown = lines
                            .iter()
                            .any(|l| l.attachment.as_ref().is_some_and(|a| a.id == *id));
                        if !shown {
                            if let Some(u) = url.get_untracked() {
                                let _ = Url::revoke_object_url(&u);
                            }
                        }
                        shown
                    })
                })
            })
        });
        files
    }

    /// `path` (relative to the widget's endpoints) as an `http(s):` URL.
    fn url(&self, path: &str) -> Option<String> {
        let url = Url::new_with_base(path, &self.live.get_value()).ok()?;
        let scheme = if url.protocol() == "wss:" {
            "https:"
        } else {
            "http:"
        };
        url.set_protocol(scheme);
        Some(url.href())
    }

    fn token(&self) -> Option<String> {
        self.chat.state.with_untracked(|s| s.saved.token.clone())
    }

    /// Uploads `file`; `done` gets the stored attachment, or why not (the
    /// server's message, else `t.upload_failed`).
    pub fn upload(
        &self,
        file: &web_sys::File,
        t: &'static Texts,
        done: impl FnOnce(Result<WireAttachment, String>) + 'static,
    ) {
        if file.size() > parlor_protocol::MAX_ATTACHMENT_BYTES as f64 {
            return done(Err(t.too_big.to_string()));
        }
        let name: String = js_sys::encode_uri_component(&file.name()).into();
        let path = format!("channels/{}/files?name={name}", self.chat.channel());
        let (Some(url), Some(token)) = (self.url(&path), self.token()) else {
            // Not connected yet: there is no token to upload with.
            return done(Err(t.offline.to_string()));
        };
        request("POST", &url, &token, Some(file), false, move |x| {
            let text = x.response_text().ok().flatten().unwrap_or_default();
            done(if x.status() == Ok(201) {
                serde_json::from_str(&text).map_err(|_| t.upload_failed.to_string())
            } else {
                Err(serde_json::from_str::<ApiError>(&text)
                    .map_or_else(|_| t.upload_failed.to_string(), |e| e.message))
            })
        });
    }

    /// The file's bytes as a blob, for `then`.
    fn fetch(&self, id: AttachmentId, then: impl FnOnce(Blob) + 'static) {
        if let (Some(url), Some(token)) = (self.url(&format!("files/{id}")), self.token()) {
            request("GET", &url, &token, None, true, move |x| {
                if x.status() == Ok(200) {
                    if let Ok(blob) = x.response().and_then(|b| b.dyn_into::<Blob>()) {
                        then(blob);
                    }
                }
            });
        }
    }

    /// The preview's object URL once fetched (fetched once per file).
    pub fn preview(&self, id: AttachmentId) -> ArcRwSignal<Option<String>> {
        if let Some(s) = self.previews.with_value(|p| p.get(&id).cloned()) {
            return s;
        }
        let url = ArcRwSignal::new(None);
        self.previews.update_value(|p| {
            p.insert(id, url.clone());
        });
        let set = url.clone();
        self.fetch(id, move |blob| {
            set.set(Url::create_object_url_with_blob(&blob).ok());
        });
        url
    }

    /// Downloads the file as `name` through a temporary link.
    pub fn download(&self, a: &WireAttachment) {
        let name = a.name.clone();
        self.fetch(a.id, move |blob| {
            let (Ok(url), Some(doc)) = (
                Url::create_object_url_with_blob(&blob),
                web_sys::window().and_then(|w| w.document()),
            ) else {
                return;
            };
            if let Ok(link) = doc.create_element("a") {
                let _ = link.set_attribute("href", &url);
                let _ = link.set_attribute("download", &name);
                link.unchecked_ref::<web_sys::HtmlElement>().click();
            }
            // The download has started reading the blob; free it later.
            let free = Closure::once_into_js(move || {
                let _ = Url::revoke_object_url(&url);
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    free.unchecked_ref(),
                    30_000,
                );
            }
        });
    }
}

/// Sends an authorised request; `done` runs when it ends, however it ends.
fn request(
    method: &str,
    url: &str,
    token: &str,
    body: Option<&Blob>,
    blob: bool,
    done: impl FnOnce(&XmlHttpRequest) + 'static,
) -> Option<()> {
    let x = XmlHttpRequest::new().ok()?;
    x.open(method, url).ok()?;
    x.set_request_header("Authorization", &format!("Bearer {token}"))
        .ok()?;
    if blob {
        x.set_response_type(XmlHttpRequestResponseType::Blob);
    }
    let ended = x.clone();
    let on_end: JsValue = Closure::once_into_js(move || done(&ended));
    x.set_onloadend(Some(on_end.unchecked_ref()));
    x.send_with_opt_blob(body).ok()
}

/// A message's file: an image previewed, anything else a button that
/// downloads it. The name is text (and `alt`), never markup.
#[component]
pub fn AttachmentView(a: WireAttachment, files: Files) -> impl IntoView {
    let name = a.name.clone();
    if a.image {
        let url = files.preview(a.id);
        view! {
            <figure class="file-img">
                {move || url.get().map(|src| view! { <img src=src alt=name.clone() /> })}
                <figcaption>{a.name.clone()}</figcaption>
            </figure>
        }
        .into_any()
    } else {
        let size = human_size(a.size);
        view! {
            <button type="button" class="file" on:click=move |_| files.download(&a)>
                <span class="file-name">{name}</span>
                <span class="file-size">{size}</span>
            </button>
        }
        .into_any()
    }
}
