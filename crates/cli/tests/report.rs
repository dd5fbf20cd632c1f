//! `scaleboard report --html`: a standalone page whose figures are exactly those `scaleboard
//! run` prints for the same file and flags.

mod common;

use common::{root, scaleboard, stderr, stdout};
use serde_json::Value;

/// The exact value of a `data-figure` cell.
fn figure(html: &str, id: &str) -> f64 {
    let key = format!("data-figure=\"{id}\" data-value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {id} in the page"))
        + key.len();
    html[at..at + html[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

fn out(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scaleboard-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn the_page_has_the_figures_of_the_same_run() {
    let file = "examples/lone-load-balancer.json";
    let html_path = out("lone.html");
    let o = scaleboard(&[
        "report",
        file,
        "--html",
        html_path.to_str().unwrap(),
        "--duration",
        "30",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&html_path).unwrap();
    let run = scaleboard(&["run", file, "--duration", "30", "--compact"]);
    let r: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let e = &r["end_to_end"];
    assert_eq!(
        figure(&html, "throughput"),
        e["throughput"].as_f64().unwrap()
    );
    assert_eq!(figure(&html, "offered"), e["offered_rps"].as_f64().unwrap());
    assert_eq!(
        figure(&html, "error_rate"),
        e["error_rate"].as_f64().unwrap()
    );
    assert_eq!(figure(&html, "completed"), e["completed"].as_f64().unwrap());
    assert_eq!(
        figure(&html, "p99_ms"),
        e["latency_ms"]["p99"].as_f64().unwrap()
    );
    assert_eq!(
        figure(&html, "mean_ms"),
        e["latency_ms"]["mean"].as_f64().unwrap()
    );
    assert_eq!(
        figure(&html, "spofs"),
        r["spof"]["spofs"].as_array().unwrap().len() as f64
    );
    let met = e["slo"]["met"].as_bool().unwrap();
    assert!(html.contains(&format!("data-figure=\"slo_met\" data-value=\"{met}\"")));
    // A well-formed standalone page: one document, one report, balanced main elements.
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</body></html>"));
    for tag in [
        "html", "head", "body", "article", "section", "svg", "table", "ul", "style",
    ] {
        let open =
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        assert_eq!(
            open,
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}> unbalanced"
        );
    }
}

#[test]
fn korean_pages_and_bad_flags() {
    let html_path = out("basic-ko.html");
    let o = scaleboard(&[
        "report",
        "examples/basic.json",
        "--html",
        html_path.to_str().unwrap(),
        "--lang",
        "ko",
        "--duration",
        "15",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<html lang=\"ko\">") && html.contains("핵심 지표"));

    let refused = scaleboard(&["report", "examples/basic.json"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--html"));
    let refused = scaleboard(&[
        "report",
        "examples/basic.json",
        "--html",
        "x.html",
        "--lang",
        "fr",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--lang must be 'en' or 'ko' (got 'fr')"));
    let unwritable = root().join("no-such-dir/x.html");
    let refused = scaleboard(&[
        "report",
        "examples/basic.json",
        "--html",
        unwritable.to_str().unwrap(),
        "--duration",
        "15",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("cannot write the report"));
}
