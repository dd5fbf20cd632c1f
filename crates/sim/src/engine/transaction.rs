//! Distributed transactions, coordinated by a server: two-phase commit and sagas.
//!
//! A server whose `transaction.protocol` is `2pc` or `saga` runs every write it serves as one
//! transaction over its participants (databases), in place of calling them one by one; reads
//! call them as usual. Protocol messages are modelled here, not as database jobs: each travels
//! over the server's edge to the participant (the edge's latency, both ways, sampled once per
//! transaction and participant), and each costs the participant `local_ms`. A message over a
//! cut edge, or to a participant that is down, is lost.
//!
//! **Two-phase commit** (the server is the coordinator): prepare goes to every participant;
//! each locks the transaction's key — waiting in line if another transaction holds it (the lock
//! wait) — and votes, yes unless it fails (`failure_probability`). All yes is the commit point:
//! commit goes out, each participant releases its lock and acknowledges, and the write goes on
//! once all have — two rounds of the slowest participant's round trip plus local work — or
//! after `timeout_ms` if some cannot be reached (the decision stands). A no, or a vote missing
//! after `timeout_ms`, aborts. A decision is retried every `timeout_ms` until every participant
//! that needs it has it. A coordinator killed before deciding leaves its prepared participants
//! *in doubt*: they voted yes, so they may not decide alone, and hold their locks until the
//! coordinator is revived and aborts what it never decided (presumed abort).
//!
//! **Saga** (the server orchestrates): the same participants take one local transaction each,
//! in order, each committed at once (no locks across steps). A step that fails (or whose answer
//! does not come within `timeout_ms`) fails the write at once, and the server compensates the
//! steps already committed in the background, one after the other in reverse order. Between a
//! step's commit and its compensation other requests can read the intermediate state: reads of
//! that key at that participant in the window are counted as anomaly reads when the
//! compensation closes it (a window closed by the saga's success is no anomaly).
//!
//! Nothing here runs for a diagram without transactions: servers skip it on an empty
//! participant list, and databases look reads up only while a saga window is open.

use super::jobs::{Cause, Failure, JobRef};
use super::node::{Model, Out};
use super::txn_sequence::{HoldKind, SeqMessage, SeqNoteKind, SeqSampler, TxnSamples};
use super::{Ev, Simulation};
use crate::diagram::TxnProtocol;
use crate::metrics::Histogram;
use crate::time::{ms_to_ns, Time};
use std::collections::VecDeque;

/// What an `Ev::Txn` carries, in its top byte; the participant's index is the rest.
const PREPARE: u32 = 1;
const VOTE_YES: u32 = 2;
const VOTE_NO: u32 = 3;
const VOTE_TIMEOUT: u32 = 4;
const COMMIT: u32 = 5;
const ABORT: u32 = 6;
const ACK: u32 = 7;
const DECISION_RETRY: u32 = 8;
const STEP: u32 = 9;
const STEP_OK: u32 = 10;
const STEP_FAILED: u32 = 11;
const STEP_TIMEOUT: u32 = 12;
const COMPENSATE: u32 = 13;
const COMPENSATED: u32 = 14;
const COMPENSATE_TIMEOUT: u32 = 15;
const ACK_TIMEOUT: u32 = 16;

fn msg(kind: u32, part: usize) -> u32 {
    kind << 24 | part as u32
}

/// How the sequence diagram names a message kind (timers and retries are not messages).
fn seq_message(kind: u32) -> Option<SeqMessage> {
    Some(match kind {
        PREPARE => SeqMessage::Prepare,
        VOTE_YES => SeqMessage::VoteYes,
        VOTE_NO => SeqMessage::VoteNo,
        COMMIT => SeqMessage::Commit,
        ABORT => SeqMessage::Abort,
        ACK => SeqMessage::Ack,
        STEP => SeqMessage::Step,
        STEP_OK => SeqMessage::StepOk,
        STEP_FAILED => SeqMessage::StepFailed,
        COMPENSATE => SeqMessage::Compensate,
        COMPENSATED => SeqMessage::Compensated,
        _ => return None,
    })
}

