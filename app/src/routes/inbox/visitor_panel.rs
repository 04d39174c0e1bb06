//! The visitor panel beside the open conversation: where the visitor is
//! (current page, live) and comes from (referrer, country, browser and OS,
//! language, local time), what the host page told (identity and custom
//! fields, and apart from them an identity the channel did not trust, under
//! "Unverified claim": the one place staff see it), and their past
//! conversations. A right-hand column on wide
//! screens, under the header on narrow ones (style/main.css).
//!
//! Country names and the visitor's local time are worked out in the
//! operator's browser (`Intl`), so the server renders the code and the zone
//! and the names appear once the page has hydrated.

use super::panels::History;
use leptos::either::Either;
use leptos::prelude::*;
use parlor_protocol::inbox::{ConversationSummary, WireClaim, WireVisitor, WireVisitorContext};
use parlor_protocol::ConversationId;

/// Only web pages become links: a visitor could report any URL at all.
fn safe_link(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_string())
}

/// A link for a web address, else the text as it is.
fn url_view(url: String) -> AnyView {
    match safe_link(&url) {
        Some(href) => view! {
            <a href=href target="_blank" rel="noopener noreferrer">{url}</a>
        }
        .into_any(),
        None => view! { <span>{url}</span> }.into_any(),
    }
}

fn unknown() -> AnyView {
    "Unknown".into_any()
}

#[component]
pub fn VisitorPanel(
    id: ConversationId,
    summary: Memo<Option<ConversationSummary>>,
    on_open: impl Fn(ConversationId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Each part redraws only when its own data changes, not on every new
    // message of the conversation.
    let page = Memo::new(move |_| summary.with(|s| s.as_ref().and_then(|s| s.page_url.clone())));
    let context = Memo::new(move |_| {
        summary.with(|s| s.as_ref().map(|s| s.context.clone()).unwrap_or_default())
    });
    let visitor = Memo::new(move |_| {
        summary.with(|s| s.as_ref().map(|s| s.visitor.clone()).unwrap_or_default())
    });
    let country_name = RwSignal::new(None::<String>);
    let clock = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        let zone = Memo::new(move |_| context.with(|c| c.time_zone.clone()));
        let country = Memo::new(move |_| context.with(|c| c.country.clone()));
        Effect::new(move || country_name.set(country.get().and_then(|c| intl::country_name(&c))));
        let tick = move || {
            let now = zone.with_untracked(|z| z.as_deref().and_then(intl::local_time));
            let _ = clock.try_set(now);
        };
        Effect::new(move || {
            zone.track();
            tick();
        });
        // Often enough that the minute shown is never more than a few
        // seconds late.
        let timer = set_interval_with_handle(tick, std::time::Duration::from_secs(5));
        on_cleanup(move || {
            if let Ok(t) = timer {
                t.clear();
            }
        });
    }

    let fact = |label: &'static str, class: &'static str, value: AnyView| {
        view! {
            <dt>{label}</dt>
            <dd class=class>{value}</dd>
        }
    };
    let facts = move || {
        let c: WireVisitorContext = context.get();
        // Nothing at all: a conversation from before this was kept.
        let told = c != WireVisitorContext::default();
        let referrer = match c.referrer {
            Some(r) => url_view(r).into_any(),
            None if told => "None (direct)".into_any(),
            None => unknown(),
        };
        let text = |v: Option<String>| v.map_or_else(unknown, IntoAny::into_any);
        let country = match c.country {
            Some(code) => (move || match country_name.get() {
                Some(name) => format!("{name} ({code})"),
                None => code.clone(),
            })
            .into_any(),
            None => unknown(),
        };
        let time = match c.time_zone {
            Some(z) => (move || match clock.get() {
                Some(t) => format!("{t} ({z})"),
                None => z.clone(),
            })
            .into_any(),
            None => unknown(),
        };
        view! {
            {fact("Referrer", "fact-referrer", referrer)}
            {fact("Country", "fact-country", country)}
            {fact("Browser", "fact-browser", text(c.browser))}
            {fact("OS", "fact-os", text(c.os))}
            {fact("Language", "fact-language", text(c.language))}
            {fact("Local time", "fact-time", time)}
        }
    };

    view! {
        <aside class="visitor-panel" aria-label="Visitor">
            <h2>"Visitor"</h2>
            <dl class="visitor-facts">
                <dt>"Page"</dt>
                <dd class="fact-page">
                    {move || page.get().map_or_else(unknown, url_view)}
                </dd>
                {facts}
            </dl>
            {move || view! { <VisitorProfile v=visitor.get() /> }}
            <h3>"Past conversations"</h3>
            <History id on_open />
        </aside>
    }
}

