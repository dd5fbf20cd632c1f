//! The application shell: header with toolbar, palette, canvas, inspector and bottom panel.

use crate::components::{canvas::Canvas, palette::Palette, toolbar::Toolbar};
use crate::state::{Action, State};
use yew::prelude::*;

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };

    html! {
        <div class="app" data-testid="app">
            <header class="app-header">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">{ "Scaleboard" }</span>
                    <span class="brand-tag">{ "See how systems scale" }</span>
                </div>
                <Toolbar state={(*state).clone()} on_action={dispatch} />
            </header>
            <main class="workspace">
                <Palette />
                <Canvas />

            </main>
            <footer class="bottom-panel" data-testid="bottom-panel">
                <span class="bottom-title">{ "Charts" }</span>
                <span class="muted">{ "Latency percentiles, throughput, errors and cost appear here while the simulation runs." }</span>
            </footer>
        </div>
    }
}
