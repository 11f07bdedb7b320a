//! Every citation of a source in the spec's notes (`D:n`, `en:n`, `zh:n`, `seed:n`) points into
//! its document (copies in `tests/sources/`), and at what it names: the cited line, or one next
//! to it, holds the field or parameter the note is on, or a name the note quotes (in
//! backticks) in the clause of the citation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

fn root() -> PathBuf {
    render_spec::find_repo_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("in the repository")
}

/// The documents by their citation's tag.
fn sources() -> Vec<(&'static str, Vec<String>)> {
    [
        ("D", "renderbus-api-v2-doc-zh.md"),
        ("en", "render-api-v3.0-en.txt"),
        ("zh", "render-api-v4.0-zh.txt"),
        ("seed", "api-document-v1-zh.txt"),
    ]
    .into_iter()
    .map(|(tag, file)| {
        let text = std::fs::read_to_string(root().join("tests/sources").join(file))
            .unwrap_or_else(|e| panic!("tests/sources/{file}: {e}"));
        (tag, text.lines().map(str::to_owned).collect())
    })
    .collect()
}

/// The citations of a note: (where in the note, tag, line).
fn citations(note: &str) -> Vec<(usize, &'static str, usize)> {
    let bytes = note.as_bytes();
    let mut found = Vec::new();
    for tag in ["D", "en", "zh", "seed"] {
        let marker = format!("{tag}:");
        for (at, _) in note.match_indices(&marker) {
            let boundary = at
                .checked_sub(1)
                .is_none_or(|i| !bytes[i].is_ascii_alphanumeric());
            let digits: String = note[at + marker.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if boundary && !digits.is_empty() {
                found.push((at, tag, digits.parse().unwrap_or(0)));
            }
        }
    }
    found.sort();
    found
}

/// The names a clause quotes in backticks (`taskParam`).
fn quoted(clause: &str) -> BTreeSet<String> {
    clause
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|q| !q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_owned)
        .collect()
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every mapping of the spec with notes: (where, the name it is on when it is a field or a
/// parameter, the notes).
fn notes(value: &Value, at: &str, found: &mut Vec<(String, Option<String>, String)>) {
    match value {
        Value::Mapping(map) => {
            let name = map.get("name").and_then(Value::as_str);
            let here = name.map_or(at.to_owned(), |n| format!("{at}/{n}"));
            for key in ["notes", "note"] {
                if let Some(text) = map.get(key).and_then(Value::as_str) {
                    let typed = map.contains_key("type");
                    found.push((
                        here.clone(),
                        typed.then(|| name.unwrap_or_default().to_owned()),
                        text.to_owned(),
                    ));
                }
            }
            for (_, v) in map {
                notes(v, &here, found);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| notes(v, at, found)),
        _ => {}
    }
}

/// What is wrong with the citations of one note (`at`: where it is; `name`: the field or
/// parameter it is on): each citation past its document's end, or whose line (or a line next
/// to it) shows neither that name nor a name its clause quotes. Answers the citations checked.
fn check(
    at: &str,
    name: Option<&str>,
    note: &str,
    sources: &[(&str, Vec<String>)],
    wrong: &mut Vec<String>,
) -> usize {
    let mut checked = 0;
    for (pos, tag, line) in citations(note) {
        let lines = &sources
            .iter()
            .find(|(t, _)| *t == tag)
            .expect("a known tag")
            .1;
        checked += 1;
        if line == 0 || line > lines.len() {
            wrong.push(format!(
                "{at}: {tag}:{line} is past the document's end ({} lines)",
                lines.len()
            ));
            continue;
        }
        let start = [note[..pos].rfind(". "), note[..pos].rfind("; ")]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0);
        let mut names = quoted(&note[start..pos]);
        if let Some(name) = name {
            names.insert(name.to_owned());
            names.insert(snake(name));
        }
        if names.is_empty() {
            continue;
        }
        let window = lines[line.saturating_sub(3)..(line + 2).min(lines.len())].join("\n");
        if !names.iter().any(|n| window.contains(n.as_str())) {
            wrong.push(format!(
                "{at}: {tag}:{line} does not show {names:?}: {:?}",
                lines[line - 1].trim()
            ));
        }
    }
    checked
}

#[test]
fn every_citation_points_into_its_document_and_at_what_it_names() {
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let spec: Value = serde_yaml::from_str(&text).unwrap();
    let sources = sources();
    let mut all = Vec::new();
    notes(&spec, "", &mut all);
    let mut wrong = Vec::new();
    let checked: usize = all
        .iter()
        .map(|(at, name, note)| check(at, name.as_deref(), note, &sources, &mut wrong))
        .sum();
    assert!(checked >= 80, "only {checked} citations found");
    assert!(
        wrong.is_empty(),
        "{} citations are off:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_citation_past_the_end_or_beside_its_name_is_caught() {
    assert_eq!(
        citations("a String (D:502, en:876), x:1, seed:0"),
        [(10, "D", 502), (17, "en", 876), (31, "seed", 0)]
    );
    let doc: Vec<String> = [
        "# getTaskList",
        "",
        "| layerParentId | String |",
        "",
        "",
        "",
        "| cgId | Integer |",
    ]
    .map(str::to_owned)
    .to_vec();
    let sources = [("D", doc)];
    let mut wrong = Vec::new();
    // On the line, and two lines off: right.
    check(
        "f",
        Some("layerParentId"),
        "A String (D:3).",
        &sources,
        &mut wrong,
    );
    check(
        "f",
        Some("layerParentId"),
        "A String (D:1).",
        &sources,
        &mut wrong,
    );
    // A quoted name of the clause is what the citation shows.
    check(
        "f",
        Some("id"),
        "The table names it `cgId` (D:7).",
        &sources,
        &mut wrong,
    );
    assert!(wrong.is_empty(), "{wrong:?}");
    // Past the end; four lines off.
    check(
        "f",
        Some("layerParentId"),
        "A String (D:8).",
        &sources,
        &mut wrong,
    );
    check(
        "f",
        Some("layerParentId"),
        "A String (D:7).",
        &sources,
        &mut wrong,
    );
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(
        wrong[0].contains("past the document's end (7 lines)"),
        "{wrong:?}"
    );
    assert!(wrong[1].contains("D:7 does not show"), "{wrong:?}");
}
