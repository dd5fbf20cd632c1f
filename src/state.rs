//! Application state: one `State`, changed only through `Action`s by a reducer, so every change
//! is explicit and testable without a browser.

use std::rc::Rc;
use yew::Reducible;

/// Simulation speeds offered by the toolbar, as multiples of real time.
pub const SPEEDS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 2.0, 10.0, 100.0];

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Whether the simulation clock is running.
    pub running: bool,
    /// Index into [`SPEEDS`].
    pub speed_index: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            running: false,
            speed_index: 3,
        }
    }
}

impl State {
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed_index]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    Faster,
    Slower,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::TogglePlay => next.running = !next.running,
            Action::Faster => next.speed_index = (next.speed_index + 1).min(SPEEDS.len() - 1),
            Action::Slower => next.speed_index = next.speed_index.saturating_sub(1),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(state: State, actions: &[Action]) -> State {
        let mut rc = Rc::new(state);
        for a in actions {
            rc = rc.reduce(a.clone());
        }
        (*rc).clone()
    }

    #[test]
    fn play_button_starts_then_pauses() {
        let s = apply(State::default(), &[Action::TogglePlay]);
        assert!(s.running);
        let s = apply(s, &[Action::TogglePlay]);
        assert!(!s.running);
    }

    #[test]
    fn speed_starts_at_real_time_and_stays_within_the_offered_range() {
        assert_eq!(State::default().speed(), 1.0);
        let fastest = apply(State::default(), &[const { Action::Faster }; 20]);
        assert_eq!(fastest.speed(), 100.0);
        let slowest = apply(State::default(), &[const { Action::Slower }; 20]);
        assert_eq!(slowest.speed(), 0.1);
    }
}
