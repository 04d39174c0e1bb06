//! The roles: admin, manager, operator (`parlor_domain::Role`).
//!
//! `every_route_checks_the_role` walks the matrix of every server function
//! the app registers and every role, over HTTP, and fails when a server
//! function is missing from its table: a new route must say who may call
//! it. The others show a manager running a shift: every channel's
//! conversations live, joining one and taking one over, each colleague's
//! load, the work's settings, and not the people or the keys.

use crate::common::ws::uuid;
use crate::common::{sign_in, start, TestServer, PASSWORD};
use parlor_domain::{
    CannedInput, ChannelSettings, ChannelSettingsInput, HelpForm, Power, Role, SearchQuery,
    TeamInput, TicketChange, TicketFilter,
};
use parlor_protocol::inbox::InboxFrame;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Who may call a route.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// Anyone, signed in or not (signing in and out).
    Public,
    /// Any signed-in staff member; what they see is filtered by their
    /// channels and teams, not refused.
    Staff,
    /// Staff whose role has this power.
    May(Power),
    /// A WebSocket: staff's inbox and desk (their frames are checked by
    /// the inbox and desk tests), or the visitors' (public, by design);
    /// not called here.
    Socket,
}

/// How the route takes its input.
enum Body {
    Json(Value),
    Form(&'static str),
}

fn json_of<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("serialisable")
}

/// Every server function, who may call it, and an input that reaches the
/// role check. Ids that exist nowhere (`MISSING`, a fresh uuid) make an
/// allowed call a harmless 404 or 400, after the check.
fn matrix(channel: &str) -> Vec<(&'static str, Who, Body)> {
    use Body::{Form, Json};
    use Who::*;
    const MISSING: i64 = 987_654;
    let nowhere = uuid();
    let settings = json_of(ChannelSettingsInput::from(&ChannelSettings::new_named(
        "Web",
    )));
    vec![
        ("/api/login", Public, Form("email=admin%40test.example&password=integration-pass")),
        ("/api/logout", Public, Form("")),
        ("/api/me", Public, Form("")), // null when signed out
        ("/api/alerts/get", Staff, Form("")),
        ("/api/alerts/set", Staff, Json(json!({"settings": json_of(parlor_domain::AlertSettings::default())}))),
        ("/api/canned/list", Staff, Form("")),
        ("/api/canned/create", May(Power::ManageCanned), Json(json!({"canned": json_of(CannedInput::default())}))),
        ("/api/canned/update", May(Power::ManageCanned), Json(json!({"id": MISSING, "canned": json_of(CannedInput::default())}))),
        ("/api/canned/delete", May(Power::ManageCanned), Json(json!({"id": MISSING}))),
        ("/api/channels/list", Staff, Form("")),
        ("/api/channels/get", Staff, Json(json!({"id": nowhere}))),
        ("/api/channels/create", May(Power::ManageChannels), Json(json!({"name": ""}))),
        ("/api/channels/update", May(Power::ManageChannels), Json(json!({"id": nowhere, "settings": settings}))),
        ("/api/channels/operator", May(Power::ManageChannels), Json(json!({"id": nowhere, "user": MISSING, "member": true}))),
        ("/api/channels/rules", May(Power::ManageChannels), Json(json!({"id": nowhere, "rules": []}))),
        ("/api/channels/sites", May(Power::ManageChannels), Json(json!({"id": nowhere, "sites": "", "in_app": false}))),
        ("/api/channels/identity", May(Power::ManageSettings), Json(json!({"id": nowhere, "required": false}))),
        ("/api/channels/triggers", May(Power::ManageChannels), Json(json!({"id": nowhere, "triggers": []}))),
        ("/api/channels/departments", May(Power::ManageChannels), Json(json!({"id": channel, "departments": "Billing"}))),
        ("/api/channels/department_member", May(Power::ManageChannels), Json(json!({"id": nowhere, "department": 1, "user": MISSING, "member": true}))),
        ("/api/helpdesk/teams", Staff, Form("")),
        ("/api/helpdesk/teams/create", May(Power::ManageHelpdesk), Json(json!({"team": json_of(TeamInput::default())}))),
        ("/api/helpdesk/teams/update", May(Power::ManageHelpdesk), Json(json!({"id": MISSING, "team": json_of(TeamInput::default())}))),
        ("/api/helpdesk/teams/delete", May(Power::ManageHelpdesk), Json(json!({"id": MISSING}))),
        ("/api/helpdesk/form", May(Power::ManageHelpdesk), Json(json!({"team": MISSING}))),
        ("/api/helpdesk/form/save", May(Power::ManageHelpdesk), Json(json!({"team": MISSING, "form": json_of(HelpForm::default())}))),
        ("/api/helpdesk/tickets", Staff, Json(json!({"filter": json_of(TicketFilter::default())}))),
        ("/api/helpdesk/tickets/get", Staff, Json(json!({"number": MISSING}))),
        ("/api/helpdesk/tickets/change", Staff, Json(json!({"number": MISSING, "change": json_of(TicketChange::default())}))),
        ("/api/helpdesk/tickets/counts", Staff, Form("")),
        ("/api/helpdesk/tickets/thread", Staff, Json(json!({"number": MISSING}))),
        ("/api/helpdesk/tickets/reply", Staff, Json(json!({"number": MISSING, "entry": {"body": "hello"}}))),
        ("/api/helpdesk/tickets/note", Staff, Json(json!({"number": MISSING, "entry": {"body": "hello"}}))),
        ("/api/helpdesk/live", Socket, Form("")),
        ("/api/inbox/live", Socket, Form("")),
        ("/api/inbox/history", Staff, Form("conversation=00000000-0000-4000-8000-000000000000")),
        ("/api/inbox/search", Staff, Json(json!({"query": json_of(SearchQuery { text: "hello".into(), ..SearchQuery::default() })}))),
        ("/api/inbox/edits", May(Power::EditAnyMessage), Form("conversation=00000000-0000-4000-8000-000000000000&message=00000000-0000-4000-8000-000000000001")),
        ("/api/settings/mail", May(Power::ManageSettings), Form("")),
        ("/api/settings/mail/save", May(Power::ManageSettings), Json(json!({"settings": json_of(parlor_domain::mail_settings::MailSettingsInput::default())}))),
        ("/api/users/list", Staff, Form("")),
        ("/api/users/create", May(Power::ManageUsers), Json(json!({"user": {"email": "new@test.example", "display_name": "New", "password": "a-long-password", "role": "operator"}}))),
        ("/api/users/presence", Staff, Form("")),
        ("/widget/v1/live", Socket, Form("")),
        ("/api/users/max_chats", May(Power::Supervise), Json(json!({"user": MISSING, "max_chats": 3}))),
    ]
}

