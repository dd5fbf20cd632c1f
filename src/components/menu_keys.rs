//! Keyboard behaviour shared by the small menus (the node menu, the connect picker): the first
//! item takes the focus when the menu opens, Up and Down move between items.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Focuses the first button inside `menu`.
pub fn focus_first(menu: &NodeRef) {
    if let Some(b) = menu
        .cast::<web_sys::Element>()
        .and_then(|el| el.query_selector("button").ok().flatten())
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = b.focus();
    }
}

/// Up/Down move the focus to the previous/next button among the focused one's siblings.
pub fn arrows() -> Callback<KeyboardEvent> {
    Callback::from(|e: KeyboardEvent| {
        let forward = match e.key().as_str() {
            "ArrowDown" => true,
            "ArrowUp" => false,
            _ => return,
        };
        e.prevent_default();
        let Some(active) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
        else {
            return;
        };
        let step = |el: &web_sys::Element| {
            if forward {
                el.next_element_sibling()
            } else {
                el.previous_element_sibling()
            }
        };
        // Skip anything that is not an item (separators, headings).
        let mut next = step(&active);
        while let Some(el) = next.clone() {
            if el.tag_name() == "BUTTON" {
                break;
            }
            next = step(&el);
        }
        if let Some(b) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = b.focus();
        }
    })
}
