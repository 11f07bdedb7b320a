//! The checked model: what the linter makes of `api-spec.yaml`, and all that generators and
//! tools read. Every name is resolved, every example parsed and checked, and every fact a
//! generator needs (pagination, positional and defaulted parameters, parameter sets) is
//! here, decided once.

use std::fmt;

use serde_json::Value;

pub use crate::raw::Repr;
use crate::ty::Type;

/// A checked spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The API's title.
    pub title: String,
    /// The API generations, oldest first; endpoints and parameters name them by index.
    pub generations: Vec<Generation>,
    /// Coded values, in the spec's order.
    pub enums: Vec<Enum>,
    /// Response objects, in the spec's order.
    pub models: Vec<Model>,
    /// The calls, in the spec's order.
    pub endpoints: Vec<Endpoint>,
}

impl Spec {
    /// The enum a reference points at.
    pub fn enum_(&self, r: &EnumRef) -> &Enum {
        &self.enums[r.index]
    }

    /// The model a reference points at.
    pub fn model(&self, r: &ModelRef) -> &Model {
        &self.models[r.index]
    }

    /// The endpoint with this wire name.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// The enum with this name.
    pub fn enum_named(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The generation with this short name (`v2`).
    pub fn generation_named(&self, name: &str) -> Option<GenId> {
        self.generations
            .iter()
            .position(|g| g.name == name)
            .map(GenId)
    }

    /// Every generation, oldest first.
    pub fn generation_ids(&self) -> impl Iterator<Item = GenId> + use<> {
        (0..self.generations.len()).map(GenId)
    }

    /// A generation's facts.
    pub fn generation(&self, g: GenId) -> &Generation {
        &self.generations[g.0]
    }
}

/// One of a spec's API generations: which, in [`Spec::generations`] (oldest first). Made only
/// by the linter and the spec's own methods, so it always names a generation of its spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GenId(pub(crate) usize);

impl GenId {
    /// Its place among the spec's generations, from 0 for the oldest.
    pub fn index(self) -> usize {
        self.0
    }
}

/// One generation of the API: its paths, parameters and `version` header.
#[derive(Debug, Clone)]
pub struct Generation {
    /// Its short name (`v1`).
    pub name: String,
    /// The `version` header it is spoken with (`1.0.0`).
    pub version: String,
    /// What it is.
    pub doc: Doc,
}

/// A reference to an enum of the spec (resolved by the linter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumRef {
    pub(crate) index: usize,
    pub(crate) name: String,
}

impl EnumRef {
    /// The enum's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A reference to a model of the spec (resolved by the linter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelRef {
    pub(crate) index: usize,
    pub(crate) name: String,
}

impl ModelRef {
    /// The model's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A description in the document's Chinese and an English reading; both are required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The Chinese original.
    pub zh: String,
    /// The English reading.
    pub en: String,
}

/// An enum of coded values.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Rust type name (PascalCase).
    pub name: String,
    /// How codes travel.
    pub repr: Repr,
    /// What it is.
    pub doc: Doc,
    /// The known values, in the spec's order.
    pub values: Vec<EnumValue>,
}

/// A wire code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Code {
    /// An integer code.
    Int(i64),
    /// A string code.
    Str(String),
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Int(n) => write!(f, "{n}"),
            Code::Str(s) => f.write_str(s),
        }
    }
}

impl Code {
    /// The code as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Code::Int(n) => Value::from(*n),
            Code::Str(s) => Value::from(s.as_str()),
        }
    }
}

/// One known value of an enum.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Rust variant name (PascalCase).
    pub name: String,
    /// The wire code (of the enum's `repr`).
    pub code: Code,
    /// What it means.
    pub doc: Doc,
    /// Whether this state is final.
    pub terminal: bool,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// The generation the value exists in, when only one.
    pub only: Option<GenId>,
}

/// A response object.
#[derive(Debug, Clone)]
pub struct Model {
    /// Rust type name (PascalCase).
    pub name: String,
    /// What it is.
    pub doc: Doc,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// The fields, in wire order.
    pub fields: Vec<Field>,
    /// The fields a table of these shows, in order, as indices into `fields` (empty: the
    /// spec chose none).
    pub columns: Vec<usize>,
}

/// A field of a model.
#[derive(Debug, Clone)]
pub struct Field {
    /// The wire name.
    pub wire: String,
    /// The Rust name (snake case of the wire name unless the spec says otherwise).
    pub rust: String,
    /// The type.
    pub ty: Type,
    /// Absent or `null` allowed.
    pub nullable: bool,
    /// The unit of a number.
    pub unit: Option<String>,
    /// A secret: never shown by `Debug` or logged.
    pub secret: bool,
    /// An `int` the sources give both as a number and as a string of digits: read in either
    /// form, by the client and by `conform` alike.
    pub tolerant: bool,
    /// What it is.
    pub doc: Doc,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
}

