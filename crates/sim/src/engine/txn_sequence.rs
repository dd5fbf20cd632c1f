//! One transaction at a time, written down as a sequence diagram: the messages between a
//! coordinator and its participants (prepare, vote, commit or abort, acknowledgement; or step,
//! compensation), the locks and visible intermediate states they hold, and the timeouts and
//! crashes that interrupt them — what a learner watches to see *why* 2PC blocks and a saga
//! compensates.
//!
//! Sampling is by time, never by drawing random numbers, so watching cannot change the run:
//! each coordinator records the first transaction it starts once [`SAMPLE_EVERY`] has passed
//! since its previous sample began, and keeps the latest finished sample (and the latest one
//! that did not commit) while recording the next. It also records the newest transaction it
//! started (each start replaces it): a coordinator that dies between the rounds leaves that
//! one undecided, so it becomes the sample, in doubt, when the one being recorded had already
//! been decided. Only these transactions' events are written, into bounded lists; a diagram
//! without transactions never gets here.

use crate::diagram::TxnProtocol;
use crate::time::{ns_to_ms, Time};
use serde::{Deserialize, Serialize};

/// How often (in simulated time) a coordinator starts recording a new transaction.
pub const SAMPLE_EVERY: Time = 1_000_000_000;
/// The most messages one sample keeps: a participant that never answers is asked again every
/// timeout, for as long as it stays away. Later messages are counted, not kept.
pub const MAX_ARROWS: usize = 96;

/// A protocol message, as the sequence diagram labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeqMessage {
    Prepare,
    VoteYes,
    VoteNo,
    Commit,
    Abort,
    Ack,
    Step,
    StepOk,
    StepFailed,
    Compensate,
    Compensated,
}

/// One message between the coordinator and participant `participant`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeqArrow {
    pub message: SeqMessage,
    pub participant: u32,
    /// Towards the participant (false: its answer to the coordinator).
    pub to_participant: bool,
    /// Since the transaction began.
    pub sent_ms: f64,
    pub arrives_ms: f64,
    /// Never delivered: the edge was cut when it was sent, or the receiver was down when it
    /// arrived.
    pub lost: bool,
}

/// What a participant held for the transaction, over a span of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldKind {
    /// 2PC: waiting in line for the key's lock.
    LockWait,
    /// 2PC: the key's lock, from prepare to the decision.
    Lock,
    /// Saga: a committed step others can read, until the saga ends or compensates it.
    Visible,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeqHold {
    pub participant: u32,
    pub kind: HoldKind,
    pub from_ms: f64,
    /// Still held when None.
    pub until_ms: Option<f64>,
}

/// Something that happened at the coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeqNoteKind {
    /// A wait ran out (votes, a step's answer, acknowledgements, a compensation's answer).
    Timeout,
    /// The coordinator was killed, or revived.
    CoordinatorDown,
    CoordinatorUp,
    /// The outcome was decided (2PC) or known (saga).
    Committed,
    Aborted,
    /// A saga's last compensation is done.
    Compensated,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeqNote {
    pub kind: SeqNoteKind,
    pub at_ms: f64,
}

/// Where the transaction stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeqOutcome {
    Running,
    Committed,
    Aborted,
    /// Saga: failed, its committed steps being undone.
    Compensating,
    Compensated,
    /// 2PC: prepared somewhere, undecided, with the coordinator down.
    InDoubt,
}

/// One sampled transaction, for the sequence diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TxnSequence {
    pub protocol: TxnProtocol,
    /// Participant node ids, in step order.
    pub participants: Vec<String>,
    /// Simulated time it began, in seconds.
    pub started_s: f64,
    /// How long it has run (to now, or to its end), in ms.
    pub span_ms: f64,
    pub finished: bool,
    pub outcome: SeqOutcome,
    pub arrows: Vec<SeqArrow>,
    /// Messages past [`MAX_ARROWS`], counted only.
    pub more_arrows: u32,
    pub holds: Vec<SeqHold>,
    pub notes: Vec<SeqNote>,
}

/// A transaction being written down: its slot, generation, start and record.
#[derive(Clone, Debug)]
struct Rec {
    slot: u32,
    gen: u32,
    start: Time,
    seq: TxnSequence,
}

impl Rec {
    fn is(&self, slot: u32, gen: u32) -> bool {
        self.slot == slot && self.gen == gen
    }
}

/// A coordinator's samples.
#[derive(Clone, Debug, Default)]
pub(crate) struct CoordSamples {
    /// The sample being recorded.
    current: Option<Rec>,
    /// The newest transaction started, unless it is `current` (its participants are filled
    /// in only if it is promoted).
    newest: Option<Rec>,
    /// A finished newest, its lists kept for the next start to reuse.
    spare: Option<Rec>,
    latest: Option<TxnSequence>,
    latest_failed: Option<TxnSequence>,
    /// When the current (or latest) sample began.
    began: Option<Time>,
}

/// What the app shows for a coordinator: the transaction being recorded (or, if none, the
/// latest finished one), and the latest one that did not commit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TxnSamples {
    pub shown: Option<TxnSequence>,
    pub latest_failed: Option<TxnSequence>,
}

