"""`main.py eval`: a graph file in, every value and gradient out, without networkx."""

from __future__ import annotations

import os
from typing import Any

from engine.errors import EvaluationError
from engine.evaluate import Evaluation, evaluate_plan
from engine.fileformat import GraphSpec, read_file
from engine.ops import OPS
from engine.plan import Plan, PlanNode, compile_plan


def plan_from_spec(spec: GraphSpec) -> Plan:
    """Compile a checked file straight into a plan (the fast path for big files)."""
    nodes = [PlanNode(node_id, OPS[attrs["op"]], attrs.get("value"), attrs.get("label"))
             for node_id, attrs in spec.nodes]
    edges = ((s, t, k, attrs["port"]) for s, t, k, attrs in spec.edges)
    return compile_plan(nodes, edges, spec.output)


def evaluate_file(path: str | os.PathLike[str]) -> Evaluation:
    """Evaluate a file; raises FileFormatError or EvaluationError (naming the node)."""
    evaluation = evaluate_plan(plan_from_spec(read_file(path)))
    if not evaluation.ok:
        raise EvaluationError(f"Cannot compute the output: {evaluation.output_problem}.")
    return evaluation


def eval_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    return evaluate_file(path).to_json()
