//! Printing results: JSON (stable, for machines) or a table (for people).
//!
//! JSON is the call's data exactly as serde writes it. Tables come from the generated [`Row`]
//! of each model (its scalar fields, enums shown by name), so a table reads `rendering` where
//! the JSON has `5`.

use std::fmt::Write as _;

use render_api_client::types::{EpochMillis, Page};
use render_api_client::{Replied, Reply};
use serde::Serialize;
use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// A model as a table row (generated from the spec for every model): every field that fits
/// in a cell, and the columns a table of several shows.
pub trait Row {
    /// The field names: their wire names.
    fn header() -> &'static [&'static str];
    /// The cells, in the header's order.
    fn cells(&self) -> Vec<String>;
    /// The columns of a table of several, as indices into the header, in order: the spec's
    /// `columns` of the model (empty: the first [`MAX_COLUMNS`] fields).
    const COLUMNS: &'static [usize] = &[];
}

/// A time as a date for people: `2026-11-24 17:48 UTC` (empty for 0 or less: the service
/// sends those for "not yet").
pub fn date(time: EpochMillis) -> String {
    if time.as_millis() <= 0 {
        return String::new();
    }
    let text = humantime::format_rfc3339_seconds(time.to_system_time()).to_string();
    // 2026-11-24T17:48:13Z
    match (text.get(..10), text.get(11..16)) {
        (Some(day), Some(minute)) => format!("{day} {minute} UTC"),
        _ => text,
    }
}

/// A list of scalars in one cell: `a, b, c`.
pub fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of objects in one cell: how many.
pub fn count(n: usize) -> String {
    match n {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    }
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
        paged(self.items.join("\n"), self)
    }
}

impl<T: Row> Show for Page<T> {
    fn table(&self) -> String {
        paged(rows(&self.items), self)
    }
}

/// A page's table and where it stands: `page 2 of 5 (93 in all)`; `(none)` when there is
/// nothing at all.
fn paged<T>(table: String, page: &Page<T>) -> String {
    if page.items.is_empty() && page.total > 0 {
        return format!(
            "(none on page {}: there are {} page(s), {} in all)",
            page.page_num, page.page_count, page.total
        );
    }
    if page.items.is_empty() {
        return table;
    }
    format!(
        "{table}\npage {} of {} ({} in all)",
        page.page_num, page.page_count, page.total
    )
}

