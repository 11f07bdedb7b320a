//! Printing results: JSON (stable, for machines) or a table (for people).
//!
//! JSON is the call's data exactly as serde writes it. Tables come from the generated [`Row`]
//! of each model (its scalar fields, enums shown by name), so a table reads `rendering` where
//! the JSON has `5`.

use std::fmt::Write as _;

use render_api_client::types::Page;
use serde::Serialize;
use serde_json::Value;

/// How results are printed.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty JSON: the call's data exactly (the default when stdout is not a terminal).
    Json,
    /// YAML: the same data.
    Yaml,
    /// A table (the default on a terminal).
    Table,
}

/// A model as a table row: its scalar fields (generated from the spec for every model).
pub trait Row {
    /// The column names: the fields' wire names.
    fn header() -> &'static [&'static str];
    /// The cells, in the header's order.
    fn cells(&self) -> Vec<String>;
}

/// A call's data as text for people.
pub trait Show {
    /// The table (or list, or key/value record) of this data.
    fn table(&self) -> String;
}

impl Show for () {
    fn table(&self) -> String {
        "done".into()
    }
}

impl Show for Vec<String> {
    fn table(&self) -> String {
        self.join("\n")
    }
}

impl<T: Row> Show for Vec<T> {
    fn table(&self) -> String {
        rows(self)
    }
}

impl Show for Page<String> {
    fn table(&self) -> String {
        format!(
            "{}\npage {} of {} ({} in all)",
            self.items.join("\n"),
            self.page_num,
            self.page_count,
            self.total
        )
    }
}

impl<T: Row> Show for Page<T> {
    fn table(&self) -> String {
        format!(
            "{}\npage {} of {} ({} in all)",
            rows(&self.items),
            self.page_num,
            self.page_count,
            self.total
        )
    }
}

/// One model as `field  value` lines.
pub fn record<T: Row>(item: &T) -> String {
    let header = T::header();
    let width = header.iter().map(|h| h.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in header.iter().zip(item.cells()) {
        let _ = writeln!(out, "{k:<width$}  {v}");
    }
    out.trim_end().to_owned()
}

/// What a command prints: the data as JSON and as a table, rendered on demand.
#[derive(Debug, Clone)]
pub struct Output {
    json: Value,
    table: String,
}

impl Output {
    /// The output of a call's data.
    pub fn new<T: Serialize + Show>(data: &T) -> Self {
        Output {
            json: serde_json::to_value(data).unwrap_or(Value::Null),
            table: data.table(),
        }
    }

    /// What a call without data did: `{"ok": true, "call": NAME, …its request}`, so a script
    /// sees the affected ids rather than `null`.
    pub fn done(call: &str, request: Value) -> Self {
        let mut json = serde_json::Map::new();
        json.insert("ok".into(), Value::Bool(true));
        json.insert("call".into(), Value::from(call));
        let mut table = format!("done: {call}");
        if let Value::Object(fields) = request {
            for (k, v) in fields {
                table.push_str(&format!(" {k}={v}"));
                json.insert(k, v);
            }
        }
        Output {
            json: Value::Object(json),
            table,
        }
    }

    /// The text to print in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                serde_json::to_string_pretty(&self.json).unwrap_or_else(|_| "null".into())
            }
            Format::Yaml => serde_yaml::to_string(&self.json)
                .map(|y| y.trim_end().to_owned())
                .unwrap_or_else(|_| "null".into()),
            Format::Table => self.table.clone(),
        }
    }
}

/// The longest a cell is shown, in characters.
const MAX_CELL: usize = 40;
/// The most columns a table shows.
const MAX_COLUMNS: usize = 8;

/// A table of items: their first columns, cells cut to a readable width.
fn rows<T: Row>(items: &[T]) -> String {
    let header: Vec<&str> = T::header().iter().copied().take(MAX_COLUMNS).collect();
    let cells: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            item.cells()
                .into_iter()
                .take(MAX_COLUMNS)
                .map(|mut s| {
                    if s.chars().count() > MAX_CELL {
                        s = s.chars().take(MAX_CELL - 1).collect::<String>() + "…";
                    }
                    s
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |values: &[&str]| {
        let parts: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&header);
    for row in &cells {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use render_api_client::types::{Platform, TaskInfo, TaskStatus};

    fn platforms() -> Vec<Platform> {
        serde_json::from_value(serde_json::json!([
            {"platform": 2, "name": "w2"},
            {"platform": 10, "name": "w10"}
        ]))
        .unwrap()
    }

    #[test]
    fn tables_show_scalar_columns() {
        let out = Output::new(&platforms());
        assert_eq!(
            out.render(Format::Table),
            "platform  name\n2         w2\n10        w10"
        );
        assert_eq!(Output::new(&()).render(Format::Table), "done");
        assert!(out.render(Format::Json).contains("\"platform\": 2"));
    }

    #[test]
    fn tables_show_enum_names_where_json_has_codes() {
        let task: TaskInfo = serde_json::from_value(serde_json::json!({
            "id": 19088, "sceneName": "a.max", "taskStatus": 5
        }))
        .unwrap();
        assert_eq!(task.task_status, TaskStatus::Rendering);
        let out = Output::new(&task);
        let table = out.render(Format::Table);
        assert!(
            table.contains("taskStatus") && table.contains("rendering"),
            "{table}"
        );
        assert!(!table.contains("taskStatus       5"), "{table}");
        assert!(out.render(Format::Json).contains("\"taskStatus\": 5"));
    }
}