/// A participant's side of one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// Nothing received (or the prepare was lost).
    Idle,
    /// 2PC: waiting for the key's lock.
    Waiting,
    /// 2PC: holds the lock and voted yes. Saga: its step is committed.
    Prepared,
    /// Finished its part (voted no, committed, aborted, compensated).
    Done,
}

#[derive(Clone, Debug)]
struct Txn {
    gen: u32,
    live: bool,
    protocol: TxnProtocol,
    coord: u32,
    /// The server's job waiting for the outcome.
    job: JobRef,
    key: u64,
    started: Time,
    /// Participants: their node and the coordinator's edge to them.
    outs: Vec<Out>,
    /// One-way latency to each participant (sampled once).
    hops: Vec<Time>,
    parts: Vec<Part>,
    /// 2PC: yes votes received; acknowledgements of the decision still expected.
    yes: u32,
    acks: u32,
    acked: Vec<bool>,
    /// 2PC: Some(commit?) once decided.
    decided: Option<bool>,
    /// Saga: the step being run, or the compensation being run (counting down).
    step: usize,
    compensating: bool,
    /// Events scheduled for it and not handled yet: it is freed when none is left.
    pending: u32,
    /// The server's job has its outcome (the protocol may still be finishing).
    answered: bool,
    finished: bool,
    timeout: Time,
    local: Time,
    failure_probability: f64,
}

/// A 2PC participant's lock on one key.
#[derive(Debug, Default)]
struct Lock {
    holder: Option<(u32, u32)>,
    /// (transaction slot, generation, participant index, waiting since).
    waiters: VecDeque<(u32, u32, usize, Time)>,
}

/// A saga step committed and not yet known to stand: reads of its key see it.
#[derive(Clone, Copy, Debug)]
struct Window {
    txn: u32,
    gen: u32,
    reads: u64,
}

/// A coordinator's transactions since warm-up.
#[derive(Clone, Debug, Default)]
pub struct TxnStats {
    pub started: u64,
    pub committed: u64,
    pub aborted: u64,
    /// Saga steps undone by a compensation.
    pub compensated: u64,
    /// Saga steps committed (at a participant), compensated later or not.
    pub steps_committed: u64,
    /// Sagas that failed, by the step that failed (0 = the first).
    pub failed_at_step: Vec<u64>,
    pub anomaly_reads: u64,
    /// 2PC: how long participants waited for a key's lock.
    pub lock_wait: Histogram,
    /// From the start of a transaction to its commit.
    pub commit_latency: Histogram,
}

#[derive(Debug, Default)]
pub(crate) struct Transactions {
    txns: Vec<Txn>,
    free: Vec<u32>,
    /// By (participant node, key). Only looked up, never iterated: its order cannot leak.
    locks: crate::fast_hash::FastMap<(u32, u64), Lock>,
    locks_held: u64,
    /// Open saga windows by (participant node, key).
    windows: crate::fast_hash::FastMap<(u32, u64), Vec<Window>>,
    /// Windows open: database reads are looked up only when some are.
    pub open_windows: u64,
    /// By coordinator slot.
    pub stats: Vec<TxnStats>,
    /// One transaction per coordinator at a time, written down for the sequence diagram.
    pub seq: SeqSampler,
}

impl Transactions {
    /// The sampler's key for transaction `slot`: (coordinator, slot, generation).
    fn key(&self, slot: u32) -> (u32, u32, u32) {
        let t = &self.txns[slot as usize];
        (t.coord, slot, t.gen)
    }

    /// Whether (slot, gen) is a transaction `coord` is writing down.
    pub fn sampled(&self, coord: u32, slot: u32, gen: u32) -> bool {
        self.seq.records(coord, slot, gen)
    }

    pub fn reset_stats(&mut self) {
        for s in &mut self.stats {
            *s = TxnStats::default();
        }
    }

    fn stats(&mut self, coord: u32) -> &mut TxnStats {
        let i = coord as usize;
        if self.stats.len() <= i {
            self.stats.resize_with(i + 1, TxnStats::default);
        }
        &mut self.stats[i]
    }