/// Every coordinator's samples, by coordinator slot.
#[derive(Debug, Default)]
pub(crate) struct SeqSampler {
    by_coord: Vec<CoordSamples>,
}

fn rel_ms(now: Time, start: Time) -> f64 {
    ns_to_ms(now.saturating_sub(start))
}

impl SeqSampler {
    fn coord(&mut self, coord: u32) -> &mut CoordSamples {
        let i = coord as usize;
        if self.by_coord.len() <= i {
            self.by_coord.resize_with(i + 1, CoordSamples::default);
        }
        &mut self.by_coord[i]
    }

    /// A transaction starts at `coord`: the sample if the coordinator is due a new one, else
    /// the newest (reusing the previous newest's lists).
    pub fn started(
        &mut self,
        coord: u32,
        slot: u32,
        gen: u32,
        now: Time,
        protocol: TxnProtocol,
        participants: impl FnOnce() -> Vec<String>,
    ) {
        let c = self.coord(coord);
        let due = c.current.is_none() && c.began.is_none_or(|b| now >= b + SAMPLE_EVERY);
        let mut rec = c
            .newest
            .take()
            .or_else(|| c.spare.take())
            .unwrap_or_else(|| Rec {
                slot,
                gen,
                start: now,
                seq: TxnSequence {
                    protocol,
                    participants: Vec::new(),
                    started_s: 0.0,
                    span_ms: 0.0,
                    finished: false,
                    outcome: SeqOutcome::Running,
                    arrows: Vec::new(),
                    more_arrows: 0,
                    holds: Vec::new(),
                    notes: Vec::new(),
                },
            });
        rec.slot = slot;
        rec.gen = gen;
        rec.start = now;
        let seq = &mut rec.seq;
        seq.protocol = protocol;
        seq.participants.clear();
        seq.started_s = ns_to_ms(now) / 1000.0;
        seq.span_ms = 0.0;
        seq.finished = false;
        seq.outcome = SeqOutcome::Running;
        seq.arrows.clear();
        seq.more_arrows = 0;
        seq.holds.clear();
        seq.notes.clear();
        if due {
            c.began = Some(now);
            rec.seq.participants = participants();
            c.current = Some(rec);
        } else {
            c.newest = Some(rec);
        }
    }

    /// The record of transaction (slot, gen) at `coord`, if it is being written down.
    fn rec(&mut self, coord: u32, slot: u32, gen: u32) -> Option<(Time, &mut TxnSequence)> {
        let c = self.by_coord.get_mut(coord as usize)?;
        [c.current.as_mut(), c.newest.as_mut()]
            .into_iter()
            .flatten()
            .find(|r| r.is(slot, gen))
            .map(|r| (r.start, &mut r.seq))
    }

    /// A message leaves now (after `before` of local work) and arrives `delay` later, or is
    /// lost on a cut edge.
    #[allow(clippy::too_many_arguments)]
    pub fn message(
        &mut self,
        key: (u32, u32, u32),
        now: Time,
        message: SeqMessage,
        participant: usize,
        to_participant: bool,
        before: Time,
        delay: Option<Time>,
    ) {
        let (coord, slot, gen) = key;
        let Some((start, seq)) = self.rec(coord, slot, gen) else {
            return;
        };
        if seq.arrows.len() >= MAX_ARROWS {
            seq.more_arrows += 1;
            return;
        }
        let sent = rel_ms(now + before, start);
        seq.arrows.push(SeqArrow {
            message,
            participant: participant as u32,
            to_participant,
            sent_ms: sent,
            arrives_ms: delay.map_or(sent, |d| rel_ms(now + d, start)),
            lost: delay.is_none(),
        });
    }

    /// A message of the sample arrived at a receiver that is down: it is lost.
    pub fn lost_on_arrival(
        &mut self,
        key: (u32, u32, u32),
        now: Time,
        message: SeqMessage,
        participant: usize,
    ) {
        let (coord, slot, gen) = key;
        let Some((start, seq)) = self.rec(coord, slot, gen) else {
            return;
        };
        let at = rel_ms(now, start);
        if let Some(a) = seq.arrows.iter_mut().rev().find(|a| {
            a.message == message
                && a.participant as usize == participant
                && (a.arrives_ms - at).abs() < 1e-6
        }) {
            a.lost = true;
        }
    }

    /// Participant `participant` starts holding something now.
    pub fn hold(&mut self, key: (u32, u32, u32), now: Time, participant: usize, kind: HoldKind) {
        let (coord, slot, gen) = key;
        if let Some((start, seq)) = self.rec(coord, slot, gen) {
            seq.holds.push(SeqHold {
                participant: participant as u32,
                kind,
                from_ms: rel_ms(now, start),
                until_ms: None,
            });
        }
    }

    /// Participant `participant` lets go of what it held of `kind`.
    pub fn release(&mut self, key: (u32, u32, u32), now: Time, participant: usize, kind: HoldKind) {
        let (coord, slot, gen) = key;
        if let Some((start, seq)) = self.rec(coord, slot, gen) {
            let at = rel_ms(now, start);
            if let Some(h) = seq.holds.iter_mut().rev().find(|h| {
                h.participant as usize == participant && h.kind == kind && h.until_ms.is_none()
            }) {
                h.until_ms = Some(at);
            }
        }
    }

