//! Words for what happens during a run: the chaos timeline's actions and what the system did on
//! its own (health checks, a standby taking over, database failover, the autoscaler), in the
//! learner's language. Shared by the event log and the chaos timeline editor.

use crate::format::trim_num as trim;
use crate::i18n::{fill, tr, Lang};
use crate::state::{split_target, LogEntry, LogKind};
use scaleboard_sim::analysis::{Element, Finding, Reason};
use scaleboard_sim::diagram::ChaosAction;
use scaleboard_sim::engine::{LogEvent, LogWhat};
use scaleboard_sim::Diagram;

/// The name a learner knows a node by ("API servers"), or a backend "api#1" as "API servers #1".
pub fn display(d: &Diagram, target: &str) -> String {
    let (id, instance) = split_target(d, target);
    match (d.node(id), instance) {
        (Some(n), Some(k)) => format!("{} #{k}", n.display_name()),
        (Some(n), None) => n.display_name().to_owned(),
        (None, _) => target.to_owned(),
    }
}

/// An edge named in a chaos action, as its ends if it exists.
fn edge_name(d: &Diagram, name: &str) -> String {
    d.edges
        .iter()
        .find(|e| e.name() == name)
        .map_or_else(|| name.to_owned(), |e| edge_text(d, e))
}

/// An edge as "Users → Load balancer".
pub fn edge_text(d: &Diagram, e: &scaleboard_sim::diagram::Edge) -> String {
    format!("{} → {}", display(d, &e.from), display(d, &e.to))
}

/// A chaos action as a sentence: "kill API servers #1", "partition zone-a".
pub fn action_text(lang: Lang, d: &Diagram, a: &ChaosAction) -> String {
    let node = |id: &str, instance: &Option<u32>| match instance {
        Some(k) => format!("{} #{k}", display(d, id)),
        None => display(d, id),
    };
    match a {
        ChaosAction::Kill { node: id, instance } => {
            fill(tr(lang, "kill {}"), &[&node(id, instance)])
        }
        ChaosAction::Revive { node: id, instance } => {
            fill(tr(lang, "revive {}"), &[&node(id, instance)])
        }
        ChaosAction::Slow { node: id, factor } => fill(
            tr(lang, "slow {} down ×{}"),
            &[&display(d, id), &trim(*factor)],
        ),
        ChaosAction::Errors { node: id, rate } => fill(
            tr(lang, "{} fails {} % of requests"),
            &[&display(d, id), &trim(rate * 100.0)],
        ),
        ChaosAction::Partition { edge } => {
            fill(tr(lang, "cut the network on {}"), &[&edge_name(d, edge)])
        }
        ChaosAction::Heal { edge } => {
            fill(tr(lang, "heal the network on {}"), &[&edge_name(d, edge)])
        }
        ChaosAction::PartitionZone { zone } => {
            fill(tr(lang, "cut zone {} off the network"), &[zone])
        }
        ChaosAction::HealZone { zone } => fill(tr(lang, "reconnect zone {}"), &[zone]),
        ChaosAction::PartitionRegion { region } => fill(
            tr(lang, "cut region {} off from the other regions"),
            &[region],
        ),
        ChaosAction::HealRegion { region } => fill(tr(lang, "reconnect region {}"), &[region]),
        ChaosAction::KillZone { zone } => fill(tr(lang, "zone {} goes down"), &[zone]),
        ChaosAction::ReviveZone { zone } => fill(tr(lang, "zone {} comes back"), &[zone]),
        ChaosAction::Traffic { factor } => {
            fill(tr(lang, "traffic ×{} (all clients)"), &[&trim(*factor)])
        }
    }
}

