//! Network partitions through a database: choose consistency (`cp`) or availability (`ap`).
//!
//! A zone partition (`partition_zone`) splits a database whose members span zones into
//! **sides**: each cut zone is a side of its own, every other zone together is one more. A
//! request reaches the side of its caller (the calling instance's zone, else the calling node's):
//! the member nearest to it, as a driver with a local endpoint would. Replication between sides
//! stops; writes committed during the partition reach the other side when it heals.
//!
//! - `cp`: only the side holding a strict majority of the members (a quorum) takes writes; if
//!   the primary is on the other side, the majority elects one after `failover_detect_ms +
//!   failover_promote_ms`. The minority refuses writes (cause `no_quorum`) and, with
//!   `cp_refuse_reads`, reads too; otherwise it serves reads that may be stale.
//! - `ap`: every side takes writes; a side without the primary elects its own after the same
//!   delay — split brain, two primaries. On heal, every key written on more than one side is a
//!   conflict, resolved last-writer-wins; the writes of the losing sides are counted as lost.
//!
//! Partition state exists only while a partition splits a database in one of these modes: a
//! diagram that does not use them pays nothing per request.

use super::database::DatabaseRt;
use super::jobs::{Cause, JobRef, NONE};
use super::node::Model;
use super::{Ev, LogWhat, Simulation};
use crate::diagram::{PartitionMode, ReadFrom};
use crate::time::{ms_to_ns, Time};
use std::collections::BTreeMap;

/// A database split by a partition.
#[derive(Clone, Debug)]
pub(crate) struct PartRt {
    pub epoch: u32,
    pub started: Time,
    /// Side of each member.
    pub side: Vec<u32>,
    /// The zone and region each side stands for ("|" = the connected rest).
    pub keys: Vec<String>,
    /// The side with a strict majority of members, if any.
    pub quorum: Option<u32>,
    /// `ap`: per key written during the partition, per side: (writes, time of the last).
    writes: BTreeMap<u64, Vec<(u64, Time)>>,
    /// When a second primary appeared.
    pub split_since: Option<Time>,
}

/// What partitions did to a database since warm-up.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PartitionStats {
    /// Writes (and reads) refused by a `cp` minority: availability lost.
    pub refused_writes: u64,
    pub refused_reads: u64,
    /// Keys written on both sides of an `ap` partition (consistency lost), and the writes that
    /// lost under last-writer-wins.
    pub conflicts: u64,
    pub lww_lost_writes: u64,
    /// Times a second primary appeared, and for how long there were two (ns).
    pub split_brains: u64,
    pub split_brain_ns: Time,
}

impl PartRt {
    /// `ap`: keys written on more than one side so far; each is a conflict when it heals.
    pub fn diverged_keys(&self) -> u64 {
        self.writes
            .values()
            .filter(|sides| sides.iter().filter(|(n, _)| *n > 0).count() > 1)
            .count() as u64
    }

    pub fn side_of(&self, member: u32) -> u32 {
        self.side.get(member as usize).copied().unwrap_or(NONE)
    }
}

impl DatabaseRt {
    /// Requests the partition refused since the previous call (one per simulated second).
    pub(super) fn take_refused(&mut self) -> u64 {
        let total = self.stats.partition.refused_writes + self.stats.partition.refused_reads;
        // Statistics restart at warm-up, so the total can fall below what was sampled.
        let fresh = total.saturating_sub(self.refused_sampled);
        self.refused_sampled = total;
        fresh
    }

    /// Keys that conflict or will when the partition heals: those resolved so far plus those
    /// written on more than one side of the partition now.
    pub(super) fn conflicting_keys(&self) -> u64 {
        self.stats.partition.conflicts + self.part.as_ref().map_or(0, |p| p.diverged_keys())
    }

    /// The member a request from side `side` goes to while partitioned, or why it is refused.
    pub(super) fn pick_on_side(&mut self, side: u32, write: bool) -> Result<u32, Cause> {
        let mode = self.params.partition_mode;
        let refuse_reads = self.params.cp_refuse_reads;
        let Some(part) = &self.part else {
            return Err(Cause::NodeDown);
        };
        if side == NONE {
            return Err(Cause::Partitioned); // no member on the caller's side at all
        }
        let minority = mode == PartitionMode::Cp && part.quorum != Some(side);
        if minority && (write || refuse_reads) {
            if write {
                self.stats.partition.refused_writes += 1;
            } else {
                self.stats.partition.refused_reads += 1;
            }
            return Err(Cause::NoQuorum);
        }
        let on_side: Vec<u32> = (0..self.members.len() as u32)
            .filter(|&m| part.side_of(m) == side && self.members[m as usize].up)
            .collect();
        let primary = |db: &DatabaseRt, m: u32| db.members[m as usize].primary;
        if write {
            return on_side
                .iter()
                .copied()
                .find(|&m| primary(self, m))
                .ok_or(Cause::NodeDown); // the side is electing its primary
        }
        let want: Vec<u32> = match self.params.read_from {
            ReadFrom::Primary => on_side
                .iter()
                .copied()
                .filter(|&m| primary(self, m))
                .collect(),
            ReadFrom::Replicas => on_side
                .iter()
                .copied()
                .filter(|&m| !primary(self, m))
                .collect(),
            ReadFrom::Any => Vec::new(),
        };
        let pool = if want.is_empty() { &on_side } else { &want };
        if pool.is_empty() {
            return Err(Cause::NodeDown);
        }
        let i = self.rr_read_next() as usize % pool.len();
        Ok(pool[i])
    }

