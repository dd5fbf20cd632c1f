//! Message queue (Kafka/SQS-like): asynchronous work.
//!
//! A producer — anything with an edge into the queue — is answered as soon as its message is
//! stored (`enqueue_ms`): its user no longer waits for the work. The queue's outgoing edges are
//! its consumers (worker pools); it keeps at most `consumers` deliveries in flight over all of
//! them, round robin, skipping consumers that are down or cut off (they cannot poll).
//!
//! Delivery is at-least-once. A delivered message is invisible until the consumer's success
//! acknowledges (deletes) it. If no success arrives within `visibility_timeout_ms` — the
//! consumer failed, or is merely slow — the message becomes visible again and is delivered
//! again; after `max_attempts` deliveries it goes to the dead-letter queue instead. A slow
//! consumer that finishes after its message was handed to another has done the work twice:
//! a duplicate, unless consumers are `idempotent` (they remember what they applied), in which
//! case it is absorbed. Messages older than `retention_s` are dropped unprocessed.
//!
//! Every message is in exactly one of: the backlog (visible), in flight (delivered, invisible),
//! processed, dead-lettered or expired — `enqueued = processed + backlog + in flight + dlq +
//! expired` holds at every instant (counts since the start of the run).

use super::jobs::{Cause, Job, JobRef, Phase, NONE};
use super::node::Model;
use super::{Ev, Simulation};
use crate::diagram::QueueParams;
use crate::metrics::Histogram;
use crate::time::{ms_to_ns, secs_to_ns, Time};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// In the backlog, waiting for a consumer.
    Visible,
    /// Handed to a consumer, invisible until acknowledged or its visibility timeout.
    Delivered,
    /// Processed, dead-lettered or expired: counted, kept only while deliveries of it are
    /// still out (their late answers are duplicates) or it still sits in the backlog deque.
    Settled,
}

#[derive(Clone, Copy, Debug)]
struct Message {
    live: bool,
    state: State,
    /// Its id is in the backlog deque (removal from the deque is lazy).
    in_backlog: bool,
    enqueued_at: Time,
    key: u64,
    write: bool,
    class: u16,
    /// Deliveries so far.
    deliveries: u32,
    /// The id of its latest delivery: only that one's visibility timeout counts.
    current: u32,
    /// Deliveries sent and not answered yet.
    outstanding: u32,
    /// Deliveries that succeeded: the work was done this many times.
    applied: u32,
}

/// What a queue has done since the start of the run (so that the counts add up).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub enqueued: u64,
    /// Producers refused because the queue was full.
    pub refused: u64,
    pub processed: u64,
    pub dead_lettered: u64,
    pub expired: u64,
    pub deliveries: u64,
    /// Deliveries of a message delivered before.
    pub redeliveries: u64,
    /// Successful processings of a message already processed (work done twice).
    pub duplicates: u64,
    /// Duplicates an idempotent consumer recognised and ignored.
    pub absorbed: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct MessageQueueRt {
    pub params: QueueParams,
    messages: Vec<Message>,
    free: Vec<u32>,
    backlog: VecDeque<u32>,
    /// Messages visible (the deque minus settled entries not yet popped).
    pub visible: u64,
    /// Messages delivered and not settled.
    pub in_flight: u64,
    /// Deliveries out (a consumer slot each), current or not.
    pub deliveries_out: u32,
    rr: u32,
    next_delivery: u32,
    pub counts: QueueCounts,
    /// Time from enqueue to processing, of the messages processed since warm-up.
    pub delay: Histogram,
}

impl MessageQueueRt {
    pub fn new(p: &QueueParams) -> MessageQueueRt {
        MessageQueueRt {
            params: p.clone(),
            messages: Vec::new(),
            free: Vec::new(),
            backlog: VecDeque::new(),
            visible: 0,
            in_flight: 0,
            deliveries_out: 0,
            rr: 0,
            next_delivery: 0,
            counts: QueueCounts::default(),
            delay: Histogram::new(),
        }
    }

    /// New settings apply to messages from now on (a message already delivered keeps its
    /// timeout); more consumers start pulling at once.
    pub fn retune(&mut self, p: &QueueParams) {
        self.params = p.clone();
    }

