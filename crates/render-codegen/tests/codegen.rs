//! Generation writes nothing for a broken spec, and `--check` names stale files with the
//! command to run.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    render_codegen::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("in the repository")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("render-codegen-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_broken_spec_writes_nothing() {
    let out = scratch("nowrite");
    let result = render_codegen::run(&out, &root().join("tests/specs/broken.yaml"), false);
    assert!(matches!(result, Err(render_codegen::CodegenError::Spec(_))));
    let message = result.unwrap_err().to_string();
    assert!(message.ends_with("nothing was written"), "{message}");
    assert!(
        !out.join("crates").exists(),
        "files were written for a broken spec"
    );
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn a_stale_or_hand_edited_file_is_named_with_the_command_to_run() {
    let out = scratch("stale");
    let spec_file = root().join("api-spec.yaml");
    render_codegen::run(&out, &spec_file, false).unwrap();
    assert!(
        render_codegen::run(&out, &spec_file, true).is_ok(),
        "freshly generated files are up to date"
    );
    let edited = out.join("crates/render-api-types/src/generated/models.rs");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n// a hand edit\n");
    std::fs::write(&edited, text).unwrap();
    let stray = out.join("crates/render-api-types/src/generated/old.rs");
    std::fs::write(&stray, "// no longer generated\n").unwrap();
    let err = render_codegen::run(&out, &spec_file, true)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("crates/render-api-types/src/generated/models.rs"),
        "{err}"
    );
    assert!(
        err.contains("crates/render-api-types/src/generated/old.rs"),
        "{err}"
    );
    assert!(err.contains("run `cargo xtask codegen`"), "{err}");
    std::fs::remove_dir_all(&out).ok();
}

/// The root is found from where the tool runs, not from where it was built.
#[test]
fn the_root_is_found_at_run_time() {
    let nested = root().join("crates/render-codegen/src");
    assert_eq!(render_codegen::find_root(&nested), Some(root()));
    assert_eq!(render_codegen::find_root(&std::env::temp_dir()), None);
}
