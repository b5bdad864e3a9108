"""Random graph files for the benchmarks: a DAG of add/mul/relu (or any ops) over
inputs with values, in file format version 1, positions included as the editor
would save them.

    python benchmarks/make_graph.py 130000 /tmp/graph130k.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.ops import OPS

DEFAULT_OPS = ("add", "mul", "relu")
WINDOW = 50
"""Fan-out reaches back at most this many nodes (or inputs)."""


def random_dag(count: int, seed: int = 0, ops: tuple[str, ...] = DEFAULT_OPS,
               input_fraction: float = 0.2) -> dict[str, Any]:
    """A random DAG of `count` nodes as file-format data, with one sink (graph.output).

    Each op takes its first operand from the oldest node nothing uses yet, so the
    graph is deep and every node lies behind the output; a second operand is
    another unused node, a recent input or a recent node (fan-out). With inputs in
    [-1, 1] the values and gradients stay finite on graphs of any size this makes.
    The last nodes add up whatever is still unused, leaving a single sink.
    """
    rng = random.Random(seed)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    unused: deque[int] = deque()
    leaves: list[int] = []
    arity = {name: OPS[name].arity for name in ops}

    def add_node(i: int, op: str, sources: list[int], value: float | None = None) -> None:
        node: dict[str, Any] = {"id": f"n{i}", "op": op}
        if value is not None:
            node["value"] = value
        node["x"], node["y"] = 220.0 * (i // 20), 130.0 * (i % 20)
        nodes.append(node)
        for port, source in enumerate(sources):
            edges.append({"source": f"n{source}", "target": f"n{i}", "key": sources[:port].count(source),
                          "port": port})
        unused.append(i)

    for i in range(count):
        # Ending with exactly one unused node (the output) needs the unused count to
        # exceed the nodes still to make by exactly one: adds of two unused nodes
        # keep that, an add of one unused node and an input raises it by one.
        surplus = len(unused) - (count - i)
        if surplus >= 1:
            add_node(i, "add", [unused.popleft(), unused.popleft()])
            continue
        if surplus == 0:
            add_node(i, "add", [unused.popleft(), rng.choice(leaves[-WINDOW:])])
            continue
        if len(unused) < 2 or rng.random() < input_fraction:
            leaves.append(i)
            add_node(i, "input", [], round(rng.uniform(-1.0, 1.0), 6))
            continue
        op = rng.choice(ops)
        sources = [unused.popleft()]
        for _ in range(arity[op] - 1):
            pick = rng.random()
            if pick < 0.5 and unused:
                sources.append(unused.popleft())
            elif pick < 0.8:
                sources.append(rng.choice(leaves[-WINDOW:]))
            else:
                sources.append(rng.randrange(max(0, i - WINDOW), i))
        add_node(i, op, sources)
    return {
        "directed": True, "multigraph": True,
        "graph": {"format": "backprop-studio", "version": 1, "name": f"random DAG of {count} nodes",
                  "output": f"n{count - 1}"},
        "nodes": nodes, "edges": edges,
    }


def chain(count: int, op: str = "add") -> dict[str, Any]:
    """A single chain x → op → op → ... of `count` nodes (the second port is x itself)."""
    nodes: list[dict[str, Any]] = [{"id": "n0", "op": "input", "value": 1.0}]
    edges: list[dict[str, Any]] = []
    for i in range(1, count):
        nodes.append({"id": f"n{i}", "op": op})
        for port in range(OPS[op].arity):
            edges.append({"source": f"n{i - 1}" if port == 0 else "n0", "target": f"n{i}", "key": 0, "port": port})
    return {"directed": True, "multigraph": True,
            "graph": {"format": "backprop-studio", "version": 1, "output": f"n{count - 1}"},
            "nodes": nodes, "edges": edges}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a random add/mul/relu DAG as a graph file.")
    parser.add_argument("count", type=int)
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    Path(args.path).write_text(json.dumps(random_dag(args.count, args.seed)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
