"""Number tags placed later on big scenes. Placing 7,000 wires' tags clear of the
cards takes seconds; on a big scene a display change gives each changed wire a
provisional place (its midpoint, or where its tags already were) and this queue
places them properly a few hundred per event-loop turn after the window shows,
wires in view first. A picture or a test asks `settle()` and gets every tag in its
final place at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QRectF, QTimer
from PySide6.QtWidgets import QGraphicsScene

from gui.canvas.label_place import SMALL_SCENE

BATCH = 200
"""Wires placed per event-loop turn: about 60 ms of work, so the window stays responsive."""


class TagQueue(QObject):
    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self._scene = scene
        self._pending: dict[object, None] = {}
        """EdgeItems whose tags sit in a provisional place, in arrival order."""
        self._deferring = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._place_batch)

    @property
    def deferring(self) -> bool:
        """True while wires should take a provisional place and queue up."""
        return self._deferring

    @contextmanager
    def deferred(self, wires: int) -> Iterator[None]:
        """Defer placements made inside this block if the scene has more than SMALL_SCENE
        wires (small scenes place at once, as they always did)."""
        previous = self._deferring
        self._deferring = previous or wires > SMALL_SCENE
        try:
            yield
        finally:
            self._deferring = previous

    def add(self, item: object) -> None:
        self._pending[item] = None
        if not self._timer.isActive():
            self._timer.start()

    def discard(self, item: object) -> None:
        """A wire left the scene: nothing to place."""
        self._pending.pop(item, None)

    def clear(self) -> None:
        """The scene's items are going away (a rebuild deletes them)."""
        self._pending.clear()
        self._timer.stop()

    def pending(self) -> int:
        return len(self._pending)

    def settle(self) -> None:
        """Place every queued wire now (before a picture is drawn or a test looks)."""
        self._timer.stop()
        if self._pending:
            self._place(list(self._pending))
            self._finish()

    def _visible_rect(self) -> QRectF:
        visible = QRectF()
        for view in self._scene.views():
            if view.isVisible():
                visible = visible.united(view.mapToScene(view.viewport().rect()).boundingRect())
        return visible

    def _place_batch(self) -> None:
        visible = self._visible_rect()
        batch = []
        if not visible.isEmpty():
            batch = [item for item in self._pending
                     if item.sceneBoundingRect().intersects(visible)][:BATCH]  # type: ignore[attr-defined]
        if len(batch) < BATCH:
            chosen = set(batch)
            batch.extend(item for item in self._take_any(BATCH - len(batch), chosen))
        self._place(batch)
        if self._pending:
            self._timer.start()
        else:
            self._finish()

    def _take_any(self, count: int, chosen: set) -> Iterator[object]:
        for item in self._pending:
            if count <= 0:
                return
            if item not in chosen:
                count -= 1
                yield item

    def _place(self, items: list) -> None:
        for item in items:
            self._pending.pop(item, None)
        for item in items:
            if item.scene() is self._scene:
                item.settle_tags()

    def _finish(self) -> None:
        """The chain-rule step label keeps clear of the other wires' tags: with those in
        their final places now, it is placed again."""
        for item in getattr(self._scene, "edge_items", {}).values():
            if item.look.label:
                item.update_path(force=True)
