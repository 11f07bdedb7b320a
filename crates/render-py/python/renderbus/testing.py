"""pytest fixtures for code that drives a render farm (a pytest plugin, loaded by pytest
wherever `renderbus` is installed):

- `renderbus_farm`: a `renderbus.MockFarm` per test (its clock at 600× real time, so a task
  renders in a second or two), stopped after the test;
- `renderbus_client`: a `renderbus.Client` of that farm.

Tests that want another farm start their own `renderbus.MockFarm(...)`.
"""

from typing import Iterator

import pytest

from ._client import Client, MockFarm

__all__ = ["renderbus_farm", "renderbus_client"]


@pytest.fixture
def renderbus_farm() -> Iterator[MockFarm]:
    """A fake farm for one test, stopped after it."""
    with MockFarm(speed=600.0) as farm:
        yield farm


@pytest.fixture
def renderbus_client(renderbus_farm: MockFarm) -> Client:
    """A client of `renderbus_farm`."""
    return renderbus_farm.client()
