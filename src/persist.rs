//! Keeping work: the page's URL follows the document (a reload never loses anything), every
//! change is autosaved to localStorage, and designs can be saved under a name.
//!
//! The pure parts — what to open at start-up, the list of named saves — are tested natively;
//! the rest is thin glue over `location`, `history` and `localStorage`.

use crate::editor::View;
use crate::i18n::{fill, tr, Lang};
use scaleboard_link::Document;
use scaleboard_sim::Diagram;
use serde::{Deserialize, Serialize};

pub const AUTOSAVE_KEY: &str = "scaleboard.autosave";
pub const SAVES_KEY: &str = "scaleboard.saves";

/// The link-format document of the current work.
pub fn document(doc: &Diagram, view: View, playhead_s: Option<f64>) -> Document {
    Document {
        diagram: doc.clone(),
        view: Some(scaleboard_link::View {
            x: view.x,
            y: view.y,
            zoom: view.zoom,
        }),
        playhead_s,
    }
}

pub fn view_of(doc: &Document) -> Option<View> {
    doc.view.map(|v| View {
        x: v.x,
        y: v.y,
        zoom: v.zoom.clamp(
            crate::editor::geometry::MIN_ZOOM,
            crate::editor::geometry::MAX_ZOOM,
        ),
    })
}

/// What the app opens when it starts.
#[derive(Debug, PartialEq)]
pub struct Startup {
    pub doc: Option<Document>,
    /// The document came from the URL (not from autosave).
    pub from_link: bool,
    /// A message for the user when something could not be opened.
    pub error: Option<String>,
}

/// Chooses the start-up document: the link in the URL if there is one and it opens; otherwise
/// the last autosaved work. A damaged link never costs the user their earlier work.
pub fn startup(hash: &str, autosave: Option<&str>, lang: Lang) -> Startup {
    let hash = hash.trim_start_matches('#');
    let saved = || autosave.and_then(|a| scaleboard_link::decode(a).ok());
    if !hash.is_empty() {
        match scaleboard_link::decode(hash) {
            Ok(doc) => {
                return Startup {
                    doc: Some(doc),
                    from_link: true,
                    error: None,
                }
            }
            Err(e) => {
                let doc = saved();
                let fallback = if doc.is_some() {
                    tr(lang, "Your last autosaved work is open instead.")
                } else {
                    tr(lang, "You are starting from an empty canvas.")
                };
                let error = fill(
                    tr(lang, "This link could not be opened — {}. {}"),
                    &[&localize(&e, lang), &fallback],
                );
                return Startup {
                    doc,
                    from_link: false,
                    error: Some(error),
                };
            }
        }
    }
    match autosave {
        None => Startup {
            doc: None,
            from_link: false,
            error: None,
        },
        Some(text) => match scaleboard_link::decode(text) {
            Ok(doc) => Startup {
                doc: Some(doc),
                from_link: false,
                error: None,
            },
            Err(e) => Startup {
                doc: None,
                from_link: false,
                error: Some(fill(
                    tr(lang, "Your autosaved work could not be read — {}."),
                    &[&localize(&e, lang)],
                )),
            },
        },
    }
}

/// The link error in the user's language (the detail stays as the decoder wrote it).
fn localize(e: &scaleboard_link::LinkError, lang: Lang) -> String {
    fill(tr(lang, "this link is damaged: {}"), &[&e.0])
}

/// A design saved under a name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub name: String,
    /// The document as a link payload.
    pub link: String,
    /// Milliseconds since 1970.
    pub saved_at: f64,
}

/// The named saves stored as `text`; anything unreadable is skipped, not fatal.
pub fn parse_saves(text: Option<&str>) -> Vec<Saved> {
    let Some(text) = text else {
        return Vec::new();
    };
    serde_json::from_str::<Vec<serde_json::Value>>(text)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect()
}

/// Adds or replaces the save called `entry.name`, newest first.
pub fn upsert(list: &mut Vec<Saved>, entry: Saved) {
    list.retain(|s| s.name != entry.name);
    list.insert(0, entry);
}

// ---- Browser glue ----

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The URL fragment (without `#`), percent-decoding nothing: links are base64url.
pub fn current_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_owned()
}

/// The page address without its fragment: the base of share links.
pub fn page_base() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Puts `payload` in the address bar without adding a history entry or reloading.
pub fn write_hash(payload: &str) {
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{payload}")),
        );
    }
}

pub fn load_autosave() -> Option<String> {
    crate::storage::get(AUTOSAVE_KEY)
}

pub fn save_autosave(payload: &str) {
    crate::storage::set(AUTOSAVE_KEY, payload);
}

pub fn load_saves() -> Vec<Saved> {
    parse_saves(crate::storage::get(SAVES_KEY).as_deref())
}

pub fn store_saves(list: &[Saved]) {
    if let Ok(text) = serde_json::to_string(list) {
        crate::storage::set(SAVES_KEY, &text);
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic() -> Diagram {
        Diagram::from_json(include_str!("../examples/basic.json")).unwrap()
    }

    #[test]
    fn a_good_link_wins_over_autosave() {
        let link = scaleboard_link::encode(&document(&basic(), View::default(), Some(3.0)));
        let other = scaleboard_link::encode(&Document::new(Diagram::default()));
        let s = startup(&format!("#{link}"), Some(&other), Lang::En);
        assert!(s.from_link && s.error.is_none());
        let doc = s.doc.unwrap();
        assert_eq!(doc.diagram, basic());
        assert_eq!(doc.playhead_s, Some(3.0));
        assert_eq!(view_of(&doc), Some(View::default()));
    }

    #[test]
    fn a_damaged_link_opens_the_autosave_and_says_why() {
        let saved = scaleboard_link::encode(&Document::new(basic()));
        let s = startup("#1.this-is-not-a-link", Some(&saved), Lang::En);
        assert!(!s.from_link);
        assert_eq!(s.doc.unwrap().diagram, basic(), "earlier work is intact");
        let e = s.error.unwrap();
        assert!(e.contains("this link is damaged"), "{e}");
        assert!(e.contains("autosaved work is open instead"), "{e}");
        let s = startup("#garbage", None, Lang::Ko);
        assert!(s.doc.is_none());
        assert!(s.error.unwrap().contains("빈 캔버스"));
    }

    #[test]
    fn no_link_opens_the_autosave_and_a_corrupt_autosave_is_reported() {
        let saved = scaleboard_link::encode(&Document::new(basic()));
        assert_eq!(
            startup("", Some(&saved), Lang::En).doc.unwrap().diagram,
            basic()
        );
        assert_eq!(
            startup("", None, Lang::En),
            Startup {
                doc: None,
                from_link: false,
                error: None
            }
        );
        let s = startup("", Some("1.%%%"), Lang::En);
        assert!(s.doc.is_none());
        assert!(s
            .error
            .unwrap()
            .contains("autosaved work could not be read"));
    }

    #[test]
    fn named_saves_replace_by_name_and_survive_junk() {
        let mut list = parse_saves(Some(
            r#"[{"name":"a","link":"1.x","saved_at":1.0}, 42, {"bad":true}]"#,
        ));
        assert_eq!(list.len(), 1);
        upsert(
            &mut list,
            Saved {
                name: "b".into(),
                link: "1.y".into(),
                saved_at: 2.0,
            },
        );
        upsert(
            &mut list,
            Saved {
                name: "a".into(),
                link: "1.z".into(),
                saved_at: 3.0,
            },
        );
        assert_eq!(
            list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(list[0].link, "1.z");
        assert!(parse_saves(Some("not json")).is_empty());
        assert!(parse_saves(None).is_empty());
    }
}
