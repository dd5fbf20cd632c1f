//! The engine side of the protocol: the live simulation ([`sim_host::SimHost`]), answering
//! [`ToEngine`] messages with [`FromEngine`] ones. It runs in a Web Worker (`web`, started by
//! `src/bin/engine_worker.rs`), or in the page itself when no worker can start (the page's
//! fallback host, `engine_link`); both run this same code. No Yew, no DOM.

pub mod csv;
pub mod sim_host;
#[cfg(target_arch = "wasm32")]
pub mod web;

use crate::protocol::{
    Answer, Frame, FromEngine, Packed, Question, SeriesDelta, Status, ToEngine, CHART_SECONDS,
};
use scaleboard_sim::diagram::NodeSpec;
use scaleboard_sim::Diagram;
use sim_host::SimHost;
use std::collections::BTreeMap;

/// Which per-second samples the page already has: the newest second sent, per series.
#[derive(Debug, Default)]
struct Sent {
    restart: bool,
    end_to_end: Option<f64>,
    nodes: BTreeMap<String, f64>,
}

/// Answers the page's messages about one live run.
pub struct EngineService {
    host: SimHost,
    sent: Sent,
    /// The dots' sampling the page asked for last (one hop in this many is traced).
    trace_every: u32,
}

impl Default for EngineService {
    fn default() -> Self {
        EngineService {
            host: SimHost::default(),
            sent: Sent::default(),
            trace_every: 1,
        }
    }
}

impl EngineService {
    /// The reply to `message`; `clock` reads wall-clock milliseconds (for the pacing).
    pub fn handle(&mut self, message: ToEngine, clock: &mut dyn FnMut() -> f64) -> FromEngine {
        match message {
            ToEngine::Reset { diagram, seek_s } => {
                self.sent = Sent {
                    restart: true,
                    ..Sent::default()
                };
                match serde_json::from_str::<Diagram>(&diagram) {
                    Ok(d) => {
                        self.host.reset(&d);
                        if let Some(t) = seek_s {
                            self.host.step(t);
                        }
                    }
                    Err(_) => self.host = SimHost::default(),
                }
                FromEngine::Frame(Box::new(self.frame(0, None, true)))
            }
            ToEngine::Sync { diagram } => {
                if let Ok(d) = serde_json::from_str::<Diagram>(&diagram) {
                    self.host.sync(&d);
                }
                FromEngine::Frame(Box::new(self.frame(0, None, true)))
            }
            ToEngine::Injections(list) => {
                self.host.set_injections(&list);
                FromEngine::Frame(Box::new(self.frame(0, None, true)))
            }
            ToEngine::Advance {
                wall_ms,
                speed,
                budget_ms,
                trace_every,
                want_status,
            } => {
                let r = self.host.advance(wall_ms, speed, budget_ms, clock);
                FromEngine::Frame(Box::new(self.frame(
                    r.events,
                    Some(trace_every),
                    want_status,
                )))
            }
            ToEngine::Step { secs } => {
                self.host.step(secs);
                FromEngine::Frame(Box::new(self.frame(0, None, true)))
            }
            ToEngine::Ask { id, question } => FromEngine::Answer {
                id,
                answer: self.answer(question),
            },
            // Only a test asks for this, and only of a worker (see `engine_link`): the worker's
            // panic hook tells the page, which starts a new engine.
            ToEngine::CrashForTest => panic!("the page asked the engine to crash (a test)"),
        }
    }

    fn answer(&self, question: Question) -> Answer {
        if let Question::RunReport {
            diagram,
            duration_s,
            warmup_s,
        } = question
        {
            return Answer::Text(crate::hooks::run_report(&diagram, duration_s, warmup_s));
        }
        let Some(sim) = self.host.simulation() else {
            return Answer::NoRun;
        };
        Answer::Text(match question {
            Question::Csv => csv::metrics_csv(sim),
            Question::ReportHtml { lang } => {
                // Names a bundled example gave its nodes read in the report's language.
                let named = crate::examples::named_in(sim.diagram(), lang);
                scaleboard_report::report_html_as(sim, &named, lang)
            }
            Question::ReportJson => serde_json::to_string(&sim.report()).unwrap_or_default(),
            Question::RunReport { .. } => String::new(),
        })
    }

