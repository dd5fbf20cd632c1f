//! Memory caps: a run holds at most [`MAX_IN_FLIGHT`] requests and [`MAX_PENDING_EVENTS`]
//! scheduled events at once, whatever the clients' rates. A request a client makes while
//! either cap is reached is not simulated: it fails at once with the cause `overflow`, counted
//! like a timeout or a 503 (generated = completed + failed + in flight still holds), so a client
//! at 10⁹ requests/s costs bounded memory instead of growing until the process is killed.
//!
//! Every request in flight holds a bounded number of jobs and events (its hops, its timeout), so
//! capping the requests caps the queued requests at every node and the engine's event queue;
//! the event cap also counts the client's own list of timeout deadlines, which outlives fast
//! answers by the timeout. The check is one comparison per new request, none per event.

use super::jobs::Cause;
use super::node::Model;
use super::{Simulation, Trace};

/// Requests in flight at once (queued at a node, on the wire, or waiting to retry).
pub const MAX_IN_FLIGHT: usize = 100_000;
/// Scheduled events plus the making client's pending timeout deadlines.
pub const MAX_PENDING_EVENTS: usize = 1_000_000;

impl Simulation {
    /// Whether client `c`'s next request would go over a cap.
    #[inline]
    pub(super) fn over_caps(&self, c: u32) -> bool {
        let deadlines = match &self.nodes[c as usize].model {
            Model::Client(cl) => cl.deadlines.len(),
            _ => 0,
        };
        self.core.reqs.live() >= MAX_IN_FLIGHT
            || self.core.queue.len() + deadlines >= MAX_PENDING_EVENTS
    }

    /// Counts a request of client `c` that was refused by a cap: generated and failed at once.
    pub(super) fn overflow(&mut self, c: u32) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[c as usize];
        let e2e = &mut core.e2e;
        e2e.fresh.generated += 1;
        e2e.fresh.failed += 1;
        if let Some(t) = e2e.regions.get_mut(node.region as usize) {
            t.lifetime_generated += 1;
            t.generated += 1;
            t.failed += 1;
            t.window.1 += 1;
        }
        *e2e.failures.entry((Cause::Overflow, c)).or_insert(0) += 1;
        node.metrics.arrival();
        node.metrics.rejected(Cause::Overflow);
        node.metrics.answered_error();
        let at = core.now;
        core.tracer.drop(|| Trace::Drop {
            at,
            node: c,
            cause: Cause::Overflow,
        });
    }
}
