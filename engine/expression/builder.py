"""Program → graph: the nodes and wires a program makes, laid out left to right.

A name is one node (using it twice is fan-out); reassigning a name makes a new node
that later statements see; the last assignment is the output. Built into a document
that already has nodes, a name the text reads before assigning it is the existing node
showing that name, so `L = o * o` typed beside the neuron extends it. Nothing here
changes a document: `build_fragment` says what to insert, and the caller inserts it
(as one undo step in the editor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from engine.custom.definitions import OpFormula, definitions_json, with_custom_ops
from engine.document import GraphDocument
from engine.expression.defining import define
from engine.expression.names import safe_name
from engine.expression.parser import LINE_BREAK, parse_program
from engine.expression.program import Assign, Call, Definition, Expr, ExpressionError, Literal, Name, Place, Program
from engine.fileformat import FORMAT, VERSION, GraphSpec
from engine.layout import layered_positions
from engine.ops import OPS, OpRegistry
from engine.values import parse_value

NodeSpec = tuple[str, dict[str, Any]]
EdgeSpec = tuple[str, str, int, dict[str, Any]]

NAME_LIMIT = 60
"""A built graph is named after its last statement when that fits on a title bar."""


@dataclass
class Built:
    """What a program adds to a document: new nodes (with positions) and wires, in the
    order to insert them, and the node of the last assignment."""

    nodes: list[NodeSpec] = field(default_factory=list)
    edges: list[EdgeSpec] = field(default_factory=list)
    output: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    """Each name the text binds at its end → the node id it names."""
    definitions: list[OpFormula] = field(default_factory=list)
    """The custom operations the text defines (`def`), for the document's registry."""
    registry: OpRegistry | None = field(default=None, compare=False, repr=False)
    """The document's ops with those definitions (None: the document's own)."""


