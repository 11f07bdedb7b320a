//! The spec as written: the YAML's own structure (read with serde), loading, and locating
//! errors in the text. Only the linter reads this; everything else reads the checked model.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole spec, as written in `api-spec.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The API's title.
    pub title: String,
    /// The API generations, oldest first (each with its `version` header).
    pub generations: Vec<GenerationDef>,
    /// Coded values.
    #[serde(default)]
    pub enums: Vec<EnumDef>,
    /// Response objects.
    #[serde(default)]
    pub models: Vec<ModelDef>,
    /// Parameters that several endpoints share, declared once.
    #[serde(default)]
    pub param_sets: Vec<ParamSetDef>,
    /// One per call.
    #[serde(default)]
    pub endpoints: Vec<EndpointDef>,
}

/// One generation of the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationDef {
    /// Its short name (`v1`), used on endpoints and parameters.
    pub name: String,
    /// The `version` header it is spoken with (`1.0.0`).
    pub version: String,
    /// Chinese description.
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
}

/// Parameters that several endpoints take alike (`uses: [Name]` on an endpoint).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSetDef {
    /// The set's name (PascalCase).
    pub name: String,
    /// Chinese description.
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
    /// The parameters.
    pub params: Vec<ParamDef>,
}

/// How an enum travels on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Repr {
    /// As a JSON number.
    Integer,
    /// As a JSON string.
    String,
}

/// An enum of coded values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    /// Rust type name (PascalCase).
    pub name: String,
    /// Wire representation.
    pub repr: Repr,
    /// Chinese description (the document's).
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
    /// The known values.
    pub values: Vec<EnumValue>,
}

/// One known value of an enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// Rust variant name (PascalCase).
    pub name: String,
    /// The wire code: an integer or a string, as the enum's `repr` says.
    pub value: serde_yaml::Value,
    /// Chinese meaning.
    pub zh: Option<String>,
    /// English meaning.
    pub en: Option<String>,
    /// Whether this state is final (task and frame states).
    #[serde(default)]
    pub terminal: bool,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// The generation the value exists in, when only one.
    pub only: Option<String>,
}

/// A response object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    /// Rust type name (PascalCase).
    pub name: String,
    /// Chinese description.
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// The fields, in wire order.
    pub fields: Vec<FieldDef>,
    /// The fields a table of these shows, in order: what a user looks for first (default: the
    /// first fields that fit in a cell).
    #[serde(default)]
    pub columns: Vec<String>,
}

/// A field of a model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The wire name.
    pub name: String,
    /// The type expression (`int`, `list<TaskInfo>?`, …).
    #[serde(rename = "type")]
    pub ty: String,
    /// A Rust name to use instead of the wire name's snake case.
    pub rust: Option<String>,
    /// The unit of a number (`hours`, `seconds`, `milliseconds`).
    pub unit: Option<String>,
    /// Whether the value is a secret that `Debug` must not show.
    #[serde(default)]
    pub secret: bool,
    /// An `int` field that sources give both as a number and as a string of digits: read in
    /// either form (its notes cite both).
    #[serde(default)]
    pub tolerant: bool,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// Chinese description.
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
}

/// A request parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    /// The wire name.
    pub name: String,
    /// The type expression (no `?`: use `required: false`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the parameter must be given: `true` (the default), `false`, or the
    /// generations that require it (`[v1]`).
    #[serde(default = "yes")]
    pub required: RequiredDef,
    /// A value sent when the caller gives none: the parameter is then set by a setter.
    pub default: Option<serde_yaml::Value>,
    /// The CLI takes it as the command's positional argument.
    #[serde(default)]
    pub positional: bool,
    /// The generation the parameter exists in, when only one.
    pub only: Option<String>,
    /// Other wire names a server accepts for it (what some client sends instead).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The name it is sent under in a generation whose sources name it otherwise
    /// (`{v1: taskIds}`); each such name is also one of its `aliases`.
    #[serde(default)]
    pub sent_as: std::collections::BTreeMap<String, String>,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// A Rust name to use instead of the wire name's snake case.
    pub rust: Option<String>,
    /// The unit of a number.
    pub unit: Option<String>,
    /// A string whose content is JSON text (a file's content): the CLI takes it inline, from
    /// `@FILE`, or from stdin with `-`, and checks that it parses before sending it.
    #[serde(default)]
    pub json: bool,
    /// Frame ids that may be given by frame number instead (the CLI's `--frames LIST`): the
    /// parameter holding the task, and the value of a selection parameter that says "the
    /// listed frames": `{task: taskId, select: selectAll, value: Listed}`.
    pub by_number: Option<ByNumberDef>,
    /// Chinese description.
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
}

