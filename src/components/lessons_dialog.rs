//! The list of lessons and design challenges: open one at its first step.

use crate::components::modal::Modal;
use crate::i18n::{fill, tr, Lang};
use crate::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonsDialogProps {
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    /// Open lesson `id` at step 0.
    pub on_open: Callback<String>,
}

#[function_component]
pub fn LessonsDialog(props: &LessonsDialogProps) -> Html {
    let lang = props.lang;
    let code = lang.code();
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::CloseDialog))
    };
    // The lessons are fetched once the app runs (src/lessons.rs): the list shows when they are
    // here, a failure says what failed and offers to try again.
    let status = use_state(crate::lessons::status);
    let fetch = {
        let status = status.clone();
        Callback::from(move |_| {
            status.set(crate::lessons::Status::Loading);
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = crate::lessons::load(false).await;
                status.set(crate::lessons::status());
            });
        })
    };
    {
        let fetch = fetch.clone();
        use_effect_with((), move |_| {
            if crate::lessons::status() != crate::lessons::Status::Ready {
                fetch.emit(());
            }
        });
    }
    let lessons = crate::lessons::all();
    let waiting = match &*status {
        crate::lessons::Status::Ready => html! {},
        crate::lessons::Status::Loading => html! {
            <p class="muted" role="status" data-testid="lessons-loading">{ tr(lang, "Loading the lessons…") }</p>
        },
        crate::lessons::Status::Failed(why) => html! {
            <div role="alert" data-testid="lessons-failed">
                <p>{ crate::lessons::failed_text(lang, why) }</p>
                <button class="btn" data-testid="lessons-retry" onclick={fetch.reform(|_: MouseEvent| ())}>{ tr(lang, "Try again") }</button>
            </div>
        },
    };
    html! {
        <Modal testid="lessons-dialog" class="dialog-wide" label={tr(lang, "Lessons")}
               on_close={let d = props.dispatch.clone(); Callback::from(move |()| d.emit(Action::CloseDialog))}>
                <h2 class="dialog-title">{ tr(lang, "Lessons") }</h2>
                <p class="muted small">{ tr(lang, "Each step gives you a design and goals; the simulation tells you when you have met them. Challenges ask for a whole design.") }</p>
                { waiting }
                <ul class="lesson-list">
                    { for lessons.iter().map(|l| {
                        let open = {
                            let c = props.on_open.clone();
                            let id = l.id.clone();
                            Callback::from(move |_| c.emit(id.clone()))
                        };
                        html! {
                            <li>
                                <button class="lesson-entry" data-testid={format!("lesson-{}", l.id)} onclick={open}>
                                    <span class="lesson-chapter">{ l.chapter }</span>
                                    <span class="lesson-entry-text">
                                        <strong>{ l.title.get(code) }</strong>
                                        <span class="muted small">{ l.summary.get(code) }</span>
                                    </span>
                                    <span class="muted small">{ fill(tr(lang, "{} steps"), &[&l.steps.len()]) }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                <div class="dialog-actions">
                    <button class="btn" data-testid="lessons-close" onclick={close}>{ tr(lang, "Close") }</button>
                </div>
        </Modal>
    }
}
