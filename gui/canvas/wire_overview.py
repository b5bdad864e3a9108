"""Far out, thousands of wire items each cost a Python paint call; one item drawing
every wire as a straight line in a single path costs one. The scene swaps to it
below a zoom threshold (a level of detail for wires)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui import theme

if TYPE_CHECKING:
    from gui.canvas.scene import GraphScene

OVERVIEW_ZOOM = 0.2
"""Below this zoom a wire is a few pixels long; a straight line is indistinguishable."""

_PEN = QPen(theme.WIRE, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


class WireOverview(QGraphicsItem):
    def __init__(self, scene: GraphScene) -> None:
        super().__init__()
        self._scene = scene
        self._path: QPainterPath | None = None
        self._bounds = QRectF(scene.sceneRect())
        self.setZValue(-2)
        # Drawn once per zoom into a pixmap: repaints and pans far out blit it
        # instead of stroking thousands of lines again.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setVisible(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        # A copy of the scene rect, not the scene rect itself: the bounds may change
        # only between prepareGeometryChange() and here, or the index goes stale.
        return self._bounds

    def scene_rect_changed(self) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(self._scene.sceneRect())

    def invalidate(self) -> None:
        """A wire moved, came or went: rebuild the path on the next paint."""
        self._path = None
        if self.isVisible():
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._path is None:
            path = QPainterPath()
            for item in self._scene.edge_items.values():
                path.moveTo(item.start)
                path.lineTo(item.end)
            self._path = path
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(_PEN)
        painter.drawPath(self._path)