fn yes() -> RequiredDef {
    RequiredDef::Always(true)
}

/// A parameter's `required`: everywhere or nowhere, or in the generations named.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RequiredDef {
    /// `true` or `false`.
    Always(bool),
    /// The generations that require it.
    In(Vec<String>),
}

/// One API call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    /// The call's name (lowerCamelCase, as in the path).
    pub name: String,
    /// The URL path in every generation the endpoint exists in (or use `paths`).
    pub path: Option<String>,
    /// The URL path per generation (`{v1: …, v2: …}`); a generation not named lacks it.
    pub paths: Option<std::collections::BTreeMap<String, String>>,
    /// Where sources disagree, or what else a user should know.
    pub notes: Option<String>,
    /// Paths a source gives for the call that are not the ones spoken (a document's other
    /// path), each with the source that gives it.
    #[serde(default)]
    pub documented_paths: Vec<DocumentedPath>,
    /// Where an example of a document disagrees with this spec, on purpose: the example
    /// (`v2-document:1235`, a fixture of `tests/examples/` and its line), the JSON path, and
    /// why the spec says otherwise.
    #[serde(default)]
    pub disagreements: Vec<Disagreement>,
    /// The CLI group (`task`, `frames`, `env`, …).
    pub group: String,
    /// The CLI command within the group (`list`, `info`, …).
    pub command: String,
    /// Safe to retry: a read.
    pub idempotent: bool,
    /// The reply carries a secret: never log it.
    #[serde(default)]
    pub secret: bool,
    /// A write whose effect cannot be undone (abort, delete): tools ask before they call it.
    #[serde(default)]
    pub destructive: bool,
    /// Where the call is documented when not in the API document.
    pub source: Option<String>,
    /// Chinese description.
    pub zh: Option<String>,
    /// English reading.
    pub en: Option<String>,
    /// Parameter sets whose parameters come first, in this order.
    #[serde(default)]
    pub uses: Vec<String>,
    /// The request body's own parameters.
    #[serde(default)]
    pub params: Vec<ParamDef>,
    /// The type of the envelope's `data`.
    pub response: String,
    /// Examples (of the first generation the endpoint exists in, unless they say `for`).
    pub examples: Option<Examples>,
    /// More examples, each for the generation its `for` names.
    #[serde(default)]
    pub more_examples: Vec<Examples>,
    /// For a write: the read that shows whether it took effect, or why none does.
    pub read_back: Option<ReadBackDef>,
}

/// How frame ids are given by frame number: see [`ParamDef::by_number`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByNumberDef {
    /// The `int` parameter holding the task whose frames the numbers are of.
    pub task: String,
    /// The enum parameter that says which frames are meant.
    pub select: String,
    /// Its value meaning "the listed frames".
    pub value: String,
}

/// A write's read-back: `{none: why}`, or a read and what it must show.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadBackDef {
    /// Why no read shows the write's effect (then nothing else is given).
    pub none: Option<String>,
    /// The read (an idempotent endpoint).
    pub read: Option<String>,
    /// The one generation the read-back holds in (default: every generation of the write).
    pub only: Option<String>,
    /// The read's parameters, each from a parameter of the write: `{taskIds: taskId}`.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
    /// `{item field: write parameter}`: the items that belong to the write.
    pub key: Option<std::collections::BTreeMap<String, String>>,
    /// `present` or `absent`.
    pub expect: Option<String>,
    /// What each item must show (with `present`): `{taskStatus: {in: [Stop]}}`.
    #[serde(default, rename = "where")]
    pub checks: std::collections::BTreeMap<String, WhereDef>,
}

/// What a read-back's item field must be: one of `in`, `not_in` (values of the field's type;
/// an enum's names) or `param` (the value the write sent in that parameter).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhereDef {
    /// One of these.
    #[serde(rename = "in")]
    pub one_of: Option<Vec<serde_yaml::Value>>,
    /// None of these.
    pub not_in: Option<Vec<serde_yaml::Value>>,
    /// The write's parameter.
    pub param: Option<String>,
}

/// A path a source gives for a call, which is not the one spoken.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentedPath {
    /// The path.
    pub path: String,
    /// Which source gives it (`v2 document, line 709`).
    pub source: String,
}

/// A document's example that disagrees with the spec, and why the spec is right.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disagreement {
    /// The example: its fixture's name and line (`v2-document:1235`).
    pub example: String,
    /// The JSON path in the example (`$.data.items[0].labels`, `$` for the whole example).
    pub at: String,
    /// Which source says what, and which one the spec follows.
    pub note: String,
}

