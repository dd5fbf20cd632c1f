//! A short message at the bottom of the canvas; errors stay longer than information.

use crate::state::{Action, Toast, ToastKind};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToastProps {
    pub toast: Option<Toast>,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn ToastView(props: &ToastProps) -> Html {
    {
        let dispatch = props.dispatch.clone();
        let t = props.toast.clone();
        use_effect_with(t, move |t| {
            let timer = t.as_ref().map(|t| {
                let id = t.id;
                let ms = if t.kind == ToastKind::Error {
                    7_000
                } else {
                    3_500
                };
                Timeout::new(ms, move || dispatch.emit(Action::DismissToast(id)))
            });
            move || drop(timer)
        });
    }
    let Some(t) = &props.toast else {
        return html! {};
    };
    let id = t.id;
    let dispatch = props.dispatch.clone();
    html! {
        <div class={classes!("toast", (t.kind == ToastKind::Error).then_some("toast-error"))}
             data-testid="toast" role="status" onclick={move |_| dispatch.emit(Action::DismissToast(id))}>
            { &t.text }
        </div>
    }
}
