"""The graph file, version 1: networkx node-link JSON of a MultiDiGraph (DESIGN.md).

`parse_data` checks everything the format forbids before anything is built, so a
refused file leaves whatever is open untouched; each refusal is one sentence
naming the place. Unknown keys are kept and written back.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import BadValue, FileFormatError
from engine.ops import OPS, OpRegistry
from engine.plan import topological_order
from engine.values import parse_value, value_to_json

FORMAT = "backprop-studio"
VERSION = 1



@dataclass
class GraphSpec:
    """A checked graph file, not yet a document: plain ids, attribute dicts, edges."""

    graph: dict[str, Any] = field(default_factory=dict)
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    edges: list[tuple[str, str, int, dict[str, Any]]] = field(default_factory=list)

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
    raise FileFormatError(f"{place} has an id that is not a string: {json.dumps(raw)}")


def _number(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw)


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


def _parse_nodes(raw_nodes: list[Any], registry: OpRegistry) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]:
    nodes: list[tuple[str, dict[str, Any]]] = []
    ops: dict[str, Any] = {}
    for position, raw in enumerate(raw_nodes):
        place = f"node {position + 1}"
        if not isinstance(raw, dict):
            raise FileFormatError(f"{place} is not an object")
        if "id" not in raw:
            raise FileFormatError(f"{place} has no id")
        node_id = _node_id(raw["id"], place)
        place = f"node '{node_id}'"
        if node_id in ops:
            raise FileFormatError(f"the id '{node_id}' is used by more than one node")
        op_name = raw.get("op")
        op = registry.get(op_name) if isinstance(op_name, str) else None
        if op is None:
            if op_name is None:
                raise FileFormatError(f"{place} has no op")
            raise FileFormatError(f"{place} has an unknown op {json.dumps(op_name)}")
        ops[node_id] = op
        attrs = {key: value for key, value in raw.items() if key != "id" and key != "result"}
        for axis in ("x", "y"):
            if axis in attrs:
                if not _number(attrs[axis]):
                    raise FileFormatError(f"{place} has a position {axis} that is not a number")
                attrs[axis] = float(attrs[axis])
        if "label" in attrs and not isinstance(attrs["label"], str):
            raise FileFormatError(f"{place} has a label that is not text")
        if op.is_leaf and "value" in attrs:
            try:
                attrs["value"] = parse_value(attrs["value"])
            except BadValue as error:
                raise FileFormatError(f"{place} has a bad value: {error}") from None
        nodes.append((node_id, attrs))
    return nodes, ops


def _parse_edges(raw_edges: list[Any], ops: dict[str, Any]) -> list[tuple[str, str, int, dict[str, Any]]]:
    edges: list[tuple[str, str, int, dict[str, Any]]] = []
    filled: dict[tuple[str, int], str] = {}
    keys_used: set[tuple[str, str, int]] = set()
    for position, raw in enumerate(raw_edges):
        place = f"edge {position + 1}"
        if not isinstance(raw, dict):
            raise FileFormatError(f"{place} is not an object")
        for end in ("source", "target"):
            if end not in raw:
                raise FileFormatError(f"{place} has no {end}")
        source = _node_id(raw["source"], f"{place}'s source")
        target = _node_id(raw["target"], f"{place}'s target")
        place = f"edge {source} → {target}"
        for end in (source, target):
            if end not in ops:
                raise FileFormatError(f"{place} names a node '{end}' that does not exist")
        if "port" not in raw:
            raise FileFormatError(f"{place} has no port")
        port = raw["port"]
        op = ops[target]
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port < op.arity:
            ports = ", ".join(f"{i} ({name})" for i, name in enumerate(op.port_names)) or "none"
            raise FileFormatError(
                f"{place} goes into port {json.dumps(port)}, but {op.name} has ports: {ports}")
        if (target, port) in filled:
            raise FileFormatError(
                f"two edges go into port {port} of '{target}' (from '{filled[target, port]}' and '{source}')")
        filled[target, port] = source
        key = raw.get("key")
        if not isinstance(key, int) or isinstance(key, bool) or (source, target, key) in keys_used:
            # Hand-written files may repeat or omit keys (a*a as two "key": 0 edges).
            key = 0
            while (source, target, key) in keys_used:
                key += 1
        keys_used.add((source, target, key))
        attrs = {k: v for k, v in raw.items() if k not in ("source", "target", "key", "result")}
        edges.append((source, target, key, attrs))
    return edges


def _check_acyclic(nodes: list[tuple[str, dict[str, Any]]], edges: list[tuple[str, str, int, dict[str, Any]]]) -> None:
    index = {node_id: i for i, (node_id, _) in enumerate(nodes)}
    _, left = topological_order(len(nodes), ((index[s], index[t]) for s, t, _, _ in edges))
    if not left:
        return
    import networkx as nx  # only on this error path: the fast eval path never needs it

    graph = nx.DiGraph()
    left_ids = {nodes[i][0] for i in left}
    graph.add_edges_from((s, t) for s, t, _, _ in edges if s in left_ids and t in left_ids)
    cycle = [s for s, _ in nx.find_cycle(graph)]
    shown = " → ".join([*cycle, cycle[0]])
    raise FileFormatError(f"the graph has a cycle: {shown}")


def parse_data(data: Any, registry: OpRegistry = OPS) -> GraphSpec:
    """Check decoded JSON against format version 1; raise FileFormatError if refused."""
    graph, raw_nodes, raw_edges = _check_header(data)
    nodes, ops = _parse_nodes(raw_nodes, registry)
    edges = _parse_edges(raw_edges, ops)
    _check_acyclic(nodes, edges)
    output = graph.get("output")
    if output is not None and (not isinstance(output, str) or output not in ops):
        raise FileFormatError(f"its output {json.dumps(output)} is not a node of the graph")
    graph = {**graph, "format": FORMAT, "version": VERSION}
    return GraphSpec(graph, nodes, edges)


def parse_text(text: str | bytes, registry: OpRegistry = OPS) -> GraphSpec:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise FileFormatError(f"it is not JSON{where}") from None
    except RecursionError:
        raise FileFormatError("it nests lists too deeply to read") from None
    return parse_data(data, registry)


def read_file(path: str | os.PathLike[str], registry: OpRegistry = OPS) -> GraphSpec:
    """Read and check a graph file; errors say `Cannot open NAME: reason.`"""
    name = Path(path).name
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise FileFormatError(f"Cannot open {name}: {error.strerror or error}.") from None
    try:
        return parse_text(text, registry)
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
    """Write beside the target, flush to disk, then replace: a crash never leaves half a file."""
    target = Path(path)
    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
