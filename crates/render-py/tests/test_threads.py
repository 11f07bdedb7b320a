"""A client shared between threads, with the GIL released during calls; the pytest fixtures."""

import threading

import renderbus


def test_one_client_serves_many_threads(client: renderbus.Client, farm: renderbus.MockFarm) -> None:
    made: list = []
    errors: list = []

    def work() -> None:
        try:
            for _ in range(10):
                made.append(client.create_task()["taskIdList"][0])
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(made)) == 80
    assert client.get_task_list(page_size=1)["total"] == 80
    assert farm.attempts("createTask") == 80


def test_a_call_in_progress_does_not_hold_the_gil() -> None:
    with renderbus.MockFarm(speed=0) as farm:
        client = farm.client()
        task_id = client.create_task()["taskIdList"][0]
        client.submit_task(task_id)
        waiter = threading.Thread(
            target=lambda: _ignore_timeout(client, task_id), daemon=True
        )
        waiter.start()
        # While the other thread is inside a native wait, this one calls freely.
        for _ in range(20):
            client.query_user_profile()
        assert waiter.is_alive(), "the wait was still running while this thread called"
        waiter.join()


def _ignore_timeout(client: renderbus.Client, task_id: int) -> None:
    try:
        client.wait_for_task(task_id, timeout=5, interval=1)
    except renderbus.WaitTimeout:
        pass


def test_the_pytest_fixtures_give_a_farm_and_its_client(renderbus_farm, renderbus_client) -> None:  # type: ignore[no-untyped-def]
    assert renderbus_client.url == renderbus_farm.url
    task_id = renderbus_client.create_task()["taskIdList"][0]
    renderbus_client.submit_task(task_id)
    done = renderbus_client.wait_for_task(task_id, interval=0.5)
    assert renderbus.TaskStatus(done["taskStatus"]) is renderbus.TaskStatus.FINISHED
