//! Types: the expressions written in the spec (`list<TaskInfo>?`) and the resolved [`Type`]
//! every tool reads. Everything that depends on the kind of a type is a method here, each one
//! an exhaustive `match`, so a new kind is pointed out by the compiler wherever it matters.

use std::fmt;

use serde_json::Value;

use crate::model::{EnumRef, ModelRef, Repr, Spec};

/// A type as written in the spec, before names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Syntax {
    Int,
    Str,
    Text,
    Bool,
    Decimal,
    EpochMs,
    Json,
    Ack,
    List(Box<Syntax>),
    Page(Box<Syntax>),
    Named(String),
}

/// Parses a type expression; the flag is a trailing `?` (nullable).
pub(crate) fn parse(text: &str) -> Result<(Syntax, bool), String> {
    let text = text.trim();
    match text.strip_suffix('?') {
        Some(body) => Ok((parse_syntax(body)?, true)),
        None => Ok((parse_syntax(text)?, false)),
    }
}

const KEYWORDS: &[(&str, Syntax)] = &[
    ("int", Syntax::Int),
    ("string", Syntax::Str),
    ("text", Syntax::Text),
    ("bool", Syntax::Bool),
    ("decimal", Syntax::Decimal),
    ("epoch_ms", Syntax::EpochMs),
    ("json", Syntax::Json),
    ("ack", Syntax::Ack),
];

fn parse_syntax(text: &str) -> Result<Syntax, String> {
    let text = text.trim();
    for (prefix, wrap) in [
        ("list<", Syntax::List as fn(Box<Syntax>) -> Syntax),
        ("page<", Syntax::Page as fn(Box<Syntax>) -> Syntax),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let inner = rest
                .strip_suffix('>')
                .ok_or_else(|| format!("`{text}` is missing its closing `>`"))?;
            return Ok(wrap(Box::new(parse_syntax(inner)?)));
        }
    }
    if let Some((_, ty)) = KEYWORDS.iter().find(|(k, _)| *k == text) {
        return Ok(ty.clone());
    }
    if text.is_empty() {
        return Err("the type is empty".into());
    }
    if text.chars().all(|c| c.is_ascii_alphanumeric())
        && text.starts_with(|c: char| c.is_ascii_uppercase())
    {
        return Ok(Syntax::Named(text.to_owned()));
    }
    let words: Vec<&str> = KEYWORDS.iter().map(|(k, _)| *k).collect();
    Err(format!(
        "`{text}` is not a type: use {}, list<T>, page<T> or an enum or model name",
        words.join(", ")
    ))
}

/// A resolved type: every name is known to be an enum or a model of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// A 64-bit integer.
    Int,
    /// A string.
    Str,
    /// A string the service sometimes sends as a number.
    Text,
    /// A boolean.
    Bool,
    /// Money, exact as a decimal.
    Decimal,
    /// Milliseconds since the Unix epoch.
    EpochMs,
    /// Any JSON.
    Json,
    /// A write's acknowledgement: whatever `data` the service sends with its success code
    /// (`null`, `"SUCCESS"`, `"成功"`, an object), kept as received; a response only.
    Ack,
    /// A list.
    List(Box<Type>),
    /// A page of items (`{pageCount, pageNum, total, size, items}`); a response only.
    Page(Box<Type>),
    /// An enum of the spec.
    Enum(EnumRef),
    /// A model of the spec; a response (or part of one) only.
    Model(ModelRef),
}

/// Where a type is used, for [`Type::fits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A request parameter.
    Param,
    /// A field of a model.
    Field,
    /// The `data` of a reply.
    Response,
}

impl Type {
    /// Whether a value of this type shows in a table cell: scalars, and lists (summarised).
    pub fn fits_a_cell(&self) -> bool {
        !matches!(
            self,
            Type::Json | Type::Ack | Type::Page(_) | Type::Model(_)
        )
    }

    /// Why this type cannot be used at `position`, if it cannot.
    pub fn fits(&self, position: Position) -> Result<(), String> {
        match (self, position) {
            (Type::Ack | Type::Page(_), Position::Param | Position::Field) => {
                Err(format!("`{self}` can only be a response type"))
            }
            (Type::Model(m), Position::Param) => Err(format!(
                "a parameter cannot be the model `{}`: models are responses",
                m.name()
            )),
            (Type::List(inner), _) => inner.fits(match position {
                Position::Response => Position::Field,
                other => other,
            }),
            (
                Type::Int
                | Type::Str
                | Type::Text
                | Type::Bool
                | Type::Decimal
                | Type::EpochMs
                | Type::Json
                | Type::Ack
                | Type::Page(_)
                | Type::Enum(_)
                | Type::Model(_),
                _,
            ) => Ok(()),
        }
    }

