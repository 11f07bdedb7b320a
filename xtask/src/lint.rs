//! The spec linter: everything the generator relies on, checked before anything is written.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::spec::{EnumDef, Loaded, ModelDef, Repr, Seg, SpecError, SpecErrors};
use crate::types::{self, Ty, TypeExpr};

/// What a type name refers to.
#[derive(Debug, Clone, Copy)]
pub enum Named<'s> {
    /// An enum.
    Enum(&'s EnumDef),
    /// A model.
    Model(&'s ModelDef),
}

/// A spec that passed the linter, with its names resolved.
pub struct Checked<'s> {
    /// The loaded spec.
    pub loaded: &'s Loaded,
    /// Enums and models by name.
    pub names: HashMap<&'s str, Named<'s>>,
}

impl<'s> Checked<'s> {
    /// What a name refers to.
    pub fn named(&self, name: &str) -> Option<Named<'s>> {
        self.names.get(name).copied()
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "yield", "gen", "box", "try",
];

/// Lints the spec; on success the names are resolved for the generator.
pub fn check(loaded: &Loaded) -> Result<Checked<'_>, SpecErrors> {
    let spec = &loaded.spec;
    let mut errors: Vec<SpecError> = Vec::new();
    let mut names: HashMap<&str, Named<'_>> = HashMap::new();

    // Names: unique across enums and models, PascalCase.
    for e in &spec.enums {
        let at = [Seg::Key("enums"), Seg::Named(&e.name)];
        if names.insert(&e.name, Named::Enum(e)).is_some() {
            errors.push(loaded.error(&at, format!("the type name `{}` is defined twice", e.name)));
        }
        check_pascal(loaded, &at, &e.name, &mut errors);
        describe(loaded, &at, &e.zh, &e.en, &mut errors);
        check_enum(loaded, e, &mut errors);
    }
    for m in &spec.models {
        let at = [Seg::Key("models"), Seg::Named(&m.name)];
        if names.insert(&m.name, Named::Model(m)).is_some() {
            errors.push(loaded.error(&at, format!("the type name `{}` is defined twice", m.name)));
        }
        check_pascal(loaded, &at, &m.name, &mut errors);
        describe(loaded, &at, &m.zh, &m.en, &mut errors);
        if m.fields.is_empty() {
            errors.push(loaded.error(&at, "a model needs at least one field"));
        }
    }

    let resolve = |ty: &Ty| -> Vec<String> {
        ty.names()
            .into_iter()
            .filter(|n| !names.contains_key(n))
            .map(|n| format!("unknown type `{n}`: no enum or model has this name"))
            .collect()
    };

    // Model fields.
    for m in &spec.models {
        let mut seen = BTreeSet::new();
        for f in &m.fields {
            let at = [
                Seg::Key("models"),
                Seg::Named(&m.name),
                Seg::Key("fields"),
                Seg::Named(&f.name),
            ];
            if !seen.insert(f.name.as_str()) {
                errors.push(loaded.error(&at, format!("the field `{}` is listed twice", f.name)));
            }
            describe(loaded, &at, &f.zh, &f.en, &mut errors);
            check_rust_name(loaded, &at, &f.name, f.rust.as_deref(), &mut errors);
            match types::parse(&f.ty) {
                Ok(t) => {
                    for msg in resolve(&t.ty) {
                        errors.push(loaded.error(&at, msg));
                    }
                    if matches!(t.ty, Ty::Unit | Ty::Page(_)) {
                        errors.push(
                            loaded.error(&at, format!("`{}` can only be a response type", t.ty)),
                        );
                    }
                }
                Err(msg) => errors.push(loaded.error(&at, msg)),
            }
        }
    }

    // Endpoints.
    let mut seen_names = BTreeMap::new();
    let mut seen_paths = BTreeMap::new();
    let mut seen_commands = BTreeMap::new();
    for ep in &spec.endpoints {
        let at = [Seg::Key("endpoints"), Seg::Named(&ep.name)];
        if seen_names.insert(ep.name.as_str(), ()).is_some() {
            errors.push(loaded.error(&at, format!("the endpoint `{}` is defined twice", ep.name)));
        }
        if let Some(other) = seen_paths.insert(ep.path.as_str(), ep.name.as_str()) {
            errors.push(loaded.error(
                &[
                    Seg::Key("endpoints"),
                    Seg::Named(&ep.name),
                    Seg::Key("path"),
                ],
                format!("the path `{}` is also the path of `{other}`", ep.path),
            ));
        }
        if let Some(other) =
            seen_commands.insert((ep.group.as_str(), ep.command.as_str()), ep.name.as_str())
        {
            errors.push(loaded.error(
                &[
                    Seg::Key("endpoints"),
                    Seg::Named(&ep.name),
                    Seg::Key("command"),
                ],
                format!(
                    "the command `{} {}` is also the command of `{other}`",
                    ep.group, ep.command
                ),
            ));
        }
        if !ep.path.starts_with("/api/") {
            errors.push(loaded.error(
                &[
                    Seg::Key("endpoints"),
                    Seg::Named(&ep.name),
                    Seg::Key("path"),
                ],
                format!("the path `{}` must start with `/api/`", ep.path),
            ));
        }
        if !ep.name.starts_with(|c: char| c.is_ascii_lowercase())
            || !ep.name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errors.push(loaded.error(
                &at,
                format!("the endpoint name `{}` must be lowerCamelCase", ep.name),
            ));
        }
        describe(loaded, &at, &ep.zh, &ep.en, &mut errors);

        let mut seen_params = BTreeSet::new();
        for p in &ep.params {
            let pat = [
                Seg::Key("endpoints"),
                Seg::Named(&ep.name),
                Seg::Key("params"),
                Seg::Named(&p.name),
            ];
            if !seen_params.insert(p.name.as_str()) {
                errors.push(
                    loaded.error(&pat, format!("the parameter `{}` is listed twice", p.name)),
                );
            }
            describe(loaded, &pat, &p.zh, &p.en, &mut errors);
            check_rust_name(loaded, &pat, &p.name, p.rust.as_deref(), &mut errors);
            match types::parse(&p.ty) {
                Ok(t) => {
                    for msg in resolve(&t.ty) {
                        errors.push(loaded.error(&pat, msg));
                    }
                    if t.nullable {
                        errors.push(loaded.error(
                            &pat,
                            "a parameter is not nullable: write `required: false` instead of `?`",
                        ));
                    }
                    if matches!(t.ty, Ty::Unit | Ty::Page(_)) {
                        errors.push(
                            loaded.error(&pat, format!("`{}` can only be a response type", t.ty)),
                        );
                    }
                    if let Some(Named::Model(m)) = t.ty.names().first().and_then(|n| names.get(n)) {
                        errors.push(loaded.error(
                            &pat,
                            format!(
                                "a parameter cannot be the model `{}`: models are responses",
                                m.name
                            ),
                        ));
                    }
                }
                Err(msg) => errors.push(loaded.error(&pat, msg)),
            }
        }

        let rat = [
            Seg::Key("endpoints"),
            Seg::Named(&ep.name),
            Seg::Key("response"),
        ];
        match types::parse(&ep.response) {
            Ok(t) => {
                for msg in resolve(&t.ty) {
                    errors.push(loaded.error(&rat, msg));
                }
                if t.nullable {
                    errors.push(
                        loaded.error(&rat, "a response is not nullable: use `unit` for no data"),
                    );
                }
            }
            Err(msg) => errors.push(loaded.error(&rat, msg)),
        }
        if ep.examples.is_none() {
            errors.push(loaded.error(
                &at,
                "an endpoint needs `examples` (at least a request or a reply)",
            ));
        }
    }

    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    let checked = Checked { loaded, names };

    // Unused models and enums: everything must be reachable from an endpoint.
    let mut used = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    for ep in &spec.endpoints {
        for p in &ep.params {
            queue.extend(types::parse(&p.ty).into_iter().flat_map(|t| {
                t.ty.names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            }));
        }
        queue.extend(types::parse(&ep.response).into_iter().flat_map(|t| {
            t.ty.names()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }));
    }
    while let Some(name) = queue.pop() {
        if !used.insert(name.clone()) {
            continue;
        }
        if let Some(Named::Model(m)) = checked.named(&name) {
            for f in &m.fields {
                if let Ok(t) = types::parse(&f.ty) {
                    queue.extend(t.ty.names().into_iter().map(str::to_owned));
                }
            }
        }
    }
    // ErrorCode is the envelope's code: used by every reply.
    used.insert("ErrorCode".to_owned());
    for e in &spec.enums {
        if !used.contains(&e.name) {
            errors.push(loaded.error(
                &[Seg::Key("enums"), Seg::Named(&e.name)],
                format!("the enum `{}` is not used by any endpoint", e.name),
            ));
        }
    }
    for m in &spec.models {
        if !used.contains(&m.name) {
            errors.push(loaded.error(
                &[Seg::Key("models"), Seg::Named(&m.name)],
                format!("the model `{}` is not used by any endpoint", m.name),
            ));
        }
    }

    // Examples must match their types.
    for ep in &spec.endpoints {
        let Some(ex) = &ep.examples else { continue };
        let base = [
            Seg::Key("endpoints"),
            Seg::Named(&ep.name),
            Seg::Key("examples"),
        ];
        let response = types::parse(&ep.response).expect("checked above");
        if let Some(text) = &ex.request {
            let at = [base[0], base[1], base[2], Seg::Key("request")];
            match serde_json::from_str::<Value>(text) {
                Ok(v) => {
                    for msg in checked.validate_request(ep, &v) {
                        errors.push(loaded.error(
                            &at,
                            format!("the request example does not match the parameters: {msg}"),
                        ));
                    }
                }
                Err(e) => {
                    errors.push(loaded.error(&at, format!("the request example is not JSON: {e}")))
                }
            }
        }
        if let Some(text) = &ex.response {
            let at = [base[0], base[1], base[2], Seg::Key("response")];
            match serde_json::from_str::<Value>(text) {
                Ok(v) => {
                    for msg in checked.validate_envelope(&v, &response) {
                        errors.push(loaded.error(
                            &at,
                            format!("the reply example does not match `{}`: {msg}", response.ty),
                        ));
                    }
                }
                Err(e) => {
                    errors.push(loaded.error(&at, format!("the reply example is not JSON: {e}")))
                }
            }
        }
        if let Some(text) = &ex.data {
            let at = [base[0], base[1], base[2], Seg::Key("data")];
            match serde_json::from_str::<Value>(text) {
                Ok(v) => {
                    let mut msgs = Vec::new();
                    checked.validate(&v, &response, "data", &mut msgs);
                    for msg in msgs {
                        errors.push(loaded.error(
                            &at,
                            format!("the data example does not match `{}`: {msg}", response.ty),
                        ));
                    }
                }
                Err(e) => {
                    errors.push(loaded.error(&at, format!("the data example is not JSON: {e}")))
                }
            }
        }
        if ex.response.is_some() && ex.data.is_some() {
            errors.push(loaded.error(
                &base,
                "give either `response` (a whole envelope) or `data`, not both",
            ));
        }
    }

    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(SpecErrors(errors))
    }
}

