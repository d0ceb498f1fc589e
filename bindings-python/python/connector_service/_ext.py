"""Hand-written helpers for the generated modules: the value-class base with its masked
`repr`, Base64, request building, and the `Money` additions (exact major-unit amounts)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import decimal
import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from . import _native

_REDACTED = "***"


def b64encode(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as e:
        raise ValueError("expected Base64-encoded bytes") from e


def mask_card_number(number: object) -> str:
    """A card number as it may be shown: at most the first six and last four digits."""
    return _native.mask_card_number(number) if isinstance(number, str) else _REDACTED


def _masked(kind: str, value: Any) -> str:
    if value is None:
        return "None"
    if kind == "card_number":
        return repr(mask_card_number(value))
    if kind == "secret":
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(repr(_REDACTED) for _ in value) + "]"
        return repr(_REDACTED)
    if kind == "bytes":
        return f"<{len(value)} bytes>"
    if kind == "headers" and isinstance(value, Mapping):
        shown = {k: (_REDACTED if _native.is_sensitive_header(str(k)) else v) for k, v in value.items()}
        return repr(shown)
    return _REDACTED


class Model:
    """Base of every generated value class: a dataclass whose `repr` hides secrets.

    `repr` (and so `str`) shows the fields that are set; card numbers show at most their
    first six and last four digits, secrets (API keys, CVCs, webhook keys) show `***`, raw
    bytes show their length, and credential headers are masked. The attributes themselves
    hold the real values (they are what is sent).
    """

    __slots__ = ()
    _MASKED: ClassVar[Mapping[str, str]] = {}

    def __repr__(self) -> str:
        parts = []
        masked = type(self)._MASKED
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None:
                continue
            kind = masked.get(f.name)
            if kind:
                shown = _masked(kind, value)
            elif isinstance(value, enum.Enum):
                shown = f"{type(value).__name__}.{value.name}"
            else:
                shown = repr(value)
            parts.append(f"{f.name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        # What a dataclass's `__eq__` does (the generated classes write their `__init__` and
        # leave this to the base, so that importing them compiles neither): instances of the
        # same class, field by field (`__slots__`, which the dataclass sets to its fields).
        if other.__class__ is not self.__class__:
            return NotImplemented
        names: tuple[str, ...] = type(self).__slots__
        return all(getattr(self, name) == getattr(other, name) for name in names)

    # Mutable and compared by value: not hashable (as a dataclass with `eq` and without `frozen`).
    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


class _Factory:
    """The signature's default of a field whose default is made for each instance."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


FACTORY: Any = _Factory()
"""The default, in a generated `__init__`, of a field whose default is made for each instance
(a list, a dict, a record): `made_default` makes it."""


def made_default(cls: type[Model], name: str) -> Any:
    """A new default value of field `name` of the dataclass `cls` (its default factory's)."""
    return cls.__dataclass_fields__[name].default_factory()  # type: ignore[attr-defined]


_M = TypeVar("_M", bound=Model)


def request_of(cls: type[_M], request: _M | None, fields: dict[str, Any]) -> _M:
    """The request of a service call: the object given, or one built from keyword arguments."""
    if request is None:
        return cls(**fields)
    if fields:
        raise TypeError(f"pass either a {cls.__name__} or keyword arguments, not both")
    if not isinstance(request, cls):
        raise TypeError(f"expected a {cls.__name__}, got {type(request).__name__}")
    return request


def request_body(cls: type[_M], request: _M | None, fields: dict[str, Any]) -> dict[str, Any]:
    """`request_of(...).to_dict()`; a wrong input is an `InvalidRequestError` naming the field
    (see `_inputs`)."""
    from ._inputs import request_body as body

    return body(cls, request, fields)


def to_body(request: Model) -> dict[str, Any]:
    """`request.to_dict()`; a wrong input is an `InvalidRequestError` naming the field."""
    try:
        body: dict[str, Any] = request.to_dict()
        return body
    except (AttributeError, TypeError, ValueError, OverflowError):
        # Converted again by the helper that finds the field at fault (imported only now: it
        # imports this module).
        from ._inputs import to_dict

        return to_dict(request)


class MoneyBase(Model):
    """Additions to the generated `Money`: exact conversions from and to major units."""

    __slots__ = ()

    if TYPE_CHECKING:
        minor_units: int
        currency: str

        def __init__(self, minor_units: int, currency: str) -> None: ...

    @classmethod
    def from_major(cls, amount: str | decimal.Decimal | int, currency: str) -> Self:
        """An amount given in major units, exactly: `Money.from_major("10.50", "USD")` is
        1050 minor units. More decimals than the currency has (`"10.505"` USD) is an
        `InvalidRequestError`, never a rounding. Floats are refused: they are not exact."""
        if isinstance(amount, bool) or not isinstance(amount, (str, decimal.Decimal, int)):
            raise TypeError("amount must be a str, decimal.Decimal or int (floats are not exact)")
        text = format(amount, "f") if isinstance(amount, decimal.Decimal) else str(amount)
        if not isinstance(currency, str):
            raise _wrong_input("currency", f"expected str, got {type(currency).__name__}")
        try:
            minor_units = _native.money_from_major(text.strip(), currency)
        except _native.NativeError as e:
            raise native_error(e) from None
        return cls(minor_units, currency)

    def to_major(self) -> str:
        """The amount in major units with exactly the currency's decimals (`"10.50"`)."""
        if isinstance(self.minor_units, bool) or not isinstance(self.minor_units, int):
            raise _wrong_input("minor_units", f"expected int, got {type(self.minor_units).__name__}")
        if not isinstance(self.currency, str):
            raise _wrong_input("currency", f"expected str, got {type(self.currency).__name__}")
        try:
            return _native.money_to_major(self.minor_units, self.currency)
        except OverflowError:
            raise _wrong_input("minor_units", "out of range: at most 2^53 - 1 minor units") from None
        except _native.NativeError as e:
            raise native_error(e) from None

    def to_decimal(self) -> decimal.Decimal:
        """The amount in major units as an exact `decimal.Decimal`."""
        return decimal.Decimal(self.to_major())

    def __str__(self) -> str:
        try:
            return f"{self.currency} {self.to_major()}"
        except Exception:
            return repr(self)


def _wrong_input(field: str, message: str) -> Exception:
    from ._errors import InvalidRequestError

    return InvalidRequestError(message, field=field)


def native_error(error: _native.NativeError) -> Exception:
    """The typed exception for an error raised by the native layer."""
    import json

    from ._errors import error_from_dict

    try:
        data = json.loads(str(error.args[0]))
    except (IndexError, ValueError):
        data = {"code": "internal", "message": "the native layer raised an unreadable error"}
    return error_from_dict(data)
