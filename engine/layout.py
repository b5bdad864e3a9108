"""Left-to-right layered layout: columns by topological depth, rows by barycentres."""

from __future__ import annotations

import networkx as nx

COLUMN_SPACING = 300.0
ROW_SPACING = 130.0
SWEEPS = 2


def _columns(graph: nx.MultiDiGraph) -> list[list[str]]:
    column_of: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(graph)):
        for node in generation:
            column_of[node] = depth
    # A leaf sits just left of its first consumer, not in column 0 far from it.
    for node, depth in list(column_of.items()):
        if depth == 0 and graph.out_degree(node):
            column_of[node] = min(column_of[s] for s in graph.successors(node)) - 1
    shift = min(column_of.values(), default=0)
    columns: list[list[str]] = [[] for _ in range(max(column_of.values(), default=-1) - shift + 1)]
    for node in graph.nodes:
        columns[column_of[node] - shift].append(node)
    return columns


def _reorder(columns: list[list[str]], row: dict[str, float], neighbours, indices) -> None:
    for c in indices:
        def barycentre(node: str) -> float:
            rows = [row[n] for n in neighbours(node)]
            return sum(rows) / len(rows) if rows else row[node]

        columns[c].sort(key=barycentre)
        for r, node in enumerate(columns[c]):
            row[node] = r - (len(columns[c]) - 1) / 2.0


def layered_positions(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Scene positions (node centres) for every node, centred on the origin."""
    columns = _columns(graph)
    row: dict[str, float] = {}
    for column in columns:
        for r, node in enumerate(column):
            row[node] = r - (len(column) - 1) / 2.0
    for _ in range(SWEEPS):
        _reorder(columns, row, graph.predecessors, range(1, len(columns)))
        _reorder(columns, row, graph.successors, range(len(columns) - 2, -1, -1))
    left = (len(columns) - 1) * COLUMN_SPACING / 2.0
    return {node: (c * COLUMN_SPACING - left, row[node] * ROW_SPACING)
            for c, column in enumerate(columns) for node in column}
