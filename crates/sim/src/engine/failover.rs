//! Database failover: when a primary dies and failover is on, a replica is promoted after the
//! detection and promotion time. With asynchronous replication, the writes the dead primary had
//! acknowledged but not yet shipped are lost — and counted. Until the promotion, writes fail.

use super::node::Model;
use super::{LogWhat, Simulation};

impl Simulation {
    pub(super) fn on_promote(&mut self, n: u32, dead: u32) {
        let Model::Database(d) = &mut self.nodes[n as usize].model else {
            return;
        };
        let Some(member) = d.members.get(dead as usize) else {
            return;
        };
        // Revived in time, or already replaced: nothing to do.
        let (true, Some(died)) = (!member.up && member.primary, member.down_since) else {
            return;
        };
        if let Some((promoted, lost_writes)) = d.promote(dead, died) {
            self.log(
                n,
                LogWhat::Promoted {
                    member: promoted,
                    lost_writes,
                },
            );
        }
    }
}
