"""A wire: a smooth curve from an output port to an input port, the value it
carries in green above it and the gradient it carried back in red below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneHoverEvent, QStyle, QStyleOptionGraphicsItem, QWidget

from engine.plan import Edge
from gui import theme
from gui.canvas.looks import NO_EDGE_LOOK, EdgeLook

if TYPE_CHECKING:
    from gui.canvas.node_item import NodeItem

_LABEL_FONT = theme.mono_font(8.5)
_STEP_FONT = theme.font(9, bold=True)
_METRICS = QFontMetricsF(_LABEL_FONT)
_STEP_METRICS = QFontMetricsF(_STEP_FONT)
TEXT_LOD = 0.45


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal-tangent cubic, so wires leave and enter ports left to right."""
    reach = max(40.0, abs(end.x() - start.x()) * 0.5)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + reach, start.y()), QPointF(end.x() - reach, end.y()), end)
    return path


class EdgeItem(QGraphicsItem):
    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem, port: int) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.port = port
        self.look = NO_EDGE_LOOK
        self._path = QPainterPath()
        self._bounds = QRectF()
        self._hovered = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(-1)
        self.update_path()

    def path(self) -> QPainterPath:
        return self._path

    def update_path(self) -> None:
        start = self.source.output.scenePos()
        end = self.target.inputs[self.port].scenePos()
        self.prepareGeometryChange()
        self._path = wire_path(start, end)
        self._bounds = self._path.boundingRect().adjusted(-6, -6, 6, 6)
        self._bounds = self._bounds.united(self._label_rect())

    def _midpoint(self) -> QPointF:
        return self._path.pointAtPercent(0.5)

    def _label_rect(self) -> QRectF:
        mid = self._midpoint()
        look = self.look
        width = max(_METRICS.horizontalAdvance(look.value), _METRICS.horizontalAdvance(look.grad)) + 12
        rect = QRectF(mid.x() - width / 2, mid.y() - 20, width, 40)
        if look.label:
            step_width = _STEP_METRICS.horizontalAdvance(look.label) + 20
            rect = rect.united(QRectF(mid.x() - step_width / 2, mid.y() + 4, step_width, 44))
        return rect

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        return stroker.createStroke(self._path)

    def set_look(self, look: EdgeLook) -> None:
        if look == self.look:
            return
        self.look = look
        self.update_path()
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        scene = self.scene()
        presenting = scene is not None and getattr(scene, "presenting", False)
        selected = bool(option.state & QStyle.StateFlag.State_Selected) and not presenting
        look = self.look
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour, width = theme.WIRE, 2.0
        if look.highlight == "forward":
            colour, width = theme.VALUE, 3.5
        elif look.highlight == "backward":
            colour, width = theme.GRADIENT, 3.5
        if self._hovered and not presenting:
            colour = theme.HOVER if not look.highlight else colour
        if selected:
            colour, width = theme.SELECTION, 3.0
        painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)

        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < TEXT_LOD:
            return
        mid = self._midpoint()
        painter.setFont(_LABEL_FONT)
        if look.value:
            self._draw_tag(painter, look.value, QPointF(mid.x(), mid.y() - 11), theme.VALUE)
        if look.grad:
            self._draw_tag(painter, look.grad, QPointF(mid.x(), mid.y() + 11), theme.GRADIENT)
        if look.label:
            self._draw_step(painter, look.label, QPointF(mid.x(), mid.y() + 34))

    @staticmethod
    def _draw_tag(painter: QPainter, text: str, centre: QPointF, colour: QColor) -> None:
        width = _METRICS.horizontalAdvance(text) + 8
        rect = QRectF(centre.x() - width / 2, centre.y() - 8, width, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(250, 250, 250, 215)))
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    @staticmethod
    def _draw_step(painter: QPainter, text: str, centre: QPointF) -> None:
        painter.setFont(_STEP_FONT)
        width = _STEP_METRICS.horizontalAdvance(text) + 18
        rect = QRectF(centre.x() - width / 2, centre.y() - 12, width, 24)
        painter.setPen(QPen(theme.GRADIENT, 1.2))
        painter.setBrush(QBrush(QColor("#fff5f5")))
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(theme.GRADIENT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(_LABEL_FONT)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = True
        self.update()
        scene = self.scene()
        if scene is not None and hasattr(scene, "report_hover"):
            scene.report_hover(self.describe())
            self.setToolTip(scene.tooltip_for(self))

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = False
        self.update()

    def describe(self) -> str:
        port_name = self.target.op.port_names[self.port]
        text = f"Wire {self.source.name} → {self.target.name}.{port_name}"
        if self.look.value:
            text += f" — value {self.look.value}"
        if self.look.grad:
            text += f", gradient {self.look.grad}"
        return text + " (click to select, Delete removes it)"