/// Whether a parameter must be given.
#[derive(Debug, Clone, PartialEq)]
pub enum Presence {
    /// The caller must give it: an argument of the request's `new` and the client's method.
    Required,
    /// The caller may give it; absent, it is not sent.
    Optional,
    /// Always sent; the caller may change this value (a setter).
    Defaulted(DefaultValue),
}

/// A parameter's default: a value of its type (the lint allows integers, strings, booleans
/// and enum values, each for a parameter of its own type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    /// Of an `int` parameter.
    Int(i64),
    /// Of a `string` or `text` parameter.
    Str(String),
    /// Of a `bool` parameter.
    Bool(bool),
    /// Of an enum parameter: the value, by its name (`All`), and its wire code.
    Enum {
        /// The enum's name (`FrameSelection`).
        ty: String,
        /// The value's name (`All`).
        variant: String,
        /// Its wire code.
        code: Code,
    },
}

impl DefaultValue {
    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            DefaultValue::Int(n) => Value::from(*n),
            DefaultValue::Str(s) => Value::from(s.as_str()),
            DefaultValue::Bool(b) => Value::from(*b),
            DefaultValue::Enum { code, .. } => code.to_json(),
        }
    }
}

impl fmt::Display for DefaultValue {
    /// As JSON (`20`, `"render"`, `false`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// A request parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The wire name.
    pub wire: String,
    /// The Rust name.
    pub rust: String,
    /// The type.
    pub ty: Type,
    /// Required, optional, or sent with a default.
    pub presence: Presence,
    /// Taken as the CLI command's positional argument.
    pub positional: bool,
    /// The unit of a number.
    pub unit: Option<String>,
    /// A string whose content is JSON text (a file's content): the CLI takes it inline, from
    /// `@FILE` or from stdin (`-`), and checks that it parses.
    pub json: bool,
    /// What it is.
    pub doc: Doc,
    /// The parameter set it comes from, if any.
    pub set: Option<String>,
    /// The generation it exists in, when only one.
    pub only: Option<GenId>,
    /// With `Presence::Required`: the generations that require it, when not all do.
    pub required_gens: Option<Vec<GenId>>,
    /// Other wire names a server accepts for it.
    pub aliases: Vec<String>,
    /// The name it is sent under in a generation whose sources name it otherwise.
    pub sent_as: Vec<(GenId, String)>,
    /// Frame ids that may be given by frame number instead (the CLI's `--frames`).
    pub by_number: Option<ByNumber>,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
}

impl Param {
    /// Whether the caller must give it where it exists.
    pub fn is_required(&self) -> bool {
        self.presence == Presence::Required
    }

    /// Whether it exists in generation `g`.
    pub fn exists_in(&self, g: GenId) -> bool {
        self.only.is_none_or(|only| only == g)
    }

    /// Whether the caller must give it in generation `g`.
    pub fn required_in(&self, g: GenId) -> bool {
        self.is_required()
            && self.exists_in(g)
            && self
                .required_gens
                .as_ref()
                .is_none_or(|gens| gens.contains(&g))
    }

    /// Whether every request of generation `g` carries it (required there, or defaulted).
    pub fn always_sent_in(&self, g: GenId) -> bool {
        self.required_in(g)
            || (self.exists_in(g) && matches!(self.presence, Presence::Defaulted(_)))
    }
}

/// Where an endpoint sits on the command line: `renderbus GROUP COMMAND`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliName {
    /// The group (`task`, `frames`, `env`, …).
    pub group: String,
    /// The command within the group (`list`, `stop`, …).
    pub command: String,
}

/// How an endpoint pages: its response is `page<item>` and it takes `pageNum` and `pageSize`.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The type of a page's items.
    pub item: Type,
}

/// Examples of one generation of an endpoint, parsed and checked against its types.
#[derive(Debug, Clone)]
pub struct Examples {
    /// The generation they belong to.
    pub generation: GenId,
    /// A request body.
    pub request: Option<Value>,
    /// A whole reply envelope.
    pub envelope: Option<Value>,
    /// A reply's `data` only.
    pub data: Option<Value>,
    /// Where the examples come from when not the API document.
    pub source: Option<String>,
}

impl Examples {
    /// The reply's `data`, from whichever example holds it.
    pub fn reply_data(&self) -> Option<&Value> {
        self.data
            .as_ref()
            .or_else(|| self.envelope.as_ref().and_then(|e| e.get("data")))
    }
}

/// A document's example that disagrees with the spec on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The example's fixture and line (`v2-document:1235`).
    pub example: String,
    /// The JSON path in the example.
    pub at: String,
    /// Which source says what, and which one the spec follows.
    pub note: String,
}

