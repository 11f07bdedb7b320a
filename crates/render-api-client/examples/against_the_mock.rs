//! Testing your own code against the embedded mock farm: it verifies every signature like
//! the service, and renders on a clock you can speed up, with frames you choose to fail.
//!
//! ```sh
//! cargo run -p render-api-client --example against_the_mock
//! cargo test -p render-api-client --example against_the_mock   # its tests
//! ```

use render_api_client::types::TaskStatus;
use render_api_client::{Client, Error, Outcome, WaitOptions};
use render_api_mock::{FarmConfig, MockFarm};

/// The code under test: renders a task and answers how many frames were redone.
fn render(client: &Client, options: &WaitOptions) -> Result<(Outcome, i64), Error> {
    let id = client.create_task().send()?.task_id_list[0];
    client.submit_task(id).send()?;
    let task = client.wait_for_task(id).options(options.clone()).send()?;
    if task.task_status == TaskStatus::FinishedHasFailed {
        let failed = task.failed_frames.unwrap_or(0);
        client.restart_failed_frames([id]).send()?;
        let task = client.wait_for_task(id).options(options.clone()).send()?;
        return Ok((
            Outcome::of(&task.task_status).unwrap_or(Outcome::Failed),
            failed,
        ));
    }
    Ok((Outcome::of(&task.task_status).unwrap_or(Outcome::Failed), 0))
}

/// A farm of 4 frames a task, 1,200 farm seconds per real second, frame 2 failing once.
fn farm(failing: Vec<usize>) -> MockFarm {
    MockFarm::builder()
        .farm(FarmConfig {
            frames_per_task: 4,
            speed: 1200.0,
            failing_frames: failing,
            ..FarmConfig::default()
        })
        .start()
        .expect("the farm starts")
}

fn client_of(farm: &MockFarm) -> Client {
    Client::builder()
        .host(farm.url())
        .credentials(farm.credentials())
        .build()
        .expect("a client")
}

fn quick() -> WaitOptions {
    WaitOptions {
        interval: WaitOptions::MIN_INTERVAL,
        timeout: Some(std::time::Duration::from_secs(60)),
    }
}

fn main() -> Result<(), Error> {
    let farm = farm(vec![2]);
    let (outcome, redone) = render(&client_of(&farm), &quick())?;
    println!("{outcome:?}, {redone} frame(s) restarted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_frame_is_restarted_and_the_task_finishes() {
        let farm = farm(vec![2]);
        let (outcome, redone) = render(&client_of(&farm), &quick()).unwrap();
        assert_eq!(outcome, Outcome::Finished);
        assert_eq!(redone, 1);
    }

    #[test]
    fn a_clean_render_restarts_nothing() {
        let farm = farm(vec![]);
        assert_eq!(
            render(&client_of(&farm), &quick()).unwrap(),
            (Outcome::Finished, 0)
        );
    }
}
