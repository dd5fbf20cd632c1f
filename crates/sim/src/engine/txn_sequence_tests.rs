//! The sequence diagram of a sampled transaction says exactly what the protocol did: 2PC's
//! four messages per participant at the times the round trips give, the locks from prepare to
//! commit; a coordinator killed between the rounds leaves the sample in doubt with its locks
//! held until the revival aborts it; a saga's compensations run in reverse order, one per step
//! committed before the failure. Fixed seeds, exact times.

use super::transaction_tests::txn_diagram;
use super::*;
use crate::time::secs_to_ns;

fn samples_at(sim: &mut Simulation, t_s: f64) -> TxnSamples {
    sim.run_until(secs_to_ns(t_s));
    sim.txn_samples("coord")
}

fn arrows_of(seq: &TxnSequence, m: SeqMessage) -> Vec<&SeqArrow> {
    seq.arrows.iter().filter(|a| a.message == m).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_two_phase_commit_is_drawn_as_its_two_rounds() {
    // Edges of 3 ms (a) and 7 ms (b), 2 ms of local work at each participant.
    let d = txn_diagram("2pc", 50.0, 0.0, 1_000_000_000, "", "");
    let mut sim = Simulation::new(&d).unwrap();
    let s = samples_at(&mut sim, 5.5);
    let seq = s.shown.expect("a sampled transaction");
    assert!(s.latest_failed.is_none(), "nothing failed");
    assert_eq!(seq.participants, ["a", "b"]);
    assert!(seq.finished, "{seq:?}");
    assert_eq!(seq.outcome, SeqOutcome::Committed);
    let hop = [3.0, 7.0];
    // Round one: prepare out at 0, each vote back after the hop, the work and the hop again.
    for m in [SeqMessage::Prepare, SeqMessage::VoteYes] {
        assert_eq!(arrows_of(&seq, m).len(), 2, "{m:?}: {seq:?}");
    }
    for a in arrows_of(&seq, SeqMessage::Prepare) {
        let h = hop[a.participant as usize];
        assert!(a.to_participant && close(a.sent_ms, 0.0) && close(a.arrives_ms, h));
    }
    for a in arrows_of(&seq, SeqMessage::VoteYes) {
        let h = hop[a.participant as usize];
        assert!(!a.to_participant);
        assert!(
            close(a.sent_ms, h + 2.0) && close(a.arrives_ms, 2.0 * h + 2.0),
            "{a:?}"
        );
    }
    // The commit point is the slowest vote (b's, at 16 ms); round two mirrors round one.
    let decided = 2.0 * 7.0 + 2.0;
    let committed = seq
        .notes
        .iter()
        .find(|n| n.kind == SeqNoteKind::Committed)
        .expect("a commit");
    assert!(close(committed.at_ms, decided));
    for a in arrows_of(&seq, SeqMessage::Commit) {
        assert!(close(a.sent_ms, decided));
    }
    let acks = arrows_of(&seq, SeqMessage::Ack);
    assert_eq!(acks.len(), 2);
    let last_ack = acks.iter().map(|a| a.arrives_ms).fold(0.0, f64::max);
    assert!(close(last_ack, 2.0 * decided), "{last_ack}");
    assert_eq!(seq.arrows.len(), 8, "four messages per participant");
    assert!(seq.arrows.iter().all(|a| !a.lost));
    // Each participant locked the key from prepare until the commit reached it.
    assert_eq!(seq.holds.len(), 2);
    for h in &seq.holds {
        let p = hop[h.participant as usize];
        assert_eq!(h.kind, HoldKind::Lock);
        assert!(close(h.from_ms, p) && h.until_ms.is_some_and(|u| close(u, decided + p)));
    }
}

#[test]
fn a_new_sample_begins_every_simulated_second() {
    let d = txn_diagram("2pc", 50.0, 0.0, 1_000_000_000, "", "");
    let mut sim = Simulation::new(&d).unwrap();
    let mut starts = Vec::new();
    for t in [0.5, 1.5, 2.5, 3.5] {
        let seq = samples_at(&mut sim, t).shown.expect("a sample");
        starts.push(seq.started_s);
    }
    for w in starts.windows(2) {
        // The first transaction at least a second after the previous sample began (arrivals
        // are 20 ms apart on average).
        assert!(w[1] - w[0] >= 1.0 && w[1] - w[0] < 1.5, "{starts:?}");
    }
}

#[test]
fn a_killed_coordinator_leaves_the_sample_in_doubt_holding_its_locks() {
    // Sampled transactions begin at 0 s, 1 s, … (a few ms later); the coordinator dies 5 ms
    // into the tenth one's first round, after the prepares arrived and before the votes.
    let d0 = txn_diagram("2pc", 1000.0, 0.0, 1_000_000_000, "", "");
    let mut probe = Simulation::new(&d0).unwrap();
    let began = samples_at(&mut probe, 9.05)
        .shown
        .expect("a sample")
        .started_s;
    assert!((9.0..9.05).contains(&began), "{began}");
    // a's vote arrives at 8 ms, b's is due at 16 ms.
    let kill_at = began + 0.0085;
    let chaos = format!(
        r#"{{ "at_s": {kill_at}, "action": {{ "kill": {{ "node": "coord" }} }} }},
           {{ "at_s": {kill_at}, "action": {{ "traffic": {{ "factor": 0 }} }} }},
           {{ "at_s": 25, "action": {{ "revive": {{ "node": "coord" }} }} }}"#
    );
    let d = txn_diagram("2pc", 1000.0, 0.0, 1_000_000_000, "", &chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let seq = samples_at(&mut sim, 20.0).shown.expect("a sample");
    assert!(
        close(seq.started_s, began),
        "the same transaction is sampled"
    );
    assert_eq!(seq.outcome, SeqOutcome::InDoubt, "{seq:?}");
    assert!(!seq.finished);
    // Both prepared (a at 3 ms, b at 7 ms) and hold their locks, 11 s and counting.
    assert_eq!(seq.holds.len(), 2);
    assert!(seq
        .holds
        .iter()
        .all(|h| h.kind == HoldKind::Lock && h.until_ms.is_none()));
    assert!(seq.span_ms > 10_000.0);
    // b's vote, sent at 9 ms and due at 16 ms, reached a dead coordinator.
    let b_vote = arrows_of(&seq, SeqMessage::VoteYes)
        .into_iter()
        .find(|a| a.participant == 1)
        .expect("b voted");
    assert!(b_vote.lost, "{b_vote:?}");
    assert!(seq
        .notes
        .iter()
        .any(|n| n.kind == SeqNoteKind::CoordinatorDown));
    // Revived, it aborts what it never decided: the aborts release the locks.
    let after = samples_at(&mut sim, 26.0);
    let seq = after.latest_failed.expect("the aborted sample");
    assert_eq!(seq.outcome, SeqOutcome::Aborted);
    assert!(seq.finished);
    let up = seq
        .notes
        .iter()
        .find(|n| n.kind == SeqNoteKind::CoordinatorUp)
        .expect("revived")
        .at_ms;
    assert!(close(up, (25.0 - began) * 1000.0), "{up}");
    assert_eq!(arrows_of(&seq, SeqMessage::Abort).len(), 2);
    assert!(seq.holds.iter().all(|h| h.until_ms.is_some_and(|u| u > up)));
}

#[test]
fn a_failed_saga_is_drawn_with_its_compensations_in_reverse() {
    // Steps fail half the time: within a few samples one fails at its third step.
    let d = txn_diagram(
        "saga",
        50.0,
        0.0,
        1_000_000_000,
        r#", "failure_probability": 0.5"#,
        "",
    );
    let mut sim = Simulation::new(&d).unwrap();
    let mut seen = [false; 3];
    for t in 1..=60 {
        let Some(seq) = samples_at(&mut sim, t as f64).latest_failed else {
            continue;
        };
        let steps_ok = arrows_of(&seq, SeqMessage::StepOk).len();
        let failed = arrows_of(&seq, SeqMessage::StepFailed);
        assert_eq!(failed.len(), 1, "{seq:?}");
        // Exactly the steps committed before the failure are compensated, last first.
        let comps: Vec<u32> = arrows_of(&seq, SeqMessage::Compensate)
            .iter()
            .map(|a| a.participant)
            .collect();
        let want: Vec<u32> = (0..steps_ok as u32).rev().collect();
        assert_eq!(comps, want, "{seq:?}");
        assert_eq!(arrows_of(&seq, SeqMessage::Compensated).len(), steps_ok);
        // Each committed step was visible until its compensation reached it.
        let visible: Vec<&SeqHold> = seq
            .holds
            .iter()
            .filter(|h| h.kind == HoldKind::Visible)
            .collect();
        assert_eq!(visible.len(), steps_ok);
        for h in visible {
            let undo = arrows_of(&seq, SeqMessage::Compensate)
                .into_iter()
                .find(|a| a.participant == h.participant)
                .expect("compensated");
            assert!(h.until_ms.is_some_and(|u| close(u, undo.arrives_ms)));
        }
        let want_outcome = if steps_ok == 0 {
            SeqOutcome::Aborted
        } else {
            SeqOutcome::Compensated
        };
        assert_eq!(seq.outcome, want_outcome);
        seen[steps_ok] = true;
    }
    assert_eq!(seen, [true; 3], "failures at every step were sampled");
}

#[test]
fn a_diagram_without_transactions_samples_nothing() {
    let d = txn_diagram("none", 200.0, 0.0, 1_000_000_000, "", "");
    let mut sim = Simulation::new(&d).unwrap();
    assert_eq!(samples_at(&mut sim, 3.0), TxnSamples::default());
}

#[test]
fn a_coordinator_killed_between_samples_shows_its_newest_transaction_in_doubt() {
    // The sample begun at 10 s was decided long before the kill at 10.5 s: the newest
    // transaction, started just before the kill, is the one drawn, blocked.
    let chaos = r#"{ "at_s": 10.5, "action": { "kill": { "node": "coord" } } },
        { "at_s": 10.5, "action": { "traffic": { "factor": 0 } } },
        { "at_s": 25, "action": { "revive": { "node": "coord" } } }"#;
    let d = txn_diagram("2pc", 1000.0, 0.0, 1_000_000_000, "", chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let seq = samples_at(&mut sim, 20.0).shown.expect("a sample");
    assert_eq!(seq.outcome, SeqOutcome::InDoubt, "{seq:?}");
    assert!((10.49..10.5).contains(&seq.started_s), "{}", seq.started_s);
    assert_eq!(seq.participants, ["a", "b"]);
    // Recorded from its start: both prepares, sent at 0.
    let prepares = arrows_of(&seq, SeqMessage::Prepare);
    assert_eq!(prepares.len(), 2);
    assert!(prepares.iter().all(|a| close(a.sent_ms, 0.0)));
    // Both participants locked the key and voted into the void.
    assert_eq!(seq.holds.len(), 2);
    assert!(seq
        .holds
        .iter()
        .all(|h| h.kind == HoldKind::Lock && h.until_ms.is_none()));
    let votes = arrows_of(&seq, SeqMessage::VoteYes);
    assert_eq!(votes.len(), 2);
    assert!(votes.iter().all(|a| a.lost), "{votes:?}");
    // The record matches the engine's own count: this transaction is one of those in doubt.
    let t = sim.report().nodes["coord"].transactions.clone().unwrap();
    assert!(t.in_doubt >= 1 && t.locks_held == 2 * t.in_doubt, "{t:?}");
}

/// The docs' "at most 96 messages are kept per sample; later ones are counted": participant b
/// dies after voting yes, so the commit to it is lost and re-sent every 200 ms (`timeout_ms`)
/// while the sample stays open. Thirty seconds give about 150 re-sends: 96 are drawn, every
/// one after them is counted.
#[test]
fn a_sample_keeps_96_messages_and_counts_the_rest() {
    let d0 = txn_diagram("2pc", 1000.0, 0.0, 1_000_000_000, "", "");
    let mut probe = Simulation::new(&d0).unwrap();
    let began = samples_at(&mut probe, 9.05)
        .shown
        .expect("a sample")
        .started_s;
    // b's prepare arrives at 7 ms and its vote leaves at 9 ms; the commit would reach it at 23.
    let kill_at = began + 0.012;
    let chaos = format!(r#"{{ "at_s": {kill_at}, "action": {{ "kill": {{ "node": "b" }} }} }}"#);
    let d = txn_diagram("2pc", 1000.0, 0.0, 1_000_000_000, "", &chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let seq = samples_at(&mut sim, began + 30.0).shown.expect("a sample");
    assert!(close(seq.started_s, began), "the same transaction");
    assert!(!seq.finished, "b never acknowledges");
    assert_eq!(seq.arrows.len(), 96);
    let lost_commits = arrows_of(&seq, SeqMessage::Commit)
        .iter()
        .filter(|a| a.participant == 1 && a.lost)
        .count();
    // Prepare, vote and commit to a, its ack; prepare and vote of b: the rest are b's commits.
    assert!(lost_commits >= 88, "{lost_commits} lost commits drawn");
    let sent = seq.arrows.len() + seq.more_arrows as usize;
    assert!(
        (140..=160).contains(&sent),
        "{sent} messages in 30 s of re-sends every 200 ms"
    );
}
