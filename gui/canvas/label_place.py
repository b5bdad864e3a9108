"""Where a wire's words go: its number tags (value above, gradient below) at a point
of the wire clear of every card, and the chain-rule step label beside the wire,
tied to it by a leader line, clear of cards, of the other wires' tags and of its
own wire. Pure geometry over what the scene has nearby, asked once per placement
(never between prepareGeometryChange() and the new bounds: see EdgeItem.update_path)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsScene

TAG_GAP = 3.0
"""Between the wire and a tag."""
CARD_MARGIN = 4.0
TAG_POSITIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)
"""Where along a wire its tags may sit, best first."""
MAX_WIRES_AVOIDED = 24
"""Tags keep off other wires only where fewer wires than this pass nearby."""
MAX_SAMPLES = 600
STEP_POSITIONS = (0.5, 0.38, 0.62, 0.26, 0.74)
STEP_OFFSETS = (26, 42, 60, 80, 104, 132, 166, 206, 254, 310, 380)
"""Distances (label centre from the wire) tried above and below."""


@dataclass
class Surroundings:
    """What a placement must keep clear of, in scene coordinates."""

    cards: list[QRectF] = field(default_factory=list)
    tags: list[QRectF] = field(default_factory=list)
    wires: list[tuple[QRectF, object]] = field(default_factory=list)
    """(bounds, EdgeItem): a wire's points are sampled only when a rect meets its bounds."""

    def wires_hit(self, rect: QRectF) -> int:
        return sum(1 for bounds, item in self.wires
                   if bounds.intersects(rect) and _hits_wire(rect, item.samples()))  # type: ignore[attr-defined]

    def crowded(self) -> bool:
        """So many wires nearby that steering tags between them is hopeless (and costly)."""
        return len(self.wires) > MAX_WIRES_AVOIDED


SMALL_SCENE = 600
"""Wires in a scene up to which number tags also keep off other wires and their tags.
Beyond it (big graphs, seen from afar) tags keep off cards only: asking the scene's
index about every long wire nearby, for thousands of tags at once, costs seconds."""
BUCKET = 256.0


