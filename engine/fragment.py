"""Pieces of a graph for copy, paste and duplicate, as file-format JSON (so pasting
into another window, or into a text editor, works)."""

from __future__ import annotations

import json
from typing import Any

from engine.custom.definitions import custom_ops_used, definitions_json
from engine.document import GraphDocument
from engine.fileformat import GraphSpec, parse_text
from engine.ops import OpRegistry

MIME_TYPE = "application/x-backprop-studio+json"


def extract_fragment(document: GraphDocument, node_ids: list[str]) -> dict[str, Any]:
    """The chosen nodes and the wires between them, in the file format."""
    chosen = set(node_ids)
    data = document.to_data()
    data["graph"] = {key: value for key, value in data["graph"].items() if key in ("format", "version")}
    used = custom_ops_used(document.registry, {document.attrs(n)["op"] for n in chosen if n in document})
    if used:  # the definitions travel with the nodes, so they paste into another document
        data["graph"]["ops"] = definitions_json(used)
    data["nodes"] = [node for node in data["nodes"] if node["id"] in chosen]
    data["edges"] = [edge for edge in data["edges"] if edge["source"] in chosen and edge["target"] in chosen]
    return data


def fragment_text(document: GraphDocument, node_ids: list[str]) -> str:
    return json.dumps(extract_fragment(document, node_ids), indent=1)


def parse_fragment(text: str, registry: OpRegistry) -> GraphSpec:
    """A fragment from the clipboard, its ops looked up in the document's registry;
    raises FileFormatError if it is not a graph."""
    return parse_text(text, registry)


def bounding_centre(spec: GraphSpec) -> tuple[float, float]:
    xs = [attrs.get("x", 0.0) for _, attrs in spec.nodes] or [0.0]
    ys = [attrs.get("y", 0.0) for _, attrs in spec.nodes] or [0.0]
    return (min(xs) + max(xs)) / 2.0, (min(ys) + max(ys)) / 2.0


def place_fragment(document: GraphDocument, spec: GraphSpec, offset: tuple[float, float]) -> tuple[
        list[tuple[str, dict[str, Any]]], list[tuple[str, str, int, dict[str, Any]]]]:
    """Nodes and edges to insert: ids that clash with the document are renamed,
    positions shifted by `offset`. Nothing is inserted here."""
    renamed: dict[str, str] = {}
    nodes: list[tuple[str, dict[str, Any]]] = []
    for node_id, attrs in spec.nodes:
        placed = dict(attrs)
        name = attrs.get("label") or node_id
        new_id = node_id
        if document.name_taken(node_id, renamed.values()) or document.name_taken(name, renamed.values()):
            # Two cards must never show one name: the copy of w1 becomes w1_2 (id and label).
            if attrs.get("label"):
                new_id = placed["label"] = document.fresh_name(name, reserved=renamed.values())
            else:
                new_id = document.new_node_id(attrs["op"], reserved=renamed.values())
        renamed[node_id] = new_id
        placed["x"] = float(attrs.get("x", 0.0)) + offset[0]
        placed["y"] = float(attrs.get("y", 0.0)) + offset[1]
        nodes.append((new_id, placed))
    edges = [(renamed[source], renamed[target], key, dict(attrs)) for source, target, key, attrs in spec.edges]
    return nodes, edges
