//! Renders a channel's loader script: the static template with the channel's
//! public config and the current bundle names filled in.

use super::assets::WidgetAssets;
use parlor_protocol::WidgetConfig;

const TEMPLATE: &str = include_str!("loader.js");
const CSS: &str = include_str!("launcher.css");
const ICONS: &str = concat!(
    r#"<svg class="i-chat" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>"#,
    r#"<svg class="i-close" viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"/></svg>"#
);

/// A JSON value as a JS literal that is also safe inside an HTML `<script>`
/// element (`<` is escaped), so visitor-visible texts can never close it.
pub fn js_literal<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The template without its comments and indentation: every visitor's
/// browser downloads it on every page. Only whole-line `//` comments and
/// `/* */` blocks that start a line are removed, so code and strings are
/// never touched.
fn compact(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let t = line.trim();
        if in_block {
            in_block = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.contains("*/");
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    out
}

pub fn render(config: &WidgetConfig, assets_base: &str, assets: &WidgetAssets) -> String {
    static COMPACT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    COMPACT
        .get_or_init(|| compact(TEMPLATE))
        .replace("__CONFIG__", &js_literal(config))
        .replace("__BASE__", &js_literal(assets_base))
        .replace("__JS__", &js_literal(&assets.js))
        .replace("__WASM__", &js_literal(&assets.wasm))
        .replace("__CSS__", &js_literal(CSS.trim()))
        .replace("__ICONS__", &js_literal(ICONS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_protocol::{ChannelId, HexColor};

    fn config(welcome: &str) -> WidgetConfig {
        WidgetConfig {
            channel_id: "0b5e1f52-54a4-4c39-a1a4-2b8f1c3f7e01"
                .parse::<ChannelId>()
                .unwrap(),
            window_title: "Help".into(),
            notification_text: String::new(),
            button_color: HexColor::from_rgb(1, 2, 3),
            header_color: HexColor::from_rgb(4, 5, 6),
            welcome_message: welcome.into(),
            input_placeholder: "Ask".into(),
            theme: Default::default(),
            conversation_mode: Default::default(),
            departments: Vec::new(),
        }
    }

    #[test]
    fn fills_every_placeholder() {
        let assets = WidgetAssets {
            dir: "/x".into(),
            js: "widget-1.js".into(),
            wasm: "widget-1_bg.wasm".into(),
        };
        let js = render(&config("hi"), "http://h/widget/v1/assets/", &assets);
        for p in [
            "__CONFIG__",
            "__BASE__",
            "__JS__",
            "__WASM__",
            "__CSS__",
            "__ICONS__",
        ] {
            assert!(!js.contains(p), "{p} left in {js}");
        }
        assert!(js.contains("\"widget-1_bg.wasm\""));
        assert!(js.contains("#010203"));
    }

    #[test]
    fn the_shipped_loader_carries_no_comments() {
        let js = compact(TEMPLATE);
        assert!(js
            .lines()
            .all(|l| !l.starts_with("//") && !l.starts_with("/*")));
        assert!(
            js.len() < TEMPLATE.len() * 3 / 4,
            "{} of {}",
            js.len(),
            TEMPLATE.len()
        );
        assert!(js.contains("w.Parlor = api;"));
        assert_eq!(
            compact("a();\n  /* one\n two */\n  // x\nb(\"//\");\n"),
            "a();\nb(\"//\");\n"
        );
    }

    #[test]
    fn texts_cannot_break_out_of_a_script_element() {
        let lit = js_literal(&config("</script><img src=x onerror=alert(1)>"));
        assert!(!lit.contains('<'));
        let back: WidgetConfig = serde_json::from_str(&lit).unwrap();
        assert_eq!(
            back.welcome_message,
            "</script><img src=x onerror=alert(1)>"
        );
    }
}
