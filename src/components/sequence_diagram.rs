//! One sampled distributed transaction as a sequence diagram, live: a lane for the coordinator
//! and one per participant, time running to the right, each protocol message an arrow from
//! lane to lane (prepare, vote, commit, acknowledge; or step, compensate), locks and visible
//! intermediate states as bars along a participant's lane, timeouts and the coordinator's
//! crash as marks on its lane. Columns are the distinct moments something happened, so a
//! 3 ms round trip and a 15 s wait for a dead coordinator both stay readable; each column is
//! labelled with its time.
//!
//! A renderer only: it reads the engine's samples from the snapshot and the diagram for names.

use crate::format;
use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::diagram::{NodeSpec, TxnProtocol};
use scaleboard_sim::engine::{
    HoldKind, SeqArrow, SeqMessage, SeqNoteKind, SeqOutcome, TxnSamples, TxnSequence,
};
use scaleboard_sim::Diagram;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SequenceProps {
    pub doc: Rc<Diagram>,
    pub samples: Rc<BTreeMap<String, TxnSamples>>,
    /// The node selected on the canvas: shown if it coordinates transactions.
    pub selected: Option<String>,
    pub lang: Lang,
}

/// Servers of `doc` that coordinate transactions, in the diagram's order.
pub fn coordinators(doc: &Diagram) -> Vec<String> {
    doc.nodes
        .iter()
        .filter(|n| {
            matches!(&n.spec, NodeSpec::Server(p) if p.transaction.protocol != TxnProtocol::None)
        })
        .map(|n| n.id.clone())
        .collect()
}

pub fn message_name(l: Lang, m: SeqMessage) -> &'static str {
    match m {
        SeqMessage::Prepare => tr(l, "prepare"),
        SeqMessage::VoteYes => tr(l, "vote yes"),
        SeqMessage::VoteNo => tr(l, "vote no"),
        SeqMessage::Commit => tr(l, "commit"),
        SeqMessage::Abort => tr(l, "abort"),
        SeqMessage::Ack => tr(l, "ack"),
        SeqMessage::Step => tr(l, "local step"),
        SeqMessage::StepOk => tr(l, "step done"),
        SeqMessage::StepFailed => tr(l, "step failed"),
        SeqMessage::Compensate => tr(l, "compensate"),
        SeqMessage::Compensated => tr(l, "compensated"),
    }
}

fn message_slug(m: SeqMessage) -> &'static str {
    match m {
        SeqMessage::Prepare => "prepare",
        SeqMessage::VoteYes => "vote-yes",
        SeqMessage::VoteNo => "vote-no",
        SeqMessage::Commit => "commit",
        SeqMessage::Abort => "abort",
        SeqMessage::Ack => "ack",
        SeqMessage::Step => "step",
        SeqMessage::StepOk => "step-ok",
        SeqMessage::StepFailed => "step-failed",
        SeqMessage::Compensate => "compensate",
        SeqMessage::Compensated => "compensated",
    }
}

fn note_name(l: Lang, k: SeqNoteKind) -> &'static str {
    match k {
        SeqNoteKind::Timeout => tr(l, "timeout"),
        SeqNoteKind::CoordinatorDown => tr(l, "coordinator down"),
        SeqNoteKind::CoordinatorUp => tr(l, "coordinator revived"),
        SeqNoteKind::Committed => tr(l, "committed"),
        SeqNoteKind::Aborted => tr(l, "aborted"),
        SeqNoteKind::Compensated => tr(l, "all compensated"),
    }
}

fn note_slug(k: SeqNoteKind) -> &'static str {
    match k {
        SeqNoteKind::Timeout => "timeout",
        SeqNoteKind::CoordinatorDown => "down",
        SeqNoteKind::CoordinatorUp => "up",
        SeqNoteKind::Committed => "committed",
        SeqNoteKind::Aborted => "aborted",
        SeqNoteKind::Compensated => "compensated",
    }
}

