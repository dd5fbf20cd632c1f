//! "Print report": the one-page report of the run (written by the `scaleboard-report` crate,
//! the same page `scaleboard report --html` writes) shown over the editor, then handed to the
//! browser's print dialog. The page sits in its own element directly under `<body>`, so the
//! report's print rules can hide the editor and print only the page (A4 or Letter).

use crate::i18n::{tr, Lang};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReportViewProps {
    /// The report's HTML fragment (its style and its `<article>`).
    pub html: AttrValue,
    pub lang: Lang,
    pub on_close: Callback<()>,
}

fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

#[function_component]
pub fn ReportView(props: &ReportViewProps) -> Html {
    let lang = props.lang;
    // The host element, made once and put under <body> while the view is open.
    let host = use_memo((), |_| {
        let doc = web_sys::window().and_then(|w| w.document());
        let el = doc.as_ref().and_then(|d| d.create_element("div").ok());
        if let (Some(doc), Some(el)) = (&doc, &el) {
            el.set_class_name("sb-report-host");
            let _ = el.set_attribute("role", "dialog");
            let _ = el.set_attribute("aria-modal", "true");
            let _ = el.set_attribute("aria-label", tr(lang, "Run report"));
            let _ = el.set_attribute("data-testid", "report-view");
            if let Some(body) = doc.body() {
                let _ = body.append_child(el);
            }
        }
        el
    });
    let close_button = use_node_ref();
    {
        let host = host.clone();
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            // Focus inside the view, then the print dialog once the page has been laid out.
            if let Some(b) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
            let later = wasm_bindgen::closure::Closure::once_into_js(print);
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(later.unchecked_ref());
            }
            move || {
                if let Some(el) = host.as_ref() {
                    el.remove();
                }
            }
        });
    }
    let Some(host) = host.as_ref().clone() else {
        return html! {};
    };
    let on_close = props.on_close.clone();
    let onkeydown = {
        let on_close = on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_close.emit(());
            }
        })
    };
    create_portal(
        html! {
            <>
                <div class="report-actions" {onkeydown}>
                    <button class="btn btn-primary" data-testid="report-print" onclick={|_| print()}>
                        { tr(lang, "Print…") }
                    </button>
                    <button class="btn" data-testid="report-close" ref={close_button}
                            onclick={move |_| on_close.emit(())}>
                        { tr(lang, "Close") }
                    </button>
                    <span class="muted small">{ tr(lang, "One page, A4 or Letter: choose Save as PDF in the print dialog to keep it.") }</span>
                </div>
                { Html::from_html_unchecked(props.html.clone()) }
            </>
        },
        host,
    )
}
