//! Type expressions of the spec: `int`, `list<TaskInfo>`, `page<FrameInfo>`, `Zone?`, …

use std::fmt;

/// A type without its nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A 64-bit integer.
    Int,
    /// A string.
    Str,
    /// A string the service sometimes sends as a number.
    Text,
    /// A boolean.
    Bool,
    /// Money, as a decimal.
    Decimal,
    /// Milliseconds since the Unix epoch.
    EpochMs,
    /// Any JSON.
    Json,
    /// No data (`null`); responses only.
    Unit,
    /// A list.
    List(Box<Ty>),
    /// A page of items.
    Page(Box<Ty>),
    /// An enum or a model, by name.
    Named(String),
}

/// A type expression: a type, maybe nullable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeExpr {
    /// The type.
    pub ty: Ty,
    /// Trailing `?`: absent or null allowed.
    pub nullable: bool,
}

/// Parses a type expression.
pub fn parse(text: &str) -> Result<TypeExpr, String> {
    let text = text.trim();
    let (body, nullable) = match text.strip_suffix('?') {
        Some(body) => (body, true),
        None => (text, false),
    };
    Ok(TypeExpr {
        ty: parse_ty(body)?,
        nullable,
    })
}

fn parse_ty(text: &str) -> Result<Ty, String> {
    let text = text.trim();
    for (prefix, wrap) in [
        ("list<", Ty::List as fn(Box<Ty>) -> Ty),
        ("page<", Ty::Page as fn(Box<Ty>) -> Ty),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let inner = rest
                .strip_suffix('>')
                .ok_or_else(|| format!("`{text}` is missing its closing `>`"))?;
            return Ok(wrap(Box::new(parse_ty(inner)?)));
        }
    }
    Ok(match text {
        "int" => Ty::Int,
        "string" => Ty::Str,
        "text" => Ty::Text,
        "bool" => Ty::Bool,
        "decimal" => Ty::Decimal,
        "epoch_ms" => Ty::EpochMs,
        "json" => Ty::Json,
        "unit" => Ty::Unit,
        "" => return Err("the type is empty".into()),
        name if name.chars().all(|c| c.is_ascii_alphanumeric())
            && name.starts_with(|c: char| c.is_ascii_uppercase()) =>
        {
            Ty::Named(name.to_owned())
        }
        other => {
            return Err(format!(
                "`{other}` is not a type: use int, string, text, bool, decimal, epoch_ms, json, unit, list<T>, page<T> or an enum or model name"
            ));
        }
    })
}

impl Ty {
    /// Every name this type refers to.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Ty::Named(n) => vec![n.as_str()],
            Ty::List(inner) | Ty::Page(inner) => inner.names(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int => f.write_str("int"),
            Ty::Str => f.write_str("string"),
            Ty::Text => f.write_str("text"),
            Ty::Bool => f.write_str("bool"),
            Ty::Decimal => f.write_str("decimal"),
            Ty::EpochMs => f.write_str("epoch_ms"),
            Ty::Json => f.write_str("json"),
            Ty::Unit => f.write_str("unit"),
            Ty::List(inner) => write!(f, "list<{inner}>"),
            Ty::Page(inner) => write!(f, "page<{inner}>"),
            Ty::Named(n) => f.write_str(n),
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
            TypeExpr {
                ty: Ty::List(Box::new(Ty::List(Box::new(Ty::Named("GrabInfo".into()))))),
                nullable: true
            }
        );
        assert_eq!(
            parse("page<TaskInfo>").unwrap().ty.to_string(),
            "page<TaskInfo>"
        );
        assert!(parse("list<int").unwrap_err().contains("closing"));
        assert!(parse("integer").unwrap_err().contains("not a type"));
    }
}