    /// Age of the oldest message in the backlog: the consumer lag in time.
    pub fn oldest_age(&self, now: Time) -> Option<Time> {
        self.backlog
            .iter()
            .map(|&i| self.messages[i as usize])
            .find(|m| m.state == State::Visible)
            .map(|m| now.saturating_sub(m.enqueued_at))
    }

    fn alloc(&mut self, m: Message) -> u32 {
        if let Some(i) = self.free.pop() {
            self.messages[i as usize] = m;
            i
        } else {
            self.messages.push(m);
            self.messages.len() as u32 - 1
        }
    }

    /// Frees a settled message once nothing refers to it any more.
    fn release(&mut self, i: u32) {
        let m = &mut self.messages[i as usize];
        if m.live && m.state == State::Settled && m.outstanding == 0 && !m.in_backlog {
            m.live = false;
            self.free.push(i);
        }
    }

    fn expired(&self, m: &Message, now: Time) -> bool {
        self.params.retention_s > 0.0
            && now.saturating_sub(m.enqueued_at) > secs_to_ns(self.params.retention_s)
    }

    /// Drops expired messages from the front of the backlog (the oldest: redeliveries go back
    /// to the front, new messages to the back).
    fn expire_front(&mut self, now: Time) {
        while let Some(&i) = self.backlog.front() {
            let m = self.messages[i as usize];
            if m.state == State::Visible && !self.expired(&m, now) {
                break;
            }
            self.backlog.pop_front();
            self.messages[i as usize].in_backlog = false;
            if m.state == State::Visible {
                self.messages[i as usize].state = State::Settled;
                self.visible -= 1;
                self.counts.expired += 1;
            }
            self.release(i);
        }
    }

    /// Warm-up ends.
    pub fn reset_stats(&mut self) {
        self.delay.clear();
    }
}

