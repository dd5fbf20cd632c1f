use super::*;
use crate::stats::LiveView;

fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 0.001;
        t
    }
}

fn doc(text: &str) -> String {
    serde_json::to_string(&Diagram::from_json(text).unwrap()).unwrap()
}

fn frame(reply: FromEngine) -> Frame {
    match reply {
        FromEngine::Frame(f) => *f,
        other => panic!("a frame, not {other:?}"),
    }
}

/// The page's charts, built from deltas, hold exactly the engine's own series: each sample
/// once, in order, however the figures were asked for.
#[test]
fn chart_deltas_rebuild_the_engine_series_exactly() {
    let mut e = EngineService::default();
    let mut c = clock();
    let mut live = LiveView::default();
    let take = |reply: FromEngine, live: &mut LiveView| {
        let mut f = frame(reply);
        live.merge(&mut f);
        f
    };
    take(
        e.handle(
            ToEngine::Reset {
                diagram: doc(include_str!("../../examples/autoscaling.json")),
                seek_s: Some(2.0),
            },
            &mut c,
        ),
        &mut live,
    );
    for i in 0..400 {
        let f = take(
            e.handle(
                ToEngine::Advance {
                    wall_ms: 100.0,
                    speed: 5.0,
                    budget_ms: 1e9,
                    trace_every: 4,
                    want_status: i % 7 == 0,
                },
                &mut c,
            ),
            &mut live,
        );
        if let Some(s) = &f.status {
            assert!(s.series.end_to_end.len() <= 5, "only new samples cross");
        }
    }
    take(e.handle(ToEngine::Step { secs: 1.0 }, &mut c), &mut live);
    let stats = live.snapshot();
    let sim = e.host.simulation().unwrap();
    let engine: Vec<_> = sim.series().copied().collect();
    assert_eq!(engine.len(), CHART_SECONDS, "the run outlived the chart");
    assert_eq!(stats.series, engine);
    let api: Vec<_> = sim.node_series("api").unwrap().copied().collect();
    assert_eq!(stats.node_series["api"], api[api.len() - 60..].to_vec());
    let instances: Vec<_> = api
        .iter()
        .map(|x| (x.t_s, x.instances, x.booting, x.down))
        .collect();
    assert_eq!(stats.instance_series["api"], instances);
    assert!((stats.time_s - 203.0).abs() < 1e-9, "{}", stats.time_s);
}

/// A reset starts the charts over, and the link's playhead runs the new run to it at once.
#[test]
fn a_reset_starts_the_charts_over_at_the_playhead() {
    let mut e = EngineService::default();
    let mut c = clock();
    let mut live = LiveView::default();
    let basic = doc(include_str!("../../examples/basic.json"));
    for seek in [Some(20.0), Some(4.0)] {
        let mut f = frame(e.handle(
            ToEngine::Reset {
                diagram: basic.clone(),
                seek_s: seek,
            },
            &mut c,
        ));
        assert!(f.status.as_ref().unwrap().series.restart);
        live.merge(&mut f);
    }
    let stats = live.snapshot();
    assert_eq!(stats.series.len(), 4);
    assert_eq!(stats.series.last().unwrap().t_s, 4.0);
}

/// Exports come from the run in the engine: no run, no export.
#[test]
fn questions_are_answered_from_the_run() {
    let mut e = EngineService::default();
    let mut c = clock();
    let ask = |e: &mut EngineService, question: Question, c: &mut dyn FnMut() -> f64| match e
        .handle(ToEngine::Ask { id: 5, question }, c)
    {
        FromEngine::Answer { id: 5, answer } => answer,
        other => panic!("an answer, not {other:?}"),
    };
    assert_eq!(ask(&mut e, Question::Csv, &mut c), Answer::NoRun);
    let text = include_str!("../../examples/basic.json");
    e.handle(
        ToEngine::Reset {
            diagram: doc(text),
            seek_s: Some(5.0),
        },
        &mut c,
    );
    let Answer::Text(csv) = ask(&mut e, Question::Csv, &mut c) else {
        panic!("a CSV")
    };
    assert!(csv.lines().any(|l| l.starts_with("5,api,server,")));
    let Answer::Text(html) = ask(
        &mut e,
        Question::ReportHtml {
            lang: scaleboard_report::Lang::Ko,
        },
        &mut c,
    ) else {
        panic!("a report")
    };
    assert!(html.contains("sb-report"));
    let Answer::Text(json) = ask(&mut e, Question::ReportJson, &mut c) else {
        panic!("a report")
    };
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["time_s"], 5.0);
    // A separate run, exactly as the CLI runs a file.
    let Answer::Text(run) = ask(
        &mut e,
        Question::RunReport {
            diagram: text.into(),
            duration_s: 3.0,
            warmup_s: 1.0,
        },
        &mut c,
    ) else {
        panic!("a run")
    };
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&run).unwrap()["time_s"],
        3.0
    );
}
