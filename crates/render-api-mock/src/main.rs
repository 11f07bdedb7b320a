//! `render-api-mock`: the fake farm as a standalone server.
//!
//! `cargo run -p render-api-mock -- --port 8080 --access-id ID --access-key KEY`

use clap::Parser;
use render_api_mock::serve::{ServeArgs, serve};

/// A fake Renderbus / Fox Renderfarm: verifies every signature and keeps a simulated farm.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let port = args.serve.port;
    match serve(args.serve) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot start the farm on port {port}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
