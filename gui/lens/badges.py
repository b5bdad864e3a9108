"""Gradient-check badges: a tick, a cross or a warning on each input card the output
depends on, its relative error on hover. The check (engine.lens.gradcheck) runs after
every evaluation while the badges are on; the badges are children of the cards, so
they move with them and go with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from engine.lens.gradcheck import FAIL, KINK, OK, GradientCheck, InputCheck, check_gradients
from gui import theme
from gui.canvas.node_item import NodeItem

if TYPE_CHECKING:
    from gui.canvas.presenter import CanvasPresenter

SIZE = 20.0
COLOURS = {OK: QColor("#2e7d32"), FAIL: QColor("#c62828"), KINK: QColor("#ef8f00")}
MARKS = {OK: "✓", FAIL: "✗", KINK: "!"}
_FONT = theme.font(10, bold=True)


class BadgeItem(QGraphicsItem):
    """A round mark over a card's top-left corner."""

    def __init__(self, card: NodeItem) -> None:
        super().__init__(card)
        self.status = OK
        self.setPos(card.card.left() + 2, card.card.top() + 2)
        self.setZValue(5)
        self.setAcceptHoverEvents(True)  # the tooltip needs the item under the mouse

    def boundingRect(self) -> QRectF:
        return QRectF(-SIZE / 2 - 1, -SIZE / 2 - 1, SIZE + 2, SIZE + 2)

    def show_check(self, check: InputCheck) -> None:
        self.status = check.status
        self.setToolTip(check.summary())
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(QBrush(COLOURS[self.status]))
        circle = QRectF(-SIZE / 2, -SIZE / 2, SIZE, SIZE)
        painter.drawEllipse(circle)
        painter.setFont(_FONT)
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, MARKS[self.status])


class GradientBadges(QObject):
    """Runs the check after each evaluation while on, and puts the badges on the cards."""

    checked = Signal(object)
    """The new GradientCheck (or None when the badges are switched off)."""

    def __init__(self, presenter: CanvasPresenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.scene = presenter.scene
        self.on = False
        self.check: GradientCheck | None = None
        self._badges: dict[str, BadgeItem] = {}
        presenter.evaluated.connect(lambda _evaluation: self.update())

    def set_on(self, on: bool) -> None:
        self.on = on
        self.update()

    def update(self) -> None:
        """Check the presenter's evaluation (bug mode's, when it is on) and badge the cards."""
        if not self.on:
            self.check = None
            self._clear()
            self.checked.emit(None)
            return
        self.presenter.refresh()
        self.check = check_gradients(self.presenter.evaluation)
        items = self.scene.node_items
        for node_id in list(self._badges):
            badge = self._badges[node_id]
            if node_id not in self.check.inputs or not self._alive(node_id, badge):
                self._drop(node_id)
        for node_id, input_check in self.check.inputs.items():
            item = items.get(node_id)
            if item is None:
                continue
            badge = self._badges.get(node_id)
            if badge is None:
                badge = self._badges[node_id] = BadgeItem(item)
            badge.show_check(input_check)
        self.checked.emit(self.check)

    def badge(self, node_id: str) -> BadgeItem | None:
        return self._badges.get(node_id)

    def _alive(self, node_id: str, badge: BadgeItem) -> bool:
        """A file load or an undo makes new cards: a badge goes with the card it was on."""
        return shiboken6.isValid(badge) and badge.parentItem() is self.scene.node_items.get(node_id)

    def _drop(self, node_id: str) -> None:
        badge = self._badges.pop(node_id)
        if shiboken6.isValid(badge) and badge.scene() is not None:
            badge.scene().removeItem(badge)

    def _clear(self) -> None:
        for node_id in list(self._badges):
            self._drop(node_id)