impl Simulation {
    /// A producer's message arrives: stored and acknowledged at once, then handed out.
    pub(super) fn queue_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let node = &mut nodes[n as usize];
        node.metrics.arrival();
        let job = *core.jobs.at(j);
        core.jobs.at(j).arrived_at = now;
        let Model::Queue(q) = &mut node.model else {
            return;
        };
        if !node.up {
            core.reject(&mut node.metrics, j, Cause::NodeDown, n);
            return;
        }
        if q.visible + q.in_flight >= q.params.capacity {
            q.counts.refused += 1;
            core.reject(&mut node.metrics, j, Cause::QueueFull, n);
            return;
        }
        let i = q.alloc(Message {
            live: true,
            state: State::Visible,
            in_backlog: true,
            enqueued_at: now,
            key: job.key,
            write: job.write,
            class: job.class,
            deliveries: 0,
            current: 0,
            outstanding: 0,
            applied: 0,
        });
        q.backlog.push_back(i);
        q.visible += 1;
        q.counts.enqueued += 1;
        let delay = ms_to_ns(q.params.enqueue_ms);
        core.send_answer_after(&mut node.metrics, j, delay);
        self.queue_dispatch(n);
    }

    /// Hands visible messages to consumers while delivery slots are free.
    pub(super) fn queue_dispatch(&mut self, n: u32) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let (before, after) = nodes.split_at_mut(n as usize);
        let Some((node, after)) = after.split_first_mut() else {
            return;
        };
        let Model::Queue(q) = &mut node.model else {
            return;
        };
        if !node.up {
            return;
        }
        q.expire_front(now);
        // A consumer that is down or cut off cannot poll.
        let polls = |target: u32| {
            let t = target as usize;
            match t.cmp(&(n as usize)) {
                std::cmp::Ordering::Less => before[t].up,
                std::cmp::Ordering::Greater => after[t - n as usize - 1].up,
                std::cmp::Ordering::Equal => false,
            }
        };
        let visibility = ms_to_ns(q.params.visibility_timeout_ms);
        while q.deliveries_out < q.params.consumers {
            let Some(&i) = q.backlog.front() else {
                break;
            };
            let m = q.messages[i as usize];
            if m.state != State::Visible || q.expired(&m, now) {
                q.expire_front(now);
                continue;
            }
            let outs = node.out.len() as u32;
            let Some(out) = (0..outs)
                .map(|k| node.out[((q.rr + k) % outs) as usize])
                .find(|o| !o.cut && polls(o.target))
            else {
                break;
            };
            q.rr = q.rr.wrapping_add(1);
            q.backlog.pop_front();
            q.next_delivery = q.next_delivery.wrapping_add(1);
            let id = q.next_delivery;
            let msg = &mut q.messages[i as usize];
            msg.in_backlog = false;
            msg.state = State::Delivered;
            msg.deliveries += 1;
            msg.current = id;
            msg.outstanding += 1;
            let redelivery = msg.deliveries > 1;
            q.visible -= 1;
            q.in_flight += 1;
            q.deliveries_out += 1;
            q.counts.deliveries += 1;
            if redelivery {
                q.counts.redeliveries += 1;
            }
            // The delivery is a job held at the queue: the consumer's answer comes back to it.
            let h = core.jobs.alloc();
            let holder = core.jobs.at(h);
            holder.phase = Phase::Waiting;
            holder.write = m.write;
            holder.class = m.class;
            holder.attempt = 0;
            holder.req = NONE;
            holder.req_gen = 0;
            holder.session = 0;
            holder.key = m.key;
            holder.origin = NONE;
            holder.key_space = 1;
            holder.node = n;
            holder.from = NONE;
            holder.parent = JobRef::ROOT;
            holder.step = i;
            holder.epoch = id;
            holder.hop = 0;
            holder.arrived_at = now;
            holder.sent_at = now;
            core.call(n, h, out, NONE, 0);
            core.queue.push(
                now + visibility,
                Ev::Visibility {
                    node: n,
                    msg: i,
                    delivery: id,
                },
            );
        }
        node.metrics.integrate(now);
        node.metrics.levels.queued = q.visible;
        node.metrics.levels.busy = q.deliveries_out as u64;
    }

    /// A consumer answered a delivery.
    pub(super) fn queue_answer(&mut self, holder: JobRef, child: Job) {
        let h = *self.core.jobs.at(holder);
        self.core.jobs.free(holder);
        let n = h.node;
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        let Model::Queue(q) = &mut node.model else {
            return;
        };
        let i = h.step;
        q.deliveries_out -= 1;
        let m = &mut q.messages[i as usize];
        m.outstanding -= 1;
        if child.failed.is_none() {
            m.applied += 1;
            let duplicate = m.applied > 1;
            let state = m.state;
            let enqueued_at = m.enqueued_at;
            if state != State::Settled {
                // Its success deletes the message, even if it had been given up on and made
                // visible again (the lazy backlog entry is skipped when reached).
                m.state = State::Settled;
                if state == State::Visible {
                    q.visible -= 1;
                } else {
                    q.in_flight -= 1;
                }
                q.counts.processed += 1;
                if self.core.warm {
                    q.delay.record(now - enqueued_at);
                }
            }
            if duplicate {
                if q.params.idempotent {
                    q.counts.absorbed += 1;
                } else {
                    q.counts.duplicates += 1;
                }
            }
        }
        // A failure leaves the message invisible until its visibility timeout: the consumer
        // never deleted it.
        q.release(i);
        self.queue_dispatch(n);
    }

    /// A delivery's visibility timeout: if it is still the message's latest and unanswered by
    /// a success, the message is delivered again, or dead-lettered after `max_attempts`.
    pub(super) fn on_visibility(&mut self, n: u32, i: u32, delivery: u32) {
        let node = &mut self.nodes[n as usize];
        let Model::Queue(q) = &mut node.model else {
            return;
        };
        let Some(m) = q.messages.get_mut(i as usize) else {
            return;
        };
        if !m.live || m.state != State::Delivered || m.current != delivery {
            return;
        }
        q.in_flight -= 1;
        if m.deliveries >= q.params.max_attempts {
            m.state = State::Settled;
            q.counts.dead_lettered += 1;
            q.release(i);
        } else {
            m.state = State::Visible;
            m.in_backlog = true;
            q.backlog.push_front(i);
            q.visible += 1;
        }
        self.queue_dispatch(n);
    }

    /// A queue removed from the diagram: the deliveries it held are forgotten (consumers'
    /// late answers find nobody waiting).
    pub(super) fn queue_forget(&mut self, n: u32) {
        let held: Vec<JobRef> = self
            .core
            .jobs
            .iter_live()
            .filter(|(_, j)| j.node == n && j.phase == Phase::Waiting)
            .map(|(r, _)| r)
            .collect();
        for h in held {
            self.core.jobs.free(h);
        }
    }
}
