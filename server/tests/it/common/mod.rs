//! Boots a real server on a loopback port with a throwaway database: a SQLite
//! file, or a PostgreSQL schema when `PARLOR_TEST_POSTGRES` is set.

#![allow(dead_code, clippy::unwrap_used)] // shared by several test binaries

pub mod ws;

use reqwest::redirect::Policy;
use server::{prepare, router, serve_on, AppState, Config};
use std::sync::Arc;

pub struct TestServer {
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    pub dir: Arc<tempfile::TempDir>,
    task: tokio::task::JoinHandle<()>,
}

pub const PASSWORD: &str = "integration-pass";

/// The database of the server whose files are in `dir`: made on first use
/// and remembered there, so a restart finds the same one.
pub async fn database_url(dir: &std::path::Path) -> String {
    let saved = dir.join("database-url");
    if let Ok(url) = std::fs::read_to_string(&saved) {
        return url;
    }
    let url = chat_core::testing::database_url(dir).await.unwrap();
    std::fs::write(&saved, &url).unwrap();
    url
}

/// A site root and a widget bundle of Trunk's shape under `dir` (their
/// content does not matter to the server): `(PARLOR_SITE_ROOT, PARLOR_WIDGET_DIR)`.
pub fn fake_assets(dir: &std::path::Path) -> (String, String) {
    let widget = dir.join("widget");
    std::fs::create_dir_all(&widget).unwrap();
    std::fs::write(
        widget.join("widget-abc123.js"),
        "export default async function(){}",
    )
    .unwrap();
    std::fs::write(widget.join("widget-abc123_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(widget.join("widget-abc123_bg.wasm.br"), b"brotli-bytes").unwrap();
    // An admin app build, as scripts/build.sh lays it out.
    let site = dir.join("site");
    let build = site.join("pkg").join("build1");
    std::fs::create_dir_all(&build).unwrap();
    std::fs::write(site.join("pkg/BUILD_ID"), "build1\n").unwrap();
    std::fs::write(build.join("parlor_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(build.join("parlor_bg.wasm.br"), b"brotli-bytes").unwrap();
    (site.display().to_string(), widget.display().to_string())
}

/// Signs in at the server on `base` and returns the session cookie.
pub async fn sign_in(base: &str, email: &str, password: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!(
            "email={}&password={password}",
            email.replace('@', "%40")
        ))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

pub async fn start() -> TestServer {
    start_in(Arc::new(tempfile::tempdir().unwrap())).await
}

/// A server on a new port over the files in `dir`: with the `dir` of a server
/// that was stopped, this is that server restarted.
pub async fn start_in(dir: Arc<tempfile::TempDir>) -> TestServer {
    start_with(dir, &[]).await
}

/// Like `start_in`, with more `PARLOR_*` settings.
pub async fn start_with(dir: Arc<tempfile::TempDir>, env: &[(&str, String)]) -> TestServer {
    let (site, widget_dir) = fake_assets(dir.path());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let db = database_url(dir.path()).await;
    let config = Config::from_lookup(|k| {
        Some(match k {
            "PARLOR_ADDR" => addr.to_string(),
            "PARLOR_DATABASE_URL" => db.clone(),
            "PARLOR_ADMIN_EMAIL" => "admin@test.example".into(),
            "PARLOR_ADMIN_PASSWORD" => PASSWORD.into(),
            "PARLOR_SITE_ROOT" => site.clone(),
            "PARLOR_WIDGET_DIR" => widget_dir.clone(),
            other => {
                return env
                    .iter()
                    .find(|(k, _)| *k == other)
                    .map(|(_, v)| v.clone())
            }
        })
    })
    .unwrap();
    let header_timeout = config.limits.header_timeout;
    let parlor = prepare(&config).await.unwrap();
    let state = AppState::new(config, parlor).unwrap();
    let app = router(state.clone());
    let task = tokio::spawn(serve_on(
        listener,
        app,
        header_timeout,
        std::future::pending(),
    ));
    TestServer {
        base: format!("http://{addr}"),
        addr,
        client: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
        state,
        dir,
        task,
    }
}

impl TestServer {
    /// Stops accepting connections and drops this server's state.
    pub fn stop(self) -> Arc<tempfile::TempDir> {
        self.task.abort();
        self.dir
    }

    pub async fn default_channel(&self) -> parlor_protocol::ChannelId {
        self.state.parlor.default_channel().await.unwrap().unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The body of a GET, as text.
    pub async fn get_text(&self, path: &str) -> String {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        res.text().await.unwrap()
    }

    /// Calls the server function at `/api/{path}` with `cookie` (none:
    /// signed out); `body` is its JSON input, `None` for one without input.
    /// The status, and the answer as JSON (as a string when it is not).
    #[allow(dead_code)] // not every test binary calls server functions
    pub async fn api(
        &self,
        cookie: Option<&str>,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.client.post(self.url(&format!("/api/{path}")));
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        req = match body {
            Some(body) => req.json(&body),
            None => req.header("content-type", "application/x-www-form-urlencoded"),
        };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, value)
    }

    /// The first admin, signed in at the service.
    pub async fn admin(&self) -> parlor_domain::User {
        self.state
            .parlor
            .sign_in("admin@test.example", PASSWORD)
            .await
            .unwrap()
            .user
    }

    /// A helpdesk team "Support" that takes tickets from `channel`'s chats,
    /// made by the first admin.
    pub async fn chat_team(&self, channel: parlor_protocol::ChannelId) -> parlor_domain::Team {
        self.state
            .parlor
            .teams()
            .create(
                &self.admin().await,
                parlor_domain::TeamInput {
                    name: "Support".into(),
                    live_chat: true,
                    channels: vec![channel],
                    ..parlor_domain::TeamInput::default()
                },
            )
            .await
            .unwrap()
    }

    /// An inbox signed in with `cookie` that sees presence frames, and its
    /// snapshot.
    pub async fn inbox(&self, cookie: &str) -> (ws::Ws, parlor_protocol::inbox::InboxFrame) {
        let mut inbox = ws::Ws::open(self, "/api/inbox/live", Some(cookie))
            .await
            .with_presence();
        let snapshot = inbox.recv().await;
        assert!(matches!(
            snapshot,
            parlor_protocol::inbox::InboxFrame::Snapshot { .. }
        ));
        (inbox, snapshot)
    }

    /// The row for `id` in the snapshot of a fresh inbox signed in with
    /// `cookie`.
    pub async fn listed(
        &self,
        cookie: &str,
        id: parlor_protocol::ConversationId,
    ) -> parlor_protocol::inbox::ConversationSummary {
        let (_inbox, snapshot) = self.inbox(cookie).await;
        let parlor_protocol::inbox::InboxFrame::Snapshot { conversations, .. } = snapshot else {
            unreachable!("checked by `inbox`")
        };
        conversations
            .into_iter()
            .find(|c| c.id == id)
            .expect("the conversation is listed")
    }

    /// A new visitor of the default channel who sees presence frames, and
    /// whether `welcome` said someone is online.
    pub async fn visitor(&self) -> (ws::Ws, bool) {
        let mut v = ws::Ws::open(self, "/widget/v1/live", None)
            .await
            .with_presence();
        let channel = self.default_channel().await;
        v.send(serde_json::json!({"type": "hello", "channel_id": channel, "token": null}))
            .await;
        match v.recv().await {
            parlor_protocol::live::ServerFrame::Welcome { online, .. } => (v, online),
            other => panic!("expected welcome, got {other:?}"),
        }
    }

    /// The default channel's identity secret (the JS API's `identify`).
    #[allow(dead_code)] // not every test binary signs
    pub async fn identity_secret(&self) -> String {
        let admin = self.admin().await;
        self.state
            .parlor
            .channel(&admin, self.default_channel().await)
            .await
            .unwrap()
            .identity
            .secret
    }

    /// Who has conversation `id` now.
    #[allow(dead_code)] // not every test binary asks
    pub async fn owner(
        &self,
        id: parlor_protocol::ConversationId,
    ) -> Option<parlor_domain::UserId> {
        self.state
            .parlor
            .inbox(&chat_core::Access::All)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.conversation.id == id)
            .unwrap()
            .conversation
            .assignee
    }

    /// The first admin, out of the default channel (its first operator),
    /// so routing there goes to the operators a test adds.
    #[allow(dead_code)] // not every test binary needs it
    pub async fn admin_stepped_out(&self) -> parlor_domain::User {
        let admin = self.admin().await;
        self.state
            .parlor
            .set_channel_operator(&admin, self.default_channel().await, admin.id, false)
            .await
            .unwrap();
        admin
    }

    /// A new staff member named `name` with `role`, in no channel, and
    /// their session cookie.
    #[allow(dead_code)] // not every test binary needs it
    pub async fn staff(
        &self,
        name: &str,
        role: parlor_domain::Role,
    ) -> (parlor_domain::User, String) {
        let email = format!("{}@test.example", name.to_lowercase());
        let password = format!("{name}-password-1");
        let user = self
            .state
            .parlor
            .create_user(
                &self.admin().await,
                parlor_domain::NewUser {
                    email: email.clone(),
                    display_name: name.into(),
                    password: password.clone(),
                    role,
                },
            )
            .await
            .unwrap();
        (user, sign_in(&self.base, &email, &password).await)
    }

    /// A new operator of the default channel named `name`, and their
    /// session cookie.
    pub async fn operator(&self, name: &str) -> (parlor_domain::User, String) {
        let parlor = &self.state.parlor;
        let admin = self.admin().await;
        let email = format!("{}@test.example", name.to_lowercase());
        let password = format!("{name}-password-1");
        let user = parlor
            .create_user(
                &admin,
                parlor_domain::NewUser {
                    email: email.clone(),
                    display_name: name.into(),
                    password: password.clone(),
                    role: parlor_domain::Role::Operator,
                },
            )
            .await
            .unwrap();
        parlor
            .set_channel_operator(&admin, self.default_channel().await, user.id, true)
            .await
            .unwrap();
        (user, sign_in(&self.base, &email, &password).await)
    }
}
