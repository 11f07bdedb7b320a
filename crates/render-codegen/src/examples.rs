//! `cargo xtask examples`: the request and reply examples of the API documents, extracted into
//! fixture files of the repository, so the tests check every one of them, not a hand-picked few.
//!
//! A document is read section by section: a section's call is found from the path it gives
//! (`接口路径` / `接口地址`), matched against the spec's paths and the other paths the spec
//! records a source giving (`documented_paths`). Each fenced block is kept when it is JSON
//! (or becomes JSON by a repair of what the PDF's conversion broke: missing outer braces, a
//! reply cut off before its closing brace, a trailing comma; each repair is recorded), with its
//! document, section and line; every other block is skipped and counted.

use std::fmt::Write as _;

use render_spec::Spec;
use serde_json::{Map, Value, json};

/// A document to extract examples from.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// A name for it (`v2-document`), also the fixture file's name.
    pub name: &'a str,
    /// Where it is, as written in the fixture (relative to the repository's parent).
    pub source: &'a str,
    /// The spec generation whose calls it describes (`v1`).
    pub generation: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// What was found in one document.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// Fenced blocks in all.
    pub blocks: usize,
    /// Blocks that are JSON (after a repair, for some).
    pub examples: Vec<Value>,
    /// Blocks that are not JSON: `(line, section, why)`.
    pub skipped: Vec<(usize, String, String)>,
    /// JSON blocks whose section names no path the spec knows: `(line, section)`.
    pub unmapped: Vec<(usize, String)>,
}

impl Extracted {
    /// The fixture file's JSON.
    pub fn to_json(&self, doc: &Document<'_>) -> Value {
        json!({
            "document": doc.name,
            "source": doc.source,
            "generation": doc.generation,
            "blocks": self.blocks,
            "examples_count": self.examples.len(),
            "skipped_count": self.skipped.len(),
            "skipped": self.skipped.iter().map(|(line, section, why)| json!({
                "line": line, "section": section, "why": why,
            })).collect::<Vec<_>>(),
            "unmapped": self.unmapped.iter().map(|(line, section)| json!({
                "line": line, "section": section,
            })).collect::<Vec<_>>(),
            "examples": self.examples,
        })
    }

    /// One line for people: how many blocks, kept, skipped, unmapped.
    pub fn summary(&self, doc: &Document<'_>) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "{}: {} blocks, {} JSON examples, {} skipped (not JSON), {} of a section with no known path",
            doc.name,
            self.blocks,
            self.examples.len(),
            self.skipped.len(),
            self.unmapped.len()
        );
        out
    }
}

/// The endpoint a path belongs to: a path it speaks, or one the spec records a source giving.
fn endpoint_of<'s>(spec: &'s Spec, path: &str) -> Option<&'s str> {
    spec.endpoints
        .iter()
        .find(|e| {
            e.paths.iter().any(|(_, p)| p == path)
                || e.documented_paths.iter().any(|(p, _)| p == path)
        })
        .map(|e| e.name.as_str())
}

/// The path a line gives, if it is a document's `接口路径: /api/…` line (`Interface path:` in
/// the English document).
fn path_on(line: &str) -> Option<&str> {
    if !(line.contains("接口路径") || line.contains("接口地址") || line.contains("Interface path:"))
    {
        return None;
    }
    let start = line.find("/api/")?;
    line[start..].split_whitespace().next()
}

/// Extracts the examples of `doc`: its fenced blocks, or in a text without fences (the V3.0
/// and V4.0 documents, as `pdftotext -layout` prints them) each JSON value that starts a line.
pub fn extract(spec: &Spec, doc: &Document<'_>) -> Extracted {
    if !doc.text.contains("```") {
        return extract_plain(spec, doc);
    }
    let mut out = Extracted::default();
    let lines: Vec<&str> = doc.text.lines().collect();
    let mut section = String::new();
    let mut last_text = String::new();
    let mut path: Option<String> = None;
    let mut label = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_owned();
            path = None;
        } else if let Some(p) = path_on(line) {
            path = Some(p.to_owned());
            label.clear();
            // The version 1 document has no headings: its section is the line before its path.
            if !doc.text.contains("\n## ") {
                section.clone_from(&last_text);
            }
        } else if line.starts_with("```") {
            let (start, end) = fenced(&lines, i);
            out.blocks += 1;
            let mut body = lines[start..end].join("\n");
            let line_no = start + 1;
            let mut next = end + 1;
            let mut parsed = parse(&body);
            // A page break of the PDF split one example into two blocks: join them.
            let follows = lines[next.min(lines.len())..]
                .iter()
                .position(|l| !l.trim().is_empty())
                .map(|k| next + k)
                .filter(|&k| lines[k].trim().starts_with("```"));
            if let (Some(k), false) = (follows, body.trim_start().starts_with(['{', '['])) {
                let (start2, end2) = fenced(&lines, k);
                let joined = format!("{body}\n{}", lines[start2..end2].join("\n"));
                if let Ok((value, repair)) = parse(&joined) {
                    out.blocks += 1;
                    body = joined;
                    next = end2 + 1;
                    let how = match repair {
                        Some(r) => format!("joined the next block (a page break split it); {r}"),
                        None => "joined the next block (a page break split it)".to_owned(),
                    };
                    parsed = Ok((value, Some(how)));
                }
            }
            let _ = body;
            record(
                &mut out,
                spec,
                path.as_deref(),
                &section,
                line_no,
                &label,
                parsed,
            );
            i = next;
            continue;
        } else if is_label(line) {
            label = line.to_owned();
        }
        if !line.is_empty() {
            last_text = line.to_owned();
        }
        i += 1;
    }
    out
}

