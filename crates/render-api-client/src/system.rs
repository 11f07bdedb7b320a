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
///
/// Each thread draws [`OsEntropy::BATCH`] numbers from the system at a time (one system call
/// instead of one per request) and hands each out once; a process made by `fork` draws its
/// own rather than repeat its parent's.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl OsEntropy {
    /// How many numbers one draw from the system gives.
    pub const BATCH: usize = 32;
}

/// A thread's numbers from the system not yet handed out, and the process they were drawn in.
struct Drawn {
    process: u32,
    words: [u64; OsEntropy::BATCH],
    next: usize,
}

thread_local! {
    static DRAWN: std::cell::RefCell<Drawn> = const {
        std::cell::RefCell::new(Drawn {
            process: 0,
            words: [0; OsEntropy::BATCH],
            next: OsEntropy::BATCH,
        })
    };
}

impl Entropy for OsEntropy {
    fn next_u64(&self) -> Result<u64, String> {
        DRAWN.with_borrow_mut(|drawn| {
            let process = std::process::id();
            if drawn.next == OsEntropy::BATCH || drawn.process != process {
                let mut bytes = [0u8; 8 * OsEntropy::BATCH];
                getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
                for (word, chunk) in drawn.words.iter_mut().zip(bytes.chunks_exact(8)) {
                    *word = u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
                }
                drawn.process = process;
                drawn.next = 0;
            }
            let word = drawn.words[drawn.next];
            // Handed out once: the slot is cleared.
            drawn.words[drawn.next] = 0;
            drawn.next += 1;
            Ok(word)
        })
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn os_entropy_never_hands_out_a_number_twice_across_batches_and_threads() {
        let draw = || {
            (0..OsEntropy::BATCH * 5 + 3)
                .map(|_| OsEntropy.next_u64().unwrap())
                .collect::<Vec<_>>()
        };
        let mut numbers = draw();
        let other = std::thread::spawn(draw).join().unwrap();
        numbers.extend(other);
        let distinct: HashSet<_> = numbers.iter().collect();
        assert_eq!(distinct.len(), numbers.len(), "a number came twice");
        // Random bits, not a counter: both halves of the numbers' bits vary.
        assert!(numbers.iter().any(|n| n >> 32 != 0));
        assert!(numbers.iter().any(|n| n & 0xffff_ffff != 0));
    }
}
