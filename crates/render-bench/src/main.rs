//! `render-bench`: the project's benchmarks and load generator (run them through
//! `cargo xtask bench` and `cargo xtask load`, which build this in release mode).
//!
//! Every benchmark row runs a baseline and ours on the same input in the same process, in
//! alternating rounds, and reports the median time of each and their ratio (ours / baseline:
//! below 1 is faster than the baseline).

mod load;
mod thread_http;

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use clap::{Parser, Subcommand};
use hmac::{Hmac, Mac};
use render_api_client::sans_io::{HttpRequest, Now};
use render_api_client::types::{
    Envelope, Page, QueryPlatforms, QueryPlatformsRequest, TaskInfo, Zone,
};
use render_api_client::{Client, RetryPolicy};
use render_api_mock::MockFarm;
use render_sign::{Credentials, HeaderSet, Nonce, Request};
use serde_json::{Value, json};
use sha2::Sha256;

#[derive(Parser, Debug)]
#[command(about = "Benchmarks and load generation for render-api")]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run every benchmark and print a table (or JSON lines).
    Bench {
        /// One JSON object per row: name, baseline, ours, ratio, iterations.
        #[arg(long)]
        json: bool,
        /// Skip the slow build-time rows.
        #[arg(long)]
        skip_build: bool,
        /// Only the rows whose name contains this.
        #[arg(long)]
        only: Option<String>,
    },
    /// Load any server speaking this API (credentials from RENDERBUS_ACCESS_ID/KEY).
    Load(load::LoadArgs),
}

/// One row of results.
struct Row {
    name: String,
    baseline_label: &'static str,
    ours_label: &'static str,
    /// Baseline cost per operation, in nanoseconds.
    baseline: f64,
    /// Our cost per operation, in nanoseconds.
    ours: f64,
    iterations: u64,
    note: String,
    /// What `baseline` and `ours` measure.
    unit: Unit,
}

/// The unit of a row's figures.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    /// Nanoseconds per operation.
    Time,
    /// Bytes per item.
    Bytes,
}

fn print_row(row: &Row, json: bool) {
    let ratio = row.ours / row.baseline;
    if json {
        println!(
            "{}",
            json!({
                "name": row.name, "baseline": row.baseline, "ours": row.ours, "ratio": ratio,
                "iterations": row.iterations, "unit": if row.unit == Unit::Bytes { "bytes/item" } else { "ns/op" },
                "baseline_is": row.baseline_label, "ours_is": row.ours_label, "note": row.note,
            })
        );
    } else {
        println!(
            "{:<34} {:>14} {:>14} {:>8.2}x {:>10}  {} vs {}{}",
            row.name,
            human(row.baseline, row.unit),
            human(row.ours, row.unit),
            ratio,
            row.iterations,
            row.ours_label,
            row.baseline_label,
            if row.note.is_empty() {
                String::new()
            } else {
                format!(" · {}", row.note)
            }
        );
    }
}

