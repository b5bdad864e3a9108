"""Plain wires, all in one stroke. A wire item stroking its own long curve pays for
the whole curve, metres of it off screen, and a Python paint call; hundreds of them
in view cost tens of milliseconds a frame. This one item keeps every wire's curve
in arrays and, per paint, strokes only the piece of each plain wire that lies in
the area being painted (the same cubic, cut by de Casteljau), as one path.

A wire is plain when nothing singles it out: not highlighted by a step, hovered or
selected, and shown. Those draw their own stroke (EdgeItem.paint); their number
tags are always their own. Pictures (scene.presenting) leave every wire to itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui import theme

if TYPE_CHECKING:
    from gui.canvas.edge_item import EdgeItem
    from gui.canvas.scene import GraphScene

_PEN = QPen(theme.WIRE, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
_MARGIN = 4.0
"""Scene units beyond the painted area where a cut wire ends, so its round cap is never seen."""


def control_points(start_x: float, start_y: float, end_x: float, end_y: float) -> tuple[float, ...]:
    """The four control points of edge_item.wire_path, flattened (x0, y0, ..., x3, y3)."""
    reach = max(40.0, abs(end_x - start_x) * 0.5)
    return start_x, start_y, start_x + reach, start_y, end_x - reach, end_y, end_x, end_y


def _smoothstep_inverse(s: np.ndarray) -> np.ndarray:
    """t with 3t² - 2t³ = s on [0, 1] (a wire's y runs along this curve)."""
    return 0.5 - np.sin(np.arcsin(1.0 - 2.0 * np.clip(s, 0.0, 1.0)) / 3.0)


def _wide_inverse(u: np.ndarray) -> np.ndarray:
    """t with 1.5t - 1.5t² + t³ = u on [0, 1]: a wire's x when its reach is half its width
    (then x only grows). With t = z + 1/2 this is z³ + 0.75z + (0.5 - u) = 0, one real root."""
    q = 0.5 - np.clip(u, 0.0, 1.0)
    root = np.sqrt(q * q / 4.0 + 0.75 ** 3 / 27.0)
    return np.clip(np.cbrt(-q / 2.0 + root) + np.cbrt(-q / 2.0 - root) + 0.5, 0.0, 1.0)


def _blossom(points: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """de Casteljau with a different parameter per level; rows of points are (k, 4, 2)."""
    a = points[:, :3] + u[:, None, None] * (points[:, 1:] - points[:, :3])
    b = a[:, :2] + v[:, None, None] * (a[:, 1:] - a[:, :2])
    return b[:, 0] + w[:, None] * (b[:, 1] - b[:, 0])


def sub_curves(points: np.ndarray, rect: QRectF) -> np.ndarray:
    """For wires' control points (k, 8), the control points of the piece of each wire
    inside `rect` (rows of NaN where none is). Exact: a wire's y always rises or falls
    smoothly, and its x too when it reaches forward at least 80 units."""
    x0, y0, x3, y3 = points[:, 0], points[:, 1], points[:, 6], points[:, 7]
    height = y3 - y0
    flat = np.abs(height) < 1e-9
    safe = np.where(flat, 1.0, height)
    top = _smoothstep_inverse((rect.top() - y0) / safe)
    bottom = _smoothstep_inverse((rect.bottom() - y0) / safe)
    t_from = np.where(flat, 0.0, np.minimum(top, bottom))
    t_to = np.where(flat, 1.0, np.maximum(top, bottom))
    width = x3 - x0
    wide = width >= 80.0
    safe = np.where(wide, width, 1.0)
    t_from = np.where(wide, np.maximum(t_from, _wide_inverse((rect.left() - x0) / safe)), t_from)
    t_to = np.where(wide, np.minimum(t_to, _wide_inverse((rect.right() - x0) / safe)), t_to)
    cubic = points.reshape(-1, 4, 2)
    pieces = np.stack([_blossom(cubic, t_from, t_from, t_from), _blossom(cubic, t_from, t_from, t_to),
                       _blossom(cubic, t_from, t_to, t_to), _blossom(cubic, t_to, t_to, t_to)], axis=1)
    pieces = pieces.reshape(-1, 8)
    pieces[t_from >= t_to] = np.nan
    return pieces


class WireLayer(QGraphicsItem):
    def __init__(self, scene: GraphScene) -> None:
        super().__init__()
        self._scene = scene
        self._items: list[EdgeItem] | None = None
        self._rows: dict[EdgeItem, int] = {}
        self._points = np.zeros((0, 8))
        self._boxes = np.zeros((0, 4))
        self._bounds = QRectF(scene.sceneRect())
        self._wires_box = QRectF()
        self._grow_pending = False
        self.setZValue(-1.5)  # under every wire item (their tags and special strokes), over the overview
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # Drawn into a pixmap of the view: a repaint blits it, a pan draws only the strip
        # scrolled into view. Wires that change call update(their area) on this item.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        # Copies, changed only right after prepareGeometryChange() (a live scene rect
        # would leave the scene's index stale).
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never under the mouse: clicks go to the wires and the canvas

    def scene_rect_changed(self) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(self._scene.sceneRect()).united(self._wires_box)

    def invalidate(self) -> None:
        """Wires came or went: forget them now (a removed one is never touched again).
        No repaint asked: adding or removing a wire repaints its area, where this redraws."""
        self._items = None
        self._rows = {}

    def wire_moved(self, item: EdgeItem, old_bounds: QRectF) -> None:
        # Both areas leave the cached picture (DeviceCoordinateCache) and are drawn again.
        self.update(old_bounds)
        self.update(item.stroke_rect())
        row = self._rows.get(item)
        if row is None:
            self.invalidate()
            return
        self._set_row(row, item)

    def redraw_all(self) -> None:
        """Pictures start or end (scene.presenting): the cached picture is for the other mode."""
        for item in self._scene.edge_items.values():
            item.forget_layer_state()
        self.update()

    def _set_row(self, row: int, item: EdgeItem) -> None:
        points = control_points(item.start.x(), item.start.y(), item.end.x(), item.end.y())
        self._points[row] = points
        xs, ys = points[0::2], points[1::2]
        # The curve stays inside its control points' box.
        self._boxes[row] = min(xs), min(ys), max(xs), max(ys)
        self._note_box(self._boxes[row])

    def _note_box(self, box) -> None:
        if self._bounds.contains(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1])):
            return
        self._wires_box = self._wires_box.united(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]))
        if not self._grow_pending:
            # Not from inside paint (where the first rebuild happens): on the next event-loop turn.
            self._grow_pending = True
            QTimer.singleShot(0, self._grow)

    def _grow(self) -> None:
        self._grow_pending = False
        if shiboken6.isValid(self) and self.scene() is not None:
            self.scene_rect_changed()

    def _ensure(self) -> list[EdgeItem]:
        if self._items is None:
            items = list(self._scene.edge_items.values())
            self._points = np.array([control_points(i.start.x(), i.start.y(), i.end.x(), i.end.y()) for i in items],
                                    dtype=float).reshape(-1, 8)
            xs, ys = self._points[:, 0::2], self._points[:, 1::2]
            self._boxes = np.stack([xs.min(axis=1), ys.min(axis=1), xs.max(axis=1), ys.max(axis=1)], axis=1) \
                if items else np.zeros((0, 4))
            self._items, self._rows = items, {item: row for row, item in enumerate(items)}
            if items:
                self._note_box((self._boxes[:, 0].min(), self._boxes[:, 1].min(),
                                self._boxes[:, 2].max(), self._boxes[:, 3].max()))
        return self._items

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._scene.presenting:
            return
        items = self._ensure()
        if not items:
            return
        area = QRectF(option.exposedRect)  # type: ignore[attr-defined]
        device = painter.device()
        transform, invertible = painter.worldTransform().inverted()
        if invertible and device is not None:
            area = area.intersected(transform.mapRect(QRectF(0, 0, device.width(), device.height())))
        pieces = _clip_pieces(painter, area)
        if pieces is None:
            self._stroke(painter, items, area)
            return
        # A diagonal scroll exposes an L of two strips whose bounding rect is the whole view:
        # stroke each strip's own wire pieces, each clipped to its strip so none is drawn twice.
        for piece in pieces:
            painter.save()
            painter.setClipRect(piece, Qt.ClipOperation.IntersectClip)
            self._stroke(painter, items, piece)
            painter.restore()

    def _stroke(self, painter: QPainter, items: list[EdgeItem], area: QRectF) -> None:
        area = area.adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN)
        boxes = self._boxes
        near = np.flatnonzero((boxes[:, 0] <= area.right()) & (boxes[:, 2] >= area.left())
                              & (boxes[:, 1] <= area.bottom()) & (boxes[:, 3] >= area.top()))
        plain = [row for row in near.tolist() if items[row].isVisible() and items[row].drawn_by_layer()]
        if not plain:
            return
        painter.setPen(_PEN)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # One path per wire: one path of hundreds of crossing curves is far slower to fill.
        for x0, y0, x1, y1, x2, y2, x3, y3 in sub_curves(self._points[plain], area).tolist():
            if x0 == x0:  # not NaN: some of this wire is in the area
                path = QPainterPath(QPointF(x0, y0))
                path.cubicTo(x1, y1, x2, y2, x3, y3)
                painter.drawPath(path)


_MAX_PIECES = 8


def _clip_pieces(painter: QPainter, area: QRectF) -> list[QRectF] | None:
    """The painted area as a few disjoint rects (the painter's clip region, inside `area`),
    or None to paint `area` whole. Only where the painter maps whole pixels to whole units
    (an unscaled view at a whole-pixel offset): there the region's rects are exact, elsewhere
    its rounding could leave a hairline between two strips unpainted."""
    if not painter.hasClipping():
        return None
    world = painter.worldTransform()
    if world.type() not in (QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate) or any(
            abs(offset - round(offset)) > 1e-9 for offset in (world.dx(), world.dy())):
        return None
    rects = list(painter.clipRegion())
    if not 1 < len(rects) <= _MAX_PIECES:
        return None
    pieces = [QRectF(rect).intersected(area) for rect in rects]
    pieces = [piece for piece in pieces if not piece.isEmpty()]
    whole = sum(piece.width() * piece.height() for piece in pieces)
    if whole > 0.6 * area.width() * area.height():
        return None  # most of the area anyway: one pass over the wires is cheaper
    return pieces
