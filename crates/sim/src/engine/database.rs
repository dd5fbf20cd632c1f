//! Database: primaries that take writes and replicas that copy them, each member a pool of
//! connections with a queue. Every key has a version (the sequence number of the write that
//! produced it), so staleness is measured, never assumed.
//!
//! Replication is a log: a write committed on one member reaches each other member after the
//! replication lag and is applied by that member's single applier at `apply_rate`. Appliers are
//! FIFO and deterministic, so the moment each member will have applied a write is known when the
//! write commits — no event per replica per write. A read at a member that has not yet applied
//! the latest write to its key returns the older version: a stale read, whose age is the time
//! since the newer version was committed. Synchronous replication holds the writer until every
//! replica has applied and acknowledged: slower writes, never a stale read.

use super::jobs::{Cause, JobRef, Phase};
use super::node::Model;
use super::{Core, Ev, Simulation};
use crate::diagram::{DatabaseParams, ReadFrom, Replication};
use crate::dist::Sampler;
use crate::metrics::NodeMetrics;
use crate::time::{ms_to_ns, Time};
use std::collections::{HashMap, VecDeque};

#[derive(Clone, Debug, Default)]
pub(crate) struct Member {
    pub up: bool,
    /// Takes writes (a primary), else a read replica.
    pub primary: bool,
    pub busy: u32,
    pub queue: VecDeque<JobRef>,
    /// When this member's replication applier is next free.
    apply_free_at: Time,
    /// When it died, while it is down.
    pub down_since: Option<Time>,
}

/// A committed write that some member has not applied yet.
#[derive(Clone, Debug)]
struct Pending {
    seq: u64,
    /// The version it replaced.
    prev: u64,
    commit: Time,
    origin: u32,
    /// When each member has applied it (the origin: at commit).
    applied_at: Vec<Time>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DatabaseStats {
    pub reads: u64,
    pub writes: u64,
    pub stale_reads: u64,
    pub conflicts: u64,
    /// Acknowledged writes lost in a failover (not yet replicated when the primary died).
    pub lost_writes: u64,
    pub failovers: u64,
    /// Partitions in `cp`/`ap` mode.
    pub partition: super::partition::PartitionStats,
}

#[derive(Clone, Debug)]
pub(crate) struct DatabaseRt {
    pub params: DatabaseParams,
    read: Sampler,
    write: Sampler,
    lag: Time,
    apply_svc: Time,
    /// Primaries first, then replicas.
    pub members: Vec<Member>,
    rr_write: u32,
    rr_read: u32,
    seq: u64,
    /// The latest committed version of each key written.
    latest: crate::fast_hash::FastMap<u64, u64>,
    /// Writes not yet applied everywhere, by key, in commit order. Only looked up by key.
    pending: crate::fast_hash::FastMap<u64, Vec<Pending>>,
    /// The same writes in commit order, for lag measurement and clean-up.
    log: VecDeque<(u64, u64)>,
    /// Nodes holding caches in front of this database (notified of commits).
    pub watchers: Vec<u32>,
    pub stats: DatabaseStats,
    /// Chaos: query times are multiplied by this.
    pub slow: f64,
    /// Split by a partition (`cp`/`ap` modes only).
    pub part: Option<Box<super::partition::PartRt>>,
    pub part_epoch: u32,
    /// Partition refusals (reads and writes) when the last one-second sample was taken.
    pub refused_sampled: u64,
    /// One-way delay between members i and j at `i * n + j` when members are in different
    /// regions; empty when they are not (nothing to add).
    pub member_delay: Vec<Time>,
}

fn samplers(p: &DatabaseParams) -> (Sampler, Sampler) {
    let speed = p.size.speed();
    (
        Sampler::Exponential {
            mean: p.read_ms * 1e6 / speed,
        },
        Sampler::Exponential {
            mean: p.write_ms * 1e6 / speed,
        },
    )
}

impl DatabaseRt {
    pub fn new(p: &DatabaseParams) -> DatabaseRt {
        let (read, write) = samplers(p);
        let mut db = DatabaseRt {
            read,
            write,
            lag: ms_to_ns(p.replication_lag_ms),
            apply_svc: super::cache::svc_for(p.apply_rate),
            params: p.clone(),
            members: Vec::new(),
            rr_write: 0,
            rr_read: 0,
            seq: 0,
            latest: Default::default(),
            pending: Default::default(),
            log: VecDeque::new(),
            watchers: Vec::new(),
            stats: DatabaseStats::default(),
            slow: 1.0,
            part: None,
            part_epoch: 0,
            refused_sampled: 0,
            member_delay: Vec::new(),
        };
        db.resize();
        db
    }

