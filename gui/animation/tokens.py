"""Tokens: small light items that ride along a wire while a step plays (Ryven's
ConnectionAnimation idea). They sit over the static graph, so the cached cards
underneath are never repainted for them, and they only ever move: a token's
picture is fixed when it is made.

A forward token carries the source's value from source to target in the value
colour, above the wire (where the value label sits); a backward token carries the
contribution from target back to source in the gradient colour, below the wire; a
tangent token (forward mode) carries the dual number `v + v̇ε` from source to
target in the tangent colour, below the wire where the tangent's tag sits.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from engine.trace import BackwardStep, ForwardStep, Phase, Step, TangentStep
from engine.values import format_value
from gui import theme
from gui.canvas.edge_item import EdgeItem
from gui.canvas.scene import GraphScene

TOKEN_Z = 50.0
DOT_RADIUS = 6.0
PILL_GAP = 6.0
"""Between the dot and the pill with the number."""
FADE = 0.18
"""The share of the journey over which the number fades in, and out."""

_FONT = theme.mono_font(9)
_FONT.setBold(True)
_METRICS = QFontMetricsF(_FONT)
_MAX_TEXT = 220.0


class TokenItem(QGraphicsItem):
    """A dot on the wire with its number beside it; `set_progress(t)` places it."""

    def __init__(self, edge_item: EdgeItem, text: str, phase: Phase) -> None:
        super().__init__()
        self.edge_item = edge_item
        self.edge = edge_item.edge
        self.phase = phase
        self.colour = theme.PHASE_COLOURS[phase]
        self.text = _METRICS.elidedText(text, Qt.TextElideMode.ElideRight, _MAX_TEXT)
        width = _METRICS.horizontalAdvance(self.text) + 14
        height = _METRICS.height() + 6
        # Above the wire where its value label sits, or below it with the gradients.
        top = -DOT_RADIUS - PILL_GAP - height if phase is Phase.FORWARD else DOT_RADIUS + PILL_GAP
        self.pill = QRectF(-width / 2, top, width, height)
        self._bounds = self.pill.united(QRectF(-DOT_RADIUS, -DOT_RADIUS, 2 * DOT_RADIUS, 2 * DOT_RADIUS))
        self._bounds.adjust(-2, -2, 2, 2)
        self.progress = 0.0
        self.setZValue(TOKEN_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def set_progress(self, t: float) -> None:
        """0 at the start of the journey, 1 at its end (a backward token starts at the target)."""
        self.progress = t
        along = 1.0 - t if self.phase is Phase.BACKWARD else t
        self.setPos(self.edge_item.path().pointAtPercent(min(1.0, max(0.0, along))))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        scene = self.scene()
        if scene is not None and getattr(scene, "presenting", False):
            return  # a picture shows a stage, not something in flight
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), 2.0))
        painter.setBrush(QBrush(self.colour))
        painter.drawEllipse(QPointF(0, 0), DOT_RADIUS, DOT_RADIUS)
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < theme.TEXT_LOD:
            return
        # The number fades in as it leaves the source card and out as it reaches the
        # port: at the ends, tokens bound for neighbouring ports would overlap.
        painter.setOpacity(min(1.0, self.progress / FADE, (1.0 - self.progress) / FADE))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(self.pill, self.pill.height() / 2, self.pill.height() / 2)
        painter.setPen(QColor("white"))
        painter.setFont(_FONT)
        painter.drawText(self.pill, Qt.AlignmentFlag.AlignCenter, self.text)


def tokens_for(scene: GraphScene, step: Step) -> list[TokenItem]:
    """The tokens a step sends along its wires (none for leaves, the seed and sums);
    their numbers are the trace's own."""
    if isinstance(step, ForwardStep):
        return [TokenItem(scene.edge_items[edge], format_value(value), step.phase)
                for edge, value in zip(step.in_edges, step.inputs) if edge in scene.edge_items]
    if isinstance(step, TangentStep):
        return [TokenItem(scene.edge_items[edge], dual_text(value, tangent), step.phase)
                for edge, value, tangent in zip(step.in_edges, step.operands, step.source_tangents)
                if edge in scene.edge_items]
    if isinstance(step, BackwardStep) and step.edge in scene.edge_items:
        return [TokenItem(scene.edge_items[step.edge], format_value(step.contribution), step.phase)]
    return []


def dual_text(value, tangent) -> str:
    """A dual number as a wire carries it in forward mode: `v + v̇ε`, the tangent bracketed when negative."""
    tangent_text = format_value(tangent)
    if tangent_text.startswith("-"):
        tangent_text = f"({tangent_text})"
    return f"{format_value(value)} + {tangent_text}ε"