    /// Locks held at participants right now for transactions `coord` coordinates (a count:
    /// the map's order does not matter).
    pub fn locks_held_by(&self, coord: u32) -> u64 {
        if self.locks_held == 0 {
            return 0;
        }
        self.locks
            .values()
            .filter_map(|l| l.holder)
            .filter(|&(s, _)| self.txns[s as usize].coord == coord)
            .count() as u64
    }

    /// Transactions of `coord` that are in doubt: undecided while the coordinator is down,
    /// with at least one participant prepared (holding its lock).
    pub fn in_doubt(&self, coord: u32, coord_up: bool) -> u64 {
        if coord_up {
            return 0;
        }
        self.txns
            .iter()
            .filter(|t| t.live && t.coord == coord && t.decided.is_none())
            .filter(|t| t.protocol == TxnProtocol::TwoPhaseCommit)
            .filter(|t| t.parts.contains(&Part::Prepared))
            .count() as u64
    }

    /// A read at `db` of `key`: every open saga window on it sees it.
    pub fn saw_read(&mut self, db: u32, key: u64) {
        if let Some(ws) = self.windows.get_mut(&(db, key)) {
            for w in ws {
                w.reads += 1;
            }
        }
    }

    fn open_window(&mut self, db: u32, key: u64, txn: u32, gen: u32) {
        self.windows
            .entry((db, key))
            .or_default()
            .push(Window { txn, gen, reads: 0 });
        self.open_windows += 1;
    }

    /// Closes a saga's window; returns the reads it saw.
    fn close_window(&mut self, db: u32, key: u64, txn: u32, gen: u32) -> u64 {
        let Some(ws) = self.windows.get_mut(&(db, key)) else {
            return 0;
        };
        let Some(i) = ws.iter().position(|w| w.txn == txn && w.gen == gen) else {
            return 0;
        };
        let w = ws.remove(i);
        if ws.is_empty() {
            self.windows.remove(&(db, key));
        }
        self.open_windows -= 1;
        w.reads
    }
}

impl Simulation {
    /// The sampled transactions of coordinator `id`, for the sequence diagram (empty for a
    /// node that coordinates none).
    pub fn txn_samples(&self, id: &str) -> TxnSamples {
        let Some(&n) = self.index.get(id) else {
            return TxnSamples::default();
        };
        let in_doubt = self.txns.seq.current(n).is_some_and(|(slot, gen)| {
            let t = &self.txns.txns[slot as usize];
            !self.nodes[n as usize].up
                && t.live
                && t.gen == gen
                && t.protocol == TxnProtocol::TwoPhaseCommit
                && t.decided.is_none()
                && t.parts.contains(&Part::Prepared)
        });
        self.txns.seq.samples(n, self.core.now, in_doubt)
    }

    /// Whether server `n` runs `j` (a write) as a transaction, and starts it if so. The job
    /// waits; [`Simulation::server_continue`] resumes it when the transaction commits.
    pub(super) fn maybe_start_txn(&mut self, n: u32, j: JobRef) -> bool {
        let node = &self.nodes[n as usize];
        let Model::Server(s) = &node.model else {
            return false;
        };
        let t = &s.params.transaction;
        if t.protocol == TxnProtocol::None || s.txn_outs.is_empty() {
            return false;
        }
        let outs: Vec<Out> = s
            .txn_outs
            .iter()
            .filter_map(|&i| node.out.get(i as usize).copied())
            .collect();
        let (protocol, timeout, local, p) = (
            t.protocol,
            ms_to_ns(t.timeout_ms),
            ms_to_ns(t.local_ms),
            t.failure_probability,
        );
        let core = &mut self.core;
        let hops: Vec<Time> = outs.iter().map(|&o| core.sample_hop(o)).collect();
        let job = core.jobs.at(j);
        job.phase = super::jobs::Phase::Waiting;
        job.epoch = 1;
        let key = job.key;
        let now = core.now;
        let txns = &mut self.txns;
        let n_parts = outs.len();
        let parts = vec![Part::Idle; n_parts];
        let txn = Txn {
            gen: 0,
            live: true,
            protocol,
            coord: n,
            job: j,
            key,
            started: now,
            outs,
            hops,
            parts,
            yes: 0,
            acks: 0,
            acked: vec![false; n_parts],
            decided: None,
            step: 0,
            compensating: false,
            pending: 0,
            answered: false,
            finished: false,
            timeout,
            local,
            failure_probability: p,
        };
        // A free slot keeps its generation (late answers to its last transaction are dropped).
        let slot = match txns.free.pop() {
            Some(i) => {
                let t = &mut txns.txns[i as usize];
                *t = Txn { gen: t.gen, ..txn };
                i
            }
            None => {
                txns.txns.push(txn);
                txns.txns.len() as u32 - 1
            }
        };
        txns.stats(n).started += 1;
        let (nodes, t) = (&self.nodes, &txns.txns[slot as usize]);
        let gen = t.gen;
        txns.seq.started(n, slot, gen, now, protocol, || {
            t.outs
                .iter()
                .map(|o| nodes[o.target as usize].id.clone())
                .collect()
        });
        match protocol {
            TxnProtocol::TwoPhaseCommit => {
                for i in 0..self.txns.txns[slot as usize].outs.len() {
                    self.send(slot, msg(PREPARE, i), false);
                }
                self.timer(slot, msg(VOTE_TIMEOUT, 0));
            }
            _ => {
                self.send(slot, msg(STEP, 0), false);
                self.timer(slot, msg(STEP_TIMEOUT, 0));
            }
        }
        true
    }

