//! The farm clock: farm time runs at a chosen speed from the real start, plus what was added
//! by hand.

use std::time::{Duration, Instant};

use render_api_types::EpochMillis;

use super::Farm;

/// The farm clock: a start, a speed, and what was added by hand.
pub(super) struct Clock {
    pub(super) real_start: Instant,
    pub(super) farm_start_ms: i64,
    pub(super) speed: f64,
    pub(super) advanced_ms: i64,
}

impl Clock {
    pub(super) fn now_ms(&self) -> i64 {
        let run = self.real_start.elapsed().as_secs_f64() * self.speed * 1000.0;
        self.farm_start_ms + run as i64 + self.advanced_ms
    }
}

impl Farm {
    /// Moves farm time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.clock.advanced_ms += i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2);
    }

    /// The farm's current time.
    pub fn now(&self) -> EpochMillis {
        EpochMillis(self.lock().clock.now_ms())
    }
}
