//! Right-click menu of a node: kill/revive it (or one instance of a group, one member of a cache
//! cluster, or the primary of a database), slow it down, make it fail requests, take its zone
//! down; duplicate, delete.

use crate::components::menu_keys;
use crate::i18n::{fill, tr, Lang};
use crate::state::{Action, ContextMenu};
use scaleboard_sim::diagram::{ChaosAction, Node};
use scaleboard_sim::engine::NodeStatus;
use scaleboard_sim::ComponentKind;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ContextMenuProps {
    pub menu: ContextMenu,
    pub node: Option<Node>,
    /// The engine's view of the node (None before a run exists).
    pub status: Option<NodeStatus>,
    pub time_s: f64,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn ContextMenuView(props: &ContextMenuProps) -> Html {
    let lang = props.lang;
    let m = &props.menu;
    // Opened from the keyboard (ContextMenu key, Shift+F10) or not, the first item takes focus;
    // Up and Down move between items, Escape closes.
    let menu_ref = use_node_ref();
    {
        let menu_ref = menu_ref.clone();
        use_effect_with(m.node.clone(), move |_| menu_keys::focus_first(&menu_ref));
    }
    let onkeydown = menu_keys::arrows();
    let send = |a: Action| {
        let d = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            d.emit(a.clone());
            d.emit(Action::CloseMenu);
        })
    };
    let set_down = |target: String, down: bool| Action::SetDown {
        id: target,
        down,
        at_s: props.time_s,
    };
    let down = props.status.as_ref().is_some_and(|s| !s.up);
    let toggle = set_down(m.node.clone(), !down);
    // One unit at a time: the first live instance (or the primary) to kill, each dead one to
    // revive. A pool that survives losing one is the point of having a pool.
    let kind = props.node.as_ref().map(Node::kind);
    let units = props
        .status
        .as_ref()
        .map(|s| s.units.clone())
        .unwrap_or_default();
    let mut unit_items = Vec::new();
    if !down && units.len() > 1 {
        let victim = if kind == Some(ComponentKind::Database) {
            units.iter().find(|u| u.up && u.primary)
        } else {
            units.iter().find(|u| u.up && !u.booting)
        };
        if let Some(u) = victim {
            let label = if kind == Some(ComponentKind::Database) {
                fill(tr(lang, "Kill the primary (#{})"), &[&u.index])
            } else if kind == Some(ComponentKind::Cache) {
                fill(tr(lang, "Kill one member (#{})"), &[&u.index])
            } else {
                fill(tr(lang, "Kill one instance (#{})"), &[&u.index])
            };
            let target = format!("{}#{}", m.node, u.index);
            unit_items.push(html! {
                <button role="menuitem" class="menu-item danger" data-testid="menu-kill-one"
                        onclick={send(set_down(target, true))}>{ label }</button>
            });
        }
        for u in units.iter().filter(|u| !u.up) {
            let target = format!("{}#{}", m.node, u.index);
            unit_items.push(html! {
                <button role="menuitem" class="menu-item ok" data-testid={format!("menu-revive-{}", u.index)}
                        onclick={send(set_down(target, false))}>
                    { fill(tr(lang, "Revive #{}"), &[&u.index]) }
                </button>
            });
        }
    }
    // Gray failures: a slow node and a node failing some requests, each undone the same way.
    let inject = |action: ChaosAction| Action::Inject {
        action,
        at_s: props.time_s,
    };
    let node = m.node.clone();
    let slow = props.status.as_ref().map_or(1.0, |s| s.slow);
    let failing = props.status.as_ref().map_or(0.0, |s| s.error_rate);
    let is_client = kind == Some(ComponentKind::Client);
    let mut gray = Vec::new();
    if !is_client && !down {
        let (label, factor, testid) = if slow == 1.0 {
            (tr(lang, "Slow down ×5"), 5.0, "menu-slow")
        } else {
            (tr(lang, "Back to normal speed"), 1.0, "menu-unslow")
        };
        gray.push(html! {
            <button role="menuitem" class="menu-item warn" data-testid={testid}
                    onclick={send(inject(ChaosAction::Slow { node: node.clone(), factor }))}>{ label }</button>
        });
        let (label, rate, testid) = if failing == 0.0 {
            (tr(lang, "Fail 50 % of requests"), 0.5, "menu-errors")
        } else {
            (tr(lang, "Stop failing requests"), 0.0, "menu-unerrors")
        };
        gray.push(html! {
            <button role="menuitem" class="menu-item warn" data-testid={testid}
                    onclick={send(inject(ChaosAction::Errors { node: node.clone(), rate }))}>{ label }</button>
        });
    }
    let zone = props
        .node
        .as_ref()
        .map(|n| n.zone.clone())
        .unwrap_or_default();
    if !zone.is_empty() {
        let (label, action, testid) = if down {
            (
                fill(tr(lang, "Bring zone {} back"), &[&zone]),
                ChaosAction::ReviveZone { zone: zone.clone() },
                "menu-zone-up",
            )
        } else {
            (
                fill(tr(lang, "Take zone {} down"), &[&zone]),
                ChaosAction::KillZone { zone: zone.clone() },
                "menu-zone-down",
            )
        };
        gray.push(html! {
            <button role="menuitem" class="menu-item danger" data-testid={testid}
                    onclick={send(inject(action))}>{ label }</button>
        });
    }
    html! {
        <div class="context-menu" data-testid="context-menu" role="menu" ref={menu_ref} {onkeydown}
             aria-label={props.node.as_ref().map(|n| n.display_name().to_owned()).unwrap_or_default()}
             style={format!("left:{}px;top:{}px", m.x, m.y)}>
            <button role="menuitem" class={classes!("menu-item", if down { "ok" } else { "danger" })}
                    data-testid="menu-kill" onclick={send(toggle)}>
                { if down { tr(lang, "Revive") } else { tr(lang, "Kill") } }
            </button>
            { for unit_items }
            { for gray }
            <button role="menuitem" class="menu-item" data-testid="menu-duplicate" onclick={send(Action::Duplicate)}>
                { tr(lang, "Duplicate") }<span class="kbd">{ "Ctrl+D" }</span>
            </button>
            <button role="menuitem" class="menu-item danger" data-testid="menu-delete" onclick={send(Action::DeleteSelection)}>
                { tr(lang, "Delete") }<span class="kbd">{ "Del" }</span>
            </button>
        </div>
    }
}
