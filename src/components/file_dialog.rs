//! The File dialog: name this design, start a new one, reopen or manage Recent designs, import
//! a JSON file (every problem listed, nothing half-loaded, progress while a big one is checked),
//! export JSON, SVG, PNG or the run's metrics as CSV, or print the run's one-page report.

use crate::components::modal::Modal;
use crate::components::recent_docs::RecentDocs;
use crate::files;
use crate::i18n::{fill, tr, Lang};
use crate::keeping::DocCommand;
use crate::state::{Action, Keeping, ToastKind};
use scaleboard_sim::Diagram;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Json,
    Svg,
    Png,
    Csv,
    /// The one-page run report, shown and printed.
    Report,
}

#[derive(Properties, PartialEq)]
pub struct FileDialogProps {
    pub doc: Rc<Diagram>,
    pub keeping: Keeping,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    pub on_doc: Callback<DocCommand>,
    pub on_export: Callback<Export>,
}

/// Calls `f` after the browser has painted twice: a progress indicator shows before heavy work.
fn after_paint(f: impl FnOnce() + 'static) {
    let Some(w) = web_sys::window() else {
        return f();
    };
    let inner = Closure::once_into_js(move || {
        let later = Closure::once_into_js(f);
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(later.unchecked_ref());
        }
    });
    let _ = w.request_animation_frame(inner.unchecked_ref());
}

#[function_component]
pub fn FileDialog(props: &FileDialogProps) -> Html {
    let lang = props.lang;
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
    let rename = {
        let name = name.clone();
        let d = props.dispatch.clone();
        Callback::from(move |_| {
            let n = name.trim().to_owned();
            if n.is_empty() {
                return;
            }
            d.emit(Action::SetName(n.clone()));
            d.emit(Action::Toast {
                text: fill(tr(lang, "This design is now called “{}”"), &[&n]),
                kind: ToastKind::Info,
            });
        })
    };
    let new_design = {
        let on = props.on_doc.clone();
        Callback::from(move |_| on.emit(DocCommand::New))
    };
    let import = {
        let d = props.dispatch.clone();
        let on = props.on_doc.clone();
        let problems = problems.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let d = d.clone();
            let on = on.clone();
            let problems = problems.clone();
            problems.set(Vec::new());
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                d.emit(Action::Importing(Some(file.name())));
            }
            files::read_text(&input, move |result| match result {
                Err(e) => {
                    d.emit(Action::Importing(None));
                    problems.set(vec![e.text(lang)]);
                }
                // A comparison file opens the compare view (both variants side by side).
                Ok((_, text)) if scaleboard_sim::compare::is_comparison_json(&text) => {
                    d.emit(Action::Importing(None));
                    match scaleboard_sim::compare::Comparison::from_json(&text) {
                        Ok(c) => d.emit(Action::OpenCompare(std::rc::Rc::new(c))),
                        Err(e) => problems.set(crate::compare::file_error_lines(lang, &e)),
                    }
                }
                Ok((file, text)) => after_paint(move || match Diagram::from_json(&text) {
                    Ok(doc) => on.emit(DocCommand::Incoming {
                        doc,
                        view: None,
                        title: file,
                        playhead: None,
                    }),
                    Err(list) => {
                        d.emit(Action::Importing(None));
                        problems.set(
                            list.iter()
                                .map(|p| crate::i18n::problems::line(lang, p))
                                .collect(),
                        );
                    }
                }),
            });
            input.set_value("");
        })
    };
    let export = |kind: Export| {
        let c = props.on_export.clone();
        Callback::from(move |_| c.emit(kind))
    };
    html! {
        <Modal testid="file-dialog" class="dialog-wide" label={tr(lang, "Save, open and export")}
               on_close={let d = props.dispatch.clone(); Callback::from(move |()| d.emit(Action::CloseDialog))}>
                <h2 class="dialog-title">{ tr(lang, "Save, open and export") }</h2>
                <p class="muted small">{ tr(lang, "Every change is kept in this browser as you work, with its undo history. Each link, example or file you open becomes a design of its own in Recent designs.") }</p>
                <section class="dialog-section">
                    <h3>{ tr(lang, "This design") }</h3>
                    <div class="row">
                        <input type="text" data-testid="save-name" value={(*name).clone()} oninput={on_name}
                               aria-label={tr(lang, "Name of this design")} />
                        <button class="btn btn-primary" data-testid="save-button" onclick={rename}>{ tr(lang, "Rename") }</button>
                        <button class="btn" data-testid="new-design" onclick={new_design}>{ tr(lang, "New design") }</button>
                    </div>
                </section>
                <section class="dialog-section">
                    <h3>{ tr(lang, "Recent designs") }</h3>
                    <RecentDocs keeping={props.keeping.clone()} lang={lang} on_doc={props.on_doc.clone()} />
                    <label class="btn import">
                        { tr(lang, "Import a JSON file…") }
                        <input type="file" accept=".json,application/json" data-testid="import-file" onchange={import} />
                    </label>
                    if let Some(file) = &props.keeping.importing {
                        <p class="import-progress" data-testid="import-progress" role="status">
                            <span class="spinner" aria-hidden="true"></span>
                            { fill(tr(lang, "Reading and checking {}…"), &[file]) }
                        </p>
                    }
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
                        <button class="btn" data-testid="print-report" onclick={export(Export::Report)}
                                title={tr(lang, "A one-page summary of this run to print or save as PDF")}>{ tr(lang, "Print report") }</button>
                        <button class="btn" data-testid="record" onclick={let d = props.dispatch.clone(); Callback::from(move |_| d.emit(Action::OpenDialog(crate::state::Dialog::Record)))}
                                title={tr(lang, "The run as an animated GIF or a WebM video, frame by frame")}>{ tr(lang, "Record…") }</button>
                    </div>
                </section>
                <div class="dialog-actions">
                    <button class="btn" data-testid="file-close" onclick={close}>{ tr(lang, "Close") }</button>
                </div>
        </Modal>
    }
}
