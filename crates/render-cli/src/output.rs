//! Printing results: JSON (stable, for machines) or a table (for people).

use std::fmt::Write as _;

use serde_json::Value;

/// How results are printed.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty JSON: the call's data exactly (the default when stdout is not a terminal).
    Json,
    /// A table (the default on a terminal).
    Table,
}

/// A call's data as JSON (`null` for calls without data).
pub fn to_json<T: serde::Serialize>(data: T) -> Value {
    serde_json::to_value(data).unwrap_or(Value::Null)
}

/// Renders a call's data.
pub fn render(data: &Value, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(data).unwrap_or_else(|_| "null".into()),
        Format::Table => table(data),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn table(data: &Value) -> String {
    match data {
        Value::Null => "done".into(),
        Value::Array(items) => rows(items),
        Value::Object(map) if map.contains_key("items") && map.contains_key("pageNum") => {
            let items = map["items"].as_array().cloned().unwrap_or_default();
            format!(
                "{}\npage {} of {} ({} in all)",
                rows(&items),
                map["pageNum"],
                map["pageCount"],
                map["total"]
            )
        }
        Value::Object(map) => {
            let width = map.keys().map(String::len).max().unwrap_or(0);
            let mut out = String::new();
            for (k, v) in map {
                let shown = scalar(v).unwrap_or_else(|| v.to_string());
                let _ = writeln!(out, "{k:<width$}  {shown}");
            }
            out.trim_end().to_owned()
        }
        other => scalar(other).unwrap_or_default(),
    }
}

/// A table of the scalar columns of a list of objects (at most eight, in field order).
fn rows(items: &[Value]) -> String {
    let Some(Value::Object(first)) = items.first() else {
        return items
            .iter()
            .filter_map(scalar)
            .collect::<Vec<_>>()
            .join("\n");
    };
    let columns: Vec<&String> = first
        .iter()
        .filter(|(_, v)| scalar(v).is_some())
        .map(|(k, _)| k)
        .take(8)
        .collect();
    let cells: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            columns
                .iter()
                .map(|c| {
                    let mut s = item.get(c.as_str()).and_then(scalar).unwrap_or_default();
                    if s.chars().count() > 40 {
                        s = s.chars().take(39).collect::<String>() + "…";
                    }
                    s
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, values: &[&str]| {
        let parts: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(
        &mut out,
        &columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    );
    for row in &cells {
        line(
            &mut out,
            &row.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_show_scalar_columns() {
        let data = json!([{"platform": 2, "name": "w2", "nested": {"a": 1}}, {"platform": 10, "name": "w10"}]);
        assert_eq!(
            render(&data, Format::Table),
            "platform  name\n2         w2\n10        w10"
        );
        assert_eq!(render(&Value::Null, Format::Table), "done");
        assert_eq!(render(&json!({"a": 1}), Format::Json), "{\n  \"a\": 1\n}");
    }
}