impl Checked<'_> {
    fn validate_request(&self, ep: &crate::spec::EndpointDef, v: &Value) -> Vec<String> {
        let mut msgs = Vec::new();
        let Value::Object(map) = v else {
            return vec![format!("a request body must be an object, found {v}")];
        };
        for key in map.keys() {
            if !ep.params.iter().any(|p| &p.name == key) {
                msgs.push(format!("`{key}` is not a parameter of `{}`", ep.name));
            }
        }
        for p in &ep.params {
            let t = types::parse(&p.ty).expect("checked");
            match map.get(&p.name) {
                None if p.required => {
                    msgs.push(format!("the required parameter `{}` is missing", p.name))
                }
                None => {}
                Some(value) => self.validate(value, &t, &p.name, &mut msgs),
            }
        }
        msgs
    }

    fn validate_envelope(&self, v: &Value, data: &TypeExpr) -> Vec<String> {
        let mut msgs = Vec::new();
        let Value::Object(map) = v else {
            return vec!["an envelope must be an object".into()];
        };
        for key in map.keys() {
            if !["version", "result", "message", "code", "serverTime", "data"]
                .contains(&key.as_str())
            {
                msgs.push(format!("`{key}` is not a field of the envelope"));
            }
        }
        match map.get("code") {
            Some(Value::Number(n)) if n.is_i64() => {}
            other => msgs.push(format!(
                "the envelope's `code` must be an integer, found {other:?}"
            )),
        }
        match map.get("data") {
            Some(d) => self.validate(d, data, "data", &mut msgs),
            None => msgs.push("the envelope has no `data`".into()),
        }
        msgs
    }

    /// Checks that `v` has the type `t`, recording a message per mismatch.
    pub fn validate(&self, v: &Value, t: &TypeExpr, at: &str, msgs: &mut Vec<String>) {
        if v.is_null() && (t.nullable || t.ty == Ty::Unit || t.ty == Ty::Json) {
            return;
        }
        self.validate_ty(v, &t.ty, at, msgs);
    }

    fn validate_ty(&self, v: &Value, ty: &Ty, at: &str, msgs: &mut Vec<String>) {
        let ok = match ty {
            Ty::Int | Ty::EpochMs => v.is_i64() || v.is_u64(),
            Ty::Str => v.is_string(),
            Ty::Text => v.is_string() || v.is_number(),
            Ty::Bool => v.is_boolean(),
            Ty::Decimal => v.is_number(),
            Ty::Json => true,
            Ty::Unit => v.is_null(),
            Ty::List(inner) => match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.validate_ty(item, inner, &format!("{at}[{i}]"), msgs);
                    }
                    true
                }
                _ => false,
            },
            Ty::Page(inner) => match v {
                Value::Object(map) => {
                    for key in ["pageCount", "pageNum", "total", "size"] {
                        if !map.get(key).is_some_and(|n| n.is_i64() || n.is_u64()) {
                            msgs.push(format!("{at}.{key}: a page needs an integer `{key}`"));
                        }
                    }
                    for key in map.keys() {
                        if !["pageCount", "pageNum", "total", "size", "items"]
                            .contains(&key.as_str())
                        {
                            msgs.push(format!("{at}.{key}: not a field of a page"));
                        }
                    }
                    self.validate_ty(
                        map.get("items").unwrap_or(&Value::Null),
                        &Ty::List(inner.clone()),
                        &format!("{at}.items"),
                        msgs,
                    );
                    true
                }
                _ => false,
            },
            Ty::Named(name) => match self.named(name) {
                Some(Named::Enum(e)) => match e.repr {
                    // The service takes numeric strings for integer codes.
                    Repr::Integer => {
                        v.is_i64() || v.as_str().is_some_and(|s| s.parse::<i64>().is_ok())
                    }
                    Repr::String => v.is_string(),
                },
                Some(Named::Model(m)) => match v {
                    Value::Object(map) => {
                        for key in map.keys() {
                            if !m.fields.iter().any(|f| &f.name == key) {
                                msgs.push(format!(
                                    "{at}.{key}: the model `{}` has no field `{key}`",
                                    m.name
                                ));
                            }
                        }
                        for f in &m.fields {
                            let t = types::parse(&f.ty).expect("checked");
                            match map.get(&f.name) {
                                None if !t.nullable => msgs.push(format!(
                                    "{at}.{}: the model `{}` requires this field",
                                    f.name, m.name
                                )),
                                None => {}
                                Some(value) => {
                                    self.validate(value, &t, &format!("{at}.{}", f.name), msgs)
                                }
                            }
                        }
                        true
                    }
                    _ => false,
                },
                None => false,
            },
        };
        if !ok {
            msgs.push(format!("{at}: expected {ty}, found {v}"));
        }
    }
}

