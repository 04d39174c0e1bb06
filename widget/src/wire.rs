//! docs/protocol.md's JSON, read and written with the browser's own
//! `JSON.parse` and `JSON.stringify`. serde's derived code for the
//! protocol's tagged enums, with serde_json, was the largest part of the
//! bundle (docs/performance.md); the types stay `parlor_protocol`'s, only
//! the conversion lives here. What the server sends is read leniently
//! (unknown fields are ignored, a missing optional field is `None`), but a
//! frame missing a required field is dropped, as serde would refuse it.
//! `localStorage` keeps `Saved` in the same JSON serde wrote, so what an
//! earlier version stored still reads.

use js_sys::{Array, Object, Reflect, JSON};
use parlor_protocol::live::{
    LiveErrorCode, ServerFrame, VisitorConversation, VisitorFrame, WireAuthor, WireMessage,
};
use parlor_protocol::widget::WireDepartment;
use parlor_protocol::{ConversationMode, Seq, Theme, WidgetConfig, WireAttachment};
use std::str::FromStr;
use wasm_bindgen::{JsCast, JsValue};
use widget::saved::Saved;

/// A JSON object being read.
pub struct Json(JsValue);

impl Json {
    /// The object `text` holds; `None` if it is not JSON or not an object.
    pub fn parse(text: &str) -> Option<Self> {
        Self::of(JSON::parse(text).ok()?)
    }

    fn of(v: JsValue) -> Option<Self> {
        (v.is_object() && !Array::is_array(&v)).then_some(Self(v))
    }

    fn at(&self, key: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    pub fn str(&self, key: &str) -> Option<String> {
        self.at(key).as_string()
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.at(key).as_bool()
    }

    /// A whole, non-negative number (ids, `seq`, sizes, seconds).
    pub fn uint(&self, key: &str) -> Option<u64> {
        uint(&self.at(key))
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.at(key)
            .as_f64()
            .filter(|n| n.fract() == 0.0)
            .map(|n| n as i64)
    }

    pub fn u32(&self, key: &str) -> Option<u32> {
        self.uint(key).and_then(|n| u32::try_from(n).ok())
    }

    pub fn seq(&self, key: &str) -> Option<Seq> {
        self.uint(key).map(Seq)
    }

    /// An id (a UUID) or anything else written as a string.
    pub fn parsed<T: FromStr>(&self, key: &str) -> Option<T> {
        self.str(key)?.parse().ok()
    }

    pub fn obj(&self, key: &str) -> Option<Json> {
        Self::of(self.at(key))
    }

    /// An array's items (none if it is missing).
    pub fn list(&self, key: &str) -> Vec<JsValue> {
        tuple(self.at(key))
    }
}

fn uint(v: &JsValue) -> Option<u64> {
    v.as_f64()
        .filter(|n| *n >= 0.0 && n.fract() == 0.0)
        .map(|n| n as u64)
}

fn items<T>(list: Vec<JsValue>, read: impl Fn(&Json) -> Option<T>) -> Option<Vec<T>> {
    list.into_iter().map(|v| read(&Json::of(v)?)).collect()
}

/// A JSON object being written.
pub struct Obj(Object);

impl Obj {
    pub fn new() -> Self {
        Self(Object::new())
    }

    pub fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    /// `value` as a string, or `null`.
    pub fn opt<T: ToString>(self, key: &str, value: Option<T>) -> Self {
        let v = value.map_or(JsValue::NULL, |v| JsValue::from_str(&v.to_string()));
        self.set(key, v)
    }

    pub fn num(self, key: &str, value: Option<u64>) -> Self {
        let v = value.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64));
        self.set(key, v)
    }

    pub fn text(&self) -> String {
        JSON::stringify(&self.0)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }
}

impl From<Obj> for JsValue {
    fn from(o: Obj) -> JsValue {
        o.0.into()
    }
}

fn array(items: impl IntoIterator<Item = JsValue>) -> JsValue {
    items.into_iter().collect::<Array>().into()
}

fn string(s: impl ToString) -> JsValue {
    JsValue::from_str(&s.to_string())
}

pub fn attachment(j: &Json) -> Option<WireAttachment> {
    Some(WireAttachment {
        id: j.parsed("id")?,
        name: j.str("name")?,
        content_type: j.str("content_type")?,
        size: j.uint("size")?,
        image: j.bool("image")?,
    })
}

fn attachment_obj(a: &WireAttachment) -> Obj {
    Obj::new()
        .set("id", string(a.id))
        .set("name", a.name.as_str())
        .set("content_type", a.content_type.as_str())
        .set("size", a.size as f64)
        .set("image", a.image)
}

fn message(j: &Json) -> Option<WireMessage> {
    let author = j.obj("author")?;
    Some(WireMessage {
        id: j.parsed("id")?,
        conversation_id: j.parsed("conversation_id")?,
        seq: j.seq("seq")?,
        author: match author.str("kind")?.as_str() {
            "visitor" => WireAuthor::Visitor,
            "operator" => WireAuthor::Operator {
                name: author.str("name")?,
            },
            _ => return None,
        },
        body: j.str("body")?,
        sent_at: j.int("sent_at")?,
        edited_at: j.int("edited_at"),
        attachment: j.obj("attachment").and_then(|a| attachment(&a)),
    })
}

