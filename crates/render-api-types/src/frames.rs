//! Frame lists: the frame numbers of the version 2 document (`"6"`, `"7-9[1]"`, `"1-10[2],15"`),
//! expanded, and the frames of a task that cover them. The client maps them to the frame ids
//! `restartFrame` and `stopTaskFrames` take (`render_api_client::frames`); the mock farm reads
//! a submitted task's frames from its `task.json` with them.
//!
//! ```
//! use render_api_types::frames::FrameNumbers;
//!
//! let numbers: FrameNumbers = "1-10[2],15".parse()?;
//! assert_eq!(numbers.iter().collect::<Vec<_>>(), [1, 3, 5, 7, 9, 15]);
//! assert!("10-1".parse::<FrameNumbers>().is_err());
//! # Ok::<(), render_api_types::frames::FrameListError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::FrameInfo;

/// The most frames one list may name (a typo like `1-100000000` is refused, not expanded).
pub const MAX_FRAMES: usize = 1_000_000;

/// A set of frame numbers, written as the version 2 document writes them: numbers (`6`) and
/// ranges with a step (`7-9[1]`, `1-100[10]`; `7-9` steps by 1), joined by commas.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrameNumbers(BTreeSet<i64>);

/// A frame list that does not parse: which part, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameListError {
    /// The part at fault (`10-1`).
    pub part: String,
    /// What is wrong with it.
    pub why: String,
}

impl fmt::Display for FrameListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the frame list has `{}`: {}", self.part, self.why)
    }
}

impl std::error::Error for FrameListError {}

impl FrameNumbers {
    /// The frames of a list of parts, each a number or a range (`["6", "7-9[1]"]`, as the
    /// document's `restartframes`).
    pub fn from_parts<I, S>(parts: I) -> Result<FrameNumbers, FrameListError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut numbers = BTreeSet::new();
        for part in parts {
            let part = part.as_ref().trim();
            let fault = |why: &str| FrameListError {
                part: part.to_owned(),
                why: why.to_owned(),
            };
            if part.is_empty() {
                return Err(fault("an empty part (two commas, or a comma at an end)"));
            }
            let (range, step) = match part.split_once('[') {
                Some((range, step)) => {
                    let step = step
                        .strip_suffix(']')
                        .ok_or_else(|| fault("a step is written `[N]` after the range"))?;
                    let step: i64 = step
                        .trim()
                        .parse()
                        .map_err(|_| fault("the step is not a whole number"))?;
                    if step < 1 {
                        return Err(fault("the step must be at least 1"));
                    }
                    (range.trim(), Some(step))
                }
                None => (part, None),
            };
            let number = |text: &str| -> Result<i64, FrameListError> {
                text.trim()
                    .parse()
                    .map_err(|_| fault(&format!("`{}` is not a frame number", text.trim())))
            };
            // A leading `-` is a negative number, not a range.
            let split = range
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '-')
                .map(|(i, _)| (&range[..i], &range[i + 1..]));
            match split {
                None if step.is_some() => {
                    return Err(fault("a step belongs to a range (`1-10[2]`)"));
                }
                None => {
                    numbers.insert(number(range)?);
                }
                Some((first, last)) => {
                    let (first, last) = (number(first)?, number(last)?);
                    if first > last {
                        return Err(fault("the range runs backwards"));
                    }
                    let step = step.unwrap_or(1);
                    let too_many = || fault(&format!("more than {MAX_FRAMES} frames"));
                    let count = last.checked_sub(first).ok_or_else(too_many)? / step + 1;
                    match usize::try_from(count) {
                        Ok(c) if c.saturating_add(numbers.len()) <= MAX_FRAMES => {}
                        _ => return Err(too_many()),
                    }
                    numbers.extend((0..count).map(|k| first + k * step));
                }
            }
        }
        Ok(FrameNumbers(numbers))
    }

    /// The numbers, in order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.iter().copied()
    }

    /// How many frames.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it names no frame.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each number's frame id among `frames` (every frame of the task), or the numbers no
    /// frame has.
    pub fn ids_in<'f>(
        &self,
        frames: impl IntoIterator<Item = &'f FrameInfo>,
    ) -> Result<BTreeMap<i64, i64>, Vec<i64>> {
        let mut found = BTreeMap::new();
        for frame in frames {
            let Some(covered) = frame.frame_index.as_deref().and_then(frame_index_numbers) else {
                continue;
            };
            for n in self.0.range(covered.0..=covered.1) {
                found.entry(*n).or_insert(frame.id);
            }
        }
        let missing: Vec<i64> = self.iter().filter(|n| !found.contains_key(n)).collect();
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(missing)
        }
    }
}

