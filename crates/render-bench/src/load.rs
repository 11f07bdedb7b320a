//! `cargo xtask load`: drive any server speaking this API and report throughput, latency
//! percentiles and errors by kind.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use render_api_client::types::{Endpoint, EndpointVisitor, visit_endpoints};
use render_api_client::{Client, Error, RetryPolicy};
use serde_json::Value;

/// What to load.
#[derive(clap::Args, Debug)]
pub struct LoadArgs {
    /// The server: a URL (`http://127.0.0.1:8080`) or a bare host (https).
    #[arg(long)]
    url: String,
    /// Requests in all.
    #[arg(long, default_value_t = 1000)]
    requests: usize,
    /// Client threads.
    #[arg(long, default_value_t = 4)]
    threads: usize,
    /// The endpoint to call, with the request example of api-spec.yaml (`{}` when it has none).
    #[arg(long, default_value = "queryPlatforms")]
    endpoint: String,
    /// Seconds one call may take.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

/// Calls the endpoint named `target` with `body`.
struct One<'a> {
    client: &'a Client,
    target: &'a str,
    body: &'a Value,
    outcome: Option<Result<(), Error>>,
}

impl EndpointVisitor for One<'_> {
    fn visit<E: Endpoint>(&mut self) {
        if E::NAME != self.target {
            return;
        }
        self.outcome = Some(
            match serde_json::from_value::<E::Request>(self.body.clone()) {
                Ok(request) => self.client.call::<E>(&request).map(|_| ()),
                Err(e) => Err(Error::Config(format!(
                    "the example request does not fit {}: {e}",
                    E::NAME
                ))),
            },
        );
    }
}

/// Runs the load and prints the report.
pub fn run(args: LoadArgs) -> std::process::ExitCode {
    let spec = match render_spec::load(&crate::repo_root().join("api-spec.yaml")) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let Some(ep) = spec.endpoint(&args.endpoint) else {
        eprintln!("error: no endpoint `{}` in api-spec.yaml", args.endpoint);
        return std::process::ExitCode::from(2);
    };
    // The newest generation's example request (the client speaks the newest), else any.
    let body: Value = ep
        .examples
        .iter()
        .rev()
        .find_map(|e| e.request.clone())
        .unwrap_or_else(|| Value::Object(Default::default()));
    let client = match Client::builder()
        .host(&args.url)
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .retry(RetryPolicy::none())
        .credentials_from_env()
        .and_then(|b| b.build())
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(5);
        }
    };
    let threads = args.threads.max(1);
    let latencies = Mutex::new(Vec::with_capacity(args.requests));
    let errors: Mutex<BTreeMap<String, usize>> = Mutex::default();
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let share = args.requests / threads + usize::from(t < args.requests % threads);
            let (client, latencies, errors, body, target) =
                (client.clone(), &latencies, &errors, &body, ep.name.as_str());
            s.spawn(move || {
                let mut mine = Vec::with_capacity(share);
                for _ in 0..share {
                    let t = Instant::now();
                    let mut one = One {
                        client: &client,
                        target,
                        body,
                        outcome: None,
                    };
                    visit_endpoints(&mut one);
                    mine.push(t.elapsed());
                    if let Some(Err(e)) = one.outcome {
                        *errors
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .entry(e.kind())
                            .or_default() += 1;
                    }
                }
                latencies
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(mine);
            });
        }
    });
    let elapsed = started.elapsed();
    let mut lat = latencies.into_inner().unwrap_or_else(|p| p.into_inner());
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!("endpoint   {} ({} threads)", ep.name, threads);
    println!("requests   {} in {:.2?}", lat.len(), elapsed);
    println!(
        "throughput {:.0} requests/s",
        lat.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency    p50 {:.2?}  p99 {:.2?}  max {:.2?}",
        pct(0.50),
        pct(0.99),
        lat.last().copied().unwrap_or_default()
    );
    let errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    if errors.is_empty() {
        println!("errors     none");
    } else {
        for (k, n) in &errors {
            println!("errors     {n} × {k}");
        }
    }
    std::process::ExitCode::SUCCESS
}
