//! Wheel steps that the canvas has not drawn yet.
//!
//! The wheel listener asks for a new view at each step, and the page draws it a little later.
//! On a slow machine (or a big design, whose render takes over Yew's 16 ms slice, after which
//! Yew lets the browser in between two of its tasks) a wheel event can come before the canvas
//! has drawn the step before it, or the canvas can draw an older step after a newer one was
//! asked for. Two things then went wrong: the next step started from the drawn view, not the
//! asked one (a step lost), and a render with no new zoom (the settle timer's) took the "this
//! change is the user's hand" mark meant for the next one, so that step was drawn as a jump
//! (no edge canvas, the cards' band at once).
//!
//! So the steps asked for are kept until a render shows them: the next step starts from the
//! last one asked, and a render is the hand's when it shows one of them.

use super::geometry::View;

#[derive(Clone, Debug)]
pub struct WheelSteps {
    /// The views asked for and not drawn yet, oldest first.
    asked: Vec<View>,
    /// The view of the last render.
    shown: View,
}

/// More steps than this between two renders means renders are not happening at all (the canvas
/// was unmounted, say): the oldest are dropped so the list stays small.
const KEEP: usize = 64;

impl WheelSteps {
    /// Before any step, with `view` on screen.
    pub fn new(view: View) -> Self {
        WheelSteps {
            asked: Vec::new(),
            shown: view,
        }
    }

    /// Where the next wheel step starts: the last step asked for, or else the view on screen.
    pub fn base(&self) -> View {
        self.asked.last().copied().unwrap_or(self.shown)
    }

    /// The wheel asked for `view`.
    pub fn ask(&mut self, view: View) {
        if self.asked.len() >= KEEP {
            self.asked.remove(0);
        }
        self.asked.push(view);
    }

    /// A render draws `view`: whether its change of view is one the wheel asked for. A render
    /// that changes nothing leaves the steps waiting; a view the wheel never asked for (a fit,
    /// an opened design, a pan) replaces them: the next step starts from it.
    pub fn rendered(&mut self, view: View) -> bool {
        if std::mem::replace(&mut self.shown, view) == view {
            return false;
        }
        match self.asked.iter().position(|v| *v == view) {
            Some(i) => {
                // This step and the ones asked before it are drawn (or passed over).
                self.asked.drain(..=i);
                true
            }
            None => {
                self.asked.clear();
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::geometry::Point;

    fn step(v: View) -> View {
        v.zoom_at(Point::new(640.0, 360.0), 1.2)
    }

    #[test]
    fn each_step_starts_from_the_last_one_asked_even_before_it_is_drawn() {
        let start = View::default();
        let mut w = WheelSteps::new(start);
        assert!(!w.rendered(start), "the first render is no step");
        let a = step(w.base());
        w.ask(a);
        // A second wheel event before any render: it goes on from `a`, not from the screen.
        let b = step(w.base());
        w.ask(b);
        assert!(b.zoom > a.zoom && a.zoom > start.zoom);
        // The settle timer's render (nothing changed) neither takes the mark nor the steps.
        assert!(!w.rendered(start));
        assert_eq!(w.base(), b);
        // The older step drawn late is still the hand's, and the next step goes on from `b`.
        assert!(w.rendered(a));
        assert_eq!(w.base(), b);
        assert!(w.rendered(b));
        assert_eq!(w.base(), b, "all drawn: the screen's view");
        // Drawing `b` again (a run's frame) is no new step.
        assert!(!w.rendered(b));
    }

    #[test]
    fn a_view_the_wheel_did_not_ask_for_replaces_the_steps() {
        let start = View::default();
        let mut w = WheelSteps::new(start);
        w.rendered(start);
        w.ask(step(start));
        let fit = View {
            x: 10.0,
            y: 20.0,
            zoom: 0.3,
        };
        assert!(!w.rendered(fit), "a fit jumps: not the hand's");
        assert_eq!(w.base(), fit, "the next step starts from the fit");
    }

    #[test]
    fn steps_never_drawn_stay_few() {
        let mut v = View::default();
        let mut w = WheelSteps::new(v);
        for _ in 0..1000 {
            v = step(w.base());
            w.ask(v);
        }
        assert_eq!(w.asked.len(), KEEP);
        assert_eq!(w.base(), v);
    }
}