fn describe(
    loaded: &Loaded,
    at: &[Seg<'_>],
    zh: &Option<String>,
    en: &Option<String>,
    errors: &mut Vec<SpecError>,
) {
    for (lang, text) in [("zh", zh), ("en", en)] {
        if text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            errors.push(loaded.error(at, format!("missing description: `{lang}` is required")));
        }
    }
}

fn check_pascal(loaded: &Loaded, at: &[Seg<'_>], name: &str, errors: &mut Vec<SpecError>) {
    if !name.starts_with(|c: char| c.is_ascii_uppercase())
        || !name.chars().all(|c| c.is_ascii_alphanumeric())
    {
        errors.push(loaded.error(at, format!("the name `{name}` must be PascalCase")));
    }
}

fn check_rust_name(
    loaded: &Loaded,
    at: &[Seg<'_>],
    wire: &str,
    rust: Option<&str>,
    errors: &mut Vec<SpecError>,
) {
    let name = rust.map_or_else(|| heck::ToSnakeCase::to_snake_case(wire), str::to_owned);
    if RUST_KEYWORDS.contains(&name.as_str()) {
        errors.push(loaded.error(
            at,
            format!("`{name}` is a Rust keyword: give the field a `rust:` name"),
        ));
    }
}

fn check_enum(loaded: &Loaded, e: &EnumDef, errors: &mut Vec<SpecError>) {
    let mut names = BTreeSet::new();
    let mut values = BTreeSet::new();
    if e.values.is_empty() {
        errors.push(loaded.error(
            &[Seg::Key("enums"), Seg::Named(&e.name)],
            "an enum needs at least one value",
        ));
    }
    for v in &e.values {
        let at = [
            Seg::Key("enums"),
            Seg::Named(&e.name),
            Seg::Key("values"),
            Seg::Named(&v.name),
        ];
        if !names.insert(v.name.as_str()) {
            errors.push(loaded.error(&at, format!("the value name `{}` is listed twice", v.name)));
        }
        if v.name == "Unknown" {
            errors.push(loaded.error(&at, "`Unknown` is reserved for codes the SDK does not know"));
        }
        check_pascal(loaded, &at, &v.name, errors);
        describe(loaded, &at, &v.zh, &v.en, errors);
        let code = match (e.repr, &v.value) {
            (Repr::Integer, serde_yaml::Value::Number(n)) if n.is_i64() => n.to_string(),
            (Repr::String, serde_yaml::Value::String(s)) => s.clone(),
            (repr, other) => {
                errors.push(loaded.error(
                    &at,
                    format!("the value {other:?} does not fit `repr: {repr:?}`"),
                ));
                continue;
            }
        };
        if !values.insert(code.clone()) {
            errors.push(loaded.error(&at, format!("the code `{code}` is listed twice")));
        }
    }
}
