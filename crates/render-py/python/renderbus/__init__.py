"""The Renderbus / Fox Renderfarm API for Python.

`renderbus.Client` has one method per endpoint of the spec (`api-spec.yaml`), named by the wire
name in snake case (`client.get_task_list(page_size=50, status_list=[TaskStatus.RENDERING])`),
returning the reply's data as Python values by wire name; `iter_<name>` walks every page of a
paginated endpoint; `wait_for_task` waits for a task to end. Errors are `renderbus.Error` and
its subclasses. `renderbus.MockFarm` is a verifying fake farm for tests, and
`renderbus.compat.RayvisionAPI` a drop-in for the official rayvision-api client.

The calls run in the Rust SDK's client core: requests are checked against the spec before
anything is sent, signed, retried when they are reads, and settled by reading back when a
write's reply is lost.
"""

from ._client import Client, MockFarm
from ._errors import (
    ApiError,
    ConfigError,
    DecodeError,
    Error,
    InvalidArgument,
    OutcomeUnknown,
    TransportError,
    Unsupported,
    WaitTimeout,
)
from ._generated.api import *  # noqa: F401,F403 (the enums)
from ._generated.api import __all__ as _enums

# Written out: type checkers read a literal list as what the package exports (a pipeline's
# `mypy --strict` refuses `renderbus.ApiError` when the names come from another list).
__all__ = [
    "Client",
    "MockFarm",
    "Error",
    "ApiError",
    "OutcomeUnknown",
    "TransportError",
    "DecodeError",
    "InvalidArgument",
    "Unsupported",
    "ConfigError",
    "WaitTimeout",
    *(name for name in _enums if name != "Endpoints"),
]
