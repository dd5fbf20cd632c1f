//! Right-click menu of a node: kill/revive, duplicate, delete.

use crate::i18n::{tr, Lang};
use crate::state::{Action, ContextMenu};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ContextMenuProps {
    pub menu: ContextMenu,
    pub down: bool,
    pub time_s: f64,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn ContextMenuView(props: &ContextMenuProps) -> Html {
    let lang = props.lang;
    let m = &props.menu;
    let send = |a: Action| {
        let d = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            d.emit(a.clone());
            d.emit(Action::CloseMenu);
        })
    };
    let toggle = Action::SetDown {
        id: m.node.clone(),
        down: !props.down,
        at_s: props.time_s,
    };
    html! {
        <div class="context-menu" data-testid="context-menu" role="menu"
             style={format!("left:{}px;top:{}px", m.x, m.y)}>
            <button role="menuitem" class={classes!("menu-item", if props.down { "ok" } else { "danger" })}
                    data-testid="menu-kill" onclick={send(toggle)}>
                { if props.down { tr(lang, "Revive") } else { tr(lang, "Kill") } }
            </button>
            <button role="menuitem" class="menu-item" data-testid="menu-duplicate" onclick={send(Action::Duplicate)}>
                { tr(lang, "Duplicate") }<span class="kbd">{ "Ctrl+D" }</span>
            </button>
            <button role="menuitem" class="menu-item danger" data-testid="menu-delete" onclick={send(Action::DeleteSelection)}>
                { tr(lang, "Delete") }<span class="kbd">{ "Del" }</span>
            </button>
        </div>
    }
}
