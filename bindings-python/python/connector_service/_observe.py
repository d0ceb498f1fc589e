"""Observability: the per-call hook and the bridge of the core's logs into `logging`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from . import _native
from ._types import CallRecord

__all__ = ["CallObserver", "set_log_level", "LOGGER_NAME", "TRACE"]

CallObserver = Callable[[CallRecord], object]
"""A hook receiving the `CallRecord` of every call (`Client(..., on_call=hook)`)."""

LOGGER_NAME = "connector_service"
"""The logger that receives the core's logs (and reports exceptions raised by hooks)."""

TRACE = 5
"""The level of the core's TRACE records (below `logging.DEBUG`), named `TRACE`."""

_logger = logging.getLogger(LOGGER_NAME)
_bridge_lock = threading.Lock()
_bridge_installed = False


def native_observer(on_call: CallObserver | None) -> Callable[[dict[str, Any]], None] | None:
    """What the native client calls with each record's JSON form: builds the typed record and
    calls `on_call`; an exception in `on_call` is logged, never raised into the call."""
    if on_call is None:
        return None
    if not callable(on_call):
        raise TypeError(f"on_call must be callable, not {type(on_call).__name__}")

    def observe(record: dict[str, Any]) -> None:
        try:
            on_call(CallRecord.from_dict(record))
        except Exception:
            _logger.exception("the on_call hook raised; the call's result is unaffected")

    return observe


def _filter_for(level: int) -> str:
    if level <= TRACE:
        name = "trace"
    elif level <= logging.DEBUG:
        name = "debug"
    elif level <= logging.INFO:
        name = "info"
    elif level <= logging.WARNING:
        name = "warn"
    else:
        name = "error"
    return f"connector_service={name}"


def ensure_log_bridge() -> None:
    """Installs the bridge of the core's logs into `logging` once per process (on the first
    client). Its filter is `RUST_LOG` when set, else the `connector_service` logger's
    effective level at that time; `set_log_level` changes it later."""
    global _bridge_installed
    if _bridge_installed:
        return
    with _bridge_lock:
        if _bridge_installed:
            return
        try:
            _native._install_log_bridge(_filter_for(_logger.getEffectiveLevel()))
        except _native.NativeError as e:
            # Another tracing subscriber owns the process: calls work, logs go there.
            _logger.warning("the core's logs are not bridged to logging: %s", e.args[0])
        _bridge_installed = True


def set_log_level(level: int | str) -> None:
    """Sets which of the core's log records reach the `connector_service` logger.

    `level` is a `logging` level (`logging.DEBUG`, `TRACE`, ...) or a `RUST_LOG`-style filter
    (`"connector_service=debug"`). Overrides `RUST_LOG`. Records never contain card data or
    credentials (bodies are logged masked, at TRACE)."""
    ensure_log_bridge()
    directives = _filter_for(level) if isinstance(level, int) else level
    try:
        _native._set_log_filter(directives)
    except _native.NativeError as e:
        from ._ext import native_error

        raise native_error(e) from None
