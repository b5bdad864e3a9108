"""The model and the maths of Backprop Studio. Nothing in this package imports Qt."""

from engine.document import GraphDocument
from engine.errors import BadValue, EditRefused, EvaluationError, FileFormatError, StudioError
from engine.evaluate import Evaluation, Problem, evaluate_plan
from engine.fileformat import GraphSpec, parse_data, parse_text, read_file, write_json_atomic
from engine.ops import OPS, Op, get_op
from engine.plan import Edge, Plan, PlanNode, compile_plan
from engine.trace import Trace, TraceState

__all__ = [
    "OPS", "BadValue", "Edge", "EditRefused", "Evaluation", "EvaluationError", "FileFormatError",
    "GraphDocument", "GraphSpec", "Op", "Plan", "PlanNode", "Problem", "StudioError", "Trace",
    "TraceState", "compile_plan", "evaluate_plan", "get_op", "parse_data", "parse_text", "read_file",
    "write_json_atomic",
]