fn human(ns: f64, unit: Unit) -> String {
    if unit == Unit::Bytes {
        return if ns >= 1024.0 * 1024.0 {
            format!("{:.1} MiB", ns / (1024.0 * 1024.0))
        } else {
            format!("{:.1} KiB", ns / 1024.0)
        };
    }
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Median ns per call of `base` and `ours`, measured in alternating rounds of `iters` calls.
fn compare(
    mut base: impl FnMut(),
    mut ours: impl FnMut(),
    iters: u64,
    rounds: usize,
) -> (f64, f64) {
    let mut b = Vec::with_capacity(rounds);
    let mut o = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..iters {
            base();
        }
        b.push(t.elapsed().as_nanos() as f64 / iters as f64);
        let t = Instant::now();
        for _ in 0..iters {
            ours();
        }
        o.push(t.elapsed().as_nanos() as f64 / iters as f64);
    }
    (median(&mut b), median(&mut o))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Iterations that make one call of `f` take about `target` in all.
fn calibrate(mut f: impl FnMut(), target: Duration) -> u64 {
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed() < target / 10 {
        f();
        n += 1;
    }
    (n * 10).max(1)
}

const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// The signer alone (render-sign), on the document's signing example, against a bare HMAC of
/// the same string to sign. (Requests that are sent are signed by the client's core; this
/// row measures the signing stage it calls.)
fn sign_row(name: &str, path: &str, body: &Value) -> Row {
    let mut headers = HeaderSet::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        1,
        1535957371,
        Nonce::from(11886),
    );
    headers.channel = "7".into();
    let creds = Credentials::new(headers.access_id.clone(), KEY);
    let request = Request::new("task.renderbus.com", path, &headers, body);
    let text = request
        .string_to_sign()
        .expect("bench input signs")
        .to_string();
    let bare = || {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(KEY.as_bytes()).expect("any key");
        mac.update(black_box(text.as_bytes()));
        black_box(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    };
    let full = || {
        black_box(black_box(&request).sign(&creds).expect("bench input signs"));
    };
    let iters = calibrate(full, Duration::from_millis(30));
    let (baseline, ours) = compare(bare, full, iters, 15);
    Row {
        name: name.into(),
        baseline_label: "bare HMAC+base64",
        ours_label: "full sign",
        baseline,
        ours,
        iterations: iters * 15,
        note: String::new(),
        unit: Unit::Time,
    }
}

/// The checkout this runs in (found from the working directory; `cargo xtask bench` runs
/// it there).
fn repo_root() -> std::path::PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| render_spec::find_repo_root(&cwd))
        .or_else(|| render_spec::find_repo_root(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))))
        .unwrap_or_else(|| ".".into())
}

/// A getTaskList reply of 1,000 tasks, each the document's example task with its two layers.
fn task_page_body() -> Vec<u8> {
    let spec = render_spec::load(&repo_root().join("api-spec.yaml")).expect("spec loads");
    let ep = spec.endpoint("getTaskList").expect("getTaskList");
    let example: Value = ep
        .examples
        .iter()
        .find_map(|e| e.envelope.clone())
        .expect("example");
    let task = example["data"]["items"][0].clone();
    let items: Vec<Value> = (0..1000)
        .map(|i| {
            let mut t = task.clone();
            t["id"] = json!(100_000 + i);
            t
        })
        .collect();
    serde_json::to_vec(&json!({
        "version": "1.0.0", "result": true, "message": "success", "code": 200, "serverTime": 1535964116655_i64,
        "data": {"pageCount": 1, "pageNum": 1, "total": 1000, "size": 1000, "items": items}
    }))
    .expect("serializes")
}

fn parse_row() -> Row {
    let body = task_page_body();
    let as_value = || {
        black_box(serde_json::from_slice::<Value>(black_box(&body)).expect("parses"));
    };
    let typed = || {
        black_box(
            serde_json::from_slice::<Envelope<Page<TaskInfo>>>(black_box(&body)).expect("parses"),
        );
    };
    let (baseline, ours) = compare(as_value, typed, 5, 9);
    Row {
        name: "parse getTaskList, 1,000 tasks".into(),
        baseline_label: "serde_json::Value",
        ours_label: "typed",
        baseline,
        ours,
        iterations: 45,
        note: format!("{} KiB with nested layers", body.len() / 1024),
        unit: Unit::Time,
    }
}

/// The generated client's own queryPlatforms requests to `farm`, built beforehand by its core.
fn prebuilt(farm: &MockFarm, n: usize) -> Vec<HttpRequest> {
    prebuilt_for(farm, farm.host(), n)
}

/// POSTs a prebuilt request as it is (its URL, headers and body) and reads the whole reply.
fn raw_post(agent: &ureq::Agent, request: &HttpRequest) {
    let mut req = agent
        .post(&request.url)
        .content_type(HttpRequest::CONTENT_TYPE);
    for (k, v) in &request.headers {
        req = req.header(*k, v);
    }
    let mut resp = req.send(&request.body[..]).expect("the farm answers");
    black_box(resp.body_mut().read_to_vec().expect("a body"));
}

