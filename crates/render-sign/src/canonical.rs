//! Stage 1: the flattened, sorted parameters (headers and body).

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

use serde_json::{Number, Value};

use crate::{HeaderSet, SignError};

/// A parameter's value in the canonical form: strings raw, everything else as its JSON text.
///
/// `Display` writes exactly what goes into the string to sign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue<'a> {
    /// A string, signed as its raw UTF-8 text (no quotes, no escaping).
    Str(&'a str),
    /// A number, signed as its JSON text (`2`, `-7`, `1.5`).
    Num(&'a Number),
    /// A boolean, signed as `true` or `false`. The API's requests never carry one.
    Bool(bool),
    /// A JSON `null`, signed as `null`. The API's requests never carry one.
    Null,
}

impl ParamValue<'_> {
    /// Writes the value's signed text, sparing integers (the common case) the `fmt` machinery.
    fn write_to<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        match self {
            ParamValue::Str(s) => out.write_str(s),
            ParamValue::Num(n) => {
                let mut buf = itoa::Buffer::new();
                if let Some(u) = n.as_u64() {
                    out.write_str(buf.format(u))
                } else if let Some(i) = n.as_i64() {
                    out.write_str(buf.format(i))
                } else {
                    write!(out, "{n}")
                }
            }
            ParamValue::Bool(true) => out.write_str("true"),
            ParamValue::Bool(false) => out.write_str("false"),
            ParamValue::Null => out.write_str("null"),
        }
    }
}

impl fmt::Display for ParamValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// Where a flattened key's text lives: borrowed from the input, or built in the arena.
#[derive(Debug, Clone)]
enum Key<'a> {
    Borrowed(&'a str),
    Arena(Range<usize>),
}

/// The custom headers and the body's parameters, flattened and sorted byte-wise by key.
///
/// Flattening follows the API document: an object's child is `parent.child`, an array element
/// is the array's key directly followed by its index (`renderEnvs0.pluginIds2`), and an empty
/// array or object contributes nothing. `Display` writes the joined form `k=v&k=v…`.
///
/// Nested keys are built in one buffer and values are borrowed from the body, so building this
/// allocates two vectors whatever the body's size.
#[derive(Debug, Clone)]
pub struct CanonicalParams<'a> {
    arena: String,
    pairs: Vec<(Key<'a>, ParamValue<'a>)>,
}

impl<'a> CanonicalParams<'a> {
    /// Flattens and sorts the headers and the body.
    ///
    /// A body key equal to a header name replaces that header here, whatever its value: the
    /// service's own clients merge the body into the headers with the body winning (version
    /// 2's `taskRecord` sends `platform` in its body), so that is what the service checks.
    ///
    /// Fails when the body is not a JSON object, or when two of the body's parameters flatten
    /// to the same key (`{"a": {"b": 1}, "a.b": 2}`): which one counts would be a guess.
    pub fn new(headers: &'a HeaderSet, body: &'a Value) -> Result<Self, SignError> {
        let Value::Object(object) = body else {
            return Err(SignError::BodyNotAnObject {
                found: json_kind(body),
            });
        };
        let mut params = CanonicalParams {
            arena: String::new(),
            pairs: Vec::with_capacity(HeaderSet::SIGNED_COUNT + object.len()),
        };
        for (name, value) in headers.iter() {
            if !object.contains_key(name) {
                params
                    .pairs
                    .push((Key::Borrowed(name), ParamValue::Str(value)));
            }
        }
        // Top-level scalars are taken directly; containers are walked depth-first with an
        // explicit stack, so arbitrarily deep input cannot overflow ours.
        let mut stack: Vec<(Key<'a>, &'a Value)> = Vec::new();
        for (name, value) in object {
            params.visit(Key::Borrowed(name.as_str()), value, &mut stack);
        }
        while let Some((key, value)) = stack.pop() {
            match value {
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        let child = params.child_key(&key, None, index);
                        params.visit(child, item, &mut stack);
                    }
                }
                Value::Object(fields) => {
                    for (name, item) in fields {
                        let child = params.child_key(&key, Some(name), 0);
                        params.visit(child, item, &mut stack);
                    }
                }
                scalar => params.visit(key, scalar, &mut stack),
            }
        }
        let arena = &params.arena;
        params
            .pairs
            .sort_unstable_by(|a, b| compare(resolve(arena, &a.0), resolve(arena, &b.0)));
        if let Some(window) = params
            .pairs
            .windows(2)
            .find(|w| resolve(arena, &w[0].0) == resolve(arena, &w[1].0))
        {
            return Err(SignError::DuplicateKey {
                key: resolve(arena, &window[0].0).to_owned(),
            });
        }
        Ok(params)
    }

    /// Records a scalar, or queues a container for flattening.
    fn visit(&mut self, key: Key<'a>, value: &'a Value, stack: &mut Vec<(Key<'a>, &'a Value)>) {
        let scalar = match value {
            Value::String(s) => ParamValue::Str(s),
            Value::Number(n) => ParamValue::Num(n),
            Value::Bool(b) => ParamValue::Bool(*b),
            Value::Null => ParamValue::Null,
            Value::Array(items) if items.is_empty() => return,
            Value::Object(fields) if fields.is_empty() => return,
            container => return stack.push((key, container)),
        };
        self.pairs.push((key, scalar));
    }

    /// Builds `parent.name` (for an object's field) or `parent{index}` (for an array element)
    /// in the arena.
    fn child_key(&mut self, parent: &Key<'a>, name: Option<&str>, index: usize) -> Key<'a> {
        let start = self.arena.len();
        match parent {
            Key::Borrowed(s) => self.arena.push_str(s),
            Key::Arena(range) => self.arena.extend_from_within(range.clone()),
        }
        match name {
            Some(name) => {
                self.arena.push('.');
                self.arena.push_str(name);
            }
            None => push_decimal(&mut self.arena, index),
        }
        Key::Arena(start..self.arena.len())
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no parameters (never the case once headers are included).
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The parameters in signing order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, ParamValue<'a>)> + '_ {
        self.pairs
            .iter()
            .map(|(k, v)| (resolve(&self.arena, k), *v))
    }

    /// Writes `k=v&k=v…` to `out`.
    pub(crate) fn write_joined<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        for (i, (key, value)) in self.iter().enumerate() {
            if i > 0 {
                out.write_char('&')?;
            }
            out.write_str(key)?;
            out.write_char('=')?;
            value.write_to(out)?;
        }
        Ok(())
    }
}

impl fmt::Display for CanonicalParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_joined(f)
    }
}

/// Appends `n` in decimal without going through `fmt`.
fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

fn resolve<'s>(arena: &'s str, key: &'s Key<'_>) -> &'s str {
    match key {
        Key::Borrowed(s) => s,
        Key::Arena(range) => &arena[range.clone()],
    }
}

/// Byte-wise (ASCII) order: `UTCTimestamp` < `accessId`, `ids10` < `ids2`.
fn compare(a: &str, b: &str) -> Ordering {
    a.as_bytes().cmp(b.as_bytes())
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