fn outcome_name(l: Lang, o: SeqOutcome) -> &'static str {
    match o {
        SeqOutcome::Running => tr(l, "running"),
        SeqOutcome::Committed => tr(l, "committed"),
        SeqOutcome::Aborted => tr(l, "aborted"),
        SeqOutcome::Compensating => tr(l, "compensating"),
        SeqOutcome::Compensated => tr(l, "compensated"),
        SeqOutcome::InDoubt => tr(l, "in doubt: locks held"),
    }
}

fn outcome_slug(o: SeqOutcome) -> &'static str {
    match o {
        SeqOutcome::Running => "running",
        SeqOutcome::Committed => "committed",
        SeqOutcome::Aborted => "aborted",
        SeqOutcome::Compensating => "compensating",
        SeqOutcome::Compensated => "compensated",
        SeqOutcome::InDoubt => "in-doubt",
    }
}

fn hold_name(l: Lang, k: HoldKind) -> &'static str {
    match k {
        HoldKind::LockWait => tr(l, "waiting for the lock"),
        HoldKind::Lock => tr(l, "lock held"),
        HoldKind::Visible => tr(l, "half-done state visible"),
    }
}

fn hold_slug(k: HoldKind) -> &'static str {
    match k {
        HoldKind::LockWait => "lock-wait",
        HoldKind::Lock => "lock",
        HoldKind::Visible => "visible",
    }
}

/// A time since the transaction began, short: "3 ms", "1.25 s".
fn since(ms: f64) -> String {
    format!("+{}", format::ms(ms))
}

const LANE_H: f64 = 28.0;
const TOP: f64 = 30.0;
const COL_W: f64 = 58.0;

/// Whether nothing more will be seen of `seq`: its outcome is known, no lock or visible state
/// is held and every message has arrived. (The engine keeps a decided transaction until its
/// last timer has run; the diagram need not wait for that.)
fn settled(seq: &TxnSequence) -> bool {
    seq.finished
        || (matches!(
            seq.outcome,
            SeqOutcome::Committed | SeqOutcome::Aborted | SeqOutcome::Compensated
        ) && seq.holds.iter().all(|h| h.until_ms.is_some())
            && seq.arrows.iter().all(|a| a.arrives_ms <= seq.span_ms))
}

/// When the last thing drawn happened.
fn last_moment(seq: &TxnSequence) -> f64 {
    seq.arrows
        .iter()
        .map(|a| a.arrives_ms)
        .chain(seq.holds.iter().filter_map(|h| h.until_ms))
        .chain(seq.notes.iter().map(|n| n.at_ms))
        .fold(0.0, f64::max)
}

/// The distinct moments of `seq` (and its end, if it is still running), in order: the
/// diagram's columns.
fn moments(seq: &TxnSequence) -> Vec<f64> {
    let mut t: Vec<f64> = Vec::new();
    for a in &seq.arrows {
        t.push(a.sent_ms);
        t.push(a.arrives_ms);
    }
    for h in &seq.holds {
        t.push(h.from_ms);
        t.extend(h.until_ms);
    }
    t.extend(seq.notes.iter().map(|n| n.at_ms));
    t.push(0.0);
    if !settled(seq) {
        t.push(seq.span_ms);
    }
    t.sort_by(f64::total_cmp);
    // Moments closer than a microsecond are one column.
    t.dedup_by(|a, b| (*a - *b).abs() < 1e-3);
    t
}

/// Where the lanes begin: after the longest lane name (about 7 px a character), within reason.
fn lanes_left(names: &[String]) -> f64 {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    (longest as f64 * 7.0 + 18.0).clamp(90.0, 190.0)
}

fn column(left: f64, cols: &[f64], ms: f64) -> f64 {
    let i = cols.partition_point(|&c| c < ms - 1e-3);
    left + COL_W * i as f64 + COL_W / 2.0
}

