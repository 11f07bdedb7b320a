//! Generates one OpenAPI 3.1 document per API generation (`openapi/renderbus-v1.json`, …),
//! for the tools of other ecosystems: every path of the generation, its request body with the
//! required parameters, the reply envelope with the typed `data`, enums (with their names as
//! `x-enum-varnames`), examples, descriptions in both languages, and the signed headers.

use render_spec::{Endpoint, Enum, Model, Presence, Repr, Spec, Type};
use serde_json::{Map, Value, json};

use crate::codegen::PREAMBLE;

/// `(file name, JSON text)` per generation, relative to `openapi/`.
pub fn generate(spec: &Spec) -> Vec<(String, String)> {
    spec.generation_ids()
        .map(|g| {
            let name = format!("renderbus-{}.json", spec.generation(g).name);
            let doc = sorted(document(spec, g));
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
            (name, text)
        })
        .collect()
}

/// The same JSON with every object's keys in sorted order, whether or not `serde_json` keeps
/// insertion order (its `preserve_order` feature, which another crate of the build may turn
/// on): the documents must not depend on what else is compiled.
pub(crate) fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

const SIGNED_HEADERS: [(&str, &str); 6] = [
    ("accessId", "The account's access id."),
    ("channel", "The API's channel: always 4."),
    ("platform", "The render platform (queryPlatforms)."),
    (
        "UTCTimestamp",
        "Unix seconds; within 5 minutes of the service's clock.",
    ),
    (
        "nonce",
        "A random number, new for every request (replays are refused).",
    ),
    ("version", "The API generation."),
];

const SIGNING: &str = "Every request is signed. The string to sign is `[POST]{host}:{path}&k=v&…`: \
the six headers below and the body's parameters, flattened (an object's child is `parent.child`, \
a list element `list0`, empty lists and objects contribute nothing; a body key equal to a header \
name is signed with the body's value), sorted byte-wise by key, values as written. The \
`signature` header is base64(HMAC-SHA256(access key, string to sign)). `renderbus sign` prints \
both for any request.";

fn document(spec: &Spec, g: render_spec::GenId) -> Value {
    let generation = &spec.generation(g);
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for e in &spec.enums {
        schemas.insert(e.name.clone(), enum_schema(e));
    }
    for m in &spec.models {
        schemas.insert(m.name.clone(), model_schema(m, Refs::Components));
    }
    for (ep, path) in spec
        .endpoints
        .iter()
        .filter_map(|ep| ep.path_in(g).map(|path| (ep, path)))
    {
        let request = format!(
            "{}Request",
            heck::ToPascalCase::to_pascal_case(ep.name.as_str())
        );
        schemas.insert(request.clone(), request_schema(ep, g, Refs::Components));
        paths.insert(
            path.to_owned(),
            json!({ "post": operation(spec, ep, g, &request) }),
        );
    }
    schemas.insert("Envelope".into(), envelope_schema());
    let mut headers = Map::new();
    for (name, what) in SIGNED_HEADERS {
        let schema = if name == "version" {
            json!({"type": "string", "const": generation.version})
        } else if name == "channel" {
            json!({"type": "string", "const": "4"})
        } else {
            json!({"type": "string"})
        };
        headers.insert(
            name.to_owned(),
            json!({"name": name, "in": "header", "required": true, "description": what, "schema": schema}),
        );
    }
    headers.insert(
        "signature".into(),
        json!({"name": "signature", "in": "header", "required": true,
               "description": "base64(HMAC-SHA256(access key, string to sign)).", "schema": {"type": "string"}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{} {}", spec.title, generation.version),
            "version": generation.version,
            "description": format!("{}\n\n{}\n\n{SIGNING}", generation.doc.en, generation.doc.zh),
            "x-generated": PREAMBLE.trim_start_matches("// ").trim(),
        },
        "servers": [
            {"url": "https://task.renderbus.com", "description": "The China zone."},
            {"url": "https://task.foxrenderfarm.com", "description": "The overseas zone."}
        ],
        "security": [{"signature": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": headers,
            "securitySchemes": {
                "signature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "signature",
                    "description": SIGNING,
                }
            }
        }
    })
}

