//! Example diagrams bundled with the app (the same files the CLI and tests use).

use crate::i18n::{example_text, Lang};
use scaleboard_sim::Diagram;

pub struct Example {
    pub slug: &'static str,
    pub json: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        slug: "basic",
        json: include_str!("../examples/basic.json"),
    },
    Example {
        slug: "scale-up-vs-out",
        json: include_str!("../examples/scale-up-vs-out.json"),
    },
    Example {
        slug: "cascading-failure",
        json: include_str!("../examples/cascading-failure.json"),
    },
    Example {
        slug: "retry-storm",
        json: include_str!("../examples/retry-storm.json"),
    },
    Example {
        slug: "sticky-sessions",
        json: include_str!("../examples/sticky-sessions.json"),
    },
    Example {
        slug: "cache-in-front",
        json: include_str!("../examples/cache-in-front.json"),
    },
    Example {
        slug: "l1-l2",
        json: include_str!("../examples/l1-l2.json"),
    },
    Example {
        slug: "replicas",
        json: include_str!("../examples/replicas.json"),
    },
    Example {
        slug: "hot-shard",
        json: include_str!("../examples/hot-shard.json"),
    },
    Example {
        slug: "lone-load-balancer",
        json: include_str!("../examples/lone-load-balancer.json"),
    },
    Example {
        slug: "health-checks",
        json: include_str!("../examples/health-checks.json"),
    },
    Example {
        slug: "db-failover",
        json: include_str!("../examples/db-failover.json"),
    },
    Example {
        slug: "autoscaling",
        json: include_str!("../examples/autoscaling.json"),
    },
    Example {
        slug: "zones",
        json: include_str!("../examples/zones.json"),
    },
    Example {
        slug: "single-queue",
        json: include_str!("../examples/single-queue.json"),
    },
    Example {
        slug: "l7-path-routing",
        json: include_str!("../examples/l7-path-routing.json"),
    },
    Example {
        slug: "global-two-regions",
        json: include_str!("../examples/global-two-regions.json"),
    },
    Example {
        slug: "cdn-static",
        json: include_str!("../examples/cdn-static.json"),
    },
    Example {
        slug: "partition-cp-vs-ap",
        json: include_str!("../examples/partition-cp-vs-ap.json"),
    },
    Example {
        slug: "queue-backlog",
        json: include_str!("../examples/queue-backlog.json"),
    },
    Example {
        slug: "two-phase-commit",
        json: include_str!("../examples/two-phase-commit.json"),
    },
    Example {
        slug: "saga-compensation",
        json: include_str!("../examples/saga-compensation.json"),
    },
    Example {
        slug: "2pc-vs-saga-under-partition",
        json: include_str!("../examples/2pc-vs-saga-under-partition.json"),
    },
    Example {
        slug: "long-connections",
        json: include_str!("../examples/long-connections.json"),
    },
    Example {
        slug: "cache-cluster",
        json: include_str!("../examples/cache-cluster.json"),
    },
    Example {
        slug: "eviction-policies",
        json: include_str!("../examples/eviction-policies.json"),
    },
    Example {
        slug: "batch-mapreduce",
        json: include_str!("../examples/batch-mapreduce.json"),
    },
    // The two sides of the small-vs-big comparison (src/compare.rs), each an example too.
    Example {
        slug: "small",
        json: include_str!("../examples/small.json"),
    },
    Example {
        slug: "big",
        json: include_str!("../examples/big.json"),
    },
];

impl Example {
    pub fn diagram(&self) -> Option<Diagram> {
        Diagram::from_json(self.json).ok()
    }

    /// The example in `lang`: its title and node labels translated (ids stay as they are, so
    /// links, reports and tests name the same nodes in every language).
    pub fn diagram_in(&self, lang: Lang) -> Option<Diagram> {
        let mut d = self.diagram()?;
        localize(&mut d, lang);
        Some(d)
    }

    pub fn title(&self, lang: Lang) -> String {
        self.diagram()
            .map(|d| example_text(lang, &d.name))
            .unwrap_or_else(|| self.slug.to_owned())
    }
}