    fn frame(&mut self, events: u64, trace_every: Option<u32>, want_status: bool) -> Frame {
        let log = self.host.drain_log();
        // Every frame carries the dots sampled since the last one (after a step too, as the
        // page drew them before the engine moved to the worker).
        self.trace_every = trace_every.unwrap_or(self.trace_every);
        let traces = self.host.take_traces(self.trace_every).to_vec();
        let problems = self
            .host
            .problems
            .iter()
            .map(|p| p.message.clone())
            .collect();
        let status = want_status.then(|| self.status()).flatten();
        let h = &self.host;
        let Some(sim) = h.simulation() else {
            return Frame {
                problems,
                log,
                ..Frame::default()
            };
        };
        Frame {
            ready: true,
            time_ns: sim.now(),
            achieved_speed: h.achieved_speed(),
            behind: h.behind(),
            requests_per_wall_s: h.requests_per_wall_s(),
            completed_total: sim.lifetime_counts().completed,
            events,
            traces,
            log,
            problems,
            status,
        }
    }

    /// The figures the views show, with only the per-second samples not sent before.
    fn status(&mut self) -> Option<Status> {
        let sim = self.host.simulation()?;
        let sent = &mut self.sent;
        let slots = (0..)
            .map_while(|s| sim.node_id(s).map(str::to_owned))
            .collect();
        let statuses = sim.statuses();
        let transactions = statuses
            .iter()
            .filter(|s| s.transactions.is_some())
            .map(|s| (s.id.clone(), sim.txn_samples(&s.id)))
            .collect();
        let autoscaled = sim
            .diagram()
            .nodes
            .iter()
            .filter(|n| matches!(&n.spec, NodeSpec::Server(p) if p.autoscale.enabled))
            .map(|n| n.id.clone())
            .collect();
        // A new run, or a series that went back in time (never expected), starts over.
        let newest = sim.series().last().map(|x| x.t_s);
        let restart = std::mem::take(&mut sent.restart)
            || matches!((newest, sent.end_to_end), (Some(n), Some(s)) if n < s);
        if restart {
            sent.end_to_end = None;
            sent.nodes.clear();
        }
        let after = |last: Option<f64>, t: f64| last.is_none_or(|l| t > l);
        let e2e_len = sim.series().count();
        let end_to_end: Vec<_> = sim
            .series()
            .skip(e2e_len.saturating_sub(CHART_SECONDS))
            .filter(|x| after(sent.end_to_end, x.t_s))
            .copied()
            .collect();
        if let Some(x) = end_to_end.last() {
            sent.end_to_end = Some(x.t_s);
        }
        let mut nodes = Vec::new();
        for n in &sim.diagram().nodes {
            let Some(series) = sim.node_series(&n.id) else {
                continue;
            };
            let last = sent.nodes.get(&n.id).copied();
            let len = series.len();
            let new: Vec<_> = series
                .skip(len.saturating_sub(CHART_SECONDS))
                .filter(|x| after(last, x.t_s))
                .copied()
                .collect();
            if let Some(x) = new.last() {
                sent.nodes.insert(n.id.clone(), x.t_s);
                nodes.push((n.id.clone(), new));
            }
        }
        Some(Status {
            slots,
            nodes: Packed(statuses),
            edges: sim.edge_rates().into_iter().collect(),
            regions: sim.regions_now(),
            cut_edges: sim.cut_edges().into_iter().collect(),
            traffic_factor: sim.traffic_factor(),
            slo: Some(sim.slo_report()),
            failures: sim
                .failure_counts()
                .into_iter()
                .map(|(cause, node, n)| (cause.slug().to_owned(), node, n))
                .collect(),
            transactions: Packed(transactions),
            autoscaled,
            series: SeriesDelta {
                restart,
                end_to_end,
                nodes: Packed(nodes),
            },
        })
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