    pub fn retune(&mut self, p: &DatabaseParams) {
        let (read, write) = samplers(p);
        self.read = read;
        self.write = write;
        self.lag = ms_to_ns(p.replication_lag_ms);
        self.apply_svc = super::cache::svc_for(p.apply_rate);
        self.params = p.clone();
        self.resize();
    }

    /// Matches the member list to the parameters. New members start with every committed
    /// write applied (they are provisioned from a snapshot) as replicas; roles already given
    /// (a replica promoted by a failover) are kept.
    fn resize(&mut self) {
        let n = ((self.params.primaries + self.params.replicas) as usize).max(1);
        if self.members.len() < n {
            self.members.resize(
                n,
                Member {
                    up: true,
                    ..Default::default()
                },
            );
        } else {
            // The caller fails the work of members taken away.
            self.members.truncate(n);
        }
        let want = self.params.primaries as usize;
        let mut have = self.members.iter().filter(|m| m.primary).count();
        for m in self.members.iter_mut() {
            if have >= want {
                break;
            }
            if !m.primary {
                m.primary = true;
                have += 1;
            }
        }
        for m in self.members.iter_mut().rev() {
            if have <= want {
                break;
            }
            if m.primary {
                m.primary = false;
                have -= 1;
            }
        }
        for p in self.pending.values_mut() {
            for w in p.iter_mut() {
                w.applied_at.resize(n, 0);
            }
        }
    }

    /// Extra one-way delay from member `a` to member `b` (0 in one region).
    pub fn delay(&self, a: u32, b: u32) -> Time {
        let n = self.members.len();
        if self.member_delay.len() != n * n || a as usize >= n || b as usize >= n {
            return 0;
        }
        self.member_delay[a as usize * n + b as usize]
    }

    pub fn is_primary(&self, member: u32) -> bool {
        self.members.get(member as usize).is_some_and(|m| m.primary)
    }

    pub fn capacity(&self) -> u64 {
        self.members.iter().filter(|m| m.up).count() as u64 * self.params.connections as u64
    }

    pub fn cost_per_hour(&self) -> f64 {
        self.params.cost_per_hour_total()
    }

    /// The member a request goes to, skipping members that are down (the driver knows).
    fn pick(&mut self, write: bool) -> Option<u32> {
        let role =
            |m: &Member, want_primary: Option<bool>| want_primary.is_none_or(|p| m.primary == p);
        let want = if write {
            Some(true)
        } else {
            match self.params.read_from {
                ReadFrom::Primary => Some(true),
                ReadFrom::Replicas if self.members.iter().any(|m| !m.primary && m.up) => {
                    Some(false)
                }
                ReadFrom::Replicas => Some(true),
                ReadFrom::Any => None,
            }
        };
        let n = self.members.len() as u32;
        let rr = if write {
            &mut self.rr_write
        } else {
            &mut self.rr_read
        };
        for _ in 0..n {
            let i = *rr % n;
            *rr = rr.wrapping_add(1);
            let m = &self.members[i as usize];
            if m.up && role(m, want) {
                return Some(i);
            }
        }
        None
    }

    /// The next value of the read round-robin counter.
    pub(super) fn rr_read_next(&mut self) -> u32 {
        let v = self.rr_read;
        self.rr_read = self.rr_read.wrapping_add(1);
        v
    }

    /// A partition that started at `started` heals at `now`: writes committed since, held back
    /// from the other side, reach it after the replication lag.
    pub(super) fn release_partitioned(&mut self, started: Time, now: Time) {
        let lag = self.lag;
        for list in self.pending.values_mut() {
            for w in list.iter_mut().filter(|w| w.commit >= started) {
                for t in w.applied_at.iter_mut().filter(|t| **t == Time::MAX) {
                    *t = now + lag;
                }
            }
        }
    }

