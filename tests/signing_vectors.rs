//! Every signing vector, checked stage by stage: the string to sign first, then the signature.
//!
//! Vectors come from `tests/vectors/signing.json` (a copy of the team's shared vectors, each
//! derived from the API document) and from any file named by `RENDER_SIGN_VECTORS` (same
//! format). When that variable is set, the file must exist, parse, and every vector in it pass.

use render_sign::{Credentials, HeaderSet, Request};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Vector {
    name: String,
    access_key: String,
    host: String,
    path: String,
    headers: Map<String, Value>,
    body: Value,
    string_to_sign: String,
    signature: String,
}

/// A header value as text: vectors spell header values as JSON strings or numbers.
fn header(headers: &Map<String, Value>, name: &str) -> Result<String, String> {
    match headers.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(format!(
            "header `{name}` is {other}, not a string or number"
        )),
        None => Err(format!("header `{name}` is missing")),
    }
}

/// Checks one vector; the error names the stage that differs.
fn check(v: &Vector) -> Result<(), String> {
    let headers = HeaderSet {
        access_id: header(&v.headers, "accessId")?,
        channel: header(&v.headers, "channel")?,
        platform: header(&v.headers, "platform")?,
        utc_timestamp: header(&v.headers, "UTCTimestamp")?,
        nonce: header(&v.headers, "nonce")?,
        version: header(&v.headers, "version")?,
    };
    let request = Request::new(&v.host, &v.path, &headers, &v.body);
    let sts = request
        .string_to_sign()
        .map_err(|e| format!("stage string-to-sign: {e}"))?;
    if sts.as_str() != v.string_to_sign {
        return Err(format!(
            "stage string-to-sign differs:\n  expected {}\n  computed {}",
            v.string_to_sign, sts
        ));
    }
    let creds = Credentials::new(headers.access_id.clone(), &v.access_key);
    let signed = request
        .sign(&creds)
        .map_err(|e| format!("stage signature: {e}"))?;
    if signed.signature().as_str() != v.signature {
        return Err(format!(
            "stage signature differs: expected {}, computed {}",
            v.signature,
            signed.signature().as_str()
        ));
    }
    request
        .verify(&creds, &v.signature)
        .map_err(|e| format!("stage verify: {e}"))
}

fn run_file(path: &std::path::Path) -> Result<usize, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("{}: cannot read: {e}", path.display())])?;
    let vectors: Vec<Vector> = serde_json::from_str(&text)
        .map_err(|e| vec![format!("{}: cannot parse: {e}", path.display())])?;
    if vectors.is_empty() {
        return Err(vec![format!("{}: holds no vectors", path.display())]);
    }
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            check(v)
                .err()
                .map(|e| format!("{}: vector `{}`: {e}", path.display(), v.name))
        })
        .collect();
    if failures.is_empty() {
        Ok(vectors.len())
    } else {
        Err(failures)
    }
}

#[test]
fn repository_vectors() {
    let path = render_api_tests::fixture("vectors/signing.json");
    match run_file(&path) {
        Ok(n) => assert!(n >= 4, "expected the four shared vectors, found {n}"),
        Err(failures) => panic!("{}", failures.join("\n")),
    }
}

/// Vectors computed by the official clients' own signers (tests/official/signing_vectors.py
/// under rayvision-api 0.4.4 and 3.0.4.3): random bodies of the shapes they send, header-name
/// clashes included. CI computes a fresh random set on every run as well.
#[test]
fn official_client_vectors() {
    for (file, api) in [
        ("vectors/official-v1.json", "1.0.0"),
        ("vectors/official-v2.json", "2.0.0"),
    ] {
        let path = render_api_tests::fixture(file);
        match run_file(&path) {
            Ok(n) => assert!(n >= 100, "{file}: expected at least 100 vectors, found {n}"),
            Err(failures) => panic!("{}", failures.join("\n")),
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let vectors: Vec<Vector> = serde_json::from_str(&text).unwrap();
        assert!(
            vectors
                .iter()
                .all(|v| header(&v.headers, "version").as_deref() == Ok(api)),
            "{file} holds vectors of API {api} only"
        );
        let clashes = vectors
            .iter()
            .filter(|v| {
                v.body.as_object().is_some_and(|b| {
                    render_sign::HeaderSet::NAMES
                        .iter()
                        .any(|h| b.contains_key(*h))
                })
            })
            .count();
        assert!(
            clashes >= 10,
            "{file}: only {clashes} vectors have a body key equal to a header name"
        );
    }
}

#[test]
fn vectors_named_by_environment() {
    let Some(path) = std::env::var_os("RENDER_SIGN_VECTORS") else {
        return;
    };
    // A relative path is taken from the repository root (tests run in tests/).
    let path = std::path::Path::new(&path);
    let path = if path.is_relative() && !path.exists() {
        render_api_tests::repo_root().join(path)
    } else {
        path.to_path_buf()
    };
    if let Err(failures) = run_file(&path) {
        panic!("RENDER_SIGN_VECTORS: {}", failures.join("\n"));
    }
}

#[test]
fn a_wrong_vector_is_reported_with_its_stage() {
    let text = std::fs::read_to_string(render_api_tests::fixture("vectors/signing.json")).unwrap();
    let mut vectors: Vec<Vector> = serde_json::from_str(&text).unwrap();
    let mut v = vectors.remove(0);
    v.signature = "AAAA".into();
    let err = check(&v).unwrap_err();
    assert!(err.starts_with("stage signature differs"), "{err}");
    v.string_to_sign.push('x');
    let err = check(&v).unwrap_err();
    assert!(err.starts_with("stage string-to-sign differs"), "{err}");
}
