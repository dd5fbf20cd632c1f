//! The Examples menu of the toolbar: a button that opens a list of examples.
//!
//! A menu rather than a `<select>`: a closed select loads an example on every arrow key or
//! typed letter, which threw keyboard users' work away. Here nothing loads until an item is
//! chosen (click, Enter or Space); Up/Down move between items, Escape closes the menu and gives
//! the focus back to the button.

use super::menu_keys;
use crate::examples::EXAMPLES;
use crate::i18n::{tr, Lang};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExamplesMenuProps {
    pub lang: Lang,
    /// Open an example by slug.
    pub on_example: Callback<&'static str>,
}

#[function_component]
pub fn ExamplesMenu(props: &ExamplesMenuProps) -> Html {
    let lang = props.lang;
    let open = use_state(|| false);
    let button_ref = use_node_ref();
    let list_ref = use_node_ref();

    {
        let list = list_ref.clone();
        use_effect_with(*open, move |open| {
            if *open {
                menu_keys::focus_first(&list);
            }
        });
    }
    let close_and_refocus = {
        let open = open.clone();
        let button = button_ref.clone();
        Callback::from(move |_: ()| {
            open.set(false);
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    // Down/Up on the closed button open the menu, as menu buttons do.
    let on_button_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if matches!(e.key().as_str(), "ArrowDown" | "ArrowUp") {
                e.prevent_default();
                open.set(true);
            }
        })
    };
    let arrows = menu_keys::arrows();
    let on_list_key = {
        let close = close_and_refocus.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                close.emit(());
            }
            "Tab" => close.emit(()),
            "Home" | "End" => {
                e.prevent_default();
                let target = e
                    .current_target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let item = target.and_then(|list| {
                    if e.key() == "Home" {
                        list.first_element_child()
                    } else {
                        list.last_element_child()
                    }
                });
                if let Some(b) = item.and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = b.focus();
                }
            }
            _ => arrows.emit(e),
        })
    };
    let close_backdrop = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };

    html! {
        <div class="examples-menu">
            <button class={classes!("btn", "examples", open.then_some("is-open"))} data-testid="examples"
                    ref={button_ref} aria-haspopup="menu" aria-expanded={open.to_string()}
                    aria-controls="examples-list" title={tr(lang, "Open an example")}
                    onclick={toggle} onkeydown={on_button_key}>
                <span class="examples-label">{ tr(lang, "Examples…") }</span>
                <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" fill="currentColor"><path d="M1 3h8L5 8z"/></svg>
            </button>
            if *open {
                <div class="menu-backdrop" onclick={close_backdrop}></div>
                <div id="examples-list" class="examples-list" role="menu" ref={list_ref}
                     data-testid="examples-menu" aria-label={tr(lang, "Examples")} onkeydown={on_list_key}>
                    { for EXAMPLES.iter().map(|ex| {
                        let pick = {
                            let cb = props.on_example.clone();
                            let close = close_and_refocus.clone();
                            let slug = ex.slug;
                            Callback::from(move |_: MouseEvent| {
                                close.emit(());
                                cb.emit(slug);
                            })
                        };
                        html! {
                            <button class="menu-item" role="menuitem" data-testid={format!("examples-item-{}", ex.slug)}
                                    data-slug={ex.slug} onclick={pick}>
                                { ex.title(lang) }
                            </button>
                        }
                    }) }
                    // Comparisons: two designs side by side (not examples: their own test ids).
                    <div class="menu-separator" role="separator"></div>
                    { for [
                        (crate::compare::SMALL_VS_BIG, "compare-example-small-vs-big", tr(lang, "Side by side: small vs big, the same traffic")),
                        (crate::compare::WITH_CURRENT, "compare-with-current", tr(lang, "Compare this design with…")),
                    ].into_iter().map(|(slug, testid, text)| {
                        let pick = {
                            let cb = props.on_example.clone();
                            let close = close_and_refocus.clone();
                            Callback::from(move |_: MouseEvent| {
                                close.emit(());
                                cb.emit(slug);
                            })
                        };
                        html! {
                            <button class="menu-item" role="menuitem" data-testid={testid} onclick={pick}>
                                { text }
                            </button>
                        }
                    }) }
                </div>
            }
        </div>
    }
}
