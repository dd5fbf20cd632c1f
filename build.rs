//! Bundles every lesson in `lessons/` into the app (as the examples are), so lessons open
//! offline and from a link without any request.

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
    let mut out = String::from("/// Every bundled lesson: (file stem, JSON text).\npub const BUNDLED: &[(&str, &str)] = &[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        let _ = writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("lessons.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