/// One model as `field  value` lines.
pub fn record<T: Row>(item: &T) -> String {
    let header = T::header();
    let width = header.iter().map(|h| h.width()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in header.iter().zip(item.cells()) {
        if v.is_empty() {
            continue;
        }
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

    /// The output of a call's reply: its `data` exactly as the service sent it (every field,
    /// in the service's names, `null`s included) and tables from the typed value.
    pub fn replied<T: Show>(replied: &Replied<T>) -> Self {
        Output {
            json: replied.reply.data(),
            table: replied.value.table(),
        }
    }

    /// The output of data no typed value describes (`renderbus api`): JSON, YAML, and for a
    /// table the JSON itself.
    pub fn data(json: Value) -> Self {
        let table = serde_json::to_string_pretty(&json).unwrap_or_default();
        Output { json, table }
    }

    /// What a write the service did: [`done`](Self::done) with the service's acknowledgement,
    /// or, when the write's reply was lost and its read-back showed it took effect,
    /// `"confirmed_by": READ` (and no `ack`: there was none).
    pub fn written(call: &str, request: Value, reply: &Reply) -> Self {
        match &reply.confirmed {
            None => Self::done(call, request, Some(reply.data())),
            Some(confirmation) => {
                let mut out = Self::done(call, request, None);
                if let Value::Object(json) = &mut out.json {
                    json.insert("confirmed_by".into(), Value::from(confirmation.read));
                }
                out.table.push_str(&format!(
                    " (its reply was lost: {}; {} shows it took effect)",
                    confirmation.lost, confirmation.read
                ));
                out
            }
        }
    }

    /// What a write did: `{"ok": true, "call": NAME, …its request, "ack": DATA}`, so a script
    /// sees the affected ids and the service's acknowledgement (`"SUCCESS"`, `null`, …; no
    /// `ack` for something done here rather than by the service).
    pub fn done(call: &str, request: Value, ack: Option<Value>) -> Self {
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
        if let Some(ack) = ack {
            if !ack.is_null() {
                table.push_str(&format!(" (the service answered {ack})"));
            }
            json.insert("ack".into(), ack);
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

/// The widest a cell is shown, in terminal columns.
const MAX_CELL: usize = 40;
/// The most columns a table shows when the spec chose none.
pub const MAX_COLUMNS: usize = 8;

/// `text` cut to `width` terminal columns (wide CJK characters count two), with `…` where cut.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A table of items: the model's columns, cells cut to a readable width and padded by their
/// width on a terminal, so CJK text lines up.
pub fn rows<T: Row>(items: &[T]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    let all = T::header();
    let columns: Vec<usize> = if T::COLUMNS.is_empty() {
        (0..all.len().min(MAX_COLUMNS)).collect()
    } else {
        T::COLUMNS.to_vec()
    };
    let header: Vec<&str> = columns
        .iter()
        .filter_map(|&i| all.get(i).copied())
        .collect();
    let cells: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            let cells = item.cells();
            columns
                .iter()
                .map(|&i| fit(cells.get(i).map_or("", String::as_str), MAX_CELL))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.width()))
                .chain([h.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |values: &[&str]| {
        let parts: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w.saturating_sub(v.width()))))
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
            "platform  name  type  status\n2         w2\n10        w10"
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

    /// A task list reads as a user looks for it: the spec's columns in order, statuses by
    /// name, times as dates; wide CJK names keep the columns aligned (unicode width, not
    /// characters).
    #[test]
    fn task_tables_show_chosen_columns_dates_and_align_cjk() {
        let tasks: Vec<TaskInfo> = serde_json::from_value(serde_json::json!([
            {"id": 19084, "sceneName": "城市夜景.max", "taskStatus": 10, "doneFrames": 3,
             "failedFrames": 1, "totalFrames": 4, "submitDate": 1_764_000_000_000_i64,
             "statusText": "render_task_status_10", "projectName": "广告"},
            {"id": 7, "sceneName": "a.ma", "taskStatus": 5, "submitDate": 0}
        ]))
        .unwrap();
        let table = Output::new(&tasks).render(Format::Table);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            [
                "id",
                "sceneName",
                "taskStatus",
                "doneFrames",
                "failedFrames",
                "totalFrames",
                "submitDate",
                "projectName"
            ],
            "{table}"
        );
        // Code 10 is `stop` (the document's 任务状态 table).
        assert_eq!(lines[1].split_whitespace().nth(2), Some("stop"), "{table}");
        assert!(lines[1].contains("2025-11-24 16:00 UTC"), "{table}");
        assert!(
            !table.contains("statusText"),
            "not a chosen column: {table}"
        );
        // The column after the scene name starts at the same terminal column on every line.
        let status_at = |line: &str, status: &str| line[..line.find(status).unwrap()].width();
        assert_eq!(
            status_at(lines[0], "taskStatus"),
            status_at(lines[1], "stop"),
            "{table}"
        );
        assert_eq!(
            status_at(lines[1], "stop"),
            status_at(lines[2], "rendering"),
            "{table}"
        );
        // A time the service sends as 0 ("not yet") is left blank.
        assert!(!lines[2].contains("1970"), "{table}");
    }

    /// Nested lists are summarised: scalars joined, objects counted; a record skips what is
    /// absent.
    #[test]
    fn nested_lists_are_summarised() {
        use render_api_client::types::{CreatedTasks, RenderEnv};
        let created: CreatedTasks = serde_json::from_value(serde_json::json!({
            "aliasTaskIdList": ["2W19084"], "taskIdList": [19084, 19085], "userId": 1
        }))
        .unwrap();
        let text = Output::new(&created).render(Format::Table);
        assert!(text.contains("19084, 19085"), "{text}");
        let envs: Vec<RenderEnv> = serde_json::from_value(serde_json::json!([{
            "cgId": 2000, "editName": "默认环境", "cgName": "3ds Max", "cgVersion": "2018",
            "osName": 1, "isDefault": 1,
            "respUserPluginInfoVos": [
                {"pluginId": 1, "pluginName": "vray", "pluginVersion": "3.6"},
                {"pluginId": 2, "pluginName": "forest", "pluginVersion": "6"}
            ]
        }]))
        .unwrap();
        let text = Output::new(&envs).render(Format::Table);
        assert!(
            text.contains("respUserPluginInfoVos") && text.contains("2 items"),
            "{text}"
        );
        let record = Output::new(&envs[0]).render(Format::Table);
        assert!(
            !record.contains("renderLayerType"),
            "absent: skipped: {record}"
        );
    }

    #[test]
    fn cells_are_cut_by_terminal_width() {
        let long = "渲".repeat(30);
        let cut = super::fit(&long, 40);
        assert_eq!(cut.width(), 39, "{cut}");
        assert!(cut.ends_with('…'));
        assert_eq!(super::fit("short", 40), "short");
    }
}
