"""`renderbus.Client` and `renderbus.MockFarm`."""

import json
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Optional, Type, Union

from . import _native
from ._generated.api import Endpoints

if TYPE_CHECKING:  # the models are TypedDicts of the stub only
    from ._generated.api import TaskInfo

__all__ = ["Client", "MockFarm"]


class Client(Endpoints):
    """A client of the Renderbus / Fox Renderfarm API: one method per endpoint.

    Settings not given here come from the same places as the `renderbus` CLI's: the
    `RENDERBUS_ACCESS_ID`, `RENDERBUS_ACCESS_KEY`, `RENDERBUS_HOST`, `RENDERBUS_PLATFORM` and
    `RENDERBUS_API_VERSION` variables, then the profile `profile` (else `RENDERBUS_PROFILE`, else
    `default`) of `~/.config/renderbus/config.toml`. A setting that is missing or wrong raises
    `renderbus.ConfigError` naming where it came from.

    Args:
        access_id: The API access id.
        access_key: The API access key (never shown by `repr`, an exception or a log).
        host: `task.renderbus.com` (the default), `task.foxrenderfarm.com`, or a URL such as
            `http://127.0.0.1:8080`.
        platform: The platform number (default 2).
        api_version: The API generation, 1 or 2 (default 2).
        profile: The config file's profile to read.
        timeout: Seconds a call may take in all, retries included (default 30).
        retries: How many times a read is retried after a transient failure (default 2).
            Writes are never sent twice: a lost reply is settled by reading back its effect.

    A client may be shared between threads; every call releases the GIL.
    """

    __slots__ = ()

    def __init__(
        self,
        access_id: Optional[str] = None,
        access_key: Optional[str] = None,
        host: Optional[str] = None,
        platform: Union[str, int, None] = None,
        api_version: Union[int, str, None] = None,
        profile: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        retries: Optional[int] = None,
    ) -> None:
        self._native = _native.Client(
            access_id, access_key, host, platform, api_version, profile, timeout, retries
        )

    @property
    def api_version(self) -> int:
        """The API generation spoken: 1 or 2."""
        return self._native.api_version

    @property
    def url(self) -> str:
        """The service's base URL."""
        return self._native.url

    @property
    def platform(self) -> str:
        """The platform number every request carries."""
        return self._native.platform

    def wait_for_task(
        self,
        task_id: int,
        timeout: Optional[float] = None,
        interval: Optional[float] = None,
        on_progress: Optional[Callable[["TaskInfo"], object]] = None,
    ) -> "TaskInfo":
        """Waits for task `task_id` to end (done, stopped, abandoned or failed); returns the
        task as last seen (a `TaskInfo` dict).

        It rides out outages (a connection refused, a timeout, a 5xx while polling) until
        `timeout`; an error code from the service (the task does not exist) ends it at once.

        Args:
            task_id: The task.
            timeout: Seconds to wait in all (default: as long as the task takes); past it,
                `renderbus.WaitTimeout` (its `outage` says when the service was unreachable).
            interval: Seconds between polls (default 5, at least 0.5).
            on_progress: Called with the task at every poll that answered. An exception it
                raises ends the wait and is raised here.

        Ctrl-C ends the wait between polls with `KeyboardInterrupt`.
        """
        callback: Optional[Callable[[str], object]] = None
        if on_progress is not None:
            report = on_progress
            callback = lambda text: report(json.loads(text))  # noqa: E731
        task: "TaskInfo" = json.loads(self._native.wait_for_task(task_id, timeout, interval, callback))
        return task

    def __repr__(self) -> str:
        return repr(self._native)


class MockFarm:
    """A fake farm on 127.0.0.1 for tests: it verifies every request's signature as the
    service does, keeps a simulated farm's state (tasks analyse, render and finish over farm
    time), and serves every endpoint of both API generations.

    Use it as a context manager (it stops on exit) or call `close()`::

        with renderbus.MockFarm(speed=600, frames=4, fail_frames=[3]) as farm:
            client = farm.client()
            task_id = client.create_task()["taskIdList"][0]

    Args:
        speed: Farm seconds per real second (default 60; 0 freezes its clock).
        frames: Frames of every submitted task (default 10).
        fail_frames: Frame numbers (from 1) that fail on their first attempt in every task.
        sub_account: The account is a sub-account sharing its main account's storage.
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        speed: float = 60.0,
        frames: int = 10,
        fail_frames: Any = (),
        sub_account: bool = False,
    ) -> None:
        self._native = _native.MockFarm(speed, frames, list(fail_frames), sub_account)

    @property
    def url(self) -> str:
        """The farm's base URL, `http://127.0.0.1:PORT`."""
        return self._native.url

    @property
    def access_id(self) -> str:
        """The access id the farm accepts."""
        return self._native.access_id

    @property
    def access_key(self) -> str:
        """The access key the farm accepts."""
        return self._native.access_key

    def client(self, api_version: Union[int, str, None] = None, **settings: Any) -> Client:
        """A client of this farm (its URL and credentials); other `Client` arguments as given."""
        return Client(
            self.access_id, self.access_key, self.url, api_version=api_version, **settings
        )

    def advance(self, seconds: float) -> None:
        """Moves the farm's clock `seconds` ahead: with `speed=0` the farm moves only so, and a
        test decides exactly when frames render."""
        self._native.advance(seconds)

    def attempts(self, endpoint: str) -> int:
        """How many requests for `endpoint` (its wire name) reached the farm, retries included."""
        return self._native.attempts(endpoint)

    def close(self) -> None:
        """Stops the farm."""
        self._native.close()

    def __enter__(self) -> "MockFarm":
        return self

    def __exit__(
        self,
        kind: Optional[Type[BaseException]],
        value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return repr(self._native)
