"""`main.py eval` against a micrograd-style scalar autograd, on the same graph file, in one run.

    python benchmarks/eval_vs_micrograd.py                 # makes the 130,000-node file (18.7 MB)
    python benchmarks/eval_vs_micrograd.py GRAPH.json      # any add/mul/relu graph file
    python benchmarks/eval_vs_micrograd.py --runs 5

Both sides do the same job as a whole process: read the JSON file, compute every
value forward and every gradient backward from the output, and print them all as
JSON. The micrograd side is Karpathy's `Value` class (MIT licence), written again
here with add, mul and relu, and with an iterative topological sort (micrograd's
recursive one overflows Python's stack on a graph this deep). Each side runs as
its own process; the figure is the best of --runs wall times, and the ratio is
eval's over micrograd's. The two sides' numbers are compared as a check.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODES = 130_000
SEED = 1
"""The whole-process graph of engine_bench.py: random_dag(130_000, seed=1), 18.7 MB."""


class Value:
    """A scalar and its gradient, and how to pass the gradient to its children: micrograd's
    engine.py as it is (no __slots__, a set of children, a closure per node), but for the
    topological sort."""

    def __init__(self, data: float, _children: tuple[Value, ...] = (), _op: str = "") -> None:
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward() -> None:
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self) -> None:
        # micrograd's build_topo, with a stack instead of recursion (a node goes into
        # the order after all its children, as there): 39,000 levels deep here.
        topo: list[Value] = []
        visited: set[Value] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child not in visited)
        self.grad = 1
        for node in reversed(topo):
            node._backward()


def micrograd_report(path: str) -> dict[str, Any]:
    """Read a graph file of input/add/mul/relu nodes; every value and gradient, as `eval` prints them."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    ops = {node["id"]: node["op"] for node in data["nodes"]}
    args: dict[str, list[str]] = {node_id: [] for node_id in ops}
    for edge in sorted(data["edges"], key=lambda edge: edge["port"]):
        args[edge["target"]].append(edge["source"])
    values: dict[str, Value] = {}
    for node in data["nodes"]:  # files of make_graph.py list every node after its arguments
        node_id, op = node["id"], node["op"]
        if op == "input":
            values[node_id] = Value(float(node["value"]))
        elif op == "add":
            values[node_id] = values[args[node_id][0]] + values[args[node_id][1]]
        elif op == "mul":
            values[node_id] = values[args[node_id][0]] * values[args[node_id][1]]
        elif op == "relu":
            values[node_id] = values[args[node_id][0]].relu()
        else:
            raise SystemExit(f"micrograd side: op {op!r} is not add, mul or relu")
    output = data["graph"]["output"]
    values[output].backward()
    return {"output": output,
            "nodes": {node_id: {"value": v.data, "grad": v.grad} for node_id, v in values.items()}}


def best_wall_time(command: list[str], runs: int) -> tuple[float, str]:
    times, stdout = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        stdout = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout
        times.append(time.perf_counter() - start)
    return min(times), stdout


def largest_difference(ours: dict[str, Any], theirs: dict[str, Any]) -> float:
    """The largest relative difference between the two sides' values and gradients."""
    worst = 0.0
    for node_id, entry in theirs["nodes"].items():
        for key in ("value", "grad"):
            a, b = ours["nodes"][node_id][key], entry[key]
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0)
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph", nargs="?", help="an add/mul/relu graph file (default: make the 130k one)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; the best counts (default 3)")
    parser.add_argument("--micrograd-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.micrograd_only:  # the micrograd side, as a process of its own
        print(json.dumps(micrograd_report(args.graph)))
        return 0
    with tempfile.TemporaryDirectory(prefix="eval-vs-micrograd-") as directory:
        path = args.graph
        if path is None:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from make_graph import random_dag

            path = str(Path(directory) / f"dag{NODES}.json")
            Path(path).write_text(json.dumps(random_dag(NODES, seed=SEED)), encoding="utf-8")
        with open(path, encoding="utf-8") as handle:
            count = len(json.load(handle)["nodes"])
        size = Path(path).stat().st_size / 1e6
        print(f"{count:,} nodes ({size:.1f} MB), best of {args.runs} whole-process runs each:", flush=True)
        ours, our_text = best_wall_time([sys.executable, str(ROOT / "main.py"), "eval", path], args.runs)
        print(f"  main.py eval        {ours:6.3f} s", flush=True)
        theirs, their_text = best_wall_time(
            [sys.executable, str(Path(__file__).resolve()), "--micrograd-only", path], args.runs)
        print(f"  micrograd (Python)  {theirs:6.3f} s")
        print(f"  ratio               {ours / theirs:6.3f}  (eval's time / micrograd's)")
        difference = largest_difference(json.loads(our_text), json.loads(their_text))
        agree = "agree" if difference <= 1e-9 else "DISAGREE"
        print(f"  values and gradients {agree}: largest relative difference {difference:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
