//! The linter: turns the spec as written into the checked [`Spec`] model, or reports every
//! error with its file, line and YAML path. Nothing downstream re-checks or re-parses.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::model::{
    CliName, Code, DefaultValue, Doc, Endpoint, Enum, EnumRef, EnumValue, Examples, Field, GenId,
    Generation, Is, ItemsAt, Model, ModelRef, Pagination, Param, Presence, ReadBack, ReadBackRead,
    Repr, Spec,
};
use crate::raw::{self, Loaded, Seg, SpecError, SpecErrors};
use crate::ty::{self, Position, Ref, Syntax, Type};

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "yield", "gen", "box", "try",
];

/// The enum every envelope's `code` is: used by every reply.
pub const ERROR_CODE_ENUM: &str = "ErrorCode";

/// The members of every reply envelope.
/// (`requestId` and `releaseVersion` come with version 2.)
pub const ENVELOPE_FIELDS: [&str; 8] = [
    "version",
    "result",
    "message",
    "code",
    "serverTime",
    "data",
    "requestId",
    "releaseVersion",
];

/// The parameters that make an endpoint with a `page<T>` response walkable page by page.
pub const PAGE_NUM: &str = "pageNum";
/// See [`PAGE_NUM`].
pub const PAGE_SIZE: &str = "pageSize";

/// A parameter's default as a value of its type, or what is wrong with it.
fn typed_default(ty: &Type, value: &serde_yaml::Value) -> Result<DefaultValue, String> {
    use serde_yaml::Value as Yaml;
    let found = || serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"));
    let mismatch = || format!("default: expected {ty}, found {}", found());
    match (ty, value) {
        (Type::Int, Yaml::Number(n)) => n.as_i64().map(DefaultValue::Int).ok_or_else(mismatch),
        (Type::Str | Type::Text, Yaml::String(s)) => Ok(DefaultValue::Str(s.clone())),
        (Type::Bool, Yaml::Bool(b)) => Ok(DefaultValue::Bool(*b)),
        (Type::Int | Type::Str | Type::Text | Type::Bool, _) => Err(mismatch()),
        (other, _) => Err(format!(
            "`{other}`: only int, string, text and bool parameters take a default"
        )),
    }
}

/// Checks a loaded spec and builds its model.
pub fn check(loaded: &Loaded) -> Result<Spec, SpecErrors> {
    let mut lint = Linter {
        loaded,
        errors: Vec::new(),
        enums: HashMap::new(),
        models: HashMap::new(),
        generations: Vec::new(),
    };
    let mut spec = lint.structure();
    if !lint.errors.is_empty() {
        return Err(SpecErrors(lint.errors));
    }
    lint.read_backs(&mut spec);
    lint.reachability(&spec);
    lint.examples(&spec);
    if lint.errors.is_empty() {
        Ok(spec)
    } else {
        Err(SpecErrors(lint.errors))
    }
}

struct Linter<'a> {
    loaded: &'a Loaded,
    errors: Vec<SpecError>,
    enums: HashMap<&'a str, usize>,
    models: HashMap<&'a str, usize>,
    generations: Vec<&'a str>,
}

fn key(k: &str) -> Seg<'_> {
    Seg::Key(k)
}

fn named(n: &str) -> Seg<'_> {
    Seg::Named(n)
}

