"""`main.py eval`: a graph file in, every value and gradient out, without networkx."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from numpy import ndarray

from engine.errors import EvaluationError
from engine.evaluate import Evaluation, evaluate_plan
from engine.fileformat import GraphSpec, read_file
from engine.plan import Plan, PlanNode, assemble_plan, compile_plan
from engine.values import Value, value_to_json


def plan_from_spec(spec: GraphSpec) -> Plan:
    """Compile a checked file straight into a plan (the fast path for big files), with
    the ops of the registry the file was read with."""
    if spec.wiring is None:
        registry = spec.registry
        nodes = [PlanNode(node_id, registry[attrs["op"]], attrs.get("value"), attrs.get("label"))
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
        raise EvaluationError(f"Cannot compute the output: {evaluation.output_cause()}.")
    return evaluation


@contextmanager
def collector_paused() -> Iterator[None]:
    """A big file decodes into millions of objects, none in a reference cycle; left
    on, the cyclic collector scans them again and again while the plan and the
    results are built, a third of the command's run time on 130,000 nodes."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def eval_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    with collector_paused():
        return evaluate_file(path).to_json()


CHUNK = 1 << 16
"""Numbers of an array turned into text at a time."""


def report_pieces(evaluation: Evaluation, chunk: int = CHUNK) -> Iterator[str]:
    """`json.dumps(evaluation.to_json())`, the same text, in pieces: an array of
    millions of numbers as one nested list of Python floats, and then as one
    string, would take ten times its own memory, so big arrays go `chunk`
    numbers at a time."""
    values, grads = evaluation.values, evaluation.grads
    if not (_holds_big_array(values, chunk) or _holds_big_array(grads, chunk)):
        yield json.dumps(evaluation.to_json())
        return
    yield f'{{"output": {json.dumps(evaluation.output)}, "nodes": {{'
    for k, (node_id, value, grad) in enumerate(zip(evaluation.plan.ids, values, grads)):
        yield f'{", " if k else ""}{json.dumps(node_id)}: {{"value": '
        yield from _value_pieces(value, chunk)
        yield ', "grad": '
        yield from _value_pieces(grad, chunk)
        yield "}"
    yield "}}"


def _holds_big_array(values: list[Value | None], chunk: int) -> bool:
    # The first test runs at C speed: most graphs hold scalars only.
    return ndarray in map(type, values) and any(type(v) is ndarray and v.size > chunk for v in values)


def _value_pieces(value: Value | None, chunk: int) -> Iterator[str]:
    if type(value) is not ndarray or value.size <= chunk:
        yield json.dumps(value_to_json(value))
        return
    # Whole rows at a time while a row fits in a chunk; a row that does not is
    # split the same way (one level per axis: at most 64).
    step = max(chunk // (value.size // len(value)), 1)
    yield "["
    for start in range(0, len(value), step):
        separator = ", " if start else ""
        if step == 1 and value[start].size > chunk:
            yield separator
            yield from _value_pieces(value[start], chunk)
        else:
            yield separator + json.dumps(value[start:start + step].tolist())[1:-1]
    yield "]"
