//! The linter rejects broken specs, naming each error's location, and writes nothing.

use std::path::PathBuf;

use xtask::spec::SpecErrors;
use xtask::{codegen, lint, spec};

fn fixture(name: &str) -> PathBuf {
    codegen::repo_root().join("tests/specs").join(name)
}

fn lint_errors(name: &str) -> Vec<String> {
    let path = fixture(name);
    let loaded = match spec::load(&path) {
        Ok(l) => l,
        Err(SpecErrors(errors)) => return errors.iter().map(ToString::to_string).collect(),
    };
    match lint::check(&loaded) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(SpecErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn assert_has(errors: &[String], expected: &str) {
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "no error contains {expected:?}; got:\n{}",
        errors.join("\n")
    );
}

#[test]
fn structural_errors_are_located() {
    let errors = lint_errors("broken.yaml");
    assert_has(
        &errors,
        "broken.yaml:11: enums[Zone].values[Overseas]: the code `1` is listed twice",
    );
    assert_has(
        &errors,
        "broken.yaml:18: models[Platform].fields[region]: unknown type `Region`",
    );
    assert_has(
        &errors,
        "broken.yaml:25: endpoints[queryPlatforms]: missing description: `en` is required",
    );
    assert_has(
        &errors,
        "broken.yaml:37: endpoints[queryPlatforms2].path: the path `/api/render/common/queryPlatforms` is also the path of `queryPlatforms`",
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn examples_and_unused_models_are_checked() {
    let errors = lint_errors("broken_examples.yaml");
    assert_has(
        &errors,
        "broken_examples.yaml:24: models[Orphan]: the model `Orphan` is not used by any endpoint",
    );
    assert_has(
        &errors,
        "broken_examples.yaml:41: endpoints[queryPlatforms].examples.request: the request example does not match the parameters: `extra` is not a parameter",
    );
    assert_has(
        &errors,
        "examples.request: the request example does not match the parameters: zone: expected Zone, found \"two\"",
    );
    assert_has(
        &errors,
        "broken_examples.yaml:42: endpoints[queryPlatforms].examples.response: the reply example does not match `list<Platform>`: data[0].platform: expected int, found \"2\"",
    );
}

#[test]
fn yaml_errors_carry_their_location() {
    let dir = std::env::temp_dir().join(format!("xtask-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("typo.yaml");
    std::fs::write(
        &file,
        "title: x\nversion: 1.0.0\nenums:\n  - name: A\n    repr: integer\n    valuez: []\n",
    )
    .unwrap();
    let SpecErrors(errors) = spec::load(&file).err().expect("a typo is rejected");
    let text = errors[0].to_string();
    assert!(
        text.contains("typo.yaml:6: the spec does not parse"),
        "{text}"
    );
    assert!(text.contains("unknown field `valuez`"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_broken_spec_writes_nothing() {
    let root = std::env::temp_dir().join(format!("xtask-nowrite-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let result = codegen::run(&root, &fixture("broken.yaml"), false);
    assert!(matches!(result, Err(codegen::CodegenError::Spec(_))));
    let message = result.unwrap_err().to_string();
    assert!(message.ends_with("nothing was written"), "{message}");
    assert!(
        !root.join("crates").exists(),
        "files were written for a broken spec"
    );
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn the_real_spec_passes_and_covers_every_endpoint() {
    let loaded = spec::load(&codegen::repo_root().join("api-spec.yaml")).unwrap();
    lint::check(&loaded).unwrap_or_else(|e| panic!("{e}"));
    // 29 calls of the API document and 6 of rayvision-api.
    assert_eq!(loaded.spec.endpoints.len(), 35);
    assert_eq!(
        loaded
            .spec
            .endpoints
            .iter()
            .filter(|e| e.source.is_some())
            .count(),
        6
    );
}

#[test]
fn a_stale_or_hand_edited_file_is_named_with_the_command_to_run() {
    let root = std::env::temp_dir().join(format!("xtask-stale-{}", std::process::id()));
    let spec_file = codegen::repo_root().join("api-spec.yaml");
    std::fs::create_dir_all(&root).unwrap();
    codegen::run(&root, &spec_file, false).unwrap();
    assert!(
        codegen::run(&root, &spec_file, true).is_ok(),
        "freshly generated files are up to date"
    );
    let edited = root.join("crates/render-api-types/src/generated/models.rs");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n// a hand edit\n");
    std::fs::write(&edited, text).unwrap();
    let stray = root.join("crates/render-api-types/src/generated/old.rs");
    std::fs::write(&stray, "// no longer generated\n").unwrap();
    let err = codegen::run(&root, &spec_file, true)
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
    std::fs::remove_dir_all(&root).ok();
}
