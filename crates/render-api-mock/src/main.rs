//! `render-api-mock`: the fake farm as a standalone server.
//!
//! `cargo run -p render-api-mock --features server -- --port 8080 --access-id ID --access-key KEY`
//! (or `renderbus mock serve`, the same server from the CLI).

use clap::Parser;
use render_api_mock::serve::{ServeOptions, serve};

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
    /// The access key to accept (default: a made-up one, printed at start; one given here is
    /// never printed).
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
    let port = args.port;
    let options = ServeOptions {
        port: args.port,
        credentials: args.access_id.zip(args.access_key),
        speed: args.speed,
        frames: args.frames,
        fail_frames: args.fail_frames,
    };
    match serve(options) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot start the farm on port {port}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
