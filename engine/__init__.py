"""The model and the maths of Backprop Studio. Nothing in this package imports Qt.

The names below load on first use, so `main.py eval` (which needs neither networkx
nor the document) does not pay for importing them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.document import GraphDocument
    from engine.errors import BadValue, EditRefused, EvaluationError, FileFormatError, StudioError
    from engine.evaluate import Evaluation, Problem, evaluate_plan
    from engine.fileformat import GraphSpec, parse_data, parse_text, read_file, write_json_atomic
    from engine.ops import OPS, Op, get_op
    from engine.plan import Edge, Plan, PlanNode, compile_plan
    from engine.trace import Trace, TraceState

_HOMES = {
    "GraphDocument": "document",
    "BadValue": "errors", "EditRefused": "errors", "EvaluationError": "errors", "FileFormatError": "errors",
    "StudioError": "errors",
    "Evaluation": "evaluate", "Problem": "evaluate", "evaluate_plan": "evaluate",
    "GraphSpec": "fileformat", "parse_data": "fileformat", "parse_text": "fileformat", "read_file": "fileformat",
    "write_json_atomic": "fileformat",
    "OPS": "ops", "Op": "ops", "get_op": "ops",
    "Edge": "plan", "Plan": "plan", "PlanNode": "plan", "compile_plan": "plan",
    "Trace": "trace", "TraceState": "trace",
}

__all__ = [
    "OPS", "BadValue", "Edge", "EditRefused", "Evaluation", "EvaluationError", "FileFormatError",
    "GraphDocument", "GraphSpec", "Op", "Plan", "PlanNode", "Problem", "StudioError", "Trace",
    "TraceState", "compile_plan", "evaluate_plan", "get_op", "parse_data", "parse_text", "read_file",
    "write_json_atomic",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    value = getattr(import_module(f"engine.{home}"), name)
    globals()[name] = value
    return value
