//! When a call is tried again, and how long to wait first.

use std::time::Duration;

/// When and how often calls are retried.
///
/// Reads (endpoints the spec marks idempotent) are retried on transport failures, timeouts and
/// HTTP 5xx, with exponential backoff and full jitter. A write is sent once; when its outcome is
/// unknown (no reply after it may have been delivered), the core reads back whether it took
/// effect where the spec names a read that shows it, and sends it again only when that read
/// says it did not, within `max_attempts`. `retry_writes` sends writes again without asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: no retries).
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles for each further one.
    pub base_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// Retry writes like reads, without reading back whether they took effect (createTask,
    /// submitTask, …). Off by default: a write whose reply was lost may have happened.
    pub retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1-based): `jitter` (a random number, its 53
    /// high bits used as a fraction in [0, 1)) of the backoff.
    pub(crate) fn delay(&self, retry: u32, jitter: u64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
        let cap = exp.min(self.max_delay);
        let fraction = (jitter >> 11) as f64 / (1u64 << 53) as f64;
        cap.mul_f64(fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_is_the_jitter_fraction_of_it() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        assert_eq!(policy.delay(1, 0), Duration::ZERO);
        assert_eq!(policy.delay(1, 1 << 63), Duration::from_millis(50));
        assert_eq!(policy.delay(2, 1 << 63), Duration::from_millis(100));
        assert_eq!(policy.delay(3, 1 << 63), Duration::from_millis(125));
        assert!(policy.delay(1, u64::MAX) <= Duration::from_millis(100));
        assert!(policy.delay(9, u64::MAX) <= Duration::from_millis(250));
    }
}
