"""Guards against known-bad Qt bindings: the canvas moves thousands of Python items."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene


class _Card(QGraphicsItem):
    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, 10, 10)

    def paint(self, painter, option, widget=None) -> None:
        pass


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 (PEP 683): its "
                    "reference count never changes, so a lost reference cannot be seen or do harm")
def test_moving_python_items_keeps_references_to_none(qapp):
    # PySide6 6.12.0 lost one reference to None per setPos; on Python 3.11 that ends
    # in "Fatal Python error: deallocating None" after a few thousand moves.
    scene = QGraphicsScene()
    items = [_Card() for _ in range(50)]
    for item in items:
        scene.addItem(item)
    before = sys.getrefcount(None)
    for step in range(40):
        for item in items:
            item.setPos(step, step)
    assert sys.getrefcount(None) >= before
