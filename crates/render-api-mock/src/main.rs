//! `render-api-mock`: the fake farm as a standalone server.
//!
//! `cargo run -p render-api-mock -- --port 8080 --access-id ID --access-key KEY`

use std::time::Duration;

use clap::Parser;
use render_api_mock::{FarmConfig, MockFarm};

/// A fake Renderbus / Fox Renderfarm: verifies every signature and keeps a simulated farm.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0: one the OS chooses).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The access id to accept (default: a made-up one, printed at start).
    #[arg(long, requires = "access_key")]
    access_id: Option<String>,
    /// The access key to accept (default: a made-up one, printed at start).
    #[arg(long, requires = "access_id")]
    access_key: Option<String>,
    /// Farm seconds per real second.
    #[arg(long, default_value_t = 10.0)]
    speed: f64,
    /// Frames of every submitted task.
    #[arg(long, default_value_t = 10)]
    frames: usize,
    /// Frame numbers that fail on their first attempt (e.g. 3,7).
    #[arg(long, value_delimiter = ',')]
    fail_frames: Vec<usize>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
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
    let farm = match builder.start() {
        Ok(farm) => farm,
        Err(e) => {
            eprintln!("error: cannot start the farm on port {}: {e}", args.port);
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("mock farm listening on {}", farm.url());
    println!("RENDERBUS_HOST={}", farm.url());
    println!("RENDERBUS_ACCESS_ID={}", farm.access_id());
    println!("RENDERBUS_ACCESS_KEY={}", farm.access_key());
    println!("(these credentials are the test farm's own; press Ctrl-C to stop)");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
