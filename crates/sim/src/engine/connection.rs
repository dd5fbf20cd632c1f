//! Long-lived connections (WebSocket-like): a client whose users keep a connection open.
//!
//! Connects arrive as the client's arrival process (Poisson, following its profile). A
//! connection goes over one of the client's edges; if that edge leads to a load balancer, the
//! balancer pins it to a backend when it opens — round robin in arrival order, least
//! connections (the `least_outstanding` algorithm counts open connections here), or the
//! balancer's own choice for the other algorithms — and every message of the connection goes
//! to that backend. A connection lives an exponential time and carries Poisson messages, each
//! an ordinary request (its session is the connection).
//!
//! How a connection ends is counted, so that `opened = open + closed + dropped + drained`
//! holds exactly at every instant:
//! - **closed**: its user closed it (the lifetime ended, or the client stopped using
//!   connections or was removed);
//! - **dropped**: cut — its backend or its balancer crashed (killed); or, as it opened, the
//!   client's edge was cut or the backend it was pinned to was down (refused);
//! - **drained**: its backend left the balancer gracefully (scaled in, removed from the
//!   diagram): the balancer asks the client to reconnect, and the client opens a new
//!   connection through the balancer at once, which lands on a remaining backend.
//!
//! A diagram without the option allocates nothing here and pays one flag test where a
//! balancer routes a request.

use super::balancer::BalancerRt;
use super::jobs::NONE;
use super::node::{Model, NodeRt};
use super::{Ev, LogWhat, Simulation};
use crate::diagram::Algorithm;
use crate::dist::Rng;
use crate::time::secs_to_ns;
use serde::Serialize;
use std::collections::BTreeMap;

/// How connections have fared since the start of the run (never reset at warm-up, so the
/// conservation `opened = open + closed + dropped + drained` holds exactly).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ConnectionCounts {
    /// Includes reconnects after a drain.
    pub opened: u64,
    pub open: u64,
    pub closed: u64,
    pub dropped: u64,
    pub drained: u64,
}

