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

/// The `<script>` tag a site owner pastes into `<head>`.
pub fn snippet(base_url: &str, channel: ChannelId) -> String {
    let base = base_url.trim_end_matches('/');
    format!(
        "<script async src=\"{base}{}\" charset=\"utf-8\"></script>",
        loader_path(channel)
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
}