/// The farm of the wire rows: one worker thread serves both sides' connections. With a worker
/// per core, the baseline's connection and the client's were dealt to different workers, and
/// the ratio measured which worker shared a core with the caller (runs read 0.44, 2.38, 0.42).
fn wire_farm() -> MockFarm {
    MockFarm::builder().workers(1).start().expect("farm starts")
}

/// Times `baseline` and `ours` call by call, interleaved (in the order AB BA AB …, so that
/// neither always follows the other): both meet the same moments of a noisy machine, and the
/// medians of the single calls are compared. Each gets its own keep-alive connection.
#[derive(Default)]
struct Interleaved {
    baseline: Vec<f64>,
    ours: Vec<f64>,
}

impl Interleaved {
    /// Times one call of each; `i` says which goes first.
    fn pair(&mut self, i: usize, baseline: impl FnOnce(), ours: impl FnOnce()) {
        fn timed(f: impl FnOnce()) -> f64 {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos() as f64
        }
        let (b, o) = if i.is_multiple_of(2) {
            let b = timed(baseline);
            (b, timed(ours))
        } else {
            let o = timed(ours);
            (timed(baseline), o)
        };
        self.baseline.push(b);
        self.ours.push(o);
    }

    /// The medians of the single calls: (baseline, ours).
    fn medians(mut self) -> (f64, f64) {
        (median(&mut self.baseline), median(&mut self.ours))
    }
}

/// The generated client against raw ureq POSTs of its own requests built beforehand, on an agent
/// with ureq's defaults (`same_transport: false`) or with the client's own transport settings
/// (timeouts and resolver: `same_transport: true`), so that transport policy and the client's
/// own work can be told apart.
fn wire_row(same_transport: bool) -> Row {
    let farm = wire_farm();
    let client = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let agent: ureq::Agent = if same_transport {
        render_api_client::default_agent(Duration::from_secs(10), Duration::from_secs(30))
    } else {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into()
    };
    let n = 2000usize;
    let rounds = 5;
    let mut times = Interleaved::default();
    for _ in 0..rounds {
        let requests = prebuilt(&farm, n);
        for (i, request) in requests.iter().enumerate() {
            times.pair(
                i,
                || raw_post(&agent, request),
                || {
                    black_box(
                        client
                            .query_platforms(Zone::China)
                            .send()
                            .expect("the farm answers"),
                    );
                },
            );
        }
    }
    let (baseline, ours) = times.medians();
    Row {
        name: if same_transport {
            "client on the wire, same transport"
        } else {
            "client on the wire (queryPlatforms)"
        }
        .into(),
        baseline_label: if same_transport {
            "raw ureq, client's timeouts"
        } else {
            "raw ureq, default agent"
        },
        ours_label: "generated client",
        baseline,
        ours,
        iterations: (n * rounds) as u64,
        note: "loopback, mock farm (one worker serving both), the client's requests prebuilt for the baseline, interleaved call by call, medians".into(),
        unit: Unit::Time,
    }
}

/// Rounds of each farm row, the two sides alternating: a round is short (a quarter of a second)
/// and this machine's speed drifts, so many short rounds and their medians.
const FARM_ROUNDS: u64 = 15;

fn farm_rows() -> Row {
    let threads = 4usize;
    let per_thread = 1000usize;
    let run = |farm: &MockFarm| -> f64 {
        let batches: Vec<_> = (0..threads).map(|_| prebuilt(farm, per_thread)).collect();
        four_thread_load(&batches)
    };
    let bare = MockFarm::builder()
        .answer_without_verifying()
        .start()
        .expect("farm starts");
    let full = MockFarm::start().expect("farm starts");
    let mut b = Vec::new();
    let mut o = Vec::new();
    for _ in 0..FARM_ROUNDS {
        b.push(run(&bare));
        o.push(run(&full));
    }
    let (baseline, ours) = (median(&mut b), median(&mut o));
    Row {
        name: format!("mock farm, {threads} client threads"),
        baseline_label: "same stack, no verification",
        ours_label: "verified + stateful",
        baseline,
        ours,
        iterations: (threads * per_thread) as u64 * FARM_ROUNDS,
        note: format!("{:.0} vs {:.0} requests/s", 1e9 / ours, 1e9 / baseline),
        unit: Unit::Time,
    }
}

