"""What a graph document answers without changing: its nodes, wires, names and
attributes, read from the networkx graph it keeps (`GraphDocument` adds the edits,
their checks and their events). The GUI reads a graph only through these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import networkx as nx

from engine.layout import layered_positions
from engine.ops import Op, OpRegistry
from engine.plan import Edge
from engine.values import Value


class GraphReading:
    graph: nx.MultiDiGraph
    registry: OpRegistry

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.graph

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def node_ids(self) -> list[str]:
        return list(self.graph.nodes)

    def attrs(self, node_id: str) -> Mapping[str, Any]:
        """The node's attributes, read-only (a live view): change them through the edit methods."""
        return MappingProxyType(self.graph.nodes[node_id])

    def op_of(self, node_id: str) -> Op:
        return self.registry[self.graph.nodes[node_id]["op"]]

    def name_of(self, node_id: str) -> str:
        return self.graph.nodes[node_id].get("label") or node_id

    def position(self, node_id: str) -> tuple[float, float]:
        attrs = self.graph.nodes[node_id]
        return attrs["x"], attrs["y"]

    def value_of(self, node_id: str) -> Value | None:
        return self.graph.nodes[node_id].get("value")

    def edges(self) -> list[Edge]:
        return list(self.graph.edges(keys=True))

    def has_edge(self, edge: Edge) -> bool:
        return self.graph.has_edge(*edge)

    def port_of(self, edge: Edge) -> int:
        return self.graph.edges[edge]["port"]

    def edge_attrs(self, edge: Edge) -> Mapping[str, Any]:
        """The edge's attributes (`port` and any a file brought), read-only."""
        return MappingProxyType(self.graph.edges[edge])

    def new_edge_key(self, source: str, target: str) -> int:
        return self.graph.new_edge_key(source, target)

    def in_edges(self, node_id: str) -> list[Edge]:
        return list(self.graph.in_edges(node_id, keys=True))

    def out_edges(self, node_id: str) -> list[Edge]:
        return list(self.graph.out_edges(node_id, keys=True))

    def ancestors(self, node_id: str) -> set[str]:
        """Every node whose value reaches `node_id` along wires (wiring `node_id` into one
        of them would close a cycle)."""
        return nx.ancestors(self.graph, node_id)

    def descendants(self, node_id: str) -> set[str]:
        """Every node `node_id`'s value reaches along wires."""
        return nx.descendants(self.graph, node_id)

    def edges_touching(self, node_ids: Iterable[str]) -> list[Edge]:
        found: dict[Edge, None] = {}
        for node_id in node_ids:
            for edge in self.graph.in_edges(node_id, keys=True):
                found[edge] = None
            for edge in self.graph.out_edges(node_id, keys=True):
                found[edge] = None
        return list(found)

    def edge_into(self, node_id: str, port: int) -> Edge | None:
        for source, target, key, edge_port in self.graph.in_edges(node_id, keys=True, data="port"):
            if edge_port == port:
                return source, target, key
        return None

    def graph_attr(self, key: str, default: Any = None) -> Any:
        """A graph-level attribute (`name`, `output`, or any a file brought) as stored."""
        return self.graph.graph.get(key, default)

    @property
    def name(self) -> str:
        return self.graph.graph.get("name", "")

    @property
    def requested_output(self) -> str | None:
        """The output named in the document (graph.output), if any."""
        output = self.graph.graph.get("output")
        return output if output in self.graph else None

    def new_node_id(self, op_name: str, reserved: Iterable[str] = ()) -> str:
        """Inputs get `x1`, `x2`, ... (a name the teacher usually types over at once);
        other nodes their op and a number, `mul1`, `tanh2`. Never a name already shown."""
        taken = set(reserved) | self._shown_names()

        def free(candidate: str) -> bool:
            return candidate not in self.graph and candidate not in taken

        if op_name == "input":
            op_name = "x"
        number = 1
        while not free(f"{op_name}{number}"):
            number += 1
        return f"{op_name}{number}"

    def name_taken(self, name: str, reserved: Iterable[str] = ()) -> bool:
        """True if `name` is a node's id or the name a card shows (or is reserved)."""
        return name in self.graph or name in self._shown_names() or name in set(reserved)

    def fresh_name(self, base: str, reserved: Iterable[str] = ()) -> str:
        """`base` if no node has it as id or shown name, else `base_2`, `base_3`, ..."""
        reserved = set(reserved)
        if not self.name_taken(base, reserved):
            return base
        number = 2
        while self.name_taken(f"{base}_{number}", reserved):
            number += 1
        return f"{base}_{number}"

    def laid_out(self) -> dict[str, tuple[float, float]]:
        """Where the automatic layout would put every node (left to right in layers)."""
        return layered_positions(self.graph, self.registry)


    def _shown_names(self) -> set[str]:
        return {attrs["label"] for attrs in self.graph.nodes.values() if attrs.get("label")}
