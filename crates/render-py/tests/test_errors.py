"""Errors: one exception class per kind, with what the caller needs, and never a secret."""

import json
import os
import signal
import threading
import time

import pytest

import renderbus

from conftest import data_changed


def test_a_service_error_is_an_api_error_with_its_code_and_endpoint(client: renderbus.Client) -> None:
    with pytest.raises(renderbus.ApiError) as info:
        client.query_task_info([999999])
    e = info.value
    assert (e.code, e.name, e.endpoint) == (404, "resource-not-found", "queryTaskInfo")
    assert "999999" in e.service_message
    assert isinstance(e, renderbus.Error)


def test_a_wrong_key_is_an_api_error_that_does_not_show_the_key(farm: renderbus.MockFarm) -> None:
    wrong = "k" * 32
    client = renderbus.Client(farm.access_id, wrong, farm.url)
    with pytest.raises(renderbus.ApiError) as info:
        client.query_user_profile()
    assert info.value.code == 611
    for text in (str(info.value), repr(info.value), repr(client)):
        assert wrong not in text and farm.access_key not in text
    assert farm.access_key not in repr(farm)


def test_wrong_arguments_are_refused_before_anything_is_sent(client: renderbus.Client, farm: renderbus.MockFarm) -> None:
    with pytest.raises(renderbus.InvalidArgument) as info:
        client.get_task_list(page_sise=5)  # type: ignore[call-arg]
    assert info.value.argument == "page_sise" and "page_size" in str(info.value)
    with pytest.raises(renderbus.InvalidArgument) as info:
        client.get_task_list(page_size="five")  # type: ignore[arg-type]
    assert info.value.argument == "page_size"
    with pytest.raises(TypeError):  # InvalidArgument is a TypeError too
        client.query_task_info([1, "two"])  # type: ignore[list-item]
    assert farm.attempts("getTaskList") == 0 and farm.attempts("queryTaskInfo") == 0


def test_an_unreachable_service_is_a_transport_error() -> None:
    client = renderbus.Client("id", "key", "http://127.0.0.1:9", retries=0)
    with pytest.raises(renderbus.TransportError) as info:
        client.query_user_profile()
    assert info.value.endpoint == "queryUserProfile"


def test_a_reply_that_does_not_fit_is_a_decode_error_with_the_whole_reply(relay) -> None:  # type: ignore[no-untyped-def]
    def break_it(envelope: dict) -> None:
        envelope["data"]["userId"] = "not a number"

    _, client = relay(data_changed("queryUserProfile", break_it))
    with pytest.raises(renderbus.DecodeError) as info:
        client.query_user_profile()
    e = info.value
    assert e.path == "$.data.userId"
    assert json.loads(e.body)["data"]["userId"] == "not a number"
    assert "bytes>" in repr(e)


def test_a_write_whose_reply_is_lost_is_outcome_unknown_and_not_sent_again(relay, farm) -> None:  # type: ignore[no-untyped-def]
    r, client = relay(lambda path, status, body: None if "createTask" in path else body)
    before = farm.attempts("createTask")
    with pytest.raises(renderbus.OutcomeUnknown) as info:
        client.create_task()
    assert info.value.endpoint == "createTask"
    assert farm.attempts("createTask") == before + 1, "a write is never sent twice"


def test_missing_credentials_are_a_config_error_naming_where_they_come_from(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("RENDERBUS_ACCESS_ID", "RENDERBUS_ACCESS_KEY", "RENDERBUS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RENDERBUS_CONFIG", str(tmp_path / "none.toml"))
    with pytest.raises(renderbus.ConfigError) as info:
        renderbus.Client()
    assert "RENDERBUS_ACCESS_ID" in str(info.value)
    monkeypatch.setenv("RENDERBUS_PLATFORM", "abc")
    with pytest.raises(renderbus.ConfigError) as info:
        renderbus.Client("id", "key")
    assert "RENDERBUS_PLATFORM" in str(info.value)


def test_settings_come_from_the_environment_and_the_profile(monkeypatch, tmp_path, farm) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(
        '[profile.studio]\naccess_id = "%s"\naccess_key = "%s"\nhost = "%s"\nplatform = 6\n'
        % (farm.access_id, farm.access_key, farm.url)
    )
    for name in ("RENDERBUS_ACCESS_ID", "RENDERBUS_ACCESS_KEY", "RENDERBUS_HOST", "RENDERBUS_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RENDERBUS_CONFIG", str(config))
    client = renderbus.Client(profile="studio")
    assert (client.url, client.platform) == (farm.url, "6")
    assert client.query_user_profile()["userId"]
    monkeypatch.setenv("RENDERBUS_PLATFORM", "9")
    assert renderbus.Client(profile="studio").platform == "9", "the environment before the profile"
    assert renderbus.Client(profile="studio", platform=3).platform == "3", "an argument first"


def test_a_wait_that_runs_over_is_a_wait_timeout_with_the_last_status() -> None:
    with renderbus.MockFarm(speed=0) as farm:
        client = farm.client()
        task_id = client.create_task()["taskIdList"][0]
        client.submit_task(task_id)
        with pytest.raises(renderbus.WaitTimeout) as info:
            client.wait_for_task(task_id, timeout=1, interval=0.5)
        assert info.value.task_id == task_id
        assert info.value.last_status == renderbus.TaskStatus.ANALYSE
        assert info.value.outage is None
        assert isinstance(info.value, TimeoutError)


def test_an_exception_from_on_progress_ends_the_wait_and_is_raised() -> None:
    with renderbus.MockFarm(speed=0) as farm:
        client = farm.client()
        task_id = client.create_task()["taskIdList"][0]
        client.submit_task(task_id)

        def progress(task: dict) -> None:
            raise LookupError("stop here")

        with pytest.raises(LookupError, match="stop here"):
            client.wait_for_task(task_id, interval=30, on_progress=progress)
        assert farm.attempts("queryTaskInfo") == 1


def test_ctrl_c_interrupts_a_wait() -> None:
    with renderbus.MockFarm(speed=0) as farm:
        client = farm.client()
        task_id = client.create_task()["taskIdList"][0]
        client.submit_task(task_id)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            client.wait_for_task(task_id, interval=60)
        timer.join()
        assert farm.attempts("queryTaskInfo") == 1, "interrupted in the 60 s between polls"


def test_bad_mock_farm_settings_are_invalid_arguments() -> None:
    with pytest.raises(renderbus.InvalidArgument) as info:
        renderbus.MockFarm(frames=4, fail_frames=[5])
    assert info.value.argument == "fail_frames"
    with pytest.raises(renderbus.InvalidArgument):
        renderbus.MockFarm(speed=-1)