    /// Sends a protocol message over participant `m & 0xffffff`'s edge: towards the
    /// participant, or (`back`) from it to the coordinator after its local work. Lost over a
    /// cut edge.
    fn send(&mut self, slot: u32, m: u32, back: bool) {
        let t = &self.txns.txns[slot as usize];
        let i = (m & 0xff_ffff) as usize;
        let out = t.outs[i];
        // The edge as it is now (a partition may have cut it since the transaction began).
        let cut = self.nodes[t.coord as usize]
            .out
            .iter()
            .find(|o| o.edge == out.edge)
            .is_none_or(|o| o.cut);
        let delay = if back { t.local + t.hops[i] } else { t.hops[i] };
        let gen = t.gen;
        if self.txns.sampled(t.coord, slot, gen) {
            if let Some(kind) = seq_message(m >> 24) {
                let before = if back { t.local } else { 0 };
                let (key, now) = (self.txns.key(slot), self.core.now);
                let arrives = (!cut).then_some(delay);
                self.txns
                    .seq
                    .message(key, now, kind, i, !back, before, arrives);
            }
        }
        if cut {
            return;
        }
        self.txns.txns[slot as usize].pending += 1;
        self.core.queue.push(
            self.core.now + delay,
            Ev::Txn {
                txn: slot,
                gen,
                msg: m,
            },
        );
    }

    /// A coordinator's timer, `timeout_ms` from now.
    fn timer(&mut self, slot: u32, m: u32) {
        let t = &mut self.txns.txns[slot as usize];
        t.pending += 1;
        let (at, gen) = (self.core.now + t.timeout, t.gen);
        self.core.queue.push(
            at,
            Ev::Txn {
                txn: slot,
                gen,
                msg: m,
            },
        );
    }

