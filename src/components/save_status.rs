//! Whether the work is stored: a quiet indicator in the header, and a banner that stays while
//! saving fails (full disk, private mode, blocked storage) with a way to take a copy away.

use crate::i18n::{fill, tr, Lang};
use crate::keeping::DocCommand;
use crate::state::{Keeping, SaveState};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SaveStatusProps {
    pub keeping: Keeping,
    pub lang: Lang,
}

#[function_component]
pub fn SaveStatus(props: &SaveStatusProps) -> Html {
    let lang = props.lang;
    let k = &props.keeping;
    let (text, title) = match k.save {
        SaveState::Saved => (
            tr(lang, "Saved"),
            tr(lang, "Every change is kept in this browser."),
        ),
        SaveState::Saving => (tr(lang, "Saving…"), tr(lang, "Saving your last change.")),
        SaveState::Failed => (
            tr(lang, "Not saved"),
            tr(
                lang,
                "Your changes are not being stored: see the message below the toolbar.",
            ),
        ),
    };
    html! {
        <span class={classes!("save-status", format!("save-{}", k.save.name()))}
              data-testid="save-status" data-state={k.save.name()} data-doc-id={k.doc_id.clone()}
              title={title} role="status" aria-live="polite">
            <span class="save-dot" aria-hidden="true"></span>{ text }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct SaveFailedProps {
    pub keeping: Keeping,
    pub lang: Lang,
    pub on_doc: Callback<DocCommand>,
}

#[function_component]
pub fn SaveFailed(props: &SaveFailedProps) -> Html {
    let lang = props.lang;
    if props.keeping.save != SaveState::Failed {
        return html! {};
    }
    let raw = props.keeping.failure.clone().unwrap_or_default();
    // The browser's words are English; the common case is said in the user's language.
    let reason = if raw.contains("QuotaExceeded") {
        tr(lang, "the storage for this site is full").to_owned()
    } else {
        raw
    };
    let download = {
        let c = props.on_doc.clone();
        Callback::from(move |_| c.emit(DocCommand::DownloadCopy))
    };
    html! {
        <div class="save-failed" data-testid="save-failed" role="alert">
            <div>
                <strong>{ tr(lang, "Your changes are not being saved.") }</strong>
                { " " }
                { fill(tr(lang, "The browser refused to store them ({}). Download a copy to keep this design; saving resumes by itself once there is room."), &[&reason]) }
            </div>
            <button class="btn btn-primary" data-testid="download-copy" onclick={download}>
                { tr(lang, "Download a copy") }
            </button>
        </div>
    }
}
