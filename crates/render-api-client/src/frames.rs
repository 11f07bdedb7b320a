//! Frames by their numbers: the frame lists of the version 2 document (`"6"`, `"7-9[1]"`),
//! expanded, and mapped to the frame ids that `restartFrame` and `stopTaskFrames` take.
//!
//! ```
//! use render_api_client::frames::FrameNumbers;
//!
//! let numbers: FrameNumbers = "1-10[2],15".parse()?;
//! assert_eq!(numbers.iter().collect::<Vec<_>>(), [1, 3, 5, 7, 9, 15]);
//! assert!("10-1".parse::<FrameNumbers>().is_err());
//! # Ok::<(), render_api_client::frames::FrameListError>(())
//! ```
//!
//! rayvision-api 3.0.4.3 (`get_custome_frames`, `frame_number_to_stop`) compares the strings of
//! such a list with each frame's `frameIndex` as they are, so its `"7-9[1]"` matches no frame;
//! here ranges are expanded, and a number no frame of the task has is an error naming it,
//! before anything is sent.

use std::collections::BTreeMap;

use render_api_types::FrameInfo;

pub use render_api_types::frames::{FrameListError, FrameNumbers, MAX_FRAMES, frame_index_numbers};

/// The request of the first page of a task's frames, read to map numbers to ids (pages of
/// 100, the official client's size); both transports walk its pages.
pub(crate) fn request(task_id: i64) -> render_api_types::QueryTaskFramesRequest {
    render_api_types::QueryTaskFramesRequest::new(task_id).page_size(100)
}

/// [`FrameNumbers::ids_in`] as the client answers it, the mapping traced.
pub(crate) fn mapped(
    task_id: i64,
    numbers: &FrameNumbers,
    frames: &[FrameInfo],
) -> Result<BTreeMap<i64, i64>, crate::Error> {
    let ids = numbers
        .ids_in(frames)
        .map_err(|numbers| crate::Error::UnknownFrames { task_id, numbers })?;
    for (number, id) in &ids {
        tracing::info!(task_id, frame = number, id, "frame number to id");
    }
    Ok(ids)
}
