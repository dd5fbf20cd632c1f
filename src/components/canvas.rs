//! Centre: the diagram canvas. Empty for now, with a hint for a first-time user.

use yew::prelude::*;

#[function_component]
pub fn Canvas() -> Html {
    html! {
        <section class="canvas" data-testid="canvas" aria-label="Diagram canvas">
            <div class="canvas-hint" data-testid="canvas-hint">
                <div class="hint-flow" aria-hidden="true">
                    <span>{ "Client" }</span><span class="arrow">{ "→" }</span>
                    <span>{ "Load balancer" }</span><span class="arrow">{ "→" }</span>
                    <span>{ "Servers" }</span><span class="arrow">{ "→" }</span>
                    <span>{ "Database" }</span>
                </div>
                <p class="hint-title">{ "Drag components here and wire them up" }</p>
                <p class="hint-body">{ "Then press Play and watch requests flow: queues fill, p99 climbs, and a single point of failure takes everything down." }</p>
            </div>
        </section>
    }
}