    pub(super) fn on_txn(&mut self, slot: u32, gen: u32, m: u32) {
        let Some(t) = self.txns.txns.get_mut(slot as usize) else {
            return;
        };
        if !t.live || t.gen != gen {
            return;
        }
        t.pending -= 1;
        let i = (m & 0xff_ffff) as usize;
        let coord_up = self.nodes[t.coord as usize].up;
        let part_up = t
            .outs
            .get(i)
            .is_some_and(|o| self.nodes[o.target as usize].up);
        // Saga: this message is about the step (or compensation) the saga is at.
        let current = t.step == i && !t.finished;
        let (undecided, compensating) = (t.decided.is_none(), t.compensating);
        let (answered, coord) = (t.answered, t.coord);
        if self.txns.sampled(coord, slot, gen) {
            self.sample_arrival(slot, m, coord_up, part_up, current, compensating);
            let timed_out = match m >> 24 {
                VOTE_TIMEOUT => coord_up && undecided,
                STEP_TIMEOUT => current && !compensating,
                COMPENSATE_TIMEOUT => current && compensating,
                ACK_TIMEOUT => !answered,
                _ => false,
            };
            if timed_out {
                let (key, now) = (self.txns.key(slot), self.core.now);
                self.txns.seq.note(key, now, SeqNoteKind::Timeout);
            }
        }
        match m >> 24 {
            PREPARE if part_up => self.prepare(slot, i),
            VOTE_YES | VOTE_NO if coord_up => self.vote(slot, i, m >> 24 == VOTE_YES),
            VOTE_TIMEOUT if coord_up && undecided => self.decide(slot, false),
            COMMIT | ABORT if part_up => self.apply_decision(slot, i, m >> 24 == COMMIT),
            ACK => self.acked(slot, i),
            // A dead coordinator retries nothing; revived, it starts again.
            DECISION_RETRY if coord_up => self.send_decision(slot, i),
            STEP if part_up => self.saga_step(slot, i),
            STEP_OK if current && !compensating => self.saga_next(slot),
            STEP_FAILED if current && !compensating => self.saga_failed(slot, i, false),
            STEP_TIMEOUT if current && !compensating => self.saga_failed(slot, i, true),
            COMPENSATE if part_up => self.compensate(slot, i),
            COMPENSATED if current && compensating => self.saga_compensated(slot),
            ACK_TIMEOUT => self.answer_commit(slot),
            COMPENSATE_TIMEOUT if current && compensating => {
                // Lost: send it again (compensations are retried until they are done).
                self.send(slot, msg(COMPENSATE, i), false);
                self.timer(slot, msg(COMPENSATE_TIMEOUT, i));
            }
            _ => {}
        }
        self.maybe_free(slot);
    }

    /// A message of the sampled transaction arrived: lost if its receiver is down.
    fn sample_arrival(
        &mut self,
        slot: u32,
        m: u32,
        coord_up: bool,
        part_up: bool,
        current: bool,
        compensating: bool,
    ) {
        let Some(kind) = seq_message(m >> 24) else {
            return;
        };
        let to_participant = matches!(m >> 24, PREPARE | COMMIT | ABORT | STEP | COMPENSATE);
        let lost = if to_participant {
            !part_up
        } else {
            // Answers reach a coordinator that is down, or a saga that has moved on, in vain.
            match m >> 24 {
                VOTE_YES | VOTE_NO => !coord_up,
                STEP_OK | STEP_FAILED => !current || compensating,
                COMPENSATED => !current || !compensating,
                _ => false,
            }
        };
        if lost {
            let (key, now) = (self.txns.key(slot), self.core.now);
            let i = (m & 0xff_ffff) as usize;
            self.txns.seq.lost_on_arrival(key, now, kind, i);
        }
    }

    fn maybe_free(&mut self, slot: u32) {
        let now = self.core.now;
        let t = &mut self.txns.txns[slot as usize];
        if t.live && t.finished && t.pending == 0 {
            self.txns.seq.finished(t.coord, slot, t.gen, now);
            let t = &mut self.txns.txns[slot as usize];
            t.live = false;
            t.gen = t.gen.wrapping_add(1);
            self.txns.free.push(slot);
        }
    }

    // ---- Two-phase commit ----

    /// A prepare reaches participant `i`: it takes the key's lock (or queues for it).
    fn prepare(&mut self, slot: u32, i: usize) {
        let now = self.core.now;
        let t = &mut self.txns.txns[slot as usize];
        if t.parts[i] != Part::Idle {
            return; // already told to abort
        }
        let (db, key, gen) = (t.outs[i].target, t.key, t.gen);
        let lock = self.txns.locks.entry((db, key)).or_default();
        if lock.holder.is_none() {
            lock.holder = Some((slot, gen));
            self.txns.locks_held += 1;
            self.granted(slot, i, 0);
        } else {
            lock.waiters.push_back((slot, gen, i, now));
            self.txns.txns[slot as usize].parts[i] = Part::Waiting;
            let key = self.txns.key(slot);
            self.txns.seq.hold(key, now, i, HoldKind::LockWait);
        }
    }

