"""Arrange (engine/layout.py): left to right, port order kept, no crossing wire and no
overlapping card on the examples and on any tree; quick and recursion-free on deep
graphs. Crossings are counted from the positions alone, as the picture shows them:
each wire a straight segment from its source's output port to its target's port."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import networkx as nx
import pytest
from engine_helpers import ENGINE_SETTINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import parse_data, read_file
from engine.layout import COLUMN_SPACING, card_height, input_offset, layered_positions, output_offset
from engine.ops import OPS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from make_graph import chain, random_dag

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
WIDTH = 160.0
Point = tuple[float, float]


def arity(graph: nx.MultiDiGraph, node: str) -> int:
    op = OPS.get(graph.nodes[node]["op"])
    if op is None:  # a custom op (graph.ops): its wired ports say at least how many it has
        return 1 + max((port for _, _, port in graph.in_edges(node, data="port")), default=0)
    return op.arity


def wires(graph: nx.MultiDiGraph, place: dict[str, Point]) -> list[tuple[Point, Point]]:
    """Each wire from the right edge of its source (at the output port) to the left edge
    of its target, at the row of the port it enters (as NodeItem places them)."""
    segments = []
    for source, target, port in graph.edges(data="port"):
        (sx, sy), (tx, ty) = place[source], place[target]
        start = (sx + WIDTH / 2, sy + output_offset(arity(graph, source)))
        end = (tx - WIDTH / 2, ty + input_offset(arity(graph, target), port))
        segments.append((start, end))
    return segments


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _cross(p: tuple[Point, Point], q: tuple[Point, Point]) -> bool:
    (a, b), (c, d) = p, q
    if {a, b} & {c, d}:
        return False  # wires from one output (or into one port) meet there, they do not cross
    o1, o2, o3, o4 = _orientation(a, b, c), _orientation(a, b, d), _orientation(c, d, a), _orientation(c, d, b)
    if o1 == o2 == o3 == o4 == 0:  # on one line: crossing if they overlap (labels would stack)
        return max(a[0], b[0]) > min(c[0], d[0]) and max(c[0], d[0]) > min(a[0], b[0])
    return o1 * o2 < 0 and o3 * o4 < 0


def crossings(graph: nx.MultiDiGraph, place: dict[str, Point]) -> list[tuple]:
    segments = wires(graph, place)
    return [(p, q) for i, p in enumerate(segments) for q in segments[i + 1:] if _cross(p, q)]


def overlapping_cards(graph: nx.MultiDiGraph, place: dict[str, Point]) -> list[tuple[str, str]]:
    boxes = {}
    for node, (x, y) in place.items():
        half = card_height(arity(graph, node)) / 2
        boxes[node] = (x - WIDTH / 2, y - half, x + WIDTH / 2, y + half)
    found = []
    nodes = sorted(boxes)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes[a], boxes[b]
            if l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1:
                found.append((a, b))
    return found


def wires_through_cards(graph: nx.MultiDiGraph, place: dict[str, Point]) -> list[tuple[Point, str]]:
    """(wire start, card) for each wire drawn across a card it does not end at, sampled
    along the curve EdgeItem draws (a cubic with horizontal ends, control points half the
    width in)."""
    found = []
    for (start, end) in wires(graph, place):
        (x0, y0), (x1, y1) = start, end
        reach = max(40.0, abs(x1 - x0) / 2)
        samples = []
        for i in range(61):
            t = i / 60
            u = 1 - t
            x = u ** 3 * x0 + 3 * u * u * t * (x0 + reach) + 3 * u * t * t * (x1 - reach) + t ** 3 * x1
            samples.append((x, y0 + (y1 - y0) * (3 * t * t - 2 * t ** 3)))
        for node, (x, y) in place.items():
            half = card_height(arity(graph, node)) / 2
            if any(x - WIDTH / 2 < sx < x + WIDTH / 2 and y - half < sy < y + half for sx, sy in samples):
                found.append((start, node))
    return found


def assert_tidy(graph: nx.MultiDiGraph, place: dict[str, Point]) -> None:
    assert set(place) == set(graph.nodes)
    for source, target in graph.edges():
        assert place[target][0] - place[source][0] >= COLUMN_SPACING, (source, target)
    assert not overlapping_cards(graph, place)
    assert not crossings(graph, place)
    assert not wires_through_cards(graph, place)


def reordered(graph: nx.MultiDiGraph, order: list[str]) -> nx.MultiDiGraph:
    """The same graph with its nodes made in another order."""
    copy = nx.MultiDiGraph(**graph.graph)
    copy.add_nodes_from((node, graph.nodes[node]) for node in order)
    copy.add_edges_from(graph.edges(keys=True, data=True))
    return copy


def example_graph(path: Path) -> nx.MultiDiGraph:
    return GraphDocument.from_spec(read_file(path)).graph


# ------------------------------------------------------------------- examples
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_arranges_without_crossings_or_overlaps(path: Path) -> None:
    document = GraphDocument.from_spec(read_file(path))
    graph = document.graph
    place = layered_positions(graph, document.registry)  # with the file's custom ops
    assert_tidy(graph, place)
    output = graph.graph["output"]
    assert place[output][0] == max(x for x, _ in place.values())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_shipped_example_is_itself_tidy(path: Path) -> None:
    graph = example_graph(path)
    assert_tidy(graph, {node: (x, y) for node, x, y in
                        ((n, a["x"], a["y"]) for n, a in graph.nodes(data=True))})


@pytest.mark.parametrize("order", ["as in the file", "reversed"])
def test_the_tanh_neuron_keeps_port_order(order: str) -> None:
    """The reported mess: b feeds n's lower port, so it goes below x1*w1 + x2*w2, whatever
    order the nodes were made in."""
    graph = example_graph(EXAMPLES_DIR / "tanh_neuron.json")
    if order == "reversed":
        graph = reordered(graph, list(graph.nodes)[::-1])
    place = layered_positions(graph)
    for node in graph.nodes:
        sources = sorted((port, source) for source, _, port in graph.in_edges(node, data="port"))
        rows = [place[source][1] for _, source in sources]
        assert rows == sorted(rows) and len(set(rows)) == len(rows), node
    assert place["b"][1] > place["x1w1x2w2"][1]
    assert place["x1"][1] < place["w1"][1] < place["x2"][1] < place["w2"][1]


def test_a_long_wire_runs_in_a_lane_clear_of_the_cards_it_passes() -> None:
    """fan_out: x feeds f past the column of x*x; the wire's middle, where its value and
    gradient tags go (20 px above and below it, EdgeItem._label_rect), clears the x*x card."""
    graph = example_graph(EXAMPLES_DIR / "fan_out.json")
    place = layered_positions(graph)
    assert_tidy(graph, place)
    (start, end), = [w for (s, t, _), w in zip(graph.edges(keys=True), wires(graph, place)) if (s, t) == ("x", "f")]
    middle = (start[1] + end[1]) / 2
    card_bottom = place["xx"][1] + card_height(2) / 2
    assert middle - card_bottom >= 20 + 4


# ---------------------------------------------------------------------- trees
@st.composite
def trees(draw) -> nx.MultiDiGraph:
    """A forest of expression trees: every node feeds at most one port; some ports stay
    empty (a half-built graph); node ids in a random order (the layout's first order)."""
    graph = nx.MultiDiGraph()
    count = 0
    for _ in range(draw(st.integers(1, 3))):
        open_ports: list[tuple[str, int]] = []
        root = f"r{count}"
        graph.add_node(root, op=draw(st.sampled_from(["add", "mul", "tanh", "mse", "pow"])))
        count += 1
        open_ports += [(root, p) for p in range(OPS[graph.nodes[root]["op"]].arity)]
        budget = draw(st.integers(0, 14))
        while open_ports:
            target, port = open_ports.pop(draw(st.integers(0, len(open_ports) - 1)))
            kind = draw(st.sampled_from(["op", "op", "input", "empty"] if budget > 0 else ["input", "empty"]))
            if kind == "empty":
                continue
            node = f"n{count}"
            count += 1
            op = draw(st.sampled_from(["add", "sub", "mul", "relu", "exp", "matmul"])) if kind == "op" else "input"
            graph.add_node(node, op=op)
            graph.add_edge(node, target, port=port)
            if kind == "op":
                budget -= 1
                open_ports += [(node, p) for p in range(OPS[op].arity)]
    return reordered(graph, draw(st.permutations(list(graph.nodes))))


@settings(ENGINE_SETTINGS, max_examples=150)
@given(trees())
def test_any_tree_arranges_without_crossings_overlaps_or_port_swaps(graph: nx.MultiDiGraph) -> None:
    place = layered_positions(graph)
    assert_tidy(graph, place)
    for node in graph.nodes:
        rows = [place[s][1] for _, s in sorted((p, s) for s, _, p in graph.in_edges(node, data="port"))]
        assert rows == sorted(rows), node
        # A tree never needs a long wire: every node sits one column left of its consumer.
        for _, target in graph.out_edges(node):
            assert place[target][0] - place[node][0] == COLUMN_SPACING


# ----------------------------------------------------------------- other DAGs
@ENGINE_SETTINGS
@given(st.integers(2, 120), st.integers(0, 10_000))
def test_random_dags_arrange_left_to_right_without_overlaps(count: int, seed: int) -> None:
    graph = GraphDocument.from_spec(parse_data(random_dag(count, seed))).graph
    place = layered_positions(graph)
    assert set(place) == set(graph.nodes)
    for source, target in graph.edges():
        assert place[target][0] - place[source][0] >= COLUMN_SPACING
    assert not overlapping_cards(graph, place)


def test_a_graph_deeper_than_the_recursion_limit_is_laid_out() -> None:
    depth = sys.getrecursionlimit() * 3
    graph = nx.MultiDiGraph()
    graph.add_node("n0", op="input")
    for i in range(1, depth):
        graph.add_node(f"n{i}", op="relu")
        graph.add_edge(f"n{i - 1}", f"n{i}", port=0)
    place = layered_positions(graph)
    xs = [place[f"n{i}"][0] for i in range(depth)]
    assert xs == sorted(xs) and len(set(xs)) == depth
    # A chain of one-port cards is one straight row of wires.
    assert len({y for _, y in place.values()}) == 1


def test_a_file_without_positions_opens_laid_out() -> None:
    data = json.loads((EXAMPLES_DIR / "tanh_neuron.json").read_text(encoding="utf-8"))
    for node in data["nodes"]:
        del node["x"], node["y"]
    graph = GraphDocument.from_spec(parse_data(data)).graph
    place = {node: (attrs["x"], attrs["y"]) for node, attrs in graph.nodes(data=True)}
    assert place == layered_positions(graph)
    assert_tidy(graph, place)


def test_the_benchmark_chain_keeps_every_wire_left_to_right() -> None:
    """make_graph's chain: n0 feeds the lower port of every node (one long fan-out)."""
    graph = GraphDocument.from_spec(parse_data(chain(400))).graph
    place = layered_positions(graph)
    assert not overlapping_cards(graph, place)
    assert all(place[t][0] > place[s][0] for s, t in graph.edges())


def test_separate_parts_are_stacked_apart() -> None:
    graph = nx.MultiDiGraph()
    for part in range(3):
        graph.add_node(f"a{part}", op="input")
        graph.add_node(f"b{part}", op="input")
        graph.add_node(f"m{part}", op="mul")
        graph.add_edge(f"a{part}", f"m{part}", port=0)
        graph.add_edge(f"b{part}", f"m{part}", port=1)
    place = layered_positions(graph)
    assert_tidy(graph, place)
    tops = [min(place[f"{k}{part}"][1] for k in "abm") for part in range(3)]
    bottoms = [max(place[f"{k}{part}"][1] for k in "abm") for part in range(3)]
    assert bottoms[0] < tops[1] and bottoms[1] < tops[2]


def test_an_empty_graph_has_no_positions() -> None:
    assert layered_positions(nx.MultiDiGraph()) == {}
