"""A node's card: op symbol and name on top, named input ports on the left, the
output port on the right, the value (green) and gradient (red) inside."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from engine.evaluate import INCOMPLETE
from engine.notation import dot
from engine.ops import Op
from gui import theme
from gui.canvas.heatmap import grid_size, paint_picture
from gui.canvas.hover import HoverReporting
from gui.canvas.label_place import cards_changed
from gui.canvas.looks import NO_NODE_LOOK, NodeLook
from gui.canvas.port_item import PortItem

if TYPE_CHECKING:
    from gui.canvas.card_overview import CardOverview
    from gui.canvas.edge_item import EdgeItem

WIDTH = 160.0
HEADER = 28.0
ROW = 22.0
RADIUS = 8.0
ARRAY_GAP = 10.0
"""Between the value's and the gradient's pictures on a card."""
CARD_CELL = QSizeF(44.0, 16.0)
"""The largest cell of a grid on a card (a short vector gets wide cells, room for its numbers)."""

_SYMBOL_FONT = theme.font(11.5, bold=True)
_NAME_FONT = theme.font(10)
_SMALL_FONT = theme.font(7.5)
_NUMBER_FONT = theme.mono_font(9.5)
_NOTE_FONT = theme.font(8.5)
_BIG_SYMBOL_FONT = theme.font(26, bold=True)


def _shift_acts_as_control(event: QGraphicsSceneMouseEvent) -> None:
    """Shift-click adds to the selection, as Ctrl-click does (Qt knows only Ctrl)."""
    if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
        event.setModifiers(event.modifiers() | Qt.KeyboardModifier.ControlModifier)


def _far_part(look: NodeLook) -> tuple:
    """What of a look a card drawn far out (below theme.TEXT_LOD) shows: its border and ports."""
    return look.problem_kind, look.output, look.highlight


@functools.cache
def _header_path_at(left: float, top: float) -> QPainterPath:
    header = QPainterPath()
    header.addRoundedRect(QRectF(left + 1, top + 1, WIDTH - 2, -2 * top - 1), RADIUS - 1, RADIUS - 1)
    clip = QPainterPath()
    clip.addRect(QRectF(left, top, WIDTH, HEADER))
    return header.intersected(clip)


def _header_path(card: QRectF) -> QPainterPath:
    """The header band's shape: a path intersection, which costs more than the rest of a
    far-out card, so made once per card height."""
    return _header_path_at(card.left(), card.top())


def card_height(arity: int) -> float:
    return HEADER + max(2, arity) * ROW + 6.0


class NodeItem(HoverReporting, QGraphicsItem):
    def __init__(self, node_id: str, op: Op, name: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.op = op
        self.name = name
        self.look = NO_NODE_LOOK
        self.trainable = False
        self.edges: set[EdgeItem] = set()
        self.height = card_height(op.arity)
        self.card = QRectF(-WIDTH / 2, -self.height / 2, WIDTH, self.height)
        self._bounds = self.card.adjusted(-12, -20, 12, 20)
        """Fixed: Qt asks for it per card per repaint (thousands of calls far out)."""
        self._hovered = False
        self._lod = 1.0
        """The level of detail the view last drew this card at (its cached picture)."""
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.inputs = [PortItem(self, i, name) for i, name in enumerate(op.port_names)]
        self.output = PortItem(self, -1, "out")
        for port in self.inputs:
            port.setPos(self.input_anchor(port.index))
        self.output.setPos(QPointF(WIDTH / 2, self._body_top() + self._body_height() / 2))

    # -------------------------------------------------------------- geometry
    def _body_top(self) -> float:
        return self.card.top() + HEADER

    def _body_height(self) -> float:
        return self.height - HEADER

    def input_anchor(self, index: int) -> QPointF:
        rows = max(1, self.op.arity)
        step = self._body_height() / rows
        return QPointF(-WIDTH / 2, self._body_top() + step * (index + 0.5))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card, RADIUS, RADIUS)
        return path

    # ---------------------------------------------------------------- state
    def _card_overview(self) -> CardOverview | None:
        return getattr(self.scene(), "card_overview", None)

    def set_name(self, name: str) -> None:
        if name != self.name:
            self.name = name
            self.update()
            if (overview := self._card_overview()) is not None:
                overview.card_look_changed(self)

    def set_trainable(self, trainable: bool) -> None:
        """A parameter: its header says `trainable` where an input's says `input`."""
        if trainable != self.trainable:
            self.trainable = trainable
            self.update()

    def set_look(self, look: NodeLook) -> None:
        if look == self.look:
            return
        old, self.look = self.look, look
        overview = self._card_overview()
        if overview is not None and overview.active:
            if old.highlight != look.highlight:
                overview.card_state_changed(self)
            if (old.problem_kind, old.output) != (look.problem_kind, look.output):
                overview.card_look_changed(self)
        if self._lod < theme.TEXT_LOD and _far_part(old) == _far_part(look):
            # Far out the card shows no numbers: its cached picture stays true (a zoom
            # redraws it anyway), and an edit of a big graph need not redraw every card.
            return
        self.update()

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            cards_changed(self.scene(), self)  # wire labels keep off cards: they look cards up
            for edge in self.edges:
                edge.update_path()
            if (overview := self._card_overview()) is not None:
                overview.card_moved(self)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            if (overview := self._card_overview()) is not None:
                overview.card_state_changed(self)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSceneChange:
            cards_changed(self.scene())
        elif change == QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged:
            cards_changed(value)
        # QGraphicsItem.itemChange only returns `value`; calling it through PySide for
        # every change leaks references to None (a fatal "deallocating None" on big graphs).
        return value

    # ------------------------------------------------------------- painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        scene = self.scene()
        presenting = scene is not None and getattr(scene, "presenting", False)
        if not presenting:
            self._lod = lod  # the view's cache, not a picture being exported (gui/export/render.py)
        selected = bool(option.state & QStyle.StateFlag.State_Selected) and not presenting
        self._paint_card(painter, lod, selected, self._hovered and not presenting, presenting, self.look.highlight)

    def paint_resting(self, painter: QPainter) -> None:
        """The card as far out, neither selected, hovered nor lit: what the card
        overview draws of it (gui/canvas/card_overview.py)."""
        self._paint_card(painter, 0.0, False, False, False, None)

    @property
    def resting(self) -> bool:
        """Looks as paint_resting draws it (not selected, hovered or lit by a step)."""
        return not (self.isSelected() or self._hovered or self.look.highlight)

    def _paint_card(self, painter: QPainter, lod: float, selected: bool, hovered: bool, presenting: bool,
                    glow_phase: object) -> None:
        look = self.look
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        if glow_phase:
            glow = theme.PHASE_COLOURS[glow_phase]
            painter.setPen(QPen(glow, 5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.card.adjusted(-3, -3, 3, 3), RADIUS + 3, RADIUS + 3)

        border, width, style = theme.CARD_BORDER, 1.2, Qt.PenStyle.SolidLine
        if look.problem_kind == INCOMPLETE:
            border, width, style = theme.INCOMPLETE, 1.6, Qt.PenStyle.DashLine
        elif look.problem_kind:
            border, width = theme.FAILED, 1.8
        if look.output:
            width += 1.0
            if not look.problem_kind:
                border = theme.OUTPUT_MARK
        if hovered:
            border = theme.HOVER if not look.problem_kind else border
        if selected:
            border, width, style = theme.SELECTION, 2.4, Qt.PenStyle.SolidLine
        painter.setPen(QPen(border, width, style))
        painter.setBrush(QBrush(theme.CARD))
        painter.drawRoundedRect(self.card, RADIUS, RADIUS)

        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(theme.GROUP_COLOURS.get(self.op.group, QColor("#eeeeee"))))
        painter.drawPath(_header_path(self.card))

        for port in (*self.inputs, self.output):
            port.draw(painter, presenting)
        if lod < theme.TEXT_LOD:
            painter.setPen(theme.CARD_TEXT)
            painter.setFont(_BIG_SYMBOL_FONT)
            painter.drawText(self.card, Qt.AlignmentFlag.AlignCenter, self._short_symbol())
            return
        self._paint_header(painter)
        self._paint_body(painter)
        self._paint_outside(painter)

    def _short_symbol(self) -> str:
        return self.name if self.op.is_leaf else self.op.symbol

    def _paint_header(self, painter: QPainter) -> None:
        top = QRectF(self.card.left() + 8, self.card.top(), WIDTH - 16, HEADER)
        painter.setPen(theme.CARD_TEXT)
        if self.op.is_leaf:
            painter.setFont(_NAME_FONT)
            name_rect = top.adjusted(0, 0, -60 if self.trainable else -44, 0)
            painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             QFontMetricsF(_NAME_FONT).elidedText(self.name, Qt.TextElideMode.ElideRight,
                                                                   name_rect.width()))
            painter.setPen(theme.VALUE if self.trainable else theme.CARD_MUTED)
            painter.setFont(_SMALL_FONT)
            painter.drawText(top, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             "trainable" if self.trainable else self.op.name)
        else:
            painter.setFont(_SYMBOL_FONT)
            symbol_width = QFontMetricsF(_SYMBOL_FONT).horizontalAdvance(self.op.symbol) + 8
            painter.drawText(top, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.op.symbol)
            painter.setFont(_NAME_FONT)
            name_rect = top.adjusted(symbol_width, 0, -16, 0)
            painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             QFontMetricsF(_NAME_FONT).elidedText(self.name, Qt.TextElideMode.ElideLeft,
                                                                   name_rect.width()))
        if self.look.problem_kind:
            colour = theme.INCOMPLETE if self.look.problem_kind == INCOMPLETE else theme.FAILED
            centre = QPointF(self.card.right() - 12, self.card.top() - 0.5)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(centre, 7.5, 7.5)
            painter.setPen(QColor("white"))
            painter.setFont(theme.font(8.5, bold=True))
            painter.drawText(QRectF(centre.x() - 7.5, centre.y() - 7.5, 15, 15), Qt.AlignmentFlag.AlignCenter, "!")

    def _paint_body(self, painter: QPainter) -> None:
        painter.setFont(_SMALL_FONT)
        painter.setPen(theme.CARD_MUTED)
        for port in self.inputs:
            anchor = self.input_anchor(port.index)
            painter.drawText(QRectF(anchor.x() + 9, anchor.y() - 8, 60, 16),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, port.name)
        left = self.card.left() + (30 if self.op.arity else 10)
        if self.op.port_names and max(len(n) for n in self.op.port_names) > 2:
            left = self.card.left() + 62
        rows = QRectF(left, self._body_top() + 3, self.card.right() - 14 - left, self._body_height() - 8)
        if self.look.value_picture is not None or self.look.grad_picture is not None:
            self._paint_arrays(painter, rows)
            return
        metrics = QFontMetricsF(_NUMBER_FONT)
        painter.setFont(_NUMBER_FONT)
        value = self.look.value
        if value:
            painter.setPen(theme.FAILED if self.look.value_is_bad else theme.VALUE)
            text = metrics.elidedText(value, Qt.TextElideMode.ElideRight, rows.width())
            painter.drawText(rows.adjusted(0, 0, 0, -rows.height() / 2),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
        elif self.look.problem_kind:
            painter.setFont(_SMALL_FONT)
            painter.setPen(theme.INCOMPLETE if self.look.problem_kind == INCOMPLETE else theme.FAILED)
            painter.drawText(rows.adjusted(0, 0, 0, -rows.height() / 2),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             "incomplete" if self.look.problem_kind == INCOMPLETE else "no value")
            painter.setFont(_NUMBER_FONT)
        if self.look.grad:
            painter.setPen(self._grad_colour())
            text = metrics.elidedText(self._grad_mark() + " " + self.look.grad, Qt.TextElideMode.ElideRight,
                                      rows.width())
            painter.drawText(rows.adjusted(0, rows.height() / 2, 0, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)

    def array_rects(self) -> tuple[QRectF, QRectF]:
        """Where the value and the gradient pictures sit (card coordinates): side by
        side, value on the left, so a column vector gets the body's whole height."""
        left = self.card.left() + (30 if self.op.arity else 12)
        if self.op.port_names and max(len(n) for n in self.op.port_names) > 2:
            left = self.card.left() + 62
        body = QRectF(left, self._body_top() + 4, self.card.right() - 10 - left, self._body_height() - 9)
        half = (body.width() - ARRAY_GAP) / 2
        return (QRectF(body.left(), body.top(), half, body.height()),
                QRectF(body.right() - half, body.top(), half, body.height()))

    def _paint_arrays(self, painter: QPainter, rows: QRectF) -> None:
        value_area, grad_area = self.array_rects()
        look = self.look
        metrics = QFontMetricsF(_NUMBER_FONT)
        for area, picture, text, colour in ((value_area, look.value_picture, look.value, theme.VALUE),
                                            (grad_area, look.grad_picture, look.grad, self._grad_colour())):
            if picture is not None:
                size = grid_size(picture, CARD_CELL, area.size())
                rect = QRectF(area.center().x() - size.width() / 2, area.center().y() - size.height() / 2,
                              size.width(), size.height())
                paint_picture(painter, rect, picture, colour)
            elif text:
                painter.setFont(_NUMBER_FONT)
                painter.setPen(theme.FAILED if colour == theme.VALUE and look.value_is_bad else colour)
                shown = text if colour == theme.VALUE else self._grad_mark() + " " + text
                painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                                 metrics.elidedText(shown, Qt.TextElideMode.ElideRight, area.width()))
        if look.grad_picture is not None:
            # A small ∂ beside the gradient's grid says what it is, as on a number.
            painter.setFont(_SMALL_FONT)
            painter.setPen(self._grad_colour())
            painter.drawText(QRectF(grad_area.left() - ARRAY_GAP, grad_area.top(), ARRAY_GAP, 12),
                             Qt.AlignmentFlag.AlignCenter, "ε" if look.tangent else "∂")

    def _paint_outside(self, painter: QPainter) -> None:
        if self.look.output:
            tag = QRectF(self.card.right() - 52, self.card.top() - 17, 48, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(theme.OUTPUT_MARK))
            painter.drawRoundedRect(tag, 4, 4)
            painter.setPen(QColor("white"))
            painter.setFont(_SMALL_FONT)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, "output")
        if self.look.note:
            painter.setPen(self._grad_colour())
            painter.setFont(_NOTE_FONT)
            painter.drawText(QRectF(self.card.left(), self.card.bottom() + 2, WIDTH, 16),
                             Qt.AlignmentFlag.AlignCenter, self.look.note)

    def _grad_colour(self) -> QColor:
        return theme.TANGENT if self.look.tangent else theme.GRADIENT

    def _grad_mark(self) -> str:
        """What stands before the number under the value: ∂ for a gradient; in forward
        mode the node's tangent, `ẋ2` (the card's own name dotted), or for a long name,
        which would push the number off the card, ε (the number is the ε-part of v + v̇ε)."""
        if not self.look.tangent:
            return "∂"
        dotted = dot(self.name)
        return dotted if len(self.name) <= 4 else "ε"

    # ---------------------------------------------------------------- events
    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        super().hoverEnterEvent(event)
        if (overview := self._card_overview()) is not None:
            overview.card_state_changed(self)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        super().hoverLeaveEvent(event)
        if (overview := self._card_overview()) is not None:
            overview.card_state_changed(self)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        _shift_acts_as_control(event)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        _shift_acts_as_control(event)
        super().mouseReleaseEvent(event)

    def describe(self) -> str:
        parts = [f"{self.name} ({self.op.name}: {self.op.summary})"]
        if self.look.value:
            parts.append(f"value {self.look.value}")
        if self.look.grad:
            parts.append(f"{'tangent' if self.look.tangent else 'gradient'} {self.look.grad}")
        if self.look.problem:
            parts.append(self.look.problem)
        return " — ".join(parts)
