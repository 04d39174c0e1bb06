//! The widget's browser-free half: the window's state and the rules that
//! change it (`state`), and what is kept in the page's storage (`saved`).
//! It depends on the protocol and serde only, so its unit tests run on the
//! host (`cargo test -p widget --lib`); the bundle (main.rs) adds the
//! browser: the socket, storage, and the view.

pub mod saved;
pub mod state;