fn lane_y(lane: usize) -> f64 {
    TOP + LANE_H * lane as f64 + LANE_H / 2.0
}

fn arrow_view(l: Lang, left: f64, cols: &[f64], a: &SeqArrow) -> Html {
    let part_lane = a.participant as usize + 1;
    let (from_lane, to_lane) = if a.to_participant {
        (0, part_lane)
    } else {
        (part_lane, 0)
    };
    let (x1, y1) = (column(left, cols, a.sent_ms), lane_y(from_lane));
    let (mut x2, mut y2) = (column(left, cols, a.arrives_ms), lane_y(to_lane));
    if a.lost && (x2 - x1).abs() < 1.0 {
        // Lost on a cut edge: it never got far.
        x2 = x1 + COL_W * 0.4;
        y2 = (y1 + y2) / 2.0;
    }
    let name = message_name(l, a.message);
    // The label sits towards the receiving end, where arrows sent together have parted.
    let (mx, my) = (x1 + (x2 - x1) * 0.68, y1 + (y2 - y1) * 0.68);
    html! {
        <g class={classes!("seq-arrow", a.lost.then_some("is-lost"))}
           data-message={message_slug(a.message)} data-participant={a.participant.to_string()}
           data-lost={a.lost.to_string()}>
            <title>{ format!("{name} {} → {}", since(a.sent_ms), since(a.arrives_ms)) }</title>
            <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                  marker-end={if a.lost { "url(#seq-lost)" } else { "url(#seq-head)" }} />
            <text x={mx.to_string()} y={(my - 3.0).to_string()} text-anchor="middle">{ name }</text>
        </g>
    }
}

