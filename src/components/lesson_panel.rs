//! The lesson beside the canvas: the step's text, its goals judged live by the running
//! simulation, hints one at a time, predict-then-reveal, the reference solution, step
//! navigation, the timeline scrubber, and the way into presenter mode. In presenter mode the
//! same panel is the large overlay read from the back of the room.

use crate::components::markup::render;
use crate::i18n::{fill, tr, Lang};
use crate::state::{Action, Answer, LessonState};
use scaleboard_sim::lesson::{GoalResult, GoalStatus, Lesson, PredictionKind, PredictionOutcome};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the running simulation says about the step, refreshed as it runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonLive {
    /// The lesson and step these verdicts are for.
    pub shown: Option<(String, usize)>,
    /// Simulated seconds run.
    pub time_s: f64,
    /// Goal verdicts (empty until the warm-up is over).
    pub results: Vec<GoalResult>,
    pub outcome: Option<PredictionOutcome>,
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lesson: Rc<Lesson>,
    pub state: LessonState,
    pub live: Rc<LessonLive>,
    pub lang: Lang,
    pub running: bool,
    pub dispatch: Callback<Action>,
    /// Show step `i` (from 0).
    pub on_go: Callback<usize>,
    /// Put the step's reference solution on the canvas.
    pub on_solution: Callback<()>,
    /// Show the learner's design and the step's reference solution side by side (steps with
    /// `compare`).
    #[prop_or_default]
    pub on_compare: Callback<()>,
}

/// A figure for people: few digits, no trailing noise.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}

fn status_name(s: Option<GoalStatus>) -> &'static str {
    match s {
        Some(GoalStatus::Met) => "met",
        Some(GoalStatus::NotMet) => "not_met",
        Some(GoalStatus::Unsure) => "unsure",
        None => "waiting",
    }
}

