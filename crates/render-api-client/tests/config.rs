//! `Client::from_env()` finds its settings as the `renderbus` CLI does: `RENDERBUS_*`
//! variables, then a profile of the config file. Variables are set for a child run of this
//! same test binary (setting them in-process would race with other tests).

use std::process::Command;

use render_api_client::{Client, Error};
use render_api_mock::MockFarm;

const CHILD: &str = "RENDER_CONFIG_TEST_CHILD";

/// Runs `from_env_child` in a child process with `vars`; whether it passed.
fn child(vars: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "from_env_child",
        "--nocapture",
        "--test-threads",
        "1",
    ]);
    for name in [
        "RENDERBUS_ACCESS_ID",
        "RENDERBUS_ACCESS_KEY",
        "RENDERBUS_HOST",
        "RENDERBUS_PLATFORM",
        "RENDERBUS_API_VERSION",
        "RENDERBUS_PROFILE",
        "RENDERBUS_CONFIG",
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// In a child run: builds the client from the environment and checks what the parent asked.
#[test]
fn from_env_child() {
    let Ok(mode) = std::env::var(CHILD) else {
        return; // only meaningful as a child of `from_env_reads_what_the_cli_reads`
    };
    match mode.as_str() {
        "works" => {
            let client = Client::from_env().unwrap();
            assert_eq!(client.base_url(), std::env::var("EXPECT_URL").unwrap());
            client.query_user_profile().send().unwrap();
        }
        "wrong-api" => {
            let err = Client::from_env().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(err.to_string().contains(".api::<V1>()"), "{err}");
        }
        "missing" => {
            let err = Client::from_env().unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("no access id")
                    && text.contains("RENDERBUS_ACCESS_ID")
                    && text.contains("[profile.default]"),
                "{text}"
            );
        }
        other => panic!("unknown mode {other}"),
    }
}

#[test]
fn from_env_reads_what_the_cli_reads() {
    let farm = MockFarm::start().unwrap();
    let dir = std::env::temp_dir().join(format!("render-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(
        &file,
        format!(
            "[profile.ci]\nhost = \"{}\"\naccess_id = \"{}\"\naccess_key = \"{}\"\nplatform = \"3\"\n",
            farm.url(),
            farm.access_id(),
            farm.access_key()
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    // The profile named by RENDERBUS_PROFILE; an empty variable does not hide it.
    let (ok, text) = child(&[
        (CHILD, "works"),
        ("EXPECT_URL", farm.url()),
        ("RENDERBUS_CONFIG", file),
        ("RENDERBUS_PROFILE", "ci"),
        ("RENDERBUS_ACCESS_KEY", ""),
    ]);
    assert!(ok, "{text}");
    // Variables come before the profile: another host is used.
    let (ok, text) = child(&[
        (CHILD, "works"),
        ("EXPECT_URL", "http://127.0.0.1:1"),
        ("RENDERBUS_HOST", "http://127.0.0.1:1"),
        ("RENDERBUS_CONFIG", file),
        ("RENDERBUS_PROFILE", "ci"),
    ]);
    assert!(
        !ok && text.contains("http://127.0.0.1:1/api/"),
        "the variable's host is the one called:\n{text}"
    );
    // A generation the settings name that is not the client's.
    let (ok, text) = child(&[
        (CHILD, "wrong-api"),
        ("RENDERBUS_CONFIG", file),
        ("RENDERBUS_PROFILE", "ci"),
        ("RENDERBUS_API_VERSION", "1"),
    ]);
    assert!(ok, "{text}");
    // Nothing anywhere: the message names every place a key may come from.
    let (ok, text) = child(&[
        (CHILD, "missing"),
        ("RENDERBUS_CONFIG", "/nonexistent/config.toml"),
    ]);
    assert!(ok, "{text}");
    std::fs::remove_dir_all(&dir).ok();
}
