//! Left sidebar: the component kinds a learner can place.

use crate::icons::{blurb, label, KindIcon};
use scaleboard_sim::ComponentKind;
use yew::prelude::*;

#[function_component]
pub fn Palette() -> Html {
    html! {
        <aside class="palette" data-testid="palette" aria-label="Components">
            <h2 class="panel-title">{ "Components" }</h2>
            <ul class="palette-list">
                { for ComponentKind::ALL.into_iter().map(|kind| html! {
                    <li class={classes!("palette-item", format!("kind-{}", kind.slug()))}
                        data-testid={format!("palette-{}", kind.slug())}
                        title={blurb(kind)}>
                        <span class="palette-icon"><KindIcon kind={kind} /></span>
                        <span class="palette-text">
                            <span class="palette-name">{ label(kind) }</span>
                            <span class="palette-blurb">{ blurb(kind) }</span>
                        </span>
                    </li>
                }) }
            </ul>
        </aside>
    }
}
