//! `spec-diff` classifies a corpus of seeded spec edits (tests/spec-diff/edits.yaml) as their
//! authors expected, and finds no change between a spec and itself.

use std::path::{Path, PathBuf};

use render_spec::diff::{Level, bump, diff};
use serde::Deserialize;

fn root() -> PathBuf {
    render_spec::find_repo_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("in the repository")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    name: String,
    find: Option<String>,
    replace: Option<String>,
    drop_endpoint: Option<String>,
    expect: String,
}

fn apply(text: &str, edit: &Edit) -> String {
    if let Some(name) = &edit.drop_endpoint {
        let start = text
            .find(&format!("\n  - name: {name}\n"))
            .unwrap_or_else(|| panic!("{}: no endpoint {name}", edit.name));
        let end = text[start + 1..]
            .find("\n  - name: ")
            .map_or(text.len(), |i| start + 1 + i);
        return format!("{}{}", &text[..start], &text[end..]);
    }
    let find = edit.find.as_deref().expect("find or drop_endpoint");
    assert_eq!(
        text.matches(find).count(),
        1,
        "{}: `find` must occur exactly once",
        edit.name
    );
    text.replacen(find, edit.replace.as_deref().unwrap_or(""), 1)
}

#[test]
fn the_corpus_is_classified_as_expected() {
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let old = render_spec::parse("api-spec.yaml", text.clone()).unwrap();
    let corpus: Vec<Edit> = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("tests/spec-diff/edits.yaml")).unwrap(),
    )
    .unwrap();
    assert!(corpus.len() >= 30, "the corpus has {} edits", corpus.len());
    let mut wrong = Vec::new();
    let mut counts = [0usize; 3];
    for edit in &corpus {
        let new = render_spec::parse("edited.yaml", apply(&text, edit))
            .unwrap_or_else(|e| panic!("{}: the edited spec does not lint:\n{e}", edit.name));
        let changes = diff(&old, &new);
        let got = bump(&changes).map_or("none".to_owned(), |l| l.to_string());
        if got != edit.expect {
            let list: Vec<String> = changes.iter().map(ToString::to_string).collect();
            wrong.push(format!(
                "{}: expected {}, got {got}:\n    {}",
                edit.name,
                edit.expect,
                list.join("\n    ")
            ));
        }
        if let Some(level) = bump(&changes) {
            counts[level as usize] += 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        counts.iter().all(|&n| n >= 5),
        "patch/minor/major: {counts:?}"
    );
}

#[test]
fn a_spec_has_no_change_against_itself_and_breaks_against_the_other_generation() {
    let spec = render_spec::load(&root().join("api-spec.yaml")).unwrap();
    assert!(diff(&spec, &spec).is_empty());
    let g = |name| spec.generation_named(name).expect("the spec has it");
    let v1 = render_spec::diff::generation_view(&spec, g("v1"));
    let v2 = render_spec::diff::generation_view(&spec, g("v2"));
    let changes = diff(&v1, &v2);
    assert_eq!(bump(&changes), Some(Level::Major));
    let added = changes
        .iter()
        .filter(|c| c.level == Level::Minor && c.what == "added" && c.at.starts_with("endpoints["))
        .count();
    assert_eq!(added, 14, "the calls new in API 2.0.0");
}
