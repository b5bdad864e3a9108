"""A tiny observer mechanism: the engine announces changes without knowing Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks run, in subscription order, on every `emit`."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def subscribe(self, callback: Callable[..., Any]) -> None:
        self._callbacks.append(callback)

    def unsubscribe(self, callback: Callable[..., Any]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        # Iterate over a copy: a callback may unsubscribe itself.
        for callback in tuple(self._callbacks):
            callback(*args)
