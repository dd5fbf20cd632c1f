//! Requests and jobs, stored in slabs whose slots are reused: memory grows with the number of
//! requests in flight, never with the number simulated.
//!
//! A **request** is what a client generates: it is counted once, and ends completed or failed
//! (with a cause). Each try of a request is an **attempt**. An attempt travels as a tree of
//! **jobs**, one per node visit: the client's job at the load balancer, the balancer's job at a
//! server, the server's job at its dependency. A job points to its parent (the caller waiting for
//! it); the answer travels back up that chain. Slots carry a generation number so that a late
//! answer to a job or request that has since ended is recognised and dropped.

use crate::time::Time;

pub(crate) const NONE: u32 = u32::MAX;

/// A reference to a job slot at a given generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JobRef {
    pub idx: u32,
    pub gen: u32,
}

impl JobRef {
    pub const ROOT: JobRef = JobRef { idx: NONE, gen: 0 };

    pub fn is_root(self) -> bool {
        self.idx == NONE
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Travelling over an edge towards `node`.
    ToNode,
    /// Waiting in an instance's queue.
    Queued,
    /// A worker is computing it.
    InService,
    /// Waiting for a downstream call (servers) or for the backend (load balancers).
    Waiting,
    /// The answer is travelling back to the caller.
    Returning,
}

/// Why a request or attempt failed. Stable names are used in reports.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Cause {
    /// The client stopped waiting for the attempt.
    Timeout,
    /// A server's queue was full: 503.
    QueueFull,
    /// A load balancer could not keep up and refused the request: 503.
    LbOverloaded,
    /// The node (or instance) was down: connection refused or reset.
    NodeDown,
    /// The node was removed from the diagram while the request was there.
    NodeRemoved,
    /// The network between two nodes was cut (a partition).
    Partitioned,
    /// A failure injected on purpose (chaos: error rate).
    Injected,
    /// No L7 routing rule matched the request's path and host: 404.
    NoRoute,
    /// A `cp` database's side of a partition has no majority of members and refuses.
    NoQuorum,
    /// A distributed transaction aborted (a participant voted no or did not answer in time,
    /// or a saga step failed and was compensated).
    Aborted,
    /// The run already held as many requests or events as it may (see `overflow.rs`): the
    /// request was refused by the simulator's memory cap, not by the design.
    Overflow,
}

