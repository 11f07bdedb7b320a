//! `cargo xtask <task>`: see `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use render_codegen as codegen;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [--check] [--spec FILE]   regenerate every generated file from api-spec.yaml;
                                    with --check, write nothing and fail when any is stale
  examples [--check] [--shared DIR] extract every request and reply example of the four API
                                    documents (in DIR, default ../shared) into
                                    tests/examples/*.json; with --check, fail when stale
  spec-diff OLD.yaml NEW.yaml       every change between two versions of the spec, each
                                    classified for users of the generated crates and the CLI;
                                    the last line is the semver bump: major, minor, patch or
                                    none. Exit 0 when compatible, 3 when breaking
  spec-diff --between G1 G2 SPEC   the same between two API generations of one spec (v1 v2):
                                    what changes for a user moving from G1 to G2
  bench [--json] [--skip-build]     run the benchmarks (release build) and print ratios
  load --url URL [--requests N] [--threads T] [--endpoint NAME]
                                    load any server speaking this API; credentials from
                                    RENDERBUS_ACCESS_ID / RENDERBUS_ACCESS_KEY
  help                              this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_task(&args[1..]),
        Some("spec-diff") => spec_diff(&args[1..]),
        Some("examples") => examples_task(&args[1..]),
        Some(task @ ("bench" | "load")) => release_run(task, &args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown task `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Runs a task of `render-bench`, built in release mode (benchmarks of debug builds mislead).
fn release_run(task: &str, args: &[String]) -> ExitCode {
    let Some(root) = root() else {
        return ExitCode::FAILURE;
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "render-bench",
            "--",
            task,
        ])
        .args(args)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout this is run in (found from the working directory at run time, so an xtask
/// built into a shared `CARGO_TARGET_DIR` never touches another checkout).
fn root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let found = codegen::find_root(&cwd);
    if found.is_none() {
        eprintln!(
            "error: {} is not inside a render-api checkout (no api-spec.yaml and xtask/ above it)",
            cwd.display()
        );
    }
    found
}

/// The API documents, as found under the shared directory: `(fixture name, path under it,
/// generation)`.
const DOCUMENTS: &[(&str, &str, &str)] = &[
    ("v1-document", "seed/000_bc2b05c1bb8d3623.txt", "v1"),
    ("v2-document", "reference/renderbus-api-v2-doc-zh.md", "v2"),
    // The V3.0 (English) and V4.0 (Chinese) documents describe the API 1.0.0 paths.
    ("v3-document", "reference/render-api-v3.0-en.txt", "v1"),
    ("v4-document", "reference/render-api-v4.0-zh.txt", "v1"),
];

/// `cargo xtask examples [--check] [--shared DIR]`.
fn examples_task(args: &[String]) -> ExitCode {
    let Some(root) = root() else {
        return ExitCode::FAILURE;
    };
    let mut check = false;
    let mut shared = root.join("../shared");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.clone().next()) {
            ("--check", _) => check = true,
            ("--shared", Some(dir)) => {
                shared = PathBuf::from(dir);
                it.next();
            }
            (other, _) => {
                eprintln!("error: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let spec = match render_codegen::render_spec::load(&root.join("api-spec.yaml")) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (name, relative, generation) in DOCUMENTS {
        let path = shared.join(relative);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        let doc = render_codegen::examples::Document {
            name,
            source: &format!("shared/{relative}"),
            generation,
            text: &text,
        };
        let extracted = render_codegen::examples::extract(&spec, &doc);
        println!("{}", extracted.summary(&doc));
        let json =
            serde_json::to_string_pretty(&extracted.to_json(&doc)).unwrap_or_default() + "\n";
        let out = root.join(format!("tests/examples/{name}.json"));
        match codegen::ensure_file_contents(&out, &json, check) {
            Ok(true) => stale.push(out),
            Ok(false) => {}
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for path in &stale {
        println!(
            "{} {}",
            if check { "stale:" } else { "wrote" },
            path.display()
        );
    }
    if check && !stale.is_empty() {
        eprintln!("error: the examples are stale: run `cargo xtask examples`");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `cargo xtask spec-diff OLD NEW`.
fn spec_diff(args: &[String]) -> ExitCode {
    use render_codegen::render_spec::diff::generation_view;
    let load = |file: &str| {
        render_codegen::render_spec::load(std::path::Path::new(file)).map_err(|e| eprintln!("{e}"))
    };
    let (old, new) = match args {
        [flag, from, to, file] if flag == "--between" => {
            let Ok(spec) = load(file) else {
                return ExitCode::FAILURE;
            };
            let (Some(a), Some(b)) = (spec.generation_named(from), spec.generation_named(to))
            else {
                eprintln!("error: {file} has no generation `{from}` or `{to}`");
                return ExitCode::from(2);
            };
            (generation_view(&spec, a), generation_view(&spec, b))
        }
        [old, new] => {
            let (Ok(old), Ok(new)) = (load(old), load(new)) else {
                return ExitCode::FAILURE;
            };
            (old, new)
        }
        _ => {
            eprintln!("error: spec-diff takes two spec files, or --between G1 G2 SPEC\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let changes = render_codegen::render_spec::diff::diff(&old, &new);
    for change in &changes {
        println!("{change}");
    }
    let count = |level| changes.iter().filter(|c| c.level == level).count();
    use render_codegen::render_spec::diff::Level;
    println!(
        "{} changes: {} breaking, {} compatible additions, {} in words",
        changes.len(),
        count(Level::Major),
        count(Level::Minor),
        count(Level::Patch)
    );
    match render_codegen::render_spec::diff::bump(&changes) {
        Some(Level::Major) => {
            println!("major");
            ExitCode::from(3)
        }
        Some(level) => {
            println!("{level}");
            ExitCode::SUCCESS
        }
        None => {
            println!("none");
            ExitCode::SUCCESS
        }
    }
}

fn codegen_task(args: &[String]) -> ExitCode {
    let Some(root) = root() else {
        return ExitCode::FAILURE;
    };
    let mut check = false;
    let mut spec = root.join("api-spec.yaml");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => match it.next() {
                Some(path) => spec = PathBuf::from(path),
                None => {
                    eprintln!("error: --spec needs a file\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("error: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match codegen::run(&root, &spec, check) {
        Ok(changed) if check => {
            println!("generated files are up to date with {}", spec.display());
            debug_assert!(changed.is_empty());
            ExitCode::SUCCESS
        }
        Ok(changed) => {
            if changed.is_empty() {
                println!("generated files were already up to date");
            }
            for path in changed {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
