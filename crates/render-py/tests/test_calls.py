"""Calls: one method per endpoint, replies by wire name with nothing lost, enums, pages."""

import inspect
import json
import pathlib

import pytest

import renderbus
from renderbus import FrameStatus, TaskStatus
from renderbus._generated.api import Endpoints

from conftest import data_changed


def test_a_task_goes_from_creation_to_its_frames(client: renderbus.Client) -> None:
    task_id = client.create_task()["taskIdList"][0]
    assert client.submit_task(task_id) is None  # the service acknowledges with no data
    task = client.wait_for_task(task_id, interval=0.5)
    assert task["id"] == task_id
    assert TaskStatus(task["taskStatus"]) is TaskStatus.FINISHED_HAS_FAILED  # frame 3 fails once
    frames = list(client.iter_query_task_frames(task_id))
    assert [f["frameIndex"] for f in frames] == ["1", "2", "3", "4"]
    failed = [f["id"] for f in frames if f["frameStatus"] == FrameStatus.FAILED]
    assert len(failed) == 1
    client.restart_frame(task_id, "listed", ids=failed)
    task = client.wait_for_task(task_id, interval=0.5)
    assert TaskStatus(task["taskStatus"]) is TaskStatus.FINISHED


def test_every_endpoint_has_its_method_named_by_the_wire_name() -> None:
    # The OpenAPI documents (generated from the same spec by another generator) name every
    # operation of both generations.
    operations = set()
    for generation in ("v1", "v2"):
        path = pathlib.Path(__file__).parents[3] / "openapi" / f"renderbus-{generation}.json"
        paths = json.loads(path.read_text(encoding="utf-8"))["paths"]
        operations |= {op["operationId"] for item in paths.values() for op in item.values()}
    assert len(operations) >= 49
    methods = {name for name, _ in inspect.getmembers(Endpoints, inspect.isfunction)}
    for operation in operations:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
        assert snake in methods, operation


def test_required_parameters_are_positional_and_the_rest_keyword_only_with_the_specs_defaults() -> None:
    sig = inspect.signature(Endpoints.get_task_list)
    assert sig.parameters["page_num"].default == 1
    assert sig.parameters["page_size"].default == 100
    assert sig.parameters["page_size"].kind is inspect.Parameter.KEYWORD_ONLY
    sig = inspect.signature(Endpoints.restart_frame)
    assert list(sig.parameters)[1:3] == ["task_id", "select_all"]
    assert sig.parameters["task_id"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    sig = inspect.signature(Endpoints.loading_frame_thumbnail)
    assert sig.parameters["frame_status"].default is FrameStatus.DONE
    assert "Wire name `getTaskList`" in (Endpoints.get_task_list.__doc__ or "")


def test_enums_take_members_codes_and_names(client: renderbus.Client) -> None:
    for task in range(3):
        client.create_task()
    by_member = client.get_task_list(status_list=[TaskStatus.WAITING])
    by_code = client.get_task_list(status_list=[int(TaskStatus.WAITING)])
    by_name = client.get_task_list(status_list=["waiting"])
    assert by_member == by_code == by_name
    assert by_member["total"] == 3
    with pytest.raises(renderbus.InvalidArgument) as info:
        client.get_task_list(status_list=["rendred"])
    assert info.value.argument == "status_list"
    assert "RENDERING" in str(info.value) and "WAITING" in str(info.value)
    with pytest.raises(renderbus.InvalidArgument, match="FrameStatus, not a TaskStatus"):
        client.get_task_list(status_list=[FrameStatus.DONE])


def test_iter_walks_every_item_of_every_page(client: renderbus.Client, farm: renderbus.MockFarm) -> None:
    ids = [client.create_task()["taskIdList"][0] for _ in range(5)]
    before = farm.attempts("getTaskList")
    items = client.iter_get_task_list(page_size=2)
    assert farm.attempts("getTaskList") == before, "nothing is asked for before the iteration"
    seen = [t["id"] for t in items]
    assert sorted(seen) == sorted(ids)
    assert farm.attempts("getTaskList") == before + 3, "five tasks, pages of two"
    pages = [client.get_task_list(page_size=2, page_num=n)["items"] for n in (1, 2, 3)]
    assert [t["id"] for page in pages for t in page] == seen


def test_a_field_the_spec_does_not_know_is_kept(farm, relay) -> None:  # type: ignore[no-untyped-def]
    def add(envelope: dict) -> None:
        envelope["data"]["brandNewField"] = {"nested": [1, 2]}
        envelope["data"]["userName"] = envelope["data"].get("userName")

    _, client = relay(data_changed("queryUserProfile", add))
    profile = client.query_user_profile()
    assert profile["brandNewField"] == {"nested": [1, 2]}
    assert "userId" in profile


def test_json_text_parameters_take_a_document(client: renderbus.Client) -> None:
    task_id = client.create_task()["taskIdList"][0]
    doc = {"task_info": {"input_cg_file": "D:/shots/shot010.mb", "cg_id": "2000"}}
    client.task_json_file(task_id, json.dumps(doc))
    client.task_json_file(task_id, doc)  # the same, written as JSON by the package


def test_api_version_1_speaks_the_first_generation(farm: renderbus.MockFarm) -> None:
    v1 = farm.client(api_version=1)
    assert v1.api_version == 1
    assert v1.query_platforms(1)
    with pytest.raises(renderbus.Unsupported) as unsupported:
        v1.get_user_pack_node_info()  # a call of API 2 only
    assert unsupported.value.endpoint == "getUserPackNodeInfo"
    with pytest.raises(renderbus.InvalidArgument) as invalid:
        v1.get_task_list(recycle_flag=1)  # a parameter of API 2 only
    assert invalid.value.argument == "recycle_flag" and "only" in str(invalid.value)
    assert farm.attempts("getTaskList") == 0
