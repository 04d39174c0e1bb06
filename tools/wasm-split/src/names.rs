//! `shorten-names`: after wasm-bindgen, gives the main module's JS imports
//! and its closure-invoker exports short names, in the wasm and in the glue.
//!
//! wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` and the
//! glue's closure shims keep their mangled Rust names. Both appear in the
//! wasm and in the JS, and the hashes do not compress: about 5 KB brotli of
//! every first load (docs/performance.md). Only names the glue alone
//! uses are renamed: the split loader's imports and the exports split
//! modules link against keep theirs.
//!
//! Every old name must occur in the glue as often as expected (once for an
//! import, its key in the import object; at least once for an export), or
//! the tool fails: a new wasm-bindgen that writes its glue differently stops
//! the build instead of shipping a broken page.

use std::collections::BTreeMap;
use wasm_encoder::{ExportSection, ImportSection, Module, RawSection};
use wasmparser::{Imports, Parser, Payload};

type Error = Box<dyn std::error::Error>;

/// The import module wasm-bindgen's glue provides.
fn glue_module(out_name: &str) -> String {
    format!("./{out_name}_bg.js")
}

/// The `n`th short name: a letter, then letters and digits. Valid as a JS
/// property name, and never a name wasm-bindgen or the loader uses.
fn short(prefix: &str, mut n: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut s = String::from(prefix);
    s.push(FIRST[n % FIRST.len()] as char);
    n /= FIRST.len();
    while n > 0 {
        n -= 1;
        s.push(REST[n % REST.len()] as char);
        n /= REST.len();
    }
    s
}

/// Mangled Rust symbols the glue calls (closure invokers, destructors).
fn is_glue_export(name: &str) -> bool {
    name.starts_with("_ZN")
}

pub fn shorten(wasm_path: &str, js_path: &str, out_name: &str) -> Result<(), Error> {
    let wasm = std::fs::read(wasm_path)?;
    let js = std::fs::read_to_string(js_path)?;
    let module_name = glue_module(out_name);
    let mut imports: BTreeMap<String, String> = BTreeMap::new();
    let mut exports: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Module::new();
    for payload in Parser::new(0).parse_all(&wasm) {
        let payload = payload?;
        match &payload {
            Payload::Version { .. } | Payload::End(_) => continue,
            Payload::ImportSection(reader) => {
                let mut section = ImportSection::new();
                for group in reader.clone() {
                    let Imports::Single(_, import) = group? else {
                        return Err("compact import encodings are not expected from rustc".into());
                    };
                    let name = if import.module == module_name {
                        rename(&mut imports, "", import.name, "import")?
                    } else {
                        import.name.to_string()
                    };
                    let ty: wasm_encoder::EntityType = import.ty.try_into()?;
                    section.import(import.module, &name, ty);
                }
                out.section(&section);
            }
            Payload::ExportSection(reader) => {
                let mut section = ExportSection::new();
                for export in reader.clone() {
                    let export = export?;
                    // Functions only: the split loader reads the table,
                    // memory and shared globals by their names.
                    let function = export.kind == wasmparser::ExternalKind::Func;
                    let name = if function && is_glue_export(export.name) {
                        rename(&mut exports, "_", export.name, "export")?
                    } else {
                        export.name.to_string()
                    };
                    section.export(&name, export.kind.into(), export.index);
                }
                out.section(&section);
            }
            other => {
                let Some((id, range)) = other.as_section() else {
                    continue;
                };
                out.section(&RawSection {
                    id,
                    data: &wasm[range.start as usize..range.end as usize],
                });
            }
        }
    }
    let js = rename_in_glue(&js, &imports, &exports)?;
    others_untouched(std::path::Path::new(js_path), &imports, &exports)?;
    std::fs::write(wasm_path, out.finish())?;
    std::fs::write(js_path, js)?;
    eprintln!(
        "shortened {} import and {} export names",
        imports.len(),
        exports.len()
    );
    Ok(())
}

/// Gives `old` the next short name in `names` (`what` names the kind for
/// the error); a name seen twice would give two entries one short name.
fn rename(
    names: &mut BTreeMap<String, String>,
    prefix: &str,
    old: &str,
    what: &str,
) -> Result<String, Error> {
    let new = short(prefix, names.len());
    if names.insert(old.to_string(), new.clone()).is_some() {
        return Err(format!("{what} {old} twice").into());
    }
    Ok(new)
}

/// The other scripts beside the glue (the split loader) must not name what
/// was renamed: they are not rewritten.
fn others_untouched(
    glue: &std::path::Path,
    imports: &BTreeMap<String, String>,
    exports: &BTreeMap<String, String>,
) -> Result<(), Error> {
    let dir = glue.parent().ok_or("the glue has no folder")?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path == glue || path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        if let Some(old) = imports
            .keys()
            .chain(exports.keys())
            .find(|o| text.contains(o.as_str()))
        {
            return Err(format!("{} names {old}, which was renamed", path.display()).into());
        }
    }
    Ok(())
}

/// Replaces whole identifiers only, and checks each old name's count.
fn rename_in_glue(
    js: &str,
    imports: &BTreeMap<String, String>,
    exports: &BTreeMap<String, String>,
) -> Result<String, Error> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = String::with_capacity(js.len());
    let bytes = js.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut i = 0;
    while i < bytes.len() {
        if is_ident(bytes[i]) && (i == 0 || !is_ident(bytes[i - 1])) {
            let end = (i..bytes.len())
                .find(|&j| !is_ident(bytes[j]))
                .unwrap_or(bytes.len());
            let word = &js[i..end];
            match imports.get(word).or_else(|| exports.get(word)) {
                Some(new) => {
                    *counts.entry(word).or_default() += 1;
                    out.push_str(new);
                }
                None => out.push_str(word),
            }
            i = end;
        } else {
            let ch = js[i..].chars().next().ok_or("cut inside a character")?;
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    for old in imports.keys() {
        let n = counts.get(old.as_str()).copied().unwrap_or(0);
        if n != 1 {
            return Err(format!("import {old} occurs {n} times in the glue, expected once").into());
        }
    }
    for old in exports.keys() {
        if !counts.contains_key(old.as_str()) {
            return Err(format!("export {old} is not in the glue").into());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: std::collections::HashSet<_> = (0..5000).map(|n| short("", n)).collect();
        assert_eq!(names.len(), 5000);
        assert!(names.iter().all(|n| n.as_bytes()[0].is_ascii_alphabetic()));
        assert_eq!(short("", 0), "a");
        assert_eq!(short("_", 52), "_aa");
    }

    #[test]
    fn the_glue_is_renamed_by_whole_identifiers_and_counted() {
        let imports = BTreeMap::from([("__wbg_f_0123".to_string(), "a".to_string())]);
        let exports = BTreeMap::from([("_ZN1x".to_string(), "_a".to_string())]);
        let js = "const i = { __wbg_f_0123: function() { wasm._ZN1x(); } }; x__wbg_f_0123y;";
        let out = rename_in_glue(js, &imports, &exports).unwrap();
        assert_eq!(
            out,
            "const i = { a: function() { wasm._a(); } }; x__wbg_f_0123y;"
        );
        let twice = "{ __wbg_f_0123: 1, __wbg_f_0123: 2 } wasm._ZN1x";
        assert!(rename_in_glue(twice, &imports, &exports).is_err());
        assert!(rename_in_glue("{ __wbg_f_0123: 1 }", &imports, &exports).is_err());
    }
}