/// A SPOF finding as a sentence: why it is one, and who loses what if it fails.
pub fn finding_text(lang: Lang, d: &Diagram, f: &Finding, is_spof: bool) -> String {
    let name = match &f.element {
        Element::Node(id) => display(d, id),
        Element::Zone(z) => z.clone(),
    };
    let who = f
        .blast
        .iter()
        .map(|(c, share)| format!("{} ({})", display(d, c), crate::format::pct(*share)))
        .collect::<Vec<_>>()
        .join(", ");
    let why = match f.reason {
        Reason::Zone => tr(lang, "zone {} holds everything some request path needs"),
        Reason::LoneBalancer => tr(lang, "{} is a lone load balancer with no standby"),
        Reason::SingleInstance => tr(lang, "{} is a single server instance"),
        Reason::UncheckedPool => tr(
            lang,
            "{}: a dead instance keeps getting traffic (no health-checked load balancer in front)",
        ),
        Reason::NoReplica => tr(lang, "{} is a database with no replica to fail over to"),
        Reason::NoFailover => tr(
            lang,
            "{} has replicas, but failover is off: none is ever promoted",
        ),
        Reason::Primary => tr(lang, "{}: writes fail while its primary fails over"),
        Reason::LoneCache => tr(lang, "{} is a lone cache every request passes through"),
        Reason::LoneRouter => tr(lang, "{} is a lone shard router"),
        Reason::OnlyPath => tr(lang, "every request path goes through {}"),
    };
    let why = fill(why, &[&name]);
    if is_spof {
        fill(
            tr(
                lang,
                "Single point of failure: {}. If it fails: {} lose every request.",
            ),
            &[&why, &who],
        )
    } else {
        fill(
            tr(
                lang,
                "Risk: {}. If it fails, these clients lose part of their traffic: {}.",
            ),
            &[&why, &who],
        )
    }
}

