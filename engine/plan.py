"""Compile a graph once into flat, integer-indexed lists that evaluation runs through.

Both the document (a networkx graph) and the command line's fast path (a parsed
file, never turned into networkx) compile through `compile_plan`, so there is one
evaluator. Topological order is Kahn's algorithm on integer lists: on a
130,000-node graph it takes a tenth of the time of `networkx.topological_sort`
over a MultiDiGraph, and it is what `main.py eval`'s time budget allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.ops import Op
from engine.values import Value

Edge = tuple[str, str, int]
"""An edge's identity: (source id, target id, multigraph key)."""


@dataclass(frozen=True)
class PlanNode:
    """What compile_plan needs to know of one node."""

    node_id: str
    op: Op
    value: Value | None = None
    label: str | None = None


@dataclass
class Plan:
    ids: list[str]
    names: list[str]
    index: dict[str, int]
    ops: list[Op]
    leaf_values: list[Value | None]
    sources: list[list[int]]
    """Per node, per port: the source node's index, or -1 where nothing is wired."""
    in_edges: list[list[Edge | None]]
    order: list[int]
    """Topological order of every node (for a graph with no cycle)."""
    output: int
    """The node backward starts from, or -1 when there is none (see output_problem)."""
    output_problem: str | None
    unordered: list[int]
    """Nodes on or behind a cycle; empty for every graph the document allows."""

    def __len__(self) -> int:
        return len(self.ids)


def topological_order(count: int, edges: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Kahn's algorithm, sources first in index order: (order, nodes left on cycles)."""
    successors: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    for source, target in edges:
        successors[source].append(target)
        indegree[target] += 1
    order = [i for i in range(count) if indegree[i] == 0]
    position = 0
    while position < len(order):
        for target in successors[order[position]]:
            indegree[target] -= 1
            if indegree[target] == 0:
                order.append(target)
        position += 1
    if len(order) == count:
        return order, []
    placed = set(order)
    return order, [i for i in range(count) if i not in placed]


def choose_output(ids: Sequence[str], ops: Sequence[Op], has_successor: Sequence[bool],
                  requested: str | None, index: dict[str, int]) -> tuple[int, str | None]:
    """The explicit output if it exists, else the only sink that is not a leaf."""
    if requested is not None and requested in index:
        return index[requested], None
    sinks = [i for i in range(len(ids)) if not has_successor[i]]
    computed = [i for i in sinks if not ops[i].is_leaf] or sinks
    if len(computed) == 1:
        return computed[0], None
    if not computed:
        return -1, "the graph is empty"
    shown = ", ".join(ids[i] for i in computed[:4]) + (", …" if len(computed) > 4 else "")
    return -1, f"the graph has {len(computed)} possible outputs ({shown}); choose one as the output"


def compile_plan(nodes: Sequence[PlanNode], edges: Iterable[tuple[str, str, int, int]],
                 requested_output: str | None = None) -> Plan:
    """Flatten nodes and (source, target, key, port) edges into a Plan."""
    count = len(nodes)
    ids = [node.node_id for node in nodes]
    index = {node_id: i for i, node_id in enumerate(ids)}
    ops = [node.op for node in nodes]
    sources = [[-1] * op.arity for op in ops]
    in_edges: list[list[Edge | None]] = [[None] * op.arity for op in ops]
    has_successor = [False] * count
    pairs: list[tuple[int, int]] = []
    for source, target, key, port in edges:
        s, t = index[source], index[target]
        sources[t][port] = s
        in_edges[t][port] = (source, target, key)
        has_successor[s] = True
        pairs.append((s, t))
    order, unordered = topological_order(count, pairs)
    output, problem = choose_output(ids, ops, has_successor, requested_output, index)
    return Plan(
        ids=ids,
        names=[node.label or node.node_id for node in nodes],
        index=index,
        ops=ops,
        leaf_values=[node.value for node in nodes],
        sources=sources,
        in_edges=in_edges,
        order=order,
        output=output,
        output_problem=problem,
        unordered=unordered,
    )
