"""Wrong Python inputs become library errors that name the field.

Converting a request to the core's JSON form runs plain Python: a `dict` where a `Money` is
expected, `None` for a required object, a string that is no member of an enum, a `Decimal` or
`bytes` where JSON needs a number or a string would raise `AttributeError`, `TypeError` or
`ValueError` from deep inside the generated code. These helpers run the conversion and, only when it fails, find the
field at fault and raise `InvalidRequestError` (or `InvalidConfigurationError` for a client's
configuration) with `field` set to its dotted path. The offending value is never shown (it
may be a card number or a key): only its type.
"""

from __future__ import annotations

import dataclasses
import json
import linecache
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from . import _native
from ._errors import ConnectorServiceError, InvalidRequestError
from ._ext import Model, request_of

_CONVERSION_ERRORS = (AttributeError, TypeError, ValueError, OverflowError)

# A line of a generated `to_dict`: `            "amount": self.amount.to_dict(),`
_DICT_KEY = re.compile(r'^\s*"(\w+)":')

_M = TypeVar("_M", bound=Model)
_T = TypeVar("_T")


def request_body(cls: type[_M], request: _M | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a service call's request (the object given, or one built from keyword
    arguments); a wrong value is an `InvalidRequestError` naming the field. A wrong call shape
    (a missing or unknown keyword argument, a request of another class) stays a `TypeError`,
    as Python reports it, naming the argument."""
    return to_dict(request_of(cls, request, fields), InvalidRequestError)


def to_dict(obj: Any, error: type[ConnectorServiceError] = InvalidRequestError) -> dict[str, Any]:
    """`obj.to_dict()`, with a failure reported as `error` naming the field."""
    try:
        result: dict[str, Any] = obj.to_dict()
        return result
    except _CONVERSION_ERRORS as e:
        path = _path_from_traceback(e)
        raise _field_error(error, obj, path) from None


def dumps(body: Any, error: type[ConnectorServiceError] = InvalidRequestError) -> str:
    """`json.dumps(body)`; a value JSON cannot carry is reported as `error` naming the field."""
    try:
        return json.dumps(body)
    except RecursionError:
        raise error(
            f"nested more than {_MAX_DEPTH} levels deep: cannot be sent", field=_too_deep(body) or "request"
        ) from None
    except _CONVERSION_ERRORS:
        found = _unencodable(body, "")
        path, kind = found if found is not None else ("", "a value")
        raise error(
            f"{kind} cannot be sent (expected a string, a number, a boolean, a list, a mapping or None)",
            field=path or "request",
        ) from None


def native_call(call: Callable[[dict[str, Any] | str], _T], request: dict[str, Any]) -> _T:
    """`call(request)` with the request as the `dict` of its JSON form, which the native layer
    reads straight into the core's typed request (or, when that fails, writes as JSON text for
    the core to read and name the field at fault), without `json.dumps`. A dict holding what only
    `json.dumps` converts (a tuple, an int key) or cannot (a Decimal) is refused (`NotJson`)
    before anything is sent, and crosses as `json.dumps`'s text instead (or fails there with
    an error that names the field)."""
    try:
        return call(request)
    except _native.NotJson:
        return call(dumps(request))


def _path_from_traceback(e: BaseException) -> list[str]:
    """The keys of the generated `to_dict` entries the exception passed through, outermost
    first (`["payment_method", "expiry_month"]`)."""
    path: list[str] = []
    tb = e.__traceback__
    last: tuple[str, int] | None = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith("_types.py"):
            where = (code.co_filename, tb.tb_lineno)
            match = _DICT_KEY.match(linecache.getline(*where))
            if match and where != last:
                path.append(match.group(1))
            last = where
        tb = tb.tb_next
    return path


def _field_error(error: type[ConnectorServiceError], obj: Any, path: list[str]) -> ConnectorServiceError:
    """The error for the field at `path` inside `obj`: what was expected, and the type given."""
    owner, value = obj, obj
    for name in path:
        owner = value
        value = getattr(value, name, None) if dataclasses.is_dataclass(value) else None
    field = ".".join(path) or "request"
    expected = "a valid value"
    if path and dataclasses.is_dataclass(owner):
        for f in dataclasses.fields(owner):
            if f.name == path[-1]:
                expected = f"{f.type}" if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    return error(f"expected {expected}, got {type(value).__name__}", field=field)


_MAX_DEPTH = 100
"""Deeper than the core's types ever nest: a value beyond it is a caller's mistake."""


def _too_deep(body: Any) -> str | None:
    """The path of the first value in `body` nested deeper than `_MAX_DEPTH` (without
    recursion: the value may be deeper than Python's stack)."""
    stack: list[tuple[Any, str, int]] = [(body, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return path
        if isinstance(value, Mapping):
            stack.extend((v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
    return None


def _unencodable(value: Any, path: str) -> tuple[str, str] | None:
    """The path and type of the first value in `value` that JSON cannot carry."""
    if value is None or isinstance(value, (str, bool, float)):
        return None
    if isinstance(value, int):
        return None
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                return (path or "request", f"a key of type {type(k).__name__}")
            found = _unencodable(v, f"{path}.{k}" if path else k)
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _unencodable(v, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    return (path, f"a {type(value).__name__}")