impl<'a> Linter<'a> {
    fn error(&mut self, at: &[Seg<'_>], message: impl Into<String>) {
        let e = self.loaded.error(at, message);
        self.errors.push(e);
    }

    /// The whole model; errors are recorded as found.
    fn structure(&mut self) -> Spec {
        let raw = &self.loaded.spec;
        let generations = self.generations();
        self.names();
        let enums = raw.enums.iter().map(|e| self.enum_def(e)).collect();
        let models = raw.models.iter().map(|m| self.model_def(m)).collect();
        let sets = self.param_sets();
        let endpoints: Vec<Endpoint> = raw
            .endpoints
            .iter()
            .map(|ep| self.endpoint_def(ep, &sets))
            .collect();
        self.unique_endpoints();
        Spec {
            title: raw.title.clone(),
            generations,
            enums,
            models,
            endpoints,
        }
    }

    /// The generations: at least one, short names unique.
    fn generations(&mut self) -> Vec<Generation> {
        let raw = &self.loaded.spec;
        if raw.generations.is_empty() {
            self.error(
                &[key("generations")],
                "the spec needs at least one generation",
            );
        }
        let mut out = Vec::new();
        for g in &raw.generations {
            let at = [key("generations"), named(&g.name)];
            if self.generations.contains(&g.name.as_str()) {
                self.error(&at, format!("the generation `{}` is defined twice", g.name));
            }
            if !g.name.starts_with(|c: char| c.is_ascii_lowercase())
                || !g.name.chars().all(|c| c.is_ascii_alphanumeric())
            {
                self.error(
                    &at,
                    format!(
                        "the generation name `{}` must be lowercase letters and digits",
                        g.name
                    ),
                );
            }
            self.generations.push(&g.name);
            let doc = self.doc(&at, &g.zh, &g.en);
            out.push(Generation {
                name: g.name.clone(),
                version: g.version.clone(),
                doc,
            });
        }
        out
    }

    /// The index of a generation named at `at`, or an error.
    fn generation(&mut self, at: &[Seg<'_>], name: &str) -> Option<GenId> {
        let found = self.generations.iter().position(|g| *g == name);
        if found.is_none() {
            let known = self.generations.join(", ");
            self.error(
                at,
                format!("no generation is named `{name}` (the spec has {known})"),
            );
        }
        found.map(GenId)
    }

    /// The default of an enum parameter, named by its value's name.
    fn enum_default(&self, ty: &Type, name: &str) -> Result<DefaultValue, String> {
        let Type::Enum(e) = ty else {
            return Err(format!("`{ty}` is not an enum"));
        };
        let def = self
            .enums
            .get(e.name())
            .map(|&i| &self.loaded.spec.enums[i])
            .ok_or_else(|| format!("no enum `{}`", e.name()))?;
        let value = def.values.iter().find(|v| v.name == name).ok_or_else(|| {
            let names: Vec<&str> = def.values.iter().map(|v| v.name.as_str()).collect();
            format!(
                "`{name}` is not a value of `{}` (its values: {})",
                def.name,
                names.join(", ")
            )
        })?;
        let code = match &value.value {
            serde_yaml::Value::Number(n) => Code::Int(n.as_i64().unwrap_or_default()),
            serde_yaml::Value::String(s) => Code::Str(s.clone()),
            other => return Err(format!("the value's code {other:?} is not a code")),
        };
        Ok(DefaultValue::Enum {
            ty: def.name.clone(),
            variant: value.name.clone(),
            code,
        })
    }

    /// Type names: unique across enums and models, PascalCase.
    fn names(&mut self) {
        let raw = &self.loaded.spec;
        for (i, e) in raw.enums.iter().enumerate() {
            let at = [key("enums"), named(&e.name)];
            if self.enums.insert(&e.name, i).is_some() {
                self.error(&at, format!("the type name `{}` is defined twice", e.name));
            }
            self.pascal(&at, &e.name);
        }
        for (i, m) in raw.models.iter().enumerate() {
            let at = [key("models"), named(&m.name)];
            if self.enums.contains_key(m.name.as_str()) || self.models.insert(&m.name, i).is_some()
            {
                self.error(&at, format!("the type name `{}` is defined twice", m.name));
            }
            self.pascal(&at, &m.name);
        }
    }

    fn doc(&mut self, at: &[Seg<'_>], zh: &Option<String>, en: &Option<String>) -> Doc {
        for (lang, text) in [("zh", zh), ("en", en)] {
            if text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                self.error(at, format!("missing description: `{lang}` is required"));
            }
        }
        Doc {
            zh: zh.clone().unwrap_or_default(),
            en: en.clone().unwrap_or_default(),
        }
    }

    fn pascal(&mut self, at: &[Seg<'_>], name: &str) {
        if !name.starts_with(|c: char| c.is_ascii_uppercase())
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            self.error(at, format!("the name `{name}` must be PascalCase"));
        }
    }

    fn rust_name(&mut self, at: &[Seg<'_>], wire: &str, rust: Option<&str>) -> String {
        let name = rust.map_or_else(|| heck::ToSnakeCase::to_snake_case(wire), str::to_owned);
        if RUST_KEYWORDS.contains(&name.as_str()) {
            self.error(
                at,
                format!("`{name}` is a Rust keyword: give the field a `rust:` name"),
            );
        }
        name
    }

    fn enum_def(&mut self, e: &raw::EnumDef) -> Enum {
        let at = [key("enums"), named(&e.name)];
        let doc = self.doc(&at, &e.zh, &e.en);
        if e.values.is_empty() {
            self.error(&at, "an enum needs at least one value");
        }
        let mut names = BTreeSet::new();
        let mut codes = BTreeSet::new();
        let mut values = Vec::new();
        for v in &e.values {
            let at = [key("enums"), named(&e.name), key("values"), named(&v.name)];
            if !names.insert(v.name.as_str()) {
                self.error(&at, format!("the value name `{}` is listed twice", v.name));
            }
            if v.name == "Unknown" {
                self.error(&at, "`Unknown` is reserved for codes the SDK does not know");
            }
            self.pascal(&at, &v.name);
            let doc = self.doc(&at, &v.zh, &v.en);
            let code = match (e.repr, &v.value) {
                (Repr::Integer, serde_yaml::Value::Number(n)) if n.is_i64() => {
                    Code::Int(n.as_i64().unwrap_or_default())
                }
                (Repr::String, serde_yaml::Value::String(s)) => Code::Str(s.clone()),
                (repr, other) => {
                    self.error(
                        &at,
                        format!("the value {other:?} does not fit `repr: {repr:?}`"),
                    );
                    continue;
                }
            };
            if !codes.insert(code.to_string()) {
                self.error(&at, format!("the code `{code}` is listed twice"));
            }
            let only = match &v.only {
                Some(g) => self.generation(&at, g),
                None => None,
            };
            values.push(EnumValue {
                name: v.name.clone(),
                code,
                doc,
                terminal: v.terminal,
                notes: v.notes.clone(),
                only,
            });
        }
        Enum {
            name: e.name.clone(),
            repr: e.repr,
            doc,
            values,
        }
    }

    /// Resolves a type expression written at `at`; `None` (with the errors recorded) when it
    /// is not a valid type there.
    fn resolve(&mut self, at: &[Seg<'_>], text: &str, position: Position) -> Option<(Type, bool)> {
        let (syntax, nullable) = match ty::parse(text) {
            Ok(parsed) => parsed,
            Err(msg) => {
                self.error(at, msg);
                return None;
            }
        };
        let resolved = self.resolve_syntax(&syntax);
        let ty = match resolved {
            Ok(ty) => ty,
            Err(name) => {
                self.error(
                    at,
                    format!("unknown type `{name}`: no enum or model has this name"),
                );
                return None;
            }
        };
        if let Err(msg) = ty.fits(position) {
            self.error(at, msg);
            return None;
        }
        Some((ty, nullable))
    }

    fn resolve_syntax(&self, syntax: &Syntax) -> Result<Type, String> {
        Ok(match syntax {
            Syntax::Int => Type::Int,
            Syntax::Str => Type::Str,
            Syntax::Text => Type::Text,
            Syntax::Bool => Type::Bool,
            Syntax::Decimal => Type::Decimal,
            Syntax::EpochMs => Type::EpochMs,
            Syntax::Json => Type::Json,
            Syntax::Ack => Type::Ack,
            Syntax::List(inner) => Type::List(Box::new(self.resolve_syntax(inner)?)),
            Syntax::Page(inner) => Type::Page(Box::new(self.resolve_syntax(inner)?)),
            Syntax::Named(name) => {
                if let Some(&index) = self.enums.get(name.as_str()) {
                    Type::Enum(EnumRef {
                        index,
                        name: name.clone(),
                    })
                } else if let Some(&index) = self.models.get(name.as_str()) {
                    Type::Model(ModelRef {
                        index,
                        name: name.clone(),
                    })
                } else {
                    return Err(name.clone());
                }
            }
        })
    }

    fn model_def(&mut self, m: &raw::ModelDef) -> Model {
        let at = [key("models"), named(&m.name)];
        let doc = self.doc(&at, &m.zh, &m.en);
        if m.fields.is_empty() {
            self.error(&at, "a model needs at least one field");
        }
        let mut seen = BTreeSet::new();
        let mut fields = Vec::new();
        for f in &m.fields {
            let at = [key("models"), named(&m.name), key("fields"), named(&f.name)];
            if !seen.insert(f.name.as_str()) {
                self.error(&at, format!("the field `{}` is listed twice", f.name));
            }
            let doc = self.doc(&at, &f.zh, &f.en);
            let rust = self.rust_name(&at, &f.name, f.rust.as_deref());
            let Some((ty, nullable)) = self.resolve(&at, &f.ty, Position::Field) else {
                continue;
            };
            if f.tolerant {
                if ty != Type::Int {
                    self.error(
                        &at,
                        format!(
                            "`tolerant` is for `int` fields (a `text` field reads a string or a number already), not `{ty}`"
                        ),
                    );
                }
                let cited = f.notes.as_deref().map_or(0, citations);
                if cited < 2 {
                    self.error(
                        &at,
                        "a tolerant field's notes must cite the sources of both forms (two of `D:n`, `en:n`, `zh:n`, `seed:n`)",
                    );
                }
            }
            fields.push(Field {
                wire: f.name.clone(),
                rust,
                ty,
                nullable,
                unit: f.unit.clone(),
                secret: f.secret,
                tolerant: f.tolerant,
                doc,
                notes: f.notes.clone(),
            });
        }
        let mut columns = Vec::new();
        for c in &m.columns {
            let at = [key("models"), named(&m.name), key("columns")];
            match fields.iter().position(|f| &f.wire == c) {
                None => self.error(&at, format!("no field `{c}` to show as a column")),
                Some(_) if m.columns.iter().filter(|d| *d == c).count() > 1 => {
                    self.error(&at, format!("the column `{c}` is listed twice"));
                }
                Some(i) if fields[i].secret => {
                    self.error(&at, format!("`{c}` is a secret: it is never shown"));
                }
                Some(i) if !fields[i].ty.fits_a_cell() => self.error(
                    &at,
                    format!(
                        "`{c}` is `{}`, which does not fit in a table cell",
                        fields[i].ty
                    ),
                ),
                Some(i) => columns.push(i),
            }
        }
        Model {
            name: m.name.clone(),
            doc,
            notes: m.notes.clone(),
            fields,
            columns,
        }
    }

    fn param_def(&mut self, at: &[Seg<'_>], p: &raw::ParamDef, set: Option<&str>) -> Option<Param> {
        let doc = self.doc(at, &p.zh, &p.en);
        let rust = self.rust_name(at, &p.name, p.rust.as_deref());
        let (ty, nullable) = self.resolve(at, &p.ty, Position::Param)?;
        if nullable {
            self.error(
                at,
                "a parameter is not nullable: write `required: false` instead of `?`",
            );
        }
        let (required, required_gens) = match &p.required {
            raw::RequiredDef::Always(b) => (*b, None),
            raw::RequiredDef::In(names) => {
                let gens: Vec<GenId> = names
                    .iter()
                    .filter_map(|n| self.generation(at, n))
                    .collect();
                (!gens.is_empty(), Some(gens))
            }
        };
        let presence = match (&p.default, required) {
            (None, true) => Presence::Required,
            (None, false) => Presence::Optional,
            (Some(_), false) => {
                self.error(
                    at,
                    "a parameter with a `default` is always sent: drop `required: false`",
                );
                return None;
            }
            (Some(serde_yaml::Value::String(name)), true) if matches!(ty, Type::Enum(_)) => {
                match self.enum_default(&ty, name) {
                    Ok(default) => Presence::Defaulted(default),
                    Err(message) => {
                        self.error(at, format!("the default does not fit the type: {message}"));
                        return None;
                    }
                }
            }
            (Some(value), true) => match typed_default(&ty, value) {
                Ok(default) => Presence::Defaulted(default),
                Err(message) => {
                    self.error(at, format!("the default does not fit the type: {message}"));
                    return None;
                }
            },
        };
        if p.positional && presence != Presence::Required {
            self.error(at, "only a required parameter can be positional");
        }
        let only = match &p.only {
            Some(g) => self.generation(at, g),
            None => None,
        };
        let mut sent_as = Vec::new();
        for (g, name) in &p.sent_as {
            let Some(generation) = self.generation(at, g) else {
                continue;
            };
            if !p.aliases.contains(name) {
                self.error(
                    at,
                    format!("`sent_as` names `{name}`, which must also be one of its `aliases` (servers and the farm read it)"),
                );
            }
            sent_as.push((generation, name.clone()));
        }
        if only.is_some() && matches!(presence, Presence::Defaulted(_)) {
            self.error(at, "a parameter of one generation cannot have a `default` (it would be sent in every generation)");
        }
        if p.json && ty != Type::Str {
            self.error(
                at,
                format!("only a `string` parameter can carry JSON text (`json: true`), not `{ty}`"),
            );
        }
        Some(Param {
            wire: p.name.clone(),
            rust,
            ty,
            presence,
            positional: p.positional,
            unit: p.unit.clone(),
            json: p.json,
            doc,
            set: set.map(str::to_owned),
            only,
            required_gens,
            aliases: p.aliases.clone(),
            sent_as,
            notes: p.notes.clone(),
            by_number: p.by_number.as_ref().map(|b| crate::model::ByNumber {
                task: b.task.clone(),
                select: b.select.clone(),
                value: b.value.clone(),
            }),
        })
    }

    fn param_sets(&mut self) -> BTreeMap<String, Vec<Param>> {
        let mut sets = BTreeMap::new();
        for set in &self.loaded.spec.param_sets {
            let at = [key("param_sets"), named(&set.name)];
            self.pascal(&at, &set.name);
            self.doc(&at, &set.zh, &set.en);
            let params = self.params(&at, &set.params, Some(&set.name), &[]);
            if sets.insert(set.name.clone(), params).is_some() {
                self.error(
                    &at,
                    format!("the parameter set `{}` is defined twice", set.name),
                );
            }
        }
        sets
    }

    /// Checks a list of parameters (after `before`, the ones it extends).
    fn params(
        &mut self,
        base: &[Seg<'_>],
        list: &[raw::ParamDef],
        set: Option<&str>,
        before: &[Param],
    ) -> Vec<Param> {
        let mut seen: BTreeSet<String> = before.iter().map(|p| p.wire.clone()).collect();
        let mut out = Vec::new();
        for p in list {
            let mut at = base.to_vec();
            at.extend([key("params"), named(&p.name)]);
            if !seen.insert(p.name.clone()) {
                self.error(&at, format!("the parameter `{}` is listed twice", p.name));
            }
            out.extend(self.param_def(&at, p, set));
        }
        out
    }

    fn endpoint_def(
        &mut self,
        ep: &raw::EndpointDef,
        sets: &BTreeMap<String, Vec<Param>>,
    ) -> Endpoint {
        let at = [key("endpoints"), named(&ep.name)];
        if !ep.name.starts_with(|c: char| c.is_ascii_lowercase())
            || !ep.name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            self.error(
                &at,
                format!("the endpoint name `{}` must be lowerCamelCase", ep.name),
            );
        }
        let paths = self.paths(ep);
        let doc = self.doc(&at, &ep.zh, &ep.en);
        let mut params: Vec<Param> = Vec::new();
        for name in &ep.uses {
            match sets.get(name) {
                Some(set) => params.extend(set.iter().cloned()),
                None => self.error(
                    &[key("endpoints"), named(&ep.name), key("uses")],
                    format!("no parameter set is named `{name}`"),
                ),
            }
        }
        let own = self.params(&at, &ep.params, None, &params);
        params.extend(own);
        self.by_numbers(&at, &params);
        if params.iter().filter(|p| p.positional).count() > 1 {
            self.error(&at, "at most one parameter can be positional");
        }
        let rat = [key("endpoints"), named(&ep.name), key("response")];
        let response = match self.resolve(&rat, &ep.response, Position::Response) {
            Some((_, true)) => {
                self.error(
                    &rat,
                    "a response is not nullable: use `ack` for a write's acknowledgement",
                );
                Type::Ack
            }
            Some((ty, false)) => ty,
            None => Type::Ack,
        };
        let pagination = match &response {
            Type::Page(item) => {
                let pages = |name: &str| {
                    params.iter().any(|p| {
                        p.wire == name && p.ty == Type::Int && p.presence != Presence::Optional
                    })
                };
                (pages(PAGE_NUM) && pages(PAGE_SIZE)).then(|| Pagination {
                    item: (**item).clone(),
                })
            }
            _ => None,
        };
        let mut examples = Vec::new();
        match &ep.examples {
            Some(ex) => examples.extend(self.parse_examples(&at, "examples", ex, &paths)),
            None => self.error(
                &at,
                "an endpoint needs `examples` (at least a request or a reply)",
            ),
        }
        for ex in &ep.more_examples {
            examples.extend(self.parse_examples(&at, "more_examples", ex, &paths));
        }
        for p in &params {
            if let Some(g) = p.only
                && !paths.iter().any(|(at, _)| *at == g)
            {
                self.error(
                    &[
                        key("endpoints"),
                        named(&ep.name),
                        key("params"),
                        named(&p.wire),
                    ],
                    format!(
                        "the parameter is only in `{}`, where the endpoint does not exist",
                        self.generations[g.0]
                    ),
                );
            }
        }
        Endpoint {
            name: ep.name.clone(),
            paths,
            documented_paths: ep
                .documented_paths
                .iter()
                .map(|d| (d.path.clone(), d.source.clone()))
                .collect(),
            disagreements: self.disagreements(ep),
            notes: ep.notes.clone(),
            cli: CliName {
                group: ep.group.clone(),
                command: ep.command.clone(),
            },
            idempotent: ep.idempotent,
            secret: ep.secret,
            destructive: ep.destructive,
            source: ep.source.clone(),
            doc,
            params,
            response,
            pagination,
            examples,
            read_back: None,
        }
    }

    /// Frame ids by number: a `list<int>`, its task an `int` parameter always sent, its
    /// selection an enum parameter always sent with the value named.
    fn by_numbers(&mut self, at: &[Seg<'_>], params: &[Param]) {
        for p in params {
            let Some(b) = &p.by_number else { continue };
            let mut pat = at.to_vec();
            pat.push(key("params"));
            pat.push(named(&p.wire));
            pat.push(key("by_number"));
            if p.ty != Type::List(Box::new(Type::Int)) {
                self.error(
                    &pat,
                    format!("frame ids by number must be `list<int>`, not `{}`", p.ty),
                );
            }
            let param = |name: &str| params.iter().find(|q| q.wire == name);
            match param(&b.task) {
                Some(t) if t.ty == Type::Int && t.is_required() => {}
                Some(_) => self.error(
                    &pat,
                    format!("the task `{}` must be a required `int`", b.task),
                ),
                None => self.error(&pat, format!("no parameter `{}` holds the task", b.task)),
            }
            match param(&b.select).map(|s| (&s.ty, s.is_required())) {
                Some((Type::Enum(e), true)) => {
                    let name = e.name().to_owned();
                    let index = self.enums.get(name.as_str()).copied();
                    let values = index.map(|i| {
                        self.loaded.spec.enums[i]
                            .values
                            .iter()
                            .any(|v| v.name == b.value)
                    });
                    if values != Some(true) {
                        self.error(&pat, format!("`{name}` has no value `{}`", b.value));
                    }
                }
                Some(_) => self.error(
                    &pat,
                    format!("the selection `{}` must be a required enum", b.select),
                ),
                None => self.error(
                    &pat,
                    format!("no parameter `{}` selects the frames", b.select),
                ),
            }
        }
    }

    /// The examples of a document that disagree with the endpoint on purpose, checked: each
    /// names a fixture and line (`v2-document:1235`), a JSON path from `$`, and why.
    fn disagreements(&mut self, ep: &raw::EndpointDef) -> Vec<crate::model::Disagreement> {
        let at = [key("endpoints"), named(&ep.name), key("disagreements")];
        let mut out = Vec::new();
        for d in &ep.disagreements {
            let well_named = d.example.rsplit_once(':').is_some_and(|(doc, line)| {
                doc.ends_with("-document") && line.parse::<usize>().is_ok()
            });
            if !well_named {
                self.error(
                    &at,
                    format!(
                        "`{}` is not an example: write `v2-document:LINE`",
                        d.example
                    ),
                );
            }
            if !d.at.starts_with('$') {
                self.error(
                    &at,
                    format!("`{}` is not a JSON path: start it with `$`", d.at),
                );
            }
            if d.note.trim().is_empty() {
                self.error(
                    &at,
                    "say which source says what, and which one the spec follows",
                );
            }
            out.push(crate::model::Disagreement {
                example: d.example.clone(),
                at: d.at.clone(),
                note: d.note.clone(),
            });
        }
        out
    }

    /// The endpoint's paths by generation, checked.
    fn paths(&mut self, ep: &raw::EndpointDef) -> Vec<(GenId, String)> {
        let at = [key("endpoints"), named(&ep.name), key("path")];
        let mut out = Vec::new();
        match (&ep.path, &ep.paths) {
            (Some(path), None) => {
                out.extend((0..self.generations.len()).map(|g| (GenId(g), path.clone())));
            }
            (None, Some(paths)) => {
                let at = [key("endpoints"), named(&ep.name), key("paths")];
                for (name, path) in paths {
                    if let Some(g) = self.generation(&at, name) {
                        out.push((g, path.clone()));
                    }
                }
                out.sort();
                if out.is_empty() {
                    self.error(&at, "an endpoint needs a path in at least one generation");
                }
            }
            (Some(_), Some(_)) => self.error(
                &at,
                "give either `path` (the same in every generation) or `paths`, not both",
            ),
            (None, None) => self.error(
                &[key("endpoints"), named(&ep.name)],
                "an endpoint needs `path` or `paths`",
            ),
        }
        for (_, path) in &out {
            if !path.starts_with("/api/") {
                self.error(&at, format!("the path `{path}` must start with `/api/`"));
            }
        }
        out
    }

    fn parse_examples(
        &mut self,
        at: &[Seg<'_>],
        list: &'static str,
        ex: &raw::Examples,
        paths: &[(GenId, String)],
    ) -> Option<Examples> {
        let mut base = at.to_vec();
        base.push(key(list));
        let generation = match &ex.generation {
            Some(name) => self.generation(&base, name)?,
            // An endpoint without paths has its error already.
            None if list == "examples" => paths.first().map(|(g, _)| *g)?,
            None => {
                self.error(
                    &base,
                    "each of `more_examples` says which generation it is `for`",
                );
                return None;
            }
        };
        if !paths.iter().any(|(g, _)| *g == generation) {
            self.error(
                &base,
                format!(
                    "examples for `{}`, where the endpoint does not exist",
                    self.generations[generation.0]
                ),
            );
        }
        let mut parse = |which: &'static str, what: &str, text: &Option<String>| {
            let text = text.as_ref()?;
            match serde_json::from_str::<Value>(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    let mut path = base.clone();
                    path.push(key(which));
                    self.error(&path, format!("the {what} example is not JSON: {e}"));
                    None
                }
            }
        };
        let request = parse("request", "request", &ex.request);
        let envelope = parse("response", "reply", &ex.response);
        let data = parse("data", "data", &ex.data);
        if ex.response.is_some() && ex.data.is_some() {
            self.error(
                &base,
                "give either `response` (a whole envelope) or `data`, not both",
            );
        }
        // The first generation's examples come from its document unless they say otherwise;
        // any other generation's say where they come from (or that they are hand-written).
        if generation != GenId(0) && ex.source.is_none() {
            self.error(
                &base,
                "examples of a later generation need a `source` (a document, a client, or \"hand-written\")",
            );
        }
        Some(Examples {
            generation,
            request,
            envelope,
            data,
            source: ex.source.clone(),
        })
    }

    fn unique_endpoints(&mut self) {
        let raw = &self.loaded.spec;
        let mut names = BTreeSet::new();
        // A path belongs to one endpoint, whatever the generation: a server finds the
        // endpoint from the path alone.
        let mut paths: BTreeMap<&str, &str> = BTreeMap::new();
        let mut commands: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for ep in &raw.endpoints {
            // The endpoint's Rust types (`GetTaskList`, `GetTaskListRequest`) live beside the
            // models and enums.
            let pascal = heck::ToPascalCase::to_pascal_case(ep.name.as_str());
            for ty in [pascal.clone(), format!("{pascal}Request")] {
                if self.enums.contains_key(ty.as_str()) || self.models.contains_key(ty.as_str()) {
                    self.error(
                        &[key("endpoints"), named(&ep.name)],
                        format!("the endpoint's type `{ty}` has the name of an enum or model: rename one"),
                    );
                }
            }
            if !names.insert(ep.name.as_str()) {
                self.error(
                    &[key("endpoints"), named(&ep.name)],
                    format!("the endpoint `{}` is defined twice", ep.name),
                );
            }
            let own: BTreeSet<&str> = ep
                .path
                .iter()
                .map(String::as_str)
                .chain(ep.paths.iter().flat_map(|m| m.values().map(String::as_str)))
                .collect();
            for documented in &ep.documented_paths {
                let at = [key("endpoints"), named(&ep.name), key("documented_paths")];
                if !documented.path.starts_with("/api/") {
                    self.error(&at, format!("`{}` is not an API path", documented.path));
                } else if own.contains(documented.path.as_str()) {
                    self.error(
                        &at,
                        format!(
                            "`{}` is a path the endpoint speaks, not another one",
                            documented.path
                        ),
                    );
                } else if documented.source.trim().is_empty() {
                    self.error(&at, "say which source gives this path");
                }
            }
            for path in own {
                if let Some(other) = paths.insert(path, &ep.name) {
                    let which = if ep.path.is_some() { "path" } else { "paths" };
                    self.error(
                        &[key("endpoints"), named(&ep.name), key(which)],
                        format!("the path `{path}` is also the path of `{other}`"),
                    );
                }
            }
            if let Some(other) = commands.insert((&ep.group, &ep.command), &ep.name) {
                self.error(
                    &[key("endpoints"), named(&ep.name), key("command")],
                    format!(
                        "the command `{} {}` is also the command of `{other}`",
                        ep.group, ep.command
                    ),
                );
            }
        }
    }

    /// Every write says which read shows whether it took effect (or why none does), and
    /// what it says must exist: the read, its parameters, the write's parameters, the item
    /// fields and their values.
    fn read_backs(&mut self, spec: &mut Spec) {
        let raw = &self.loaded.spec;
        for (i, ep) in raw.endpoints.iter().enumerate() {
            if ep.destructive && ep.idempotent {
                self.error(
                    &[key("endpoints"), named(&ep.name), key("destructive")],
                    "only a write can be destructive",
                );
            }
            let at = [key("endpoints"), named(&ep.name), key("read_back")];
            let found = match (&ep.read_back, ep.idempotent) {
                (None, false) => {
                    self.error(
                        &[key("endpoints"), named(&ep.name)],
                        "a write needs `read_back`: the read that shows whether it took effect, or `{none: why}`",
                    );
                    None
                }
                (Some(_), true) => {
                    self.error(&at, "only a write has a read-back");
                    None
                }
                (None, true) => None,
                (Some(def), false) => self.read_back(spec, &spec.endpoints[i], def, &at),
            };
            spec.endpoints[i].read_back = found;
        }
    }

    fn read_back(
        &mut self,
        spec: &Spec,
        write: &Endpoint,
        def: &raw::ReadBackDef,
        at: &[Seg<'_>],
    ) -> Option<ReadBack> {
        let sub = |k: &'static str| -> Vec<Seg<'_>> {
            let mut v = at.to_vec();
            v.push(key(k));
            v
        };
        if let Some(why) = &def.none {
            let extra = def.read.is_some()
                || def.only.is_some()
                || !def.params.is_empty()
                || def.key.is_some()
                || def.expect.is_some()
                || !def.checks.is_empty();
            if extra {
                self.error(
                    at,
                    "`none` stands alone: a read-back is either none or a read",
                );
            }
            if why.trim().is_empty() {
                self.error(&sub("none"), "say why no read shows the effect");
            }
            return Some(ReadBack::None(why.clone()));
        }
        let Some(read_name) = &def.read else {
            self.error(at, "give `read` (an idempotent endpoint) or `none: why`");
            return None;
        };
        if write.response != Type::Ack {
            self.error(
                at,
                "only a write answered with `ack` can be confirmed by a read (a read does not give back the write's reply)",
            );
        }
        let Some(read) = spec.endpoint(read_name) else {
            self.error(&sub("read"), format!("no endpoint is named `{read_name}`"));
            return None;
        };
        if !read.idempotent {
            self.error(
                &sub("read"),
                format!("`{read_name}` is a write, not a read"),
            );
        }
        let generations: Vec<GenId> = match &def.only {
            Some(name) => {
                let g = self.generation(&sub("only"), name)?;
                if write.path_in(g).is_none() {
                    self.error(&sub("only"), format!("`{}` has no `{name}`", write.name));
                }
                vec![g]
            }
            None => write.generations().collect(),
        };
        for &g in &generations {
            if read.path_in(g).is_none() {
                self.error(
                    &sub("read"),
                    format!(
                        "`{read_name}` does not exist in `{}`, where the write does (say `only:`)",
                        self.generations[g.0]
                    ),
                );
            }
        }
        let write_param = |name: &str| write.params.iter().find(|p| p.wire == name);
        let mut params = Vec::new();
        for (name, from) in &def.params {
            let pat = {
                let mut v = sub("params");
                v.push(key(name));
                v
            };
            let Some(rp) = read.params.iter().find(|p| &p.wire == name) else {
                self.error(&pat, format!("`{read_name}` has no parameter `{name}`"));
                continue;
            };
            let Some(wp) = write_param(from) else {
                self.error(&pat, format!("`{}` has no parameter `{from}`", write.name));
                continue;
            };
            let wrap = match (&rp.ty, &wp.ty) {
                (a, b) if a == b => false,
                (Type::List(item), b) if **item == *b => true,
                (a, b) => {
                    self.error(
                        &pat,
                        format!("`{name}` is `{a}`, but `{from}` is `{b}`: the types must match"),
                    );
                    continue;
                }
            };
            if !wp.is_required() {
                self.error(
                    &pat,
                    format!("`{from}` is optional: a read-back's values must always be sent"),
                );
            }
            params.push((name.clone(), from.clone(), wrap));
        }
        for &g in &generations {
            for p in read.required_in(g) {
                if !def.params.contains_key(&p.wire) {
                    self.error(
                        &sub("params"),
                        format!(
                            "`{read_name}` requires `{}` in `{}`: give it",
                            p.wire, self.generations[g.0]
                        ),
                    );
                }
            }
        }
        // The items, and the model each one is.
        let (items, item_ty) = match &read.response {
            Type::Page(item) => (ItemsAt::Page, (**item).clone()),
            Type::List(item) => (ItemsAt::List, (**item).clone()),
            Type::Model(m) => {
                let lists: Vec<&Field> = spec
                    .model(m)
                    .fields
                    .iter()
                    .filter(|f| matches!(&f.ty, Type::List(i) if matches!(**i, Type::Model(_))))
                    .collect();
                match (&def.key, lists.as_slice()) {
                    (Some(_), [one]) => (
                        ItemsAt::Field(one.wire.clone()),
                        one.ty.list_item().cloned().unwrap_or(Type::Json),
                    ),
                    (Some(_), _) => {
                        self.error(
                            &sub("key"),
                            format!("`{read_name}` answers one `{}` with no single list of items to key", m.name()),
                        );
                        return None;
                    }
                    (None, _) => (ItemsAt::Whole, read.response.clone()),
                }
            }
            other => {
                self.error(
                    &sub("read"),
                    format!("`{read_name}` answers `{other}`, which holds no items"),
                );
                return None;
            }
        };
        let Type::Model(item_model) = &item_ty else {
            self.error(
                &sub("read"),
                format!("`{read_name}`'s items are `{item_ty}`, not a model"),
            );
            return None;
        };
        let fields = &spec.model(item_model).fields;
        let field = |name: &str| fields.iter().find(|f| f.wire == name);
        let key_pair = match &def.key {
            None if items != ItemsAt::Whole => {
                self.error(
                    at,
                    "give `key`: the item field that matches a value of the write",
                );
                return None;
            }
            None => None,
            Some(map) => {
                let Some((f, p)) = map.iter().next().filter(|_| map.len() == 1) else {
                    self.error(&sub("key"), "a key is one `{item field: write parameter}`");
                    return None;
                };
                match (field(f), write_param(p)) {
                    (None, _) => self.error(
                        &sub("key"),
                        format!("`{}` has no field `{f}`", item_model.name()),
                    ),
                    (_, None) => self.error(
                        &sub("key"),
                        format!("`{}` has no parameter `{p}`", write.name),
                    ),
                    (Some(fd), Some(wp)) => {
                        let one = match &wp.ty {
                            Type::List(item) => &**item,
                            other => other,
                        };
                        if &fd.ty != one {
                            self.error(
                                &sub("key"),
                                format!("`{f}` is `{}`, but `{p}`'s values are `{one}`", fd.ty),
                            );
                        }
                    }
                }
                Some((f.clone(), p.clone()))
            }
        };
        let present = match def.expect.as_deref() {
            Some("present") => true,
            Some("absent") => false,
            other => {
                self.error(
                    &sub("expect"),
                    format!("`expect` is `present` or `absent`, not {other:?}"),
                );
                return None;
            }
        };
        if !present && !def.checks.is_empty() {
            self.error(
                &sub("where"),
                "`where` says what a present item shows: not with `absent`",
            );
        }
        let mut checks = Vec::new();
        for (name, w) in &def.checks {
            let wat = {
                let mut v = sub("where");
                v.push(key(name));
                v
            };
            let Some(fd) = field(name) else {
                self.error(
                    &wat,
                    format!("`{}` has no field `{name}`", item_model.name()),
                );
                continue;
            };
            let is = match (&w.one_of, &w.not_in, &w.param) {
                (Some(values), None, None) => {
                    self.check_values(spec, &wat, &fd.ty, values).map(Is::In)
                }
                (None, Some(values), None) => {
                    self.check_values(spec, &wat, &fd.ty, values).map(Is::NotIn)
                }
                (None, None, Some(p)) => match write_param(p) {
                    Some(wp) if wp.ty == fd.ty => Some(Is::Param(p.clone())),
                    Some(wp) => {
                        self.error(
                            &wat,
                            format!("`{name}` is `{}`, but `{p}` is `{}`", fd.ty, wp.ty),
                        );
                        None
                    }
                    None => {
                        self.error(&wat, format!("`{}` has no parameter `{p}`", write.name));
                        None
                    }
                },
                _ => {
                    self.error(&wat, "give one of `in`, `not_in` or `param`");
                    None
                }
            };
            if let Some(is) = is {
                checks.push((name.clone(), is));
            }
        }
        Some(ReadBack::Read(ReadBackRead {
            read: read_name.clone(),
            paths: generations
                .iter()
                .filter_map(|&g| read.path_in(g).map(|p| (g, p.to_owned())))
                .collect(),
            params,
            items,
            key: key_pair,
            present,
            checks,
        }))
    }

    /// A read-back's values as the wire sends them: an enum's names become its codes.
    fn check_values(
        &mut self,
        spec: &Spec,
        at: &[Seg<'_>],
        ty: &Type,
        values: &[serde_yaml::Value],
    ) -> Option<Vec<Value>> {
        let mut out = Vec::new();
        for v in values {
            let wire = match (ty, v) {
                (Type::Enum(e), serde_yaml::Value::String(name)) => {
                    let e = spec.enum_(e);
                    match e.values.iter().find(|x| &x.name == name) {
                        Some(x) => match &x.code {
                            Code::Int(n) => Value::from(*n),
                            Code::Str(s) => Value::from(s.clone()),
                        },
                        None => {
                            self.error(at, format!("`{}` has no value `{name}`", e.name));
                            return None;
                        }
                    }
                }
                (Type::Int, serde_yaml::Value::Number(n)) => match n.as_i64() {
                    Some(n) => Value::from(n),
                    None => {
                        self.error(at, format!("{n} is not a 64-bit integer"));
                        return None;
                    }
                },
                (Type::Str | Type::Text, serde_yaml::Value::String(s)) => Value::from(s.clone()),
                (Type::Bool, serde_yaml::Value::Bool(b)) => Value::from(*b),
                (ty, v) => {
                    self.error(at, format!("{v:?} is not a value of `{ty}`"));
                    return None;
                }
            };
            out.push(wire);
        }
        if out.is_empty() {
            self.error(at, "give at least one value");
            return None;
        }
        Some(out)
    }

    /// Every enum and model must be reachable from an endpoint.
    fn reachability(&mut self, spec: &Spec) {
        let mut used: BTreeSet<String> = BTreeSet::new();
        used.insert(ERROR_CODE_ENUM.to_owned());
        let mut queue: Vec<Type> = Vec::new();
        for ep in &spec.endpoints {
            queue.extend(ep.params.iter().map(|p| p.ty.clone()));
            queue.push(ep.response.clone());
        }
        while let Some(ty) = queue.pop() {
            for r in ty.refs() {
                match r {
                    Ref::Enum(e) => {
                        used.insert(e.name().to_owned());
                    }
                    Ref::Model(m) => {
                        if used.insert(m.name().to_owned()) {
                            queue.extend(spec.model(m).fields.iter().map(|f| f.ty.clone()));
                        }
                    }
                }
            }
        }
        if !spec.enums.iter().any(|e| e.name == ERROR_CODE_ENUM) {
            self.error(
                &[key("enums")],
                format!("the enum `{ERROR_CODE_ENUM}` (the envelope's code) is missing"),
            );
        }
        for e in &spec.enums {
            if !used.contains(&e.name) {
                self.error(
                    &[key("enums"), named(&e.name)],
                    format!("the enum `{}` is not used by any endpoint", e.name),
                );
            }
        }
        for m in &spec.models {
            if !used.contains(&m.name) {
                self.error(
                    &[key("models"), named(&m.name)],
                    format!("the model `{}` is not used by any endpoint", m.name),
                );
            }
        }
    }

    /// Examples must match their types.
    fn examples(&mut self, spec: &Spec) {
        for ep in &spec.endpoints {
            for ex in &ep.examples {
                // The first set comes from `examples` when the endpoint has them.
                let has_examples = self
                    .loaded
                    .spec
                    .endpoints
                    .iter()
                    .any(|r| r.name == ep.name && r.examples.is_some());
                let first = std::ptr::eq(ex, &ep.examples[0]);
                let list = if first && has_examples {
                    "examples"
                } else {
                    "more_examples"
                };
                let at = |which| [key("endpoints"), named(&ep.name), key(list), key(which)];
                let generation = &spec.generation(ex.generation).name;
                if let Some(v) = &ex.request {
                    for msg in request_mismatches(spec, ep, ex.generation, v) {
                        self.error(&at("request"), format!("the {generation} request example does not match the parameters: {msg}"));
                    }
                }
                if let Some(v) = &ex.envelope {
                    for msg in envelope_mismatches(spec, v, &ep.response) {
                        self.error(
                            &at("response"),
                            format!("the reply example does not match `{}`: {msg}", ep.response),
                        );
                    }
                }
                if let Some(v) = &ex.data {
                    let mut msgs = Vec::new();
                    ep.response.check(spec, v, false, "data", &mut msgs);
                    for msg in msgs {
                        self.error(
                            &at("data"),
                            format!("the data example does not match `{}`: {msg}", ep.response),
                        );
                    }
                }
            }
        }
    }
}

/// How a request body differs from an endpoint's parameters in generation `g` (unknown or
/// missing parameters, wrong types).
pub fn request_mismatches(spec: &Spec, ep: &Endpoint, g: GenId, body: &Value) -> Vec<String> {
    let Value::Object(map) = body else {
        return vec![format!("a request body must be an object, found {body}")];
    };
    let mut msgs = Vec::new();
    for k in map.keys() {
        if !ep.params.iter().any(|p| &p.wire == k && p.exists_in(g)) {
            msgs.push(format!("`{k}` is not a parameter of `{}`", ep.name));
        }
    }
    for p in ep.params.iter().filter(|p| p.exists_in(g)) {
        match map.get(&p.wire) {
            None if p.required_in(g) => {
                msgs.push(format!("the required parameter `{}` is missing", p.wire))
            }
            None => {}
            Some(value) => p.ty.check(spec, value, false, &p.wire, &mut msgs),
        }
    }
    msgs
}

/// How a reply envelope differs from the envelope of a call whose data is `data`.
pub fn envelope_mismatches(spec: &Spec, envelope: &Value, data: &Type) -> Vec<String> {
    let Value::Object(map) = envelope else {
        return vec!["an envelope must be an object".into()];
    };
    let mut msgs = Vec::new();
    for k in map.keys() {
        if !ENVELOPE_FIELDS.contains(&k.as_str()) {
            msgs.push(format!("`{k}` is not a field of the envelope"));
        }
    }
    match map.get("code") {
        Some(Value::Number(n)) if n.is_i64() => {}
        other => msgs.push(format!(
            "the envelope's `code` must be an integer, found {other:?}"
        )),
    }
    match map.get("data") {
        Some(d) => data.check(spec, d, false, "data", &mut msgs),
        None => msgs.push("the envelope has no `data`".into()),
    }
    msgs
}

/// How many source citations (`D:12`, `en:876`, `zh:785`, `seed:354`) a note makes.
fn citations(note: &str) -> usize {
    let bytes = note.as_bytes();
    ["D:", "en:", "zh:", "seed:"]
        .iter()
        .map(|tag| {
            note.match_indices(tag)
                .filter(|(at, _)| {
                    let before = at.checked_sub(1).map(|i| bytes[i]);
                    let boundary = before.is_none_or(|b| !b.is_ascii_alphanumeric());
                    let digit = bytes.get(at + tag.len()).is_some_and(u8::is_ascii_digit);
                    boundary && digit
                })
                .count()
        })
        .sum()
}
