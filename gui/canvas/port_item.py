"""A port: a small circle on a card's edge where wires start and end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneHoverEvent, QStyleOptionGraphicsItem, QWidget

from engine.evaluate import INCOMPLETE
from gui import theme

if TYPE_CHECKING:
    from gui.canvas.node_item import NodeItem

RADIUS = 5.5
HIT_RADIUS = 10.0
REFUSED_FILL = QColor("#d5d8dc")


class PortItem(QGraphicsItem):
    """`index` is the input port number, or -1 for the output port."""

    def __init__(self, node: NodeItem, index: int, name: str) -> None:
        super().__init__(node)
        self.node = node
        self.index = index
        self.name = name
        self.connected = False
        self.drop_state = ""
        """During a wire drag: "valid", "target" (under the mouse), "refused" (it would
        close a cycle or feed the node itself) or "" (not a target)."""
        self._hovered = False
        self.setAcceptHoverEvents(True)
        # The card paints its ports (into its cache); this item is the hit area and state.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)

    @property
    def is_output(self) -> bool:
        return self.index < 0

    def boundingRect(self) -> QRectF:
        return QRectF(-HIT_RADIUS, -HIT_RADIUS, 2 * HIT_RADIUS, 2 * HIT_RADIUS)

    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.node.update()

    def set_drop_state(self, state: str) -> None:
        if state != self.drop_state:
            self.drop_state = state
            self.node.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Never called (ItemHasNoContents): the card draws its ports into its own cache."""

    def draw(self, painter: QPainter, presenting: bool) -> None:
        """Drawn by the card, in the card's coordinates."""
        radius = RADIUS
        fill = theme.PORT_BORDER if self.connected else theme.PORT
        border = theme.PORT_BORDER
        centre = self.pos()
        if not presenting and self.drop_state == "refused":
            self._draw_refused(painter, centre)
            return
        if not presenting and self.drop_state:
            border = theme.PORT_VALID
            fill = theme.PORT_VALID if self.drop_state == "target" else theme.PORT
            radius = RADIUS + (2.5 if self.drop_state == "target" else 1.0)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(theme.VALUE_SOFT))
            painter.drawEllipse(centre, radius + 4, radius + 4)
        elif not presenting and self._hovered:
            border = theme.SELECTION
            radius = RADIUS + 1.5
        if not self.is_output and not self.connected and self.node.look.problem_kind == INCOMPLETE:
            border = theme.INCOMPLETE
        painter.setPen(QPen(border, 1.6))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(centre, radius, radius)

    @staticmethod
    def _draw_refused(painter: QPainter, centre) -> None:
        """Grey, with a red ring and a cross: plainly not a place to drop the wire."""
        painter.setPen(QPen(theme.FAILED, 1.6))
        painter.setBrush(QBrush(REFUSED_FILL))
        painter.drawEllipse(centre, RADIUS + 1.0, RADIUS + 1.0)
        arm = RADIUS * 0.55
        painter.setPen(QPen(theme.FAILED, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(centre + QPointF(-arm, -arm), centre + QPointF(arm, arm))
        painter.drawLine(centre + QPointF(-arm, arm), centre + QPointF(arm, -arm))

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = True
        self.node.update()
        scene = self.scene()
        if scene is not None and hasattr(scene, "report_hover"):
            scene.report_hover(self.describe())

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = False
        self.node.update()

    def describe(self) -> str:
        op = self.node.op
        if self.is_output:
            return f"Output of {self.node.name}: drag to an input port to wire it"
        return (f"Input {self.name} of {self.node.name} ({op.name}): {op.derivative_text(self.index)}; "
                f"drag to an output port to wire it")
