//! The File dialog: save under a name, open a saved design, import a JSON file (every problem
//! listed, nothing half-loaded), export JSON, SVG, PNG or the run's metrics as CSV.

use crate::files;
use crate::i18n::{fill, tr, Lang};
use crate::persist::{self, Saved};
use crate::state::{Action, ToastKind};
use scaleboard_sim::Diagram;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Json,
    Svg,
    Png,
    Csv,
}

#[derive(Properties, PartialEq)]
pub struct FileDialogProps {
    pub doc: Rc<Diagram>,
    /// The current work as a link payload (what a save stores).
    pub payload: String,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    pub on_export: Callback<Export>,
}

#[function_component]
pub fn FileDialog(props: &FileDialogProps) -> Html {
    let lang = props.lang;
    let saves = use_state(persist::load_saves);
    let name = use_state(|| {
        if props.doc.name.is_empty() {
            tr(lang, "Untitled design").to_owned()
        } else {
            props.doc.name.clone()
        }
    });
    let problems = use_state(Vec::<String>::new);
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::CloseDialog))
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let v: HtmlInputElement = e.target_unchecked_into();
            name.set(v.value());
        })
    };
    let save = {
        let saves = saves.clone();
        let name = name.clone();
        let payload = props.payload.clone();
        let d = props.dispatch.clone();
        Callback::from(move |_| {
            let n = name.trim().to_owned();
            if n.is_empty() {
                return;
            }
            let mut list = (*saves).clone();
            persist::upsert(
                &mut list,
                Saved {
                    name: n.clone(),
                    link: payload.clone(),
                    saved_at: persist::now_ms(),
                },
            );
            persist::store_saves(&list);
            saves.set(list);
            d.emit(Action::Toast {
                text: fill(tr(lang, "Saved as “{}”"), &[&n]),
                kind: ToastKind::Info,
            });
        })
    };
    let open = |s: &Saved| {
        let d = props.dispatch.clone();
        let s = s.clone();
        Callback::from(move |_| match scaleboard_link::decode(&s.link) {
            Ok(doc) => d.emit(Action::Load {
                view: persist::view_of(&doc),
                playhead: None,
                doc: doc.diagram,
                title: s.name.clone(),
            }),
            Err(e) => d.emit(Action::Toast {
                text: e.to_string(),
                kind: ToastKind::Error,
            }),
        })
    };
    let remove = |s: &Saved| {
        let saves = saves.clone();
        let n = s.name.clone();
        Callback::from(move |_| {
            let mut list = (*saves).clone();
            list.retain(|x| x.name != n);
            persist::store_saves(&list);
            saves.set(list);
        })
    };
    let import = {
        let d = props.dispatch.clone();
        let problems = problems.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let d = d.clone();
            let problems = problems.clone();
            files::read_text(&input, move |result| match result {
                Err(e) => problems.set(vec![e]),
                Ok((file, text)) => match Diagram::from_json(&text) {
                    Ok(doc) => {
                        problems.set(Vec::new());
                        d.emit(Action::Load {
                            title: file,
                            doc,
                            view: None,
                            playhead: None,
                        });
                    }
                    Err(list) => problems.set(list.iter().map(ToString::to_string).collect()),
                },
            });
            input.set_value("");
        })
    };
    let export = |kind: Export| {
        let c = props.on_export.clone();
        Callback::from(move |_| c.emit(kind))
    };
    html! {
        <div class="dialog-backdrop" onclick={close.clone()}>
            <div class="dialog dialog-wide" data-testid="file-dialog" role="dialog" aria-modal="true"
                 onclick={|e: MouseEvent| e.stop_propagation()}>
                <h2 class="dialog-title">{ tr(lang, "Save, open and export") }</h2>
                <p class="muted small">{ tr(lang, "Your work is saved in this browser after every change, and the page address always holds it: reloading never loses anything.") }</p>
                <section class="dialog-section">
                    <h3>{ tr(lang, "Save in this browser") }</h3>
                    <div class="row">
                        <input type="text" data-testid="save-name" value={(*name).clone()} oninput={on_name} />
                        <button class="btn btn-primary" data-testid="save-button" onclick={save}>{ tr(lang, "Save") }</button>
                    </div>
                </section>
                <section class="dialog-section">
                    <h3>{ tr(lang, "Open") }</h3>
                    <ul class="saves" data-testid="saves">
                        if saves.is_empty() {
                            <li class="muted">{ tr(lang, "No saved designs yet.") }</li>
                        }
                        { for saves.iter().map(|s| html! {
                            <li class="save-row" data-testid={format!("saved-{}", s.name)}>
                                <span class="save-name">{ &s.name }</span>
                                <span class="muted small">{ js_sys::Date::new(&s.saved_at.into()).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED).as_string().unwrap_or_default() }</span>
                                <button class="btn btn-small" data-testid={format!("open-{}", s.name)} onclick={open(s)}>{ tr(lang, "Open") }</button>
                                <button class="btn btn-small danger" onclick={remove(s)} title={tr(lang, "Delete")}>{ "✕" }</button>
                            </li>
                        }) }
                    </ul>
                    <label class="btn import">
                        { tr(lang, "Import a JSON file…") }
                        <input type="file" accept=".json,application/json" data-testid="import-file" onchange={import} />
                    </label>
                    if !problems.is_empty() {
                        <div class="import-problems" data-testid="import-problems">
                            <strong>{ fill(tr(lang, "Not imported: the file has {} problem(s)."), &[&problems.len()]) }</strong>
                            <ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                        </div>
                    }
                </section>
                <section class="dialog-section">
                    <h3>{ tr(lang, "Export") }</h3>
                    <div class="row wrap">
                        <button class="btn" data-testid="export-json" onclick={export(Export::Json)}>{ tr(lang, "Diagram (JSON)") }</button>
                        <button class="btn" data-testid="export-svg" onclick={export(Export::Svg)}>{ tr(lang, "Picture (SVG)") }</button>
                        <button class="btn" data-testid="export-png" onclick={export(Export::Png)}>{ tr(lang, "Picture (PNG)") }</button>
                        <button class="btn" data-testid="export-csv" onclick={export(Export::Csv)}>{ tr(lang, "Run metrics (CSV)") }</button>
                    </div>
                </section>
                <div class="dialog-actions">
                    <button class="btn" data-testid="file-close" onclick={close}>{ tr(lang, "Close") }</button>
                </div>
            </div>
        </div>
    }
}
