//! A team's public website form, `/help/{team}/new`: plain HTML that works
//! without JavaScript, in the widget's languages (`?lang=`, else the
//! browser's `Accept-Language`) and with the look of the team's first
//! live-chat channel (its colours, light, dark or the reader's choice).
//! Everything a person typed is escaped; a refused submission shows every
//! problem beside its field and keeps every answer. A hidden honeypot field
//! catches bots: filled in, it gets a thank-you and makes nothing.

use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Form, FromRequest, Path, Query, State};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chat_core::help_forms::{PublicForm, Submitted};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use parlor_domain::help_form::{texts_for, FormTexts, MAX_FORM_FIELDS};
use parlor_domain::{Field, FieldKind, FormAnswers, TeamId, ValidationErrors};
use parlor_protocol::widget::Theme;
use std::collections::HashMap;

/// A submission's body at most: the message and every field fit well.
pub const MAX_FORM_BODY: usize = 128 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/help/{team}/new",
            get(page)
                .post(submit)
                .layer(DefaultBodyLimit::max(MAX_FORM_BODY)),
        )
        .route("/help/{team}/theme.css", get(theme_css))
        .route("/help/form.css", get(form_css))
}

/// `?lang=fr` picks a language, ahead of the browser's.
#[derive(serde::Deserialize)]
struct Lang {
    lang: Option<String>,
}

fn texts(query: &Lang, headers: &HeaderMap) -> &'static FormTexts {
    let accept = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    texts_for(&[query.lang.as_deref().unwrap_or_default(), accept])
}

async fn page(
    State(state): State<AppState>,
    Path(team): Path<i64>,
    Query(lang): Query<Lang>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let t = texts(&lang, &headers);
    let Some(form) = public(&state, team).await? else {
        return Ok(closed(t));
    };
    let answers = FormAnswers {
        fields: form
            .form
            .fields
            .iter()
            .map(|f| f.default_value.clone())
            .collect(),
        ..FormAnswers::default()
    };
    let request = uuid::Uuid::new_v4().to_string();
    Ok(Html(render_form(
        t,
        &form,
        &answers,
        &request,
        &ValidationErrors::default(),
    ))
    .into_response())
}

async fn submit(
    State(state): State<AppState>,
    Path(team): Path<i64>,
    Query(lang): Query<Lang>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, HttpError> {
    let peer = crate::geo::peer(request.extensions());
    let Form(body): Form<HashMap<String, String>> = Form::from_request(request, &())
        .await
        .map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let t = texts(&lang, &headers);
    let Some(form) = public(&state, team).await? else {
        return Ok(closed(t));
    };
    let value = |k: &str| body.get(k).cloned().unwrap_or_default();
    let answers = FormAnswers {
        name: value("name"),
        email: value("email"),
        subject: value("subject"),
        message: value("message"),
        fields: (0..form.form.fields.len().min(MAX_FORM_FIELDS))
            .map(|i| value(&format!("f{i}")))
            .collect(),
    };
    if !value("website").is_empty() {
        // A bot filled the field people never see.
        tracing::info!(team, "website form: honeypot filled, nothing made");
        return Ok(Html(render_done(t, &form, None)).into_response());
    }
    let request_id = value("request");
    let request_id = if uuid::Uuid::parse_str(&request_id).is_ok() {
        request_id
    } else {
        // A form posted from elsewhere without the page's id.
        uuid::Uuid::new_v4().to_string()
    };
    let from = state.geo.client_ip(&headers, peer);
    let outcome = state
        .parlor
        .help_forms()
        .submit(form.team, &answers, &request_id, t, from)
        .await?;
    Ok(match outcome {
        Submitted::Ticket { number, email } => {
            Html(render_done(t, &form, Some((number.0, email.as_str())))).into_response()
        }
        Submitted::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(render_form(t, &form, &answers, &request_id, &errors)),
        )
            .into_response(),
        Submitted::TooMany => (
            StatusCode::TOO_MANY_REQUESTS,
            Html(render_message(t, Some(&form), t.too_many, "alert")),
        )
            .into_response(),
    })
}

async fn public(state: &AppState, team: i64) -> Result<Option<PublicForm>, HttpError> {
    match state.parlor.help_forms().public(TeamId(team)).await {
        Ok(form) => Ok(Some(form)),
        Err(chat_core::Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn closed(t: &FormTexts) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(render_message(t, None, t.closed, "status")),
    )
        .into_response()
}

/// The team's colours, so the page needs no inline style.
async fn theme_css(
    State(state): State<AppState>,
    Path(team): Path<i64>,
) -> Result<Response, HttpError> {
    let css = match public(&state, team).await? {
        Some(f) => format!(
            ":root {{ --header: {}; --button: {}; }}\n",
            f.header_color.as_str(),
            f.button_color.as_str()
        ),
        None => String::new(),
    };
    Ok((
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        css,
    )
        .into_response())
}

async fn form_css() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        FORM_CSS,
    )
        .into_response()
}

