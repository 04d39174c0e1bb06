//! Renders a channel's loader script: the static template with the launcher's
//! part of the channel's config and the current bundle names filled in. Each
//! rendering is compressed once, at the highest levels, and kept per channel
//! until the script changes (`Encoded::of`).

use super::assets::WidgetAssets;
use axum::body::Bytes;
use parlor_protocol::{ChannelId, HexColor, WidgetConfig};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

const TEMPLATE: &str = include_str!("loader.js");
const CSS: &str = include_str!("launcher.css");

/// What the launcher needs before the panel. The panel's texts (welcome,
/// placeholder, departments…) come from `config` on intent: they would
/// otherwise make every page view's download grow with what the admin wrote.
#[derive(Serialize)]
struct Launcher<'a> {
    id: ChannelId,
    title: &'a str,
    notice: &'a str,
    color: &'a HexColor,
}

/// A JSON value as a JS literal that is also safe inside an HTML `<script>`
/// element (`<` is escaped), so visitor-visible texts can never close it.
pub fn js_literal<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The template without its comments and most of its whitespace: every
/// visitor's browser downloads it on every page. Only whole-line `//`
/// comments and `/* */` blocks that start a line are removed; spaces go only
/// outside string literals and where no two words (or `+ +`, `- -`) would
/// meet; a line break goes only after `{ ; , (` or before `} . )`, where it
/// never ends a statement. The template keeps to what this reads safely: no
/// regex or template literals, no comment after code (a test checks).
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
        if !out.is_empty()
            && !out.ends_with(['{', ';', ',', '('])
            && !t.starts_with(['}', '.', ')'])
        {
            out.push('\n');
        }
        squeeze(t, &mut out);
    }
    out.push('\n');
    out
}

/// Appends `line` without the spaces that separate nothing.
fn squeeze(line: &str, out: &mut String) {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut quote = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c != ' ' {
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
            out.push(c);
            continue;
        }
        while chars.next_if_eq(&' ').is_some() {}
        if let (Some(prev), Some(&next)) = (out.chars().last(), chars.peek()) {
            if (word(prev) && word(next)) || (prev == next && (prev == '+' || prev == '-')) {
                out.push(' ');
            }
        }
    }
}

pub fn render(config: &WidgetConfig, assets_base: &str, assets: &WidgetAssets) -> String {
    static COMPACT: OnceLock<String> = OnceLock::new();
    let launcher = Launcher {
        id: config.channel_id,
        title: &config.window_title,
        notice: &config.notification_text,
        color: &config.button_color,
    };
    // The admin's texts go in last: a title that reads "__CSS__" must stay
    // a title, never become a placeholder.
    COMPACT
        .get_or_init(|| compact(TEMPLATE))
        .replace("__BASE__", &js_literal(assets_base))
        .replace("__JS__", &js_literal(&assets.js))
        .replace("__WASM__", &js_literal(&assets.wasm))
        .replace("__CSS__", &js_literal(CSS.trim()))
        .replace("__CONFIG__", &js_literal(&launcher))
}

/// A content coding the loader is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The best coding that `accept_encoding` (the header's values) allows.
    pub fn pick(accept_encoding: &[&str]) -> Coding {
        let accepts = |name: &str| {
            accept_encoding
                .iter()
                .flat_map(|v| v.split(','))
                .any(|item| {
                    let mut parts = item.split(';');
                    let coding = parts.next().unwrap_or_default().trim();
                    let refused = parts.any(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.trim().parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    coding.eq_ignore_ascii_case(name) && !refused
                })
        };
        if accepts("br") {
            Coding::Brotli
        } else if accepts("gzip") {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }

    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }
}

/// One rendering of a channel's loader in each coding, with its ETag.
pub struct Encoded {
    /// The hash of the script, the same in every coding (`etag` tells them
    /// apart).
    hash: String,
    identity: Bytes,
    br: Bytes,
    gzip: Bytes,
}