impl Cause {
    pub const ALL: [Cause; 11] = [
        Cause::Timeout,
        Cause::QueueFull,
        Cause::LbOverloaded,
        Cause::NodeDown,
        Cause::NodeRemoved,
        Cause::Partitioned,
        Cause::Injected,
        Cause::NoRoute,
        Cause::NoQuorum,
        Cause::Aborted,
        Cause::Overflow,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Cause::Timeout => "timeout",
            Cause::QueueFull => "queue_full",
            Cause::LbOverloaded => "lb_overloaded",
            Cause::NodeDown => "node_down",
            Cause::NodeRemoved => "node_removed",
            Cause::Partitioned => "partitioned",
            Cause::Injected => "injected",
            Cause::NoRoute => "no_route",
            Cause::NoQuorum => "no_quorum",
            Cause::Aborted => "aborted",
            Cause::Overflow => "overflow",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

pub const N_CAUSES: usize = Cause::ALL.len();

/// A failure and the node slot where it happened (NONE for timeouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub cause: Cause,
    pub node: u32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Job {
    pub gen: u32,
    pub live: bool,
    pub phase: Phase,
    pub write: bool,
    /// The request's class (index into the simulation's class table; `NO_CLASS`: none).
    pub class: u16,
    pub attempt: u16,
    /// Servers: index of the next downstream call. Load balancers: chosen backend.
    pub step: u32,
    pub req: u32,
    pub req_gen: u32,
    pub session: u32,
    /// The node processing this job, and which instance of it (NONE: not chosen yet).
    pub node: u32,
    pub instance: u32,
    /// The node that sent it (the parent's node, or the client); the answer goes back there.
    pub from: u32,
    pub parent: JobRef,
    /// Load balancers: the backend table version `step` refers to.
    pub epoch: u32,
    pub key: u64,
    /// The region the request comes from (NONE: none), for traffic managers and CDNs.
    pub origin: u32,
    /// The size of the client's key space (range sharding splits it).
    pub key_space: u64,
    /// On the way back: the version of the data the answer carries (0: never written).
    pub version: u64,
    /// On the way back: the data was out of date by this long (0: fresh).
    pub stale_for: Time,
    /// On the way back: the answer came from a cache.
    pub hit: bool,
    /// One-way latency of the hop into this node; the answer pays it again.
    pub hop: Time,
    /// When the job (or its answer) left the sender: the position of a dot on its edge.
    pub sent_at: Time,
    pub arrived_at: Time,
    pub failed: Option<Failure>,
}

impl Job {
    fn blank() -> Job {
        Job {
            gen: 0,
            live: false,
            phase: Phase::ToNode,
            write: false,
            class: super::classes::NO_CLASS,
            attempt: 0,
            step: 0,
            req: NONE,
            req_gen: 0,
            session: 0,
            node: NONE,
            instance: NONE,
            from: NONE,
            parent: JobRef::ROOT,
            epoch: 0,
            key: 0,
            origin: NONE,
            key_space: 1,
            version: 0,
            stale_for: 0,
            hit: false,
            hop: 0,
            sent_at: 0,
            arrived_at: 0,
            failed: None,
        }
    }
}

impl Job {
    /// Takes what a downstream answer says: success or failure, the version of the data,
    /// whether it was stale (the worst staleness on the path wins) and whether a cache served it.
    pub fn inherit(&mut self, child: &Job) {
        self.failed = child.failed;
        self.version = child.version;
        self.stale_for = self.stale_for.max(child.stale_for);
        self.hit |= child.hit;
    }
}

#[derive(Default)]
pub(crate) struct Jobs {
    slots: Vec<Job>,
    free: Vec<u32>,
    live: usize,
}

impl Jobs {
    /// Allocates a job; the caller fills in every routing field.
    #[inline]
    pub fn alloc(&mut self) -> JobRef {
        self.live += 1;
        if let Some(idx) = self.free.pop() {
            let job = &mut self.slots[idx as usize];
            job.live = true;
            job.failed = None;
            job.step = 0;
            job.epoch = 0;
            job.instance = NONE;
            job.version = 0;
            job.stale_for = 0;
            job.hit = false;
            JobRef { idx, gen: job.gen }
        } else {
            let idx = self.slots.len() as u32;
            let mut job = Job::blank();
            job.live = true;
            self.slots.push(job);
            JobRef { idx, gen: 0 }
        }
    }

    #[inline]
    pub fn free(&mut self, r: JobRef) {
        let job = &mut self.slots[r.idx as usize];
        debug_assert!(job.live && job.gen == r.gen);
        job.live = false;
        job.gen = job.gen.wrapping_add(1);
        self.live -= 1;
        self.free.push(r.idx);
    }

    /// The job, if `r` still refers to it (not freed or reused since).
    #[inline]
    pub fn get(&self, r: JobRef) -> Option<&Job> {
        let job = self.slots.get(r.idx as usize)?;
        (job.live && job.gen == r.gen).then_some(job)
    }

    /// Starts fetching a job's slot into the cache: the next event's job is read while this
    /// one is handled, instead of stalling the next step (a busy design has more jobs in
    /// flight than the cache holds, and these misses were a fifth of a step). The fields the
    /// check of a reference reads are loaded and dropped, which an out-of-order core starts at
    /// once and finishes while it works on the event at hand; WebAssembly has no prefetch
    /// instruction, and this works there too. Nothing observable changes.
    #[inline(always)]
    pub fn prefetch(&self, idx: u32) {
        if let Some(job) = self.slots.get(idx as usize) {
            std::hint::black_box((job.gen, job.live));
        }
    }

    /// Direct access for a reference known to be current (checked in debug builds).
    #[inline]
    pub fn at(&mut self, r: JobRef) -> &mut Job {
        let job = &mut self.slots[r.idx as usize];
        debug_assert!(job.live && job.gen == r.gen, "stale job reference");
        job
    }

    pub fn live(&self) -> usize {
        self.live
    }

    pub fn iter_live(&self) -> impl Iterator<Item = (JobRef, &Job)> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, j)| j.live)
            .map(|(i, j)| {
                (
                    JobRef {
                        idx: i as u32,
                        gen: j.gen,
                    },
                    j,
                )
            })
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }
}

/// A request as its client sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Request {
    pub gen: u32,
    pub live: bool,
    /// An attempt is out (false while waiting to retry).
    pub waiting: bool,
    pub write: bool,
    pub class: u16,
    pub attempt: u16,
    pub client: u32,
    pub session: u32,
    pub key: u64,
    pub key_space: u64,
    /// The region the user is in (NONE: none).
    pub origin: u32,
    pub created: Time,
}

#[derive(Default)]
pub(crate) struct Requests {
    slots: Vec<Request>,
    free: Vec<u32>,
    live: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReqRef {
    pub idx: u32,
    pub gen: u32,
}

impl Requests {
    pub fn alloc(&mut self, r: Request) -> ReqRef {
        self.live += 1;
        if let Some(idx) = self.free.pop() {
            let slot = &mut self.slots[idx as usize];
            let gen = slot.gen;
            *slot = Request {
                gen,
                live: true,
                ..r
            };
            ReqRef { idx, gen }
        } else {
            let idx = self.slots.len() as u32;
            self.slots.push(Request {
                gen: 0,
                live: true,
                ..r
            });
            ReqRef { idx, gen: 0 }
        }
    }

    pub fn free(&mut self, r: ReqRef) {
        let slot = &mut self.slots[r.idx as usize];
        slot.live = false;
        slot.gen = slot.gen.wrapping_add(1);
        self.live -= 1;
        self.free.push(r.idx);
    }

    #[inline]
    pub fn get(&self, r: ReqRef) -> Option<&Request> {
        let q = self.slots.get(r.idx as usize)?;
        (q.live && q.gen == r.gen).then_some(q)
    }

    #[inline]
    pub fn get_mut(&mut self, r: ReqRef) -> Option<&mut Request> {
        let q = self.slots.get_mut(r.idx as usize)?;
        (q.live && q.gen == r.gen).then_some(q)
    }

    pub fn live(&self) -> usize {
        self.live
    }

    pub fn iter_live(&self) -> impl Iterator<Item = (ReqRef, &Request)> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, q)| q.live)
            .map(|(i, q)| {
                (
                    ReqRef {
                        idx: i as u32,
                        gen: q.gen,
                    },
                    q,
                )
            })
    }
}