    /// Participant `i` got the lock after waiting `waited`: it votes.
    fn granted(&mut self, slot: u32, i: usize, waited: Time) {
        let t = &mut self.txns.txns[slot as usize];
        t.parts[i] = Part::Prepared;
        let (coord, p) = (t.coord, t.failure_probability);
        self.txns.stats(coord).lock_wait.record(waited);
        let (key, now) = (self.txns.key(slot), self.core.now);
        if waited > 0 {
            self.txns.seq.release(key, now, i, HoldKind::LockWait);
        }
        self.txns.seq.hold(key, now, i, HoldKind::Lock);
        let no = p > 0.0 && self.core.rng.bernoulli(p);
        if no {
            // It aborts its local part at once: the lock goes.
            self.txns.txns[slot as usize].parts[i] = Part::Done;
            self.release(slot, i);
        }
        self.send(slot, msg(if no { VOTE_NO } else { VOTE_YES }, i), true);
    }

    /// Participant `i` lets go of the key's lock; the next transaction in line gets it.
    fn release(&mut self, slot: u32, i: usize) {
        let now = self.core.now;
        let t = &self.txns.txns[slot as usize];
        let k = (t.outs[i].target, t.key);
        let (gen, coord) = (t.gen, t.coord);
        let txns = &mut self.txns;
        let Some(lock) = txns.locks.get_mut(&k) else {
            return;
        };
        if lock.holder != Some((slot, gen)) {
            return;
        }
        lock.holder = None;
        txns.locks_held -= 1;
        txns.seq.release((coord, slot, gen), now, i, HoldKind::Lock);
        let mut next = None;
        while let Some((s, g, p, since)) = lock.waiters.pop_front() {
            let waiter = &txns.txns[s as usize];
            if waiter.live && waiter.gen == g && waiter.parts[p] == Part::Waiting {
                next = Some((s, g, p, since));
                break;
            }
        }
        match next {
            Some((s, g, p, since)) => {
                lock.holder = Some((s, g));
                txns.locks_held += 1;
                self.granted(s, p, now - since);
            }
            None => {
                txns.locks.remove(&k);
            }
        }
    }

    fn vote(&mut self, slot: u32, i: usize, yes: bool) {
        let t = &mut self.txns.txns[slot as usize];
        if t.decided == Some(false) && yes {
            // Prepared after the abort went out: it must hear the abort too.
            self.send_decision(slot, i);
            return;
        }
        if t.decided.is_some() {
            return;
        }
        if !yes {
            self.decide(slot, false);
            return;
        }
        t.yes += 1;
        if t.yes as usize == t.outs.len() {
            self.decide(slot, true);
        }
    }

    /// The coordinator decides: the server's job learns an abort at once, a commit once every
    /// participant has acknowledged it.
    fn decide(&mut self, slot: u32, commit: bool) {
        let (key, now) = (self.txns.key(slot), self.core.now);
        let note = if commit {
            SeqNoteKind::Committed
        } else {
            SeqNoteKind::Aborted
        };
        self.txns.seq.note(key, now, note);
        let t = &mut self.txns.txns[slot as usize];
        t.decided = Some(commit);
        let n = t.outs.len();
        let (coord, job) = (t.coord, t.job);
        if commit {
            // The commit point: from here the transaction will commit everywhere.
            t.acks = n as u32;
            self.txns.stats(coord).committed += 1;
            // The server answers once every participant has acknowledged — or, if some cannot
            // be reached, after `timeout_ms`: the decision stands and is delivered later.
            self.timer(slot, msg(ACK_TIMEOUT, 0));
        } else {
            t.finished = true;
            t.answered = true;
            self.txns.stats(coord).aborted += 1;
            self.txn_failed(coord, job);
        }
        for i in 0..n {
            self.send_decision(slot, i);
        }
    }

    /// Sends the decision to participant `i`, and again after `timeout_ms` until it is
    /// known to have it (a commit: acknowledged; an abort: a participant holding or queueing
    /// for the lock has let go). A participant that never prepared has nothing to undo.
    fn send_decision(&mut self, slot: u32, i: usize) {
        let t = &self.txns.txns[slot as usize];
        let commit = t.decided == Some(true);
        let needed = if commit {
            !t.acked[i]
        } else {
            t.parts[i] != Part::Done
        };
        if !needed {
            return;
        }
        let retry = commit || matches!(t.parts[i], Part::Prepared | Part::Waiting);
        self.send(slot, msg(if commit { COMMIT } else { ABORT }, i), false);
        if retry {
            self.timer(slot, msg(DECISION_RETRY, i));
        }
    }

