//! Generates the MCP tools of `renderbus mcp` (`crates/render-cli/src/generated/mcp-tools.json`):
//! per API generation, one tool per endpoint, named by the endpoint's wire name, with its input
//! schema from the spec's parameters (the same schema as the OpenAPI documents', its enums
//! written out), its annotations from the spec (reads read-only, `destructive` writes
//! destructive, idempotency from `idempotent`), and what the server needs to serve it: whether
//! it is a write, the reply's secret fields (never in a result), and the frame ids it takes by
//! number.

use render_spec::{Endpoint, Spec, Type};
use serde_json::{Map, Value, json};

use crate::codegen::PREAMBLE;
use crate::gen_openapi::{Refs, request_schema, sorted};

/// The file's name, relative to the CLI's `src/generated/`.
pub const FILE: &str = "mcp-tools.json";

/// The JSON text of the tools of every generation.
pub fn generate(spec: &Spec) -> String {
    let mut generations = Map::new();
    for g in spec.generation_ids() {
        let tools: Vec<Value> = spec
            .endpoints
            .iter()
            .filter(|ep| ep.path_in(g).is_some())
            .map(|ep| tool(spec, ep, g))
            .collect();
        generations.insert(spec.generation(g).name.clone(), Value::Array(tools));
    }
    let doc = sorted(json!({
        "x-generated": PREAMBLE.trim_start_matches("// ").trim(),
        "generations": generations,
    }));
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn tool(spec: &Spec, ep: &Endpoint, g: render_spec::GenId) -> Value {
    let mut input = request_schema(ep, g, Refs::Inline(spec));
    input["additionalProperties"] = json!(false);
    // The caller gives what is required; a defaulted parameter takes its default when left out.
    input["required"] = ep
        .params
        .iter()
        .filter(|p| p.required_in(g))
        .map(|p| json!(p.wire))
        .collect();
    let mut by_number = Value::Null;
    for p in ep.params.iter().filter(|p| p.exists_in(g)) {
        let Some(b) = &p.by_number else { continue };
        let select = ep.params.iter().find(|s| s.wire == b.select);
        let code = select
            .and_then(|s| match &s.ty {
                Type::Enum(e) => spec
                    .enum_(e)
                    .values
                    .iter()
                    .find(|v| v.name == b.value)
                    .map(|v| v.code.to_json()),
                _ => None,
            })
            .unwrap_or(Value::Null);
        input["properties"]["frames"] = json!({
            "type": "string",
            "description": format!(
                "Frame numbers instead of `{}`: numbers and ranges with a step, joined by commas \
                 (`1-10[2],15`). They are mapped to the frame ids of task `{}` (all its pages), \
                 and `{}` is set to the listed frames. An unknown number is an error, and nothing \
                 is sent. (按帧号指定：如 `1-10[2],15`。)",
                p.wire, b.task, b.select
            ),
        });
        if let Some(required) = input["required"].as_array_mut() {
            required.retain(|r| r != &json!(b.select));
        }
        by_number = json!({"ids": p.wire, "task": b.task, "select": b.select, "listed": code});
    }
    let mut description = format!("{}\n\n{}", ep.doc.en, ep.doc.zh);
    if ep.pagination.is_some() {
        description.push_str("\n\nAnswers one page; ask for the next with `pageNum`.");
    }
    if !ep.idempotent {
        description.push_str(
            "\n\nA write. When its reply is lost, the farm is asked whether it took effect \
             before it is ever sent again.",
        );
    }
    let mut secret = Vec::new();
    secret_fields(spec, &ep.response, &mut Vec::new(), &mut secret);
    secret.sort();
    secret.dedup();
    let title = ep.doc.en.trim_end_matches('.').to_owned();
    json!({
        "tool": {
            "name": ep.name,
            "title": title,
            "description": description,
            "inputSchema": input,
            "annotations": {
                "title": title,
                "readOnlyHint": ep.idempotent,
                "destructiveHint": ep.destructive,
                "idempotentHint": ep.idempotent,
                "openWorldHint": true,
            },
        },
        "write": !ep.idempotent,
        "secretFields": secret,
        "byNumber": by_number,
    })
}

/// The wire names of the secret fields anywhere in a reply of type `ty` (a model that holds
/// itself, such as a task's sub-tasks, is read once).
fn secret_fields(spec: &Spec, ty: &Type, seen: &mut Vec<String>, out: &mut Vec<String>) {
    match ty {
        Type::List(inner) | Type::Page(inner) => secret_fields(spec, inner, seen, out),
        Type::Model(m) => {
            let model = spec.model(m);
            if seen.contains(&model.name) {
                return;
            }
            seen.push(model.name.clone());
            for f in &model.fields {
                if f.secret {
                    out.push(f.wire.clone());
                }
                secret_fields(spec, &f.ty, seen, out);
            }
        }
        _ => {}
    }
}
