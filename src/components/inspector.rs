//! Right sidebar: parameters of the selected component.

use yew::prelude::*;

#[function_component]
pub fn Inspector() -> Html {
    html! {
        <aside class="inspector" data-testid="inspector" aria-label="Inspector">
            <h2 class="panel-title">{ "Inspector" }</h2>
            <p class="muted">{ "Select a component to see and tune its parameters: rates, instance sizes, queue limits, cache TTLs." }</p>
        </aside>
    }
}
