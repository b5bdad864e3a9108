"""Left-to-right layered layout (Sugiyama style) that knows about ports.

1. Layers: every node sits one column left of its nearest consumer (inputs next to
   where they are used), sinks at their depth, so an expression tree has no wire
   longer than one column.
2. A wire that spans several columns gets a placeholder "lane" item in each column
   it passes, so it takes part in the ordering and keeps room free of cards there.
3. Order in each column: barycentre sweeps that count a wire at the row of the
   *port* it enters, so the source of port 0 goes above the source of port 1 (the
   card draws port 0 above port 1); the order with the fewest crossings is kept.
4. Rows: least squares under minimum gaps: wires as level as they can be, and each
   lane on the curve its wire is drawn along (so that curve passes where the lane
   kept room). Columns take turns (even, then odd), each solved exactly given its
   neighbours by pool-adjacent-violators, all columns of a turn at once in numpy.

Weakly connected parts are laid out apart and stacked. Everything is iterative and
about linear in the graph (no recursion on depth); the number of sweeps shrinks on
big graphs so opening a 100k-node file stays quick.

igraph's Sugiyama layout was considered: it cannot know port order (it would put
the source of port 1 above that of port 0 as readily as below) nor card heights.
"""

from __future__ import annotations

import gc
from bisect import bisect_right, insort

import networkx as nx
import numpy as np

from engine.ops import OPS, OpRegistry

COLUMN_SPACING = 300.0
"""Centre to centre: a 160 px card leaves 140 px of wire for its value and gradient tags."""
CARD_GAP = 52.0
"""Between two cards in a column (130 px centre to centre for two-port cards)."""
LANE_HEIGHT = 40.0
LANE_GAP = 24.0
"""Around a long wire's lane: room for its tags above and below it."""
LANE_PULL = 100.0
"""How much more a long wire wants to pass along its lanes than any wire wants to be level."""
COMPONENT_GAP = 100.0
ORDER_SWEEPS = 12
ORDER_BUDGET = 600_000
"""Item visits in Python for the ordering; big graphs get fewer sweeps (at least two)."""
PLACE_SWEEPS = 40
PLACE_BUDGET = 2_000_000
"""Item visits in numpy for the rows; big graphs get fewer sweeps (at least four)."""
LANE_BUDGET = 1
LANE_SPAN = 16
"""Lane items allowed per node on average, and columns a wire may pass to get lanes: the
longest wires go without (big random graphs, a node used all along a chain); they are
still drawn, just not kept clear of the cards they pass."""

# Card geometry, as gui/canvas/node_item.py draws it (tests/test_arrange_gui.py checks they agree).
CARD_WIDTH = 160.0
HEADER = 28.0
ROW = 22.0


def card_height(arity: int) -> float:
    return HEADER + max(2, arity) * ROW + 6.0


def output_offset(arity: int) -> float:
    """The output port's height below the card's centre (the middle of the body)."""
    return HEADER / 2


def input_offset(arity: int, port: int) -> float:
    height = card_height(arity)
    rows = max(1, arity)
    return -height / 2 + HEADER + (height - HEADER) / rows * (port + 0.5)


