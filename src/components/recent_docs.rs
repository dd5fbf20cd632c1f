//! Recent designs: every document kept in this browser, newest first, to reopen, rename,
//! duplicate or delete (into a bin, restorable), and damaged data kept aside for download.

use crate::i18n::{fill, tr, Lang};
use crate::keeping::DocCommand;
use crate::state::Keeping;
use crate::store::DocMeta;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RecentDocsProps {
    pub keeping: Keeping,
    pub lang: Lang,
    pub on_doc: Callback<DocCommand>,
    /// Show the bin and the damaged data too (the File dialog does; the empty canvas not).
    #[prop_or(true)]
    pub full: bool,
    /// At most this many live documents.
    #[prop_or(usize::MAX)]
    pub limit: usize,
}

/// A moment as the reader's language writes dates and times.
fn when(ms: f64, lang: Lang) -> String {
    let locale = match lang {
        Lang::Ko => "ko-KR",
        Lang::En => "default",
    };
    js_sys::Date::new(&ms.into())
        .to_locale_string(locale, &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

fn name_of(m: &DocMeta, lang: Lang) -> String {
    if m.name.trim().is_empty() {
        tr(lang, "Untitled design").into()
    } else {
        m.name.clone()
    }
}

#[function_component]
pub fn RecentDocs(props: &RecentDocsProps) -> Html {
    let lang = props.lang;
    let renaming = use_state(|| None::<String>);
    // The name being typed: the list re-renders when the store changes (an autosave), and Yew
    // resets an input to its `value` on each re-render.
    let draft = use_state(|| None::<String>);
    let k = &props.keeping;
    let live: Vec<&DocMeta> = k
        .docs
        .iter()
        .filter(|m| m.deleted_ms.is_none())
        .take(props.limit)
        .collect();
    let binned: Vec<&DocMeta> = k.docs.iter().filter(|m| m.deleted_ms.is_some()).collect();
    let cmd = |c: DocCommand| {
        let on = props.on_doc.clone();
        Callback::from(move |_: MouseEvent| on.emit(c.clone()))
    };
    let row = |m: &DocMeta| {
        let current = m.id == k.doc_id;
        let name = name_of(m, lang);
        let editing = renaming.as_deref() == Some(m.id.as_str());
        let start_rename = {
            let (renaming, draft) = (renaming.clone(), draft.clone());
            let id = m.id.clone();
            Callback::from(move |_: MouseEvent| {
                draft.set(None);
                renaming.set(Some(id.clone()));
            })
        };
        let on_input = {
            let draft = draft.clone();
            Callback::from(move |e: InputEvent| {
                draft.set(Some(e.target_unchecked_into::<HtmlInputElement>().value()));
            })
        };
        let on_key = {
            let renaming = renaming.clone();
            let on = props.on_doc.clone();
            let id = m.id.clone();
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Enter" => {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let name = input.value().trim().to_owned();
                    if !name.is_empty() {
                        on.emit(DocCommand::Rename {
                            id: id.clone(),
                            name,
                        });
                    }
                    renaming.set(None);
                }
                "Escape" => {
                    e.stop_propagation();
                    renaming.set(None);
                }
                _ => {}
            })
        };
        let summary = fill(
            tr(lang, "{} components · {}"),
            &[&m.nodes, &when(m.updated_ms, lang)],
        );
        html! {
            <li class={classes!("recent-row", current.then_some("recent-current"))} data-testid="recent-doc"
                data-doc-id={m.id.clone()} data-current={current.to_string()} data-nodes={m.nodes.to_string()}>
                <div class="recent-main">
                    if editing {
                        <input type="text" class="recent-rename" data-testid="recent-rename-input"
                               value={(*draft).clone().unwrap_or_else(|| name.clone())}
                               aria-label={tr(lang, "New name")} oninput={on_input} onkeydown={on_key} autofocus=true />
                    } else {
                        <span class="save-name" title={name.clone()}>{ &name }</span>
                    }
                    <span class="muted small">
                        { summary }
                        if current { { " · " }{ tr(lang, "open now") } }
                    </span>
                </div>
                if !current {
                    <button class="btn btn-small" data-testid="recent-open" onclick={cmd(DocCommand::Open(m.id.clone()))}>{ tr(lang, "Open") }</button>
                }
                <button class="btn btn-small" data-testid="recent-rename" onclick={start_rename}
                        title={tr(lang, "Rename")} aria-label={fill(tr(lang, "Rename {}"), &[&name])}>{ "✎" }</button>
                <button class="btn btn-small" data-testid="recent-duplicate" onclick={cmd(DocCommand::Duplicate(m.id.clone()))}
                        title={tr(lang, "Duplicate")} aria-label={fill(tr(lang, "Duplicate {}"), &[&name])}>{ "⧉" }</button>
                <button class="btn btn-small danger" data-testid="recent-delete" onclick={cmd(DocCommand::Bin(m.id.clone(), true))}
                        title={tr(lang, "Delete")} aria-label={fill(tr(lang, "Delete {}"), &[&name])}>{ "✕" }</button>
            </li>
        }
    };
    html! {
        <div class="recent">
            <ul class="saves" data-testid="recent-docs" aria-label={tr(lang, "Recent designs")}>
                if live.is_empty() {
                    <li class="muted">{ tr(lang, "No saved designs yet.") }</li>
                }
                { for live.iter().map(|m| row(m)) }
            </ul>
            if props.full && !binned.is_empty() {
                <h4 class="recent-sub">{ tr(lang, "Deleted (kept for 30 days)") }</h4>
                <ul class="saves">
                    { for binned.iter().map(|m| html! {
                        <li class="recent-row" data-testid="recent-deleted" data-doc-id={m.id.clone()}>
                            <div class="recent-main">
                                <span class="save-name">{ name_of(m, lang) }</span>
                                <span class="muted small">{ fill(tr(lang, "{} components"), &[&m.nodes]) }</span>
                            </div>
                            <button class="btn btn-small" data-testid="recent-restore"
                                    onclick={cmd(DocCommand::Bin(m.id.clone(), false))}>{ tr(lang, "Restore") }</button>
                        </li>
                    }) }
                </ul>
            }
            if props.full && !k.damaged.is_empty() {
                <section class="quarantine" data-testid="quarantine">
                    <h4 class="recent-sub">{ tr(lang, "Damaged data, kept aside") }</h4>
                    <p class="muted small">{ tr(lang, "These could not be read. Nothing was overwritten: download them to inspect or repair.") }</p>
                    <ul class="saves">
                        { for k.damaged.iter().map(|d| html! {
                            <li class="recent-row" data-testid="quarantine-item">
                                <div class="recent-main">
                                    <span class="save-name">{ &d.origin }</span>
                                    <span class="muted small">{ &d.reason }</span>
                                </div>
                                <button class="btn btn-small" data-testid="quarantine-download"
                                        onclick={cmd(DocCommand::DownloadDamaged(d.clone()))}>{ tr(lang, "Download") }</button>
                            </li>
                        }) }
                    </ul>
                </section>
            }
        </div>
    }
}
