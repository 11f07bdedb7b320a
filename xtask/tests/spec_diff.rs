//! `cargo xtask spec-diff`: the last line is the bump, the exit status says whether the change
//! breaks (3) or not (0).

use std::path::Path;
use std::process::Command;

fn xtask(args: &[&str]) -> (Option<i32>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_bump_is_the_last_line_and_breaking_changes_fail() {
    let (code, out) = xtask(&["spec-diff", "api-spec.yaml", "api-spec.yaml"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().last(), Some("none"));
    let (code, out) = xtask(&["spec-diff", "--between", "v1", "v2", "api-spec.yaml"]);
    assert_eq!(code, Some(3));
    assert_eq!(out.lines().last(), Some("major"));
    assert!(
        out.contains("major endpoints[submitTask].params[outUserId]: removed"),
        "{out}"
    );
    assert!(
        out.contains("minor endpoints[taskJsonFile]: added"),
        "{out}"
    );
    let (code, _) = xtask(&["spec-diff", "api-spec.yaml"]);
    assert_eq!(code, Some(2));
}
