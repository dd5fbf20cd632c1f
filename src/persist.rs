//! The page address: it follows the open design as a share link (or, for a design too large
//! for a link, names the stored document), so a reload or a copied address never loses it.
//! Documents themselves are kept by [`crate::store`].

use crate::editor::View;
use scaleboard_link::Document;
use scaleboard_sim::Diagram;

/// Designs whose link is longer than this are addressed by document id instead (`#doc=<id>`):
/// a huge address bar helps no one, and the store keeps the design whatever its size.
pub const MAX_HASH_LINK: usize = 16_000;

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

/// What the address bar shows for a design: its link, or its document id when too long.
pub fn address_for(payload: &str, doc_id: &str) -> String {
    if payload.len() > MAX_HASH_LINK {
        format!("doc={doc_id}")
    } else {
        payload.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_the_link_unless_the_design_is_too_big_for_one() {
        assert_eq!(address_for("3.abc", "d1"), "3.abc");
        let huge = "x".repeat(MAX_HASH_LINK + 1);
        assert_eq!(address_for(&huge, "d1"), "doc=d1");
    }
}
