//! The Share dialog: the whole document as a link, its length, and what to do when it is long;
//! and the same design as an `<iframe>` embed.

use crate::components::modal::Modal;
use crate::editor::View;
use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::persist;
use scaleboard_sim::Diagram;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    pub doc: Rc<Diagram>,
    pub view: View,
    /// Simulated time now (the optional playhead).
    pub time_s: f64,
    pub lang: Lang,
    pub on_close: Callback<()>,
    pub on_copied: Callback<String>,
    pub on_export_json: Callback<()>,
}

#[function_component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let lang = props.lang;
    let with_time = use_state(|| false);
    let playhead = (*with_time && props.time_s > 0.0).then_some(props.time_s);
    let url = scaleboard_link::to_url(
        &persist::page_base(),
        &persist::document(&props.doc, props.view, playhead),
    );
    let len = url.len();
    let copy = {
        let url = url.clone();
        let on_copied = props.on_copied.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&url);
            }
            on_copied.emit(url.clone());
        })
    };
    let toggle = {
        let with_time = with_time.clone();
        Callback::from(move |_| with_time.set(!*with_time))
    };
    let close = {
        let c = props.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };
    // The same design as a read-only embed for another page's iframe.
    let title = if props.doc.name.is_empty() {
        "Scaleboard".to_owned()
    } else {
        props.doc.name.clone()
    };
    let snippet = crate::embed::iframe_snippet(&crate::embed::embed_url(&url), &title);
    let copy_embed = {
        let snippet = snippet.clone();
        let on_copied = props.on_copied.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&snippet);
            }
            on_copied.emit(snippet.clone());
        })
    };
    let export = {
        let c = props.on_export_json.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <Modal testid="share-dialog" label={tr(lang, "Share this design")}
               on_close={props.on_close.clone()}>
                <h2 class="dialog-title">{ tr(lang, "Share this design") }</h2>
                <p class="muted">{ tr(lang, "The link holds the whole design, its workload and its seed: whoever opens it sees the same diagram and, pressing Play, the same run. Nothing is uploaded.") }</p>
                <textarea class="share-link" data-testid="share-link" readonly=true rows="4" value={url.clone()}
                          aria-label={tr(lang, "Link to this design")} />
                <div class="share-meta">
                    <span data-testid="share-length">{ fill(tr(lang, "{} characters"), &[&len]) }</span>
                    <label class="check">
                        <input type="checkbox" data-testid="share-playhead" checked={*with_time} onchange={toggle}
                               disabled={props.time_s <= 0.0} />
                        { fill(tr(lang, "Open at the current moment ({})"), &[&format!("t = {}", format::clock(props.time_s))]) }
                    </label>
                </div>
                if len > scaleboard_link::FILE_CHARS {
                    <p class="dialog-warning" data-testid="share-warning">
                        { tr(lang, "This link is too long to share reliably. Export the design as a file instead.") }
                        <button class="btn btn-small" onclick={export.clone()}>{ tr(lang, "Export JSON") }</button>
                    </p>
                } else if len > scaleboard_link::WARN_CHARS {
                    <p class="dialog-warning" data-testid="share-warning">
                        { tr(lang, "Some chat apps and Windows shortcuts cut links longer than 2,000 characters.") }
                    </p>
                }
                <section class="dialog-section share-embed">
                    <h3>{ tr(lang, "Embed in a page") }</h3>
                    <p class="muted small">{ tr(lang, "Paste this into a web page, course or slide: it shows the design read-only, with Play, speed, the timeline and the key figures. It never changes anyone's saved designs.") }</p>
                    <textarea class="share-link" data-testid="share-embed" readonly=true rows="3" value={snippet}
                              aria-label={tr(lang, "Embed code")} />
                    <button class="btn btn-small" data-testid="share-embed-copy" onclick={copy_embed}>{ tr(lang, "Copy embed code") }</button>
                </section>
                <div class="dialog-actions">
                    <button class="btn" onclick={close}>{ tr(lang, "Close") }</button>
                    <button class="btn btn-primary" data-testid="share-copy" onclick={copy}>{ tr(lang, "Copy link") }</button>
                </div>
        </Modal>
    }
}