fn operation(spec: &Spec, ep: &Endpoint, g: render_spec::GenId, request: &str) -> Value {
    let mut description = format!("{}\n\n{}", ep.doc.en, ep.doc.zh);
    if let Some(notes) = &ep.notes {
        description.push_str(&format!("\n\nNote: {notes}"));
    }
    if ep.secret {
        description.push_str("\n\nThe reply carries secrets.");
    }
    let mut body = json!({
        "required": true,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{request}")}}}
    });
    let mut reply = json!({
        "description": "The reply envelope; `code` 200 carries `data`, any other code an error (with `data` null).",
        "content": {"application/json": {"schema": {
            "allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {"data": {"anyOf": [schema(&ep.response, Refs::Components), {"type": "null"}]}}}
            ]
        }}}
    });
    if let Some(ex) = ep.examples.iter().find(|e| e.generation == g) {
        if let Some(request) = &ex.request {
            body["content"]["application/json"]["example"] = request.clone();
        }
        if let Some(envelope) = &ex.envelope {
            reply["content"]["application/json"]["example"] = envelope.clone();
        } else if let Some(data) = &ex.data {
            reply["content"]["application/json"]["example"] = json!({"version": spec.generation(g).version, "result": true, "message": "success", "code": 200, "serverTime": 0, "data": data});
        }
    }
    let headers: Vec<Value> = SIGNED_HEADERS
        .iter()
        .map(|(name, _)| json!({"$ref": format!("#/components/parameters/{name}")}))
        .chain([json!({"$ref": "#/components/parameters/signature"})])
        .collect();
    json!({
        "operationId": ep.name,
        "summary": ep.doc.en,
        "description": description,
        "tags": [ep.cli.group],
        "parameters": headers,
        "requestBody": body,
        "responses": {
            "200": reply,
            "default": {
                "description": "A request refused before the call: a body that is not a JSON object, too large or not JSON at all (400, 413, 415), another method (405), a client too slow (408). An error envelope.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}
            }
        },
        "x-idempotent": ep.idempotent,
    })
}

/// How a schema names the enums it uses.
#[derive(Clone, Copy)]
pub(crate) enum Refs<'a> {
    /// `$ref` to the OpenAPI document's components.
    Components,
    /// Written out in place, each value a `const` titled with its name: an MCP tool's input
    /// schema stands alone.
    Inline(&'a Spec),
}

/// The JSON Schema of a type.
fn schema(ty: &Type, refs: Refs<'_>) -> Value {
    match ty {
        Type::Int => json!({"type": "integer", "format": "int64"}),
        Type::Str => json!({"type": "string"}),
        Type::Text => {
            json!({"type": ["string", "number"], "description": "A string the service sometimes sends as a number."})
        }
        Type::Bool => json!({"type": "boolean"}),
        Type::Decimal => json!({"type": "number", "description": "Money."}),
        Type::EpochMs => {
            json!({"type": "integer", "format": "int64", "description": "Milliseconds since the Unix epoch."})
        }
        Type::Json => json!({}),
        Type::Ack => json!({"type": "null"}),
        Type::List(inner) => json!({"type": "array", "items": schema(inner, refs)}),
        Type::Page(inner) => json!({
            "type": "object",
            "required": ["pageCount", "pageNum", "total", "size"],
            "properties": {
                "pageCount": {"type": "integer"}, "pageNum": {"type": "integer"},
                "total": {"type": "integer"}, "size": {"type": "integer"},
                "items": {"type": "array", "items": schema(inner, refs)}
            }
        }),
        Type::Enum(e) => match refs {
            Refs::Components => json!({"$ref": format!("#/components/schemas/{}", e.name())}),
            Refs::Inline(spec) => enum_inline(spec.enum_(e)),
        },
        Type::Model(m) => match refs {
            Refs::Components => json!({"$ref": format!("#/components/schemas/{}", m.name())}),
            Refs::Inline(spec) => model_schema(spec.model(m), refs),
        },
    }
}

