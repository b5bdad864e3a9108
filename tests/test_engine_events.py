"""Subscriptions are handles: released once, idempotently, alone or as a bag, and a
callback released during an emit is not called by it."""

from __future__ import annotations

from engine.document import GraphDocument
from engine.events import Event, Subscriptions


def test_release_is_idempotent_and_only_removes_its_own_handle() -> None:
    event = Event()
    calls: list[str] = []
    first = event.subscribe(lambda: calls.append("first"))
    second = event.subscribe(lambda: calls.append("second"))
    assert event.subscriber_count == 2
    first.release()
    first.release()
    first.close()
    assert event.subscriber_count == 1 and not first.active and second.active
    event.emit()
    assert calls == ["second"]


def test_the_same_callback_twice_is_two_handles() -> None:
    event = Event()
    calls: list[int] = []
    handles = [event.subscribe(calls.append) for _ in range(2)]
    event.emit(1)
    handles[0].release()
    event.emit(2)
    assert calls == [1, 1, 2]


def test_a_bag_releases_everything_it_holds() -> None:
    document = GraphDocument()
    bag = Subscriptions()
    calls: list[tuple[str, ...]] = []
    bag.subscribe(document.node_added, lambda node_id: calls.append(("added", node_id)))
    bag.add(document.changed.subscribe(lambda: calls.append(("changed",))))
    assert len(bag) == 2
    document.add_node("input", node_id="a")
    bag.release()
    bag.release()
    assert len(bag) == 0
    assert document.node_added.subscriber_count == 0 and document.changed.subscriber_count == 0
    document.add_node("input", node_id="b")
    assert calls == [("added", "a"), ("changed",)]


def test_a_callback_released_during_an_emit_is_not_called_by_it() -> None:
    event = Event()
    calls: list[str] = []
    closer = event.subscribe(lambda: (calls.append("closer"), later.release()))
    later = event.subscribe(lambda: calls.append("later"))
    event.emit()
    event.emit()
    assert calls == ["closer", "closer"]
    assert closer.active and not later.active