    /// What a reader of the generated docs should know about values of this type.
    pub fn note(&self) -> &'static str {
        match self {
            Type::EpochMs => "Milliseconds since the Unix epoch.",
            Type::Decimal => "Money, exact as a decimal.",
            Type::Text => "Sent by the service as a string or a number.",
            Type::Int
            | Type::Str
            | Type::Bool
            | Type::Json
            | Type::Ack
            | Type::List(_)
            | Type::Page(_)
            | Type::Enum(_)
            | Type::Model(_) => "",
        }
    }

    /// The element type of a list, if this is one.
    pub fn list_item(&self) -> Option<&Type> {
        match self {
            Type::List(inner) => Some(inner),
            _ => None,
        }
    }

    /// The enums and models this type mentions, outermost first.
    pub fn refs(&self) -> Vec<Ref<'_>> {
        match self {
            Type::Enum(e) => vec![Ref::Enum(e)],
            Type::Model(m) => vec![Ref::Model(m)],
            Type::List(inner) | Type::Page(inner) => inner.refs(),
            Type::Int
            | Type::Str
            | Type::Text
            | Type::Bool
            | Type::Decimal
            | Type::EpochMs
            | Type::Json
            | Type::Ack => Vec::new(),
        }
    }

    /// Checks that `value` is of this type (`nullable`: `null` or absent is allowed too),
    /// recording one message per mismatch, each starting with its JSON path `at`. Lenient as
    /// a client reads: a code an enum does not know is accepted.
    pub fn check(
        &self,
        spec: &Spec,
        value: &Value,
        nullable: bool,
        at: &str,
        out: &mut Vec<String>,
    ) {
        let mut walk = Walk {
            spec,
            strict: false,
            findings: Vec::new(),
            seen: Vec::new(),
        };
        walk.value(self, value, nullable, at);
        out.extend(walk.findings.into_iter().map(|f| f.message));
    }

    /// Checks `value` strictly, as a conformance checker does: besides what [`check`] finds,
    /// codes an enum does not know are findings. Also lists every enum value seen.
    ///
    /// [`check`]: Type::check
    pub fn check_strict(&self, spec: &Spec, value: &Value, nullable: bool, at: &str) -> Checked {
        let mut walk = Walk {
            spec,
            strict: true,
            findings: Vec::new(),
            seen: Vec::new(),
        };
        walk.value(self, value, nullable, at);
        Checked {
            findings: walk.findings,
            enum_values: walk.seen,
        }
    }
}

/// Where a value differs from its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The JSON path (`data.items[0].taskStatus`).
    pub at: String,
    /// What the spec says belongs there.
    pub expected: String,
    /// What was there.
    pub got: String,
    /// The whole message.
    pub message: String,
}

/// What a strict check found.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Every mismatch.
    pub findings: Vec<Finding>,
    /// Every enum value met: the enum's name and the code as text.
    pub enum_values: Vec<(String, String)>,
}

struct Walk<'s> {
    spec: &'s Spec,
    strict: bool,
    findings: Vec<Finding>,
    seen: Vec<(String, String)>,
}

