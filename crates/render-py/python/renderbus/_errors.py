"""The exceptions of `renderbus`: `Error` and below it one class per kind of failure.

Every exception a call raises is one of these (or `KeyboardInterrupt` when Ctrl-C ends a wait).
None of them holds the access key or a signature.
"""

from typing import Optional

__all__ = [
    "Error",
    "ApiError",
    "OutcomeUnknown",
    "TransportError",
    "DecodeError",
    "InvalidArgument",
    "Unsupported",
    "ConfigError",
    "WaitTimeout",
]


class Error(Exception):
    """Anything that went wrong with a call; `str()` says what and, where it can, what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiError(Error):
    """The service answered with an error code.

    Attributes:
        code: The service's code (`611`).
        name: The document's name for it (`signature-invalid`), or None for a code the SDK
            does not know.
        service_message: The service's message, as sent.
        request_id: The service's id of the request (API 2 sends one): quote it to support.
        endpoint: The endpoint called (`getTaskList`).
    """

    def __init__(
        self,
        message: str,
        *,
        code: int,
        name: Optional[str] = None,
        service_message: str = "",
        request_id: Optional[str] = None,
        endpoint: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.name = name
        self.service_message = service_message
        self.request_id = request_id
        self.endpoint = endpoint


class OutcomeUnknown(Error):
    """A write's reply was lost and nothing could tell whether it took effect; it was not sent
    again. Look at the farm before trying it again.

    Attributes:
        endpoint: The write.
        checked: The read asked whether it took effect, or None when the write has none.
        why: What was lost, and what the read answered.
    """

    def __init__(
        self, message: str, *, endpoint: str = "", checked: Optional[str] = None, why: str = ""
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.checked = checked
        self.why = why


class TransportError(Error):
    """The service could not be reached, did not answer in time, or answered an HTTP error
    without the API's envelope.

    Attributes:
        endpoint: The endpoint called.
        status: The HTTP status of an error reply, or None when there was no reply.
    """

    def __init__(self, message: str, *, endpoint: str = "", status: Optional[int] = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.status = status


class DecodeError(Error):
    """The reply was not the JSON the spec describes. Nothing of it is lost: `body` holds the
    reply as received.

    Attributes:
        endpoint: The endpoint called.
        path: Where in the reply it went wrong (`$.data.items[3].taskStatus`).
        body: The whole reply, as received.
    """

    def __init__(self, message: str, *, endpoint: str = "", path: str = "$", body: bytes = b"") -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.path = path
        self.body = body

    def __repr__(self) -> str:
        # The reply may carry a secret (an engine's password): its size only.
        return f"DecodeError({self.message!r}, body=<{len(self.body)} bytes>)"


class InvalidArgument(Error, TypeError, ValueError):
    """An argument the call does not have, or a value that does not fit it. Nothing was sent.

    Attributes:
        argument: The argument's name (`page_size`).
        endpoint: The endpoint, when the argument belongs to one.
    """

    def __init__(self, message: str, *, argument: str = "", endpoint: str = "") -> None:
        super().__init__(message)
        self.argument = argument
        self.endpoint = endpoint


class Unsupported(Error):
    """The call, or a parameter given, does not exist in the client's API generation; nothing
    was sent.

    Attributes:
        endpoint: The endpoint.
    """

    def __init__(self, message: str, *, endpoint: str = "") -> None:
        super().__init__(message)
        self.endpoint = endpoint


class ConfigError(Error):
    """The client is not configured well enough to call: credentials or a setting missing or
    wrong, wherever it came from (an argument, a `RENDERBUS_*` variable, a profile)."""


class WaitTimeout(Error, TimeoutError):
    """A wait for a task ran over its timeout before the task ended.

    Attributes:
        task_id: The task waited for.
        last_status: The task's status code at the last poll that answered, or None.
        outage: Why the service could not be reached at the last poll, when it could not: the
            wait ended in an outage, not behind a slow render.
    """

    def __init__(
        self,
        message: str,
        *,
        task_id: int = 0,
        last_status: Optional[int] = None,
        outage: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.last_status = last_status
        self.outage = outage