/// One API call.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The call's name (lowerCamelCase).
    pub name: String,
    /// The URL path of each generation the endpoint exists in, oldest generation first.
    pub paths: Vec<(GenId, String)>,
    /// Other paths sources give for the call (not spoken): `(path, source)`.
    pub documented_paths: Vec<(String, String)>,
    /// Examples of the documents that disagree with the spec on purpose.
    pub disagreements: Vec<Disagreement>,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// Where it sits on the command line.
    pub cli: CliName,
    /// A read: safe to retry.
    pub idempotent: bool,
    /// The reply carries a secret: never logged.
    pub secret: bool,
    /// A write whose effect cannot be undone (abort, delete); linted to be a write.
    pub destructive: bool,
    /// Where the call is described when not in the API document.
    pub source: Option<String>,
    /// What it does.
    pub doc: Doc,
    /// The request body's parameters (parameter sets expanded), in wire order.
    pub params: Vec<Param>,
    /// The type of the envelope's `data`.
    pub response: Type,
    /// How it pages, when it does.
    pub pagination: Option<Pagination>,
    /// Examples, one set per generation that has some.
    pub examples: Vec<Examples>,
    /// For a write: the read that shows whether it took effect (`None` for reads).
    pub read_back: Option<ReadBack>,
}

/// Frame ids given by frame number: the task's parameter, and the selection parameter and its
/// enum value that mean "the listed frames" (linted to exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByNumber {
    /// The `int` parameter holding the task.
    pub task: String,
    /// The enum parameter that selects frames.
    pub select: String,
    /// Its variant meaning "the listed frames" (a Rust variant name of its enum).
    pub value: String,
}

/// What shows whether a write took effect.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadBack {
    /// No read does; why.
    None(String),
    /// This read does.
    Read(ReadBackRead),
}

/// A read that shows whether a write took effect (see `render_api_types::ReadBack`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadBackRead {
    /// The read's endpoint name.
    pub read: String,
    /// The read's path in each generation the read-back holds in, oldest first.
    pub paths: Vec<(GenId, String)>,
    /// `(read parameter, write parameter, wrap the value in a list)`.
    pub params: Vec<(String, String, bool)>,
    /// Where the reply's items are.
    pub items: ItemsAt,
    /// `(item field, write parameter)`.
    pub key: Option<(String, String)>,
    /// The items there (`true`) or gone (`false`).
    pub present: bool,
    /// `(item field, what it must be)`.
    pub checks: Vec<(String, Is)>,
}

/// Where a read's reply holds its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemsAt {
    /// A page's `items`.
    Page,
    /// `data`, a list.
    List,
    /// `data.<field>`.
    Field(String),
    /// `data` is the one item.
    Whole,
}

/// What a read-back's item field must be; wire values.
#[derive(Debug, Clone, PartialEq)]
pub enum Is {
    /// One of these.
    In(Vec<Value>),
    /// None of these.
    NotIn(Vec<Value>),
    /// The write's parameter's value.
    Param(String),
}

impl Endpoint {
    /// Its path in generation `g`, if it exists there.
    pub fn path_in(&self, g: GenId) -> Option<&str> {
        self.paths
            .iter()
            .find(|(at, _)| *at == g)
            .map(|(_, p)| p.as_str())
    }

    /// The generations it exists in, oldest first.
    pub fn generations(&self) -> impl Iterator<Item = GenId> + '_ {
        self.paths.iter().map(|(g, _)| *g)
    }

    /// Whether a parameter is required wherever the endpoint exists: an argument of the
    /// request's `new`. (One required in a single generation is an argument of that
    /// generation's client method only, and optional in the request type.)
    pub fn required_everywhere(&self, p: &Param) -> bool {
        p.is_required() && self.generations().all(|g| p.required_in(g))
    }

    /// The parameters every request carries, in wire order: `new`'s arguments.
    pub fn required(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| self.required_everywhere(p))
    }

    /// The parameters the caller must give in generation `g`, in wire order.
    pub fn required_in(&self, g: GenId) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.required_in(g))
    }

    /// The parameters set through setters in generation `g` (optional or defaulted there).
    pub fn settable_in(&self, g: GenId) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(move |p| p.exists_in(g) && !p.required_in(g))
    }

    /// The parameters a request type holds as `Option` or with a default, set by setters.
    pub fn settable(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !self.required_everywhere(p))
    }

    /// Whether a parameter is an `Option` in the request type.
    pub fn is_optional_field(&self, p: &Param) -> bool {
        match p.presence {
            Presence::Optional => true,
            Presence::Required => !self.required_everywhere(p),
            Presence::Defaulted(_) => false,
        }
    }

    /// The CLI's positional parameter, if any.
    pub fn positional(&self) -> Option<&Param> {
        self.params.iter().find(|p| p.positional)
    }
}
