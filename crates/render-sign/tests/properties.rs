//! Properties of the signer over arbitrary JSON-object bodies.

use proptest::prelude::*;
use render_sign::{Credentials, HeaderSet, Nonce, Request, SignError};
use serde_json::{Map, Number, Value};

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z0-9_.]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-zA-Z][a-zA-Z0-9_]{0,8}", json(), 0..8)
        .prop_map(|m| m.into_iter().collect())
}

fn headers() -> impl Strategy<Value = HeaderSet> {
    ("[A-Za-z0-9]{1,36}", 1u32..10, any::<u32>(), any::<u64>())
        .prop_map(|(id, p, t, n)| HeaderSet::new(id, p, u64::from(t), Nonce::from(n)))
}

/// Paths (as JSON pointers' segments) to every scalar in `value`.
fn leaves(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                leaves(item, at, out);
                at.pop();
            }
        }
        Value::Object(fields) => {
            for (k, item) in fields {
                at.push(k.clone());
                leaves(item, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

fn leaf_mut<'v>(value: &'v mut Value, path: &[String]) -> &'v mut Value {
    path.iter().fold(value, |v, seg| match v {
        Value::Array(items) => &mut items[seg.parse::<usize>().unwrap()],
        Value::Object(fields) => fields.get_mut(seg).unwrap(),
        _ => unreachable!("paths lead through containers"),
    })
}

const HOST: &str = "task.renderbus.com";
const PATH: &str = "/api/render/task/getTaskList";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn flattening_never_panics(body in json(), headers in headers()) {
        // Any JSON at all: either canonical parameters or a typed error.
        match Request::new(HOST, PATH, &headers, &body).canonical_params() {
            Ok(params) => prop_assert!(params.len() >= HeaderSet::SIGNED_COUNT),
            Err(SignError::BodyNotAnObject { .. } | SignError::DuplicateKey { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn what_is_signed_verifies_and_any_change_is_rejected(
        body in body(),
        headers in headers(),
        key in "[ -~]{1,40}",
        pick in any::<prop::sample::Index>(),
        which in 0usize..4,
    ) {
        let creds = Credentials::new(headers.access_id.clone(), key.as_bytes());
        let body = Value::Object(body);
        let request = Request::new(HOST, PATH, &headers, &body);
        let signed = match request.sign(&creds) {
            Ok(s) => s,
            Err(SignError::DuplicateKey { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let sig = signed.signature().as_str().to_owned();
        prop_assert!(request.verify(&creds, &sig).is_ok());

        let mut paths = Vec::new();
        leaves(&body, &mut Vec::new(), &mut paths);
        match which {
            // One scalar value of the body changes.
            0 if !paths.is_empty() => {
                let path = pick.get(&paths);
                let mut changed = body.clone();
                let slot = leaf_mut(&mut changed, path);
                let text = match &*slot {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                *slot = Value::String(format!("{text}~"));
                let req = Request::new(HOST, PATH, &headers, &changed);
                prop_assert!(req.verify(&creds, &sig).is_err());
            }
            // The top-level key above one scalar is renamed.
            1 if !paths.is_empty() => {
                let top = &pick.get(&paths)[0];
                let renamed = format!("{top}~");
                let mut map = body.as_object().unwrap().clone();
                let moved = map.remove(top).unwrap();
                map.insert(renamed, moved);
                let changed = Value::Object(map);
                let req = Request::new(HOST, PATH, &headers, &changed);
                prop_assert!(req.verify(&creds, &sig).is_err());
            }
            // One header changes.
            2 => {
                let mut h = headers.clone();
                match pick.index(6) {
                    0 => h.access_id.push('X'),
                    1 => h.channel.push('1'),
                    2 => h.platform.push('1'),
                    3 => h.utc_timestamp.push('1'),
                    4 => h.nonce.push('1'),
                    _ => h.version.push('1'),
                }
                let req = Request::new(HOST, PATH, &h, &body);
                prop_assert!(req.verify(&creds, &sig).is_err());
            }
            // The host or the path changes.
            _ => {
                let host = format!("{HOST}:8080");
                let path = format!("{PATH}s");
                prop_assert!(Request::new(&host, PATH, &headers, &body).verify(&creds, &sig).is_err());
                prop_assert!(Request::new(HOST, &path, &headers, &body).verify(&creds, &sig).is_err());
            }
        }
    }
}