    /// `ap`: remembers a write to `key` committed on `origin` during the partition.
    pub(super) fn note_partition_write(&mut self, origin: u32, key: u64, now: Time) {
        if self.params.partition_mode != PartitionMode::Ap {
            return;
        }
        if let Some(part) = &mut self.part {
            let sides = part.keys.len();
            let side = part.side_of(origin) as usize;
            let per = part
                .writes
                .entry(key)
                .or_insert_with(|| vec![(0, 0); sides]);
            if let Some(s) = per.get_mut(side) {
                s.0 += 1;
                s.1 = now;
            }
        }
    }
}

impl Simulation {
    /// The side of a partitioned database `n` the caller of `j` is on: `None` when the database
    /// is not partitioned, `Some(NONE)` when no member is on the caller's side.
    pub(super) fn caller_side(&self, n: u32, j: JobRef) -> Option<u32> {
        let Model::Database(db) = &self.nodes[n as usize].model else {
            return None;
        };
        let part = db.part.as_ref()?;
        let job = self.core.jobs.get(j)?;
        let from = job.from;
        let instance = self.core.jobs.get(job.parent).map_or(NONE, |p| {
            if p.node == from {
                p.instance
            } else {
                NONE
            }
        });
        let zone = if instance == NONE {
            self.nodes
                .get(from as usize)
                .map_or("", |n| n.zone.as_str())
        } else {
            self.instance_zone(from, instance as usize)
        };
        let region = self
            .nodes
            .get(from as usize)
            .map_or("", |n| self.region_name(n.region));
        let key = self.side_key(zone, region);
        Some(
            part.keys
                .iter()
                .position(|k| *k == key)
                .map_or(NONE, |i| i as u32),
        )
    }

    /// Which side of the current cuts a place is on: its zone if that zone is cut off, and its
    /// region if that region is cut off ("|" = the connected rest).
    fn side_key(&self, zone: &str, region: &str) -> String {
        let z = if self.core.cut_zones.contains(zone) {
            zone
        } else {
            ""
        };
        let r = if self.core.cut_regions.contains(region) {
            region
        } else {
            ""
        };
        format!("{z}|{r}")
    }

    /// The region of member `i` of database `n`: its own placement, else the node's region.
    fn member_region(&self, n: u32, i: usize) -> &str {
        let node = &self.nodes[n as usize];
        match &node.model {
            Model::Database(d) if !d.params.regions.is_empty() => {
                &d.params.regions[i % d.params.regions.len()]
            }
            _ => self.region_name(node.region),
        }
    }

    /// After the zones cut off changed: databases in `cp`/`ap` mode whose members the cut
    /// splits (or no longer splits) start or end a partition.
    pub(super) fn partitions_changed(&mut self) {
        for n in 0..self.nodes.len() as u32 {
            let Model::Database(db) = &self.nodes[n as usize].model else {
                continue;
            };
            if db.params.partition_mode.is_ignore() {
                continue;
            }
            // Sides: each cut zone holding members, then everything else ("").
            let mut keys: Vec<String> = Vec::new();
            let mut side = Vec::with_capacity(db.members.len());
            for i in 0..db.members.len() {
                let key = self.side_key(self.instance_zone(n, i), self.member_region(n, i));
                let s = match keys.iter().position(|k| *k == key) {
                    Some(s) => s,
                    None => {
                        keys.push(key);
                        keys.len() - 1
                    }
                };
                side.push(s as u32);
            }
            let same = db
                .part
                .as_ref()
                .is_some_and(|p| p.side == side && p.keys == keys);
            if same || (db.part.is_none() && keys.len() < 2) {
                continue;
            }
            if db.part.is_some() {
                self.heal(n);
            }
            if keys.len() >= 2 {
                self.split(n, side, keys);
            }
        }
    }