class _Builder:
    def __init__(self, document: GraphDocument) -> None:
        self.document = document
        self.registry: OpRegistry = document.registry
        self.existing = _names_shown(document)
        self.scope: dict[str, int | str] = {}
        """A name → the index of a new node, or the id of an existing node it reads."""
        self.nodes: list[dict[str, Any]] = []
        self.named: list[str | None] = []
        """The name each new node was given in the text (None: a constant or an inner op)."""
        self.wires: list[tuple[int | str, int, int]] = []
        """(source: new index or existing id, target new index, port)."""
        self.output: int | str | None = None
        self.definitions: list[OpFormula] = []

    # ----------------------------------------------------------------- program
    def run(self, program: Program) -> None:
        for statement in program.statements:
            if isinstance(statement, Definition):
                self.definition(statement)
            else:
                self.assign(statement)
        if self.output is None:
            raise ExpressionError(Place(1, 1, 1, 2), "there is nothing to build; write NAME = EXPR, "
                                                     "for example y = tanh(x)")

    def definition(self, definition: Definition) -> None:
        # A custom operation (engine.custom.definitions): calls of it then build like any other op.
        formula, self.registry = define(definition, self.registry)
        if formula is not None:  # None: the document has this very op already
            self.definitions.append(formula)

    def assign(self, statement: Assign) -> None:
        value = statement.value
        if isinstance(value, Literal):
            node = self.new_node({"op": "input", "value": parse_value(value.value)}, statement.name)
        elif isinstance(value, Name):
            node = self.read(value.name)  # b = a: one node, two names for it, as in Python
        else:
            node = self.expression(value)
            if isinstance(node, int) and self.named[node] is None:
                self.named[node] = statement.name
        self.scope[statement.name] = node
        self.output = node

    # ------------------------------------------------------------- expressions
    def new_node(self, attrs: dict[str, Any], name: str | None) -> int:
        self.nodes.append(attrs)
        self.named.append(name)
        return len(self.nodes) - 1

    def read(self, name: str) -> int | str:
        if name not in self.scope:
            existing = self.existing.get(name)
            # A name read before any assignment: the node already showing it, or a new
            # input without a value.
            self.scope[name] = existing if existing is not None else self.new_node({"op": "input"}, name)
        return self.scope[name]

    def expression(self, expr: Expr) -> int | str:
        # Post-order with its own stack: a chain of thousands of `+` is that deep.
        results: list[int | str] = []
        stack: list[tuple[Expr, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if isinstance(node, Literal):
                results.append(self.new_node({"op": "constant", "value": parse_value(node.value)}, None))
            elif isinstance(node, Name):
                results.append(self.read(node.name))
            elif ready:
                count = len(node.args)
                args = results[len(results) - count:]
                del results[len(results) - count:]
                results.append(self.call(node, args))
            else:
                stack.append((node, True))
                stack.extend((arg, False) for arg in reversed(node.args))
        return results[0]

    def call(self, node: Call, args: list[int | str]) -> int:
        op = self.registry.get(node.op)
        if op is None or op.arity != len(args):  # the parser checked both against this registry
            raise ExpressionError(node.place, f"there is no operation named {node.op} with {len(args)} inputs")
        target = self.new_node({"op": node.op}, None)
        self.wires.extend((source, target, port) for port, source in enumerate(args))
        return target

    # ------------------------------------------------------------------ result
    def ids(self) -> list[str]:
        """An id (and label) for every new node: the name the text gave it where no other
        card shows that name. A name bound again later is the later node's; earlier
        holders get `x_1`, `x_2`, ... (two cards never show one name). Others get ids as
        the editor gives them (`mul1`, `constant2`)."""
        # The document's names are gathered once: asking it per node is quadratic.
        taken = set(self.document.node_ids()) | set(self.existing)
        final = {name for name, node in self.scope.items() if isinstance(node, int)}
        occurrences: dict[str, int] = {}
        ids: list[str | None] = [None] * len(self.nodes)
        for index, name in enumerate(self.named):
            if name is None:
                continue
            occurrences[name] = occurrences.get(name, 0) + 1
            if self.scope.get(name) != index:
                ids[index] = f"{name}_{occurrences[name]}"
        for index in reversed(range(len(self.nodes))):  # final holders choose first
            name = self.named[index]
            if name is None:
                continue
            base = ids[index] or name
            candidate, number = base, 2
            while candidate in taken or (candidate != name and candidate in final):
                candidate, number = f"{base}_{number}", number + 1
            ids[index] = candidate
            taken.add(candidate)
            self.nodes[index]["label"] = candidate
        counters: dict[str, int] = {}
        for index, node_id in enumerate(ids):
            if node_id is None:
                op = self.nodes[index]["op"]
                prefix = "x" if op == "input" else op
                number = counters.get(op, 1)
                while f"{prefix}{number}" in taken:
                    number += 1
                counters[op] = number + 1
                ids[index] = f"{prefix}{number}"
                taken.add(ids[index])
        return ids  # type: ignore[return-value]

    def result(self, centre: tuple[float, float]) -> Built:
        ids = self.ids()
        graph = nx.MultiDiGraph()
        for node_id, attrs in zip(ids, self.nodes):
            graph.add_node(node_id, op=attrs["op"])
        keys: dict[tuple[str, str], int] = {}
        edges: list[EdgeSpec] = []
        for source, target, port in self.wires:
            source_id = ids[source] if isinstance(source, int) else source
            pair = (source_id, ids[target])
            keys[pair] = keys.get(pair, -1) + 1
            edges.append((source_id, ids[target], keys[pair], {"port": port}))
            if isinstance(source, int):
                graph.add_edge(*pair, port=port)
        positions = layered_positions(graph, self.registry)
        nodes = []
        for node_id, attrs in zip(ids, self.nodes):
            x, y = positions[node_id]
            nodes.append((node_id, {**attrs, "x": x + centre[0], "y": y + centre[1]}))
        built = Built(nodes, edges, definitions=self.definitions,
                      registry=self.registry if self.definitions else None)
        built.output = self._id(self.output, ids)
        built.names = {name: self._id(node, ids) for name, node in self.scope.items()}
        return built

    @staticmethod
    def _id(node: int | str | None, ids: list[str]) -> str | None:
        return ids[node] if isinstance(node, int) else node


def _names_shown(document: GraphDocument) -> dict[str, str]:
    """Each name a card shows → its node; and the name Copy as Expression writes for a
    label that is not a Python name (`x1*w1` as `x1_w1`), where no other card has it."""
    shown = {document.name_of(node_id): node_id for node_id in document.node_ids()}
    written: dict[str, str | None] = {}
    for name, node_id in shown.items():
        safe = safe_name(name)
        if safe != name and safe not in shown:
            written[safe] = node_id if safe not in written else None  # two labels, one name: neither
    return {**{safe: node_id for safe, node_id in written.items() if node_id is not None}, **shown}


def build_fragment(program: Program, document: GraphDocument, centre: tuple[float, float] = (0.0, 0.0)) -> Built:
    """The nodes and wires `program` adds to `document` (which is not changed), laid out
    left to right around `centre`. Raises ExpressionError."""
    builder = _Builder(document)
    builder.run(program)
    return builder.result(centre)


def build_document(text: str, registry: OpRegistry | None = None) -> GraphDocument:
    """A new document holding the graph `text` describes, its output the last assignment
    and its name the last statement (when short). Raises ExpressionError."""
    registry = OPS.copy() if registry is None else registry
    program = parse_program(text, registry)
    built = build_fragment(program, GraphDocument(registry))
    graph: dict[str, Any] = {"format": FORMAT, "version": VERSION, "output": built.output}
    if built.definitions:
        graph["ops"] = definitions_json(built.definitions)
        registry = with_custom_ops(registry, built.definitions)
    name = _last_statement_text(text, program)
    if name:
        graph["name"] = name
    # Straight into a document: the builder's wires follow the text, so they hold no
    # cycle and no port twice, and checking each one again would be quadratic.
    return GraphDocument.from_spec(GraphSpec(graph, built.nodes, built.edges, registry=registry), registry)


def _last_statement_text(text: str, program: Program) -> str | None:
    place = program.statements[-1].place
    if place.line != place.end_line:
        return None
    lines = LINE_BREAK.split(text)
    if place.line > len(lines):
        return None
    shown = lines[place.line - 1][place.column - 1:place.end_column - 1].strip()
    return shown if 0 < len(shown) <= NAME_LIMIT else None
