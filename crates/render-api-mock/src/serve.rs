//! The standalone server: its options and its run loop, shared by `render-api-mock` and
//! `renderbus mock serve` (each parses its own command line into [`ServeOptions`]).

use std::time::Duration;

use crate::{FarmConfig, MockFarm};

/// How to run a standalone farm.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0: one the OS chooses).
    pub port: u16,
    /// The credentials to accept: an access id and key given explicitly for this farm
    /// (default: a made-up pair, printed at start since it is the test farm's own).
    pub credentials: Option<(String, String)>,
    /// Farm seconds per real second.
    pub speed: f64,
    /// Frames of every submitted task.
    pub frames: usize,
    /// Frame numbers that fail on their first attempt.
    pub fail_frames: Vec<usize>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: 8080,
            credentials: None,
            speed: 10.0,
            frames: 10,
            fail_frames: Vec::new(),
        }
    }
}

/// Starts the farm, prints where it listens and the credentials it accepts, logs one line per
/// request to stderr, and serves until the process is interrupted.
pub fn serve(args: ServeOptions) -> std::io::Result<()> {
    let mut builder = MockFarm::builder()
        .port(args.port)
        .farm(FarmConfig {
            frames_per_task: args.frames,
            speed: args.speed,
            failing_frames: args.fail_frames,
            ..FarmConfig::default()
        })
        .logger(|line| {
            eprintln!(
                "{:<24} http {} code {} {:.1} ms",
                line.endpoint,
                line.status,
                line.code,
                line.latency.as_secs_f64() * 1000.0
            );
        });
    let made_up = args.credentials.is_none();
    if let Some((id, key)) = args.credentials {
        builder = builder.credentials(id, key);
    }
    let farm = builder.start()?;
    println!("mock farm listening on {}", farm.url());
    println!("RENDERBUS_HOST={}", farm.url());
    println!("RENDERBUS_ACCESS_ID={}", farm.access_id());
    if made_up {
        // A made-up key is the test farm's own: printing it is how a user gets it.
        println!("RENDERBUS_ACCESS_KEY={}", farm.access_key());
        println!("(these credentials are the test farm's own; press Ctrl-C to stop)");
    } else {
        println!("(accepting the access key you gave; press Ctrl-C to stop)");
    }
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