    /// The version of `key` a read at member `m` sees at `now`, and how stale it is.
    fn read_version(&self, m: u32, key: u64, now: Time) -> (u64, Option<Time>) {
        if let Some(list) = self.pending.get(&key) {
            let missing = list
                .iter()
                .find(|w| w.origin != m && w.applied_at.get(m as usize).is_some_and(|&t| t > now));
            if let Some(w) = missing {
                return (w.prev, Some(now.saturating_sub(w.commit).max(1)));
            }
        }
        (self.latest.get(&key).copied().unwrap_or(0), None)
    }

    /// Records a write of `key` committed on member `origin` at `now`. Returns its version and
    /// whether it conflicted with a concurrent write on another primary.
    fn commit(&mut self, origin: u32, key: u64, now: Time, applied_at: Vec<Time>) -> (u64, bool) {
        self.seq += 1;
        let seq = self.seq;
        // Concurrent: another primary's write to this key that `origin` has not yet seen.
        // (A database in a partition mode counts its conflicts per key when a partition heals,
        // not again here as the diverged writes replicate.)
        let conflict = self.params.partition_mode.is_ignore()
            && self.pending.get(&key).is_some_and(|list| {
                list.iter().any(|w| {
                    w.origin != origin
                        && w.applied_at.get(origin as usize).is_some_and(|&t| t > now)
                })
            });
        let prev = self.latest.get(&key).copied().unwrap_or(0);
        self.latest.insert(key, seq);
        if applied_at.iter().any(|&t| t > now) {
            self.pending.entry(key).or_default().push(Pending {
                seq,
                prev,
                commit: now,
                origin,
                applied_at,
            });
            self.log.push_back((seq, key));
        }
        self.stats.writes += 1;
        if conflict {
            self.stats.conflicts += 1;
        }
        (seq, conflict)
    }

    /// When each member will have applied a write committed at `at` on `origin`, advancing
    /// their appliers.
    fn schedule_apply(&mut self, origin: u32, at: Time) -> Vec<Time> {
        let (lag, svc) = (self.lag, self.apply_svc);
        let far: Vec<Time> = (0..self.members.len() as u32)
            .map(|i| self.delay(origin, i))
            .collect();
        let part = self.part.as_ref();
        let own = part.map(|p| p.side_of(origin));
        self.members
            .iter_mut()
            .enumerate()
            .map(|(i, m)| {
                if i as u32 == origin {
                    at
                } else if part.is_some_and(|p| Some(p.side_of(i as u32)) != own) {
                    // Across the partition: held back until it heals.
                    Time::MAX
                } else {
                    let done = m.apply_free_at.max(at + lag + far[i]) + svc;
                    m.apply_free_at = done;
                    done
                }
            })
            .collect()
    }

    /// Forgets writes every member has applied by `now`.
    pub fn clean(&mut self, now: Time) {
        while let Some(&(seq, key)) = self.log.front() {
            let done = self
                .pending
                .get(&key)
                .and_then(|l| l.iter().find(|w| w.seq == seq));
            match done {
                Some(w) if w.applied_at.iter().any(|&t| t > now) => break,
                _ => {
                    self.log.pop_front();
                    if let Some(list) = self.pending.get_mut(&key) {
                        list.retain(|w| w.seq != seq);
                        if list.is_empty() {
                            self.pending.remove(&key);
                        }
                    }
                }
            }
        }
    }

    /// How far behind each member is at `now`: the age of the oldest write it has not applied.
    pub fn lags(&self, now: Time) -> Vec<Time> {
        let mut lag = vec![0; self.members.len()];
        for &(seq, key) in &self.log {
            let Some(w) = self
                .pending
                .get(&key)
                .and_then(|l| l.iter().find(|w| w.seq == seq))
            else {
                continue;
            };
            for (m, &t) in w.applied_at.iter().enumerate() {
                if t > now && lag.get(m).is_some_and(|&l| l == 0) {
                    lag[m] = now - w.commit;
                }
            }
            let replicas_all_behind = lag
                .iter()
                .zip(&self.members)
                .all(|(&l, m)| m.primary || l > 0);
            if replicas_all_behind {
                break;
            }
        }
        lag
    }

