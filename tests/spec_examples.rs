//! Every example of the API document (as attached to `api-spec.yaml`) deserializes into its
//! generated type, and serializing it back gives the same JSON.
//!
//! "The same" ignores key order and the fields an example sets to `null` (absent optionals are
//! not sent), compares numbers by value (`20` and `20.0` are one JSON number), and lets a
//! numeric string stand for an integer code: the document's own addRenderEnv example sends
//! `"renderSystem": "0"`, which the service accepts and this SDK sends as `0`; and a number
//! may come back as its text where the spec types a field `text` (string or number), as the
//! version 2 document's examples and tables disagree on such fields.
//!
//! Both generations' examples are checked: `examples` and every `more_examples` entry.

use std::collections::BTreeMap;

use render_api_tests::same;
use render_api_types::{Endpoint, EndpointVisitor, Envelope, visit_endpoints};
use serde_json::Value;

#[derive(Default)]
struct Examples {
    /// The generation the examples are of.
    generation: String,
    request: Option<String>,
    response: Option<String>,
    data: Option<String>,
}

fn spec_examples() -> BTreeMap<String, Vec<Examples>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../api-spec.yaml");
    let text = std::fs::read_to_string(path).expect("api-spec.yaml is readable");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("api-spec.yaml parses");
    let mut out = BTreeMap::new();
    for ep in spec["endpoints"].as_sequence().expect("endpoints") {
        let name = ep["name"].as_str().expect("name").to_owned();
        let mut sets = Vec::new();
        let more = ep["more_examples"]
            .as_sequence()
            .cloned()
            .unwrap_or_default();
        for ex in std::iter::once(&ep["examples"]).chain(more.iter()) {
            let get = |k: &str| ex[k].as_str().map(str::to_owned);
            sets.push(Examples {
                generation: get("for").unwrap_or_else(|| "v1".into()),
                request: get("request"),
                response: get("response"),
                data: get("data"),
            });
        }
        out.insert(name, sets);
    }
    out
}

struct Check {
    examples: BTreeMap<String, Vec<Examples>>,
    /// Examples checked per generation.
    by_generation: BTreeMap<String, usize>,
    failures: Vec<String>,
    checked: usize,
    endpoints: usize,
}

impl Check {
    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(
        &mut self,
        what: &str,
        text: &str,
    ) {
        let original: Value = serde_json::from_str(text).expect("examples are JSON (linted)");
        let typed: T = match serde_json::from_value(original.clone()) {
            Ok(t) => t,
            Err(e) => {
                self.failures
                    .push(format!("{what}: does not deserialize: {e}"));
                return;
            }
        };
        let back = serde_json::to_value(&typed).expect("generated types serialize");
        let mut diffs = Vec::new();
        same(&original, &back, "", &mut diffs);
        if !diffs.is_empty() {
            self.failures.push(format!(
                "{what}: differs after a round trip:\n  {}",
                diffs.join("\n  ")
            ));
        }
        self.checked += 1;
    }
}

impl EndpointVisitor for Check {
    fn visit<E: Endpoint>(&mut self) {
        self.endpoints += 1;
        let Some(sets) = self.examples.remove(E::NAME) else {
            self.failures
                .push(format!("{}: not in the spec's examples", E::NAME));
            return;
        };
        let before = self.checked;
        for ex in sets {
            let at = self.checked;
            let g = &ex.generation;
            if let Some(text) = &ex.request {
                self.round_trip::<E::Request>(&format!("{} {g} request", E::NAME), text);
            }
            if let Some(text) = &ex.response {
                self.round_trip::<Envelope<E::Response>>(&format!("{} {g} reply", E::NAME), text);
            }
            if let Some(text) = &ex.data {
                self.round_trip::<E::Response>(&format!("{} {g} data", E::NAME), text);
            }
            *self.by_generation.entry(ex.generation.clone()).or_default() += self.checked - at;
        }
        if self.checked == before {
            self.failures.push(format!("{}: has no example", E::NAME));
        }
    }
}

#[test]
fn every_example_round_trips_through_its_generated_type() {
    let mut check = Check {
        examples: spec_examples(),
        by_generation: BTreeMap::new(),
        failures: Vec::new(),
        checked: 0,
        endpoints: 0,
    };
    visit_endpoints(&mut check);
    assert!(check.failures.is_empty(), "{}", check.failures.join("\n"));
    assert_eq!(
        check.endpoints, 49,
        "35 calls of both generations and 14 of version 2"
    );
    // Every version 2 call's examples (requests and replies) are among them.
    assert!(
        check.by_generation.get("v2").copied().unwrap_or(0) >= 27,
        "{:?}",
        check.by_generation
    );
    assert!(
        check.examples.is_empty(),
        "examples of unknown endpoints: {:?}",
        check.examples.keys()
    );
    assert!(
        check.checked >= 55,
        "only {} examples checked",
        check.checked
    );
}

#[test]
fn a_request_missing_a_required_parameter_does_not_deserialize() {
    let err = serde_json::from_str::<render_api_types::StopTaskRequest>("{}").unwrap_err();
    assert!(err.to_string().contains("missing field `taskIds`"), "{err}");
    let err = serde_json::from_str::<render_api_types::QueryTaskFramesRequest>(r#"{"pageNum": 1}"#)
        .unwrap_err();
    assert!(err.to_string().contains("missing field `taskId`"), "{err}");
    // A parameter with a default is read as its default when absent (the v2 document: page
    // size 100 unless given, D:842).
    let read = serde_json::from_str::<render_api_types::QueryTaskFramesRequest>(
        r#"{"taskId": 1, "pageNum": 1}"#,
    )
    .unwrap();
    assert_eq!(read.page_size, 100);
}

/// `renderbus api createTask --body '{}'` (the dynamic call reads the body as the endpoint's
/// typed request) sends what rayvision-api 3.0.4.3 sends for `create_task()`: one task, level 50.
#[test]
fn an_empty_body_is_sent_with_the_official_clients_defaults() {
    use render_api_client::dynamic::request_from_json;
    use render_api_types::{ApiVersion, CreateTask, GetTaskList};
    let create = request_from_json::<CreateTask>(ApiVersion::V2, &serde_json::json!({})).unwrap();
    assert_eq!(
        serde_json::to_value(&create).unwrap(),
        serde_json::json!({"count": 1, "taskUserLevel": 50})
    );
    let list = request_from_json::<GetTaskList>(ApiVersion::V2, &serde_json::json!({})).unwrap();
    assert_eq!(
        serde_json::to_value(&list).unwrap(),
        serde_json::json!({"pageNum": 1, "pageSize": 100})
    );
}
