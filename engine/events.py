"""A tiny observer mechanism: the engine announces changes without knowing Qt.

Subscribing returns a handle; an observer keeps its handles and releases them when
it goes away, so a document that outlives a window never calls into a deleted one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Subscription:
    """One callback on one event, until `release()` (idempotent; `close()` is the same)."""

    __slots__ = ("_event", "callback")

    def __init__(self, event: Event, callback: Callable[..., Any]) -> None:
        self._event: Event | None = event
        self.callback = callback

    @property
    def active(self) -> bool:
        return self._event is not None

    def release(self) -> None:
        event, self._event = self._event, None
        if event is not None:
            event._subscriptions.remove(self)

    close = release


class Event:
    """Callbacks run, in subscription order, on every `emit`."""

    __slots__ = ("_subscriptions",)

    def __init__(self) -> None:
        self._subscriptions: list[Subscription] = []

    def subscribe(self, callback: Callable[..., Any]) -> Subscription:
        subscription = Subscription(self, callback)
        self._subscriptions.append(subscription)
        return subscription

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def emit(self, *args: Any) -> None:
        # Iterate over a copy: a callback may release itself or others; one released
        # during this emit is not called any more (its observer may be gone).
        for subscription in tuple(self._subscriptions):
            if subscription._event is not None:
                subscription.callback(*args)


class Subscriptions:
    """An observer's handles, released all at once when it closes."""

    __slots__ = ("_handles",)

    def __init__(self) -> None:
        self._handles: list[Subscription] = []

    def subscribe(self, event: Event, callback: Callable[..., Any]) -> Subscription:
        handle = event.subscribe(callback)
        self._handles.append(handle)
        return handle

    def add(self, handle: Subscription) -> Subscription:
        self._handles.append(handle)
        return handle

    def __len__(self) -> int:
        return sum(handle.active for handle in self._handles)

    def release(self) -> None:
        handles, self._handles = self._handles, []
        for handle in handles:
            handle.release()

    close = release