impl Encoded {
    /// `body` as sent: the cached copy while the channel's script is
    /// unchanged, else compressed now (brotli 11, gzip 9: milliseconds for
    /// these few KB, once per change) and kept. One entry per channel, so
    /// the cache is as large as the channel list.
    pub fn of(channel: ChannelId, body: String) -> Arc<Encoded> {
        static CACHE: OnceLock<Mutex<HashMap<ChannelId, Arc<Encoded>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let hash = hex::encode(&Sha256::digest(body.as_bytes())[..16]);
        let cached = cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&channel)
            .filter(|e| e.hash == hash)
            .cloned();
        if let Some(found) = cached {
            return found;
        }
        let encoded = Arc::new(Encoded::compress(hash, body));
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(channel, encoded.clone());
        encoded
    }

    fn compress(hash: String, body: String) -> Encoded {
        let raw = body.into_bytes();
        let mut br = Vec::with_capacity(raw.len() / 2);
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            size_hint: raw.len(),
            ..Default::default()
        };
        // Writing into a Vec cannot fail.
        let _ = brotli::BrotliCompress(&mut raw.as_slice(), &mut br, &params);
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = gzip.write_all(&raw);
        Encoded {
            hash,
            identity: raw.into(),
            br: br.into(),
            gzip: gzip.finish().unwrap_or_default().into(),
        }
    }

    /// The strong ETag of the body in `coding`: each coding is its own
    /// representation.
    pub fn etag(&self, coding: Coding) -> String {
        match coding.header() {
            Some(c) => format!("\"{}-{c}\"", self.hash),
            None => format!("\"{}\"", self.hash),
        }
    }

    /// Whether an `If-None-Match` value names this script, in any coding.
    pub fn matches(&self, if_none_match: &str) -> bool {
        if_none_match.split(',').any(|t| {
            let t = t.trim().trim_start_matches("W/");
            t.strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .and_then(|t| t.split('-').next())
                .is_some_and(|h| h == self.hash)
        })
    }

    pub fn body(&self, coding: Coding) -> Bytes {
        match coding {
            Coding::Brotli => self.br.clone(),
            Coding::Gzip => self.gzip.clone(),
            Coding::Identity => self.identity.clone(),
        }
    }
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

    fn assets() -> WidgetAssets {
        WidgetAssets {
            dir: "/x".into(),
            js: "widget-67e9d8434a22fe01.js".into(),
            wasm: "widget-67e9d8434a22fe01_bg.wasm".into(),
        }
    }

    #[test]
    fn fills_every_placeholder() {
        let js = render(
            &config("Welcome text"),
            "http://h/widget/v1/assets/",
            &assets(),
        );
        for p in ["__CONFIG__", "__BASE__", "__JS__", "__WASM__", "__CSS__"] {
            assert!(!js.contains(p), "{p} left in {js}");
        }
        assert!(js.contains("\"widget-67e9d8434a22fe01_bg.wasm\""));
        assert!(js.contains("#010203"));
        // The panel's texts come with `config`, on intent.
        assert!(!js.contains("Welcome text"));
    }

    /// Issue 16: at most 2.5 KB from Parlor's origin before the visitor
    /// acts, `display`'s few bytes included. A channel's own texts add to
    /// this (a title of 80 characters, a notice of 200).
    #[test]
    fn an_admin_text_that_names_a_placeholder_stays_text() {
        let mut c = config("");
        c.window_title = "__CSS__ __JS__".into();
        let js = render(&c, "http://h/", &assets());
        assert!(js.contains(r#""title":"__CSS__ __JS__""#), "{js}");
    }

    #[test]
    fn the_loader_fits_its_byte_budget_and_a_strict_csp() {
        let mut c = config("");
        c.window_title = "Chat with us".into();
        let js = render(&c, "https://chat.example.com/widget/v1/assets/", &assets());
        let encoded = Encoded::compress(String::new(), js.clone());
        assert!(encoded.br.len() <= 2400, "{} B brotli", encoded.br.len());
        assert!(encoded.gzip.len() < 3000, "{} B gzip", encoded.gzip.len());
        for refused in [
            "<style",
            "style=",
            "innerHTML",
            "eval(",
            "Function(",
            "cssText",
        ] {
            assert!(!js.contains(refused), "{refused}");
        }
    }

    #[test]
    fn codings_follow_accept_encoding() {
        let pick = |h: &'static str| Coding::pick(&[h]);
        assert_eq!(pick("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(pick("gzip"), Coding::Gzip);
        assert_eq!(pick("br;q=0, GZIP;q=0.5"), Coding::Gzip);
        assert_eq!(pick("br; q=0.0"), Coding::Identity);
        assert_eq!(pick("identity"), Coding::Identity);
        assert_eq!(Coding::pick(&["deflate", "br"]), Coding::Brotli);
        assert_eq!(Coding::pick(&[]), Coding::Identity);
    }

    #[test]
    fn compressed_once_per_channel_until_the_script_changes() {
        let channel: ChannelId = "6a1b9e0e-3f43-4d7e-9d0e-5b8f3f9d2c11".parse().unwrap();
        let body = render(&config(""), "http://h/", &assets());
        let first = Encoded::of(channel, body.clone());
        assert!(Arc::ptr_eq(&first, &Encoded::of(channel, body.clone())));
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut first.body(Coding::Brotli).as_ref(), &mut out).unwrap();
        assert_eq!(out, body.as_bytes());
        let mut out = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(first.body(Coding::Gzip).as_ref()),
            &mut out,
        )
        .unwrap();
        assert_eq!(out, body);
        assert_eq!(first.body(Coding::Identity), body.as_bytes());

        let etag = first.etag(Coding::Brotli);
        assert!(etag.ends_with("-br\""), "{etag}");
        assert!(first.matches(&etag));
        assert!(first.matches(&format!("\"x\", W/{}", first.etag(Coding::Gzip))));
        assert!(first.matches(&first.etag(Coding::Identity)));

        let changed = Encoded::of(channel, body.replace("#010203", "#e4572e"));
        assert!(!Arc::ptr_eq(&first, &changed));
        assert!(!changed.matches(&etag));
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
        assert!(js.contains("w.Parlor=api;"));
        assert_eq!(
            compact("a();\n  /* one\n two */\n  // x\nb(\"//\");\n"),
            "a();b(\"//\");\n"
        );
        assert_eq!(
            compact("var a = b + +c - -d;\nif (x) {\n  y(\"a  \\\" b\", 'c , d');\n}\nreturn\nz\n  .then(q)\n"),
            "var a=b+ +c- -d;if(x){y(\"a  \\\" b\",'c , d');}\nreturn\nz.then(q)\n"
        );
        // What compact cannot read safely stays out of the template.
        for bad in ['`', '/'] {
            let outside_strings = js.split('"').step_by(2).collect::<String>();
            assert!(!outside_strings.contains(bad), "{bad} in {js}");
        }
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
