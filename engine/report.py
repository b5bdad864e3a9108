"""`main.py eval`: a graph file in, every value and gradient out, without networkx."""

from __future__ import annotations

import gc
import os
from typing import Any

from engine.errors import EvaluationError
from engine.evaluate import Evaluation, evaluate_plan
from engine.fileformat import GraphSpec, read_file
from engine.ops import OPS
from engine.plan import Plan, PlanNode, assemble_plan, compile_plan


def plan_from_spec(spec: GraphSpec) -> Plan:
    """Compile a checked file straight into a plan (the fast path for big files)."""
    if spec.wiring is None:
        nodes = [PlanNode(node_id, OPS[attrs["op"]], attrs.get("value"), attrs.get("label"))
                 for node_id, attrs in spec.nodes]
        return compile_plan(nodes, ((s, t, k, attrs["port"]) for s, t, k, attrs in spec.edges), spec.output)
    ids = list(spec.wiring.index)
    names = [attrs.get("label") or node_id for node_id, attrs in spec.nodes]
    # Forward reads leaf_values of leaves only; a "value" key elsewhere is never looked at.
    leaf_values = [attrs.get("value") for _, attrs in spec.nodes]
    return assemble_plan(ids, names, leaf_values, spec.wiring, spec.output)


def evaluate_file(path: str | os.PathLike[str]) -> Evaluation:
    """Evaluate a file; raises FileFormatError or EvaluationError (naming the node)."""
    evaluation = evaluate_plan(plan_from_spec(read_file(path)))
    if not evaluation.ok:
        raise EvaluationError(f"Cannot compute the output: {evaluation.output_problem}.")
    return evaluation


def eval_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    # A big file decodes into millions of objects, none in a reference cycle; left
    # on, the cyclic collector scans them again and again while the plan and the
    # results are built, a third of the command's run time on 130,000 nodes.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return evaluate_file(path).to_json()
    finally:
        if collecting:
            gc.enable()
