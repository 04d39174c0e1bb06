use crate::config::Config;
use crate::geo::{Geo, GeoError};
use crate::widget::assets::WidgetAssets;
use app::server_ctx::ServerCtx;
use axum::extract::FromRef;
use axum::http::request::Parts;
use chat_core::Parlor;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Shared by every handler. Server functions see the same `Parlor` through
/// `ServerCtx`, so there is one pool.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub parlor: Parlor,
    pub config: Arc<Config>,
    pub widget: Arc<Option<WidgetAssets>>,
    pub geo: Arc<Geo>,
    /// Visitor uploads per client address.
    pub upload_limits: Arc<crate::limits::PerAddress>,
    /// WebSockets and requests in progress per client address.
    #[from_ref(skip)]
    pub open_sockets: Arc<crate::limits::OpenPerAddress>,
    #[from_ref(skip)]
    pub open_requests: Arc<crate::limits::OpenPerAddress>,
    /// Upload bytes being received at once on this node.
    pub upload_budget: Arc<crate::limits::UploadBudget>,
}

impl AppState {
    /// Fails only when a configured GeoIP database cannot be read.
    pub fn new(config: Config, parlor: Parlor) -> Result<Self, GeoError> {
        let geo = Geo::new(
            config.geoip_db.as_deref(),
            config.country_header.clone(),
            config.client_ip_header.clone(),
        )?;
        let leptos_options = LeptosOptions::builder()
            .output_name(app::OUTPUT_NAME)
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir(crate::site::pkg_dir(&config.site_root))
            .site_addr(config.addr)
            .build();
        let widget = WidgetAssets::discover(&config.widget_dir);
        if widget.is_none() {
            tracing::warn!(dir = %config.widget_dir.display(), "widget bundle not found; the loader will answer 503 until it is built");
        }
        let limits = config.limits;
        Ok(Self {
            leptos_options,
            parlor,
            open_sockets: crate::limits::OpenPerAddress::new(limits.sockets_per_address),
            open_requests: crate::limits::OpenPerAddress::new(limits.requests_per_address),
            upload_budget: Arc::new(crate::limits::UploadBudget::new(
                limits.upload_bytes_in_flight,
            )),
            config: Arc::new(config),
            widget: Arc::new(widget),
            geo: Arc::new(geo),
            upload_limits: Arc::new(crate::limits::PerAddress::uploads()),
        })
    }

    pub fn server_ctx(&self) -> ServerCtx {
        ServerCtx {
            parlor: self.parlor.clone(),
            public_url: self.config.public_url.clone(),
            secure_cookies: self.config.secure_cookies,
            country: {
                let geo = self.geo.clone();
                Arc::new(move |parts: &Parts| {
                    geo.country(&parts.headers, crate::geo::peer(&parts.extensions))
                })
            },
        }
    }
}