/// What the host page told about the visitor (JS API): identity, with
/// whether its signature held, and custom fields; then a claim the channel
/// did not trust, apart. Nothing for anonymous visitors.
#[component]
fn VisitorProfile(v: WireVisitor) -> impl IntoView {
    let claim = v.claim.clone().map(|c| view! { <UnverifiedClaim c /> });
    let known = v.email.is_some() || v.external_id.is_some() || !v.fields.is_empty();
    let profile = known.then(|| {
        let id = v.external_id.map(|id| {
            let (class, badge) = if v.verified {
                ("badge verified", "verified")
            } else {
                ("badge unverified", "not verified")
            };
            view! {
                <dt>"External id"</dt>
                <dd>{id}" "<span class=class>{badge}</span></dd>
            }
        });
        let email = v.email.map(|e| {
            // A link only for a plain address: `?` or `&` in it could fill
            // in the operator's mail (subject, body, other recipients).
            let plain = e
                .chars()
                .all(|c| c.is_alphanumeric() || "@.-_+".contains(c));
            let link = plain.then(|| format!("mailto:{e}"));
            view! {
                <dt>"Email"</dt>
                <dd>
                    {match link {
                        Some(href) => Either::Left(view! { <a href=href>{e}</a> }),
                        None => Either::Right(view! { <span>{e}</span> }),
                    }}
                </dd>
            }
        });
        let fields = v
            .fields
            .into_iter()
            .map(|(k, val)| view! { <dt>{k}</dt><dd>{val}</dd> })
            .collect_view();
        view! { <dl class="visitor-profile">{email}{id}{fields}</dl> }
    });
    view! { {profile}{claim} }
}

/// Who the page said the visitor is, without a signature the channel
/// accepts: a forgery as likely as a mistake, so it is labelled as such and
/// shown as text only (no mail link), and nowhere else.
#[component]
fn UnverifiedClaim(c: WireClaim) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        value.map(|v| view! { <dt>{label}</dt><dd>{v}</dd> })
    };
    view! {
        <section class="unverified-claim" aria-label="Unverified claim">
            <h3>"Unverified claim"</h3>
            <p class="hint">
                "The page said the visitor is this, without a valid signature. "
                "It is not shown as their name."
            </p>
            <dl>
                {row("Name", c.name)}
                {row("Email", c.email)}
                {row("External id", Some(c.external_id))}
            </dl>
        </section>
    }
}

/// The browser's `Intl`, called through `Reflect` so that a zone or code it
/// does not know gives `None` instead of an exception.
#[cfg(feature = "hydrate")]
mod intl {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    fn get(target: &JsValue, key: &str) -> Option<JsValue> {
        Reflect::get(target, &key.into()).ok()
    }

    fn options(pairs: &[(&str, &str)]) -> Option<JsValue> {
        let o = Object::new();
        for (k, v) in pairs {
            Reflect::set(&o, &(*k).into(), &(*v).into()).ok()?;
        }
        Some(o.into())
    }

    /// "Japan" for "JP" (`Intl.DisplayNames`, in English like the rest of
    /// the admin).
    pub fn country_name(code: &str) -> Option<String> {
        let ctor: Function = get(&get(&js_sys::global(), "Intl")?, "DisplayNames")?
            .dyn_into()
            .ok()?;
        let args = Array::of2(&Array::of1(&"en".into()), &options(&[("type", "region")])?);
        let names = Reflect::construct(&ctor, &args).ok()?;
        let of: Function = get(&names, "of")?.dyn_into().ok()?;
        let name = Reflect::apply(&of, &names, &Array::of1(&code.into()))
            .ok()?
            .as_string()?;
        // Unknown codes come back unchanged.
        (name != code).then_some(name)
    }

    /// "14:05" now in an IANA zone.
    pub fn local_time(zone: &str) -> Option<String> {
        let now = js_sys::Date::new_0();
        let format: Function = get(&now, "toLocaleTimeString")?.dyn_into().ok()?;
        let opts = options(&[
            ("timeZone", zone),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ])?;
        let args = Array::of2(&"en-GB".into(), &opts);
        Reflect::apply(&format, &now, &args).ok()?.as_string()
    }
}
