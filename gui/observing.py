"""Tie an observer's document subscriptions to the life of a Qt object: the document
may outlive any window (tests reuse documents, a reset replaces its graph), and an
event must never reach a widget Qt has already deleted."""

from __future__ import annotations

from PySide6.QtCore import QObject

from engine.events import Subscriptions


def subscriptions_of(owner: QObject) -> Subscriptions:
    """A bag of subscriptions released when `owner` is destroyed (or earlier, by its
    own `close()`/`detach()`). The slot holds the bag, not the owner, so the owner can go."""
    subscriptions = Subscriptions()
    owner.destroyed.connect(lambda *_: subscriptions.release())
    return subscriptions
