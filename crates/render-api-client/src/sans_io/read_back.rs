//! Reading back whether a write took effect, when its reply was lost: the read's request, and
//! what its reply means ([`ReadBack`] is the spec's `read_back` of the write, as data).

use render_api_types::{Expect, Is, ItemsAt, ReadBack};
use serde_json::{Map, Value};

/// A write confirmed by its read-back: its own reply was lost, and the read showed its effect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Confirmation {
    /// The read that showed the effect (`queryTaskInfo`).
    pub read: &'static str,
    /// Why the write's own reply was lost.
    pub lost: String,
}

/// What a read-back's reply says about the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The effect is there.
    Applied,
    /// The effect is not there: the write did not happen.
    NotApplied,
    /// The reply cannot say (why).
    Unknown(String),
}

/// The read's request body, its values taken from the write's.
pub(crate) fn request(read_back: &ReadBack, write: &Value) -> Value {
    let mut body = Map::new();
    for p in read_back.params {
        let value = write.get(p.from).cloned().unwrap_or(Value::Null);
        let value = if p.wrap {
            Value::Array(vec![value])
        } else {
            value
        };
        body.insert(p.name.to_owned(), value);
    }
    Value::Object(body)
}

/// What the read's `data` says about the write whose request body was `write`.
pub(crate) fn judge(read_back: &ReadBack, write: &Value, data: &Value) -> Verdict {
    let items: Vec<&Value> = match read_back.items {
        ItemsAt::Page => {
            let number = |name: &str| data.get(name).and_then(Value::as_i64);
            if let (Some(num), Some(count)) = (number("pageNum"), number("pageCount"))
                && num < count
            {
                return Verdict::Unknown(format!(
                    "its reply is page {num} of {count}: the write's items may be on another"
                ));
            }
            match data.get("items") {
                Some(Value::Array(items)) => items.iter().collect(),
                None | Some(Value::Null) => Vec::new(),
                Some(_) => return Verdict::Unknown("its page's items are not a list".into()),
            }
        }
        ItemsAt::List => match data {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            _ => return Verdict::Unknown("its reply is not a list".into()),
        },
        ItemsAt::Field(field) => match data.get(field) {
            Some(Value::Array(items)) => items.iter().collect(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Verdict::Unknown(format!("its `{field}` is not a list")),
        },
        ItemsAt::Whole => match data {
            Value::Object(_) => vec![data],
            _ => return Verdict::Unknown("its reply is not an object".into()),
        },
    };
    // One answer per value of the write's key parameter (a list's every element).
    let seen: Vec<bool> = match read_back.key {
        None => items
            .iter()
            .map(|item| passes(read_back, write, item))
            .collect(),
        Some((field, param)) => {
            let values: Vec<&Value> = match write.get(param) {
                Some(Value::Array(values)) => values.iter().collect(),
                Some(value) => vec![value],
                None => Vec::new(),
            };
            values
                .into_iter()
                .map(|value| {
                    let mut mine = items
                        .iter()
                        .filter(|item| item.get(field).is_some_and(|v| same(v, value)))
                        .peekable();
                    match read_back.expect {
                        Expect::Absent => mine.peek().is_none(),
                        Expect::Present => {
                            mine.peek().is_some() && mine.all(|i| passes(read_back, write, i))
                        }
                    }
                })
                .collect()
        }
    };
    if seen.is_empty() {
        Verdict::Unknown("it shows none of the write's items".into())
    } else if seen.iter().all(|s| *s) {
        Verdict::Applied
    } else if seen.iter().all(|s| !*s) {
        Verdict::NotApplied
    } else {
        Verdict::Unknown(
            "it shows the effect on some of the write's items and not on others".into(),
        )
    }
}

/// Whether an item shows every check.
fn passes(read_back: &ReadBack, write: &Value, item: &Value) -> bool {
    read_back.checks.iter().all(|check| {
        let value = item.get(check.field).unwrap_or(&Value::Null);
        let listed = |texts: &[&str]| {
            texts
                .iter()
                .any(|t| serde_json::from_str::<Value>(t).is_ok_and(|v| same(&v, value)))
        };
        match check.is {
            Is::In(texts) => listed(texts),
            Is::NotIn(texts) => !listed(texts),
            Is::Param(param) => write.get(param).is_some_and(|w| same(w, value)),
        }
    })
}

/// Whether two wire values are the same value: numbers by value (`10` and `10.0`), and a
/// number the same as its text (the service sends some ids as strings).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s.trim() == n.to_string()
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use render_api_types::{AddLabel, DeleteLabel, Endpoint, StopTask, UpdateUserSetting};
    use serde_json::json;

    use super::*;

    fn rb<E: Endpoint>() -> &'static ReadBack {
        E::READ_BACK.expect("the spec gives it a read-back")
    }

    fn page(items: Value) -> Value {
        json!({"pageCount": 1, "pageNum": 1, "total": 2, "size": 100, "items": items})
    }

    #[test]
    fn stop_is_confirmed_by_the_tasks_status_and_only_by_all_of_them() {
        let write = json!({"taskIds": [7, 8]});
        assert_eq!(
            request(rb::<StopTask>(), &write),
            json!({"taskIds": [7, 8]})
        );
        let stopped = page(json!([{"id": 7, "taskStatus": 10}, {"id": 8, "taskStatus": 15}]));
        assert_eq!(judge(rb::<StopTask>(), &write, &stopped), Verdict::Applied);
        let running = page(json!([{"id": 7, "taskStatus": 5}, {"id": 8, "taskStatus": 5}]));
        assert_eq!(
            judge(rb::<StopTask>(), &write, &running),
            Verdict::NotApplied
        );
        let half = page(json!([{"id": 7, "taskStatus": 10}, {"id": 8, "taskStatus": 5}]));
        assert!(matches!(
            judge(rb::<StopTask>(), &write, &half),
            Verdict::Unknown(_)
        ));
        let more = json!({"pageCount": 2, "pageNum": 1, "items": []});
        assert!(matches!(
            judge(rb::<StopTask>(), &write, &more),
            Verdict::Unknown(_)
        ));
        let strings = page(json!([{"id": "7", "taskStatus": 10}, {"id": "8", "taskStatus": 10}]));
        assert_eq!(judge(rb::<StopTask>(), &write, &strings), Verdict::Applied);
    }

    #[test]
    fn labels_are_found_by_name_there_or_gone() {
        let list = json!({"projectNameList": [{"projectName": "shots", "projectId": 3}]});
        let add = json!({"newName": "shots", "status": 1});
        assert_eq!(judge(rb::<AddLabel>(), &add, &list), Verdict::Applied);
        let other = json!({"newName": "props", "status": 1});
        assert_eq!(judge(rb::<AddLabel>(), &other, &list), Verdict::NotApplied);
        let del = json!({"delName": "shots"});
        assert_eq!(judge(rb::<DeleteLabel>(), &del, &list), Verdict::NotApplied);
        assert_eq!(
            judge(rb::<DeleteLabel>(), &del, &json!({"projectNameList": []})),
            Verdict::Applied
        );
        assert!(matches!(
            judge(rb::<AddLabel>(), &add, &json!({"projectNameList": "x"})),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn a_setting_is_confirmed_by_its_value() {
        let write = json!({"taskOverTimeSec": 7200});
        let rb = rb::<UpdateUserSetting>();
        assert_eq!(
            judge(
                rb,
                &write,
                &json!({"taskOverTimeSec": 7200, "taskOverTime": 2})
            ),
            Verdict::Applied
        );
        assert_eq!(
            judge(rb, &write, &json!({"taskOverTimeSec": 3600})),
            Verdict::NotApplied
        );
        assert!(matches!(
            judge(rb, &write, &json!(null)),
            Verdict::Unknown(_)
        ));
    }
}