/// The async client against raw reqwest POSTs of its own requests built beforehand, through a
/// reqwest client configured as the async client's own, on one single-threaded runtime.
fn async_wire_row() -> Row {
    let farm = wire_farm();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .retry(RetryPolicy::none())
        .build_async()
        .expect("client");
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .build()
        .expect("reqwest");
    let n = 2000usize;
    let rounds = 5;
    let mut times = Interleaved::default();
    for _ in 0..rounds {
        let requests = prebuilt(&farm, n);
        for (i, request) in requests.iter().enumerate() {
            times.pair(
                i,
                || {
                    runtime.block_on(async {
                        let mut req = http
                            .post(&request.url)
                            .timeout(request.timeout)
                            .header("content-type", HttpRequest::CONTENT_TYPE);
                        for (k, v) in &request.headers {
                            req = req.header(*k, v);
                        }
                        let resp = req
                            .body(request.body.clone())
                            .send()
                            .await
                            .expect("the farm answers");
                        black_box(resp.bytes().await.expect("a body"));
                    });
                },
                || {
                    runtime.block_on(async {
                        black_box(
                            client
                                .query_platforms(Zone::China)
                                .send()
                                .await
                                .expect("the farm answers"),
                        );
                    });
                },
            );
        }
    }
    let (baseline, ours) = times.medians();
    Row {
        name: "async client on the wire".into(),
        baseline_label: "raw reqwest, same config",
        ours_label: "generated async client",
        baseline,
        ours,
        iterations: (n * rounds) as u64,
        note: "loopback, mock farm (one worker serving both), tokio current-thread, the client's requests prebuilt for the baseline, interleaved call by call, medians".into(),
        unit: Unit::Time,
    }
}

/// The farm behind its former HTTP layer (a thread per connection on std::net, in
/// `thread_http.rs`): the same farm, verification and state, only the HTTP layer differs.
struct ThreadServed {
    farm: std::sync::Arc<MockFarm>,
    server: thread_http::Server,
}

impl ThreadServed {
    fn start(max_connections: usize) -> ThreadServed {
        let farm = std::sync::Arc::new(MockFarm::start().expect("farm starts"));
        let server = thread_http::Server::start(
            "127.0.0.1:0".parse().expect("an address"),
            render_api_mock::Limits {
                max_connections,
                ..render_api_mock::Limits::default()
            },
            farm.handler(),
        )
        .expect("the former server starts");
        ThreadServed { farm, server }
    }

    fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }
}

/// A thread per batch, each POSTing its prebuilt requests one after another: ns
/// per request.
fn four_thread_load(batches: &[Vec<HttpRequest>]) -> f64 {
    let t = Instant::now();
    std::thread::scope(|s| {
        for batch in batches {
            s.spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                for request in batch {
                    raw_post(&agent, request);
                }
            });
        }
    });
    t.elapsed().as_nanos() as f64 / batches.iter().map(Vec::len).sum::<usize>() as f64
}

/// The generated client's own queryPlatforms requests for a farm reached at `host` (which may
/// be another address than the farm's own), built beforehand by its core: byte for byte what
/// the client sends (the signed headers, the unsigned `languageFlag`, a random nonce and the
/// body), so that a baseline posting them differs from the client only in the client's work.
fn prebuilt_for(farm: &MockFarm, host: &str, n: usize) -> Vec<HttpRequest> {
    let core = Client::builder()
        .host(format!("http://{host}"))
        .credentials(farm.credentials())
        .build_core()
        .expect("the bench's core builds");
    let request = QueryPlatformsRequest::new(Zone::China);
    (0..n)
        .map(|_| {
            core.exchange::<QueryPlatforms>(&request)
                .and_then(|mut exchange| exchange.request(Now::system()))
                .expect("the core builds the request")
        })
        .collect()
}

