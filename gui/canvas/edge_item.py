"""A wire: a smooth curve from an output port to an input port, the value it
carries in green above it and the gradient it carried back in red below it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from engine.plan import Edge
from gui import theme
from gui.canvas.heatmap import ArrayPicture, grid_size, paint_picture
from gui.canvas.hover import HoverReporting
from gui.canvas.label_place import TAG_GAP, free_width, place_step, place_tags, sample_path, tag_rects
from gui.canvas.looks import NO_EDGE_LOOK, EdgeLook
from gui.canvas.node_item import NodeItem

_LABEL_FONT = theme.mono_font(8.5)
_STRUCK_FONT = theme.mono_font(8.5)
_STRUCK_FONT.setStrikeOut(True)
_STEP_FONT = theme.font(9, bold=True)
_METRICS = QFontMetricsF(_LABEL_FONT)
_STEP_METRICS = QFontMetricsF(_STEP_FONT)
_WIRE_PEN = QPen(theme.WIRE, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
_TAG_BRUSH = QBrush(QColor(250, 250, 250, 215))


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal-tangent cubic, so wires leave and enter ports left to right."""
    reach = max(40.0, abs(end.x() - start.x()) * 0.5)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + reach, start.y()), QPointF(end.x() - reach, end.y()), end)
    return path


WIRE_CELL = QSizeF(28.0, 12.0)
"""The largest cell of a grid hung on a wire."""
WIRE_GRID_LIMIT = QSizeF(112.0, 96.0)
THUMB_SIZE = QSizeF(72.0, 50.0)
TEXT_TAG_HEIGHT = 16.0
MIN_TAG_WIDTH = 28.0
"""A text tag squeezed narrower than this between cards is left out (the tooltip has it)."""


