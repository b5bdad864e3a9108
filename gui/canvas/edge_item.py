"""A wire: a smooth curve from an output port to an input port, the value it
carries in green above it and the gradient it carried back in red below it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from engine.plan import Edge
from gui import theme
from gui.canvas.hover import HoverReporting
from gui.canvas.looks import NO_EDGE_LOOK, EdgeLook
from gui.canvas.node_item import NodeItem

_LABEL_FONT = theme.mono_font(8.5)
_STEP_FONT = theme.font(9, bold=True)
_METRICS = QFontMetricsF(_LABEL_FONT)
_STEP_METRICS = QFontMetricsF(_STEP_FONT)
TEXT_LOD = 0.45
_WIRE_PEN = QPen(theme.WIRE, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal-tangent cubic, so wires leave and enter ports left to right."""
    reach = max(40.0, abs(end.x() - start.x()) * 0.5)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + reach, start.y()), QPointF(end.x() - reach, end.y()), end)
    return path


class EdgeItem(HoverReporting, QGraphicsItem):
    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem, port: int) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.port = port
        self.look = NO_EDGE_LOOK
        self._path = QPainterPath()
        self._mid = QPointF()
        self._step_centre = QPointF()
        self.start = self.end = QPointF()
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
        path = wire_path(start, end)
        mid = path.pointAtPercent(0.5)
        # Everything that asks the scene (placing the step label) happens before
        # prepareGeometryChange(): a scene query in between re-indexes this item under
        # its old bounds, and the index keeps that stale entry after the item is
        # deleted; painting that region then reads freed memory (a segfault).
        step_centre = self._place_step_label(mid) if self.look.label else self._step_centre
        bounds = path.boundingRect().adjusted(-6, -6, 6, 6).united(self._label_rect(mid, step_centre))
        self.prepareGeometryChange()
        self.start, self.end = start, end
        self._path, self._mid, self._step_centre, self._bounds = path, mid, step_centre, bounds
        scene = self.scene()
        if scene is not None:
            scene.wire_overview.invalidate()  # type: ignore[attr-defined]

    def _label_rect(self, mid: QPointF, step_centre: QPointF) -> QRectF:
        look = self.look
        width = max(_METRICS.horizontalAdvance(look.value), _METRICS.horizontalAdvance(look.grad)) + 12
        rect = QRectF(mid.x() - width / 2, mid.y() - 20, width, 40)
        if look.label:
            rect = rect.united(self._step_rect(step_centre).adjusted(-2, -2, 2, 2))
        return rect

    def _step_rect(self, centre: QPointF) -> QRectF:
        width = _STEP_METRICS.horizontalAdvance(self.look.label) + 18
        return QRectF(centre.x() - width / 2, centre.y() - 12, width, 24)

    def _place_step_label(self, mid: QPointF) -> QPointF:
        """Below the wire's middle, unless a card is in the way there: then the nearest
        free place above or below (short wires run between close cards)."""
        first = QPointF(mid.x(), mid.y() + 34)
        scene = self.scene()
        if scene is None:
            return first
        for k in range(16):
            offset = 34 + 14 * (k // 2)
            centre = QPointF(mid.x(), mid.y() + (offset if k % 2 == 0 else -offset))
            rect = self._step_rect(centre).adjusted(-4, -4, 4, 4)
            # Bounding rects first, not shapes: asking every wire nearby for its
            # stroked shape would cost more than the whole rest of the step.
            near = scene.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
            if not any(isinstance(item, NodeItem) and item.mapRectToScene(item.card).intersects(rect)
                       for item in near):
                return centre
        return first

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
        # A wire showing its chain-rule step is drawn over the cards, so no card hides
        # the label (the label itself is placed to avoid them where it can).
        self.setZValue(1 if look.label else -1)
        self.update_path()
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # A hot path on big graphs (thousands of wires at once): the common case is
        # one prepared pen and one drawPath.
        look = self.look
        plain = not look.highlight and not self._hovered and not self.isSelected()
        presenting = self.scene().presenting  # type: ignore[union-attr]
        if plain or (presenting and not look.highlight):
            painter.setPen(_WIRE_PEN)
        else:
            painter.setPen(self._special_pen(presenting))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if not (look.value or look.grad or look.label):
            return
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < TEXT_LOD:
            return
        if look.label:
            # The chain-rule step stands in for the two tags while it shows (it ends
            # with the same contribution); a raised wire's tags would cover the cards.
            self._draw_step(painter, look.label, self._step_centre)
            return
        mid = self._mid
        painter.setFont(_LABEL_FONT)
        if look.value:
            self._draw_tag(painter, look.value, QPointF(mid.x(), mid.y() - 11), theme.VALUE)
        if look.grad:
            self._draw_tag(painter, look.grad, QPointF(mid.x(), mid.y() + 11), theme.GRADIENT)

    def _special_pen(self, presenting: bool) -> QPen:
        colour, width = theme.WIRE, 2.0
        if self.look.highlight == "forward":
            colour, width = theme.VALUE, 3.5
        elif self.look.highlight == "backward":
            colour, width = theme.GRADIENT, 3.5
        elif self._hovered and not presenting:
            colour = theme.HOVER
        if self.isSelected() and not presenting:
            colour, width = theme.SELECTION, 3.0
        return QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)

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

    def describe(self) -> str:
        port_name = self.target.op.port_names[self.port]
        text = f"Wire {self.source.name} → {self.target.name}.{port_name}"
        if self.look.value:
            text += f" — value {self.look.value}"
        if self.look.grad:
            text += f", gradient {self.look.grad}"
        return text + " (click to select, Delete removes it)"