    /// Member `dead` died at `now`: its writes that had not left it yet (committed within the
    /// replication lag) will never be applied elsewhere.
    pub fn unshipped(&mut self, dead: u32, now: Time) {
        let lag = self.lag;
        let far: Vec<Time> = (0..self.members.len() as u32)
            .map(|i| self.delay(dead, i))
            .collect();
        for list in self.pending.values_mut() {
            for w in list.iter_mut() {
                if w.origin != dead {
                    continue;
                }
                for (m, t) in w.applied_at.iter_mut().enumerate() {
                    let far = far.get(m).copied().unwrap_or(0);
                    if m as u32 != dead && w.commit + lag + far > now {
                        *t = Time::MAX;
                    }
                }
            }
        }
    }

    /// Promotes a replica after primary `dead` died (at `died`): the first replica that is up
    /// becomes primary, and writes the dead primary committed that had not reached it when it
    /// died are lost. Returns (promoted member, lost writes), or `None` if no replica is up.
    pub fn promote(&mut self, dead: u32, died: Time) -> Option<(u32, u64)> {
        let candidate = self.members.iter().position(|m| m.up && !m.primary)? as u32;
        // What had left the dead primary by then, for the candidate's region.
        let lag = self.lag + self.delay(dead, candidate);
        // Writes the dead primary committed that had not reached the replicas when it died.
        let mut lost: Vec<(u64, u64, u64)> = Vec::new();
        for (&key, list) in self.pending.iter_mut() {
            list.retain(|w| {
                let gone = w.origin == dead && w.commit + lag > died;
                if gone {
                    lost.push((w.seq, key, w.prev));
                }
                !gone
            });
        }
        // (The map was walked in no particular order: sort before anything depends on it.)
        lost.sort_unstable();
        // Each key falls back to the version before its oldest lost write.
        let mut fallback: HashMap<u64, u64> = HashMap::new();
        for &(_, key, prev) in &lost {
            fallback.entry(key).or_insert(prev);
        }
        for (key, prev) in fallback {
            self.latest.insert(key, prev);
        }
        let gone: std::collections::HashSet<u64> = lost.iter().map(|w| w.0).collect();
        self.log.retain(|(s, _)| !gone.contains(s));
        self.pending.retain(|_, l| !l.is_empty());
        self.members[dead as usize].primary = false;
        self.members[candidate as usize].primary = true;
        let n = lost.len() as u64;
        self.stats.lost_writes += n;
        self.stats.failovers += 1;
        Some((candidate, n))
    }

    pub fn reset(&mut self) {
        for m in &mut self.members {
            m.busy = 0;
            m.queue.clear();
        }
    }
}

impl Simulation {
    pub(super) fn database_arrive(&mut self, n: u32, j: JobRef) {
        let side = self.caller_side(n, j);
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        let now = core.now;
        node.metrics.arrival();
        let write = {
            let job = core.jobs.at(j);
            job.arrived_at = now;
            job.write
        };
        let Model::Database(db) = &mut node.model else {
            return;
        };
        if !node.up {
            core.reject(&mut node.metrics, j, Cause::NodeDown, n);
            return;
        }
        let picked = match side {
            None => db.pick(write).ok_or(Cause::NodeDown),
            Some(s) => db.pick_on_side(s, write),
        };
        let m = match picked {
            Ok(m) => m,
            Err(cause) => {
                core.reject(&mut node.metrics, j, cause, n);
                return;
            }
        };
        core.jobs.at(j).instance = m;
        let member = &mut db.members[m as usize];
        if member.busy < db.params.connections {
            start(core, db, &mut node.metrics, m, j);
        } else if member.queue.len() < db.params.queue_capacity as usize {
            node.metrics.integrate(now);
            node.metrics.levels.queued += 1;
            member.queue.push_back(j);
            core.jobs.at(j).phase = Phase::Queued;
        } else {
            core.reject(&mut node.metrics, j, Cause::QueueFull, n);
        }
    }

