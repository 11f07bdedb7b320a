//! What `spec-diff` calls compatible does not break code using the generated crates, and what
//! it calls breaking does: for a sample of the corpus (tests/spec-diff/edits.yaml), a small
//! user program written against today's crates is compiled against the crates generated from
//! the edited spec.
//!
//! Each sample copies the signer, types and client crates into a scratch workspace, generates
//! them from the edited spec, and builds the program (offline, sharing one target directory).

use std::path::{Path, PathBuf};
use std::process::Command;

use render_spec::diff::{Level, bump, diff};

/// Uses the parts of the API the sampled edits touch.
const PROGRAM: &str = r#"
use render_api_client::types::*;
use render_api_client::{Client, Credentials};

fn main() {
    let client = Client::builder()
        .credentials(Credentials::new("AKID", "key"))
        .build()
        .unwrap();
    let _ = client.query_task_frames(19088).page_size(2).send();
    let _ = client.create_task().labels(["x".to_owned()]).send();
    let _ = client.restart_frame(19088, FrameSelection::Listed).ids([1]).send();
    let _plan = PackNode { pack_node_id: 809, pack_name: "plan".into(), extra: Default::default() };
    let status = TaskStatus::Updating;
    assert!(!matches!(status, TaskStatus::Rendering));
}
"#;

/// `(edit name, expected level)`: two compatible edits, two breaking ones.
const SAMPLES: &[(&str, Level)] = &[
    ("an optional parameter added", Level::Minor),
    ("an enum value added", Level::Minor),
    (
        "a required parameter added (and the example with it)",
        Level::Major,
    ),
    ("a nullable field added to a model", Level::Major),
];

fn root() -> PathBuf {
    render_api_tests::repo_root()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == "tests" || name == "benches" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// A crate manifest without its `[dev-dependencies]` and `[[bench]]` sections.
fn library_only(manifest: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            skipping = line == "[dev-dependencies]" || line == "[[bench]]";
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct Edit {
    name: String,
    find: Option<String>,
    replace: Option<String>,
    #[allow(dead_code)]
    drop_endpoint: Option<String>,
    #[allow(dead_code)]
    expect: String,
}

/// A scratch workspace with the three crates generated from `spec_text`; returns whether
/// the user program builds against it.
fn builds_against(spec_text: &str, scratch: &Path) -> (bool, String) {
    let _ = std::fs::remove_dir_all(scratch.join("crates"));
    for krate in ["render-sign", "render-api-types", "render-api-client"] {
        let to = scratch.join("crates").join(krate);
        copy_dir(&root().join("crates").join(krate), &to);
        // The library alone: no tests, benchmarks or their dependencies.
        let manifest = std::fs::read_to_string(to.join("Cargo.toml")).unwrap();
        std::fs::write(to.join("Cargo.toml"), library_only(&manifest)).unwrap();
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .replace(r#"members = ["crates/*", "xtask", "tests"]"#, r#"members = ["crates/render-sign", "crates/render-api-types", "crates/render-api-client", "user"]"#)
        .replace(r#"exclude = ["fuzz"]"#, "")
        .lines()
        .filter(|l| !["render-api-mock =", "render-spec =", "render-codegen ="].iter().any(|p| l.starts_with(p)))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(scratch.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root().join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(scratch.join("user/src")).unwrap();
    std::fs::write(
        scratch.join("user/Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nrender-api-client.workspace = true\n",
    )
    .unwrap();
    std::fs::write(scratch.join("user/src/main.rs"), PROGRAM).unwrap();
    let spec = scratch.join("api-spec.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    render_codegen::run(scratch, &spec, false).expect("the edited spec generates");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", root().join("target/spec-diff-compile"))
        .args(["build", "--offline", "--quiet", "-p", "user"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "slow (builds a user program against generated crates, twice per edit): CI runs it with --ignored; see the README"]
fn compatible_edits_compile_and_breaking_ones_do_not() {
    let text = std::fs::read_to_string(root().join("api-spec.yaml")).unwrap();
    let old = render_spec::parse("api-spec.yaml", text.clone()).unwrap();
    let corpus: Vec<Edit> = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("tests/spec-diff/edits.yaml")).unwrap(),
    )
    .unwrap();
    let scratch = std::env::temp_dir().join(format!("render-spec-diff-{}", std::process::id()));
    let (today, errors) = builds_against(&text, &scratch);
    assert!(
        today,
        "the program builds against today's crates:\n{errors}"
    );
    for (name, level) in SAMPLES {
        let edit = corpus
            .iter()
            .find(|e| e.name == *name)
            .expect("in the corpus");
        let edited = text.replacen(
            edit.find.as_deref().unwrap(),
            edit.replace.as_deref().unwrap_or(""),
            1,
        );
        let new = render_spec::parse("edited.yaml", edited.clone()).unwrap();
        assert_eq!(bump(&diff(&old, &new)), Some(*level), "{name}");
        let (built, errors) = builds_against(&edited, &scratch);
        match level {
            Level::Major => assert!(
                !built,
                "{name}: called breaking, yet the program still builds"
            ),
            _ => assert!(
                built,
                "{name}: called compatible, yet the program breaks:\n{errors}"
            ),
        }
    }
    std::fs::remove_dir_all(&scratch).ok();
}