/// The frame numbers a `frameIndex` covers: `"6"` is frame 6; a block `"0-1"` (the document's
/// examples) covers frames 0 and 1. `None` for anything else.
pub fn frame_index_numbers(frame_index: &str) -> Option<(i64, i64)> {
    let text = frame_index.trim();
    if let Ok(n) = text.parse() {
        return Some((n, n));
    }
    let (first, last) = text.split_once('-')?;
    let (first, last) = (first.trim().parse().ok()?, last.trim().parse().ok()?);
    (first <= last).then_some((first, last))
}

impl FromStr for FrameNumbers {
    type Err = FrameListError;

    /// A comma-separated list: `1-10[2],15`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FrameNumbers::from_parts(text.split(','))
    }
}

impl fmt::Display for FrameNumbers {
    /// The numbers, comma-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|n| n.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<i64> {
        text.parse::<FrameNumbers>().unwrap().iter().collect()
    }

    fn fault(text: &str) -> FrameListError {
        text.parse::<FrameNumbers>().unwrap_err()
    }

    #[test]
    fn lists_of_the_document_expand() {
        assert_eq!(numbers("6"), [6]);
        assert_eq!(numbers("7-9[1]"), [7, 8, 9]);
        assert_eq!(numbers("1-10[2],15"), [1, 3, 5, 7, 9, 15]);
        assert_eq!(numbers("2-4[1],7"), [2, 3, 4, 7]);
        assert_eq!(numbers(" 3 , 1-2 "), [1, 2, 3]);
        assert_eq!(numbers("5-5[3]"), [5]);
        assert_eq!(numbers("-2--1"), [-2, -1]);
        let parts = FrameNumbers::from_parts(["6", "7-9[1]"]).unwrap();
        assert_eq!(parts.to_string(), "6,7,8,9");
    }

    #[test]
    fn impossible_lists_are_refused_naming_the_part() {
        assert_eq!(fault("1,10-1[1]").part, "10-1[1]");
        assert!(fault("10-1").why.contains("backwards"));
        assert!(fault("1-x").why.contains("`x` is not a frame number"));
        assert!(fault("1-10[0]").why.contains("at least 1"));
        assert!(fault("10-1[0]").why.contains("at least 1"));
        assert!(fault("1-10[2").why.contains("[N]"));
        assert!(fault("5[2]").why.contains("belongs to a range"));
        assert!(fault("1,,2").why.contains("empty"));
        assert!(fault("").why.contains("empty"));
        assert!(fault("1-100000000").why.contains("more than"));
        assert_eq!(
            fault("1-x").to_string(),
            "the frame list has `1-x`: `x` is not a frame number"
        );
    }

    #[test]
    fn numbers_map_to_the_ids_of_the_frames_that_cover_them() {
        let frame = |id: i64, index: &str| -> FrameInfo {
            serde_json::from_value(serde_json::json!({
                "id": id, "frameIndex": index, "frameStatus": 4
            }))
            .unwrap()
        };
        let frames = [
            frame(11, "1"),
            frame(12, "2"),
            frame(13, "3-4"),
            frame(14, "x"),
        ];
        let wanted: FrameNumbers = "2-4".parse().unwrap();
        assert_eq!(
            wanted.ids_in(&frames).unwrap(),
            BTreeMap::from([(2, 12), (3, 13), (4, 13)])
        );
        let unknown: FrameNumbers = "1,5,9".parse().unwrap();
        assert_eq!(unknown.ids_in(&frames).unwrap_err(), [5, 9]);
    }
}