    /// A query finished on its member.
    pub(super) fn database_done(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        let now = core.now;
        node.metrics.integrate(now);
        node.metrics.levels.cpu -= 1;
        let Model::Database(db) = &mut node.model else {
            return;
        };
        let job = *core.jobs.at(j);
        let m = job.instance;
        if !job.write {
            db.stats.reads += 1;
            let (version, stale) = db.read_version(m, job.key, now);
            let job = core.jobs.at(j);
            job.version = version;
            if let Some(age) = stale {
                job.stale_for = age;
                db.stats.stale_reads += 1;
                node.metrics.data.stale();
                core.trace_stale(n, age);
            }
            finish(core, db, &mut node.metrics, j, n);
            return;
        }
        let applied_at = db.schedule_apply(m, now);
        let sync = db.params.replication == Replication::Sync && db.members.len() > 1;
        if sync {
            // Hold the connection until every replica has applied and acknowledged (the
            // acknowledgement crosses back from each replica's region). Across a partition
            // nobody acknowledges: wait for this side only.
            let acked = (0u32..)
                .zip(&applied_at)
                .filter(|&(_, &t)| t != Time::MAX)
                .map(|(i, &t)| t + db.lag + db.delay(i, m))
                .max()
                .unwrap_or(now + db.lag);
            db.clean(now);
            core.jobs.at(j).phase = Phase::Waiting;
            core.sync_waits.insert((j.idx, j.gen), applied_at);
            core.queue.push(acked, Ev::Commit(j));
            return;
        }
        committed(core, db, &mut node.metrics, n, j, applied_at);
    }

    /// A synchronous write has been acknowledged by every replica.
    pub(super) fn database_commit(&mut self, j: JobRef) {
        let Some(applied_at) = self.core.sync_waits.remove(&(j.idx, j.gen)) else {
            return;
        };
        let Some(job) = self.core.jobs.get(j) else {
            return; // aborted while waiting
        };
        let n = job.node;
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        let Model::Database(db) = &mut node.model else {
            return;
        };
        committed(core, db, &mut node.metrics, n, j, applied_at);
    }
}

/// Records a committed write, tells caches in front that older copies are now stale, and
/// answers.
fn committed(
    core: &mut Core,
    db: &mut DatabaseRt,
    m: &mut NodeMetrics,
    n: u32,
    j: JobRef,
    applied_at: Vec<Time>,
) {
    let now = core.now;
    let job = *core.jobs.at(j);
    let (version, conflict) = db.commit(job.instance, job.key, now, applied_at);
    if db.part.is_some() {
        db.note_partition_write(job.instance, job.key, now);
    }
    if conflict {
        m.data.conflict();
        core.trace_conflict(n);
    }
    db.clean(now);
    core.jobs.at(j).version = version;
    core.commits.push((n, job.key, version));
    finish(core, db, m, j, n);
}

fn start(core: &mut Core, db: &mut DatabaseRt, m: &mut NodeMetrics, member: u32, j: JobRef) {
    let now = core.now;
    m.integrate(now);
    m.started(now - core.jobs.at(j).arrived_at);
    m.levels.busy += 1;
    m.levels.cpu += 1;
    db.members[member as usize].busy += 1;
    let job = core.jobs.at(j);
    job.phase = Phase::InService;
    let s = if job.write { db.write } else { db.read };
    let class = job.class;
    let t = s.sample(&mut core.rng) * db.slow * core.class_cost(class);
    core.queue
        .push(now + (libm::round(t) as Time).max(1), Ev::Done(j));
}

/// Releases the connection held by `j`, answers, and starts the next queued query.
fn finish(core: &mut Core, db: &mut DatabaseRt, m: &mut NodeMetrics, j: JobRef, _n: u32) {
    let member = core.jobs.at(j).instance;
    m.integrate(core.now);
    m.levels.busy -= 1;
    if let Some(mb) = db.members.get_mut(member as usize) {
        mb.busy = mb.busy.saturating_sub(1);
    }
    core.send_answer(m, j);
    let conns = db.params.connections;
    while let Some(mb) = db.members.get_mut(member as usize) {
        if !mb.up || mb.busy >= conns {
            break;
        }
        let Some(next) = mb.queue.pop_front() else {
            break;
        };
        m.integrate(core.now);
        m.levels.queued -= 1;
        start(core, db, m, member, next);
    }
}