    fn split(&mut self, n: u32, side: Vec<u32>, keys: Vec<String>) {
        let now = self.core.now;
        let Model::Database(db) = &mut self.nodes[n as usize].model else {
            return;
        };
        let members = side.len() as u32;
        let quorum = (0..keys.len() as u32)
            .find(|&s| side.iter().filter(|&&x| x == s).count() as u32 * 2 > members);
        db.part_epoch = db.part_epoch.wrapping_add(1);
        let epoch = db.part_epoch;
        let mode = db.params.partition_mode;
        let delay = ms_to_ns(db.params.failover_detect_ms + db.params.failover_promote_ms);
        // Sides that must have a primary and have none up: they elect one.
        let mut elect = Vec::new();
        for s in 0..keys.len() as u32 {
            let needs = mode == PartitionMode::Ap || quorum == Some(s);
            let has = db
                .members
                .iter()
                .zip(&side)
                .any(|(m, &x)| x == s && m.primary && m.up);
            if needs && !has {
                elect.push(s);
            }
        }
        let minority =
            members - quorum.map_or(0, |q| side.iter().filter(|&&x| x == q).count() as u32);
        db.part = Some(Box::new(PartRt {
            epoch,
            started: now,
            side,
            keys,
            quorum,
            writes: BTreeMap::new(),
            split_since: None,
        }));
        for s in elect {
            self.core.queue.push(
                now + delay,
                Ev::SidePromote {
                    node: n,
                    side: s,
                    epoch,
                },
            );
        }
        if mode == PartitionMode::Cp && minority > 0 {
            self.log(n, LogWhat::MinorityRefuses { members: minority });
        }
    }

    /// A side of a partitioned database elects a primary (if it still has none).
    pub(super) fn on_side_promote(&mut self, n: u32, side: u32, epoch: u32) {
        let now = self.core.now;
        let Model::Database(db) = &mut self.nodes[n as usize].model else {
            return;
        };
        let Some(part) = db.part.as_deref_mut() else {
            return;
        };
        if part.epoch != epoch {
            return; // healed (or re-split) since
        }
        let on_side = |m: usize| part.side.get(m).is_some_and(|&s| s == side);
        if (0..db.members.len()).any(|m| on_side(m) && db.members[m].primary && db.members[m].up) {
            return;
        }
        let Some(m) = (0..db.members.len()).find(|&m| on_side(m) && db.members[m].up) else {
            return; // nobody left on that side
        };
        db.members[m].primary = true;
        db.stats.failovers += 1;
        // Another primary on another side still takes writes: split brain.
        let other = (0..db.members.len()).any(|x| {
            !on_side(x) && db.members[x].primary && db.params.partition_mode == PartitionMode::Ap
        });
        if other && part.split_since.is_none() {
            part.split_since = Some(now);
            db.stats.partition.split_brains += 1;
        }
        let what = if other {
            LogWhat::SplitBrain { member: m as u32 }
        } else {
            LogWhat::Promoted {
                member: m as u32,
                lost_writes: 0,
            }
        };
        self.log(n, what);
    }

    /// The partition of database `n` ends: writes flow to the other side, `ap` conflicts are
    /// resolved last-writer-wins, and one side's primary steps down.
    fn heal(&mut self, n: u32) {
        let now = self.core.now;
        let Model::Database(db) = &mut self.nodes[n as usize].model else {
            return;
        };
        let Some(part) = db.part.take().map(|p| *p) else {
            return;
        };
        db.release_partitioned(part.started, now);
        // Last writer wins: the side whose write to the key came last keeps it.
        let (mut conflicts, mut lost) = (0, 0);
        for per in part.writes.values() {
            if per.iter().filter(|(c, _)| *c > 0).count() < 2 {
                continue;
            }
            conflicts += 1;
            let winner = per
                .iter()
                .enumerate()
                .max_by_key(|(i, (_, t))| (*t, usize::MAX - i))
                .map_or(0, |(i, _)| i);
            lost += per
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != winner)
                .map(|(_, (c, _))| c)
                .sum::<u64>();
        }
        db.stats.partition.conflicts += conflicts;
        db.stats.partition.lww_lost_writes += lost;
        if let Some(since) = part.split_since {
            db.stats.partition.split_brain_ns += now - since;
        }
        // One primary again: the quorum side's (cp), else the side with most members (ties:
        // the side of the first member).
        let sides = part.keys.len() as u32;
        let size = |s: u32| part.side.iter().filter(|&&x| x == s).count();
        let keep = part.quorum.unwrap_or_else(|| {
            (0..sides)
                .max_by_key(|&s| (size(s), u32::MAX - s))
                .unwrap_or(0)
        });
        let keep_has_primary = db
            .members
            .iter()
            .zip(&part.side)
            .any(|(m, &s)| s == keep && m.primary);
        if keep_has_primary {
            for (m, &s) in db.members.iter_mut().zip(&part.side) {
                if s != keep {
                    m.primary = false;
                }
            }
        }
        if db.params.partition_mode == PartitionMode::Ap || conflicts > 0 {
            self.log(
                n,
                LogWhat::Healed {
                    conflicts,
                    lost_writes: lost,
                },
            );
        }
    }
}
