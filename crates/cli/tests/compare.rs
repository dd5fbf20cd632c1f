//! `scaleboard compare`: each side is exactly `scaleboard run` of that side, the diff is b − a,
//! and a malformed variant is named.

mod common;

use common::{root, scaleboard, stderr, stdout};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = scaleboard(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

const SMALL: &str = "examples/small.json";
const BIG: &str = "examples/big.json";

#[test]
fn each_side_is_exactly_its_own_run() {
    let flags = [
        "--duration",
        "20",
        "--warmup",
        "5",
        "--seed",
        "7",
        "--compact",
    ];
    let c = json(&[&["compare", SMALL, BIG][..], &flags].concat());
    for (side, file) in [("a", SMALL), ("b", BIG)] {
        let alone = json(&[&["run", file][..], &flags].concat());
        assert_eq!(c[side], alone, "side {side} differs from `run {file}`");
        assert_eq!(c[side]["seed"], 7);
        assert_eq!(c[side]["time_s"], 20.0);
    }
    // The diff: b − a and b ÷ a of the end-to-end figures, the verdicts side by side.
    let (a, b, d) = (&c["a"]["end_to_end"], &c["b"]["end_to_end"], &c["diff"]);
    for (key, path) in [
        ("throughput", "/throughput"),
        ("offered_rps", "/offered_rps"),
        ("error_rate", "/error_rate"),
        ("cost_per_hour", "/cost_per_hour"),
        ("p50_ms", "/latency_ms/p50"),
        ("p99_ms", "/latency_ms/p99"),
    ] {
        let x = a.pointer(path).unwrap().as_f64().unwrap();
        let y = b.pointer(path).unwrap().as_f64().unwrap();
        assert_eq!(d[key]["a"].as_f64(), Some(x), "{key}");
        assert_eq!(d[key]["b"].as_f64(), Some(y), "{key}");
        assert_eq!(d[key]["diff"].as_f64(), Some(y - x), "{key}");
        if x != 0.0 {
            assert_eq!(d[key]["ratio"].as_f64(), Some(y / x), "{key}");
        } else {
            assert!(d[key]["ratio"].is_null(), "{key}");
        }
    }
    assert_eq!(d["slo_met"]["a"], a["slo"]["met"]);
    assert_eq!(d["slo_met"]["b"], b["slo"]["met"]);
    assert_eq!(c["labels"], serde_json::json!({"a": "A", "b": "B"}));
}

#[test]
fn the_small_design_misses_the_slo_where_the_big_one_meets_it() {
    let c = json(&["compare", SMALL, BIG, "--compact"]);
    let d = &c["diff"];
    assert_eq!(d["slo_met"], serde_json::json!({"a": false, "b": true}));
    assert!(d["error_rate"]["diff"].as_f64().unwrap() < 0.0);
    assert!(d["p99_ms"]["ratio"].as_f64().unwrap() < 1.0);
    assert!(d["cost_per_hour"]["ratio"].as_f64().unwrap() > 2.0);
}

#[test]
fn a_comparison_file_or_link_works_as_one_argument() {
    let a: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(SMALL)).unwrap()).unwrap();
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(BIG)).unwrap()).unwrap();
    let file =
        serde_json::json!({"compare": {"labels": {"a": "Small", "b": "Big"}, "a": a, "b": b}});
    let dir = std::env::temp_dir().join(format!("scaleboard-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small-vs-big.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let p = path.to_string_lossy();
    let flags = ["--duration", "8", "--warmup", "2", "--compact"];
    let from_file = json(&[&["compare", &p][..], &flags].concat());
    let from_two = json(&[&["compare", SMALL, BIG][..], &flags].concat());
    assert_eq!(
        from_file["labels"],
        serde_json::json!({"a": "Small", "b": "Big"})
    );
    assert_eq!(from_file["a"], from_two["a"]);
    assert_eq!(from_file["diff"], from_two["diff"]);
    // The same comparison as a link: both halves ordinary links.
    let link_a = stdout(&scaleboard(&["link", SMALL])).trim().to_owned();
    let link_b = stdout(&scaleboard(&["link", BIG])).trim().to_owned();
    let half = |l: &str| l.split_once('#').unwrap().1.to_owned();
    let link = format!("http://x/#compare={}~{}", half(&link_a), half(&link_b));
    let from_link = json(&[&["compare", &link][..], &flags].concat());
    assert_eq!(from_link["b"], from_two["b"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_names_the_variant_and_the_field() {
    let refused = |args: &[&str], code: i32, needle: &str| {
        let o = scaleboard(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected '{needle}' in: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    };
    refused(&["compare", SMALL], 1, "not a comparison file: compare");
    refused(&["compare"], 2, "compare needs two diagram files");
    refused(
        &["compare", SMALL, BIG, "--seed", "x"],
        2,
        "--seed must be a whole number",
    );
    refused(
        &["compare", SMALL, "missing.json"],
        1,
        "missing.json: cannot read the file",
    );
    // A comparison file whose variant B has a negative rate.
    let a: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(SMALL)).unwrap()).unwrap();
    let mut b = a.clone();
    b["nodes"][0]["params"]["rate_rps"] = serde_json::json!(-1);
    let dir = std::env::temp_dir().join(format!("scaleboard-compare-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(
        &path,
        serde_json::json!({"compare": {"a": a, "b": b}}).to_string(),
    )
    .unwrap();
    refused(
        &["compare", &path.to_string_lossy()],
        1,
        "variant B has 1 problem(s)",
    );
    refused(
        &["compare", &path.to_string_lossy()],
        1,
        "node 'users', params.rate_rps",
    );
    // A comparison link with half of B cut away.
    let link_a = stdout(&scaleboard(&["link", SMALL])).trim().to_owned();
    let half = link_a.split_once('#').unwrap().1;
    let cut = &half[..half.len() / 2];
    refused(
        &["compare", &format!("#compare={half}~{cut}")],
        1,
        "variant B of this comparison link is damaged",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
