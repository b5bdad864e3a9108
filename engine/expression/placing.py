"""Where a built fragment goes in a document that already has cards: beside the cards it
reads (one column right of the graph, level with them), else around a chosen centre
(the view's), and in either case moved down clear of any card it would cover."""

from __future__ import annotations

from dataclasses import replace

from engine.document import GraphDocument
from engine.expression.builder import Built
from engine.layout import CARD_GAP, CARD_WIDTH, COLUMN_SPACING, card_height
from engine.ops import OpRegistry

Box = tuple[float, float, float, float]


def _box(registry: OpRegistry, op: str, x: float, y: float) -> Box:
    half = card_height(registry[op].arity) / 2
    return x - CARD_WIDTH / 2, y - half, x + CARD_WIDTH / 2, y + half


def place_beside(built: Built, document: GraphDocument, centre: tuple[float, float]) -> Built:
    """`built` (laid out around any point) moved to its place in `document`."""
    if not built.nodes:
        return built
    new = {node_id for node_id, _ in built.nodes}
    xs = [attrs["x"] for _, attrs in built.nodes]
    ys = [attrs["y"] for _, attrs in built.nodes]
    read = {source for source, _, _, _ in built.edges if source not in new}
    if read:
        readers = {target for source, target, _, _ in built.edges if source in read}
        # Right of every card (not only of those it reads): its wires then run left to
        # right, and no card of the graph sits between its columns.
        right = max(document.position(node_id)[0] for node_id in document.node_ids())
        level = sum(document.position(node_id)[1] for node_id in read) / len(read)
        reader_ys = [attrs["y"] for node_id, attrs in built.nodes if node_id in readers]
        dx = right + COLUMN_SPACING - min(attrs["x"] for node_id, attrs in built.nodes if node_id in readers)
        dx = max(dx, right + COLUMN_SPACING - min(xs))  # nothing of it left of what it reads
        dy = level - sum(reader_ys) / len(reader_ys)
    else:
        dx = centre[0] - (min(xs) + max(xs)) / 2
        dy = centre[1] - (min(ys) + max(ys)) / 2
    registry = built.registry or document.registry  # with the ops the text defines
    boxes = [_box(registry, attrs["op"], attrs["x"] + dx, attrs["y"] + dy) for _, attrs in built.nodes]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right_edge, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    covered = [box for node_id in document.node_ids()
               for box in [_box(document.registry, document.attrs(node_id)["op"], *document.position(node_id))]
               if box[0] < right_edge + CARD_GAP and left - CARD_GAP < box[2]]
    if any(box[1] < bottom + CARD_GAP and top - CARD_GAP < box[3] for box in covered):
        dy += max(box[3] for box in covered) + CARD_GAP * 2 - top
    nodes = [(node_id, {**attrs, "x": attrs["x"] + dx, "y": attrs["y"] + dy}) for node_id, attrs in built.nodes]
    return replace(built, nodes=nodes)
