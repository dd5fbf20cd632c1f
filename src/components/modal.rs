//! A modal dialog: the browser's `<dialog>` opened with `showModal()`, so focus stays inside
//! (the page behind is inert), Escape closes it, it has an accessible name, and focus returns
//! to whatever opened it.

use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// The accessible name (usually the dialog's heading).
    pub label: String,
    pub on_close: Callback<()>,
    pub testid: String,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            let opener = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(d) = dialog.cast::<web_sys::HtmlDialogElement>() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            }
            move || {
                if let Some(el) = opener {
                    let _ = el.focus();
                }
            }
        });
    }
    // Escape: the browser's own "cancel" closes through the app's state, not behind its back.
    let oncancel = {
        let c = props.on_close.clone();
        Callback::from(move |e: Event| {
            e.prevent_default();
            c.emit(());
        })
    };
    // A click on the backdrop (outside the box) closes too.
    let onclick = {
        let c = props.on_close.clone();
        let dialog = dialog.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(d) = dialog.cast::<web_sys::Element>() else {
                return;
            };
            let r = d.get_bounding_client_rect();
            let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
            let outside = x < r.left() || x > r.right() || y < r.top() || y > r.bottom();
            // Keyboard "clicks" on buttons report (0, 0): never treat them as outside.
            if outside && e.detail() > 0 {
                c.emit(());
            }
        })
    };
    html! {
        <dialog ref={dialog} class={classes!("dialog", props.class.clone())} data-testid={props.testid.clone()}
                aria-label={props.label.clone()} {oncancel} {onclick}>
            { props.children.clone() }
        </dialog>
    }
}