fn conversation(j: &Json) -> Option<VisitorConversation> {
    Some(VisitorConversation {
        id: j.parsed("id")?,
        closed: j.bool("closed")?,
        last_body: j.str("last_body"),
        last_at: j.int("last_at")?,
    })
}

fn error_code(code: &str) -> LiveErrorCode {
    use LiveErrorCode::*;
    match code {
        "bad_frame" => BadFrame,
        "hello_first" => HelloFirst,
        "bad_token" => BadToken,
        "not_found" => NotFound,
        "invalid_message" => InvalidMessage,
        "rate_limited" => RateLimited,
        "ended" => Ended,
        "origin_refused" => OriginRefused,
        "taken" => Taken,
        "forbidden" => Forbidden,
        // A code a newer server added: a failure to retry later.
        _ => Internal,
    }
}

/// A server frame (docs/protocol.md); `None` for an unknown type.
pub fn server_frame(text: &str) -> Option<ServerFrame> {
    let j = Json::parse(text)?;
    let conversation_id = || j.parsed("conversation_id");
    Some(match j.str("type")?.as_str() {
        "welcome" => ServerFrame::Welcome {
            token: j.str("token")?,
            conversation_id: conversation_id(),
            online: j.bool("online")?,
        },
        "availability" => ServerFrame::Availability {
            online: j.bool("online")?,
        },
        "queue" => ServerFrame::Queue {
            position: j.u32("position"),
        },
        "typing" => ServerFrame::Typing {
            conversation_id: conversation_id()?,
            name: j.str("name")?,
            typing: j.bool("typing")?,
        },
        "ended" => ServerFrame::Ended {
            conversation_id: conversation_id()?,
        },
        "message" => ServerFrame::Message {
            message: message(&j.obj("message")?)?,
        },
        "edited" => ServerFrame::Edited {
            message: message(&j.obj("message")?)?,
        },
        "read" => ServerFrame::Read {
            conversation_id: conversation_id()?,
            seq: j.seq("seq")?,
        },
        "ack" => ServerFrame::Ack {
            message_id: j.parsed("message_id")?,
            conversation_id: conversation_id()?,
            seq: j.seq("seq")?,
        },
        "conversations" => ServerFrame::Conversations {
            conversations: items(j.list("conversations"), conversation)?,
        },
        "switched" => ServerFrame::Switched {
            conversation_id: conversation_id(),
        },
        "identified" => ServerFrame::Identified {
            verified: j.bool("verified")?,
            token: j.str("token"),
        },
        "rated" => ServerFrame::Rated {
            conversation_id: conversation_id()?,
        },
        "resync" => ServerFrame::Resync {
            conversation_id: conversation_id()?,
            last_seq: j.seq("last_seq"),
        },
        "error" => ServerFrame::Error {
            code: error_code(&j.str("code")?),
            message: j.str("message")?,
            message_id: j.parsed("message_id"),
        },
        _ => return None,
    })
}

/// A frame for the server, as JSON.
pub fn visitor_frame(frame: &VisitorFrame) -> String {
    let typed = |t: &str| Obj::new().set("type", t);
    match frame {
        VisitorFrame::Hello {
            channel_id,
            token,
            conversation_id,
            last_seq,
            page_url,
            referrer,
            language,
            time_zone,
        } => typed("hello")
            .set("channel_id", string(channel_id))
            .opt("token", token.as_ref())
            .opt("conversation_id", conversation_id.as_ref())
            .num("last_seq", last_seq.map(|s| s.0))
            .opt("page_url", page_url.as_ref())
            .opt("referrer", referrer.as_ref())
            .opt("language", language.as_ref())
            .opt("time_zone", time_zone.as_ref()),
        VisitorFrame::Send {
            message_id,
            body,
            attachment,
        } => {
            let o = typed("send")
                .set("message_id", string(message_id))
                .set("body", body.as_str());
            match attachment {
                Some(a) => o.set("attachment", string(a)),
                None => o,
            }
        }
        VisitorFrame::Typing { typing } => typed("typing").set("typing", *typing),
        VisitorFrame::Page { url } => typed("page").set("url", url.as_str()),
        VisitorFrame::End => typed("end"),
        VisitorFrame::List => typed("list"),
        VisitorFrame::Switch {
            conversation_id,
            last_seq,
        } => typed("switch")
            .opt("conversation_id", conversation_id.as_ref())
            .num("last_seq", last_seq.map(|s| s.0)),
        VisitorFrame::Identify {
            external_id,
            name,
            email,
            signature,
        } => typed("identify")
            .set("external_id", external_id.as_str())
            .opt("name", name.as_ref())
            .opt("email", email.as_ref())
            .opt("signature", signature.as_ref()),
        VisitorFrame::Field { key, value } => typed("field")
            .set("key", key.as_str())
            .set("value", value.as_str()),
        VisitorFrame::Triggered { trigger_id, before } => typed("triggered")
            .set("trigger_id", *trigger_id)
            .set("before", string(before)),
        VisitorFrame::Department { id } => typed("department").set("id", *id),
        VisitorFrame::Rate {
            conversation_id,
            rating,
            comment,
        } => typed("rate")
            .set("conversation_id", string(conversation_id))
            .set("rating", rating.as_str())
            .set("comment", comment.as_str()),
        VisitorFrame::LeaveMessage {
            message_id,
            name,
            email,
            body,
        } => typed("leave_message")
            .set("message_id", string(message_id))
            .set("name", name.as_str())
            .set("email", email.as_str())
            .set("body", body.as_str()),
        VisitorFrame::Read { seq } => typed("read").set("seq", seq.0 as f64),
    }
    .text()
}

