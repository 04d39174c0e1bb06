//! The embed contract: where the loader lives and what site owners paste.
//! Both the admin's Widget tab and the demo host page use these, so the demo
//! embeds exactly what an admin copies.

use crate::ChannelId;

/// Path of a channel's loader script, relative to the Parlor origin.
pub fn loader_path(channel: ChannelId) -> String {
    format!(
        "/widget/v{}/channels/{channel}/loader.js",
        crate::PROTOCOL_VERSION
    )
}

/// The `<script>` tag a site owner pastes into `<head>`. `async`, not
/// `defer`: it neither blocks parsing nor holds `DOMContentLoaded` back, and
/// the loader itself waits for the page's first paint before it does
/// anything (server/src/widget/loader.js).
pub fn snippet(base_url: &str, channel: ChannelId) -> String {
    let base = base_url.trim_end_matches('/');
    format!(
        "<script async src=\"{base}{}\" charset=\"utf-8\"></script>",
        loader_path(channel)
    )
}

/// The sources a host page's Content-Security-Policy must allow for the
/// widget, one directive a line (docs/embedding.md): the loader and the
/// panel's module (`script-src`) and wasm (`'wasm-unsafe-eval'`), their
/// requests and the live connection (`connect-src`, fetched wasm included),
/// and attachment previews, which are `blob:` URLs (`img-src`). Styles are
/// constructed stylesheets, which no `style-src` governs; the widget uses no
/// font files.
pub fn csp(base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let authority = rest.split('/').next().unwrap_or(rest);
    let ws = if scheme == "http" { "ws" } else { "wss" };
    format!(
        "script-src {scheme}://{authority} 'wasm-unsafe-eval'\n\
         connect-src {scheme}://{authority} {ws}://{authority}\n\
         img-src blob:"
    )
}

/// A link that opens a full-page chat for the channel.
pub fn chat_link(base_url: &str, channel: ChannelId) -> String {
    format!("{}/chat/{channel}", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_one_async_script_tag() {
        let id: ChannelId = "6f1c1b0a-8a55-4f52-9d36-3f1d8b7f4b10".parse().unwrap();
        assert_eq!(
            snippet("http://127.0.0.1:3000/", id),
            "<script async src=\"http://127.0.0.1:3000/widget/v1/channels/6f1c1b0a-8a55-4f52-9d36-3f1d8b7f4b10/loader.js\" charset=\"utf-8\"></script>"
        );
        assert_eq!(
            chat_link("http://127.0.0.1:3000", id),
            "http://127.0.0.1:3000/chat/6f1c1b0a-8a55-4f52-9d36-3f1d8b7f4b10"
        );
    }

    #[test]
    fn csp_names_the_origin_and_its_websocket() {
        assert_eq!(
            csp("https://chat.example.com/parlor/"),
            "script-src https://chat.example.com 'wasm-unsafe-eval'\n\
             connect-src https://chat.example.com wss://chat.example.com\n\
             img-src blob:"
        );
        assert!(csp("http://127.0.0.1:3100")
            .contains("connect-src http://127.0.0.1:3100 ws://127.0.0.1:3100\n"));
    }
}
