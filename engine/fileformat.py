"""The graph file, version 1: networkx node-link JSON of a MultiDiGraph (DESIGN.md).

`parse_data` checks everything the format forbids before anything is built, so a
refused file leaves whatever is open untouched; each refusal is one sentence
naming the place. Unknown keys are kept and written back.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine import fastjson, strictjson
from engine.atomic import kept_mode, write_atomic
from engine.errors import BadValue, FileFormatError
from engine.notes import parse_notes
from engine.ops import OPS, Op, OpRegistry
from engine.plan import Edge, Wiring, topological_order
from engine.values import parse_value, value_to_json

FORMAT = "backprop-studio"
VERSION = 1

_MISSING = object()


@dataclass
class GraphSpec:
    """A checked graph file, not yet a document: plain ids, attribute dicts, edges."""

    graph: dict[str, Any] = field(default_factory=dict)
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    edges: list[tuple[str, str, int, dict[str, Any]]] = field(default_factory=list)
    wiring: Wiring | None = field(default=None, compare=False, repr=False)
    """The integer wiring the checks found (None for a spec built by hand)."""
    registry: OpRegistry = field(default_factory=OPS.copy, compare=False, repr=False)
    """The ops the file was checked against, a registry of its own: the document opened
    from it, and `main.py eval`, use these (custom ops will come with the file)."""

    @property
    def output(self) -> str | None:
        output = self.graph.get("output")
        return output if isinstance(output, str) else None


def _node_id(raw: Any, place: str) -> str:
    # networkx graphs built in code often have integer ids; they open as strings.
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    if raw is _MISSING:
        raise FileFormatError(f"{place} has no id")
    raise FileFormatError(f"{place} has an id that is not a string: {json.dumps(raw)}")


def _coordinate(raw: Any, axis: str, node_id: str) -> float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            coordinate = float(raw)
        except OverflowError:  # an integer with hundreds of digits
            coordinate = math.inf
        if math.isfinite(coordinate):
            return coordinate
    raise FileFormatError(f"node '{node_id}' has a position {axis} that is not a finite number")


def _check_header(data: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise FileFormatError("it is not a Backprop Studio graph (no list of nodes)")
    graph = data.get("graph", {})
    if not isinstance(graph, dict):
        raise FileFormatError("its \"graph\" entry is not an object")
    fmt = graph.get("format", FORMAT)
    if fmt != FORMAT:
        raise FileFormatError(f"it is a \"{fmt}\" file, not a Backprop Studio graph")
    version = graph.get("version", VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise FileFormatError(f"its format version {json.dumps(version)} is not a whole number")
    if version > VERSION:
        raise FileFormatError(
            f"it was written by a newer Backprop Studio (format version {version}); "
            f"this one reads version {VERSION}")
    if data.get("directed", True) is not True or data.get("multigraph", True) is not True:
        raise FileFormatError("it is not a directed multigraph")
    edges = data.get("edges", data.get("links", []))
    if not isinstance(edges, list):
        raise FileFormatError("its \"edges\" entry is not a list")
    return graph, data["nodes"], edges


# The two loops below run once per node and per edge of files of 100,000 nodes and
# more, inside `main.py eval`'s time budget: each check is a cheap type test first,
# and the sentence naming the place is only built once something is wrong.

def _parse_nodes(raw_nodes: list[Any], registry: OpRegistry, adopt: bool) -> tuple[
        list[tuple[str, dict[str, Any]]], dict[str, int], list[Op]]:
    nodes: list[tuple[str, dict[str, Any]]] = []
    index: dict[str, int] = {}
    ops: list[Op] = []
    known = {op.name: op for op in registry}
    isfinite, float64 = math.isfinite, np.float64
    for position, raw in enumerate(raw_nodes):
        if type(raw) is not dict:
            raise FileFormatError(f"node {position + 1} is not an object")
        attrs = raw if adopt else dict(raw)
        node_id = attrs.pop("id", _MISSING)
        attrs.pop("result", None)
        if type(node_id) is not str:
            node_id = _node_id(node_id, f"node {position + 1}")
        index[node_id] = position  # one lookup instead of two: a repeated id does not grow the index
        if len(index) == position:
            raise FileFormatError(f"the id '{node_id}' is used by more than one node")
        op_name = attrs.get("op")
        op = known.get(op_name) if type(op_name) is str else None
        if op is None:
            if op_name is None:
                raise FileFormatError(f"node '{node_id}' has no op")
            raise FileFormatError(f"node '{node_id}' has an unknown op {json.dumps(op_name)}")
        # A missing coordinate reads as 0.0, which passes and is not written back.
        x = attrs.get("x", 0.0)
        if type(x) is not float or not isfinite(x):
            attrs["x"] = _coordinate(x, "x", node_id)
        y = attrs.get("y", 0.0)
        if type(y) is not float or not isfinite(y):
            attrs["y"] = _coordinate(y, "y", node_id)
        if "label" in attrs and not isinstance(attrs["label"], str):
            raise FileFormatError(f"node '{node_id}' has a label that is not text")
        if "trainable" in attrs:
            _check_trainable(attrs["trainable"], op, node_id)
        if op.forward is None and "value" in attrs:
            value = attrs["value"]
            if type(value) is float and isfinite(value):
                attrs["value"] = float64(value)  # what parse_value gives, without its round of checks
            else:
                try:
                    attrs["value"] = parse_value(value)
                except BadValue as error:
                    raise FileFormatError(f"node '{node_id}' has a bad value: {error}") from None
        ops.append(op)
        nodes.append((node_id, attrs))
    return nodes, index, ops


def _check_trainable(trainable: Any, op: Op, node_id: str) -> None:
    """`"trainable": true` marks an input as a parameter training updates."""
    if type(trainable) is not bool:
        raise FileFormatError(f"node '{node_id}' has \"trainable\": {json.dumps(trainable)}; it must be true or false")
    if trainable and op.name != "input":
        raise FileFormatError(f"node '{node_id}' is marked trainable, but only an input node can be ({op.name})")


def _edge_end(raw: Any, position: int, end: str) -> str:
    if raw is _MISSING:
        raise FileFormatError(f"edge {position + 1} has no {end}")
    return _node_id(raw, f"edge {position + 1}'s {end}")


def _edge_problem(source: str, target: str, port: Any, index: dict[str, int], ops: list[Op]) -> FileFormatError:
    """What is wrong with an edge the fast checks stopped at, as one sentence."""
    place = f"edge {source} → {target}"
    for end in (source, target):
        if end not in index:
            return FileFormatError(f"{place} names a node '{end}' that does not exist")
    if port is _MISSING:
        return FileFormatError(f"{place} has no port")
    op = ops[index[target]]
    ports = ", ".join(f"{i} ({name})" for i, name in enumerate(op.port_names)) or "none"
    return FileFormatError(f"{place} goes into port {json.dumps(port)}, but {op.name} has ports: {ports}")


def _parse_edges(raw_edges: list[Any], index: dict[str, int], ops: list[Op], adopt: bool) -> tuple[
        list[tuple[str, str, int, dict[str, Any]]], list[list[int]], list[list[Edge | None]]]:
    edges: list[tuple[str, str, int, dict[str, Any]]] = []
    sources = [[-1] * op.arity for op in ops]
    in_edges: list[list[Edge | None]] = [[None] * op.arity for op in ops]
    for position, raw in enumerate(raw_edges):
        if type(raw) is not dict:
            raise FileFormatError(f"edge {position + 1} is not an object")
        attrs = raw if adopt else dict(raw)
        source = attrs.pop("source", _MISSING)
        if type(source) is not str:
            source = _edge_end(source, position, "source")
        target = attrs.pop("target", _MISSING)
        if type(target) is not str:
            target = _edge_end(target, position, "target")
        key = attrs.pop("key", None)
        attrs.pop("result", None)
        port = attrs.get("port", _MISSING)
        s = index.get(source)
        t = index.get(target)
        if s is None or t is None or type(port) is not int or not 0 <= port < len(sources[t]):
            raise _edge_problem(source, target, port, index, ops)
        slot = sources[t]
        if slot[port] >= 0:
            raise FileFormatError(
                f"two edges go into port {port} of '{target}' (from '{in_edges[t][port][0]}' and '{source}')")
        # Hand-written files may omit keys, or repeat them (a*a as two "key": 0
        # edges). Edges that share a source and a target all go into the target's
        # ports, so a clash can only be with an edge already in one of those.
        if type(key) is not int or s in slot:
            taken = {edge[2] for edge in in_edges[t] if edge is not None and edge[0] == source}
            if type(key) is not int or key in taken:
                key = 0
                while key in taken:
                    key += 1
        slot[port] = s
        edge = (source, target, key)
        in_edges[t][port] = edge
        edges.append((source, target, key, attrs))
    return edges, sources, in_edges


def _check_edges(raw_edges: list[Any], index: dict[str, int], ops: list[Op], ids: list[str]) -> list[list[int]]:
    """_parse_edges's checks and sentences, keeping only each port's source: for
    `main.py eval`, which needs no edge objects (half the time on 160,000 edges)."""
    sources = [[-1] * op.arity for op in ops]
    for position, raw in enumerate(raw_edges):
        if type(raw) is not dict:
            raise FileFormatError(f"edge {position + 1} is not an object")
        source = raw.get("source", _MISSING)
        if type(source) is not str:
            source = _edge_end(source, position, "source")
        target = raw.get("target", _MISSING)
        if type(target) is not str:
            target = _edge_end(target, position, "target")
        port = raw.get("port", _MISSING)
        s = index.get(source)
        t = index.get(target)
        if s is None or t is None or type(port) is not int or not 0 <= port < len(sources[t]):
            raise _edge_problem(source, target, port, index, ops)
        slot = sources[t]
        if slot[port] >= 0:
            raise FileFormatError(
                f"two edges go into port {port} of '{target}' (from '{ids[slot[port]]}' and '{source}')")
        slot[port] = s
    return sources


def _refuse_cycle(nodes: list[tuple[str, dict[str, Any]]], sources: list[list[int]], left: list[int]) -> None:
    import networkx as nx  # only on this error path: the fast eval path never needs it

    graph = nx.DiGraph()
    left_set = set(left)
    graph.add_edges_from((nodes[s][0], nodes[t][0]) for t in left for s in sources[t] if s in left_set)
    cycle = [s for s, _ in nx.find_cycle(graph)]
    shown = " → ".join([*cycle, cycle[0]])
    raise FileFormatError(f"the graph has a cycle: {shown}")


def parse_data(data: Any, registry: OpRegistry | None = None, *, adopt: bool = False,
               keep_edges: bool = True) -> GraphSpec:
    """Check decoded JSON against format version 1; raise FileFormatError if refused.
    Ops are looked up in `registry` (by default a copy of the built-in ones).

    With `adopt`, the node and edge objects of `data` become the spec's attribute
    dicts instead of being copied (and are changed): for data decoded for this call
    alone, as parse_text's is. Without `keep_edges` (for `main.py eval`), the file
    gets the same checks, but the spec keeps no edges (`edges` and `wiring.in_edges`
    are empty): only each port's source, by index, in `wiring.sources`.
    """
    graph, raw_nodes, raw_edges = _check_header(data)
    registry = OPS.copy() if registry is None else registry
    if "ops" in graph:  # custom operations (engine.custom.definitions; sympy only for these files)
        from engine.custom.definitions import file_registry
        registry = file_registry(graph["ops"], registry)
    nodes, index, ops = _parse_nodes(raw_nodes, registry, adopt)
    if keep_edges:
        edges, sources, in_edges = _parse_edges(raw_edges, index, ops, adopt)
    else:
        edges, sources, in_edges = [], _check_edges(raw_edges, index, ops, list(index)), []
    order, left = topological_order(sources)
    if left:
        _refuse_cycle(nodes, sources, left)
    graph = {**graph, "format": FORMAT, "version": VERSION}
    output = graph.get("output")
    if type(output) is int:  # integer node ids open as strings, so does the output naming one
        graph["output"] = output = str(output)
    if output is not None and (not isinstance(output, str) or output not in index):
        raise FileFormatError(f"its output {json.dumps(output)} is not a node of the graph")
    parse_notes(graph.get("notes"))  # text boxes on the canvas (engine.notes): checked, kept as they are
    return GraphSpec(graph, nodes, edges, Wiring(index, ops, sources, in_edges, order, []), registry)


def parse_text(text: str | bytes, registry: OpRegistry | None = None, *, keep_edges: bool = True) -> GraphSpec:
    try:
        data = fastjson.loads(text) if isinstance(text, bytes) else strictjson.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise FileFormatError(f"it is not JSON{where}") from None
    except RecursionError:
        raise FileFormatError("it nests lists too deeply to read") from None
    return parse_data(data, registry, adopt=True, keep_edges=keep_edges)


def read_file(path: str | os.PathLike[str], registry: OpRegistry | None = None, *,
              keep_edges: bool = True) -> GraphSpec:
    """Read and check a graph file; errors say `Cannot open NAME: reason.` (keep_edges: see parse_data)"""
    name = Path(path).name
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise FileFormatError(f"Cannot open {name}: {error.strerror or error}.") from None
    try:
        return parse_text(text, registry, keep_edges=keep_edges)
    except FileFormatError as error:
        raise FileFormatError(f"Cannot open {name}: {error}.") from None


def node_to_json(node_id: str, attrs: dict[str, Any]) -> dict[str, Any]:
    node = {"id": node_id, **attrs}
    value = attrs.get("value")
    # Only a leaf's value was parsed into numpy; a "value" key on a computed node
    # is an unknown key, written back exactly as it came.
    if isinstance(value, (np.ndarray, np.floating)):
        node["value"] = value_to_json(value)
    return node


def spec_to_data(spec: GraphSpec) -> dict[str, Any]:
    return {
        "directed": True,
        "multigraph": True,
        "graph": dict(spec.graph),
        "nodes": [node_to_json(node_id, attrs) for node_id, attrs in spec.nodes],
        "edges": [{"source": s, "target": t, "key": k, **attrs} for s, t, k, attrs in spec.edges],
    }


def write_json_atomic(path: str | os.PathLike[str], data: Any) -> None:
    """Write beside the target, flush to disk, then replace: a crash never leaves half a file.
    The saved graph gets the mode any editor gives it: the existing file's, else what the
    umask allows."""
    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=True)

    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())

    write_atomic(path, write, kept_mode(Path(path)))
