//! Helpers shared by the workspace-level tests.

/// The repository README's Rust examples, compiled (and those not marked `no_run` run) as
/// doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct RootReadme;

use std::path::{Path, PathBuf};

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives inside the repository")
        .to_path_buf()
}

/// A file under `tests/` (fixtures, vectors).
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

use serde_json::Value;

/// Whether `back` (what we serialize) says the same as `original` (an example), recording each
/// difference with its JSON path (`at`) in `diffs`.
///
/// "The same" ignores key order and fields set to `null` (an absent optional says the same),
/// compares numbers by value, and lets a numeric string stand for a number and back (integer
/// codes sent as text; fields the spec types `text`).
pub fn same(original: &Value, back: &Value, at: &str, diffs: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match (v, b.get(k)) {
                    (Value::Null, None | Some(Value::Null)) => {}
                    (v, Some(w)) => same(v, w, &format!("{at}.{k}"), diffs),
                    (_, None) => diffs.push(format!("{at}.{k}: lost on the way back")),
                }
            }
            // A field the reply left out comes back as null: they say the same.
            for (k, w) in b {
                if !a.contains_key(k) && !w.is_null() {
                    diffs.push(format!("{at}.{k}: added on the way back"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                diffs.push(format!("{at}: {} items became {}", a.len(), b.len()));
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                same(v, w, &format!("{at}[{i}]"), diffs);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (Value::String(s), Value::Number(n)) if s.parse::<f64>().ok() == n.as_f64() => {}
        (Value::Number(n), Value::String(s)) if s.parse::<f64>().ok() == n.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => diffs.push(format!("{at}: {a} became {b}")),
    }
}