    pub fn note(&mut self, key: (u32, u32, u32), now: Time, kind: SeqNoteKind) {
        let (coord, slot, gen) = key;
        if let Some((start, seq)) = self.rec(coord, slot, gen) {
            seq.notes.push(SeqNote {
                kind,
                at_ms: rel_ms(now, start),
            });
            seq.outcome = match kind {
                SeqNoteKind::Committed => SeqOutcome::Committed,
                SeqNoteKind::Aborted if seq.protocol == TxnProtocol::Saga => {
                    SeqOutcome::Compensating
                }
                SeqNoteKind::Aborted => SeqOutcome::Aborted,
                SeqNoteKind::Compensated => SeqOutcome::Compensated,
                _ => seq.outcome,
            };
        }
    }

    /// The coordinator went down or came back: noted on the transaction being recorded. Going
    /// down with the sample already decided (or none), the newest transaction — undecided —
    /// becomes the sample: the one a learner needs to see blocked. `participants` names a
    /// slot's participants.
    pub fn coordinator(
        &mut self,
        coord: u32,
        now: Time,
        up: bool,
        participants: impl FnOnce(u32) -> Vec<String>,
    ) {
        let Some(c) = self.by_coord.get_mut(coord as usize) else {
            return;
        };
        let decided = c
            .current
            .as_ref()
            .is_none_or(|r| r.seq.outcome != SeqOutcome::Running);
        let undecided = c
            .newest
            .as_ref()
            .is_some_and(|r| r.seq.outcome == SeqOutcome::Running);
        if !up && decided && undecided {
            if let Some(mut r) = c.newest.take() {
                r.seq.participants = participants(r.slot);
                c.began = Some(r.start);
                c.current = Some(r);
            }
        }
        let Some(r) = &c.current else {
            return;
        };
        let kind = if up {
            SeqNoteKind::CoordinatorUp
        } else {
            SeqNoteKind::CoordinatorDown
        };
        let key = (coord, r.slot, r.gen);
        self.note(key, now, kind);
    }

    /// Transaction (slot, gen) is over (nothing more can happen to it): if it was being
    /// recorded, it becomes the latest sample.
    pub fn finished(&mut self, coord: u32, slot: u32, gen: u32, now: Time) {
        let Some(c) = self.by_coord.get_mut(coord as usize) else {
            return;
        };
        if c.newest.as_ref().is_some_and(|r| r.is(slot, gen)) {
            // Kept for its lists, reused by the next start.
            c.spare = c.newest.take();
            return;
        }
        if !c.current.as_ref().is_some_and(|r| r.is(slot, gen)) {
            return;
        }
        let Some(Rec { start, mut seq, .. }) = c.current.take() else {
            return;
        };
        seq.finished = true;
        seq.span_ms = rel_ms(now, start);
        if seq.outcome == SeqOutcome::Compensating {
            // Every committed step was undone; a saga that failed at its first step had none
            // to undo: it simply aborted.
            let undid = seq
                .arrows
                .iter()
                .any(|a| a.message == SeqMessage::Compensate);
            seq.outcome = if undid {
                seq.notes.push(SeqNote {
                    kind: SeqNoteKind::Compensated,
                    at_ms: seq.span_ms,
                });
                SeqOutcome::Compensated
            } else {
                SeqOutcome::Aborted
            };
        }
        if seq.outcome != SeqOutcome::Committed {
            c.latest_failed = Some(seq.clone());
        }
        c.latest = Some(seq);
    }

    /// What to show for `coord` now; `in_doubt` says whether the recorded transaction is in
    /// doubt (2PC, undecided, prepared somewhere, coordinator down).
    pub fn samples(&self, coord: u32, now: Time, in_doubt: bool) -> TxnSamples {
        let Some(c) = self.by_coord.get(coord as usize) else {
            return TxnSamples::default();
        };
        let shown = match &c.current {
            Some(r) => {
                let mut seq = r.seq.clone();
                seq.span_ms = rel_ms(now, r.start);
                if in_doubt {
                    seq.outcome = SeqOutcome::InDoubt;
                }
                Some(seq)
            }
            None => c.latest.clone(),
        };
        TxnSamples {
            shown,
            latest_failed: c.latest_failed.clone(),
        }
    }

    /// Whether transaction (slot, gen) of `coord` is being written down.
    pub fn records(&self, coord: u32, slot: u32, gen: u32) -> bool {
        self.by_coord.get(coord as usize).is_some_and(|c| {
            [&c.current, &c.newest]
                .into_iter()
                .flatten()
                .any(|r| r.is(slot, gen))
        })
    }

    /// The slot and generation of the sample being recorded at `coord`.
    pub fn current(&self, coord: u32) -> Option<(u32, u32)> {
        let c = self.by_coord.get(coord as usize)?;
        c.current.as_ref().map(|r| (r.slot, r.gen))
    }
}
