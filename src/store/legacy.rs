//! Work saved by builds before the document store: the autosave and the named saves in
//! localStorage (as link payloads). Read once, moved into the store, then removed.

use super::record::Damaged;
use scaleboard_sim::Diagram;
use serde::Deserialize;

pub const AUTOSAVE_KEY: &str = "scaleboard.autosave";
pub const SAVES_KEY: &str = "scaleboard.saves";

/// One earlier design, or why it cannot be read.
#[derive(Clone, Debug)]
pub struct Legacy {
    /// The name it was saved under (empty for the autosave).
    pub name: String,
    pub saved_ms: Option<f64>,
    pub document: Result<Diagram, Damaged>,
}

#[derive(Deserialize)]
struct Saved {
    name: String,
    link: String,
    saved_at: f64,
}

/// The earlier designs found in the two localStorage values.
pub fn read(autosave: Option<&str>, saves: Option<&str>, now_ms: f64) -> Vec<Legacy> {
    let mut out = Vec::new();
    let decode = |origin: String, link: &str| {
        scaleboard_link::decode(link)
            .map(|d| d.diagram)
            .map_err(|e| Damaged {
                origin,
                reason: e.0,
                raw: link.to_owned(),
                found_ms: now_ms,
            })
    };
    if let Some(text) = saves {
        match serde_json::from_str::<Vec<serde_json::Value>>(text) {
            Ok(list) => {
                for (i, v) in list.into_iter().enumerate() {
                    match serde_json::from_value::<Saved>(v.clone()) {
                        Ok(s) => out.push(Legacy {
                            document: decode(
                                format!("localStorage/{SAVES_KEY}/{}", s.name),
                                &s.link,
                            ),
                            name: s.name,
                            saved_ms: Some(s.saved_at),
                        }),
                        Err(e) => out.push(Legacy {
                            name: String::new(),
                            saved_ms: None,
                            document: Err(Damaged {
                                origin: format!("localStorage/{SAVES_KEY}/{i}"),
                                reason: format!("a named save is not readable ({e})"),
                                raw: v.to_string(),
                                found_ms: now_ms,
                            }),
                        }),
                    }
                }
            }
            Err(e) => out.push(Legacy {
                name: String::new(),
                saved_ms: None,
                document: Err(Damaged {
                    origin: format!("localStorage/{SAVES_KEY}"),
                    reason: format!("the list of named saves is not readable ({e})"),
                    raw: text.to_owned(),
                    found_ms: now_ms,
                }),
            }),
        }
    }
    if let Some(link) = autosave {
        // Newest last: the autosave is what the user was working on.
        out.push(Legacy {
            name: String::new(),
            saved_ms: Some(now_ms),
            document: decode(format!("localStorage/{AUTOSAVE_KEY}"), link),
        });
    }
    out
}
