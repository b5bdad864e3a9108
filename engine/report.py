"""`main.py eval`: a graph file in, every value and gradient out, without networkx."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring_ascii
from typing import Any

import numpy as np
import orjson
from numpy import float64, ndarray

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
    """Evaluate a file for its report; raises FileFormatError or EvaluationError (naming the node).

    The file is read without its edge objects (the report names nodes only), so the
    evaluation has no trace and no gradients by edge: its plan's in_edges are empty."""
    evaluation = evaluate_plan(plan_from_spec(read_file(path, keep_edges=False)))
    if not evaluation.ok:
        raise EvaluationError(f"Cannot compute the output: {evaluation.output_cause()}.")
    return evaluation


@contextmanager
def collector_paused(*, frozen_after: bool = False) -> Iterator[None]:
    """A big file decodes into millions of objects, none in a reference cycle; left
    on, the cyclic collector scans them again and again while the plan and the
    results are built, a third of the command's run time on 130,000 nodes.

    With `frozen_after`, every object alive at the end stays out of the collector's
    sight for good (gc.freeze): for a process that ends next, where the collector's
    first pass over them would cost 70 ms on 130,000 nodes and find nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if frozen_after:
            gc.freeze()
        if collecting:
            gc.enable()


def eval_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    with collector_paused():
        return evaluate_file(path).to_json()


CHUNK = 1 << 16
"""Numbers of an array turned into text at a time."""


def report_pieces(evaluation: Evaluation, chunk: int = CHUNK,
                  tangents: list[Value | None] | None = None) -> Iterator[str]:
    """`json.dumps(evaluation.to_json())`, the same text, in pieces: an array of
    millions of numbers as one nested list of Python floats, and then as one
    string, would take ten times its own memory, so big arrays go `chunk`
    numbers at a time. With `tangents` (engine.tangent, one per node), every node
    also gets `"tangent"` after its `"grad"`."""
    values, grads = evaluation.values, evaluation.grads
    if not (_holds_big_array(values, chunk) or _holds_big_array(grads, chunk)
            or (tangents is not None and _holds_big_array(tangents, chunk))):
        yield _report_text(evaluation, tangents)
        return
    yield f'{{"output": {json.dumps(evaluation.output)}, "nodes": {{'
    for k, (node_id, value, grad) in enumerate(zip(evaluation.plan.ids, values, grads)):
        yield f'{", " if k else ""}{json.dumps(node_id)}: {{"value": '
        yield from _value_pieces(value, chunk)
        yield ', "grad": '
        yield from _value_pieces(grad, chunk)
        if tangents is not None:
            yield ', "tangent": '
            yield from _value_pieces(tangents[k], chunk)
        yield "}"
    yield "}}"


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
"""How json.dumps spells what float.__repr__ spells so."""
_FLOATS = {float64, float}
_FLOATS_OR_NONE = {float64, float, type(None)}
_SHORT_FORM_BELOW = 1e-4
"""Below this, orjson writes 0.00001 where float.__repr__ writes 1e-05."""
_PROBES = [0.0, -0.0, 1.0, -2.5, 0.1, 1 / 3, _SHORT_FORM_BELOW, -0.00015, 123456.789, 1e15, 999999999999999.9,
           1e16, -1.2345678901234567e16, 1e22, 2.0 ** 53 + 2, 1e300, 1.7976931348623157e308]


def _orjson_writes_floats_as_repr() -> bool:
    """orjson's shortest round-trip text is float.__repr__'s from 1e-4 up (orjson 3.13); checked
    at the edges of repr's forms, so that another orjson that writes them otherwise is not used."""
    return orjson.dumps(_PROBES).decode() == "[" + ",".join(map(float.__repr__, _PROBES)) + "]"


_ORJSON_FLOATS = _orjson_writes_floats_as_repr()


def _report_text(evaluation: Evaluation, tangents: list[Value | None] | None = None) -> str:
    """`json.dumps(evaluation.to_json())`, the same text, built without the nested dicts
    and the encoder's walk over them (a third of a 130,000-node eval's time): one
    string per id, value and gradient (and tangent, when given), joined."""
    ids = map(encode_basestring_ascii, evaluation.plan.ids)  # how json.dumps writes keys
    texts = zip(ids, _texts(evaluation.values), _texts(evaluation.grads))
    if tangents is None:
        body = ", ".join([f'{node}: {{"value": {value}, "grad": {grad}}}' for node, value, grad in texts])
    else:
        body = ", ".join([f'{node}: {{"value": {value}, "grad": {grad}, "tangent": {tangent}}}'
                          for (node, value, grad), tangent in zip(texts, _texts(tangents))])
    return f'{{"output": {json.dumps(evaluation.output)}, "nodes": {{{body}}}}}'


def _texts(values: list[Value | None]) -> list[str]:
    """json.dumps(value_to_json(value)) for each value: at C speed when all are scalars."""
    kinds = set(map(type, values))
    if not values or not kinds <= _FLOATS_OR_NONE:
        return [json.dumps(value_to_json(value)) for value in values]
    if not _ORJSON_FLOATS:
        return [_float_text(value) for value in values]
    # Ten times faster than float.__repr__ one by one; None reads as nan here.
    numbers = np.array(values, dtype=np.float64)
    texts = orjson.dumps(numbers, option=orjson.OPT_SERIALIZE_NUMPY).decode()[1:-1].split(",")
    magnitude = np.abs(numbers)
    with np.errstate(invalid="ignore"):  # nan, ±inf (orjson writes null), None, and tiny numbers
        odd = ~np.isfinite(numbers) | ((magnitude < _SHORT_FORM_BELOW) & (magnitude > 0))
    for position in np.flatnonzero(odd).tolist():
        texts[position] = _float_text(values[position])
    return texts


def _float_text(value: float | None) -> str:
    if value is None:
        return "null"
    text = float.__repr__(value)  # json.dumps's own spelling of a finite float
    return _NON_FINITE.get(text, text)


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