impl ConnectionCounts {
    fn ended(&mut self, how: End) {
        self.open = self.open.saturating_sub(1);
        match how {
            End::Closed => self.closed += 1,
            End::Dropped => self.dropped += 1,
            End::Drained => self.drained += 1,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Closed,
    Dropped,
    Drained,
}

#[derive(Clone, Copy, Debug)]
struct Conn {
    gen: u32,
    live: bool,
    client: u32,
    /// Index of the client's edge the connection went over.
    out: u32,
    /// The balancer that pinned it (NONE: the client's edge leads elsewhere).
    balancer: u32,
    /// The backend it is pinned to (a balancer's backend identity), or the node it goes to.
    identity: u64,
}

/// Connections through one balancer.
#[derive(Clone, Debug, Default)]
pub(crate) struct AtBalancer {
    pub counts: ConnectionCounts,
    /// Open connections per backend identity.
    pub open: BTreeMap<u64, u64>,
    /// Connections ever pinned to each backend identity.
    pub opened: BTreeMap<u64, u64>,
    /// Round robin over connects, apart from the balancer's own counter for requests.
    rr: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Connections {
    /// Some client uses connections: only then does a balancer look a request's pin up.
    pub active: bool,
    slots: Vec<Conn>,
    free: Vec<u32>,
    pub counts: ConnectionCounts,
    /// By balancer slot.
    pub balancers: BTreeMap<u32, AtBalancer>,
}

impl Connections {
    /// The backend identity request `session` of client `client` is pinned to at balancer `lb`.
    pub fn pinned(&self, lb: u32, client: u32, session: u32) -> Option<u64> {
        let c = self.slots.get(session as usize)?;
        (c.live && c.client == client && c.balancer == lb).then_some(c.identity)
    }

    /// The client edge a message of connection `session` goes over.
    pub fn out_for(&self, client: u32, session: u32) -> Option<u32> {
        let c = self.slots.get(session as usize)?;
        (c.live && c.client == client).then_some(c.out)
    }

    fn alloc(&mut self, c: Conn) -> (u32, u32) {
        match self.free.pop() {
            Some(i) => {
                let gen = self.slots[i as usize].gen.wrapping_add(1);
                self.slots[i as usize] = Conn { gen, ..c };
                (i, gen)
            }
            None => {
                self.slots.push(c);
                (self.slots.len() as u32 - 1, c.gen)
            }
        }
    }

    /// Ends connection `i`, counting how.
    fn end(&mut self, i: u32, how: End) -> Option<Conn> {
        let c = self.slots.get_mut(i as usize)?;
        if !c.live {
            return None;
        }
        c.live = false;
        let c = *c;
        self.free.push(i);
        self.counts.ended(how);
        if let Some(b) = self.balancers.get_mut(&c.balancer) {
            b.counts.ended(how);
            if let Some(o) = b.open.get_mut(&c.identity) {
                *o = o.saturating_sub(1);
            }
        }
        Some(c)
    }

    fn live(&self) -> impl Iterator<Item = (u32, Conn)> + '_ {
        (0u32..)
            .zip(self.slots.iter().copied())
            .filter(|(_, c)| c.live)
    }
}

/// The backend a new connection is pinned to: round robin in connect order, least open
/// connections, or the balancer's own choice (random, consistent hash on a drawn key).
fn pin(lb: &mut BalancerRt, at: &mut AtBalancer, rng: &mut Rng, session: u32) -> Option<u32> {
    let n = lb.backends.len() as u32;
    if n == 0 {
        return None;
    }
    match lb.params.algorithm {
        Algorithm::RoundRobin => {
            let mut b = at.rr % n;
            at.rr = at.rr.wrapping_add(1);
            for _ in 0..n {
                if !lb.avoid(b) {
                    break;
                }
                b = at.rr % n;
                at.rr = at.rr.wrapping_add(1);
            }
            Some(b)
        }
        Algorithm::LeastOutstanding => {
            let start = at.rr % n;
            at.rr = at.rr.wrapping_add(1);
            let open = |b: u32| {
                at.open
                    .get(&lb.backends[b as usize].identity)
                    .copied()
                    .unwrap_or(0)
            };
            (0..n)
                .map(|i| (start + i) % n)
                .filter(|&b| !lb.avoid(b))
                .min_by_key(|&b| open(b))
                .or(Some(start))
        }
        _ => {
            let key = rng.below(1 << 32);
            lb.choose(rng, key, session)
        }
    }
}

/// Whether backend `b` of the balancer at `lb` is up (its node, and its instance if any).
fn backend_up(nodes: &[NodeRt], lb: u32, out: u32, instance: u32) -> bool {
    let Some(o) = nodes[lb as usize].out.get(out as usize) else {
        return false;
    };
    let target = &nodes[o.target as usize];
    target.up
        && match &target.model {
            Model::Server(s) if instance != NONE => {
                s.instances.get(instance as usize).is_some_and(|i| i.up)
            }
            Model::Removed => false,
            _ => true,
        }
}

impl Simulation {
    /// A connect of client `c`: over its next edge (or over edge `via`, when reconnecting).
    pub(super) fn open_connection(&mut self, c: u32, via: Option<u32>) {
        let Simulation {
            core, nodes, conns, ..
        } = self;
        let node = &mut nodes[c as usize];
        let Model::Client(cl) = &mut node.model else {
            return;
        };
        let Some(k) = cl.params.connections.clone() else {
            return;
        };
        if node.out.is_empty() {
            return;
        }
        let oi = match via {
            Some(v) if (v as usize) < node.out.len() => v,
            _ => {
                let i = cl.rr % node.out.len() as u32;
                cl.rr = cl.rr.wrapping_add(1);
                i
            }
        };
        let out = node.out[oi as usize];
        let target = out.target;
        let session = conns.slots.len() as u32;
        conns.counts.opened += 1;
        conns.counts.open += 1;
        let (balancer, identity, up) = if out.cut {
            (NONE, 0, false)
        } else if let Model::Balancer(_) = nodes[target as usize].model {
            let at = conns.balancers.entry(target).or_default();
            at.counts.opened += 1;
            at.counts.open += 1;
            let lb_up = nodes[target as usize].up;
            let Model::Balancer(lb) = &mut nodes[target as usize].model else {
                return;
            };
            match pin(lb, at, &mut core.rng, session).filter(|_| lb_up) {
                Some(b) => {
                    let backend = lb.backends[b as usize];
                    *at.opened.entry(backend.identity).or_insert(0) += 1;
                    *at.open.entry(backend.identity).or_insert(0) += 1;
                    let up = backend_up(nodes, target, backend.out, backend.instance);
                    (target, backend.identity, up)
                }
                None => (target, 0, false),
            }
        } else {
            let t = &nodes[target as usize];
            (NONE, t.id_hash, t.up && !t.is_removed())
        };
        let (i, gen) = conns.alloc(Conn {
            gen: 0,
            live: true,
            client: c,
            out: oi,
            balancer,
            identity,
        });
        if !up {
            // Refused or cut at once: the user sees the connection fail.
            conns.end(i, End::Dropped);
            return;
        }
        let now = core.now;
        let life = secs_to_ns(core.rng.exponential(k.lifetime_s)).max(1);
        core.queue.push(now + life, Ev::ConnEnd { conn: i, gen });
        if k.messages_per_s > 0.0 {
            let wait = secs_to_ns(core.rng.exponential(1.0 / k.messages_per_s)).max(1);
            core.queue.push(now + wait, Ev::Message { conn: i, gen });
        }
    }

    fn conn_is(&self, i: u32, gen: u32) -> Option<Conn> {
        self.conns
            .slots
            .get(i as usize)
            .filter(|c| c.live && c.gen == gen)
            .copied()
    }

    /// A connection's lifetime ended: its user closed it.
    pub(super) fn on_conn_end(&mut self, i: u32, gen: u32) {
        if self.conn_is(i, gen).is_some() {
            self.conns.end(i, End::Closed);
        }
    }

    /// A message on an open connection: one request, then the next message.
    pub(super) fn on_message(&mut self, i: u32, gen: u32) {
        let Some(c) = self.conn_is(i, gen) else {
            return;
        };
        let Model::Client(cl) = &self.nodes[c.client as usize].model else {
            return;
        };
        let Some(rate) = cl.params.connections.as_ref().map(|k| k.messages_per_s) else {
            return;
        };
        self.new_request(c.client, Some(i));
        if rate > 0.0 {
            let wait = secs_to_ns(self.core.rng.exponential(1.0 / rate)).max(1);
            self.core
                .queue
                .push(self.core.now + wait, Ev::Message { conn: i, gen });
        }
    }

    /// Node `n` (or its instance `instance`) crashed: connections through it or pinned to it
    /// are cut.
    pub(super) fn drop_connections_at(&mut self, n: u32, instance: Option<u32>) {
        if !self.conns.active {
            return;
        }
        let node = &self.nodes[n as usize];
        let hash = node.id_hash;
        let instances: Vec<u64> = match (&node.model, instance) {
            (Model::Server(_), Some(i)) => vec![super::balancer::backend_identity(hash, i)],
            (Model::Server(s), None) => (0..s.instances.len() as u32)
                .map(|i| super::balancer::backend_identity(hash, i))
                .chain([hash])
                .collect(),
            _ => vec![hash],
        };
        let cut: Vec<u32> = self
            .conns
            .live()
            .filter(|(_, c)| {
                (instance.is_none() && c.balancer == n) || instances.contains(&c.identity)
            })
            .map(|(i, _)| i)
            .collect();
        let connections = cut.len() as u64;
        for i in cut {
            self.conns.end(i, End::Dropped);
        }
        if connections > 0 {
            self.log(n, LogWhat::ConnectionsDropped { connections });
        }
    }

    /// After the diagram or the backends changed: connections of clients that no longer use
    /// them close; those whose balancer is gone are dropped; those whose backend left its
    /// balancer (scaled in, removed) are drained, and their clients reconnect through it.
    pub(super) fn follow_connections(&mut self) {
        self.conns.active = self.nodes.iter().any(|n| match &n.model {
            Model::Client(c) => c.params.connections.is_some(),
            _ => false,
        });
        let mut reconnect = Vec::new();
        let mut drained: BTreeMap<u32, u64> = BTreeMap::new();
        let live: Vec<(u32, Conn)> = self.conns.live().collect();
        for (i, c) in live {
            let uses = matches!(&self.nodes[c.client as usize].model,
                Model::Client(cl) if cl.params.connections.is_some());
            if !uses {
                self.conns.end(i, End::Closed);
                continue;
            }
            if c.balancer == NONE {
                continue;
            }
            match &self.nodes[c.balancer as usize].model {
                Model::Balancer(lb) => {
                    if !lb.by_identity.contains_key(&c.identity) {
                        self.conns.end(i, End::Drained);
                        reconnect.push((c.client, c.out));
                        *drained.entry(c.balancer).or_insert(0) += 1;
                    }
                }
                _ => {
                    self.conns.end(i, End::Dropped);
                }
            }
        }
        for (lb, connections) in drained {
            self.log(lb, LogWhat::ConnectionsDrained { connections });
        }
        for (client, out) in reconnect {
            self.open_connection(client, Some(out));
        }
    }

    /// Conservation of connections, over the diagram and at each balancer: every connection
    /// opened is open, closed, dropped or drained; the open ones are exactly the live slots,
    /// and a balancer's open connections are those pinned to its backends.
    pub(super) fn check_connections(&self) -> Result<(), String> {
        let all = std::iter::once((None, &self.conns.counts)).chain(
            self.conns
                .balancers
                .iter()
                .map(|(&n, b)| (Some(n), &b.counts)),
        );
        for (at, c) in all {
            if c.opened != c.open + c.closed + c.dropped + c.drained {
                return Err(format!("connections not conserved at {at:?}: {c:?}"));
            }
        }
        let live = self.conns.live().count() as u64;
        if live != self.conns.counts.open {
            return Err(format!(
                "{live} live connections, {} counted open",
                self.conns.counts.open
            ));
        }
        for (&n, b) in &self.conns.balancers {
            let pinned = self.conns.live().filter(|(_, c)| c.balancer == n).count() as u64;
            let per_backend: u64 = b.open.values().sum();
            if pinned != b.counts.open || per_backend != pinned {
                return Err(format!(
                    "balancer {n}: {pinned} connections pinned, {} counted open, {per_backend} over its backends",
                    b.counts.open
                ));
            }
        }
        Ok(())
    }

    /// Whether a client that uses connections sends to node `n`.
    pub(super) fn connections_through(&self, n: u32) -> bool {
        self.conns.active
            && self.nodes.iter().any(|node| match &node.model {
                Model::Client(c) => {
                    c.params.connections.is_some() && node.out.iter().any(|o| o.target == n)
                }
                _ => false,
            })
    }

    /// Connections since the start, over the whole diagram (`None` without the option).
    pub fn connection_counts(&self) -> Option<ConnectionCounts> {
        (self.conns.active || self.conns.counts.opened > 0).then_some(self.conns.counts)
    }
}
