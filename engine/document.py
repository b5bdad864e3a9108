"""The graph document: the one source of truth, a networkx MultiDiGraph with
positions and values on its nodes. Every change is a method here, checked before
anything moves, and announced through plain-Python events the canvas observes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import networkx as nx

from engine.custom.definitions import OpFormula, builtins_of, definitions_in, definitions_json, with_custom_ops
from engine.errors import EditRefused
from engine.evaluate import Evaluation, evaluate_plan
from engine.events import Event
from engine.fileformat import FORMAT, VERSION, GraphSpec, node_to_json
from engine.graph_reading import GraphReading
from engine.layout import layered_positions
from engine.ops import OPS, OpRegistry
from engine.plan import Edge, Plan, PlanNode, compile_plan
from engine.values import parse_value, value_to_json

DEFAULT_LEAF_VALUE = 1.0


class GraphDocument(GraphReading):
    """Nodes are string ids with attributes `op`, `x`, `y`, optional `label`,
    `value` (input and constant only) and any unknown keys a file brought; edges
    are (source, target, key) with the attribute `port`."""

    def __init__(self, registry: OpRegistry | None = None) -> None:
        self.registry = OPS.copy() if registry is None else registry
        """The ops this document's nodes use: a registry of its own (custom ops added to
        it stay in this document); the palette, quick add and evaluation read it."""
        self.graph = nx.MultiDiGraph(format=FORMAT, version=VERSION)
        self.revision = 0
        """Counts every change (positions included)."""
        self._structure_revision = 0
        """Counts changes that need a new plan: nodes, edges, labels, the output."""
        self._values_revision = 0
        """Counts changes of input and constant values (the plan stays, its leaf values change)."""
        self._plan: tuple[int, Plan] | None = None
        self._evaluation: tuple[int, int, Evaluation] | None = None
        self.node_added = Event()
        self.node_removed = Event()
        self.node_moved = Event()
        self.node_changed = Event()
        self.node_renamed = Event()
        """(old id, new id): the node kept everything else (attributes, wires, place in order)."""
        self.edge_added = Event()
        self.edge_removed = Event()
        self.graph_changed = Event()
        self.ops_changed = Event()
        """The custom operations changed: `registry` is a new registry (engine.custom.definitions)."""
        self.reset = Event()
        self.changed = Event()
        """Fires after every change above, once per change."""

    # ------------------------------------------------------------------- edits
    def _announce(self, event: Event, *args: Any, structure: bool = True, values: bool = False) -> None:
        self.revision += 1
        self._structure_revision += structure
        self._values_revision += values
        event.emit(*args)
        self.changed.emit()

    def new_node_attrs(self, op: str, x: float = 0.0, y: float = 0.0, *, label: str | None = None,
                       value: Any = None) -> dict[str, Any]:
        """The attributes a new node of `op` starts with; leaves without a value get 1."""
        op_spec = self.registry.get(op)
        if op_spec is None:
            raise EditRefused(f"there is no op named '{op}'")
        attrs: dict[str, Any] = {"op": op}
        if label:
            attrs["label"] = label
        if op_spec.is_leaf:
            attrs["value"] = parse_value(DEFAULT_LEAF_VALUE if value is None else value)
        attrs["x"], attrs["y"] = float(x), float(y)
        return attrs

    def add_node(self, op: str, x: float = 0.0, y: float = 0.0, *, node_id: str | None = None,
                 label: str | None = None, value: Any = None, extra: dict[str, Any] | None = None) -> str:
        """Add a node and return its id."""
        attrs = {**self.new_node_attrs(op, x, y, label=label, value=value), **(extra or {})}
        node_id = node_id if node_id is not None else self.new_node_id(op)
        self.insert_node(node_id, attrs)
        return node_id

    def insert_node(self, node_id: str, attrs: dict[str, Any]) -> None:
        """Put back a node exactly as recorded (undo, paste): attrs as `attrs()` returns them."""
        if node_id in self.graph:
            raise EditRefused(f"a node with the id '{node_id}' already exists")
        if attrs.get("op") not in self.registry:
            raise EditRefused(f"there is no op named '{attrs.get('op')}'")
        self.graph.add_node(node_id, **attrs)
        self._announce(self.node_added, node_id)

    def remove_node(self, node_id: str) -> None:
        """Remove a node and, first, every wire into or out of it."""
        for edge in self.edges_touching([node_id]):
            self.remove_edge(edge)
        self.graph.remove_node(node_id)
        self._announce(self.node_removed, node_id)

    def check_connection(self, source: str, target: str, port: int) -> Edge | None:
        """Raise EditRefused if source → target:port is not allowed; else return the
        edge now in that port, which connecting would replace."""
        for node_id in (source, target):
            if node_id not in self.graph:
                raise EditRefused(f"there is no node '{node_id}'")
        op = self.op_of(target)
        if not 0 <= port < op.arity:
            raise EditRefused(f"{self.name_of(target)} ({op.name}) has no input port {port}")
        if source == target:
            raise EditRefused(f"{self.name_of(source)} cannot feed itself")
        if nx.has_path(self.graph, target, source):
            raise EditRefused(
                f"connecting {self.name_of(source)} → {self.name_of(target)} would make a cycle, "
                f"because {self.name_of(target)} already feeds {self.name_of(source)}")
        return self.edge_into(target, port)

    def add_edge(self, source: str, target: str, port: int, *, key: int | None = None,
                 extra: dict[str, Any] | None = None) -> Edge:
        """Wire source's output into target's input `port`; the port must be free."""
        return self.insert_edge(source, target, key, {"port": port, **(extra or {})})

    def insert_edge(self, source: str, target: str, key: int | None, attrs: dict[str, Any]) -> Edge:
        """Put back an edge exactly as recorded (undo, paste); attrs hold its `port`."""
        port = attrs["port"]
        occupant = self.check_connection(source, target, port)
        if occupant is not None:
            raise EditRefused(
                f"input {self.op_of(target).port_names[port]} of {self.name_of(target)} is already wired")
        if key is None:
            key = self.graph.new_edge_key(source, target)
        elif self.graph.has_edge(source, target, key):
            raise EditRefused(f"the edge {source} → {target} key {key} already exists")
        self.graph.add_edge(source, target, key=key, **attrs)
        edge = (source, target, key)
        self._announce(self.edge_added, edge)
        return edge

    def remove_edge(self, edge: Edge) -> None:
        self.graph.remove_edge(*edge)
        self._announce(self.edge_removed, edge)

    def move_node(self, node_id: str, x: float, y: float) -> None:
        attrs = self.graph.nodes[node_id]
        attrs["x"], attrs["y"] = float(x), float(y)
        self._announce(self.node_moved, node_id, structure=False)

    def set_value(self, node_id: str, value: Any) -> None:
        """Set an input's or constant's value (None: no value); raises BadValue and
        changes nothing on bad input."""
        if not self.op_of(node_id).is_leaf:
            raise EditRefused(f"{self.name_of(node_id)} computes its value; only inputs and constants take one")
        if value is None:
            self.graph.nodes[node_id].pop("value", None)
        else:
            self.graph.nodes[node_id]["value"] = parse_value(value)
        self._announce(self.node_changed, node_id, structure=False, values=True)

    def is_trainable(self, node_id: str) -> bool:
        """An input marked `"trainable": true`: a parameter training updates."""
        return self.graph.nodes[node_id].get("trainable") is True

    def set_trainable(self, node_id: str, trainable: bool) -> None:
        """Mark an input as a parameter (or not); the key goes when it is false."""
        if trainable and self.graph.nodes[node_id]["op"] != "input":
            raise EditRefused(f"only an input can be trainable, and {self.name_of(node_id)} is not one")
        if trainable:
            self.graph.nodes[node_id]["trainable"] = True
        else:
            self.graph.nodes[node_id].pop("trainable", None)
        self._announce(self.node_changed, node_id, structure=False)

    def set_label(self, node_id: str, label: str | None) -> None:
        attrs = self.graph.nodes[node_id]
        if label:
            attrs["label"] = label
        else:
            attrs.pop("label", None)
        self._announce(self.node_changed, node_id)

    def check_name(self, node_id: str, name: str) -> str:
        """The id the node would have after being renamed `name` (its own id when the
        name is taken as another node's id but not shown on it). Raises EditRefused for an
        empty name or a name another card already shows."""
        name = self._checked_name(name, node_id)
        if name == node_id or name not in self.graph:
            return name
        return node_id

    def check_new_name(self, name: str) -> str:
        """A name for a node about to be added (it becomes the id); raises EditRefused."""
        name = self._checked_name(name, None)
        if name in self.graph:
            raise EditRefused(f"a node already has the id {name}; choose another name")
        return name

    def _checked_name(self, name: str, node_id: str | None) -> str:
        name = name.strip()
        if not name:
            raise EditRefused("a node needs a name; type one")
        if any(ch in name for ch in "\n\r\t"):
            raise EditRefused("a name is one line of text")
        for other, attrs in self.graph.nodes(data=True):
            if other != node_id and (attrs.get("label") or other) == name:
                raise EditRefused(f"another node is already named {name}; each name must be unique, "
                                  f"so the trace and the results can tell them apart")
        return name

    def rename_node(self, node_id: str, new_id: str, label: str | None) -> None:
        """Give a node a new id (or keep it) and a label, as one change: its wires, keys,
        ports, position, the graph's output and the node order all stay as they were.
        Undo is the same call with the old id and label."""
        if node_id not in self.graph:
            raise EditRefused(f"there is no node '{node_id}'")
        if new_id != node_id and new_id in self.graph:
            raise EditRefused(f"a node with the id '{new_id}' already exists")
        if new_id != node_id:
            # A copy keeps the node order (and so the file's and the trace's order);
            # relabelling in place would move the node to the end.
            graph = nx.relabel_nodes(self.graph, {node_id: new_id}, copy=True)
            if graph.graph.get("output") == node_id:
                graph.graph["output"] = new_id
            self.graph = graph
        attrs = self.graph.nodes[new_id]
        if label:
            attrs["label"] = label
        else:
            attrs.pop("label", None)
        if new_id != node_id:
            self._announce(self.node_renamed, node_id, new_id)
        else:
            self._announce(self.node_changed, node_id)

    def set_graph_attr(self, key: str, value: Any) -> None:
        """Graph-level attributes (`name`, `output`); None removes the key."""
        if value is None:
            self.graph.graph.pop(key, None)
        else:
            self.graph.graph[key] = value
        self._announce(self.graph_changed)

    def check_custom_ops(self, definitions: Sequence[OpFormula]) -> OpRegistry:
        """The registry the document would have with `definitions` as its custom
        operations (in this order), derived anew. Raises a StudioError for a refused
        definition, a node whose op would be gone, or a wire into a port its op would no
        longer have; changes nothing."""
        registry = with_custom_ops(builtins_of(self.registry), definitions)
        for node_id, attrs in self.graph.nodes(data=True):
            if attrs["op"] not in registry:
                raise EditRefused(f"{self.name_of(node_id)} uses the operation {attrs['op']}; "
                                  "delete that node first")
        for source, target, port in self.graph.edges(data="port"):
            op = registry[self.graph.nodes[target]["op"]]
            if port >= op.arity:
                raise EditRefused(f"the wire from {self.name_of(source)} goes into port {port} of "
                                  f"{self.name_of(target)}, which {op.name} would no longer have")
        return registry

    def set_custom_ops(self, definitions: Sequence[OpFormula], checked: OpRegistry | None = None) -> None:
        """Make `definitions` the document's custom operations, so every node using one
        is evaluated with its formula as it is now; `checked` is what check_custom_ops
        returned for them (undo and redo pass it, so nothing is derived twice). Raises as
        check_custom_ops does, changing nothing."""
        self.registry = self.check_custom_ops(definitions) if checked is None else checked
        if definitions:
            self.graph.graph["ops"] = definitions_json(definitions)
        else:
            self.graph.graph.pop("ops", None)
        self._announce(self.ops_changed)

    def custom_ops(self) -> list[OpFormula]:
        return definitions_in(self.registry)

    def set_output(self, node_id: str | None) -> None:
        self.set_graph_attr("output", node_id)

    def replace_with(self, other: GraphDocument) -> None:
        """Adopt another document's graph and ops wholesale (open, revert, new)."""
        self.graph = other.graph
        self.registry = other.registry
        self._announce(self.reset)

    # ------------------------------------------------------------- conversions
    @classmethod
    def from_spec(cls, spec: GraphSpec, registry: OpRegistry | None = None) -> GraphDocument:
        """Build a document from a checked file, with the ops it was checked against
        unless told otherwise; nodes without a position are laid out."""
        document = cls(spec.registry if registry is None else registry)
        graph = document.graph
        graph.graph.update(spec.graph)
        graph.add_nodes_from(spec.nodes)
        graph.add_edges_from(spec.edges)
        unplaced = [n for n, attrs in spec.nodes if "x" not in attrs or "y" not in attrs]
        if unplaced:
            layout = layered_positions(graph, document.registry)
            for node_id in unplaced:
                graph.nodes[node_id]["x"], graph.nodes[node_id]["y"] = layout[node_id]
        return document

    def to_data(self, results: Evaluation | None = None) -> dict[str, Any]:
        """File format version 1; with `results`, each node and edge gets its `result`."""
        nodes = []
        for node_id, attrs in self.graph.nodes(data=True):
            node = node_to_json(node_id, attrs)
            if results is not None:
                node["result"] = {"value": value_to_json(results.value(node_id)),
                                  "grad": value_to_json(results.grad(node_id))}
            nodes.append(node)
        edges = []
        for source, target, key, attrs in self.graph.edges(keys=True, data=True):
            edge = {"source": source, "target": target, "key": key, **attrs}
            if results is not None:
                edge["result"] = {"value": value_to_json(results.edge_value((source, target, key))),
                                  "grad": value_to_json(results.edge_grad((source, target, key)))}
            edges.append(edge)
        graph = {**self.graph.graph, "format": FORMAT, "version": VERSION}
        return {"directed": True, "multigraph": True, "graph": graph, "nodes": nodes, "edges": edges}

    def plan(self) -> Plan:
        """The compiled graph; recompiled only when its structure changed. A value edit
        gets a copy with the new leaf values (earlier evaluations keep their own)."""
        if self._plan is None or self._plan[0] != self._structure_revision:
            nodes = [PlanNode(node_id, self.registry[attrs["op"]], attrs.get("value"), attrs.get("label"))
                     for node_id, attrs in self.graph.nodes(data=True)]
            plan = compile_plan(nodes, self.graph.edges(keys=True, data="port"), self.requested_output)
            self._plan = (self._structure_revision, plan)
            return plan
        plan = self._plan[1]
        attrs = self.graph.nodes
        leaf_values = [attrs[node_id].get("value") if op.is_leaf else None for node_id, op in zip(plan.ids, plan.ops)]
        return dataclasses.replace(plan, leaf_values=leaf_values)

    def evaluation(self) -> Evaluation:
        """Values, gradients and trace of the document as it is now; moving nodes
        does not re-evaluate, and a value edit reuses the compiled plan."""
        key = (self._structure_revision, self._values_revision)
        if self._evaluation is None or self._evaluation[:2] != key:
            self._evaluation = (*key, evaluate_plan(self.plan()))
        return self._evaluation[2]