/// An engine log event as an event-log line.
pub fn log_entry(lang: Lang, d: &Diagram, e: &LogEvent) -> LogEntry {
    let name = display(d, &e.node);
    let (kind, text) = match &e.what {
        LogWhat::BackendDown { backend } => (
            LogKind::Sim,
            fill(
                tr(
                    lang,
                    "Health check: {} failed its probes and was taken out of rotation by {}",
                ),
                &[&display(d, backend), &name],
            ),
        ),
        LogWhat::BackendUp { backend } => (
            LogKind::System,
            fill(
                tr(lang, "Health check: {} is healthy again and back in rotation"),
                &[&display(d, backend)],
            ),
        ),
        LogWhat::TargetDown { target, region } => (
            LogKind::Problem,
            fill(
                tr(
                    lang,
                    "Traffic manager: {} failed its probes; {} stops sending users to region {}",
                ),
                &[&display(d, target), &name, region],
            ),
        ),
        LogWhat::TargetUp { target, region } => (
            LogKind::System,
            fill(
                tr(
                    lang,
                    "Traffic manager: {} is healthy again; {} sends users to region {} again",
                ),
                &[&display(d, target), &name, region],
            ),
        ),
        LogWhat::StandbyTookOver => (
            LogKind::System,
            fill(tr(lang, "The standby of {} took over"), &[&name]),
        ),
        LogWhat::Promoted {
            member,
            lost_writes: 0,
        } => (
            LogKind::System,
            fill(
                tr(lang, "Failover: {} promoted member #{} to primary; no write was lost"),
                &[&name, member],
            ),
        ),
        LogWhat::Promoted {
            member,
            lost_writes,
        } => (
            LogKind::Problem,
            fill(
                tr(
                    lang,
                    "Failover: {} promoted member #{} to primary; {} writes that had not been replicated are lost",
                ),
                &[&name, member, lost_writes],
            ),
        ),
        LogWhat::Scaled { from, to } if to > from => (
            LogKind::System,
            fill(
                tr(lang, "Autoscaler: {} scales out from {} to {} instances"),
                &[&name, from, to],
            ),
        ),
        LogWhat::Scaled { from, to } => (
            LogKind::System,
            fill(
                tr(lang, "Autoscaler: {} scales in from {} to {} instances"),
                &[&name, from, to],
            ),
        ),
        LogWhat::Booted { instance } => (
            LogKind::System,
            fill(
                tr(lang, "{} #{} finished booting and takes traffic"),
                &[&name, instance],
            ),
        ),
        LogWhat::ConnectionsDrained { connections } => (
            LogKind::System,
            fill(
                tr(
                    lang,
                    "{}: {} long-lived connections drained from backends that left; their users reconnect through it",
                ),
                &[&name, connections],
            ),
        ),
        LogWhat::ConnectionsDropped { connections } => (
            LogKind::Problem,
            fill(
                tr(lang, "{} went down: {} long-lived connections dropped"),
                &[&name, connections],
            ),
        ),
        LogWhat::MinorityRefuses { members } => (
            LogKind::Problem,
            fill(
                tr(
                    lang,
                    "Partition: {} members of {} are in the minority and refuse writes until healed",
                ),
                &[members, &name],
            ),
        ),
        LogWhat::SplitBrain { member } => (
            LogKind::Problem,
            fill(
                tr(
                    lang,
                    "Split brain: {} promoted member #{} to a second primary; both sides take writes",
                ),
                &[&name, member],
            ),
        ),
        LogWhat::Healed {
            conflicts,
            lost_writes,
        } => (
            LogKind::System,
            fill(
                tr(
                    lang,
                    "Healed: {} resolved {} conflicting keys by last-writer-wins; {} writes lost",
                ),
                &[&name, conflicts, lost_writes],
            ),
        ),
        LogWhat::Chaos { action } => (
            LogKind::Chaos,
            fill(
                tr(lang, "Chaos timeline: {}"),
                &[&action_text(lang, d, action)],
            ),
        ),
    };
    LogEntry {
        at_s: e.at as f64 / 1e9,
        kind,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Diagram {
        Diagram::from_json(include_str!("../examples/health-checks.json")).unwrap()
    }

    #[test]
    fn backends_and_actions_use_the_names_learners_see() {
        let d = doc();
        let api = d.node("api").unwrap().display_name().to_owned();
        assert_eq!(display(&d, "api#1"), format!("{api} #1"));
        assert_eq!(display(&d, "gone#1"), "gone#1");
        let kill = &d.chaos[0].action;
        assert_eq!(action_text(Lang::En, &d, kill), format!("kill {api} #1"));
        let slow = ChaosAction::Slow {
            node: "api".into(),
            factor: 3.0,
        };
        assert_eq!(
            action_text(Lang::En, &d, &slow),
            format!("slow {api} down ×3")
        );
        let ko = action_text(Lang::Ko, &d, kill);
        assert!(ko.chars().any(|c| ('가'..='힣').contains(&c)), "{ko}");
    }

    #[test]
    fn spof_findings_name_the_node_and_its_blast_radius() {
        let d = Diagram::from_json(include_str!("../examples/lone-load-balancer.json")).unwrap();
        let report = scaleboard_sim::analysis::spof(&d);
        let f = &report.spofs[0];
        let text = finding_text(Lang::En, &d, f, true);
        let lb = d.node("lb").unwrap().display_name();
        assert!(text.contains(lb) && text.contains("no standby"), "{text}");
        assert!(text.contains("(100%)"), "{text}");
        let ko = finding_text(Lang::Ko, &d, f, true);
        assert!(ko.chars().any(|c| ('가'..='힣').contains(&c)), "{ko}");
    }

    #[test]
    fn lost_writes_are_a_problem_line_and_a_clean_failover_is_not() {
        let d = doc();
        let event = |lost| LogEvent {
            at: 25_000_000_000,
            node: "lb".into(),
            what: LogWhat::Promoted {
                member: 1,
                lost_writes: lost,
            },
        };
        let e = log_entry(Lang::En, &d, &event(47));
        assert_eq!(e.kind, LogKind::Problem);
        assert!(e.text.contains("47 writes"), "{}", e.text);
        assert_eq!(e.at_s, 25.0);
        assert_eq!(log_entry(Lang::En, &d, &event(0)).kind, LogKind::System);
    }
}