    fn acked(&mut self, slot: u32, i: usize) {
        let t = &mut self.txns.txns[slot as usize];
        if t.acked[i] {
            return;
        }
        t.acked[i] = true;
        t.acks -= 1;
        if t.acks == 0 {
            self.answer_commit(slot);
            self.txns.txns[slot as usize].finished = true;
        }
    }

    fn apply_decision(&mut self, slot: u32, i: usize, commit: bool) {
        let t = &mut self.txns.txns[slot as usize];
        let before = t.parts[i];
        t.parts[i] = Part::Done;
        if before == Part::Prepared {
            self.release(slot, i);
        }
        if commit {
            // Again if the first acknowledgement was lost.
            self.send(slot, msg(ACK, i), true);
        }
    }

    /// Every participant acknowledged the commit, or the wait for them timed out: the
    /// server's job goes on.
    fn answer_commit(&mut self, slot: u32) {
        let now = self.core.now;
        let t = &mut self.txns.txns[slot as usize];
        if t.answered {
            return;
        }
        t.answered = true;
        let (coord, job, started) = (t.coord, t.job, t.started);
        self.txns.stats(coord).commit_latency.record(now - started);
        self.txn_succeeded(coord, job);
    }

    /// A coordinator revived: what it had not decided it aborts (presumed abort), releasing
    /// the in-doubt participants' locks. Killed, it keeps its transactions: they wait.
    pub(super) fn coordinator_up(&mut self, n: u32, up: bool) {
        if self.txns.txns.is_empty() {
            return;
        }
        let now = self.core.now;
        let (nodes, txns) = (&self.nodes, &self.txns.txns);
        let names = |slot: u32| {
            txns[slot as usize]
                .outs
                .iter()
                .map(|o| nodes[o.target as usize].id.clone())
                .collect()
        };
        self.txns.seq.coordinator(n, now, up, names);
        if !up {
            return;
        }
        let undecided: Vec<u32> = (0..self.txns.txns.len() as u32)
            .filter(|&s| {
                let t = &self.txns.txns[s as usize];
                t.live && t.coord == n && t.protocol == TxnProtocol::TwoPhaseCommit
            })
            .collect();
        for s in undecided {
            if self.txns.txns[s as usize].decided.is_none() {
                self.decide(s, false);
            } else {
                // Decided before it died: participants that have not heard may still wait.
                for i in 0..self.txns.txns[s as usize].outs.len() {
                    self.send_decision(s, i);
                }
            }
            self.maybe_free(s);
        }
    }

    // ---- Sagas ----

    /// Step `i` reaches its participant: a local transaction, committed at once (or failed).
    fn saga_step(&mut self, slot: u32, i: usize) {
        let t = &mut self.txns.txns[slot as usize];
        if t.parts[i] != Part::Idle {
            return;
        }
        let p = t.failure_probability;
        if p > 0.0 && self.core.rng.bernoulli(p) {
            self.txns.txns[slot as usize].parts[i] = Part::Done;
            self.send(slot, msg(STEP_FAILED, i), true);
            return;
        }
        let t = &mut self.txns.txns[slot as usize];
        t.parts[i] = Part::Prepared;
        let (db, key, gen, coord) = (t.outs[i].target, t.key, t.gen, t.coord);
        self.txns.stats(coord).steps_committed += 1;
        self.txns.open_window(db, key, slot, gen);
        let now = self.core.now;
        self.txns
            .seq
            .hold((coord, slot, gen), now, i, HoldKind::Visible);
        self.send(slot, msg(STEP_OK, i), true);
    }

