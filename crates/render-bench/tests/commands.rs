//! The bench and load commands produce what their users read (never timings asserted).

use std::process::Command;

use render_api_mock::MockFarm;

fn bench_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_render-bench"))
}

#[test]
fn load_reports_throughput_latency_and_errors_by_kind() {
    let farm = MockFarm::start().unwrap();
    let run = |key: &str| {
        let out = bench_bin()
            .args([
                "load",
                "--url",
                farm.url(),
                "--requests",
                "40",
                "--threads",
                "2",
                "--endpoint",
                "queryPlatforms",
            ])
            .env("RENDERBUS_ACCESS_ID", farm.access_id())
            .env("RENDERBUS_ACCESS_KEY", key)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let good = run(farm.access_key());
    assert!(good.contains("requests   40 in"), "{good}");
    assert!(
        good.contains("throughput") && good.contains("p50") && good.contains("p99"),
        "{good}"
    );
    assert!(good.contains("errors     none"), "{good}");
    assert_eq!(farm.attempts("queryPlatforms"), 40);
    let bad = run("not-the-key");
    assert!(bad.contains("errors     40 × api_611"), "{bad}");

    let out = bench_bin()
        .args(["load", "--url", farm.url(), "--endpoint", "noSuchCall"])
        .env("RENDERBUS_ACCESS_ID", "a")
        .env("RENDERBUS_ACCESS_KEY", "b")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no endpoint `noSuchCall`"));
}

#[test]
fn bench_json_rows_carry_baseline_ours_ratio_and_iterations() {
    let out = bench_bin()
        .args([
            "bench",
            "--json",
            "--skip-build",
            "--only",
            "sign: document",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{text}");
    let row = &rows[0];
    assert_eq!(row["name"], "sign: document example");
    for field in ["baseline", "ours", "ratio"] {
        assert!(row[field].as_f64().unwrap() > 0.0, "{row}");
    }
    let ratio = row["ours"].as_f64().unwrap() / row["baseline"].as_f64().unwrap();
    assert!(
        (ratio - row["ratio"].as_f64().unwrap()).abs() < 1e-9,
        "the ratio is ours / baseline"
    );
    assert!(row["iterations"].as_u64().unwrap() > 0);
}
