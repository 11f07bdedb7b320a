//! What the core takes as inputs, as this machine gives them: the time ([`Now::system`]) and
//! randomness ([`OsEntropy`]). The transports read them here and hand them to the core, which
//! reads no clock and draws no randomness of its own.

use std::fmt;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crate::sans_io::{Entropy, Now};

impl Now {
    /// The system's clocks, now.
    pub fn system() -> Now {
        Now {
            wall: SystemTime::now(),
            mono: Instant::now(),
        }
    }
}

/// The operating system's CSPRNG: the default [`Entropy`].
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn next_u64(&self) -> Result<u64, String> {
        getrandom::u64().map_err(|e| e.to_string())
    }
}

/// The wall clock a client's transport reads, `SystemTime::now` unless the builder was given
/// another ([`ClientBuilder::clock`](crate::ClientBuilder::clock)).
#[derive(Clone, Default)]
pub(crate) struct Clock(Option<Arc<dyn Fn() -> SystemTime + Send + Sync>>);

impl Clock {
    pub(crate) fn new(wall: Option<Arc<dyn Fn() -> SystemTime + Send + Sync>>) -> Self {
        Clock(wall)
    }

    /// Both clocks, now.
    pub(crate) fn now(&self) -> Now {
        match &self.0 {
            None => Now::system(),
            Some(wall) => Now {
                wall: wall(),
                mono: Instant::now(),
            },
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Clock(given)"
        } else {
            "Clock(system)"
        })
    }
}