def _quantised(width: float) -> float:
    """Tag widths rounded up to 16 units: a new number of about the same length keeps
    the old place, so an edit of a big graph does not re-place thousands of tags."""
    return 16.0 * -(-width // 16.0)


class EdgeItem(HoverReporting, QGraphicsItem):
    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem, port: int) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.port = port
        self.look = NO_EDGE_LOOK
        self._path = QPainterPath()
        self._samples: np.ndarray | None = None
        self._tags: list[tuple[QRectF, str, str]] = []
        """(rect, "value" or "grad", text to draw) for each number tag shown."""
        self._placed_key: tuple | None = None
        self._tag_anchor: tuple[QPointF, int] | None = None
        """The wire point the tags hang from; None when they were squeezed (re-place next time)."""
        self._provisional = False
        """The tags sit in a provisional place, queued to be placed properly (big scenes)."""
        self._anchor = QPointF()
        self._step_box = QRectF()
        self.start = self.end = QPointF()
        self._bounds = QRectF()
        self._hovered = False
        self._by_layer: bool | None = None
        """drawn_by_layer() when last asked (the layer redraws the wire's area when it changes)."""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(-1)
        self.update_path()

    def path(self) -> QPainterPath:
        return self._path

    def samples(self) -> np.ndarray:
        """Points along the wire, rows of (x, y) (to tell whether a label would cover it)."""
        if self._samples is None:
            self._samples = sample_path(self._path)
        return self._samples

    def tag_rects(self) -> list[tuple[QRectF, str]]:
        """The number tags as drawn: (scene rect, "value" or "grad")."""
        return [(rect, kind) for rect, kind, _text in self._tags]

    def label_rects(self) -> list[QRectF]:
        """Every box of words or numbers this wire draws, in scene coordinates."""
        rects = [rect for rect, _kind in self.tag_rects()]
        if self.look.label:
            rects.append(QRectF(self._step_box))
        return rects

    def update_path(self, force: bool = False) -> None:
        start = self.source.output.scenePos()
        end = self.target.inputs[self.port].scenePos()
        path = wire_path(start, end)
        # Everything that asks the scene (placing the tags and the step label) happens
        # before prepareGeometryChange(): a scene query in between re-indexes this item
        # under its old bounds, and the index keeps that stale entry after the item is
        # deleted; painting that region then reads freed memory (a segfault).
        look = self.look
        value_size, grad_size = self._tag_size(look.value, look.value_picture), self._tag_size(look.grad,
                                                                                              look.grad_picture)
        key = (start.x(), start.y(), end.x(), end.y(), _quantised(value_size[0]) if value_size else None,
               value_size[1] if value_size else None, _quantised(grad_size[0]) if grad_size else None,
               grad_size[1] if grad_size else None)
        tags, tag_anchor, anchor, step_box = self._tags, self._tag_anchor, self._anchor, self._step_box
        provisional = False
        samples = self._samples if (start, end) == (self.start, self.end) else None
        if look.label:
            samples = sample_path(path) if samples is None else samples
            anchor, step_box = place_step(self.scene(), path, samples, self, self._step_size())
            tags, tag_anchor = [], None
        elif force or key != self._placed_key or tag_anchor is None or self._provisional:
            queue = getattr(self.scene(), "tag_queue", None)
            provisional = not force and queue is not None and queue.deferring
            if provisional:
                # Placing thousands of wires at once would hold up the first paint: a
                # cheap place now (where the tags were, or the middle), the real one soon.
                if tag_anchor is None or (start, end) != (self.start, self.end):
                    tag_anchor = (path.pointAtPercent(0.5), 0)
                tags = self._tags_at(tag_anchor, value_size, grad_size)
                queue.add(self)
            else:
                tag_anchor, tags = self._place_tags(path, value_size, grad_size)
        else:
            # The same place fits numbers of about the same width: no scene query.
            tags = self._tags_at(tag_anchor, value_size, grad_size)
        moved = (start, end) != (self.start, self.end) or self._bounds.isNull()
        old_stroke = self.stroke_rect()
        bounds = path.boundingRect().adjusted(-6, -6, 6, 6)
        for rect, _kind, _text in tags:
            bounds = bounds.united(rect.adjusted(-2, -2, 2, 2))
        if look.label:
            bounds = bounds.united(step_box.adjusted(-2, -2, 2, 2))
        self.prepareGeometryChange()
        self.start, self.end = start, end
        self._path, self._samples, self._bounds = path, samples, bounds
        self._tags, self._tag_anchor, self._anchor, self._step_box = tags, tag_anchor, anchor, step_box
        self._placed_key = None if look.label else key
        self._provisional = provisional
        scene = self.scene()
        if scene is not None and moved:
            # Only a moved stroke concerns the overview and the layer: new numbers in the
            # tags (every landing of a step) would redraw every wire across this one's area.
            scene.wire_overview.invalidate()  # type: ignore[attr-defined]
            scene.wire_layer.wire_moved(self, old_stroke)  # type: ignore[attr-defined]

    def settle_tags(self) -> None:
        """Put provisionally placed tags in their real place (from the scene's tag queue)."""
        if self._provisional:
            self.update_path(force=True)
            self.update()

    def _tags_at(self, anchor: tuple[QPointF, int], value_size, grad_size) -> list[tuple[QRectF, str, str]]:
        rects = iter(tag_rects(anchor[0], value_size, grad_size, anchor[1]))
        look = self.look
        return [(next(rects), kind, text) for kind, size, text in (("value", value_size, look.value),
                                                                   ("grad", grad_size, look.grad)) if size]

    @staticmethod
    def _tag_size(text: str, picture: ArrayPicture | None) -> tuple[float, float] | None:
        if picture is not None:
            if not picture.small:
                return THUMB_SIZE.width(), THUMB_SIZE.height()
            size = grid_size(picture, WIRE_CELL, WIRE_GRID_LIMIT)
            return size.width(), size.height()
        if text:
            return _METRICS.horizontalAdvance(text) + 8, TEXT_TAG_HEIGHT
        return None

    def _place_tags(self, path: QPainterPath, value_size,
                    grad_size) -> tuple[tuple[QPointF, int] | None, list[tuple[QRectF, str, str]]]:
        """Tags at the first point along the wire where they cover no card; failing
        that, text tags in the middle cut to the room there, and pictures left out."""
        if value_size is None and grad_size is None:
            return (path.pointAtPercent(0.5), 0), []
        look = self.look
        scene = self.scene()
        placed_value = (_quantised(value_size[0]), value_size[1]) if value_size else None
        placed_grad = (_quantised(grad_size[0]), grad_size[1]) if grad_size else None
        anchor = place_tags(scene, path, self, placed_value, placed_grad)
        if anchor is not None:
            return anchor, self._tags_at(anchor, value_size, grad_size)
        middle = path.pointAtPercent(0.5)
        tags = []
        for kind, size, text, picture in (("value", value_size, look.value, look.value_picture),
                                          ("grad", grad_size, look.grad, look.grad_picture)):
            if size is None or picture is not None:
                continue
            offset = -TAG_GAP - TEXT_TAG_HEIGHT / 2 if kind == "value" else TAG_GAP + TEXT_TAG_HEIGHT / 2
            centre = QPointF(middle.x(), middle.y() + offset)
            room = free_width(scene, centre, TEXT_TAG_HEIGHT, self, size[0])
            if room < MIN_TAG_WIDTH:
                continue
            shown = _METRICS.elidedText(text, Qt.TextElideMode.ElideRight, room - 8)
            width = _METRICS.horizontalAdvance(shown) + 8
            tags.append((QRectF(centre.x() - width / 2, centre.y() - TEXT_TAG_HEIGHT / 2, width, TEXT_TAG_HEIGHT),
                         kind, shown))
        return None, tags

    def _step_size(self) -> tuple[float, float]:
        return _STEP_METRICS.horizontalAdvance(self.look.label) + 18, 24.0

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
        # the label (the label itself is placed to avoid them).
        self.setZValue(1 if look.label else -1)
        self.update_path()
        self.update()
        self._restroke()

    def hoverEnterEvent(self, event) -> None:
        super().hoverEnterEvent(event)
        self._restroke()

    def hoverLeaveEvent(self, event) -> None:
        super().hoverLeaveEvent(event)
        self._restroke()

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value):
        if change in (QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged,
                      QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged):
            self._restroke()
        return super().itemChange(change, value)

    def stroke_rect(self) -> QRectF:
        """Where the wire's stroke is (its tags and label aside): what the WireLayer draws of it."""
        return self._path.boundingRect().adjusted(-6, -6, 6, 6) if not self._bounds.isNull() else QRectF()

    def forget_layer_state(self) -> None:
        """The layer redraws everything anyway (pictures start or end): ask afresh next time."""
        self._by_layer = None

    def _restroke(self) -> None:
        """Whether the WireLayer strokes this wire may have changed: if so, it redraws the
        wire's stroke (and every other wire there), so only when it did."""
        scene = self.scene()
        if scene is None:
            return
        by_layer = self.drawn_by_layer()
        if by_layer != self._by_layer:
            self._by_layer = by_layer
            scene.wire_layer.update(self.stroke_rect())  # type: ignore[attr-defined]

    def drawn_by_layer(self) -> bool:
        """The scene's WireLayer strokes this wire (with all other plain ones). A wire lit
        by a step (and the labelled one, raised over the cards) strokes itself over the
        layer's stroke, in a wider pen that hides it: so playing never makes the layer
        redraw, which costs every wire across the lit one's area, several a step."""
        return not (self._hovered or self.isSelected() or self.scene().presenting)  # type: ignore[union-attr]

    def strokes_itself(self) -> bool:
        look = self.look
        return bool(look.highlight or look.label) or not self.drawn_by_layer()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # A hot path on big graphs (hundreds of wires in view): a plain wire's stroke is
        # the WireLayer's, so the common case here is only the tags.
        look = self.look
        if self.strokes_itself():
            self._stroke(painter)
        if not (self._tags or look.label):
            return
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < theme.TEXT_LOD:
            return
        if look.label:
            # The chain-rule step stands in for the two tags while it shows (it ends
            # with the same contribution); a raised wire's tags would cover the cards.
            self._draw_step(painter, look.label)
            return
        painter.setFont(_LABEL_FONT)
        for rect, kind, text in self._tags:
            colour = theme.VALUE if kind == "value" else theme.TANGENT if look.tangent else theme.GRADIENT
            picture = look.value_picture if kind == "value" else look.grad_picture
            if picture is not None:
                paint_picture(painter, rect, picture, colour)
            else:
                # Bug mode: the gradient a later arrival overwrote is struck out.
                painter.setFont(_STRUCK_FONT if kind == "grad" and look.struck else _LABEL_FONT)
                self._draw_tag(painter, text, rect, colour)

    def _stroke(self, painter: QPainter) -> None:
        look = self.look
        presenting = self.scene().presenting  # type: ignore[union-attr]
        plain = not look.highlight and not self._hovered and not self.isSelected()
        if plain or (presenting and not look.highlight):
            painter.setPen(_WIRE_PEN)
        else:
            painter.setPen(self._special_pen(presenting))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if not presenting:
            # Unclipped, the raster engine strokes and rasterises a long wire in whole,
            # even the metres of it off screen.
            device = painter.device()
            transform, invertible = painter.worldTransform().inverted()
            if invertible and device is not None:
                visible = transform.mapRect(QRectF(-4, -4, device.width() + 8, device.height() + 8))
                if not visible.contains(self._bounds):
                    painter.setClipRect(visible, Qt.ClipOperation.IntersectClip)
        painter.drawPath(self._path)

    def _special_pen(self, presenting: bool) -> QPen:
        colour, width = theme.WIRE, 2.0
        if self.look.highlight:
            colour, width = theme.PHASE_COLOURS[self.look.highlight], 3.5
        elif self._hovered and not presenting:
            colour = theme.HOVER
        if self.isSelected() and not presenting:
            colour, width = theme.SELECTION, 3.0
        return QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)

    @staticmethod
    def _draw_tag(painter: QPainter, text: str, rect: QRectF, colour: QColor) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_TAG_BRUSH)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _draw_step(self, painter: QPainter, text: str) -> None:
        """The label box, tied by a leader line to a dot on its wire."""
        rect, anchor = self._step_box, self._anchor
        painter.setPen(QPen(theme.GRADIENT, 1.2, Qt.PenStyle.DashLine))
        nearest = QPointF(min(max(anchor.x(), rect.left() + 6), rect.right() - 6),
                          rect.top() if anchor.y() < rect.top() else rect.bottom())
        painter.drawLine(anchor, nearest)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(theme.GRADIENT))
        painter.drawEllipse(anchor, 3.5, 3.5)
        painter.setFont(_STEP_FONT)
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
            text += f", {'tangent' if self.look.tangent else 'gradient'} {self.look.grad}"
        return text + " (click to select, Delete removes it)"
