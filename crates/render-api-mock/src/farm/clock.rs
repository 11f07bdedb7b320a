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

    /// The date a reply shows for farm instant `ms`: when, on the real clock, the farm's
    /// running clock reached it. Farm time runs `speed` times as fast as real time (so that a
    /// render ends in seconds); a date read off it would run ahead of the caller's clock, and a
    /// task submitted a second ago would say it was submitted a minute from now. Durations
    /// (`renderDuration`, `frameExecuteTime`) stay in farm seconds. Time added by hand
    /// ([`Farm::advance`]) is shown as added, so that a frozen farm's replies are exact: such a
    /// farm shows the time it was moved to.
    pub(super) fn shown(&self, ms: i64) -> i64 {
        if self.speed > 1.0 {
            self.farm_start_ms + ((ms - self.farm_start_ms) as f64 / self.speed) as i64
        } else {
            ms
        }
    }

    /// [`shown`](Self::shown) as the envelope's milliseconds.
    pub(super) fn date(&self, ms: i64) -> EpochMillis {
        EpochMillis(self.shown(ms))
    }

    /// [`shown`](Self::shown) as the service writes a time (`2026-12-08 09:10:11`, UTC+8).
    pub(super) fn text(&self, ms: i64) -> String {
        super::format_time(self.shown(ms))
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
