//! The standalone server: its arguments and its run loop, shared by `render-api-mock` and
//! `renderbus mock serve`.

use std::time::Duration;

use crate::{FarmConfig, MockFarm};

/// How to run a standalone farm.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: one the OS chooses).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The access id to accept (default: a made-up one, printed at start).
    #[arg(long, requires = "access_key")]
    pub access_id: Option<String>,
    /// The access key to accept (default: a made-up one, printed at start).
    #[arg(long, requires = "access_id", hide_env_values = true)]
    pub access_key: Option<String>,
    /// Farm seconds per real second.
    #[arg(long, default_value_t = 10.0)]
    pub speed: f64,
    /// Frames of every submitted task.
    #[arg(long, default_value_t = 10)]
    pub frames: usize,
    /// Frame numbers that fail on their first attempt (e.g. 3,7).
    #[arg(long, value_delimiter = ',')]
    pub fail_frames: Vec<usize>,
}

/// Starts the farm, prints where it listens and the credentials it accepts, logs one line per
/// request to stderr, and serves until the process is interrupted.
pub fn serve(args: ServeArgs) -> std::io::Result<()> {
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
    if let (Some(id), Some(key)) = (args.access_id, args.access_key) {
        builder = builder.credentials(id, key);
    }
    let farm = builder.start()?;
    println!("mock farm listening on {}", farm.url());
    println!("RENDERBUS_HOST={}", farm.url());
    println!("RENDERBUS_ACCESS_ID={}", farm.access_id());
    println!("RENDERBUS_ACCESS_KEY={}", farm.access_key());
    println!("(these credentials are the test farm's own; press Ctrl-C to stop)");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