class CardIndex:
    """Card rects by 256-unit buckets: what a tag must avoid, found without asking the
    scene's index (which also returns every long wire passing by)."""

    def __init__(self) -> None:
        self.dirty = True
        self.buckets: dict[tuple[int, int], dict[object, QRectF]] = {}
        self.keys: dict[object, list[tuple[int, int]]] = {}

    def moved(self, item) -> None:
        """One card moved: re-file it alone (a drag moves one card many times)."""
        if self.dirty:
            return
        for key in self.keys.pop(item, ()):
            self.buckets.get(key, {}).pop(item, None)
        if item.scene() is not None:
            self._file(item)

    def _file(self, item) -> None:
        rect = item.mapRectToScene(item.card).adjusted(-CARD_MARGIN, -CARD_MARGIN, CARD_MARGIN, CARD_MARGIN)
        keys = [(i, j) for i in range(int(rect.left() // BUCKET), int(rect.right() // BUCKET) + 1)
                for j in range(int(rect.top() // BUCKET), int(rect.bottom() // BUCKET) + 1)]
        for key in keys:
            self.buckets.setdefault(key, {})[item] = rect
        self.keys[item] = keys

    def cards(self, scene: QGraphicsScene, region: QRectF) -> list[QRectF]:
        if self.dirty:
            self.buckets, self.keys, self.dirty = {}, {}, False
            for item in getattr(scene, "node_items", {}).values():
                self._file(item)
        found: dict[object, QRectF] = {}
        for i in range(int(region.left() // BUCKET), int(region.right() // BUCKET) + 1):
            for j in range(int(region.top() // BUCKET), int(region.bottom() // BUCKET) + 1):
                found.update(self.buckets.get((i, j), {}))
        return [rect for rect in found.values() if rect.intersects(region)]


def card_index(scene: QGraphicsScene) -> CardIndex:
    index = getattr(scene, "_card_index", None)
    if index is None:
        index = CardIndex()
        scene._card_index = index  # type: ignore[attr-defined]
    return index


def cards_changed(scene: QGraphicsScene | None, item=None) -> None:
    """A card moved (`item`), or cards came or went: the index re-files them."""
    if scene is None:
        return
    index = card_index(scene)
    if item is None:
        index.dirty = True
    else:
        index.moved(item)


def surroundings(scene: QGraphicsScene | None, region: QRectF, me: object, with_wires: bool = False) -> Surroundings:
    """Cards in `region`; with `with_wires`, the other wires there and their tags too."""
    found = Surroundings()
    if scene is None:
        return found
    found.cards = card_index(scene).cards(scene, region)
    if not with_wires:
        return found
    # Imported here: edge_item imports this module.
    from gui.canvas.edge_item import EdgeItem

    for item in scene.items(region, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
        if isinstance(item, EdgeItem) and item is not me and item.isVisible():
            found.tags.extend(rect for rect, _kind in item.tag_rects())
            found.wires.append((item.path().boundingRect(), item))
    return found


def tag_rects(anchor: QPointF, above: tuple[float, float] | None,
              below: tuple[float, float] | None, lean: int = 0) -> list[QRectF]:
    """The value tag's rect above `anchor` and the gradient tag's below, of (width, height).
    With `lean` ±1 they step aside, value to the left (-1) or right (+1) and gradient
    the other way, off a steep wire that would otherwise run through both."""
    rects = []
    if above is not None:
        x = anchor.x() - above[0] / 2 + lean * (above[0] / 2 + TAG_GAP)
        rects.append(QRectF(x, anchor.y() - TAG_GAP - above[1], above[0], above[1]))
    if below is not None:
        x = anchor.x() - below[0] / 2 - lean * (below[0] / 2 + TAG_GAP)
        rects.append(QRectF(x, anchor.y() + TAG_GAP, below[0], below[1]))
    return rects


def _control(path: QPainterPath) -> np.ndarray | None:
    """A wire's four cubic control points, or None for any other path."""
    if path.elementCount() != 4:
        return None
    return np.array([[path.elementAt(i).x, path.elementAt(i).y] for i in range(4)])


def _anchors(path: QPainterPath, ts: tuple[float, ...]) -> list[tuple[QPointF, int]]:
    """Points at curve parameters `ts` with the way tags lean there: a wire rising to the
    right leaves room above-left. Evaluated directly (pointAtPercent measures arc length,
    slow when thousands of wires are placed at once)."""
    control = _control(path)
    if control is None:
        return [(path.pointAtPercent(t), 0) for t in ts]
    t = np.array(ts)[:, None]
    u = 1.0 - t
    points = u ** 3 * control[0] + 3 * u * u * t * control[1] + 3 * u * t * t * control[2] + t ** 3 * control[3]
    tangents = 3 * u * u * (control[1] - control[0]) + 6 * u * t * (control[2] - control[1]) \
        + 3 * t * t * (control[3] - control[2])
    result = []
    for (x, y), (dx, dy) in zip(points, tangents):
        slope = dy / dx if abs(dx) > 1e-9 else (1e9 if dy > 0 else -1e9)
        lean = 0 if abs(slope) < 0.35 else (-1 if slope < 0 else 1)
        result.append((QPointF(float(x), float(y)), lean))
    return result


def place_tags(scene: QGraphicsScene | None, path: QPainterPath, me: object,
               above: tuple[float, float] | None, below: tuple[float, float] | None) -> tuple[QPointF, int] | None:
    """The point of the wire to hang the tags from and their lean: the middle if it is
    free; the first place along the wire that covers no card and no other wire's tag,
    preferring one that leaves its own wire uncovered. None if no place is free."""
    anchors = _anchors(path, TAG_POSITIONS)
    if scene is None:
        return anchors[0]
    region = QRectF()
    for anchor, lean in anchors:
        for rect in tag_rects(anchor, above, below, lean):
            region = region.united(rect)
    near = surroundings(scene, region, me, with_wires=len(getattr(scene, "edge_items", ())) <= SMALL_SCENE)
    crowded = near.crowded()
    blocked = near.cards + near.tags
    fallback = None
    own: np.ndarray | None = None  # sampled only if a place is free of cards (thousands of wires load at once)
    for anchor, lean in anchors:
        rects = tag_rects(anchor, above, below, lean)
        if any(other.intersects(rect) for other in blocked for rect in rects):
            continue
        own = sample_path(path) if own is None else own
        inner = [rect.adjusted(1, 1, -1, -1) for rect in rects]
        if not any(_hits_wire(rect, own) or (not crowded and near.wires_hit(rect)) for rect in inner):
            return anchor, lean
        fallback = fallback or (anchor, lean)
    return fallback


def free_width(scene: QGraphicsScene | None, centre: QPointF, height: float, me: object, wanted: float) -> float:
    """How wide a tag centred at `centre` may be before it reaches a card."""
    if scene is None:
        return wanted
    band = QRectF(centre.x() - wanted / 2, centre.y() - height / 2, wanted, height)
    half = wanted / 2
    for card in surroundings(scene, band, me).cards:
        if card.top() > band.bottom() or card.bottom() < band.top():
            continue
        if card.contains(centre):
            return 0.0
        half = min(half, card.left() - centre.x() if card.left() > centre.x() else centre.x() - card.right())
    return max(0.0, 2 * half)


def _hits_wire(rect: QRectF, points: np.ndarray) -> bool:
    xs, ys = points[:, 0], points[:, 1]
    return bool(np.any((xs >= rect.left()) & (xs <= rect.right()) & (ys >= rect.top()) & (ys <= rect.bottom())))


def place_step(scene: QGraphicsScene | None, path: QPainterPath, own: np.ndarray, me: object,
               size: tuple[float, float]) -> tuple[QPointF, QRectF]:
    """The wire point the label is tied to and the label's rect: the nearest place
    beside the wire that covers no card, no other wire's tag and not its own wire;
    crossing other wires is allowed but costs, so a free place nearby wins."""
    width, height = size
    anchors = [(t, path.pointAtPercent(t)) for t in STEP_POSITIONS]
    candidates = []
    for rank, (_t, anchor) in enumerate(anchors):
        for offset in STEP_OFFSETS:
            for sign in (1, -1):
                for shift in (0.0, -width / 3, width / 3):
                    centre = QPointF(anchor.x() + shift, anchor.y() + sign * offset)
                    rect = QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)
                    cost = offset + 0.25 * abs(shift) + 14 * rank + (0 if sign > 0 else 4)
                    candidates.append((cost, anchor, rect))
    candidates.sort(key=lambda c: c[0])
    if scene is None:
        return candidates[0][1], candidates[0][2]
    region = QRectF()
    for _cost, _anchor, rect in candidates:
        region = region.united(rect)
    near = surroundings(scene, region, me, with_wires=True)
    best: tuple[float, QPointF, QRectF] | None = None
    for cost, anchor, rect in candidates:
        if best is not None and cost >= best[0]:
            break
        padded = rect.adjusted(-3, -3, 3, 3)
        if any(card.intersects(padded) for card in near.cards) or _hits_wire(padded, own):
            continue
        if any(tag.intersects(padded) for tag in near.tags):
            continue
        crossings = near.wires_hit(padded)
        total = cost + 90 * crossings
        if best is None or total < best[0]:
            best = (total, anchor, rect)
    if best is None:
        return candidates[0][1], candidates[0][2]
    return best[1], best[2]


def sample_path(path: QPainterPath, spacing: float = 8.0) -> np.ndarray:
    """Points along a wire (rows of x, y) about every `spacing` units, to tell whether
    a rect covers it. A wire is one cubic: evaluated with numpy, not point by point."""
    control = _control(path)
    if control is None:
        count = int(min(MAX_SAMPLES, max(16, path.length() / spacing)))
        return np.array([[p.x(), p.y()] for p in (path.pointAtPercent(i / count) for i in range(count + 1))])
    # The control polygon is at least as long as the curve: enough points, cheaply.
    length = float(np.sum(np.hypot(*np.diff(control, axis=0).T)))
    count = int(min(MAX_SAMPLES, max(16, length / spacing)))
    t = np.linspace(0.0, 1.0, count + 1)[:, None]
    u = 1.0 - t
    return u ** 3 * control[0] + 3 * u * u * t * control[1] + 3 * u * t * t * control[2] + t ** 3 * control[3]
