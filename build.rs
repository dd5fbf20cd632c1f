//! Lists every lesson in `lessons/` for the app (`LESSON_FILES`) and, for native builds (the
//! tests), bundles them too (`BUNDLED`). The browser build does not carry them: they are 105 KB
//! of the gzipped wasm that the first screen does not need, so the page fetches them from
//! `lessons/` (Trunk copies the folder beside the app; src/lessons.rs) once it is running, and
//! the service worker keeps them for offline use.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    let mut files: Vec<_> = std::fs::read_dir("lessons")
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    // The browser build fetches the lessons instead of carrying them (see above).
    let bundle = std::env::var("CARGO_CFG_TARGET_ARCH").map_or(true, |a| a != "wasm32");
    let mut out = String::from("/// Every lesson's file name in `lessons/`, in name order.\npub const LESSON_FILES: &[&str] = &[\n");
    for p in &files {
        let name = p.file_name().and_then(|s| s.to_str()).unwrap_or_default();
        let _ = writeln!(out, "    {name:?},");
    }
    out.push_str("];\n/// Every bundled lesson (native builds): (file stem, JSON text).\n#[allow(dead_code)]\npub const BUNDLED: &[(&str, &str)] = &[\n");
    for p in files.iter().filter(|_| bundle) {
        println!("cargo:rerun-if-changed={}", p.display());
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        // The bundled copy without the indentation: a fifth of the lessons' bytes in the wasm.
        let text = match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => panic!("cannot read {}: {e}", p.display()),
        };
        let small = out_dir.join(format!("lesson-{stem}.json"));
        if let Err(e) = std::fs::write(&small, minify_json(&text)) {
            panic!("cannot write {}: {e}", small.display());
        }
        let _ = writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            small.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = out_dir.join("lessons.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// JSON without the whitespace between tokens (strings, escapes included, are copied as they
/// are): the same document, so what a lesson reads is unchanged (tested in `lessons.rs`).
fn minify_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}