    fn saga_next(&mut self, slot: u32) {
        let t = &mut self.txns.txns[slot as usize];
        t.step += 1;
        if t.step < t.outs.len() {
            let i = t.step;
            self.send(slot, msg(STEP, i), false);
            self.timer(slot, msg(STEP_TIMEOUT, i));
            return;
        }
        // Every step stands: the windows close without anomalies.
        t.finished = true;
        t.answered = true;
        let (coord, job, key, gen, started) = (t.coord, t.job, t.key, t.gen, t.started);
        let dbs: Vec<u32> = t.outs.iter().map(|o| o.target).collect();
        let now = self.core.now;
        for (i, db) in dbs.into_iter().enumerate() {
            self.txns.close_window(db, key, slot, gen);
            self.txns
                .seq
                .release((coord, slot, gen), now, i, HoldKind::Visible);
        }
        self.txns
            .seq
            .note((coord, slot, gen), now, SeqNoteKind::Committed);
        let s = self.txns.stats(coord);
        s.committed += 1;
        s.commit_latency.record(now - started);
        self.txn_succeeded(coord, job);
    }

    /// Step `i` failed (or its answer never came, `timed_out`): compensate the steps before
    /// it — and this one too if it timed out, since it may have committed.
    fn saga_failed(&mut self, slot: u32, i: usize, timed_out: bool) {
        let t = &mut self.txns.txns[slot as usize];
        let (coord, job) = (t.coord, t.job);
        t.compensating = true;
        t.answered = true;
        let s = self.txns.stats(coord);
        if s.failed_at_step.len() <= i {
            s.failed_at_step.resize(i + 1, 0);
        }
        s.failed_at_step[i] += 1;
        s.aborted += 1;
        let (key, now) = (self.txns.key(slot), self.core.now);
        self.txns.seq.note(key, now, SeqNoteKind::Aborted);
        // The caller learns at once that the saga failed; undoing runs on in the background.
        self.txn_failed(coord, job);
        let first = if timed_out { Some(i) } else { i.checked_sub(1) };
        match first {
            Some(k) => {
                self.txns.txns[slot as usize].step = k;
                self.send(slot, msg(COMPENSATE, k), false);
                self.timer(slot, msg(COMPENSATE_TIMEOUT, k));
            }
            None => self.saga_aborted(slot),
        }
    }

    /// A compensation reaches participant `i`: it undoes the step if it had committed.
    fn compensate(&mut self, slot: u32, i: usize) {
        let t = &mut self.txns.txns[slot as usize];
        if t.parts[i] == Part::Prepared {
            t.parts[i] = Part::Done;
            let (db, key, gen, coord) = (t.outs[i].target, t.key, t.gen, t.coord);
            let reads = self.txns.close_window(db, key, slot, gen);
            let now = self.core.now;
            self.txns
                .seq
                .release((coord, slot, gen), now, i, HoldKind::Visible);
            let s = self.txns.stats(coord);
            s.compensated += 1;
            s.anomaly_reads += reads;
        } else {
            t.parts[i] = Part::Done;
        }
        self.send(slot, msg(COMPENSATED, i), true);
    }

    fn saga_compensated(&mut self, slot: u32) {
        let t = &mut self.txns.txns[slot as usize];
        match t.step.checked_sub(1) {
            Some(k) => {
                t.step = k;
                self.send(slot, msg(COMPENSATE, k), false);
                self.timer(slot, msg(COMPENSATE_TIMEOUT, k));
            }
            None => self.saga_aborted(slot),
        }
    }

    /// Every committed step is compensated: the saga is over.
    fn saga_aborted(&mut self, slot: u32) {
        self.txns.txns[slot as usize].finished = true;
    }

    // ---- Back to the server's job ----

    fn txn_succeeded(&mut self, n: u32, j: JobRef) {
        if self.core.jobs.get(j).is_none() || !self.nodes[n as usize].up {
            return; // the server was killed meanwhile: its caller already has an error
        }
        self.core.jobs.at(j).epoch = 2;
        self.server_continue(n, j);
    }

    fn txn_failed(&mut self, n: u32, j: JobRef) {
        if self.core.jobs.get(j).is_none() || !self.nodes[n as usize].up {
            return;
        }
        self.core.jobs.at(j).failed = Some(Failure {
            cause: Cause::Aborted,
            node: n,
        });
        self.server_fail(n, j);
    }
}
