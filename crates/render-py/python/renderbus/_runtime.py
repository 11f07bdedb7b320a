"""What the generated methods stand on: the call by wire name, page walks, and the checks
only Python can make (an argument's name, an enum value given by name).

Everything else — the request's types, signing, retries, read-back, waiting — is the native
client's, the same core as the Rust SDK's.
"""

import difflib
import json
from enum import Enum
from typing import Any, Dict, Iterator, List, Mapping, NoReturn, Sequence, Type, TypeVar, Union

from . import _native
from ._errors import InvalidArgument

E = TypeVar("E", bound=Enum)


class EndpointsBase:
    """The native client and the two ways the generated methods use it."""

    __slots__ = ("_native",)

    _native: _native.Client

    def _call(self, name: str, body: Dict[str, Any]) -> Any:
        return json.loads(self._native.call(name, json.dumps(body)))

    def _call_raw(self, name: str, body: Dict[str, Any]) -> Any:
        # The reply's data as the service sent it, unchecked (renderbus.compat's replies).
        return json.loads(self._native.call(name, json.dumps(body), True))

    def _iter(self, name: str, body: Dict[str, Any]) -> Iterator[Any]:
        # The request is checked now; the pages are asked for as the iteration goes.
        pages = self._native.pages(name, json.dumps(body))
        return _items(pages)


def _items(pages: _native.Pages) -> Iterator[Any]:
    while True:
        text = pages.next_page()
        if text is None:
            return
        yield from json.loads(text).get("items") or []


def _unknown_arguments(method: str, unknown: Mapping[str, Any], known: Sequence[str]) -> NoReturn:
    name = sorted(unknown)[0]
    near = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(near)}?" if near else f"; it takes {', '.join(known) or 'none'}"
    raise InvalidArgument(f"{method}() has no argument {name!r}{hint}", argument=name)


def _code(enum: Type[E], value: Any, argument: str) -> Any:
    """An enum value's wire code, given the member, its code, or its name (any case)."""
    if isinstance(value, enum):
        return value.value
    if isinstance(value, Enum):
        raise InvalidArgument(
            f"{argument}: {value!r} is a {type(value).__name__}, not a {enum.__name__}",
            argument=argument,
        )
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_").replace(" ", "_")
        member = enum.__members__.get(key)
        if member is not None:
            return member.value
        if any(m.value == value for m in enum):
            return value
    elif isinstance(value, int) and not isinstance(value, bool) and issubclass(enum, int):
        # A code this SDK does not know yet is passed on: the service may know it.
        return value
    names = ", ".join(enum.__members__)
    raise InvalidArgument(
        f"{argument}: {value!r} is not a {enum.__name__}: use one of {names} (or its code)",
        argument=argument,
    )


def _codes(enum: Type[E], values: Any, argument: str) -> List[Any]:
    return [_code(enum, v, argument) for v in _list(values, argument)]


def _list(values: Any, argument: str) -> List[Any]:
    if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
        raise InvalidArgument(
            f"{argument}: expected a list, got {type(values).__name__}", argument=argument
        )
    return list(values)


def _json_text(value: Union[str, Mapping[str, Any], Sequence[Any]]) -> str:
    """A JSON document's text: a string as given, anything else written as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
