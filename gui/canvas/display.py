"""What the canvas shows, apart from the items that show it: the Display (a trace
state and the evaluation's problems), the texts and pictures made from its values,
which parts the current step lights up, the hover texts, and the dotted grid."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shiboken6
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QPainter, QPen, QPolygonF

from engine.evaluate import Problem
from engine.plan import Edge
from engine.steps import Phase
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, TangentStep, TraceState
from engine.values import format_value, format_value_full
from gui import theme
from gui.canvas.heatmap import ArrayPicture, picture_of

GRID = 24.0


@dataclass
class Display:
    """What the canvas shows: a trace state plus the evaluation's per-node problems."""

    state: TraceState = field(default_factory=TraceState)
    problems: dict[str, Problem] = field(default_factory=dict)
    output: str | None = None
    show_grads: bool = True


@dataclass(frozen=True)
class Active:
    """What the current step lights up: its card, its wires, the wire's label, its phase."""

    node: str = ""
    edges: frozenset[Edge] = frozenset()
    label: str = ""
    phase: Phase | None = None


def active_parts(step: Step | None) -> Active:
    if step is None:
        return Active()
    if isinstance(step, (ForwardStep, TangentStep)):
        return Active(step.node, frozenset(step.in_edges), "", step.phase)
    if isinstance(step, (SeedStep, AccumulateStep)):
        return Active(step.node, frozenset(), "", step.phase)
    if isinstance(step, BackwardStep):
        return Active(step.source, frozenset({step.edge}), step.label(), step.phase)
    return Active(phase=step.phase)


class LookValues:
    """Texts and heatmaps for one display. A wire carries its source's value, so each
    value object is formatted once; an array's picture is kept while the array object
    lives on from one display to the next (colours and thumbnail computed once)."""

    def __init__(self, previous: dict[int, tuple[np.ndarray, ArrayPicture]]) -> None:
        self._texts: dict[int, str] = {}
        self._previous = previous
        self.pictures: dict[int, tuple[np.ndarray, ArrayPicture]] = {}

    def text(self, value) -> str:
        if value is None:
            return ""
        known = self._texts.get(id(value))
        if known is None:
            known = self._texts[id(value)] = format_value(value)
        return known

    def picture(self, value) -> ArrayPicture | None:
        if type(value) is not np.ndarray:
            return None
        known = self.pictures.get(id(value)) or self._previous.get(id(value))
        if known is None or known[0] is not value:
            known = (value, picture_of(value))
        self.pictures[id(value)] = known
        return known[1]


def hover_lines(display: Display, key, values: dict, grads: dict, tangents: dict, grad_word: str) -> list[str]:
    """Full numbers for a hovered card or wire (`key` is its node id or edge)."""
    lines = []
    if key in values:
        lines.append("value: " + format_value_full(values[key]))
    if display.show_grads and key in grads:
        lines.append(f"{grad_word}: " + format_value_full(grads[key]))
    if key in tangents:
        lines.append("tangent: " + format_value_full(tangents[key]))
    return lines


def draw_grid(painter: QPainter, rect: QRectF) -> None:
    """The canvas background: a dotted grid, coarser when zoomed out."""
    painter.fillRect(rect, theme.CANVAS)
    scale = painter.worldTransform().m11()
    spacing = GRID if scale > 0.5 else GRID * 5
    if spacing * scale < 6:
        return
    painter.setPen(QPen(theme.GRID_DOT, 2.0 / max(scale, 0.01)))
    painter.setBrush(QBrush(theme.GRID_DOT))
    pieces = [rect]
    region = painter.clipRegion() if painter.hasClipping() else None
    if region is not None and 1 < region.rectCount() <= 8:
        # A diagonal scroll exposes an L whose bounding rect is the whole view: dot only
        # its strips (a spacing's margin covers rounding and the dots' own size).
        pieces = [QRectF(r).adjusted(-spacing, -spacing, spacing, spacing).intersected(rect) for r in region]
    blocks = []
    for piece in pieces:
        columns = np.arange(math.floor(piece.left() / spacing), math.ceil(piece.right() / spacing))
        rows = np.arange(math.floor(piece.top() / spacing), math.ceil(piece.bottom() / spacing))
        blocks.append(np.stack(np.meshgrid(rows, columns, indexing="ij"), axis=-1).reshape(-1, 2))
    cells = np.unique(np.concatenate(blocks), axis=0) if len(blocks) > 1 else blocks[0]
    painter.drawPoints(_polygon(cells[:, ::-1] * spacing))


def _polygon(points: np.ndarray) -> QPolygonF:
    """A QPolygonF filled from an n×2 array in place: thousands of QPointF made one by
    one from Python cost milliseconds a repaint (a scroll exposes the grid's dots)."""
    polygon = QPolygonF()
    polygon.resize(len(points))
    if len(points):
        memory = shiboken6.VoidPtr(polygon.data(), points.size * 8, True)
        np.frombuffer(memory, np.float64).reshape(-1, 2)[:] = points
    return polygon