impl Walk<'_> {
    fn find(&mut self, at: String, expected: String, got: String, message: String) {
        self.findings.push(Finding {
            at,
            expected,
            got,
            message,
        });
    }

    fn value(&mut self, ty: &Type, value: &Value, nullable: bool, at: &str) {
        if value.is_null() && (nullable || matches!(ty, Type::Ack | Type::Json)) {
            return;
        }
        let ok = match ty {
            Type::Int | Type::EpochMs => value.is_i64() || value.is_u64(),
            Type::Str => value.is_string(),
            Type::Text => value.is_string() || value.is_number(),
            Type::Bool => value.is_boolean(),
            Type::Decimal => value.is_number(),
            Type::Json => true,
            Type::Ack => true,
            Type::List(inner) => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.value(inner, item, false, &format!("{at}[{i}]"));
                    }
                    true
                }
                _ => false,
            },
            Type::Page(inner) => match value {
                Value::Object(map) => {
                    for key in PAGE_COUNTS {
                        if !map.get(key).is_some_and(|n| n.is_i64() || n.is_u64()) {
                            let got = map.get(key).map_or("nothing".into(), ToString::to_string);
                            self.find(
                                format!("{at}.{key}"),
                                "an integer".into(),
                                got,
                                format!("{at}.{key}: a page needs an integer `{key}`"),
                            );
                        }
                    }
                    for (key, v) in map {
                        if key != "items" && !PAGE_COUNTS.contains(&key.as_str()) {
                            self.find(
                                format!("{at}.{key}"),
                                "no such field".into(),
                                v.to_string(),
                                format!("{at}.{key}: not a field of a page"),
                            );
                        }
                    }
                    let items = map.get("items").unwrap_or(&Value::Null);
                    self.value(
                        &Type::List(inner.clone()),
                        items,
                        false,
                        &format!("{at}.items"),
                    );
                    true
                }
                _ => false,
            },
            Type::Enum(e) => {
                let en = self.spec.enum_(e);
                let fits = match en.repr {
                    // The service takes numeric strings for integer codes.
                    Repr::Integer => {
                        value.is_i64() || value.as_str().is_some_and(|s| s.parse::<i64>().is_ok())
                    }
                    Repr::String => value.is_string(),
                };
                if fits {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    let known = en.values.iter().any(|v| v.code.to_string() == text);
                    self.seen.push((en.name.clone(), text.clone()));
                    if self.strict && !known {
                        let codes: Vec<String> =
                            en.values.iter().map(|v| v.code.to_string()).collect();
                        self.find(
                            at.to_owned(),
                            format!("a code of {} ({})", en.name, codes.join(", ")),
                            text.clone(),
                            format!("{at}: {text} is not a code of {}", en.name),
                        );
                    }
                }
                fits
            }
            Type::Model(m) => match value {
                Value::Object(map) => {
                    let model = self.spec.model(m);
                    for (key, v) in map {
                        if !model.fields.iter().any(|f| &f.wire == key) {
                            self.find(
                                format!("{at}.{key}"),
                                format!("no such field in {}", model.name),
                                v.to_string(),
                                format!(
                                    "{at}.{key}: the model `{}` has no field `{key}`",
                                    model.name
                                ),
                            );
                        }
                    }
                    for f in &model.fields {
                        let path = format!("{at}.{}", f.wire);
                        match map.get(&f.wire) {
                            None if !f.nullable => {
                                let message = format!(
                                    "{path}: the model `{}` requires this field",
                                    model.name
                                );
                                self.find(
                                    path,
                                    format!("{} (required)", f.ty),
                                    "nothing".into(),
                                    message,
                                );
                            }
                            None => {}
                            // Sources give it as a number and as digits: either is the spec's.
                            Some(Value::String(digits))
                                if f.tolerant && digits.trim().parse::<i64>().is_ok() => {}
                            Some(v) => self.value(&f.ty, v, f.nullable, &path),
                        }
                    }
                    true
                }
                _ => false,
            },
        };
        if !ok {
            let expected = if nullable {
                format!("{ty} or null")
            } else {
                ty.to_string()
            };
            self.find(
                at.to_owned(),
                expected,
                value.to_string(),
                format!("{at}: expected {ty}, found {value}"),
            );
        }
    }
}

/// The integer members of a page, besides its `items`.
pub const PAGE_COUNTS: [&str; 4] = ["pageCount", "pageNum", "total", "size"];

/// An enum or a model a type mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref<'a> {
    /// An enum.
    Enum(&'a EnumRef),
    /// A model.
    Model(&'a ModelRef),
}

impl fmt::Display for Type {
    /// The spec's own spelling (`list<TaskInfo>`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("int"),
            Type::Str => f.write_str("string"),
            Type::Text => f.write_str("text"),
            Type::Bool => f.write_str("bool"),
            Type::Decimal => f.write_str("decimal"),
            Type::EpochMs => f.write_str("epoch_ms"),
            Type::Json => f.write_str("json"),
            Type::Ack => f.write_str("ack"),
            Type::List(inner) => write!(f, "list<{inner}>"),
            Type::Page(inner) => write!(f, "page<{inner}>"),
            Type::Enum(e) => f.write_str(e.name()),
            Type::Model(m) => f.write_str(m.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_and_nullable() {
        assert_eq!(
            parse("list<list<GrabInfo>>?").unwrap(),
            (
                Syntax::List(Box::new(Syntax::List(Box::new(Syntax::Named(
                    "GrabInfo".into()
                ))))),
                true
            )
        );
        assert_eq!(
            parse("page<int>").unwrap().0,
            Syntax::Page(Box::new(Syntax::Int))
        );
        assert!(parse("list<int").unwrap_err().contains("closing"));
        let err = parse("integer").unwrap_err();
        assert!(
            err.contains("not a type") && err.contains("epoch_ms"),
            "{err}"
        );
    }
}