fn diagram_view(l: Lang, doc: &Diagram, coord: &str, seq: &TxnSequence) -> Html {
    let cols = moments(seq);
    let lanes = seq.participants.len() + 1;
    let height = TOP + LANE_H * lanes as f64 + 18.0;
    let name = |id: &str| {
        doc.nodes
            .iter()
            .find(|n| n.id == id)
            .map_or_else(|| id.to_owned(), |n| n.display_name().to_owned())
    };
    let lane_names: Vec<String> = std::iter::once(coord)
        .chain(seq.participants.iter().map(String::as_str))
        .map(name)
        .collect();
    let left = lanes_left(&lane_names);
    let width = left + COL_W * cols.len() as f64 + 12.0;
    let end_x = left + COL_W * cols.len() as f64;
    html! {
        <svg class="seq-svg" width={width.to_string()} height={height.to_string()}
             viewBox={format!("0 0 {width} {height}")} aria-hidden="true">
            <defs>
                <marker id="seq-head" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                    <path d="M0,0 L8,4 L0,8 z" class="seq-arrowhead" />
                </marker>
                <marker id="seq-lost" viewBox="0 0 8 8" refX="4" refY="4" markerWidth="9" markerHeight="9" orient="auto">
                    <path d="M0,0 L8,8 M8,0 L0,8" class="seq-cross" />
                </marker>
            </defs>
            // Time axis: one column per moment.
            { for cols.iter().enumerate().map(|(i, &t)| {
                let x = left + COL_W * i as f64 + COL_W / 2.0;
                html! {
                    <g class="seq-tick">
                        <line x1={x.to_string()} y1={(TOP - 4.0).to_string()} x2={x.to_string()}
                              y2={(TOP + LANE_H * lanes as f64).to_string()} />
                        <text x={x.to_string()} y={(TOP - 8.0).to_string()} text-anchor="middle">{ since(t) }</text>
                    </g>
                }
            }) }
            // Lanes.
            { for lane_names.iter().enumerate().map(|(i, n)| {
                let y = lane_y(i);
                html! {
                    <g class={classes!("seq-lane", (i == 0).then_some("is-coordinator"))}>
                        <text x="6" y={(y + 4.0).to_string()} class="seq-lane-name"
                              textLength={(n.chars().count() as f64 * 7.0 > left - 12.0).then(|| (left - 12.0).to_string())}
                              lengthAdjust="spacingAndGlyphs">{ n.clone() }</text>
                        <line x1={left.to_string()} y1={y.to_string()} x2={end_x.to_string()} y2={y.to_string()} />
                    </g>
                }
            }) }
            // What participants held, under the arrows.
            { for seq.holds.iter().map(|h| {
                let y = lane_y(h.participant as usize + 1);
                let x1 = column(left, &cols, h.from_ms);
                let x2 = h.until_ms.map_or(end_x, |u| column(left, &cols, u));
                let label = hold_name(l, h.kind);
                html! {
                    <rect class={classes!("seq-hold", hold_slug(h.kind))} data-hold={hold_slug(h.kind)}
                          data-open={h.until_ms.is_none().to_string()}
                          x={x1.to_string()} y={(y - 5.0).to_string()} width={(x2 - x1).max(2.0).to_string()} height="10">
                        <title>{ match h.until_ms {
                            Some(u) => format!("{label} {} → {}", since(h.from_ms), since(u)),
                            None => format!("{label} {} →", since(h.from_ms)),
                        } }</title>
                    </rect>
                }
            }) }
            { for seq.arrows.iter().map(|a| arrow_view(l, left, &cols, a)) }
            { for seq.notes.iter().enumerate().map(|(i, n)| {
                let (x, y) = (column(left, &cols, n.at_ms), lane_y(0));
                // Notes of the same moment (revived, then aborted) take turns above and below
                // the lane rather than print over each other.
                let before = seq.notes[..i].iter().filter(|o| (o.at_ms - n.at_ms).abs() < 1e-3).count();
                let label_y = if before % 2 == 0 { y - 8.0 } else { y + 16.0 };
                html! {
                    <g class={classes!("seq-note", note_slug(n.kind))} data-note={note_slug(n.kind)}>
                        <circle cx={x.to_string()} cy={y.to_string()} r="5" />
                        <text x={x.to_string()} y={label_y.to_string()} text-anchor="middle">{ note_name(l, n.kind) }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

/// The same story in words, for screen readers (and anyone who prefers a list).
fn narration(l: Lang, doc: &Diagram, seq: &TxnSequence) -> Html {
    let name = |i: u32| {
        seq.participants
            .get(i as usize)
            .map_or_else(String::new, |id| {
                doc.nodes
                    .iter()
                    .find(|n| &n.id == id)
                    .map_or_else(|| id.clone(), |n| n.display_name().to_owned())
            })
    };
    let mut lines: Vec<(f64, String)> = seq
        .arrows
        .iter()
        .map(|a| {
            let text = if a.lost {
                tr(l, "{} → {}: {} (lost)")
            } else {
                tr(l, "{} → {}: {}")
            };
            let coordinator = tr(l, "coordinator").to_owned();
            let (from, to) = if a.to_participant {
                (coordinator, name(a.participant))
            } else {
                (name(a.participant), coordinator)
            };
            (
                a.sent_ms,
                fill(text, &[&from, &to, &message_name(l, a.message)]),
            )
        })
        .collect();
    lines.extend(
        seq.notes
            .iter()
            .map(|n| (n.at_ms, note_name(l, n.kind).to_owned())),
    );
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    html! {
        <ol class="sr-only" data-testid="seq-narration">
            { for lines.into_iter().map(|(t, s)| html! { <li>{ format!("{} {s}", since(t)) }</li> }) }
        </ol>
    }
}

#[function_component]
pub fn SequenceDiagram(props: &SequenceProps) -> Html {
    let l = props.lang;
    let failed_view = use_state(|| false);
    let chosen = use_state(|| None::<String>);
    let coords = coordinators(&props.doc);
    if coords.is_empty() {
        return html! {
            <div class="seq-panel muted" data-testid="sequence">
                { tr(l, "No server runs distributed transactions. Set a server's transaction protocol to 2PC or saga in its inspector.") }
            </div>
        };
    }
    // The selected coordinator, else the one picked here, else the first.
    let coord = props
        .selected
        .as_ref()
        .filter(|s| coords.contains(s))
        .or_else(|| chosen.as_ref().filter(|c| coords.contains(c)))
        .unwrap_or(&coords[0])
        .clone();
    let samples = props.samples.get(&coord).cloned().unwrap_or_default();
    let seq = if *failed_view {
        samples.latest_failed.as_ref()
    } else {
        samples.shown.as_ref()
    };
    let toggle = |failed: bool, label: &'static str, testid: &'static str| {
        let s = failed_view.clone();
        html! {
            <button class={classes!("btn", "btn-small", (*failed_view == failed).then_some("is-active"))}
                    aria-pressed={(*failed_view == failed).to_string()} data-testid={testid}
                    onclick={move |_| s.set(failed)}>{ label }</button>
        }
    };
    let picker = (coords.len() > 1).then(|| {
        let c = chosen.clone();
        let onchange = Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            c.set(Some(v));
        });
        html! {
            <select class="seq-coord" data-testid="seq-coordinator" aria-label={tr(l, "Coordinator")} {onchange}>
                { for coords.iter().map(|id| {
                    let shown = props.doc.nodes.iter().find(|n| &n.id == id)
                        .map_or_else(|| id.clone(), |n| n.display_name().to_owned());
                    html! { <option value={id.clone()} selected={*id == coord}>{ shown }</option> }
                }) }
            </select>
        }
    });
    let head = match seq {
        Some(s) => {
            let protocol = match s.protocol {
                TxnProtocol::TwoPhaseCommit => "2PC",
                _ => tr(l, "saga"),
            };
            let more = (s.more_arrows > 0)
                .then(|| fill(tr(l, "(+{} later messages not drawn)"), &[&s.more_arrows]));
            html! {
                <>
                    <span class={classes!("seq-outcome", outcome_slug(s.outcome))} data-testid="seq-outcome"
                          data-outcome={outcome_slug(s.outcome)}>{ outcome_name(l, s.outcome) }</span>
                    if settled(s) {
                        <span class="muted">{ fill(tr(l, "{} transaction begun at t = {}, took {}"),
                            &[&protocol, &format::clock(s.started_s), &format::ms(last_moment(s))]) }</span>
                    } else {
                        <span class="muted">{ fill(tr(l, "{} transaction begun at t = {}, {} so far"),
                            &[&protocol, &format::clock(s.started_s), &format::ms(s.span_ms)]) }</span>
                    }
                    if let Some(m) = more { <span class="muted">{ m }</span> }
                </>
            }
        }
        None => html! {},
    };
    let body = match seq {
        Some(s) => html! {
            <>
                <div class="seq-scroll" tabindex="0" role="img"
                     aria-label={fill(tr(l, "Sequence diagram: {} messages between the coordinator and {} participants"),
                                      &[&s.arrows.len(), &s.participants.len()])}>
                    { diagram_view(l, &props.doc, &coord, s) }
                </div>
                { narration(l, &props.doc, s) }
            </>
        },
        None if *failed_view => html! {
            <p class="muted">{ tr(l, "No sampled transaction has failed yet.") }</p>
        },
        None => html! {
            <p class="muted">{ tr(l, "Press Play: one transaction per simulated second is drawn here, message by message.") }</p>
        },
    };
    html! {
        <div class="seq-panel" data-testid="sequence" data-coordinator={coord.clone()}>
            <div class="seq-head">
                { for picker }
                { toggle(false, tr(l, "Latest"), "seq-latest") }
                { toggle(true, tr(l, "Latest failed"), "seq-failed") }
                { head }
            </div>
            { body }
        </div>
    }
}