/// Records one block: an example of the endpoint of `path`, a block of no known section, or
/// one that is not JSON.
fn record(
    out: &mut Extracted,
    spec: &Spec,
    path: Option<&str>,
    section: &str,
    line_no: usize,
    label: &str,
    parsed: Result<(Value, Option<String>), String>,
) {
    match parsed {
        Ok((value, repaired)) => match path.and_then(|p| endpoint_of(spec, p)) {
            Some(endpoint) => {
                let mut example = Map::new();
                example.insert("endpoint".into(), json!(endpoint));
                example.insert("section".into(), json!(section));
                example.insert("line".into(), json!(line_no));
                example.insert("kind".into(), json!(kind_of(&value, label)));
                if let Some(r) = repaired {
                    example.insert("repaired".into(), json!(r));
                }
                example.insert("json".into(), value);
                out.examples.push(Value::Object(example));
            }
            None => out.unmapped.push((line_no, section.to_owned())),
        },
        Err(why) => out.skipped.push((line_no, section.to_owned(), why)),
    }
}

/// Whether a line names the example that follows (`请求示例:`, `Example of return:`).
fn is_label(line: &str) -> bool {
    line.contains("示例") || line.starts_with("Example")
}

/// [`extract`] of a text without fences: a JSON value is a run of lines from one whose first
/// character opens an object or a list to the line that closes it.
fn extract_plain(spec: &Spec, doc: &Document<'_>) -> Extracted {
    let mut out = Extracted::default();
    // A page break of the PDF leaves a form feed at the next page's first line.
    let lines: Vec<&str> = doc
        .text
        .lines()
        .map(|l| l.trim_start_matches('\u{c}'))
        .collect();
    let mut section = String::new();
    let mut last_text = String::new();
    let mut path: Option<String> = None;
    let mut label = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(p) = path_on(line) {
            path = Some(p.to_owned());
            label.clear();
            section.clone_from(&last_text);
        } else if line.starts_with(['{', '[']) && !label.is_empty() {
            let end = closing(&lines, i);
            out.blocks += 1;
            let line_no = i + 1;
            let parsed = parse(&lines[i..end].join("\n"));
            record(
                &mut out,
                spec,
                path.as_deref(),
                &section,
                line_no,
                &label,
                parsed,
            );
            label.clear();
            i = end;
            continue;
        } else if is_label(line) {
            label = line.to_owned();
        }
        if !line.is_empty() {
            last_text = line.to_owned();
        }
        i += 1;
    }
    out
}

/// Past the line that closes the value opening at line `open` (brackets counted outside
/// strings); past the end of the next blank-separated run when it never closes.
fn closing(lines: &[&str], open: usize) -> usize {
    let mut depth = 0i32;
    let mut scan = Scanner::default();
    for (k, line) in lines.iter().enumerate().skip(open) {
        for c in line.chars() {
            match scan.bracket(c) {
                Some('{' | '[') => depth += 1,
                Some(_) => depth -= 1,
                None => {}
            }
        }
        if depth <= 0 {
            return k + 1;
        }
        // A value that never closes ends at the next section's path.
        if k > open && path_on(line.trim()).is_some() {
            return k;
        }
    }
    lines.len()
}

/// The lines of the fenced block opening at line `open`: `(first, past the last)`.
fn fenced(lines: &[&str], open: usize) -> (usize, usize) {
    let start = open + 1;
    let mut end = start;
    while end < lines.len() && !lines[end].trim().starts_with("```") {
        end += 1;
    }
    (start.min(lines.len()), end)
}