class _Layered:
    """One connected part as items (cards, then lanes) in columns, wired by segments."""

    def __init__(self, nodes: list[int], column: list[int], arity: list[int],
                 succ: list[list[tuple[int, int]]]) -> None:
        local = {node: i for i, node in enumerate(nodes)}
        self.nodes = nodes
        self.column = [column[n] for n in nodes]
        self.arity = [arity[n] for n in nodes]
        self.real = len(nodes)
        self.succ: list[list[tuple[int, int]]] = [[] for _ in nodes]
        self.pred: list[list[tuple[int, int]]] = [[] for _ in nodes]
        column_of = self.column
        wires = [(u, local[t], port) for u, node in enumerate(nodes) for t, port in succ[node]]
        # Lanes for the shortest long wires first, while the budget lasts.
        budget = LANE_BUDGET * len(nodes) + 16
        laned = [False] * len(wires)
        spans = [column_of[v] - column_of[u] - 1 for u, v, _ in wires]
        for i in sorted((i for i, span in enumerate(spans) if 0 < span <= LANE_SPAN), key=spans.__getitem__):
            if spans[i] > budget:
                break
            budget -= spans[i]
            laned[i] = True
        self.wires = wires
        self.lanes: list[tuple[int, int]] = []
        """(lane item, index of its wire in self.wires)"""
        for i, (u, v, port) in enumerate(wires):
            previous = u
            if laned[i]:
                for c in range(column_of[u] + 1, column_of[v]):
                    lane = self._add_item(c, 0)
                    self._connect(previous, lane, 0)
                    self.lanes.append((lane, i))
                    previous = lane
            self._connect(previous, v, port)
        self.columns: list[list[int]] = [[] for _ in range(max(self.column) + 1)]
        for item, c in enumerate(self.column):
            self.columns[c].append(item)
        self.pos = [0] * len(self.column)
        self._number()
        self.height = [card_height(a) if i < self.real else LANE_HEIGHT for i, a in enumerate(self.arity)]
        self.out_off = [output_offset(a) if i < self.real else 0.0 for i, a in enumerate(self.arity)]

    def _add_item(self, column: int, arity: int) -> int:
        self.column.append(column)
        self.arity.append(arity)
        self.succ.append([])
        self.pred.append([])
        return len(self.column) - 1

    def _connect(self, u: int, v: int, port: int) -> None:
        self.succ[u].append((v, port))
        self.pred[v].append((u, port))

    def _number(self) -> None:
        for members in self.columns:
            for i, item in enumerate(members):
                self.pos[item] = i

    def port_fraction(self, item: int, port: int) -> float:
        """Where the port sits across the card, in (-0.5, 0.5) of one place in the column."""
        arity = self.arity[item]
        return (port + 0.5) / arity - 0.5 if item < self.real and arity else 0.0

    # ------------------------------------------------------------------ order
    def _sort_column(self, c: int, towards_inputs: bool) -> None:
        pos, members = self.pos, self.columns[c]
        key: dict[int, tuple[float, int]] = {}
        for item in members:
            if towards_inputs:
                places = [pos[v] + self.port_fraction(v, port) for v, port in self.succ[item]]
            else:
                places = [pos[u] for u, _ in self.pred[item]]
            # With nothing on that side, an item keeps its place (scaled to the other column).
            key[item] = (sum(places) / len(places) if places else pos[item], pos[item])
        members.sort(key=key.__getitem__)
        for i, item in enumerate(members):
            pos[item] = i

    def _crossings(self, c: int) -> int:
        """Pairs of wires between column c and c + 1 that cross (ports counted apart)."""
        pos, members = self.pos, self.columns[c]
        if len(members) < 2:
            return 0
        seen: list[float] = []
        count = 0
        for u in sorted(members, key=pos.__getitem__):
            ends = sorted(pos[v] + self.port_fraction(v, port) for v, port in self.succ[u])
            for end in ends:
                count += len(seen) - bisect_right(seen, end)
            for end in ends:
                insort(seen, end)
        return count

    def order(self) -> None:
        count = len(self.columns)
        busy = [c for c in range(count) if len(self.columns[c]) > 1 or
                (c + 1 < count and len(self.columns[c + 1]) > 1)]
        if not busy:
            return
        sweeps = max(2, min(ORDER_SWEEPS, ORDER_BUDGET // max(1, len(self.column))))
        best = sum(self._crossings(c) for c in busy)
        best_columns = [list(members) for members in self.columns]
        since_best = 0
        for sweep in range(sweeps):
            if best == 0 or since_best == 4:  # two round trips without gain: a local optimum
                break
            since_best += 1
            towards_inputs = sweep % 2 == 0  # the first sweep orders from the output back
            for c in (reversed(busy) if towards_inputs else busy):
                if len(self.columns[c]) > 1:
                    self._sort_column(c, towards_inputs)
            crossings = sum(self._crossings(c) for c in busy)
            if crossings < best:
                best, best_columns, since_best = crossings, [list(members) for members in self.columns], 0
        self.columns = best_columns
        self._number()

    # ------------------------------------------------------------------- rows
    def _in_off(self, item: int, port: int) -> float:
        return input_offset(self.arity[item], port) if item < self.real else 0.0

    def _residuals(self) -> tuple[list[tuple[int, int, float]], list[float], list[float]]:
        """What the rows try to make zero, each a sum of coefficient * row + constant with a
        weight: every wire level (its ports at one height), and every lane on the curve its
        wire is really drawn along (a wire is one curve from end to end, it does not visit
        its lanes), so a lane that the cards of its column push away pulls the ends along."""
        terms: list[tuple[int, int, float]] = []  # (residual, item, coefficient)
        constant: list[float] = []
        strength: list[float] = []
        ends = []
        for u, v, port in self.wires:
            start, end = self.out_off[u], self._in_off(v, port)
            ends.append((start, end))
            r = len(constant)
            terms += ((r, u, 1.0), (r, v, -1.0))
            constant.append(start - end)
            strength.append(1.0)
        column = self.column
        for lane, i in self.lanes:
            u, v, _ = self.wires[i]
            start, end = ends[i]
            left = column[u] * COLUMN_SPACING + CARD_WIDTH / 2
            right = column[v] * COLUMN_SPACING - CARD_WIDTH / 2
            g = _curve_height((column[lane] * COLUMN_SPACING - left) / (right - left))
            r = len(constant)
            terms += ((r, lane, 1.0), (r, u, g - 1.0), (r, v, -g))
            constant.append((g - 1.0) * start - g * end)
            strength.append(LANE_PULL)
        return terms, constant, strength

    def rows(self) -> list[float]:
        """Rows by red-black Gauss-Seidel: even columns move (each exactly to its best place
        given its neighbours), then odd ones, with numpy doing all columns of a colour at once."""
        members = [item for column in self.columns for item in column]
        size = len(members)
        flat = np.empty(size, dtype=np.int64)
        flat[members] = np.arange(size)
        column = np.asarray(self.column, dtype=np.int64)[members]
        height = np.asarray(self.height)[members]
        is_real = np.asarray(members) < self.real
        # Minimum distance to the previous item of the column; offsets from the column's first item.
        gap = np.where(is_real[1:] & is_real[:-1], CARD_GAP, LANE_GAP) + (height[1:] + height[:-1]) / 2
        gap = np.concatenate(([0.0], gap))
        first = np.ones(size, dtype=bool)
        first[1:] = column[1:] != column[:-1]
        gap[first] = 0.0
        cumulative = np.cumsum(gap)
        offsets = cumulative - np.maximum.accumulate(np.where(first, cumulative, 0.0))
        terms, constant, strength = self._residuals()
        if not terms:
            return offsets[flat].tolist()
        term_residual, term_item, term_coef = (np.asarray(part) for part in zip(*terms))
        term_item = flat[term_item]
        constant, strength = np.asarray(constant), np.asarray(strength)
        term_weight = strength[term_residual] * term_coef
        pulls = np.bincount(term_item, weights=term_weight * term_coef, minlength=size)
        weight = np.where(pulls > 0, pulls, 1e-3)  # nothing pulls: stay, yielding to any neighbour
        colours = [np.flatnonzero(column % 2 == parity) for parity in (0, 1)]
        y = offsets.copy()
        sweeps = max(4, min(PLACE_SWEEPS, PLACE_BUDGET // max(1, size)))
        for _ in range(sweeps):
            for chosen in colours:
                if not len(chosen):
                    continue
                # Each item alone: minimise sum w (a*y + rest)^2, so y = -sum(w a rest) / sum(w a^2).
                value = constant + np.bincount(term_residual, weights=term_coef * y[term_item],
                                               minlength=len(constant))
                rest = value[term_residual] - term_coef * y[term_item]
                total = np.bincount(term_item, weights=term_weight * rest, minlength=size)
                wanted = np.where(pulls > 0, -total / np.where(pulls > 0, pulls, 1.0), y)
                z = _isotonic(wanted[chosen] - offsets[chosen], weight[chosen], column[chosen])
                y[chosen] = z + offsets[chosen]
        result = np.empty(size)
        result[members] = y
        return result.tolist()


def _curve_height(across: float) -> float:
    """How far (0 to 1) from its start height a wire's curve is at `across` (0 to 1) of its
    width: EdgeItem draws a cubic with horizontal ends whose control points sit half the
    width in, x(t) = 1.5 t (1 - t) + t^3 and y(t) = 3 t^2 - 2 t^3 (x is monotone: Newton)."""
    t = across
    for _ in range(8):
        t -= (1.5 * t * (1 - t) + t ** 3 - across) / (1.5 - 3 * t + 3 * t * t)
    return 3 * t * t - 2 * t ** 3


def _isotonic(z: np.ndarray, weight: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Weighted least-squares fit to z that does not decrease within each group (runs of
    equal `group`): pool adjacent violators, every violating pair of blocks at once
    (each such pair is pooled in the optimum, so the order of pooling does not matter)."""
    start = np.ones(len(z), dtype=bool)
    start[1:] = group[1:] != group[:-1]
    inner = np.flatnonzero(~start)  # block boundaries that are not group boundaries
    start[inner] = True
    weighted = weight * z
    while True:
        block = np.cumsum(start) - 1
        mean = np.bincount(block, weights=weighted) / np.bincount(block, weights=weight)
        pooled = inner[mean[block[inner] - 1] > mean[block[inner]] + 1e-9]
        if not len(pooled):
            return mean[block]
        start[pooled] = False
        inner = inner[start[inner]]


def _topological_order(succ: list[list[tuple[int, int]]]) -> list[int]:
    """Kahn's algorithm (iterative); nodes on a cycle, which a document never has, go last."""
    waiting = [0] * len(succ)
    for ends in succ:
        for v, _ in ends:
            waiting[v] += 1
    order = [u for u, count in enumerate(waiting) if not count]
    for u in order:  # grows while it is read
        for v, _ in succ[u]:
            waiting[v] -= 1
            if not waiting[v]:
                order.append(v)
    if len(order) < len(succ):
        placed = set(order)
        order += [u for u in range(len(succ)) if u not in placed]
    return order


def _columns(order: list[int], succ: list[list[tuple[int, int]]]) -> list[int]:
    """Column of every node: one left of its nearest consumer; a sink at its depth."""
    depth = [0] * len(order)
    for u in order:
        below = depth[u] + 1
        for v, _ in succ[u]:
            if depth[v] < below:
                depth[v] = below
    column = depth[:]
    for u in reversed(order):
        if succ[u]:
            column[u] = min(column[v] for v, _ in succ[u]) - 1
    return column


def _parts(succ: list[list[tuple[int, int]]]) -> list[list[int]]:
    """Weakly connected parts, each sorted, in the order of their first node."""
    neighbours: list[list[int]] = [[] for _ in succ]
    for u, ends in enumerate(succ):
        for v, _ in ends:
            neighbours[u].append(v)
            neighbours[v].append(u)
    part_of = [-1] * len(succ)
    parts: list[list[int]] = []
    for start in range(len(succ)):
        if part_of[start] >= 0:
            continue
        part_of[start] = len(parts)
        members = [start]
        for u in members:  # grows while it is read
            for v in neighbours[u]:
                if part_of[v] < 0:
                    part_of[v] = len(parts)
                    members.append(v)
        members.sort()
        parts.append(members)
    return parts


def layered_positions(graph: nx.MultiDiGraph, registry: OpRegistry = OPS) -> dict[str, tuple[float, float]]:
    """Scene positions (card centres) for every node of a DAG, centred on the origin."""
    # Hundreds of thousands of small lists and tuples, none in a cycle: the cyclic
    # collector would rescan the growing heap again and again (half the time on a 100k chain).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _layout(graph, registry)
    finally:
        if collecting:
            gc.enable()


def _layout(graph: nx.MultiDiGraph, registry: OpRegistry) -> dict[str, tuple[float, float]]:
    names = list(graph.nodes)
    if not names:
        return {}
    index = {name: i for i, name in enumerate(names)}
    succ: list[list[tuple[int, int]]] = [[] for _ in names]
    arity = [0] * len(names)
    for name, op_name in graph.nodes(data="op"):
        op = registry.get(op_name) if isinstance(op_name, str) else None
        arity[index[name]] = op.arity if op is not None else 0
    for source, target, port in graph.edges(data="port", default=0):
        v = index[target]
        succ[index[source]].append((v, port))
        arity[v] = max(arity[v], port + 1)
    column = _columns(_topological_order(succ), succ)
    positions: dict[str, tuple[float, float]] = {}
    top = 0.0
    for part in _parts(succ):
        left = min(column[n] for n in part)
        for n in part:
            column[n] -= left
        layered = _Layered(part, column, arity, succ)
        layered.order()
        y = layered.rows()
        real = range(layered.real)
        upper = min(y[i] - layered.height[i] / 2 for i in real)
        lower = max(y[i] + layered.height[i] / 2 for i in real)
        for i in real:
            positions[names[part[i]]] = (layered.column[i] * COLUMN_SPACING, y[i] - upper + top)
        top += lower - upper + COMPONENT_GAP
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    # Whole pixels: the sweeps leave float dust (64.99999999984) that files would keep.
    return {name: (float(round(x - cx)), float(round(y - cy))) for name, (x, y) in positions.items()}