/// The channel's public config, as the loader passes it.
pub fn config(text: &str) -> Option<WidgetConfig> {
    let j = Json::parse(text)?;
    Some(WidgetConfig {
        channel_id: j.parsed("channel_id")?,
        window_title: j.str("window_title")?,
        notification_text: j.str("notification_text").unwrap_or_default(),
        button_color: j.parsed("button_color")?,
        header_color: j.parsed("header_color")?,
        welcome_message: j.str("welcome_message").unwrap_or_default(),
        input_placeholder: j.str("input_placeholder").unwrap_or_default(),
        theme: j
            .str("theme")
            .and_then(|t| Theme::parse(&t))
            .unwrap_or_default(),
        conversation_mode: j
            .str("conversation_mode")
            .and_then(|m| ConversationMode::parse(&m))
            .unwrap_or_default(),
        departments: items(j.list("departments"), |d| {
            Some(WireDepartment {
                id: d.u32("id")?,
                name: d.str("name")?,
            })
        })?,
    })
}

/// A `[a, b, …]` array's items (none if `v` is not an array).
fn tuple(v: JsValue) -> Vec<JsValue> {
    v.dyn_into::<Array>()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// What `localStorage` holds; anything unreadable starts afresh.
pub fn saved(text: &str) -> Option<Saved> {
    let j = Json::parse(text)?;
    let pairs = |key: &str| j.list(key).into_iter().map(tuple);
    Some(Saved {
        token: j.str("token"),
        conversation_id: j.parsed("conversation_id"),
        seen: j.seq("seen"),
        outbox: pairs("outbox")
            .map(|t| {
                Some((
                    t.first()?.as_string()?.parse().ok()?,
                    t.get(1)?.as_string()?,
                ))
            })
            .collect::<Option<_>>()?,
        trigger: {
            let t = tuple(j.at("trigger"));
            (|| {
                Some((
                    u32::try_from(uint(t.first()?)?).ok()?,
                    t.get(1)?.as_string()?.parse().ok()?,
                ))
            })()
        },
        department: j.u32("department"),
        contact: {
            let t = tuple(j.at("contact"));
            (|| {
                Some((
                    t.first()?.as_string()?.parse().ok()?,
                    t.get(1)?.as_string()?,
                    t.get(2)?.as_string()?,
                ))
            })()
        },
        files: pairs("files")
            .map(|t| {
                Some((
                    t.first()?.as_string()?.parse().ok()?,
                    attachment(&Json::of(t.get(1)?.clone())?)?,
                ))
            })
            .collect::<Option<_>>()?,
    })
}

pub fn saved_text(s: &Saved) -> String {
    let outbox = s
        .outbox
        .iter()
        .map(|(id, body)| array([string(id), JsValue::from_str(body)]));
    let files = s
        .files
        .iter()
        .map(|(id, a)| array([string(id), attachment_obj(a).into()]));
    Obj::new()
        .opt("token", s.token.as_ref())
        .opt("conversation_id", s.conversation_id.as_ref())
        .num("seen", s.seen.map(|q| q.0))
        .set("outbox", array(outbox))
        .set(
            "trigger",
            s.trigger.map_or(JsValue::NULL, |(t, id)| {
                array([JsValue::from(t), string(id)])
            }),
        )
        .num("department", s.department.map(u64::from))
        .set(
            "contact",
            s.contact.as_ref().map_or(JsValue::NULL, |(id, n, e)| {
                array([string(id), JsValue::from_str(n), JsValue::from_str(e)])
            }),
        )
        .set("files", array(files))
        .text()
}

/// The page's `message` event detail: `{ from, name, body }`.
pub fn message_detail(from: &str, name: Option<&str>, body: &str) -> String {
    Obj::new()
        .set("from", from)
        .opt("name", name)
        .set("body", body)
        .text()
}

/// `Parlor.identify({ externalId, name, email, signature })`.
pub fn identify(text: &str) -> Option<VisitorFrame> {
    let j = Json::parse(text)?;
    Some(VisitorFrame::Identify {
        external_id: j.str("externalId")?,
        name: j.str("name"),
        email: j.str("email"),
        signature: j.str("signature"),
    })
}

/// An error body's message (`ApiError`).
pub fn error_message(text: &str) -> Option<String> {
    Json::parse(text)?.str("message")
}