/// `reply` for a whole envelope, else `request` or `data` from the label before the block.
fn kind_of(value: &Value, label: &str) -> &'static str {
    let envelope = value.as_object().is_some_and(|m| {
        m.contains_key("code") && (m.contains_key("data") || m.contains_key("result"))
    });
    if envelope {
        "reply"
    } else if label.contains("返回") || label.to_lowercase().contains("return") {
        "data"
    } else {
        "request"
    }
}

/// The block as JSON, with the repair that made it JSON, if one did.
fn parse(body: &str) -> Result<(Value, Option<String>), String> {
    let text = body.trim();
    if text.is_empty() {
        return Err("empty".into());
    }
    let first = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok((v, None)),
        Err(e) => e,
    };
    if !text.starts_with(['{', '[', '"']) && !text.starts_with(|c: char| c.is_ascii_digit()) {
        // Code (Python) or prose; a block of `"key": value` lines lost its braces.
        if !text.starts_with('"') {
            return Err(format!("not JSON: {first}"));
        }
    }
    let mut candidates: Vec<(String, &str)> = Vec::new();
    let wrapped = if text.starts_with('"') && text.contains("\":") {
        Some(format!("{{{text}}}"))
    } else {
        None
    };
    if let Some(w) = &wrapped {
        candidates.push((w.clone(), "added the outer braces"));
        candidates.push((
            close(w),
            "added the outer braces and closed what was left open",
        ));
    }
    candidates.push((close(text), "closed what was left open"));
    if let Some(w) = &wrapped {
        candidates.push((
            close(&add_missing_commas(w)),
            "added the outer braces, the commas missing between lines, and closed what was left open",
        ));
    }
    candidates.push((
        strip_trailing_commas(&close(text)),
        "closed what was left open and removed trailing commas",
    ));
    for (candidate, repair) in candidates {
        if let Ok(v) = serde_json::from_str::<Value>(&candidate) {
            return Ok((v, Some(repair.to_owned())));
        }
    }
    Err(format!("not JSON: {first}"))
}

/// Reads JSON text a character at a time, telling the brackets that are not inside a string.
#[derive(Default)]
struct Scanner {
    in_string: bool,
    escaped: bool,
}

impl Scanner {
    /// `c` when it is a bracket outside any string (`{`, `[`, `}`, `]`).
    fn bracket(&mut self, c: char) -> Option<char> {
        if self.in_string {
            match (self.escaped, c) {
                (true, _) => self.escaped = false,
                (false, '\\') => self.escaped = true,
                (false, '"') => self.in_string = false,
                _ => {}
            }
            return None;
        }
        match c {
            '"' => {
                self.in_string = true;
                None
            }
            '{' | '[' | '}' | ']' => Some(c),
            _ => None,
        }
    }
}

/// `text` with the brackets it leaves open closed, innermost first.
fn close(text: &str) -> String {
    let mut stack = Vec::new();
    let mut scan = Scanner::default();
    for c in text.chars() {
        match scan.bracket(c) {
            Some('{') => stack.push('}'),
            Some('[') => stack.push(']'),
            Some(_) => {
                stack.pop();
            }
            None => {}
        }
    }
    let mut out = strip_trailing_commas(text.trim_end());
    while let Some(c) = stack.pop() {
        out.push('\n');
        out.push(c);
    }
    out
}

/// `text` with a comma added at the end of a line that ends a value when the next line starts
/// a key (the PDF's conversion dropped some).
fn add_missing_commas(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        let ends_value = line.trim_end().ends_with(|c: char| {
            c == '"' || c.is_ascii_digit() || c == '}' || c == ']' || c == 'e' || c == 'l'
        });
        let next_key = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with('"'));
        if ends_value
            && next_key
            && !line.trim_end().ends_with(',')
            && !line.trim_end().ends_with('{')
        {
            out.push(',');
        }
        out.push('\n');
    }
    out
}

/// `text` without commas that stand before a closing bracket or at the end.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, None | Some('}' | ']')) {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn broken_blocks_are_repaired_or_refused() {
        assert_eq!(parse(r#"{"a": 1}"#).unwrap().1, None);
        let (v, how) = parse("\"code\": 200,\n\"data\": null").unwrap();
        assert_eq!(v["code"], 200);
        assert!(how.unwrap().contains("outer braces"));
        let (v, _) = parse("{\n\"code\": 200,\n\"data\": [1, 2").unwrap();
        assert_eq!(v["data"][1], 2);
        assert!(parse("platform = api.query.platforms()").is_err());
        assert!(parse("").is_err());
    }
}