#[function_component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let lang = props.lang;
    let code = lang.code();
    let st = &props.state;
    let Some(step) = props.lesson.steps.get(st.step) else {
        return html! {};
    };
    let d = props.dispatch.clone();
    let emit = move |a: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    // A new step starts at its top (the panel scrolls; the last one may have been scrolled).
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with((props.lesson.id.clone(), st.step), move |_| {
            if let Some(el) = panel.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
        });
    }
    let run = step.run();
    let warm = props.live.time_s >= run.warmup_s && !props.live.results.is_empty();
    let goals = step.goals.iter().enumerate().map(|(i, g)| {
        let r = warm.then(|| props.live.results.get(i)).flatten();
        let status = r.map(|r| r.status);
        let figure = match r.and_then(|r| r.measured) {
            Some(m) => match r.and_then(|r| r.interval) {
                Some((lo, hi)) if hi > lo => fill(
                    tr(lang, "now {} (95 %: {}–{})"),
                    &[&number(m), &number(lo), &number(hi)],
                ),
                _ => fill(tr(lang, "now {}"), &[&number(m)]),
            },
            None if status.is_some() => tr(lang, "not measured yet").to_owned(),
            None => tr(lang, "press Play: judged after the warm-up").to_owned(),
        };
        let mark = match status {
            Some(GoalStatus::Met) => "✓",
            Some(GoalStatus::NotMet) => "✗",
            Some(GoalStatus::Unsure) => "≈",
            None => "…",
        };
        let verdict = match status {
            Some(GoalStatus::Met) => tr(lang, "met"),
            Some(GoalStatus::NotMet) => tr(lang, "not met"),
            Some(GoalStatus::Unsure) => tr(lang, "not yet sure"),
            None => tr(lang, "waiting"),
        };
        html! {
            <li class={classes!("goal", format!("goal-{}", status_name(status)))} data-testid="goal"
                data-status={status_name(status)}>
                <span class="goal-mark" aria-hidden="true">{ mark }</span>
                <span class="goal-text">
                    <span class="goal-label">{ g.label(code) }</span>
                    <span class="goal-figure muted">{ format!("{verdict} · {figure}") }</span>
                </span>
            </li>
        }
    });
    let all_met = warm
        && !props.live.results.is_empty()
        && props
            .live
            .results
            .iter()
            .all(|r| r.status == GoalStatus::Met);
    let hints = step
        .hints
        .iter()
        .take(st.hints)
        .map(|h| html! { <li>{ render(&h.blocks(code)) }</li> });
    let prediction = step.prediction.as_ref().map(|p| {
        let state = if st.revealed {
            "revealed"
        } else if st.locked {
            "answered"
        } else {
            "ask"
        };
        let d = props.dispatch.clone();
        let answer_text = match (&st.answer, &p.kind) {
            (Some(Answer::Choice(i)), PredictionKind::Choice { choices, .. }) => {
                choices.get(*i).map(|c| c.get(code).to_owned()).unwrap_or_default()
            }
            (Some(Answer::Number(v)), PredictionKind::Number { unit, .. }) => format!("{} {unit}", number(*v)),
            _ => String::new(),
        };
        let input = match &p.kind {
            PredictionKind::Choice { choices, .. } => html! {
                <div class="choices" role="radiogroup">
                    { for choices.iter().enumerate().map(|(i, c)| {
                        let d = d.clone();
                        let checked = st.answer == Some(Answer::Choice(i));
                        html! {
                            <label class="choice">
                                <input type="radio" name="prediction" data-testid={format!("prediction-choice-{i}")}
                                       checked={checked} disabled={st.locked}
                                       onchange={move |_| d.emit(Action::LessonAnswer(Answer::Choice(i)))} />
                                <span>{ c.get(code) }</span>
                            </label>
                        }
                    }) }
                </div>
            },
            PredictionKind::Number { unit, .. } => {
                let d = d.clone();
                html! {
                    <label class="number-answer">
                        <input type="number" data-testid="prediction-number" disabled={st.locked}
                               aria-label={tr(lang, "Your estimate")}
                               oninput={move |e: InputEvent| {
                                   let v: HtmlInputElement = e.target_unchecked_into();
                                   if let Ok(x) = v.value().trim().parse::<f64>() {
                                       if x.is_finite() {
                                           d.emit(Action::LessonAnswer(Answer::Number(x)));
                                       }
                                   }
                               }} />
                        <span class="muted">{ unit.clone() }</span>
                    </label>
                }
            }
        };
        let result = if st.revealed {
            let out = props.live.outcome.clone().unwrap_or(PredictionOutcome {
                measured: None,
                interval: None,
                holds: Vec::new(),
            });
            let correct = match (&st.answer, out.measured) {
                (Some(Answer::Choice(i)), _) => p.is_correct(*i),
                (Some(Answer::Number(g)), Some(m)) => p.judge_number(*g, m),
                _ => false,
            };
            let measured = match (out.measured, out.interval) {
                (Some(m), Some((lo, hi))) if hi > lo => fill(tr(lang, "{} (95 %: {}–{})"), &[&number(m), &number(lo), &number(hi)]),
                (Some(m), _) => number(m),
                (None, _) => tr(lang, "nothing measured yet: run the step first").to_owned(),
            };
            html! {
                <div class={classes!("prediction-result", if correct { "right" } else { "wrong" })}
                     data-testid="prediction-result" data-correct={correct.to_string()}>
                    <p><strong>{ if correct { tr(lang, "You predicted it.") } else { tr(lang, "Not quite.") } }</strong></p>
                    <p>{ fill(tr(lang, "Your answer: {} · measured: {}"), &[&answer_text, &measured]) }</p>
                    { render(&p.explanation.blocks(code)) }
                </div>
            }
        } else {
            html! {}
        };
        html! {
            <section class="prediction" data-testid="prediction" data-state={state}>
                <h4>{ tr(lang, "Predict first") }</h4>
                { render(&p.question.blocks(code)) }
                { input }
                if !st.locked {
                    <button class="btn btn-primary btn-small" data-testid="prediction-submit" disabled={st.answer.is_none()}
                            onclick={emit(Action::LessonLock)}>{ tr(lang, "Lock in my answer") }</button>
                } else if !st.revealed {
                    <p class="muted small">{ fill(tr(lang, "Your answer: {}. Now press Play and watch; the result is revealed when the run ends."), &[&answer_text]) }</p>
                    <button class="btn btn-small" data-testid="prediction-reveal" onclick={emit(Action::LessonReveal)}>{ tr(lang, "Reveal now") }</button>
                }
                { result }
            </section>
        }
    });
    let go = |i: usize| {
        let c = props.on_go.clone();
        Callback::from(move |_: MouseEvent| c.emit(i))
    };
    let solution = {
        let c = props.on_solution.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let scrub = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let v: HtmlInputElement = e.target_unchecked_into();
            if let Ok(t) = v.value().parse::<f64>() {
                d.emit(Action::Seek(t));
            }
        })
    };
    let last = st.steps.saturating_sub(1);
    html! {
        <section class={classes!("lesson-panel", st.presenter.then_some("presenting"))} data-testid="lesson-panel" ref={panel}
                 data-lesson={props.lesson.id.clone()} data-step={(st.step + 1).to_string()} data-steps={st.steps.to_string()}
                 aria-label={tr(lang, "Lesson")}>
            <header class="lesson-head">
                <span class="muted small">{ fill(tr(lang, "Lesson {} · step {} of {}"), &[&props.lesson.chapter, &(st.step + 1), &st.steps]) }</span>
                <h2 class="lesson-title" data-testid="lesson-title">{ props.lesson.title.get(code) }</h2>
                <h3 class="lesson-step-title">{ step.title.get(code) }</h3>
            </header>
            <div class="lesson-text" data-testid="lesson-text">{ render(&step.text.blocks(code)) }</div>
            { for prediction }
            if step.compare.is_some() {
                <button class="btn btn-small lesson-compare" data-testid="lesson-compare"
                        onclick={let c = props.on_compare.clone(); Callback::from(move |_: MouseEvent| c.emit(()))}>
                    { tr(lang, "Compare yours with the solution, side by side") }
                </button>
            }
            <section>
                <h4>{ tr(lang, "Goals") }</h4>
                <ul class="lesson-goals" data-testid="lesson-goals">{ for goals }</ul>
                if all_met {
                    <p class="lesson-done" data-testid="lesson-done">{ tr(lang, "Every goal is met. On to the next step!") }</p>
                }
            </section>
            if !step.hints.is_empty() {
                <section class="lesson-hints-box">
                    <ol class="lesson-hints" data-testid="lesson-hints">{ for hints }</ol>
                    if st.hints < step.hints.len() {
                        <button class="btn btn-small" data-testid="lesson-hint" onclick={emit(Action::LessonHint)}>
                            { fill(tr(lang, "Show a hint ({} left)"), &[&(step.hints.len() - st.hints)]) }
                        </button>
                    }
                </section>
            }
            <div class="scrubber-row">
                <label class="muted small" for="scrubber">{ tr(lang, "Timeline") }</label>
                <input id="scrubber" type="range" data-testid="scrubber" min="0" max={format!("{}", run.duration_s.round())} step="1"
                       value={format!("{}", props.live.time_s.floor())} onchange={scrub}
                       aria-label={tr(lang, "Simulated time: move to replay the run to that second")} />
                <span class="small" data-testid="scrubber-time">{ format!("{:.0} s", props.live.time_s) }</span>
            </div>
            <nav class="lesson-nav">
                <button class="btn btn-small" data-testid="lesson-prev" disabled={st.step == 0} onclick={go(st.step.saturating_sub(1))}>{ tr(lang, "← Previous") }</button>
                <button class="btn btn-small" data-testid="lesson-solution" onclick={solution}>{ tr(lang, "Show the solution") }</button>
                <button class="btn btn-small" data-testid="lesson-qr" onclick={emit(Action::OpenDialog(crate::state::Dialog::Qr))}>{ tr(lang, "QR code") }</button>
                if st.presenter {
                    <button class="btn btn-small" data-testid="lesson-presenter-exit" onclick={emit(Action::Presenter(false))}>{ tr(lang, "Leave presenter mode (Esc)") }</button>
                } else {
                    <button class="btn btn-small" data-testid="lesson-presenter" onclick={emit(Action::Presenter(true))}>{ tr(lang, "Presenter mode") }</button>
                }
                <button class="btn btn-small" data-testid="lesson-close" onclick={emit(Action::CloseLesson)}>{ tr(lang, "Close") }</button>
                <button class="btn btn-primary btn-small" data-testid="lesson-next" disabled={st.step >= last} onclick={go((st.step + 1).min(last))}>{ tr(lang, "Next →") }</button>
            </nav>
            if st.presenter {
                <p class="presenter-keys muted small">{ tr(lang, "Keys: → next step · ← previous · P play/pause · R replay from the start · V reveal · Esc leave") }</p>
            }
            if props.running && st.asks && !st.locked {
                <span class="sr-only">{ tr(lang, "Answer the question first") }</span>
            }
        </section>
    }
}
