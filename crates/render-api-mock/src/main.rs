//! `render-api-mock`: the fake farm as a standalone server.
//!
//! `cargo run -p render-api-mock --features server -- --port 8080 --farm-access-id ID` (the key
//! from `RENDERBUS_FARM_ACCESS_KEY` or `--farm-access-key-file`)
//! (or `renderbus mock serve`, the same server from the CLI).

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
    let options = match args.serve.options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match serve(options) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot start the farm on port {port}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
