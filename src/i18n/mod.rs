//! English and Korean UI text.
//!
//! Text is written in English at the call site — `tr(lang, "Play")` — and looked up in the
//! Korean tables when Korean is chosen (gettext style). A test scans the sources and fails if any
//! string passed to `tr` lacks a Korean translation, so the two languages cannot drift apart.
//! Strings with values use `{}` placeholders, filled by [`fill`].

/// Declares a translation table: `lookup(en) -> Option<ko>` as one `match`, which the compiler
/// turns into a fast string switch.
macro_rules! table {
    ($($en:literal => $ko:literal,)*) => {
        /// Every (English, Korean) pair of the table, for looking up the other way.
        #[allow(dead_code)]
        pub const PAIRS: &[(&str, &str)] = &[$(($en, $ko),)*];

        pub fn lookup(en: &str) -> Option<&'static str> {
            match en {
                $($en => Some($ko),)*
                _ => None,
            }
        }
    };
}

mod ko;
mod ko_access;
mod ko_async;
mod ko_batch;
mod ko_cache;
mod ko_classes;
mod ko_compare;
mod ko_connections;
mod ko_engine;
mod ko_examples;
mod ko_global;
mod ko_inspector;
mod ko_keeping;
mod ko_layout;
mod ko_problems;
mod ko_record;
mod ko_resilience;
mod ko_sequence;
mod ko_show;
mod ko_workshop;
pub mod problems;

pub use ko_examples::lookup as example_korean;

/// The UI language: the report crate's, so that a printed report and the editor share it.
pub use scaleboard_report::Lang;

/// Every Korean table, looked up in order (one file per area of the app).
const TABLES: &[fn(&str) -> Option<&'static str>] = &[
    ko::lookup,
    ko_inspector::lookup,
    ko_resilience::lookup,
    ko_show::lookup,
    ko_keeping::lookup,
    ko_workshop::lookup,
    ko_layout::lookup,
    ko_global::lookup,
    ko_classes::lookup,
    ko_async::lookup,
    ko_sequence::lookup,
    ko_connections::lookup,
    ko_cache::lookup,
    ko_batch::lookup,
    ko_compare::lookup,
    ko_access::lookup,
    ko_problems::lookup,
    ko_record::lookup,
    ko_engine::lookup,
];

fn korean(en: &str) -> Option<&'static str> {
    TABLES.iter().find_map(|t| t(en))
}

/// `en` in the chosen language.
pub fn tr(lang: Lang, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => korean(en).unwrap_or(en),
    }
}

/// The kind's name in `lang`.
pub fn kind_name(lang: Lang, kind: scaleboard_sim::ComponentKind) -> &'static str {
    use scaleboard_sim::ComponentKind;
    match kind {
        ComponentKind::Client => tr(lang, "Client"),
        ComponentKind::LoadBalancer => tr(lang, "Load balancer"),
        ComponentKind::Server => tr(lang, "Server"),
        ComponentKind::Cache => tr(lang, "Cache"),
        ComponentKind::Database => tr(lang, "Database"),
        ComponentKind::ShardRouter => tr(lang, "Shard router"),
        ComponentKind::TrafficManager => tr(lang, "Traffic manager"),
        ComponentKind::Cdn => tr(lang, "CDN"),
        ComponentKind::Queue => tr(lang, "Message queue"),
        ComponentKind::BatchJob => tr(lang, "Batch job"),
    }
}

/// An instance size's name in `lang` ("large" / "대형").
pub fn size_name(lang: Lang, size: scaleboard_sim::diagram::InstanceSize) -> &'static str {
    use scaleboard_sim::diagram::InstanceSize;
    match size {
        InstanceSize::Small => tr(lang, "small"),
        InstanceSize::Medium => tr(lang, "medium"),
        InstanceSize::Large => tr(lang, "large"),
        InstanceSize::Xlarge => tr(lang, "xlarge"),
        InstanceSize::Xxlarge => tr(lang, "xxlarge"),
    }
}

/// The name a new component gets: "Server 2" / "서버 2", numbered like its id.
pub fn default_label(lang: Lang, kind: scaleboard_sim::ComponentKind, id: &str) -> String {
    let n = id.rsplit('-').next().unwrap_or_default();
    format!("{} {n}", kind_name(lang, kind))
}

/// An example's title or node label in `lang` (the bundled examples are written in English).
pub fn example_text(lang: Lang, en: &str) -> String {
    match lang {
        Lang::En => en.to_owned(),
        Lang::Ko => ko_examples::lookup(en).unwrap_or(en).to_owned(),
    }
}

/// The English a bundled example wrote, given its Korean translation (the first match).
pub fn example_english(ko: &str) -> Option<&'static str> {
    ko_examples::PAIRS
        .iter()
        .find(|(_, k)| *k == ko)
        .map(|(en, _)| *en)
}

/// Whether `en` has a Korean translation (which may be identical, like "p99").
pub fn has_korean(en: &str) -> bool {
    korean(en).is_some()
}

/// Replaces each `{}` in `template` with the next argument.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        match args.next() {
            Some(a) => out.push_str(&a.to_string()),
            None => out.push_str("{}"),
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal passed to `tr(…, "…")` anywhere in `src/` has a Korean translation.
    #[test]
    fn every_ui_string_has_a_korean_translation() {
        let mut missing = Vec::new();
        let mut checked = 0;
        let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // Comments may quote `tr(…, "…")`; only code counts.
                let code: String = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                for literal in tr_literals(&code) {
                    checked += 1;
                    if !has_korean(&literal) {
                        missing.push(format!("{}: {literal:?}", path.display()));
                    }
                }
            }
        }
        assert!(
            checked > 50,
            "found only {checked} translated strings: is the scan broken?"
        );
        assert!(missing.is_empty(), "no Korean for:\n{}", missing.join("\n"));
    }

    /// The string literals in `tr(<lang>, "…")` calls (also across line breaks).
    fn tr_literals(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = src;
        while let Some(i) = rest.find("tr(") {
            // Skip identifiers that merely end in "tr" (e.g. `attr(`).
            let prev = rest[..i].chars().last();
            rest = &rest[i + 3..];
            if prev.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some(comma) = rest.find(',') else { break };
            let after = rest[comma + 1..].trim_start();
            if let Some(body) = after.strip_prefix('"') {
                let mut lit = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                lit.push(match n {
                                    'n' => '\n',
                                    other => other,
                                });
                            }
                        }
                        '"' => break,
                        c => lit.push(c),
                    }
                }
                out.push(lit);
            }
        }
        out
    }

    #[test]
    fn fill_replaces_placeholders_in_order() {
        assert_eq!(fill("{} of {}", &[&1, &"two"]), "1 of two");
        assert_eq!(fill("no args {}", &[]), "no args {}");
        assert_eq!(tr(Lang::En, "Play"), "Play");
        assert_eq!(tr(Lang::Ko, "Play"), "재생");
        assert_eq!(Lang::from_code(Lang::Ko.code()), Some(Lang::Ko));
    }
}
