//! A server's distributed transactions: none, two-phase commit or a saga over the databases
//! it calls.

use super::check::{from_slug, slug_of};
use super::fields::section;
use super::node::{Ctx, Text};
use crate::i18n::{tr, Lang};
use scaleboard_sim::diagram::{Node, NodeSpec, TransactionParams, TxnProtocol};
use yew::prelude::*;

const PROTOCOLS: [(TxnProtocol, &str); 3] = [
    (TxnProtocol::None, "none"),
    (TxnProtocol::TwoPhaseCommit, "2pc"),
    (TxnProtocol::Saga, "saga"),
];

fn protocol_name(l: Lang, p: TxnProtocol) -> &'static str {
    match p {
        TxnProtocol::None => tr(l, "None (independent writes)"),
        TxnProtocol::TwoPhaseCommit => tr(l, "Two-phase commit (2PC)"),
        TxnProtocol::Saga => tr(l, "Saga (steps + compensations)"),
    }
}

fn protocol_help(l: Lang, p: TxnProtocol) -> &'static str {
    match p {
        TxnProtocol::None => tr(l, "Each database is written on its own: nothing keeps them consistent with each other."),
        TxnProtocol::TwoPhaseCommit => tr(l, "Every participant locks and votes, then all commit or all abort: two round trips, and if this server dies in between, locks stay held (in doubt)."),
        TxnProtocol::Saga => tr(l, "One local transaction per database in turn; a failed step undoes the earlier ones with compensations. No locks, but others can read the half-done state."),
    }
}

/// Applies `f` to the transaction settings if the node is a server.
fn txn<T>(f: impl Fn(&mut TransactionParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Server(p) = &mut n.spec {
            f(&mut p.transaction, v)
        }
    }
}

pub(super) fn fields(cx: &Ctx, t: &TransactionParams) -> Html {
    let l = cx.lang;
    let d = TransactionParams::default();
    let body = html! {
        <>
            { cx.select("params.transaction.protocol", tr(l, "Protocol"), protocol_help(l, t.protocol),
                slug_of(&PROTOCOLS, t.protocol),
                PROTOCOLS.iter().map(|&(p, slug)| (slug, protocol_name(l, p).to_owned())).collect(),
                txn(|t, slug: String| {
                    if let Some(p) = from_slug(&PROTOCOLS, &slug) {
                        t.protocol = p;
                    }
                })) }
            if t.protocol != TxnProtocol::None {
                { cx.num("params.transaction.failure_probability", Text {
                    label: tr(l, "Failure chance"), unit: "0–1",
                    help: tr(l, "Chance that a participant votes no (2PC) or that a saga step fails."),
                }, t.failure_probability, d.failure_probability, txn(|t, v| t.failure_probability = v)) }
                { cx.num("params.transaction.timeout_ms", Text {
                    label: tr(l, "Timeout"), unit: "ms",
                    help: tr(l, "The coordinator gives up on a vote or a step's answer after this long."),
                }, t.timeout_ms, d.timeout_ms, txn(|t, v| t.timeout_ms = v)) }
                { cx.num("params.transaction.local_ms", Text {
                    label: tr(l, "Local work"), unit: "ms",
                    help: tr(l, "Work at a participant for one prepare, commit, abort, step or compensation."),
                }, t.local_ms, d.local_ms, txn(|t, v| t.local_ms = v)) }
            }
        </>
    };
    section(tr(l, "Transactions across databases"), body)
}
