//! Connecting from the keyboard: with a node focused, `C` lists the nodes it can send requests
//! to; Enter on one draws the edge (refused with the same explanation as a drag would get).

use crate::components::menu_keys;
use crate::i18n::{fill, tr, Lang};
use crate::state::Action;
use scaleboard_sim::Diagram;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectPickerProps {
    pub doc: Rc<Diagram>,
    pub from: String,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn ConnectPicker(props: &ConnectPickerProps) -> Html {
    let lang = props.lang;
    let list = use_node_ref();
    {
        // Focus the first target, so arrows and Enter work at once.
        let list = list.clone();
        use_effect_with(props.from.clone(), move |_| menu_keys::focus_first(&list));
    }
    let from_name = props
        .doc
        .node(&props.from)
        .map_or(props.from.as_str(), |n| n.display_name())
        .to_owned();
    let cancel = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::CancelConnect))
    };
    // Up and Down move between the targets, as in a menu.
    let onkeydown = menu_keys::arrows();
    html! {
        <div class="connect-picker" data-testid="connect-picker" role="dialog" aria-modal="false"
             aria-label={fill(tr(lang, "Connect {} to…"), &[&from_name])}>
            <p class="connect-title">{ fill(tr(lang, "Connect {} to…"), &[&from_name]) }</p>
            <div class="connect-targets" ref={list} role="menu" {onkeydown}>
                { for props.doc.nodes.iter().filter(|n| n.id != props.from).map(|n| {
                    let d = props.dispatch.clone();
                    let (from, to) = (props.from.clone(), n.id.clone());
                    html! {
                        <button type="button" class="connect-target" role="menuitem"
                                data-testid={format!("connect-to-{}", n.id)}
                                onclick={move |_| d.emit(Action::Connect { from: from.clone(), to: to.clone() })}>
                            { n.display_name() }
                        </button>
                    }
                }) }
            </div>
            <button type="button" class="btn btn-small" data-testid="connect-cancel" onclick={cancel}>{ tr(lang, "Cancel (Esc)") }</button>
        </div>
    }
}