fn enum_schema(e: &Enum) -> Value {
    let codes: Vec<Value> = e.values.iter().map(|v| v.code.to_json()).collect();
    let names: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
    let meanings: Vec<String> = e
        .values
        .iter()
        .map(|v| format!("{} ({})", v.doc.en, v.doc.zh))
        .collect();
    let ty = match e.repr {
        Repr::Integer => "integer",
        Repr::String => "string",
    };
    json!({
        "type": ty,
        "description": format!("{}\n\n{}", e.doc.en, e.doc.zh),
        "enum": codes,
        "x-enum-varnames": names,
        "x-enum-descriptions": meanings,
    })
}

/// An enum written out: each value a `const` with its name as `title` and its meaning.
fn enum_inline(e: &Enum) -> Value {
    let values: Vec<Value> = e
        .values
        .iter()
        .map(|v| {
            json!({
                "const": v.code.to_json(),
                "title": v.name,
                "description": format!("{} ({})", v.doc.en, v.doc.zh),
            })
        })
        .collect();
    let ty = match e.repr {
        Repr::Integer => "integer",
        Repr::String => "string",
    };
    json!({"type": ty, "oneOf": values})
}

fn model_schema(m: &Model, refs: Refs<'_>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in &m.fields {
        let mut base = schema(&f.ty, refs);
        if f.tolerant {
            // Sources give it as a number and as a string of digits.
            base = json!({"anyOf": [base, {"type": "string", "pattern": "^-?[0-9]+$"}]});
        }
        let mut s = if f.nullable {
            json!({"anyOf": [base, {"type": "null"}]})
        } else {
            required.push(f.wire.clone());
            base
        };
        s["description"] = json!(format!("{} ({})", f.doc.en, f.doc.zh));
        if f.secret {
            s["x-secret"] = json!(true);
        }
        properties.insert(f.wire.clone(), s);
    }
    json!({
        "type": "object",
        "description": format!("{}\n\n{}", m.doc.en, m.doc.zh),
        "required": required,
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The JSON Schema of an endpoint's request in generation `g`.
pub(crate) fn request_schema(ep: &Endpoint, g: render_spec::GenId, refs: Refs<'_>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in ep.params.iter().filter(|p| p.exists_in(g)) {
        let mut s = schema(&p.ty, refs);
        // The name this generation sends it under.
        let name = p
            .sent_as
            .iter()
            .find(|(h, _)| *h == g)
            .map_or(p.wire.clone(), |(_, n)| n.clone());
        if p.required_in(g) {
            required.push(name.clone());
        }
        if let Presence::Defaulted(v) = &p.presence {
            s["default"] = v.to_json();
        }
        s["description"] = json!(format!("{} ({})", p.doc.en, p.doc.zh));
        if p.json {
            // A string whose content is JSON text (an annotation in JSON Schema 2020-12).
            s["contentMediaType"] = json!("application/json");
        }
        properties.insert(name, s);
    }
    json!({"type": "object", "required": required, "properties": properties})
}

fn envelope_schema() -> Value {
    json!({
        "type": "object",
        "description": "The reply every call gets.",
        "required": ["code"],
        "properties": {
            "version": {"type": "string"},
            "result": {"type": "boolean"},
            "message": {"type": "string"},
            "code": {"$ref": "#/components/schemas/ErrorCode"},
            "serverTime": {"type": "integer", "format": "int64"},
            "requestId": {"type": ["string", "null"]},
            "releaseVersion": {"type": ["string", "null"]},
            "data": {}
        }
    })
}