/// Translates a bundled diagram's title and node labels (examples, lesson steps) where the
/// translation table knows them.
pub fn localize(d: &mut Diagram, lang: Lang) {
    d.name = example_text(lang, &d.name);
    for n in &mut d.nodes {
        if !n.label.is_empty() {
            n.label = example_text(lang, &n.label);
        }
    }
    for r in &mut d.regions {
        if !r.label.is_empty() {
            r.label = example_text(lang, &r.label);
        }
    }
}

/// A bundled example's own words in `lang`, whichever language they were opened in: the
/// example's English, or its Korean translation.
fn example_words_in(lang: Lang, text: &str) -> Option<String> {
    let en = if crate::i18n::example_korean(text).is_some() {
        text
    } else {
        crate::i18n::example_english(text)?
    };
    Some(example_text(lang, en))
}

/// `d` with the names a bundled example gave it (title, node and region labels still as the
/// example wrote them, in English or in Korean) in `lang`: an example opened in English reads
/// in Korean in a Korean report, and the other way round. Names the learner typed stay.
pub fn named_in(d: &Diagram, lang: Lang) -> Diagram {
    let mut d = d.clone();
    let name = |t: &mut String| {
        if let Some(x) = example_words_in(lang, t) {
            *t = x;
        }
    };
    name(&mut d.name);
    for n in &mut d.nodes {
        name(&mut n.label);
    }
    for r in &mut d.regions {
        name(&mut r.label);
    }
    d
}

pub fn find(slug: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_example_is_valid() {
        for e in EXAMPLES {
            let d = e
                .diagram()
                .unwrap_or_else(|| panic!("{} is invalid", e.slug));
            assert!(d.errors().is_empty());
            assert!(!e.title(Lang::En).is_empty());
            // Every title and label reads in Korean too.
            // A node without a label would show its id, in English, in Korean mode.
            for n in &d.nodes {
                assert!(!n.label.is_empty(), "{}: {} has no label", e.slug, n.id);
            }
            let texts =
                std::iter::once(d.name.clone()).chain(d.nodes.iter().map(|n| n.label.clone()));
            for t in texts {
                assert!(
                    crate::i18n::example_korean(&t).is_some(),
                    "{}: no Korean for {t:?}",
                    e.slug
                );
            }
            let ko = e.diagram_in(Lang::Ko).unwrap();
            assert_ne!(ko.name, d.name);
            assert_eq!(ko.nodes.len(), d.nodes.len());
        }
        assert!(find("basic").is_some());
    }

    /// Seen: an example opened in English, the app switched to Korean, the printed report said
    /// "Load balancer은(는)…". The report names the example's nodes in the reader's language.
    #[test]
    fn a_korean_report_names_an_english_example_in_korean() {
        let e = find("lone-load-balancer").unwrap();
        let mut d = e.diagram_in(Lang::En).unwrap();
        let lb = d
            .nodes
            .iter()
            .position(|n| n.label == "Load balancer")
            .unwrap();
        // A label the learner typed stays as typed.
        d.nodes[0].label = "My users".into();
        let ko = named_in(&d, Lang::Ko);
        assert_eq!(ko.nodes[lb].label, "로드밸런서");
        assert_eq!(ko.nodes[0].label, "My users");
        assert_eq!(ko.name, e.diagram_in(Lang::Ko).unwrap().name);
        // And back: opened in Korean, read in English.
        let en = named_in(&e.diagram_in(Lang::Ko).unwrap(), Lang::En);
        assert_eq!(en.nodes[lb].label, "Load balancer");
        assert_eq!(en.name, d.name);
        let mut sim = scaleboard_sim::Simulation::new(&d).unwrap();
        sim.run_until(2_000_000_000);
        let html = scaleboard_report::report_html_as(&sim, &ko, Lang::Ko);
        assert!(html.contains("로드밸런서"));
        assert!(!html.contains("Load balancer"), "no English node name left");
    }
}
