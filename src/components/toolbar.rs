//! Top toolbar: play/pause and simulation speed.

use crate::state::{Action, State};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub state: State,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let running = props.state.running;
    html! {
        <div class="toolbar" role="toolbar" aria-label="Simulation">
            <button class={classes!("btn", "btn-primary", running.then_some("is-running"))}
                    data-testid="play" aria-pressed={running.to_string()}
                    title={if running { "Pause the simulation" } else { "Run the simulation" }}
                    onclick={send(Action::TogglePlay)}>
                if running {
                    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M4 3h3v10H4zM9 3h3v10H9z" fill="currentColor"/></svg>
                    <span>{ "Pause" }</span>
                } else {
                    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M4 2.5l9 5.5-9 5.5z" fill="currentColor"/></svg>
                    <span>{ "Play" }</span>
                }
            </button>
            <div class="speed" data-testid="speed">
                <button class="btn btn-icon" title="Slower" onclick={send(Action::Slower)}>{ "−" }</button>
                <span class="speed-value">{ format_speed(props.state.speed()) }</span>
                <button class="btn btn-icon" title="Faster" onclick={send(Action::Faster)}>{ "+" }</button>
            </div>
            <span class="sim-clock" data-testid="sim-clock">{ "t = 0.0 s" }</span>
        </div>
    }
}

fn format_speed(speed: f64) -> String {
    if speed < 1.0 {
        format!("{speed}× real time")
    } else {
        format!("{speed:.0}× real time")
    }
}
