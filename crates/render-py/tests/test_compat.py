"""renderbus.compat on its own: the official constructor's credentials, errors and logging."""

import logging

import pytest

import renderbus
from renderbus.compat import RayvisionAPI, RayvisionAPIError, RayvisonTaskIdError


def options(farm: renderbus.MockFarm) -> dict:
    return dict(domain=farm.url.split("://", 1)[1], platform="2", protocol="http")


def test_credentials_come_from_the_official_variables(farm, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("RAYVISION_API_ACCESS_ID", raising=False)
    monkeypatch.delenv("RAYVISION_API_KEY", raising=False)
    with pytest.raises(TypeError, match="RAYVISION_API_ACCESS_ID"):
        RayvisionAPI(**options(farm))
    monkeypatch.setenv("RAYVISION_API_ACCESS_ID", farm.access_id)
    with pytest.raises(TypeError, match="RAYVISION_API_KEY"):
        RayvisionAPI(**options(farm))
    monkeypatch.setenv("RAYVISION_API_KEY", farm.access_key)
    api = RayvisionAPI(**options(farm))
    assert api.user_info["user_id"] == api.get_user_id()
    assert {"local_os", "domain", "platform", "input_bid"} <= set(api.user_info)


def test_a_service_error_has_the_official_attributes_and_is_an_api_error(farm) -> None:  # type: ignore[no-untyped-def]
    api = RayvisionAPI(farm.access_id, farm.access_key, **options(farm))
    with pytest.raises(RayvisionAPIError) as info:
        api.query.task_info([424242])
    e = info.value
    assert e.error_code == 404 and "424242" in e.error
    assert e.request == farm.url + "/api/render/handle/queryTaskInfo/v2"
    assert str(e).startswith("Error code: 404, Error message: ")
    assert isinstance(e, renderbus.ApiError) and e.endpoint == "queryTaskInfo"
    with pytest.raises(RayvisonTaskIdError) as bad:
        api.submit("19084")  # type: ignore[arg-type]
    assert bad.value.error_code == 2000


def test_calls_by_path_and_logs_without_secrets(farm, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG, logger="renderbus.compat")
    api = RayvisionAPI(farm.access_id, farm.access_key, **options(farm))
    platforms = api.connect.post("/api/render/common/queryPlatforms", {"zone": 1})
    assert platforms and platforms == api.connect.call("queryPlatforms", {"zone": 1})
    with pytest.raises(renderbus.InvalidArgument):
        api.connect.post("/api/render/no/such/path", {})
    assert "queryPlatforms" in caplog.text
    assert farm.access_key not in caplog.text and "signature" not in caplog.text.lower()
    assert farm.access_key not in repr(api.connect._client)