/// An endpoint's examples, as JSON text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// A request body.
    pub request: Option<String>,
    /// A whole reply envelope.
    pub response: Option<String>,
    /// A reply's `data` only.
    pub data: Option<String>,
    /// Where the examples come from when not the document (`hand-written` when ours).
    pub source: Option<String>,
    /// The generation they belong to.
    #[serde(rename = "for")]
    pub generation: Option<String>,
}

/// Something wrong with the spec, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file.
    pub file: PathBuf,
    /// 1-based line, when it could be found.
    pub line: Option<usize>,
    /// The YAML path (`endpoints[createTask].params[count]`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All the errors found in one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// A spec with its source text, for locating errors.
pub struct Loaded {
    /// The parsed spec.
    pub spec: Spec,
    /// The file it came from.
    pub file: PathBuf,
    /// Its text.
    pub text: String,
}

impl Loaded {
    /// An error at a YAML path, located in the text.
    pub fn error(&self, path: &[Seg<'_>], message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            line: locate(&self.text, path),
            path: render_path(path),
            message: message.into(),
        }
    }
}

/// Reads and parses a spec file; a parse error carries the YAML's own location.
pub fn load(file: &Path) -> Result<Loaded, SpecErrors> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        SpecErrors(vec![SpecError {
            file: file.to_path_buf(),
            line: None,
            path: String::new(),
            message: format!("cannot read the spec: {e}"),
        }])
    })?;
    parse(file, text)
}

/// Parses spec text read from `file`.
pub fn parse(file: &Path, text: String) -> Result<Loaded, SpecErrors> {
    match serde_yaml::from_str::<Spec>(&text) {
        Ok(spec) => Ok(Loaded {
            spec,
            file: file.to_path_buf(),
            text,
        }),
        Err(e) => Err(SpecErrors(vec![SpecError {
            file: file.to_path_buf(),
            line: e.location().map(|l| l.line()),
            path: String::new(),
            message: format!("the spec does not parse: {e}"),
        }])),
    }
}

/// One step of a YAML path: a mapping key, or a list item found by its `name`.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// The list item whose `name` is this.
    Named(&'a str),
}

fn render_path(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Named(n) => {
                out.push('[');
                out.push_str(n);
                out.push(']');
            }
        }
    }
    out
}

/// Finds the 1-based line a YAML path points at, walking the text by indentation.
///
/// The spec is written in block style with list items as `- name: x` or `- {name: x, …}`,
/// which is all this needs to understand; where it cannot follow, it returns the deepest line
/// it found.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0usize;
    let mut parent_indent: isize = -1;
    let mut found = None;
    for seg in path {
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(from) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = (line.len() - trimmed.len()) as isize;
            if indent <= parent_indent && i > from {
                break;
            }
            let item = trimmed
                .strip_prefix("- ")
                .map(|s| s.trim_start_matches('{'));
            let matched = match seg {
                Seg::Key(k) => {
                    let body = item.unwrap_or(trimmed);
                    body.strip_prefix(k).is_some_and(|r| r.starts_with(':'))
                }
                Seg::Named(n) => item.is_some_and(|body| {
                    body.strip_prefix("name:")
                        .map(|r| r.trim_start().trim_matches('"'))
                        .is_some_and(|r| {
                            r.strip_prefix(n).is_some_and(|rest| {
                                rest.is_empty() || rest.starts_with(',') || rest.starts_with('"')
                            })
                        })
                }),
            };
            if matched {
                hit = Some((i, indent));
                break;
            }
        }
        match hit {
            Some((i, indent)) => {
                found = Some(i + 1);
                from = i;
                parent_indent = indent;
                // A list item's own keys sit deeper than its dash.
                if matches!(seg, Seg::Named(_)) {
                    parent_indent = indent;
                }
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "models:\n  - name: A\n    fields:\n      - {name: x, type: int}\n  - name: B\n    fields:\n      - {name: x, type: Foo}\nendpoints:\n  - name: e\n    response: A\n";

    #[test]
    fn locates_keys_and_named_items() {
        use Seg::*;
        assert_eq!(locate(TEXT, &[Key("models")]), Some(1));
        assert_eq!(locate(TEXT, &[Key("models"), Named("B")]), Some(5));
        assert_eq!(
            locate(
                TEXT,
                &[Key("models"), Named("B"), Key("fields"), Named("x")]
            ),
            Some(7)
        );
        assert_eq!(
            locate(TEXT, &[Key("endpoints"), Named("e"), Key("response")]),
            Some(10)
        );
        assert_eq!(
            render_path(&[Key("models"), Named("B"), Key("fields"), Named("x")]),
            "models[B].fields[x]"
        );
    }
}
