#![recursion_limit = "256"]
//! The Parlor server: configuration, start-up, and the HTTP surface. Business
//! rules live in `chat_core`; the admin app's pages and server functions come
//! from `app`. `router` is separate from `main` so tests can drive it.

pub mod config;
mod demo;
mod error;
mod files;
pub mod geo;
mod guard;
mod help_form;
pub mod limits;
mod listen;
mod ops;
mod site;
mod state;
pub mod widget;

pub use config::Config;
pub use listen::serve_on;
pub use state::AppState;

use app::{shell, App};
use axum::routing::get;
use axum::{middleware, Json, Router};
use chat_core::{FirstAdmin, Parlor};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    Core(#[from] chat_core::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Geo(#[from] geo::GeoError),
    #[error("outgoing mail: {0}")]
    Smtp(#[from] parlor_mail::smtp::SmtpSetupError),
    #[error("incoming mail: {0}")]
    Imap(#[from] parlor_mail::imap::ImapError),
}

/// How long a shutdown waits for live connections to close.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The whole HTTP surface of the main address.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx = state.server_ctx();
    Router::new()
        // Liveness: the process answers. Readiness: it can serve (the
        // database answers); a load balancer sends traffic only when ready.
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(ops::ready))
        .route("/metrics", get(ops::metrics))
        .merge(widget::routes(&state))
        .merge(files::routes())
        .merge(help_form::routes())
        .merge(site::routes(&state))
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), guard::pages))
        .layer(middleware::from_fn(guard::same_origin_api))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::per_address,
        ))
        .with_state(state)
}

/// Opens the store (running migrations), and on first run creates the first
/// admin and the default channel.
pub async fn prepare(config: &Config) -> Result<Parlor, StartError> {
    let options = chat_core::Options {
        mail: config.mail.identity.clone(),
        mail_retry: config.mail.retry,
        mail_from_environment: chat_core::mail_settings::FromEnvironment(config.mail.shown()),
    };
    let parlor = Parlor::open_with(&config.database_url, options).await?;
    parlor.set_presence_grace(config.presence_grace_secs);
    let admin = match parlor
        .ensure_first_admin(&config.admin_email, config.admin_password.as_deref())
        .await?
    {
        FirstAdmin::AlreadySetUp => None,
        FirstAdmin::Created(user) => {
            tracing::info!(email = %user.email, "created the first admin");
            Some(user)
        }
        FirstAdmin::Generated { user, password } => {
            // Shown once, on the terminal of whoever started Parlor.
            println!(
                "\n  First admin created.\n    email:    {}\n    password: {}\n  Keep it safe: it will not be shown again.\n",
                user.email, password
            );
            Some(user)
        }
    };
    // The demo host page may embed the default channel.
    let demo_site = config.demo_addr.map(|a| format!("http://{a}"));
    if let Some(channel) = parlor
        .ensure_default_channel(admin.as_ref(), demo_site.as_deref())
        .await?
    {
        tracing::info!(id = %channel.id, "created the default channel");
    }
    Ok(parlor)
}

/// Starts this node's mail supervisor, which runs the sender and the
/// mailbox intake with the settings in force (the environment's, else the
/// app's Mail page).
fn start_mail(config: &Config, parlor: &Parlor) -> Result<(), StartError> {
    // What the environment sets must work from the start: a bad CA file
    // stops the server here rather than mail later.
    if config.mail.imap.is_some() {
        parlor_mail::imap::Connector::new(config.mail.ca_file.as_deref())?;
    }
    if let (Some(endpoint), Some(identity)) = (&config.mail.smtp, &config.mail.identity) {
        parlor_mail::Smtp::new(endpoint, config.mail.ca_file.as_deref(), identity.domain())?;
    }
    tokio::spawn(parlor_mail::supervisor::run(
        parlor.clone(),
        config.mail.clone(),
    ));
    Ok(())
}

/// Binds every listener, then serves until `shutdown` resolves.
pub async fn serve(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let parlor = prepare(&config).await?;
    parlor.spawn_attachment_sweep();
    start_mail(&config, &parlor)?;
    let state = AppState::new(config.clone(), parlor)?;
    let bind = |addr| async move {
        TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })
    };
    let main_listener = bind(config.addr).await?;
    let demo_listener = match config.demo_addr {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    tracing::info!("Parlor admin on {}", config.public_url);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let parlor = state.parlor.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections; live ones are told to reconnect");
        // HTTP stops accepting; live sessions send `resync` and end.
        let _ = stop_tx.send(true);
        parlor.begin_shutdown();
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let header_timeout = config.limits.header_timeout;
    let demo = demo_listener.map(|listener| {
        if let Ok(addr) = listener.local_addr() {
            tracing::info!("demo host page on http://{addr}/");
        }
        let app = demo::router(state.clone());
        let rx = stop_rx.clone();
        tokio::spawn(serve_on(listener, app, header_timeout, stopped(rx)))
    });
    let parlor = state.parlor.clone();
    // The peer address (ConnectInfo) locates visitors for channel rules by
    // country, and counts what each address has open.
    serve_on(
        main_listener,
        router(state),
        header_timeout,
        stopped(stop_rx),
    )
    .await;
    // Upgraded sockets outlive the HTTP server; wait for their sessions to
    // end (each has been told to reconnect), so queued frames go out.
    if !parlor.drained(DRAIN_LIMIT).await {
        tracing::warn!("some live connections did not close in time");
    }
    if let Some(demo) = demo {
        let _ = demo.await;
    }
    Ok(())
}