async fn call(s: &TestServer, cookie: Option<&str>, path: &str, body: &Body) -> (u16, String) {
    let mut req = s.client.post(s.url(path));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req = match body {
        Body::Json(v) => req.json(v),
        Body::Form(f) => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(*f),
    };
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_checks_the_role() {
    let s = start().await;
    let channel = s.default_channel().await.0.to_string();
    let table = matrix(&channel);

    // Every registered server function is in the table, and nothing else.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let listed: BTreeSet<String> = table.iter().map(|(p, ..)| p.to_string()).collect();
    assert_eq!(
        registered.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "server functions missing from the role matrix"
    );
    assert_eq!(
        listed.difference(&registered).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the role matrix lists routes that no longer exist"
    );

    // Signed out: only signing in and out, and asking who is signed in,
    // answer.
    let mut failures = Vec::new();
    for (path, who, body) in &table {
        if matches!(who, Who::Socket) {
            continue;
        }
        let (status, text) = call(&s, None, path, body).await;
        if matches!(who, Who::Public) == (status == 401) {
            failures.push(format!("signed out {path}: {status} {text}"));
        }
    }

    // Each role, the least powerful first, so that what an allowed call
    // changes comes after every refusal. `logout` ends the session it is
    // called with, so it gets one of its own.
    for role in [Role::Operator, Role::Manager, Role::Admin] {
        let (user, cookie) = match role {
            Role::Admin => (
                s.admin().await,
                sign_in(&s.base, "admin@test.example", PASSWORD).await,
            ),
            _ => s.staff(role.label(), role).await,
        };
        for (path, who, body) in &table {
            let allowed = match who {
                Who::Public | Who::Staff => true,
                Who::May(power) => role.may(*power),
                Who::Socket => continue,
            };
            let cookie = if *path == "/api/logout" {
                let password = format!("{}-password-1", role.label());
                match role {
                    Role::Admin => sign_in(&s.base, "admin@test.example", PASSWORD).await,
                    _ => sign_in(&s.base, &user.email, &password).await,
                }
            } else {
                cookie.clone()
            };
            let (status, text) = call(&s, Some(&cookie), path, body).await;
            let refused = status == 403 || status == 401;
            if status >= 500 {
                failures.push(format!("{role:?} {path}: {status} {text}"));
            }
            if allowed == refused {
                failures.push(format!(
                    "{role:?} {path}: {status} {text} (expected {})",
                    if allowed { "allowed" } else { "403" }
                ));
            }
            if !allowed && status != 403 {
                failures.push(format!("{role:?} {path}: refused with {status}, not 403"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first snapshot's conversation ids and whether it says "supervisor".
fn snapshot_of(frame: &InboxFrame) -> (Vec<parlor_protocol::ConversationId>, bool) {
    match frame {
        InboxFrame::Snapshot {
            conversations,
            supervisor,
            ..
        } => (conversations.iter().map(|c| c.id).collect(), *supervisor),
        other => panic!("expected a snapshot, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_supervises_every_channel_without_operating_it() {
    let s = start().await;
    let (_ann, ann_cookie) = s.operator("Ann").await;
    let (mia, mia_cookie) = s.staff("Mia", Role::Manager).await;
    let (_olaf, olaf_cookie) = s.staff("Olaf", Role::Operator).await;

    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hello"}))
        .await;
    let (conv, _) = v.acked().await;

    // Mia operates no channel, yet sees the conversation; Olaf, in no
    // channel either, does not.
    let (mut mia_inbox, snapshot) = s.inbox(&mia_cookie).await;
    let (listed, supervisor) = snapshot_of(&snapshot);
    assert!(supervisor && listed.contains(&conv), "{snapshot:?}");
    let (_olaf_inbox, snapshot) = s.inbox(&olaf_cookie).await;
    let (listed, supervisor) = snapshot_of(&snapshot);
    assert!(!supervisor && !listed.contains(&conv), "{snapshot:?}");
    // Ann's own snapshot does not say supervisor.
    let (_ann_inbox, snapshot) = s.inbox(&ann_cookie).await;
    assert!(!snapshot_of(&snapshot).1);

    // She joins: her message reaches the visitor.
    mia_inbox
        .send(json!({"type": "send", "conversation_id": conv, "message_id": uuid(), "body": "Mia here"}))
        .await;
    v.until(|f: &Value| {
        (f["type"] == "message" && f["message"]["body"] == "Mia here").then_some(())
    })
    .await;

    // She takes it over: a transfer to herself.
    mia_inbox
        .send(
            json!({"type": "transfer", "conversation_id": conv, "note_id": uuid(),
            "to": {"kind": "operator", "user_id": mia.id.0}, "note": ""}),
        )
        .await;
    // Her inbox's row names her, and so does the store.
    mia_inbox
        .row_where(conv, |c| {
            c.assignee
                .as_ref()
                .filter(|a| a.user_id == mia.id.0)
                .map(|_| ())
        })
        .await;
    assert_eq!(s.owner(conv).await, Some(mia.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_runs_the_work_but_not_the_people_or_the_keys() {
    let s = start().await;
    let parlor = &s.state.parlor;
    let (mia, mia_cookie) = s.staff("Mia", Role::Manager).await;
    let channel = s.default_channel().await;

    // The work: a channel, a canned response, a helpdesk team. What comes
    // back never carries the identity secret.
    let made = parlor.create_channel(&mia, "Shop").await.unwrap();
    assert_eq!(made.settings.name, "Shop");
    assert!(made.identity.secret.is_empty());
    let (status, saved) = s
        .api(
            Some(&mia_cookie),
            "channels/departments",
            Some(json!({"id": channel, "departments": "Sales"})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["identity"]["secret"], "", "{saved}");
    let (status, saved) = s
        .api(
            Some(&mia_cookie),
            "channels/sites",
            Some(json!({"id": channel, "sites": "https://shop.example", "in_app": false})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["identity"]["secret"], "", "{saved}");
    parlor
        .canned()
        .create(
            &mia,
            CannedInput {
                shortcut: "hi".into(),
                body: "Hello!".into(),
            },
        )
        .await
        .unwrap();
    parlor
        .teams()
        .create(
            &mia,
            TeamInput {
                name: "Billing".into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();

    // Not the keys: the identity secret stays hidden, and mail settings
    // and users are refused.
    let seen = parlor.channel(&mia, channel).await.unwrap();
    assert!(seen.identity.secret.is_empty());
    let admin = s.admin().await;
    assert!(!parlor
        .channel(&admin, channel)
        .await
        .unwrap()
        .identity
        .secret
        .is_empty());
    let refused = parlor
        .create_user(
            &mia,
            parlor_domain::NewUser {
                email: "x@test.example".into(),
                display_name: "X".into(),
                password: "a-long-password".into(),
                role: Role::Admin,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(chat_core::Error::Forbidden)),
        "{refused:?}"
    );
    assert!(matches!(
        parlor.mail_settings().view(&mia).await,
        Err(chat_core::Error::Forbidden)
    ));
}
