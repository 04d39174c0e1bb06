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
    /// Looks for the files Trunk writes: the newest `widget-<hash>.js` and the
    /// `widget-<hash>_bg.wasm` of the same build. `None` if the bundle is missing.
    pub fn discover(dir: &Path) -> Option<Self> {
        let newest_js = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().to_string();
                let is_js = name.starts_with("widget") && name.ends_with(".js");
                let modified = entry.metadata().and_then(|m| m.modified()).ok()?;
                is_js.then_some((modified, name))
            })
            .max()?
            .1;
        let wasm = format!("{}_bg.wasm", newest_js.strip_suffix(".js")?);
        dir.join(&wasm).is_file().then(|| Self {
            dir: dir.to_path_buf(),
            js: newest_js,
            wasm,
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
    fn js_and_wasm_come_from_the_same_build() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("widget-old_bg.wasm"), b"x").unwrap();
        std::fs::write(dir.path().join("widget-new.js"), b"x").unwrap();
        assert!(
            WidgetAssets::discover(dir.path()).is_none(),
            "no matching wasm"
        );
        std::fs::write(dir.path().join("widget-new_bg.wasm"), b"x").unwrap();
        assert_eq!(
            WidgetAssets::discover(dir.path()).unwrap().wasm,
            "widget-new_bg.wasm"
        );
    }

    #[test]
    fn missing_bundle_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(WidgetAssets::discover(dir.path()).is_none());
        assert!(WidgetAssets::discover(&dir.path().join("nope")).is_none());
    }
}