/// Verified throughput of the farm on hyper against the same farm behind its former
/// thread-per-connection layer, under the same 4-thread load.
fn farm_move_row() -> Row {
    let threads = 4usize;
    let per_thread = 1000usize;
    let before = ThreadServed::start(512);
    let after = MockFarm::start().expect("farm starts");
    let before_host = before.url().trim_start_matches("http://").to_owned();
    let mut b = Vec::new();
    let mut o = Vec::new();
    for _ in 0..FARM_ROUNDS {
        let batches: Vec<_> = (0..threads)
            .map(|_| prebuilt_for(&before.farm, &before_host, per_thread))
            .collect();
        b.push(four_thread_load(&batches));
        let batches: Vec<_> = (0..threads).map(|_| prebuilt(&after, per_thread)).collect();
        o.push(four_thread_load(&batches));
    }
    let (baseline, ours) = (median(&mut b), median(&mut o));
    Row {
        name: format!("mock farm moved to hyper, {threads} threads"),
        baseline_label: "former thread-per-connection layer",
        ours_label: "hyper",
        baseline,
        ours,
        iterations: (threads * per_thread) as u64 * FARM_ROUNDS,
        note: format!(
            "verified: {:.0} vs {:.0} requests/s (throughput ratio {:.2}x)",
            1e9 / ours,
            1e9 / baseline,
            baseline / ours
        ),
        unit: Unit::Time,
    }
}

/// This process's resident memory, in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib * 1024.0)
}

/// What 2,000 idle connections cost in resident memory (the clients' sockets, in this process
/// too, cost the same in both): the former layer (a thread each) against hyper (a task each).
fn idle_memory_row() -> Row {
    const IDLE: usize = 2000;
    let hold = |host: &str| -> f64 {
        let before = resident_bytes();
        let held: Vec<std::net::TcpStream> = (0..IDLE)
            .map(|_| std::net::TcpStream::connect(host).expect("connects"))
            .collect();
        // Let the server take them all in.
        std::thread::sleep(Duration::from_millis(1500));
        let grown = (resident_bytes() - before).max(0.0);
        drop(held);
        std::thread::sleep(Duration::from_millis(500));
        grown / IDLE as f64
    };
    let baseline = {
        let before = ThreadServed::start(IDLE + 100);
        hold(before.url().trim_start_matches("http://"))
    };
    let ours = {
        let after = MockFarm::start().expect("farm starts");
        hold(after.host())
    };
    Row {
        name: format!("memory, {IDLE} idle connections"),
        baseline_label: "former thread-per-connection layer",
        ours_label: "hyper",
        baseline,
        ours,
        iterations: IDLE as u64,
        note: format!(
            "resident memory per connection: {:.1} KiB with hyper vs {:.1} KiB former; {:.1} MiB in all with hyper",
            ours / 1024.0,
            baseline / 1024.0,
            ours * IDLE as f64 / (1024.0 * 1024.0)
        ),
        unit: Unit::Bytes,
    }
}

fn codegen_row() -> Row {
    let root = repo_root();
    let spec = root.join("api-spec.yaml");
    let lint_only = || {
        black_box(render_spec::load(&spec).is_ok());
    };
    let generate = || {
        black_box(render_codegen::generate(&root, &spec).expect("generates"));
    };
    let (baseline, ours) = compare(lint_only, generate, 3, 5);
    let files = render_codegen::generate(&root, &spec).expect("generates");
    let lines: usize = files.iter().map(|(_, c)| c.lines().count()).sum();
    let endpoints = render_spec::load(&spec)
        .map(|s| s.endpoints.len())
        .unwrap_or(1);
    Row {
        name: "regenerate everything".into(),
        baseline_label: "load + lint only",
        ours_label: "load + lint + generate + format",
        baseline,
        ours,
        iterations: 15,
        note: format!(
            "{lines} generated lines, {} per endpoint",
            lines / endpoints
        ),
        unit: Unit::Time,
    }
}

