//! Every request and reply example of the four API documents (extracted by `cargo xtask examples`
//! into `tests/examples/`), through the SDK as a user meets it:
//!
//! - a request is read into its endpoint's typed request, strictly (an unknown or ill-typed
//!   field is a finding);
//! - a reply is read by the client's own reading of replies (`interpret_reply`), and must
//!   decode; serializing the typed value back must lose nothing the service sent (a `null` and
//!   an absent field say the same);
//! - the strict walker of `renderbus conform` checks the reply's `data` against the spec.
//!
//! A finding fails the test unless the spec records it on its endpoint (`disagreements:`, with
//! the example, the JSON path and which source the spec follows), and a recorded disagreement
//! that no longer occurs fails it too, so the records stay true.

use std::collections::BTreeSet;

use render_api_client::dynamic::request_from_json;
use render_api_client::interpret_reply;
use render_api_tests::{fixture, same};
use render_api_types::{ApiVersion, Endpoint, EndpointVisitor, visit_endpoints};
use render_spec::{ENVELOPE_FIELDS, Spec};
use serde_json::{Value, json};

struct Example {
    /// `v2-document:1235`.
    id: String,
    endpoint: String,
    kind: String,
    json: Value,
}

struct Document {
    name: String,
    api: ApiVersion,
    examples: Vec<Example>,
    skipped: usize,
}

fn documents() -> Vec<Document> {
    ["v1-document", "v2-document", "v3-document", "v4-document"]
        .iter()
        .map(|name| {
            let path = fixture(&format!("examples/{name}.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let doc: Value = serde_json::from_str(&text).expect("a fixture is JSON");
            let api = match doc["generation"].as_str() {
                Some("v1") => ApiVersion::V1,
                _ => ApiVersion::V2,
            };
            let examples = doc["examples"]
                .as_array()
                .expect("examples")
                .iter()
                .map(|e| Example {
                    id: format!("{name}:{}", e["line"]),
                    endpoint: e["endpoint"].as_str().expect("endpoint").to_owned(),
                    kind: e["kind"].as_str().expect("kind").to_owned(),
                    json: e["json"].clone(),
                })
                .collect();
            Document {
                name: (*name).to_owned(),
                api,
                examples,
                skipped: doc["skipped_count"].as_u64().unwrap_or(0) as usize,
            }
        })
        .collect()
}

/// One finding: the example, the JSON path, what is wrong.
type Finding = (String, String, String);

struct Check<'a> {
    spec: &'a Spec,
    api: ApiVersion,
    example: &'a Example,
    findings: Vec<Finding>,
    checked: bool,
}

impl Check<'_> {
    fn find(&mut self, at: impl Into<String>, what: impl Into<String>) {
        self.findings
            .push((self.example.id.clone(), at.into(), what.into()));
    }
}

impl EndpointVisitor for Check<'_> {
    fn visit<E: Endpoint>(&mut self) {
        if E::NAME != self.example.endpoint {
            return;
        }
        self.checked = true;
        let json = &self.example.json;
        if self.example.kind == "request" {
            if let Err(e) = request_from_json::<E>(self.api, json) {
                let (at, what) = match &e {
                    render_api_client::Error::Request { path, message, .. } => {
                        (path.clone(), message.clone())
                    }
                    other => ("$".into(), other.to_string()),
                };
                self.find(at, what);
            }
            return;
        }
        let envelope = if self.example.kind == "reply" {
            json.clone()
        } else {
            json!({"code": 200, "result": true, "data": json})
        };
        if let Some(map) = envelope.as_object() {
            for key in map.keys() {
                if !ENVELOPE_FIELDS.contains(&key.as_str()) {
                    self.find(format!("$.{key}"), "not a field of the envelope");
                }
            }
        }
        let data = envelope.get("data").cloned().unwrap_or(Value::Null);
        let bytes = serde_json::to_vec(&envelope).expect("JSON");
        match interpret_reply::<E>(200, &bytes) {
            Ok(typed) => {
                let back = serde_json::to_value(&typed).expect("typed values serialize");
                let mut diffs = Vec::new();
                same(&data, &back, "$.data", &mut diffs);
                for d in diffs {
                    self.find(d.split(':').next().unwrap_or("$").to_owned(), d);
                }
            }
            Err(e) => {
                let at = match &e {
                    render_api_client::Error::Decode { path, .. } => path.clone(),
                    _ => "$".into(),
                };
                self.find(at, format!("the client cannot read it: {e}"));
            }
        }
        let ep = self
            .spec
            .endpoint(E::NAME)
            .expect("every endpoint is in the spec");
        for f in ep
            .response
            .check_strict(self.spec, &data, false, "$.data")
            .findings
        {
            self.find(f.at, format!("expected {}, got {}", f.expected, f.got));
        }
    }
}

#[test]
fn every_example_of_both_documents_reads_whole_or_is_a_recorded_disagreement() {
    let spec = render_spec::load(&render_api_tests::repo_root().join("api-spec.yaml"))
        .expect("the spec loads");
    let mut findings: Vec<Finding> = Vec::new();
    let mut summary = Vec::new();
    for doc in documents() {
        let mut checked = 0;
        for example in &doc.examples {
            let mut check = Check {
                spec: &spec,
                api: doc.api,
                example,
                findings: Vec::new(),
                checked: false,
            };
            visit_endpoints(&mut check);
            assert!(
                check.checked,
                "{}: no endpoint {}",
                example.id, example.endpoint
            );
            checked += 1;
            findings.extend(check.findings);
        }
        summary.push(format!(
            "{}: {checked} examples checked ({} blocks skipped: not JSON)",
            doc.name, doc.skipped
        ));
        assert!(checked > 0, "{}: no examples", doc.name);
    }
    for line in &summary {
        println!("{line}");
    }
    let recorded: BTreeSet<(String, String)> = spec
        .endpoints
        .iter()
        .flat_map(|e| {
            e.disagreements
                .iter()
                .map(|d| (d.example.clone(), d.at.clone()))
        })
        .collect();
    let unrecorded: Vec<String> = findings
        .iter()
        .filter(|(id, at, _)| !recorded.contains(&(id.clone(), at.clone())))
        .map(|(id, at, what)| format!("{id} {at}: {what}"))
        .collect();
    let found: BTreeSet<(String, String)> = findings
        .iter()
        .map(|(id, at, _)| (id.clone(), at.clone()))
        .collect();
    let stale: Vec<String> = recorded
        .iter()
        .filter(|r| !found.contains(r))
        .map(|(id, at)| format!("{id} {at}"))
        .collect();
    assert!(
        unrecorded.is_empty(),
        "{} finding(s) the spec does not record:\n{}",
        unrecorded.len(),
        unrecorded.join("\n")
    );
    assert!(
        stale.is_empty(),
        "recorded disagreements that no longer occur (remove them from the spec):\n{}",
        stale.join("\n")
    );
}
