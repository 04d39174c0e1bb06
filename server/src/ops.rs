//! Endpoints for whoever runs Parlor: readiness and metrics (liveness is the
//! plain `/healthz` in the router).

use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Json;

/// 200 once the database answers, else 503.
pub async fn ready(State(state): State<AppState>) -> Result<impl IntoResponse, HttpError> {
    state.parlor.ready().await.map_err(HttpError::NotReady)?;
    Ok(Json(serde_json::json!({ "status": "ready" })))
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.parlor.render_metrics(),
    )
}
