//! Links saved when each format version was current must keep opening, for ever, to the same
//! document. Add a fixture (`vN-name.link` + the diagram it must open to, `vN-name.json`) with
//! every new format version; never change or delete one.

use scaleboard_sim::Diagram;
use std::path::PathBuf;

#[test]
fn saved_links_still_open_to_the_same_diagram() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "link"))
        .collect();
    entries.sort();
    for link_file in entries {
        let link = std::fs::read_to_string(&link_file).unwrap();
        let expected_file = link_file.with_extension("json");
        let expected = Diagram::from_json(&std::fs::read_to_string(&expected_file).unwrap())
            .unwrap_or_else(|p| panic!("{}: {p:?}", expected_file.display()));
        let doc = scaleboard_link::decode(&link)
            .unwrap_or_else(|e| panic!("{}: {e}", link_file.display()));
        assert_eq!(doc.diagram, expected, "{}", link_file.display());
        checked += 1;
    }
    // Every fixture ever added (fixtures are never deleted): raise this with each new one.
    assert_eq!(checked, 20, "{checked} fixtures found, 20 expected");
}
