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

/// One OpenAPI 3.1 document per generation: its paths, the signed headers with the
/// generation's version, request bodies with their required parameters, the typed reply,
/// enums with their names, secrets marked.
#[test]
fn openapi_documents_describe_each_generation() {
    let files = render_codegen::generate(&root(), &root().join("api-spec.yaml")).unwrap();
    let doc = |name: &str| -> serde_json::Value {
        let (_, text) = files
            .iter()
            .find(|(p, _)| p.ends_with(format!("openapi/{name}")))
            .unwrap_or_else(|| panic!("{name} is generated"));
        serde_json::from_str(text).unwrap()
    };
    let v1 = doc("renderbus-v1.json");
    let v2 = doc("renderbus-v2.json");
    assert_eq!(v1["openapi"], "3.1.0");
    assert_eq!(v1["paths"].as_object().unwrap().len(), 35);
    assert_eq!(v2["paths"].as_object().unwrap().len(), 49);
    assert_eq!(
        v1["components"]["parameters"]["version"]["schema"]["const"],
        "1.0.0"
    );
    assert_eq!(
        v2["components"]["parameters"]["version"]["schema"]["const"],
        "2.0.0"
    );
    let op = &v2["paths"]["/api/render/plugin/querySoftwareDetail"]["post"];
    assert_eq!(op["operationId"], "querySupportedPlugin");
    let request = &v2["components"]["schemas"]["QuerySupportedPluginRequest"];
    assert_eq!(request["required"], serde_json::json!(["cgId", "osName"]));
    let request_v1 = &v1["components"]["schemas"]["QuerySupportedPluginRequest"];
    assert_eq!(request_v1["required"], serde_json::json!(["cgId"]));
    assert!(request_v1["properties"].get("osName").is_none());
    let status = &v2["components"]["schemas"]["TaskStatus"];
    let names = status["x-enum-varnames"].as_array().unwrap();
    let codes = status["enum"].as_array().unwrap();
    let at = names.iter().position(|n| n == "Rendering").unwrap();
    assert_eq!(codes[at], 5);
    assert_eq!(
        v2["components"]["schemas"]["EngineAccount"]["properties"]["password"]["x-secret"],
        true
    );
    assert_eq!(
        v2["components"]["securitySchemes"]["signature"]["in"],
        "header"
    );
}