fn head(t: &FormTexts, form: Option<&PublicForm>, title: &str) -> String {
    let theme = match form.map(|f| f.theme) {
        Some(Theme::Light) => "light",
        Some(Theme::Dark) => "dark",
        _ => "auto",
    };
    let team_css = form
        .map(|f| {
            format!(
                r#"<link rel="stylesheet" href="/help/{}/theme.css">"#,
                f.team.0
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}" dir="{dir}" data-theme="{theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/help/form.css">
{team_css}
</head>
<body>
<main class="help">
"#,
        lang = t.lang,
        dir = if t.rtl { "rtl" } else { "ltr" },
        title = text(title),
    )
}

const FOOT: &str = "</main>\n</body>\n</html>\n";

fn heading(t: &FormTexts, form: &PublicForm) -> String {
    format!(
        "<header><p class=\"team\">{}</p><h1>{}</h1></header>\n",
        text(&form.team_name),
        text(t.heading)
    )
}

fn render_message(t: &FormTexts, form: Option<&PublicForm>, message: &str, role: &str) -> String {
    let mut out = head(t, form, t.heading);
    if let Some(f) = form {
        out.push_str(&heading(t, f));
    }
    out.push_str(&format!(
        "<p class=\"notice\" role=\"{role}\">{}</p>\n",
        text(message)
    ));
    out.push_str(FOOT);
    out
}

fn render_done(t: &FormTexts, form: &PublicForm, ticket: Option<(i64, &str)>) -> String {
    let message = match ticket {
        Some((n, email)) => t
            .sent
            .replace("{n}", &n.to_string())
            .replace("{email}", email),
        None => t.sent.split('!').next().unwrap_or(t.sent).to_string() + "!",
    };
    render_message(t, Some(form), &message, "status")
}

/// One field: label (with "optional" when it is), help, the control, and
/// its error, tied together for screen readers.
struct Control<'a> {
    name: String,
    label: &'a str,
    help: &'a str,
    placeholder: &'a str,
    kind: FieldKind,
    required: bool,
    value: &'a str,
    error: Option<&'a str>,
    choices: &'a [String],
}

fn control(t: &FormTexts, c: Control<'_>) -> String {
    let id = format!("field-{}", c.name);
    let mut described = Vec::new();
    let mut out = String::from("<div class=\"field\">\n");
    out.push_str(&format!("<label for=\"{id}\">{}", text(c.label)));
    if !c.required {
        out.push_str(&format!(
            " <span class=\"optional\">({})</span>",
            text(t.optional)
        ));
    }
    out.push_str("</label>\n");
    if !c.help.is_empty() {
        out.push_str(&format!(
            "<p class=\"help-text\" id=\"{id}-help\">{}</p>\n",
            text(c.help)
        ));
        described.push(format!("{id}-help"));
    }
    if c.error.is_some() {
        described.push(format!("{id}-error"));
    }
    let mut common = format!(r#"id="{id}" name="{}""#, attr(&c.name));
    if c.required {
        common.push_str(" required");
    }
    if !described.is_empty() {
        common.push_str(&format!(r#" aria-describedby="{}""#, described.join(" ")));
    }
    if c.error.is_some() {
        common.push_str(r#" aria-invalid="true""#);
    }
    if !c.placeholder.is_empty() {
        common.push_str(&format!(r#" placeholder="{}""#, attr(c.placeholder)));
    }
    match c.kind {
        FieldKind::LongText => {
            out.push_str(&format!(
                "<textarea {common} rows=\"6\">{}</textarea>\n",
                text(c.value)
            ));
        }
        FieldKind::Choice => {
            out.push_str(&format!(
                "<select {common}>\n<option value=\"\">{}</option>\n",
                text(t.choose)
            ));
            for choice in c.choices {
                let selected = if choice == c.value { " selected" } else { "" };
                out.push_str(&format!(
                    "<option value=\"{}\"{selected}>{}</option>\n",
                    attr(choice),
                    text(choice)
                ));
            }
            out.push_str("</select>\n");
        }
        kind => {
            let (kind, auto) = match kind {
                FieldKind::Email => ("email", ""),
                FieldKind::Phone => ("tel", r#" autocomplete="tel""#),
                FieldKind::Url => ("url", ""),
                _ => ("text", ""),
            };
            out.push_str(&format!(
                "<input type=\"{kind}\" {common}{auto} value=\"{}\">\n",
                attr(c.value)
            ));
        }
    }
    if let Some(e) = c.error {
        out.push_str(&format!(
            "<p class=\"error\" id=\"{id}-error\">{}</p>\n",
            text(e)
        ));
    }
    out.push_str("</div>\n");
    out
}

fn render_form(
    t: &FormTexts,
    form: &PublicForm,
    answers: &FormAnswers,
    request: &str,
    errors: &ValidationErrors,
) -> String {
    let mut out = head(
        t,
        Some(form),
        &format!("{} · {}", t.heading, form.team_name),
    );
    out.push_str(&heading(t, form));
    out.push_str(&format!("<p class=\"intro\">{}</p>\n", text(t.intro)));
    if !errors.is_empty() {
        out.push_str(&format!(
            "<p class=\"notice error\" role=\"alert\">{}</p>\n",
            text(t.fix)
        ));
    }
    out.push_str(&format!(
        "<form method=\"post\" action=\"/help/{}/new?lang={}\" novalidate>\n<input type=\"hidden\" name=\"request\" value=\"{}\">\n",
        form.team.0,
        t.lang,
        attr(request)
    ));
    // People never see this field; bots fill it in.
    out.push_str("<div class=\"hp\" aria-hidden=\"true\"><label for=\"field-website\">Website</label><input id=\"field-website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>\n");
    let builtin = [
        (
            "name",
            t.name,
            FieldKind::ShortText,
            answers.name.as_str(),
            Field::DisplayName,
        ),
        (
            "email",
            t.email,
            FieldKind::Email,
            answers.email.as_str(),
            Field::Email,
        ),
        (
            "subject",
            t.subject,
            FieldKind::ShortText,
            answers.subject.as_str(),
            Field::Title,
        ),
        (
            "message",
            t.message,
            FieldKind::LongText,
            answers.message.as_str(),
            Field::Description,
        ),
    ];
    for (name, label, kind, value, field) in builtin {
        out.push_str(&control(
            t,
            Control {
                name: name.to_string(),
                label,
                help: "",
                placeholder: "",
                kind,
                required: true,
                value,
                error: errors.for_field(field),
                choices: &[],
            },
        ));
    }
    for (i, f) in form.form.fields.iter().enumerate() {
        let at = Field::FormField(u16::try_from(i).unwrap_or(u16::MAX));
        out.push_str(&control(
            t,
            Control {
                name: format!("f{i}"),
                label: &f.label,
                help: &f.description,
                placeholder: &f.placeholder,
                kind: f.kind,
                required: f.required,
                value: answers
                    .fields
                    .get(i)
                    .map(String::as_str)
                    .unwrap_or_default(),
                error: errors.for_field(at),
                choices: &f.choices,
            },
        ));
    }
    out.push_str(&format!(
        "<button type=\"submit\">{}</button>\n</form>\n",
        text(t.send)
    ));
    out.push_str(FOOT);
    out
}

/// The page's look: system fonts, the team's colours (`theme.css`), light
/// or dark as the channel says (`auto` follows the reader's setting).
const FORM_CSS: &str = r#":root { --header: #875a7b; --button: #875a7b; --bg: #f6f7f9; --card: #fff; --ink: #1f2330; --muted: #5b6474; --line: #cfd3dc; --danger: #b42318; color-scheme: light; }
[data-theme="dark"] { --bg: #15171c; --card: #1f232b; --ink: #eceef2; --muted: #a9b0bc; --line: #3a404c; --danger: #ff8a80; color-scheme: dark; }
@media (prefers-color-scheme: dark) {
  [data-theme="auto"] { --bg: #15171c; --card: #1f232b; --ink: #eceef2; --muted: #a9b0bc; --line: #3a404c; --danger: #ff8a80; color-scheme: dark; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main.help { max-width: 40rem; margin: 2rem auto; padding: 1.5rem; background: var(--card); border-radius: 12px; border-top: 6px solid var(--header); }
header .team { margin: 0; color: var(--muted); font-weight: 600; }
h1 { margin: .25rem 0 .5rem; font-size: 1.6rem; }
.intro { color: var(--muted); }
.field { margin: 1rem 0; }
label { display: block; font-weight: 600; margin-bottom: .3rem; }
.optional { font-weight: normal; color: var(--muted); }
.help-text { margin: 0 0 .3rem; color: var(--muted); font-size: .9rem; }
input, textarea, select { width: 100%; font: inherit; color: inherit; background: var(--card); padding: .55rem .65rem; border: 1px solid var(--line); border-radius: 8px; }
input:focus-visible, textarea:focus-visible, select:focus-visible, button:focus-visible { outline: 3px solid var(--button); outline-offset: 2px; }
[aria-invalid="true"] { border-color: var(--danger); }
.error { color: var(--danger); margin: .3rem 0 0; }
.notice { padding: .75rem 1rem; border-radius: 8px; border: 1px solid var(--line); }
.notice.error { border-color: var(--danger); }
button { font: inherit; font-weight: 600; color: #fff; background: var(--button); border: 0; border-radius: 8px; padding: .65rem 1.4rem; cursor: pointer; }
.hp { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 40rem) { main.help { margin: 0; border-radius: 0; min-height: 100vh; } }
"#;