/// Rebuild time of the generated crates (types + client) after a change to them, against the
/// hand-written signer, in release mode, in a target directory of its own.
fn build_row(root: &Path) -> Option<Row> {
    let target = root.join("target").join("bench-build");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = |packages: &[&str]| -> Option<f64> {
        let t = Instant::now();
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(root)
            .args(["build", "--release", "--quiet", "--target-dir"])
            .arg(&target);
        for p in packages {
            cmd.args(["-p", p]);
        }
        let ok = cmd.status().ok()?.success();
        ok.then(|| t.elapsed().as_nanos() as f64)
    };
    let touch = |file: &str| {
        let path = root.join(file);
        let text = std::fs::read(&path).ok()?;
        std::fs::write(&path, text).ok()
    };
    eprintln!("building the generated crates from clean (once, for the row below)…");
    let from_clean = build(&["render-api-types", "render-api-client"])?;
    touch("crates/render-sign/src/lib.rs")?;
    let sign = build(&["render-sign"])?;
    touch("crates/render-api-types/src/lib.rs")?;
    let generated = build(&["render-api-types", "render-api-client"])?;
    Some(Row {
        name: "rebuild after a change (release)".into(),
        baseline_label: "render-sign",
        ours_label: "types + client",
        baseline: sign,
        ours: generated,
        iterations: 1,
        note: format!(
            "from clean with dependencies: {}",
            human(from_clean, Unit::Time)
        ),
        unit: Unit::Time,
    })
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match args.command {
        Cmd::Load(load) => load::run(load),
        Cmd::Bench {
            json,
            skip_build,
            only,
        } => {
            if !json {
                println!(
                    "{:<34} {:>14} {:>14} {:>9} {:>10}  (release build; ratio = ours / baseline)",
                    "benchmark", "baseline/op", "ours/op", "ratio", "iterations"
                );
            }
            let ids: Vec<u64> = (0..10_000).map(|i| 1_111_000 + i).collect();
            type Bench = Box<dyn Fn() -> Row>;
            let rows: Vec<(&str, Bench)> = vec![
                (
                    "sign: document example",
                    Box::new(|| {
                        sign_row(
                            "sign: document example",
                            "/api/render/common/queryPlatforms",
                            &json!({"zone": 2}),
                        )
                    }),
                ),
                (
                    "sign: 10,000 task ids",
                    Box::new(move || {
                        sign_row(
                            "sign: 10,000 task ids",
                            "/api/render/task/stopTask",
                            &json!({"taskIds": ids}),
                        )
                    }),
                ),
                ("parse getTaskList", Box::new(parse_row)),
                ("client on the wire", Box::new(|| wire_row(false))),
                (
                    "client on the wire, same transport",
                    Box::new(|| wire_row(true)),
                ),
                ("async client on the wire", Box::new(async_wire_row)),
                ("mock farm", Box::new(farm_rows)),
                ("mock farm moved to hyper", Box::new(farm_move_row)),
                ("memory, idle connections", Box::new(idle_memory_row)),
                ("regenerate everything", Box::new(codegen_row)),
            ];
            let wanted = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
            for (name, row) in rows {
                if wanted(name) {
                    print_row(&row(), json);
                }
            }
            if !skip_build && wanted("rebuild") {
                match build_row(&repo_root()) {
                    Some(r) => print_row(&r, json),
                    None => eprintln!("the build-time row could not be measured (cargo failed)"),
                }
            }
            std::process::ExitCode::SUCCESS
        }
    }
}
