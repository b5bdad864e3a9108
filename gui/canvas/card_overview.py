"""Far out, each of thousands of cards costs Qt a cached-picture blit on every repaint
(about 2 µs a card, 12 of the 18 ms a fitted repaint of 5,000 cards took). One item
drawing every resting card into one cached picture costs one blit.

The cards stay where they were for the mouse: they take clicks, hovers and drags as
before and only stop painting themselves (ItemHasNoContents) while the overview
draws them. A card paints itself again while it looks different from its resting
picture (selected, hovered, lit by a step), and for good once it moves, so a drag
never redraws the overview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

if TYPE_CHECKING:
    from gui.canvas.node_item import NodeItem
    from gui.canvas.scene import GraphScene

_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


class CardOverview(QGraphicsItem):
    def __init__(self, scene: GraphScene) -> None:
        super().__init__()
        self._scene = scene
        self._bounds = QRectF(scene.sceneRect())
        self._drawn: dict[NodeItem, QRectF] = {}
        """The cards in the picture, and where (scene rect of the card's bounds)."""
        self._active = False
        self._suspended = False
        self.setZValue(-0.5)  # over the wires, under every card that paints itself
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # A change to one card redraws only its rect of the picture (option.exposedRect).
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setVisible(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def boundingRect(self) -> QRectF:
        return self._bounds  # a copy of the scene rect, changed only after prepareGeometryChange()

    def scene_rect_changed(self) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(self._scene.sceneRect())

    @property
    def active(self) -> bool:
        return self._active and not self._suspended

    def set_active(self, active: bool) -> None:
        """Draw the cards (zoomed far out), or let each card draw itself again."""
        if active == self._active:
            return
        self._active = active
        self._refill()

    def suspend(self, suspended: bool) -> None:
        """While a picture is exported every card draws itself, at the picture's scale."""
        if suspended != self._suspended:
            self._suspended = suspended
            self._refill()

    def _refill(self) -> None:
        for item in self._drawn:
            item.setFlag(_NO_CONTENTS, False)
        self._drawn.clear()
        if self.active:
            for item in self._scene.node_items.values():
                self._drawn[item] = item.sceneBoundingRect()
                item.setFlag(_NO_CONTENTS, item.resting)
        self.setVisible(self.active)
        self.update()

    # ------------------------------------------------------ what cards tell it
    def card_state_changed(self, item: NodeItem) -> None:
        """Selected, hovered or lit, or back to rest: who paints the card. One of the
        two, never both: antialiased edges drawn twice come out darker."""
        rect = self._drawn.get(item)
        if rect is not None and bool(item.flags() & _NO_CONTENTS) != item.resting:
            item.setFlag(_NO_CONTENTS, item.resting)
            self.update(rect)

    def card_look_changed(self, item: NodeItem) -> None:
        """What a card shows far out (symbol, border) changed: redraw its part."""
        rect = self._drawn.get(item)
        if rect is not None:
            self.update(rect)

    def card_moved(self, item: NodeItem) -> None:
        """A moved card paints itself from now on; its old place in the picture clears."""
        rect = self._drawn.pop(item, None)
        if rect is not None:
            item.setFlag(_NO_CONTENTS, False)
            self.update(rect)

    card_removed = card_moved

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        exposed = option.exposedRect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item, rect in self._drawn.items():
            if rect.intersects(exposed) and item.resting:
                painter.save()
                painter.translate(item.pos())
                item.paint_resting(painter)
                painter.restore()
