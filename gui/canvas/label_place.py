"""Where a wire's words go: its number tags (value above, gradient below) at a point
of the wire clear of every card, and the chain-rule step label beside the wire,
tied to it by a leader line, clear of cards, of the other wires' tags and of its
own wire. Pure geometry over what the scene has nearby, asked once per placement
(never between prepareGeometryChange() and the new bounds: see EdgeItem.update_path)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsScene

TAG_GAP = 3.0
"""Between the wire and a tag."""
CARD_MARGIN = 4.0
TAG_POSITIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)
"""Where along a wire its tags may sit, best first."""
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


def surroundings(scene: QGraphicsScene | None, region: QRectF, me: object, with_wires: bool = False,
                 with_tags: bool = False) -> Surroundings:
    """Cards in `region`, and the other wires' tags (and, for a step label, the wires)."""
    found = Surroundings()
    if scene is None:
        return found
    # Imported here: edge_item and node_item import this module.
    from gui.canvas.edge_item import EdgeItem
    from gui.canvas.node_item import NodeItem

    for item in scene.items(region, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
        if isinstance(item, NodeItem):
            found.cards.append(item.mapRectToScene(item.card).adjusted(-CARD_MARGIN, -CARD_MARGIN,
                                                                        CARD_MARGIN, CARD_MARGIN))
        elif (with_wires or with_tags) and isinstance(item, EdgeItem) and item is not me and item.isVisible():
            found.tags.extend(rect for rect, _kind in item.tag_rects())
            if with_wires:
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


def _lean(path: QPainterPath, t: float) -> int:
    """Which way tags step aside at `t`: a wire rising to the right leaves room above-left."""
    slope = path.slopeAtPercent(t)
    if abs(slope) < 0.35:
        return 0
    return -1 if slope < 0 else 1


def place_tags(scene: QGraphicsScene | None, path: QPainterPath, me: object,
               above: tuple[float, float] | None, below: tuple[float, float] | None) -> tuple[QPointF, int] | None:
    """The point of the wire to hang the tags from and their lean: the middle if it is
    free; the first place along the wire that covers no card and no other wire's tag,
    preferring one that leaves its own wire uncovered. None if no place is free."""
    anchors = [(path.pointAtPercent(t), _lean(path, t)) for t in TAG_POSITIONS]
    if scene is None:
        return anchors[0]
    region = QRectF()
    for anchor, lean in anchors:
        for rect in tag_rects(anchor, above, below, lean):
            region = region.united(rect)
    near = surroundings(scene, region, me, with_wires=True)
    blocked = near.cards + near.tags
    fallback = None
    own: list[QPointF] | None = None  # sampled only if a place is free of cards (thousands of wires load at once)
    for anchor, lean in anchors:
        rects = tag_rects(anchor, above, below, lean)
        if any(other.intersects(rect) for other in blocked for rect in rects):
            continue
        own = own or sample_path(path, 8.0)
        inner = [rect.adjusted(1, 1, -1, -1) for rect in rects]
        if not any(_hits_wire(rect, own) or near.wires_hit(rect) for rect in inner):
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


def _hits_wire(rect: QRectF, points: list[QPointF]) -> bool:
    return any(rect.contains(p) for p in points)


def place_step(scene: QGraphicsScene | None, path: QPainterPath, own: list[QPointF], me: object,
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


def sample_path(path: QPainterPath, spacing: float = 10.0) -> list[QPointF]:
    """Points along a wire about every `spacing` units, to tell whether a rect covers it."""
    count = max(8, int(path.length() / spacing))
    return [path.pointAtPercent(i / count) for i in range(count + 1)]
