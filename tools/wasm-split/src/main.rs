//! Splits the admin app's pre-bindgen `app.wasm` at its `#[lazy]` functions,
//! as cargo-leptos `--split` does, and writes what Leptos needs at run time:
//!   <out-dir>/split_<name>.wasm, chunk_<n>.wasm   the lazily loaded modules
//!   <out-dir>/__wasm_split.<22 x _>.js             their loader
//!   <out-dir>/__wasm_split_manifest.json           split -> files, read by
//!                                                  HydrationScripts for preload links
//!   <main-out>                                     the main module, for wasm-bindgen
//! Usage: parlor-wasm-split <app.wasm> <out-dir> <main-out.wasm> <bindgen out-name>
//!        parlor-wasm-split shorten-names <bindgen wasm> <bindgen js> <bindgen out-name>
//!          (after wasm-bindgen; `names` says why)

mod names;

use std::path::Path;
use std::process::ExitCode;

/// Leptos' `HydrationScripts` looks for the loader under this name: the 22
/// underscores are cargo-leptos' placeholder for a content hash.
const LINK_NAME: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [cmd, wasm, js, out_name] = args.as_slice() {
        if cmd == "shorten-names" {
            return match names::shorten(wasm, js, out_name) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("shorten-names failed: {e}");
                    ExitCode::FAILURE
                }
            };
        }
    }
    let [input, out_dir, main_out, out_name] = args.as_slice() else {
        eprintln!("usage: parlor-wasm-split <app.wasm> <out-dir> <main-out.wasm> <out-name>");
        return ExitCode::from(2);
    };
    match run(input, Path::new(out_dir), Path::new(main_out), out_name) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm split failed: {e:?}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    input: &str,
    out_dir: &Path,
    main_out: &Path,
    out_name: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(input)?;
    let main_module = format!("./{out_name}.js");
    let mut opts = wasm_split_cli_support::Options::new(&bytes);
    opts.output_dir = out_dir;
    opts.main_out_path = main_out;
    opts.link_name = LINK_NAME;
    opts.main_module = &main_module;
    opts.target.web();
    let split = wasm_split_cli_support::transform(opts).map_err(|e| format!("{e:?}"))?;
    // Sorted, so the same input gives the same manifest bytes.
    let manifest: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    std::fs::write(
        out_dir.join("__wasm_split_manifest.json"),
        serde_json::to_vec(&manifest)?,
    )?;
    for m in &split.split_modules {
        println!("{}", m.display());
    }
    Ok(())
}
