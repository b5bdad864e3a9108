"""Graph → text in the expression language (Copy as Expression, `export OUT.txt`).

Inputs with a value are written first, `x1 = 2`; then one statement per node that
needs a name: a labelled node, one whose value is used twice, the output. Other nodes
are written inside the expression that uses them (`n = x1 * w1 + x2 * w2 + b`), and so
are nodes whose label already says exactly that expression (`x1*w1`). Constants are
numbers, arrays nested lists. Labels that are not Python names are made safe and
unique (`x*x` → `x_x`). Building the text gives back a graph with the same output
value and the same gradient on every labelled input."""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx
import numpy as np

from engine.custom.definitions import custom_ops_used
from engine.document import GraphDocument
from engine.errors import StudioError
from engine.expression.names import safe_name

INFIX = {"add": ("+", 10), "sub": ("-", 10), "mul": ("*", 11), "div": ("/", 11), "matmul": ("@", 11)}
"""Python's operators for the ops that have one, and how tightly each binds."""
UNARY, POWER, ATOM = 12, 13, 14
MAX_NESTING = 40
"""Deeper than this an inner node gets a statement of its own, so the text stays
readable and Python's parser (which has a nesting limit) reads it back."""


class CannotWrite(StudioError):
    """A graph that the language cannot say (an op with an input not wired)."""


def format_number(number: float) -> str:
    """The shortest text that reads back as exactly this float64: `2`, `-1.8`, `1e-05`."""
    number = float(number)
    if number == 0.0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0"
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def format_value(value: object) -> str:
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return format_number(float(value))
        return "[" + ", ".join(format_value(row) for row in value) + "]"
    return format_number(float(value))  # type: ignore[arg-type]


class ExpressionWriter:
    """One writing of a graph; `names` then holds the name each node was written as."""

    def __init__(self, document: GraphDocument, node_ids: Iterable[str] | None) -> None:
        self.document = document
        chosen = document.node_ids() if node_ids is None else list(node_ids)
        self.chosen = set(chosen)
        # A copy of the selection: a subgraph view filters every neighbour it is asked about.
        self.graph: nx.MultiDiGraph = document.graph if node_ids is None else document.graph.subgraph(chosen).copy()
        self.order_index = {node_id: i for i, node_id in enumerate(document.node_ids())}
        output = document.requested_output
        if node_ids is None:
            plan = document.plan()
            output = plan.ids[plan.output] if plan.output >= 0 else None
        self.output = output if output in self.chosen else None
        self.names: dict[str, str] = {}
        self.taken: set[str] = set()
        self.owners = {name: node_id for node_id in document.node_ids()
                       for name in [document.name_of(node_id)] if safe_name(name) == name}
        """Names a card shows that are Python names already: kept for that card, so the
        text typed back into this document finds it (`x y` may not take the `x_y` of another)."""
        self.inline: dict[str, tuple[str, int]] = {}
        """A node written inside its user's expression → (its text, how tightly it binds)."""
        self.depth: dict[str, int] = {}

    def name(self, node_id: str) -> str:
        if node_id not in self.names:
            base = safe_name(self.document.name_of(node_id))
            name, number = base, 2
            while name in self.taken or self.owners.get(name, node_id) != node_id:
                name, number = f"{base}_{number}", number + 1
            self.names[node_id] = name
            self.taken.add(name)
        return self.names[node_id]

    def order(self) -> list[str]:
        """Inputs first, then every node after those it reads; the document's order otherwise."""
        def key(node_id: str) -> tuple[bool, int]:
            return (not self.document.op_of(node_id).is_leaf, self.order_index[node_id])
        return list(nx.lexicographical_topological_sort(self.graph, key=key))

    def operand(self, source: str) -> tuple[str, int]:
        """How a wire's source reads inside an expression."""
        if source in self.inline:
            return self.inline[source]
        if source in self.chosen and self.document.op_of(source).name == "constant":
            value = self.document.value_of(source)
            if value is not None:
                text = format_value(value)
                return text, UNARY if text.startswith("-") else ATOM
        return self.name(source), ATOM

    def expression(self, node_id: str) -> tuple[str, int]:
        op = self.document.op_of(node_id)
        args: list[tuple[str, int]] = []
        for port, port_name in enumerate(op.port_names):
            edge = self.document.edge_into(node_id, port)
            if edge is None:
                raise CannotWrite(f"{self.document.name_of(node_id)} has nothing wired into its input "
                                  f"{port_name}, so it cannot be written as an expression")
            args.append(self.operand(edge[0]))
        if op.name in INFIX:
            symbol, strength = INFIX[op.name]
            (left, left_strength), (right, right_strength) = args
            left = f"({left})" if left_strength < strength else left
            right = f"({right})" if right_strength <= strength else right
            return f"{left} {symbol} {right}", strength
        if op.name == "pow":
            (left, left_strength), (right, right_strength) = args
            left = f"({left})" if left_strength <= POWER else left
            right = f"({right})" if right_strength < UNARY else right
            return f"{left} ** {right}", POWER
        if op.name == "neg":
            text, strength = args[0]
            return f"-({text})" if strength < UNARY or text.startswith("-") else f"-{text}", UNARY
        return f"{op.name}({', '.join(text for text, _ in args)})", ATOM

    def keeps_inline(self, node_id: str, text: str) -> bool:
        """A node without a name of its own, used once, goes inside its user's expression."""
        # Used once in the document too: a node that also feeds one outside the selection
        # keeps its name, so the text typed back into the same document reads it.
        if node_id == self.output or self.graph.out_degree(node_id) != 1 or len(self.document.out_edges(node_id)) != 1:
            return False
        label = self.document.attrs(node_id).get("label")
        return not label or _squeezed(label) == _squeezed(text)

    def write(self) -> str:
        lines = []
        name = self.document.name if len(self.chosen) == len(self.document) else ""
        if name:
            lines.append(f"# {' '.join(name.split())}")
        used = {self.document.op_of(node_id).name for node_id in self.chosen}
        for definition in custom_ops_used(self.document.registry, used):  # engine.custom.definitions
            formula = " ".join(definition.formula.split())
            lines.append(f"def {definition.name}({', '.join(definition.ports)}): return {formula}")
        for node_id in self.order():
            op = self.document.op_of(node_id)
            if op.is_leaf:
                value = self.document.value_of(node_id)
                # A constant is written where it is used; one that is the output has no user.
                if value is not None and (op.name == "input" or node_id == self.output):
                    lines.append(f"{self.name(node_id)} = {format_value(value)}")
                continue
            text, strength = self.expression(node_id)
            depth = 1 + max((self.depth.get(edge[0], 0) for edge in self.document.in_edges(node_id)), default=0)
            if depth <= MAX_NESTING and self.keeps_inline(node_id, text):
                self.inline[node_id] = (text, strength)
                self.depth[node_id] = depth
            else:
                lines.append(f"{self.name(node_id)} = {text}")
        if self.output is not None and not (lines and lines[-1].startswith(f"{self.name(self.output)} = ")):
            # The last assignment is the output: say which node it is when another came after it.
            lines.append(f"{self.name(self.output)} = {self.name(self.output)}")
        return "\n".join(lines) + "\n"


def _squeezed(text: str) -> str:
    return "".join(text.split())


def write_expression(document: GraphDocument, node_ids: Iterable[str] | None = None) -> str:
    """The graph (or the nodes `node_ids` and the wires between them) as text in the
    expression language. Nodes outside the selection that feed it are read by name.
    Raises CannotWrite for an op with an input not wired."""
    return ExpressionWriter(document, node_ids).write()
