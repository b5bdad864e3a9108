"""What both exported scripts are written from: an evaluation's nodes in the order
they are computed, each with its Python name, its op's code and its inputs' names,
and which of them carry a gradient. Nothing here writes text yet."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.codegen.names import Namer
from engine.codegen.templates import CodegenError, OpCode, code_for
from engine.evaluate import Evaluation
from engine.ops import Op
from engine.values import Value

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass
class NodeCode:
    index: int
    node_id: str
    name: str
    """Its Python name (the file's label or id, made safe)."""
    op: Op
    code: OpCode | None
    """None for a leaf (input or constant)."""
    value: Value
    sources: list[int]
    has_grad: bool
    """The engine gives it a gradient (the output depends on it, and it is not a constant)."""


@dataclass
class Program:
    nodes: list[NodeCode]
    """Leaves first (inputs, then constants, in the file's order), then the ops in topological order."""
    by_index: dict[int, NodeCode]
    output: NodeCode
    all_ids: list[str]
    """Every node id of the file, in its order: the report names them all."""
    title: str
    codes: list[OpCode]
    """The classes needed, one per op used, in order of first use."""
    namer: Namer
    """Hands out further names (temporaries) that clash with none of the nodes'."""

    def name_of(self, index: int) -> str:
        return self.by_index[index].name

    def backward_order(self) -> list[NodeCode]:
        """The ops that pass a gradient back, in the trace's order (the output's first)."""
        ops = [node for node in self.nodes if node.code is not None]
        return [node for node in reversed(ops) if node.has_grad]


def comment_text(text: str) -> str:
    """A user's text made fit for a comment: one line, nothing that is not UTF-8."""
    line = _CONTROL.sub(" ", text).strip()
    return line.encode("utf-8", "replace").decode("utf-8")


def build_program(evaluation: Evaluation, title: str, reserved: set[str] | frozenset[str] | None = None) -> Program:
    """The nodes of an evaluation that have values, named for code. Raises CodegenError
    when the output cannot be computed (as `main.py eval` refuses it) or an op has no code."""
    if not evaluation.ok:
        raise CodegenError(f"cannot compute the output: {evaluation.output_problem}")
    plan = evaluation.plan
    namer = Namer() if reserved is None else Namer(reserved)
    codes: dict[str, OpCode] = {}
    for i in plan.order:
        op = plan.ops[i]
        if evaluation.values[i] is not None and not op.is_leaf and op.name not in codes:
            codes[op.name] = code_for(op)
    namer.reserve(*(code.class_name for code in codes.values()))
    leaves = [i for i in range(len(plan)) if plan.ops[i].is_leaf and evaluation.values[i] is not None]
    leaves.sort(key=lambda i: plan.ops[i].gets_gradient, reverse=True)  # inputs, then constants (stable)
    computed = [i for i in plan.order if not plan.ops[i].is_leaf and evaluation.values[i] is not None]
    nodes = []
    for i in leaves + computed:
        op = plan.ops[i]
        value = evaluation.values[i]
        assert value is not None
        nodes.append(NodeCode(i, plan.ids[i], namer.node(plan.names[i]), op, codes.get(op.name), value,
                              list(plan.sources[i]), evaluation.grads[i] is not None))
    by_index = {node.index: node for node in nodes}
    return Program(nodes, by_index, by_index[plan.output], list(plan.ids), comment_text(title),
                   list(codes.values()), namer)


def string(text: str) -> str:
    """A Python string literal for any text, in double quotes where that needs no escapes."""
    written = repr(text)
    if written.startswith("'") and '"' not in text and "\\" not in written:
        return f'"{written[1:-1]}"'
    return written


def literal(value: Value, prefix: str = "np.float64", array: str = "np.array") -> str:
    """A value as Python source that gives it back exactly (repr of a float round-trips)."""
    if isinstance(value, np.ndarray):
        return f"{array}({value.tolist()!r})"
    return f"{prefix}({float(value)!r})"
