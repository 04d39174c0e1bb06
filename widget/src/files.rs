//! Attachments on the visitor's side: uploading a picked or dropped file,
//! and fetching files for previews and downloads. Both carry the visitor's
//! token in a header (the widget sends no cookies), so a plain `<img src>`
//! or link cannot fetch them: the bytes become an object URL. XHR rather
//! than `fetch`: callbacks need no futures crate in the bundle.

use crate::chat::Chat;
use crate::i18n::Texts;
use crate::wire::{self, Json};
use parlor_protocol::{AttachmentId, WireAttachment};
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, Url, XmlHttpRequest, XmlHttpRequestResponseType};
use widget::state::Line;

/// The previews fetched so far: object URLs by attachment, `None` while
/// loading. Kept across redrawings; revoked once no line shows the file.
/// A list: a conversation shows few files, and a map costs bytes.
#[derive(Default)]
pub struct Files {
    previews: RefCell<Vec<(AttachmentId, Option<String>)>>,
}

impl Files {
    /// Forgets (and frees) the previews no line shows any more.
    pub fn prune(&self, lines: &[Line]) {
        self.previews.borrow_mut().retain(|(id, url)| {
            let shown = lines
                .iter()
                .any(|l| l.attachment.as_ref().is_some_and(|a| a.id == *id));
            if !shown {
                if let Some(u) = url {
                    let _ = Url::revoke_object_url(u);
                }
            }
            shown
        });
    }

    /// `path` (relative to the widget's endpoints) as an `http(s):` URL.
    fn url(chat: &Chat, path: &str) -> Option<String> {
        let url = Url::new_with_base(path, &chat.socket.url).ok()?;
        let scheme = if url.protocol() == "wss:" {
            "https:"
        } else {
            "http:"
        };
        url.set_protocol(scheme);
        Some(url.href())
    }

    fn token(chat: &Chat) -> Option<String> {
        chat.with(|s| s.saved.token.clone())
    }

    /// Uploads `file`; `done` gets the stored attachment, or why not (the
    /// server's message, else `t.upload_failed`).
    pub fn upload(
        chat: &Chat,
        file: &web_sys::File,
        t: &'static Texts,
        done: impl FnOnce(Result<WireAttachment, String>) + 'static,
    ) {
        if file.size() > parlor_protocol::MAX_ATTACHMENT_BYTES as f64 {
            return done(Err(t.too_big.to_string()));
        }
        let name: String = js_sys::encode_uri_component(&file.name()).into();
        let path = format!("channels/{}/files?name={name}", chat.channel());
        let (Some(url), Some(token)) = (Self::url(chat, &path), Self::token(chat)) else {
            // Not connected yet: there is no token to upload with.
            return done(Err(t.offline.to_string()));
        };
        request("POST", &url, &token, Some(file), false, move |x| {
            let text = x.response_text().ok().flatten().unwrap_or_default();
            let failed = || t.upload_failed.to_string();
            done(if x.status() == Ok(201) {
                Json::parse(&text)
                    .and_then(|j| wire::attachment(&j))
                    .ok_or_else(failed)
            } else {
                Err(wire::error_message(&text).unwrap_or_else(failed))
            })
        });
    }

    /// The file's bytes as a blob, for `then`.
    fn fetch(chat: &Chat, id: AttachmentId, then: impl FnOnce(Blob) + 'static) {
        if let (Some(url), Some(token)) =
            (Self::url(chat, &format!("files/{id}")), Self::token(chat))
        {
            request("GET", &url, &token, None, true, move |x| {
                if x.status() == Ok(200) {
                    if let Ok(blob) = x.response().and_then(|b| b.dyn_into::<Blob>()) {
                        then(blob);
                    }
                }
            });
        }
    }

    /// The preview's object URL if fetched; the first call fetches it, and
    /// its arrival redraws the lines.
    pub fn preview(chat: &Chat, id: AttachmentId) -> Option<String> {
        if let Some((_, url)) = chat.files.previews.borrow().iter().find(|(x, _)| *x == id) {
            return url.clone();
        }
        chat.files.previews.borrow_mut().push((id, None));
        let c = chat.clone();
        Self::fetch(chat, id, move |blob| {
            let url = Url::create_object_url_with_blob(&blob).ok();
            if let Some(slot) = c
                .files
                .previews
                .borrow_mut()
                .iter_mut()
                .find(|(x, _)| *x == id)
            {
                slot.1 = url.clone();
            }
            if let (Some(view), Some(url)) = (c.view.get(), url) {
                view.lines.preview_arrived(id, &url);
            }
        });
        None
    }

    /// Downloads the file as `name` through a temporary link.
    pub fn download(chat: &Chat, a: &WireAttachment) {
        let name = a.name.clone();
        Self::fetch(chat, a.id, move |blob| {
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
            crate::dom::later(
                move || {
                    let _ = Url::revoke_object_url(&url);
                },
                30_000,
            );
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
