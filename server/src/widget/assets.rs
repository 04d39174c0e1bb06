//! Finds the widget bundle Trunk built. Its file names carry a content hash,
//! so they can be cached forever; the loader points at the current ones.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct WidgetAssets {
    pub dir: PathBuf,
    /// e.g. `widget-3f2a….js`
    pub js: String,
    /// e.g. `widget-3f2a…_bg.wasm`
    pub wasm: String,
}

impl WidgetAssets {
    /// Looks for exactly the files Trunk writes; `None` if the bundle is missing.
    pub fn discover(dir: &Path) -> Option<Self> {
        let mut newest_js: Option<(std::time::SystemTime, String)> = None;
        let mut newest_wasm: Option<(std::time::SystemTime, String)> = None;
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            let slot = if name.starts_with("widget") && name.ends_with("_bg.wasm") {
                &mut newest_wasm
            } else if name.starts_with("widget") && name.ends_with(".js") {
                &mut newest_js
            } else {
                continue;
            };
            if slot.as_ref().is_none_or(|(t, _)| modified > *t) {
                *slot = Some((modified, name));
            }
        }
        Some(Self {
            dir: dir.to_path_buf(),
            js: newest_js?.1,
            wasm: newest_wasm?.1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_trunk_output_and_ignores_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "index.html",
            "widget-ab12_bg.wasm",
            "widget-ab12.js",
            "widget-ab12_bg.wasm.br",
        ] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let a = WidgetAssets::discover(dir.path()).unwrap();
        assert_eq!(a.js, "widget-ab12.js");
        assert_eq!(a.wasm, "widget-ab12_bg.wasm");
    }

    #[test]
    fn missing_bundle_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(WidgetAssets::discover(dir.path()).is_none());
        assert!(WidgetAssets::discover(&dir.path().join("nope")).is_none());
    }
}
